// The relay as users run it — `node host/relay.js` in its own process — for
// tests that must see it survive (a crash is an exit, not a test-runner
// error) and measure it from outside: resident memory and open descriptors
// from /proc/PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { relayUrl } from '../../host/src/net/relay-backend.js';
import { ROOT } from './programs.js';

export interface ChildRelay {
  /** The page URL the relay printed, token included. */
  url: string;
  /** Its WebSocket endpoint. */
  relayUrl: string;
  pid: number;
  /** VmRSS from /proc/PID/status, in KiB (0 once it has exited). */
  rssKiB(): number;
  /** Open file descriptors (sockets included), from /proc/PID/fd. */
  fdCount(): number;
  /** Its open sockets as `proto local → remote state`, for failure messages. */
  sockets(): string[];
  /** Pages that connected and that left, counted from its log. */
  pages(): { connected: number; left: number };
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Set once it has exited, with how. */
  readonly exit: { code: number | null; signal: string | null } | null;
  /** SIGTERM, then SIGKILL after 3 s; resolves once it is gone. */
  stop(): Promise<void>;
}

export async function startChildRelay(args: string[] = []): Promise<ChildRelay> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'host', 'relay.js'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let partial = '';
  const pages = { connected: 0, left: 0 };
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    // Keep the tail only: a long run logs every page that comes and goes.
    err = (err + d).slice(-64 * 1024);
    const lines = (partial + d).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (/^wasock relay: page \S+ connected$/.test(line)) pages.connected++;
      else if (/^wasock relay: page \S+ left$/.test(line)) pages.left++;
    }
  });
  let exit: ChildRelay['exit'] = null;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exit = { code, signal };
    resolve();
  }));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the relay printed no URL within 10 s: ${out} ${err}`)), 10_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /open the demo: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the relay exited (${code}) before printing its URL: ${out} ${err}`));
    });
  });
  const pid = child.pid!;
  const relay: ChildRelay = {
    url,
    relayUrl: relayUrl(url),
    pid,
    get exit() {
      return exit;
    },
    rssKiB() {
      try {
        const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) : 0;
      } catch {
        return 0;
      }
    },
    fdCount() {
      try {
        return readdirSync(`/proc/${pid}/fd`).length;
      } catch {
        return 0;
      }
    },
    sockets() {
      const inodes = new Set<string>();
      try {
        for (const fd of readdirSync(`/proc/${pid}/fd`)) {
          const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]!);
        }
      } catch {
        return [];
      }
      const out: string[] = [];
      for (const proto of ['tcp', 'tcp6', 'udp', 'udp6']) {
        let table = '';
        try {
          table = readFileSync(`/proc/${pid}/net/${proto}`, 'utf8');
        } catch {
          continue;
        }
        for (const line of table.split('\n').slice(1)) {
          const f = line.trim().split(/\s+/);
          if (f.length > 9 && inodes.has(f[9]!)) out.push(`${proto} ${hexAddr(f[1]!)} → ${hexAddr(f[2]!)} ${TCP_STATES[parseInt(f[3]!, 16)] ?? f[3]}`);
        }
      }
      return out;
    },
    pages: () => ({ ...pages }),
    stderr: () => err,
    async stop() {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
  return relay;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

const TCP_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'];

/** `0100007F:1F90` → `127.0.0.1:8080` (IPv6: the 32 hex digits, shortened). */
function hexAddr(text: string): string {
  const [ip, port] = text.split(':') as [string, string];
  const p = parseInt(port, 16);
  if (ip.length === 8) return `${[3, 2, 1, 0].map((i) => parseInt(ip.slice(2 * i, 2 * i + 2), 16)).join('.')}:${p}`;
  return `[${ip}]:${p}`;
}

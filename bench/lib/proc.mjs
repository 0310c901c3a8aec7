// Starting benchmark programs and keeping them on a leash: every program
// runs with a deadline, every child is tracked so none outlives the run,
// and the output contract (READY / RESULT lines) is parsed in one place.

import { execFileSync, spawn } from 'node:child_process';
import { fetchNode26 } from '../../tools/fetch-node.mjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import dgram from 'node:dgram';
import { ROOT } from './paths.mjs';

/** Whether this Node has JSPI (WebAssembly.Suspending). */
export const HAS_JSPI = typeof WebAssembly.Suspending === 'function';

let node26 = null;

/**
 * The Node that runs host/run.js in host mode `host`: this one, except for
 * JSPI on a Node without it, which runs on the project's Node 26 (fetched
 * into .node26/ by tools/fetch-node.mjs on first use).
 */
export function nodeFor(host) {
  if (host !== 'jspi' || HAS_JSPI) return process.execPath;
  node26 ??= fetchNode26({ quiet: true });
  return node26;
}

/** The version of the Node that runs run.js in host mode `host`. */
export function nodeVersionFor(host) {
  const bin = nodeFor(host);
  return bin === process.execPath ? process.version : execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
}

/**
 * How to run program NAME in each flavour: the same argv for all three.
 * A wasm flavour names its host mode: wasm:jspi, wasm:worker.
 */
export function command(flavour, name, args) {
  if (flavour.startsWith('wasm:')) {
    const host = flavour.slice('wasm:'.length);
    return [nodeFor(host), [join(ROOT, 'host', 'run.js'), `--host-mode=${host}`, join(ROOT, 'build', 'wasm', `${name}.wasm`), ...args]];
  }
  switch (flavour) {
    case 'native':
      return [join(ROOT, 'build', 'native', name), args];
    case 'wasm':
      return [process.execPath, [join(ROOT, 'host', 'run.js'), join(ROOT, 'build', 'wasm', `${name}.wasm`), ...args]];
    case 'node':
      return [process.execPath, [join(ROOT, 'bench', 'node', `${name}.mjs`), ...args]];
    default:
      throw new Error(`unknown flavour ${flavour}`);
  }
}

export function programFile(flavour, name) {
  if (flavour === 'native') return join(ROOT, 'build', 'native', name);
  if (flavour === 'wasm' || flavour.startsWith('wasm:')) return join(ROOT, 'build', 'wasm', `${name}.wasm`);
  return join(ROOT, 'bench', 'node', `${name}.mjs`);
}

const live = new Set();

/** Kills whatever is still running; called on exit and on Ctrl-C. */
export function killAll() {
  for (const child of live) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

export class Program {
  /** Program NAME of a flavour (native, wasm, node) with args. */
  constructor(flavour, name, args) {
    this.start(`${flavour} ${name}`, ...command(flavour, name, args));
  }

  /** Any other command (the relay), under the same leash. */
  static spawn(label, cmd, argv) {
    const p = Object.create(Program.prototype);
    p.start(label, cmd, argv);
    return p;
  }

  start(label, cmd, argv) {
    this.label = label;
    this.stdout = '';
    this.stderr = '';
    this.waiters = [];
    this.child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this.child);
    this.child.stdout.setEncoding('utf8').on('data', (d) => {
      this.stdout += d;
      this.waiters = this.waiters.filter((w) => !w());
    });
    this.child.stderr.setEncoding('utf8').on('data', (d) => (this.stderr += d));
    this.child.stdin.on('error', () => {}); // a program that never reads stdin
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        live.delete(this.child);
        this.waiters = this.waiters.filter((w) => !w());
        resolve({ code, signal });
      });
      this.child.on('error', (err) => {
        live.delete(this.child);
        this.stderr += String(err);
        resolve({ code: -1, signal: null });
      });
    });
    this.exitStatus = null;
    void this.exited.then((s) => (this.exitStatus = s));
  }

  get pid() {
    return this.child.pid;
  }

  kill() {
    this.child.kill('SIGKILL');
  }

  /** Resolves once stdout has a line equal to `line`; rejects if the program exits first. */
  waitLine(line) {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.stdout.split('\n').includes(line)) {
          resolve();
          return true;
        }
        if (this.exitStatus || this.child.exitCode !== null || this.child.signalCode !== null) {
          reject(this.failure(`exited before printing ${line}`));
          return true;
        }
        return false;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  /** Waits for a clean exit (code 0). */
  async finished() {
    const { code, signal } = await this.exited;
    if (code !== 0) throw this.failure(signal ? `killed by ${signal}` : `exit code ${code}`);
  }

  /** The RESULT line: { value, unit, extra } or an error. */
  result() {
    const m = /^RESULT (\S+) (\S+)(.*)$/m.exec(this.stdout);
    if (!m) throw this.failure('printed no RESULT line');
    return { value: Number(m[1]), unit: m[2], extra: m[3].trim() };
  }

  failure(what) {
    const tail = this.stderr.trim().split('\n').slice(-3).join(' | ');
    return new Error(`${this.label}: ${what}${tail ? ` (stderr: ${tail})` : ''}`);
  }
}

/**
 * Runs `body` with the programs it starts bounded by `ms`: when the deadline
 * passes every program in `progs` is killed, which makes `body` fail.
 */
export async function withDeadline(ms, progs, body) {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    for (const p of progs) p.kill();
  }, ms);
  try {
    return await body();
  } catch (err) {
    if (timedOut) throw new Error(`timed out after ${ms / 1000} s: ${err.message}`);
    throw err;
  } finally {
    clearTimeout(timer);
    for (const p of progs) p.kill(); // stragglers (no-op for exited ones)
  }
}

/** VmRSS of a process in KiB (Linux /proc). For a wasm guest that is the node process running it. */
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** A loopback port that is free for TCP and UDP right now. */
export async function freePort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    const udpFree = await new Promise((resolve) => {
      const sock = dgram.createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free loopback port');
}

export function missingPrograms(flavours, names) {
  const missing = [];
  for (const f of flavours) for (const n of names) if (!existsSync(programFile(f, n))) missing.push(programFile(f, n));
  return missing;
}

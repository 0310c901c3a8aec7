// Running the example and conformance programs from tests: natively
// (build/native/NAME) or as wasm (node host/run.js build/wasm/NAME.wasm),
// with free loopback ports and bounded waits, so suites can run in parallel.
// WASOCK_HOST_MODE=jspi|worker picks the host mode (helpers/host-mode.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmNode, type HostMode } from './host-mode.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RUN_JS = join(ROOT, 'host', 'run.js');

export type Build = 'native' | 'wasm';

export function programPath(build: Build, name: string): string {
  return build === 'native' ? join(ROOT, 'build', 'native', name) : join(ROOT, 'build', 'wasm', `${name}.wasm`);
}

export function assertBuilt(name: string): void {
  for (const build of ['native', 'wasm'] as const) {
    if (!existsSync(programPath(build, name))) throw new Error(`${programPath(build, name)} is missing: run ./build.sh`);
  }
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
  stdout(): string;
}

export interface StartOptions {
  stdin?: string;
  /** Options placed before the wasm path (wasm builds only). */
  hostOptions?: string[];
  timeoutMs?: number;
  /** This host mode whatever WASOCK_HOST_MODE says (wasm builds only). */
  hostMode?: HostMode;
}

/** Starts a program; `done` settles when it exits or is killed after the timeout. */
export function start(build: Build, name: string, args: string[], options: StartOptions = {}): Running {
  const [cmd, argv] = build === 'native'
    ? [programPath('native', name), args]
    : [
        wasmNode(options.hostMode),
        [RUN_JS, ...(options.hostMode ? [`--host-mode=${options.hostMode}`] : []), ...(options.hostOptions ?? []), programPath('wasm', name), ...args],
      ];
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // A program may exit without reading its input: EPIPE on the pipe is fine.
  child.stdin!.on('error', () => {});
  if (options.stdin !== undefined) child.stdin!.end(options.stdin === '' ? undefined : options.stdin);
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timeout);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, stdout: () => stdout };
}

/**
 * Waits until the program's stdout contains `text` (counting from `from`
 * characters in, so a repeated line can be awaited again). Fails after
 * `timeoutMs`, or as soon as the program exits without having printed it.
 * Resolves with the stdout length just past the match.
 */
export function waitForOutput(running: Running, text: string, timeoutMs = 10_000, from = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const found = (): boolean => {
      const at = running.stdout().indexOf(text, from);
      if (at < 0) return false;
      finish();
      resolve(at + text.length);
      return true;
    };
    const onData = () => void found();
    let settled = false;
    const onClose = () => {
      if (settled || found()) return;
      finish();
      reject(new Error(`the program exited without printing ${JSON.stringify(text)}; stdout: ${JSON.stringify(running.stdout())}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no ${JSON.stringify(text)} on stdout within ${timeoutMs} ms; stdout: ${JSON.stringify(running.stdout())}`));
    }, timeoutMs);
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      running.child.stdout!.off('data', onData);
    };
    // Registered after start()'s own listener, so stdout() already has the chunk.
    running.child.stdout!.on('data', onData);
    // `done` settles once the process has exited and its output is all in.
    void running.done.then(onClose);
    found();
  });
}

export function run(build: Build, name: string, args: string[], options: StartOptions = {}): Promise<Finished> {
  return start(build, name, args, options).done;
}

/** The first port of the kernel's ephemeral range (where bind(0) and connect() pick from). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32768;
  } catch {
    return 32768;
  }
}

/**
 * A loopback port that is free for both TCP and UDP right now. It is taken
 * from below the ephemeral range, so the programs other tests run at the
 * same time (binding port 0, connecting) cannot be handed it by the kernel
 * before our server binds it.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = 20_000;
  if (high - low >= 1000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = low + Math.floor(Math.random() * (high - low + 1));
      if (!(await tcpTaken(port)) && (await udpFree(port))) return port;
    }
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (await udpFree(port)) return port;
  }
  throw new Error('no free loopback port found');
}

/**
 * Whether the kernel's socket tables show `port` bound (TCP: listening),
 * read from /proc/net without touching the port; undefined where there is
 * no /proc/net.
 */
function boundPerProc(port: number, proto: 'tcp' | 'udp'): boolean | undefined {
  let readable = false;
  for (const file of proto === 'tcp' ? ['/proc/net/tcp', '/proc/net/tcp6'] : ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    readable = true;
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4) continue;
      const local = fields[1].split(':');
      if (parseInt(local[local.length - 1], 16) === port && (proto === 'udp' || fields[3] === '0A')) return true;
    }
  }
  return readable ? false : undefined;
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

function tcpTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** Whether nothing holds `port` on 127.0.0.1 right now (probed with a bind). */
export async function portIsFree(port: number, proto: 'tcp' | 'udp'): Promise<boolean> {
  return proto === 'tcp' ? !(await tcpTaken(port)) : udpFree(port);
}

/**
 * Waits until something has bound `port` on loopback. Reads /proc/net where
 * there is one (so the probe can never take the port from the server, nor
 * consume its accept()); elsewhere probes with a bind. Fails after `timeoutMs`.
 */
export async function waitForBound(port: number, proto: 'tcp' | 'udp', timeoutMs = 10_000, alive?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (alive && !alive()) throw new Error(`the server exited before binding port ${port}`);
    const seen = boundPerProc(port, proto);
    if (seen ?? (proto === 'tcp' ? await tcpTaken(port) : !(await udpFree(port)))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing bound ${proto} port ${port} within ${timeoutMs} ms`);
}

export interface PairResult {
  server: Finished;
  client: Finished;
}

/**
 * Runs a server and then a client against it. `args` get the port; the
 * server is started first and the client once the port is bound.
 */
export async function runPair(
  pairing: { server: Build; client: Build },
  names: { server: string; client: string },
  args: { server: (port: number) => string[]; client: (port: number) => string[] },
  proto: 'tcp' | 'udp',
  options: { clientStdin?: string; serverStdin?: string; timeoutMs?: number; hostMode?: HostMode } = {},
): Promise<PairResult> {
  const port = await freePort();
  const server = start(pairing.server, names.server, args.server(port), { stdin: options.serverStdin ?? '', timeoutMs: options.timeoutMs, hostMode: options.hostMode });
  let exited = false;
  void server.done.then(() => (exited = true));
  await waitForBound(port, proto, 10_000, () => !exited);
  const client = await run(pairing.client, names.client, args.client(port), { stdin: options.clientStdin ?? '', timeoutMs: options.timeoutMs, hostMode: options.hostMode });
  return { server: await server.done, client };
}

export const PAIRINGS: { name: string; server: Build; client: Build }[] = [
  { name: 'native server, native client', server: 'native', client: 'native' },
  { name: 'wasm server, wasm client', server: 'wasm', client: 'wasm' },
  { name: 'wasm server, native client', server: 'wasm', client: 'native' },
  { name: 'native server, wasm client', server: 'native', client: 'wasm' },
];

/** Replaces the run's port number so transcripts from different runs compare. */
export function normalisePort(text: string, port: number): string {
  return text.split(String(port)).join('PORT');
}

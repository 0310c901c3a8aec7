// The runner of the differential fuzzer (docs/fuzz-diff.md): runs a script
// natively and on wasock's hosts, and compares.
//
// Native programs run as processes (SIGPIPE ignored, so a write to a broken
// connection fails with EPIPE as on wasock). wasm programs run in this
// process, each in its own worker thread with its own SocketHost — the same
// launcher `node host/run.js` uses — over the Node backend (real sockets),
// the relay backend (a relay in this process) or the in-page network (one
// VirtualNetwork per run). In-process runs skip a node start per program,
// which is what lets `npm test` afford hundreds of scripts.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { startNodeGuest } from '../../host/src/io/node-guest.js';
import type { NetBackend } from '../../host/src/net/backend.js';
import { NetPolicy } from '../../host/src/net/policy.js';
import { VirtualNetwork } from '../../host/src/net/virtual/network.js';
import { createRelayServer, type RelayServer } from '../../host/src/relay/server.js';
import { RelayBackend, type RelayWebSocket } from '../../host/src/net/relay-backend.js';
import { WebSocket } from 'ws';
import { ROOT } from '../helpers/programs.js';
import { type Script, scriptText } from './generate.js';
import { exclusions } from './rules.js';
import { engineHasJspi, requestedHostMode } from '../helpers/host-mode.js';

const NATIVE = join(ROOT, 'build', 'native', 'scenario');
const WASM = join(ROOT, 'build', 'wasm', 'scenario.wasm');
const WORKER = pathToFileURL(join(ROOT, 'build', 'host', 'guest-worker.js'));
/** A run that takes longer has hung (every blocking call in a script has a bounded wait). */
const RUN_DEADLINE_MS = 20_000;

/** Where a program runs: natively, or as wasm over one of wasock's backends. */
export type Host = 'native' | 'node' | 'relay' | 'virtual';

interface Program {
  /** Everything printed so far, `@sync` lines included. */
  stdout(): string;
  /** Called on every chunk of output. */
  onOutput(listener: () => void): void;
  /** Releases a `sync` barrier. */
  release(): void;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(): void;
}

function startNative(ops: readonly string[], base: number): Program {
  const child = spawn('/bin/sh', ['-c', 'trap "" PIPE; exec "$0" "$@"', NATIVE, scriptText(ops), String(base)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    for (const l of listeners) l();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {});
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : null), stdout, stderr }));
  });
  return {
    stdout: () => stdout,
    onOutput: (l) => listeners.push(l),
    release: () => child.stdin.write('\n'),
    done,
    kill: () => child.kill('SIGKILL'),
  };
}

let module: WebAssembly.Module | null = null;

/** WASOCK_HOST_MODE when this engine can run it in-process; otherwise run.js's default. */
function inProcessHostMode(): 'jspi' | 'worker' | undefined {
  const mode = requestedHostMode();
  return mode === 'jspi' && !engineHasJspi() ? undefined : mode;
}

function startWasm(ops: readonly string[], base: number, backend: NetBackend): Program {
  module ??= new WebAssembly.Module(readFileSync(WASM));
  const stdin = new PassThrough();
  const out = { 1: '', 2: '' };
  const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
  const listeners: (() => void)[] = [];
  const guest = startNodeGuest({
    module,
    args: ['scenario', scriptText(ops), String(base)],
    env: [],
    policy: NetPolicy.parse(undefined),
    trace: false,
    dirs: [],
    maxSockets: 64,
    backend,
    stdin,
    tty: { stdin: false, stdout: false, stderr: false },
    workerUrl: WORKER,
    hostMode: inProcessHostMode(),
    output: (fd, bytes) => {
      out[fd] += decoders[fd].decode(bytes, { stream: true });
      if (fd === 1) for (const l of listeners) l();
    },
  });
  const done = guest.outcome.then((o) => ({
    code: o.kind === 'exit' ? o.code : -1,
    stdout: out[1],
    stderr: out[2] + (o.kind === 'exit' ? '' : `[${o.kind}: ${(o as { message?: string }).message ?? ''}]`),
  }));
  return {
    stdout: () => out[1],
    onOutput: (l) => listeners.push(l),
    release: () => stdin.write('\n'),
    done,
    kill: () => void guest.kill(),
  };
}

// --- backends per run -----------------------------------------------------

let relay: Promise<RelayServer> | null = null;

/** The relay this process's relay runs share (started on first use). */
function sharedRelay(): Promise<RelayServer> {
  relay ??= createRelayServer({ port: 0, staticDir: null, limits: { maxConnections: 64 } });
  return relay;
}

export async function closeRelay(): Promise<void> {
  const r = relay;
  relay = null;
  if (r) await (await r).close();
}

/** Backends for one run: every program of the run gets one; `dispose` closes what they opened. */
async function backendsFor(host: Exclude<Host, 'native'>): Promise<{ next(): Promise<NetBackend>; dispose(): void }> {
  if (host === 'node') {
    const { NodeBackend } = await import('../../host/src/net/node-backend.js');
    return { next: async () => new NodeBackend(), dispose: () => {} };
  }
  if (host === 'virtual') {
    const network = new VirtualNetwork();
    return { next: async () => network.backend(), dispose: () => {} };
  }
  const server = await sharedRelay();
  const opened: RelayBackend[] = [];
  return {
    next: async () => {
      const b = await RelayBackend.open(server.relayUrl, (url, protocol) => new WebSocket(url, protocol) as unknown as RelayWebSocket);
      opened.push(b);
      return b;
    },
    dispose: () => opened.forEach((b) => b.close()),
  };
}

// --- ports ------------------------------------------------------------------

/**
 * Each run gets 8 ports of its own (pK = base + K), below Linux's ephemeral
 * range so they never meet a connection's local port, and never reused by
 * this process within minutes (a port a run left in TIME_WAIT would make the
 * next bind fail). The start is random so parallel suites rarely meet; a
 * probe skips ports someone holds.
 */
const PORT_LOW = 12_000;
const PORT_HIGH = 32_000;
let cursor = PORT_LOW + 8 * Math.floor(Math.random() * ((PORT_HIGH - PORT_LOW) / 8));

async function free(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function basePort(): Promise<number> {
  for (;;) {
    const base = cursor;
    cursor += 8;
    if (cursor + 8 > PORT_HIGH) cursor = PORT_LOW;
    let ok = true;
    for (let k = 0; k < 8 && ok; k++) ok = await free(base + k);
    if (ok) return base;
  }
}

// --- one run ------------------------------------------------------------------

export interface Output {
  /** What each program printed, `@sync` lines removed, and how it ended. */
  single?: string;
  server?: string;
  client?: string;
  /** Something outside the comparison went wrong (a hang, a crash, stderr). */
  trouble?: string;
}

function transcript(r: { code: number | null; stdout: string; stderr: string }): string {
  const lines = r.stdout.split('\n').filter((l) => !l.startsWith('@sync'));
  return `${lines.join('\n')}${r.code === 0 ? '' : `\n[exit ${r.code}]`}`;
}

async function withDeadline<T>(work: Promise<T>, kill: () => void): Promise<T | 'hung'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => {
      kill();
      resolve('hung');
    }, RUN_DEADLINE_MS);
  });
  try {
    return await Promise.race([work, hung]);
  } finally {
    clearTimeout(timer);
  }
}

function troubleOf(results: { code: number | null; stderr: string }[]): string | undefined {
  const bad = results.filter((r) => r.stderr !== '');
  return bad.length > 0 ? bad.map((r) => r.stderr).join('\n') : undefined;
}

/** Runs a single-process script on `host`. */
export async function runSingle(ops: readonly string[], host: Host): Promise<Output> {
  const base = await basePort();
  const backends = host === 'native' ? null : await backendsFor(host);
  try {
    const program = host === 'native' ? startNative(ops, base) : startWasm(ops, base, await backends!.next());
    const result = await withDeadline(program.done, () => program.kill());
    if (result === 'hung') return { single: transcript({ code: null, stdout: program.stdout(), stderr: '' }), trouble: 'hung' };
    return { single: transcript(result), trouble: troubleOf([result]) };
  } finally {
    backends?.dispose();
  }
}

/**
 * Runs a server/client script: the server on `serverHost`, the client on
 * `clientHost`. A `sync K` barrier is released once both programs reached it
 * (or the other one ended).
 */
export async function runPair(server: readonly string[], client: readonly string[], serverHost: Host, clientHost: Host): Promise<Output> {
  const base = await basePort();
  // Both wasm programs of a run share one network (one VirtualNetwork, one relay).
  const wasmHost = serverHost !== 'native' ? serverHost : clientHost !== 'native' ? clientHost : null;
  const backends = wasmHost === null ? null : await backendsFor(wasmHost as Exclude<Host, 'native'>);
  const start = async (ops: readonly string[], host: Host) => (host === 'native' ? startNative(ops, base) : startWasm(ops, base, await backends!.next()));
  try {
    const programs = [await start(server, serverHost), await start(client, clientHost)];
    // A program waiting at `sync K` goes on once the other one printed a
    // barrier numbered K or more, or ended.
    const ended = [false, false];
    const released = [0, 0];
    const barriers = (text: string) => [...text.matchAll(/^@sync (\d+)$/gm)].map((m) => Number(m[1]));
    const check = () => {
      const seen = programs.map((p) => barriers(p.stdout()));
      for (const i of [0, 1]) {
        const other = seen[1 - i];
        const reached = other.length > 0 ? other[other.length - 1] : 0;
        while (released[i] < seen[i].length && (reached >= seen[i][released[i]] || ended[1 - i])) {
          released[i]++;
          programs[i].release();
        }
      }
    };
    programs.forEach((p, i) => {
      p.onOutput(check);
      void p.done.then(() => {
        ended[i] = true;
        check();
      });
    });
    const all = Promise.all(programs.map((p) => p.done));
    const result = await withDeadline(all, () => programs.forEach((p) => p.kill()));
    if (result === 'hung') {
      return {
        server: transcript({ code: null, stdout: programs[0].stdout(), stderr: '' }),
        client: transcript({ code: null, stdout: programs[1].stdout(), stderr: '' }),
        trouble: 'hung',
      };
    }
    return { server: transcript(result[0]), client: transcript(result[1]), trouble: troubleOf(result) };
  } finally {
    backends?.dispose();
  }
}

// --- comparison -----------------------------------------------------------------

export interface Verdict {
  /** 'same': every target printed what native printed; 'differs': a failure; 'dropped': not comparable. */
  kind: 'same' | 'differs' | 'dropped';
  /** For 'dropped': why (the native runs differ, a named exclusion rule). */
  reason?: string;
  /** For 'differs': which run, and both outputs. */
  target?: string;
  expected?: Output;
  got?: Output;
}

export const SINGLE_TARGETS: Host[] = ['node', 'virtual', 'relay'];
export const PAIR_TARGETS: [Host, Host][] = [['native', 'node'], ['node', 'native'], ['node', 'node'], ['virtual', 'virtual'], ['relay', 'relay']];

function run(script: Script, hosts: [Host, Host]): Promise<Output> {
  return script.kind === 'single' ? runSingle(script.ops, hosts[0]) : runPair(script.server, script.client, hosts[0], hosts[1]);
}

function same(a: Output, b: Output): boolean {
  return a.single === b.single && a.server === b.server && a.client === b.client && a.trouble === b.trouble;
}

/**
 * Runs `script` natively twice (a script whose native runs differ is
 * dropped: it would compare noise), then on every wasock target it may
 * run on, stopping at the first difference.
 */
/**
 * How a difference is confirmed by the two reruns: `any` — it shows again in
 * one of them (the hunting default); `all` — in both, for a campaign that
 * shares a loaded machine with other suites, where one more slow run is
 * noise, not a finding.
 */
export type Confirm = 'any' | 'all';

export async function compare(script: Script, targets?: [Host, Host][], confirm: Confirm = 'any'): Promise<Verdict> {
  const native1 = await run(script, ['native', 'native']);
  if (native1.trouble) return { kind: 'dropped', reason: `native: ${native1.trouble}` };
  const native2 = await run(script, ['native', 'native']);
  if (!same(native1, native2)) return { kind: 'dropped', reason: 'native runs differ' };
  const all = targets ?? (script.kind === 'single' ? SINGLE_TARGETS.map((h): [Host, Host] => [h, h]) : PAIR_TARGETS);
  for (const hosts of all) {
    const target = script.kind === 'single' ? hosts[0] : `${hosts[0]}-${hosts[1]}`;
    const excluded = exclusions(script, hosts);
    if (excluded) continue;
    const got = await run(script, hosts);
    if (same(native1, got)) continue;
    // wasock's sockets settle later than a kernel's own loopback (another
    // thread, an event loop); on a loaded machine a script's settling time
    // can fall short. A difference counts when it shows again in one of two
    // more runs; one that does not is reported as timing-dependent.
    let shown = 0;
    for (let again = 0; again < 2; again++) {
      const rerun = await run(script, hosts);
      if (!same(native1, rerun) && (++shown === 2 || confirm === 'any')) return { kind: 'differs', target, expected: native1, got: rerun };
    }
    return { kind: 'dropped', reason: `timing-dependent difference on ${target}`, target, expected: native1, got };
  }
  return { kind: 'same' };
}

/** A difference as a failure message: the script and both outputs. */
export function describeDifference(script: Script, v: Verdict): string {
  const lines = [`difference on ${v.target}`];
  if (script.kind === 'single') lines.push(`script: ${scriptText(script.ops)}`);
  else lines.push(`server: ${scriptText(script.server)}`, `client: ${scriptText(script.client)}`);
  for (const part of ['single', 'server', 'client'] as const) {
    if (v.expected?.[part] === undefined && v.got?.[part] === undefined) continue;
    if (v.expected?.[part] === v.got?.[part]) continue;
    const want = (v.expected?.[part] ?? '').split('\n');
    const got = (v.got?.[part] ?? '').split('\n');
    let at = 0;
    while (at < want.length && want[at] === got[at]) at++;
    lines.push(`first difference in ${part} output, line ${at + 1}:`, `  native: ${want[at] ?? '(nothing)'}`, `  ${v.target}: ${got[at] ?? '(nothing)'}`);
    lines.push(`--- native ${part}`, want.join('\n'), `--- ${v.target} ${part}`, got.join('\n'));
  }
  if (v.got?.trouble) lines.push(`--- ${v.target} trouble`, v.got.trouble);
  return lines.join('\n');
}

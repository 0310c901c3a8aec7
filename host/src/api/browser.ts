// wasock's browser API ("wasock/browser"): runs a wasm32-wasi program in a
// Web Worker, with its sockets on a network of the caller's choice
// (networks.ts): the in-page network by default, or a relay for real
// sockets. In JSPI mode (where the browser has it) the worker runs the
// program's socket state machine too and reaches the page's network by
// messages; in worker mode the page's main thread is its I/O thread, over
// shared memory (cross-origin isolation). Output, trace events and denials go
// to callbacks; stdin is pushed; stop() ends the program. The demo page
// (web/) is built on this module alone.

import { startPageGuest, type PageGuest } from '../browser/page-guest.js';
import { startJspiPageGuest } from '../browser/jspi-page-guest.js';
import { hasJspi } from '../jspi/suspending-imports.js';
import { compileChecked, LoadError } from '../wasi/checked-compile.js';
import { parseAllowNet, type NetPolicy } from '../net/policy.js';
import type { TraceEvent } from '../wasi/trace.js';
import type { DirEntry } from '../browser/dir-entry.js';
import { HostError, PolicyError } from './errors.js';
import { chooseHostMode, type HostMode } from './host-mode.js';
import { publicLoadError } from './module-errors.js';
import { InPageNetwork, type Network } from './networks.js';

export * from './errors.js';
export { InPageNetwork, RelayNetwork, type Network, type RelayStatus } from './networks.js';
export type { HostMode } from './host-mode.js';
export type { TraceEvent } from '../wasi/trace.js';
export { formatTrace } from '../wasi/trace.js';
export { E as ERRNO } from '../abi/errno.js';
export { BROWSER_DIR, type DirEntry } from '../browser/dir-entry.js';

/** Exit code of a program that trapped, like a native one killed by SIGABRT. */
export const TRAP_EXIT_CODE = 134;
/** Exit code of a program stopped by stop(), as a shell reports SIGTERM. */
export const STOPPED_EXIT_CODE = 143;

/** A URL to fetch, the module's bytes, a fetch Response, or a compiled module. */
export type Program = string | URL | ArrayBuffer | Uint8Array | Response | WebAssembly.Module;

export interface BrowserRunOptions {
  /** The program's arguments (argv[1]…). */
  args?: string[];
  /** argv[0] (default: the URL's file name, or "program.wasm"). */
  argv0?: string;
  /** Environment: an object, or `K=V` strings. */
  env?: Record<string, string> | string[];
  /** Where its sockets go (default: the page's shared in-page network, defaultNetwork()). */
  network?: Network;
  /** Widens the page's network policy as `wasock run --allow-net` does (default: loopback only). */
  allowNet?: boolean | string | string[];
  /** The program's stdout, as it writes it (default: console.log). */
  stdout?(bytes: Uint8Array): void;
  /** The program's stderr (default: console.error). */
  stderr?(bytes: Uint8Array): void;
  /** Each socket call as it happens; `at` is wall-clock ms. Omit to run without tracing. */
  trace?(event: TraceEvent, at: number): void;
  /** A call the network policy refused, as one line (default: to stderr). */
  denied?(line: string): void;
  /** What the program's directory (/data, in the worker's memory) holds at start. */
  files?: DirEntry[];
  /** /data, whole, as the program changes it and once more at its end. */
  filesChanged?(entries: DirEntry[]): void;
  /** Whether stdin/stdout/stderr are a terminal to the program (isatty; line-buffered stdout). Default true. */
  tty?: boolean;
  /** The guest worker script (default: guest-worker.js next to this module). */
  workerUrl?: URL | string;
  /**
   * How the guest waits for its sockets: 'jspi' (its own worker runs its
   * sockets too, suspended on promises: no cross-origin isolation needed;
   * Chromium >= 137), 'worker' (blocks on memory shared with this page,
   * which must be cross-origin isolated), or 'auto' (the default: 'jspi'
   * where the browser has it). See hostModeFor().
   */
  hostMode?: HostMode;
}

/** Exit code of a program the host refused to start. */
export const REFUSED_EXIT_CODE = 2;

/** How a program ended; 'refused': it never ran, the host could not set up what it was asked to. */
export type Outcome = { kind: 'exit'; code: number } | { kind: 'trap'; message: string } | { kind: 'killed' } | { kind: 'refused'; message: string };

export interface BrowserProgram {
  /** Input for the program: text is UTF-8 encoded; end() is EOF. */
  readonly stdin: { write(input: string | Uint8Array): void; end(): void };
  /** The exit code: the program's own; 134 if it trapped; 143 if stopped. */
  readonly exited: Promise<number>;
  /** The same end, described. */
  readonly outcome: Promise<Outcome>;
  /** Resolves once the program has bound or is listening on a socket (peers can reach it), or has ended. */
  readonly listening: Promise<void>;
  /** Stops the program; its sockets close as at any exit. */
  stop(): Promise<void>;
  /** The mode it runs in. */
  readonly hostMode: 'worker' | 'jspi';
}

/** The mode start() runs a program in for `requested` (default 'auto'); throws OptionError where this browser cannot. */
export function hostModeFor(requested?: HostMode): 'worker' | 'jspi' {
  return chooseHostMode(requested, { jspi: hasJspi(), auto: 'jspi', why: 'this browser has no WebAssembly.Suspending; Chromium has it from version 137' });
}

let pageNetwork: InPageNetwork | null = null;

/** The in-page network every program uses unless told otherwise. */
export function defaultNetwork(): InPageNetwork {
  return (pageNetwork ??= new InPageNetwork());
}

function nameOf(program: Program): string {
  const url = typeof program === 'string' || program instanceof URL ? String(program) : program instanceof Response ? program.url : '';
  const file = url.split(/[?#]/)[0].split('/').pop();
  return file || 'program.wasm';
}

/** Fetches (if needed), compiles and checks a program as `wasock run` does; throws NotWasmError, MissingImportError or FileError. */
export async function load(program: Program, name = nameOf(program)): Promise<WebAssembly.Module> {
  if (program instanceof WebAssembly.Module) return program;
  let bytes: Uint8Array;
  if (program instanceof Uint8Array) bytes = program;
  else if (program instanceof ArrayBuffer) bytes = new Uint8Array(program);
  else {
    const response = program instanceof Response ? program : await fetch(program).catch((err: Error) => {
      throw publicLoadError(new LoadError(`cannot read ${name}: ${err.message}`, 'unreadable'));
    });
    if (!response.ok) throw publicLoadError(new LoadError(`cannot read ${name}: HTTP ${response.status}`, 'unreadable'));
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  try {
    return await compileChecked(bytes, name);
  } catch (err) {
    throw publicLoadError(err);
  }
}

function envList(env: BrowserRunOptions['env']): string[] {
  if (env === undefined) return [];
  return Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

function policyOf(allowNet: BrowserRunOptions['allowNet']): NetPolicy {
  const spec = allowNet === true ? true : Array.isArray(allowNet) ? allowNet.join(',') : allowNet === false ? undefined : allowNet;
  try {
    return parseAllowNet(spec);
  } catch (err) {
    throw new PolicyError((err as Error).message);
  }
}

const decoder = new TextDecoder();

/** Starts a program; resolves once it is running. */
export async function start(program: Program, options: BrowserRunOptions = {}): Promise<BrowserProgram> {
  const hostMode = hostModeFor(options.hostMode);
  if (hostMode === 'worker' && (typeof SharedArrayBuffer === 'undefined' || (typeof crossOriginIsolated !== 'undefined' && !crossOriginIsolated))) {
    // coi.js is isolating the page and reloads it in a moment: nothing starts before.
    if (typeof document !== 'undefined' && document.documentElement.dataset.isolating === 'true') await new Promise<never>(() => {});
    throw new HostError('this page is not cross-origin isolated, which worker mode needs (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp, as `wasock web` does, or load coi.js, from wasock/build/browser, before anything else; a browser with JSPI needs none of this in hostMode \'jspi\')');
  }
  const policy = policyOf(options.allowNet);
  const name = options.argv0 ?? nameOf(program);
  const module = await load(program, name);
  const backend = await (options.network ?? defaultNetwork()).backend();
  const stdout = options.stdout ?? ((bytes: Uint8Array) => console.log(decoder.decode(bytes)));
  const stderr = options.stderr ?? ((bytes: Uint8Array) => console.error(decoder.decode(bytes)));
  const encoder = new TextEncoder();
  let reachable!: () => void;
  const listening = new Promise<void>((resolve) => (reachable = resolve));
  const guest: PageGuest = (hostMode === 'jspi' ? startJspiPageGuest : startPageGuest)({
    module,
    args: [name, ...(options.args ?? [])],
    env: envList(options.env),
    policy,
    backend,
    workerUrl: options.workerUrl ?? new URL('./guest-worker.js', import.meta.url),
    tty: options.tty ?? true,
    onOutput: (fd, bytes) => (fd === 1 ? stdout : stderr)(bytes),
    // Always traced: `listening` is the first successful bind or listen.
    onTrace: (event, at) => {
      if ((event.call === 'bind' || event.call === 'listen') && event.result === 0) reachable();
      options.trace?.(event, at);
    },
    onDeny: options.denied ?? ((line) => stderr(encoder.encode(`${line}\n`))),
    dir: options.files,
    onDir: options.filesChanged,
  });
  const outcome: Promise<Outcome> = guest.outcome.then((end): Outcome => {
    if (end.kind === 'exit' || end.kind === 'trap' || end.kind === 'killed') return end;
    return { kind: 'refused', message: (end as { message: string }).message };
  });
  void outcome.then(reachable);
  return {
    listening,
    stdin: {
      write: (input) => guest.stdin.push(typeof input === 'string' ? encoder.encode(input) : input),
      end: () => guest.stdin.end(),
    },
    outcome,
    exited: outcome.then((end) => {
      switch (end.kind) {
        case 'exit': return end.code;
        case 'trap': return TRAP_EXIT_CODE;
        case 'killed': return STOPPED_EXIT_CODE;
        case 'refused': return REFUSED_EXIT_CODE;
      }
    }),
    stop: () => guest.kill(),
    hostMode,
  };
}

/** Runs a program to its end; resolves with its exit code. */
export async function run(program: Program, options: BrowserRunOptions = {}): Promise<number> {
  return (await start(program, options)).exited;
}

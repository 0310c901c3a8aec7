// wasock's Node API: `run()` a wasm32-wasi program to its exit code, or
// `start()` it and keep a handle (kill(), exited) for a long-running
// server. The same pieces as `wasock run` (cli/run.ts): the module checks,
// the option parser, the network policy, a guest in a worker thread with
// real sockets. What the CLI prints as one line and exits on is thrown here
// as a typed error (errors.ts) with the same message.

import { existsSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { compileChecked, loadGuestModule } from '../cli/load-module.js';
import { parseAllowNet, type NetPolicy } from '../net/policy.js';
import { startNodeGuest } from '../io/node-guest.js';
import { hasJspi } from '../jspi/suspending-imports.js';
import { OptionError, PolicyError } from './errors.js';
import { chooseHostMode, type HostMode } from './host-mode.js';
import { publicLoadError } from './module-errors.js';
import { parseRunOptions, type NetworkOptions } from './run-options.js';

export * from './errors.js';
export type { DirOption, NetworkOptions } from './run-options.js';
export type { HostMode } from './host-mode.js';

/** Exit code of a program that trapped, like a native one killed by SIGABRT. */
export const TRAP_EXIT_CODE = 134;

export interface RunOptions extends NetworkOptions {
  /** The program's arguments (argv[1]…). */
  args?: string[];
  /** argv[0] (default: the file's name, or "program.wasm" for bytes). */
  argv0?: string;
  /** Default: this process's stdin, read only once the program reads. A string or bytes: that input, then EOF. null: EOF at once. */
  stdin?: NodeJS.ReadableStream | string | Uint8Array | null;
  /** Default: this process's stdout. A stream takes the program's output instead. */
  stdout?: NodeJS.WritableStream;
  /** Default: this process's stderr. A stream takes the program's stderr, trace lines and policy denials. */
  stderr?: NodeJS.WritableStream;
  /** How the guest waits for its sockets; see host-mode.ts. */
  hostMode?: HostMode;
}

/** Exit code of a program the host refused to start (as `wasock run` exits). */
export const REFUSED_EXIT_CODE = 2;

/** How a program ended. */
export type Outcome =
  | { kind: 'exit'; code: number }
  | { kind: 'trap'; message: string }
  | { kind: 'killed'; signal: NodeJS.Signals }
  /** It never ran: the host could not set up what it was asked to. */
  | { kind: 'refused'; message: string };

export interface RunningProgram {
  /** The exit code: the program's own; 134 if it trapped; 128 + signal number if kill()ed; 2 if refused. */
  readonly exited: Promise<number>;
  /** The same end, described. */
  readonly outcome: Promise<Outcome>;
  /** Stops the program; its sockets close as at any exit. Resolves once they are closed. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A file path (or file: URL), the module's bytes, or a compiled module. */
export type Program = string | URL | Uint8Array | ArrayBuffer | WebAssembly.Module;

async function loadProgram(program: Program, name: string): Promise<WebAssembly.Module> {
  try {
    if (program instanceof WebAssembly.Module) return program;
    if (typeof program === 'string') return await loadGuestModule(program);
    if (program instanceof URL) return await loadGuestModule(fileURLToPath(program));
    return await compileChecked(program instanceof ArrayBuffer ? new Uint8Array(program) : program, name);
  } catch (err) {
    throw publicLoadError(err);
  }
}

function programName(program: Program, argv0: string | undefined): string {
  if (argv0 !== undefined) return argv0;
  if (typeof program === 'string') return basename(program);
  if (program instanceof URL) return basename(fileURLToPath(program));
  return 'program.wasm';
}

function stdinStream(stdin: RunOptions['stdin']): NodeJS.ReadableStream {
  if (stdin === undefined) return process.stdin;
  if (stdin === null) return Readable.from([]);
  if (typeof stdin === 'string' || stdin instanceof Uint8Array) return Readable.from([Buffer.from(stdin)]);
  return stdin;
}

/** Starts a program; resolves once it is running (or throws a WasockError before anything runs). */
export async function start(program: Program, options: RunOptions = {}): Promise<RunningProgram> {
  const hostMode = chooseHostMode(options.hostMode, { jspi: hasJspi(), why: `WebAssembly.Suspending needs Node >= 25; this is Node ${process.versions.node}` });
  const parsed = parseRunOptions(options);
  let policy: NetPolicy;
  try {
    policy = parseAllowNet(parsed.allowNet);
  } catch (err) {
    throw new PolicyError((err as Error).message);
  }
  for (const d of parsed.dirs) {
    if (!existsSync(d.host) || !statSync(d.host).isDirectory()) throw new OptionError(`--dir ${d.host}: not a directory`);
  }
  const name = programName(program, options.argv0);
  const module = await loadProgram(program, name);

  const captured = options.stdout !== undefined || options.stderr !== undefined;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const stdin = stdinStream(options.stdin);
  const guest = startNodeGuest({
    module,
    args: [name, ...(options.args ?? [])],
    env: parsed.env,
    policy,
    trace: parsed.trace,
    dirs: parsed.dirs,
    maxSockets: parsed.maxSockets,
    stdin,
    tty: {
      stdin: stdin === process.stdin && !!process.stdin.isTTY,
      stdout: !captured && !!process.stdout.isTTY,
      stderr: !captured && !!process.stderr.isTTY,
    },
    workerUrl: new URL('./guest-worker.js', import.meta.url),
    hostMode,
    output: captured ? (fd, bytes) => (fd === 1 ? stdout : stderr).write(bytes) : undefined,
  });

  let killedBy: NodeJS.Signals | null = null;
  const outcome: Promise<Outcome> = guest.outcome.then((end): Outcome => {
    if (killedBy) return { kind: 'killed', signal: killedBy };
    if (end.kind === 'exit') return end;
    if (end.kind === 'trap') {
      stderr.write(`wasock: ${name} trapped: ${end.message}\n`);
      return end;
    }
    // Any other end is the host's refusal to start it, with its one line.
    const refused = end as { message: string };
    stderr.write(`wasock: ${refused.message}\n`);
    return { kind: 'refused', message: refused.message };
  });
  return {
    outcome,
    exited: outcome.then((end) => {
      if (end.kind === 'exit') return end.code;
      if (end.kind === 'trap') return TRAP_EXIT_CODE;
      if (end.kind === 'refused') return REFUSED_EXIT_CODE;
      return 128 + (constants.signals[end.signal] ?? 0);
    }),
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      killedBy ??= signal;
      await guest.kill();
      await outcome;
    },
  };
}

/** Runs a program to its end; resolves with its exit code (see RunningProgram.exited). */
export async function run(program: Program, options: RunOptions = {}): Promise<number> {
  return (await start(program, options)).exited;
}

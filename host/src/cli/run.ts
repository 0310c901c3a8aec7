// node host/run.js [options] prog.wasm [args…]: runs a wasock guest with
// real sockets, passing stdio through and exiting with the guest's code.

import { basename } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { listenersFromArgs, policyFromArgs } from './interop-args.js';
import { loadGuestModule, LoadError } from './load-module.js';
import { parseRunArgs, UsageError, USAGE } from './run-args.js';
import { startNodeGuest } from '../io/node-guest.js';
import { hasJspi } from '../jspi/suspending-imports.js';
import { signalNumber } from '../abi/signal.js';

/** Exit status for a trap, like a native program killed by SIGABRT. */
const TRAP_EXIT = 134;

function fail(message: string, code = 2): never {
  process.stderr.write(`wasock: ${message}\n`);
  process.exit(code);
}

/** `wasock run` (and node host/run.js): exits the process with the program's code. */
export async function runMain(argv: string[]): Promise<void> {
  let args;
  try {
    args = parseRunArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) fail(`${err.message}\n${USAGE}`);
    throw err;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!args.wasm) fail(`no program given\n${USAGE}`);
  let policy;
  let listeners;
  try {
    policy = policyFromArgs(args.allowNet, args.addrPool);
    listeners = listenersFromArgs(args.tcpListen, policy);
  } catch (err) {
    fail((err as Error).message);
  }
  for (const d of args.dirs) {
    if (!existsSync(d.host) || !statSync(d.host).isDirectory()) fail(`--dir ${d.host}: not a directory`);
  }
  // WASOCK_HOST_MODE: the flag's default, for test suites and benchmarks.
  const envMode = process.env.WASOCK_HOST_MODE;
  if (args.hostMode === undefined && envMode) {
    if (envMode !== 'jspi' && envMode !== 'worker') fail(`WASOCK_HOST_MODE=${envMode}: expected jspi or worker`);
    args.hostMode = envMode;
  }
  if (args.hostMode === 'jspi' && !hasJspi()) {
    fail(`--host-mode=jspi needs WebAssembly.Suspending (Node >= 25, or Node 24 with --experimental-wasm-jspi); this is Node ${process.versions.node}`);
  }
  let module;
  try {
    module = await loadGuestModule(args.wasm);
  } catch (err) {
    if (err instanceof LoadError) fail(err.message);
    throw err;
  }
  const guest = startNodeGuest({
    module,
    args: [basename(args.wasm), ...args.guestArgs],
    env: args.env,
    policy,
    trace: args.trace,
    dirs: args.dirs,
    maxSockets: args.maxSockets,
    listeners,
    hostMode: args.hostMode,
    stdin: process.stdin,
    tty: { stdin: !!process.stdin.isTTY, stdout: !!process.stdout.isTTY, stderr: !!process.stderr.isTTY },
    workerUrl: new URL('./guest-worker.js', import.meta.url),
  });
  // A signal the program handles or ignores goes to the program. Otherwise
  // it stops the guest and closes its sockets (peers see EOF, ports
  // are free) before we exit with the shell's 128 + signal number. A second
  // signal does not wait for the sockets' last bytes. The outcome a killed
  // guest reports (once its sockets are closed) is not a trap: the signal
  // decides the exit code.
  const stop = { code: 0 };
  const interrupt = (signal: NodeJS.Signals, code: number) => {
    process.on(signal, () => {
      if (stop.code !== 0) process.exit(code);
      if (guest.signal(signalNumber(signal)!)) return;
      stop.code = code;
      process.stderr.write(`wasock: ${basename(args.wasm!)} stopped by ${signal}\n`);
      void guest.kill();
    });
  };
  interrupt('SIGINT', 130);
  interrupt('SIGTERM', 143);
  const outcome = await guest.outcome;
  if (stop.code !== 0) process.exit(stop.code);
  if (outcome.kind === 'refused') fail(outcome.message);
  if (outcome.kind === 'trap') {
    process.stderr.write(`wasock: ${basename(args.wasm)} trapped: ${outcome.message}\n`);
    process.exit(TRAP_EXIT);
  }
  process.exit(outcome.code);
}


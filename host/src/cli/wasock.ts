// The `wasock` command: one name for the entry points, each a subcommand
// that takes exactly the options of the script it stands for
// (host/run.js, host/cc.js, host/relay.js), plus --version and help.

import { readFileSync } from 'node:fs';
import { ccMain } from './cc.js';
import { relayMain } from './relay.js';
import { runMain } from './run.js';
import { USAGE as RUN_USAGE } from './run-args.js';
import { RELAY_USAGE } from './relay-args.js';

export const WASOCK_USAGE = `usage: wasock <command> [options]

commands:
  run [options] prog.wasm [args...]
                 run a wasm32-wasi socket program with real sockets
  cc [cc args] file.c -o file.wasm
                 compile C to wasm32-wasi with wasock's socket library
                 (wasi-sdk from WASI_SDK_PATH or PATH, else Debian's clang-19)
  relay [--port N] [--allow-net[=LIST]] [--listen-ports LO-HI]
                 the WebSocket relay that gives browser programs real sockets
                 (it also serves the demo page)
  web [relay options]
                 the same server, for the demo page: refuses to start
                 without the page; prints the page's URL with its token
  help [command] this help, or a command's
  --version      wasock's version

Library use: import { run, start } from 'wasock' (Node), 'wasock/browser' (pages).
`;

/** The package's version, from the package.json two levels up from build/host (or host/src/cli). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(command: string | undefined): number {
  switch (command) {
    case undefined: process.stdout.write(WASOCK_USAGE); return 0;
    case 'run': process.stdout.write(RUN_USAGE); return 0;
    case 'cc': return ccMain(['--help']);
    case 'relay':
    case 'web': process.stdout.write(RELAY_USAGE); return 0;
    default:
      process.stderr.write(`wasock: no command ${command}\n${WASOCK_USAGE}`);
      return 2;
  }
}

export async function wasockMain(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': return runMain(rest);
    case 'cc': process.exitCode = ccMain(rest); return;
    case 'relay': return relayMain(rest);
    case 'web': return relayMain(rest, { requirePage: true });
    case '--version':
    case '-v':
    case 'version': process.stdout.write(`wasock ${packageVersion()}\n`); return;
    case 'help':
    case '--help':
    case '-h': process.exitCode = help(rest[0]); return;
    case undefined: process.stderr.write(WASOCK_USAGE); process.exitCode = 2; return;
    default:
      process.stderr.write(`wasock: no command ${command}\n${WASOCK_USAGE}`);
      process.exitCode = 2;
  }
}

// wasock's C compiler driver:
//   node host/cc.js [cc args] file.c -o file.wasm
// Runs clang for wasm32-wasi with the libsock overlay headers and, when
// linking, libsock.a. Usual cc arguments pass through untouched. Own flags:
//   --check-toolchain        exit 0 when the toolchain is usable, else say what
//                            is missing (one line) and exit 1
//   --print-toolchain        print kind=, clang=, ar=, include=, lib= lines
//                            (exit 1 with the one-line message when missing)
//   --print-debian-packages  print the Debian packages that provide it
//   --no-libsock             link without libsock.a (programs without sockets)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { relative } from 'node:path';
import { clangArgs, willLink } from '../toolchain/clang-args.js';
import { detectToolchainCached } from '../toolchain/cache.js';
import { detectToolchain } from '../toolchain/detect.js';
import { DEBIAN_PACKAGES, missingToolchainMessage } from '../toolchain/packages.js';
import { findRepoRoot, repoPaths } from '../toolchain/paths.js';

/** Exit status for "the compiler is not there", as a shell reports it. */
const EXIT_NO_TOOLCHAIN = 127;

const USAGE = `usage: node host/cc.js [cc args] file.c -o file.wasm
       node host/cc.js --check-toolchain | --print-toolchain | --print-debian-packages
  --no-libsock   link without libsock.a
`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** `wasock cc` (and node host/cc.js): the exit code for the process. */
export function ccMain(argv: string[]): number {
  const own = new Set(['--check-toolchain', '--print-toolchain', '--print-debian-packages', '--no-libsock', '--help']);
  const flags = new Set(argv.filter((a) => own.has(a)));
  const userArgs = argv.filter((a) => !own.has(a));

  if (flags.has('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (flags.has('--print-debian-packages')) {
    process.stdout.write(`${DEBIAN_PACKAGES.join(' ')}\n`);
    return 0;
  }

  const checking = flags.has('--check-toolchain') || flags.has('--print-toolchain');
  if (checking) {
    // Always a fresh look: build.sh relies on this answer.
    const found = detectToolchain();
    if (!found.ok) fail(missingToolchainMessage(found.missing, found.wasiSdkPath), 1);
    const tc = found.toolchain;
    if (flags.has('--print-toolchain')) {
      const lines = [`kind=${tc.kind}`, `clang=${tc.clang}`, `ar=${tc.ar}`, `include=${tc.sysrootInclude}`, `lib=${tc.sysrootLib}`];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  }

  if (userArgs.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }

  const root = findRepoRoot(import.meta.url);
  if (!root) fail('wasock: cannot find the repository (no c-src/libsock above the driver)', 2);
  const paths = repoPaths(root);
  const found = detectToolchainCached(paths.toolchainCache);
  if (!found.ok) fail(missingToolchainMessage(found.missing, found.wasiSdkPath), EXIT_NO_TOOLCHAIN);
  const tc = found.toolchain;

  const libsock = !flags.has('--no-libsock');
  const linking = willLink(userArgs);
  if (libsock && linking && !existsSync(paths.libsockArchive)) {
    fail(`wasock: ${relative(process.cwd(), paths.libsockArchive) || paths.libsockArchive} is missing; run ./build.sh first`, 1);
  }

  const r = spawnSync(tc.clang, clangArgs(tc, paths, userArgs, { libsock }), { stdio: 'inherit' });
  if (r.error) fail(missingToolchainMessage(`${tc.clang} could not be run (${r.error.message})`), EXIT_NO_TOOLCHAIN);
  if (r.signal) return 128 + (constants.signals[r.signal] ?? 0);
  if (r.status !== 0 && linking) {
    // The cached detection skips the linker and runtime checks; a failed link
    // may be one of those gone missing, which deserves the one-line answer.
    const again = detectToolchain();
    if (!again.ok) fail(missingToolchainMessage(again.missing, again.wasiSdkPath), EXIT_NO_TOOLCHAIN);
  }
  return r.status ?? 1;
}


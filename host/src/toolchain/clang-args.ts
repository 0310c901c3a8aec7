// Turns a cc-style command line into clang's for wasm32-wasi with libsock:
// target and sysroot first, the libsock overlay ahead of the C library's
// headers, and, when linking, libsock.a after the user's inputs (so it
// resolves their references before libc.a does) plus a 1 MiB stack.
import type { Toolchain } from './detect.js';
import type { RepoPaths } from './paths.js';

/** Stack for the guest's main thread: socket programs keep big buffers on it. */
export const STACK_SIZE = 1048576;

/**
 * What makes clang-19 accept what the native build (gcc 12) accepts. gcc 12
 * only warns about C that clang 16+ rejects by default (a call to an
 * undeclared function after a forgotten #include, an int used as a pointer,
 * `return;` in an int function…); these keep the warning and drop the error.
 * The first keeps an older clang (wasi-sdk) quiet about names it lacks.
 */
export const GCC_COMPAT_FLAGS = [
  '-Wno-unknown-warning-option',
  '-Wno-error=implicit-function-declaration',
  '-Wno-error=implicit-int',
  '-Wno-error=int-conversion',
  '-Wno-error=incompatible-pointer-types',
  '-Wno-error=incompatible-function-pointer-types',
  '-Wno-error=return-mismatch',
];

/**
 * wasi-libc's emulations, on by default so a program needs no flag beyond
 * its native build's: <signal.h> (whose functions libsock replaces: its
 * signal.c comes first in the link), clock()/times(), getpid() (which
 * libsock's kill() uses), mmap of anonymous memory. Each header
 * refuses to compile without its macro; each library is only pulled in when
 * the program calls into it.
 */
export const EMULATIONS = ['signal', 'process-clocks', 'getpid', 'mman'] as const;
const EMULATION_DEFINES = EMULATIONS.map((e) => `-D_WASI_EMULATED_${e.toUpperCase().replace('-', '_')}`);
const EMULATION_LIBS = EMULATIONS.map((e) => `-lwasi-emulated-${e}`);

/** Options that do not link: with any of them there is nothing to add for ld. */
const NO_LINK = new Set(['-c', '-S', '-E', '-M', '-MM', '-fsyntax-only']);

/** Options whose value is the next argument (so it is not an input file). */
const TAKES_VALUE = new Set([
  '-o', '-I', '-D', '-U', '-include', '-imacros', '-isystem', '-idirafter', '-iquote',
  '-iprefix', '-iwithprefix', '-L', '-l', '-x', '-MF', '-MT', '-MQ', '-Xlinker',
  '-Xclang', '-Xpreprocessor', '-Xassembler', '-mllvm', '-target', '-arch', '-z', '-u',
]);

/** Whether the arguments name any input (source, object, archive, or - for stdin). */
export function hasInputs(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (TAKES_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a === '-' || !a.startsWith('-')) return true;
  }
  return false;
}

/** Whether clang will run the linker for these arguments. */
export function willLink(args: readonly string[]): boolean {
  return hasInputs(args) && !args.some((a) => NO_LINK.has(a));
}

/** Whether a -g flag (other than -g0) asks for debug info. */
export function wantsDebugInfo(args: readonly string[]): boolean {
  let wanted = false;
  for (const a of args) {
    if (a === '-g0') wanted = false;
    else if (a.startsWith('-g') && !a.startsWith('-gno-')) wanted = true;
  }
  return wanted;
}

/**
 * Flags a threaded program's native build passes that would turn on wasm
 * threads (shared memory, atomics), which Debian's wasi-libc is not built
 * for: libsock's pthreads are green threads in one ordinary instance, so
 * they are dropped (-lpthread stays: the sysroot has an empty libpthread.a).
 */
export const DROPPED_FLAGS = new Set(['-pthread', '-pthreads']);

export interface ClangArgsOptions {
  /** Link libsock.a (default true); false for programs that need no sockets. */
  libsock?: boolean;
}

export function clangArgs(
  tc: Toolchain,
  paths: RepoPaths,
  userArgs: readonly string[],
  opts: ClangArgsOptions = {},
): string[] {
  const args = [
    ...tc.targetFlags,
    '-isystem', paths.libsockInclude,
    ...tc.systemIncludeFlags,
    ...GCC_COMPAT_FLAGS,
    ...EMULATION_DEFINES,
    ...userArgs.filter((a) => !DROPPED_FLAGS.has(a)),
  ];
  if (willLink(userArgs)) {
    if (opts.libsock !== false) {
      args.push(paths.libsockArchive);
      // libsock's path_hint.c sees every path lookup first: a program given
      // no directory is told on stderr how to give it one (--dir .).
      args.push('-Wl,--wrap=__wasilibc_find_relpath');
    }
    args.push(...EMULATION_LIBS);
    args.push(`-Wl,-z,stack-size=${STACK_SIZE}`);
    // The host calls libsock's signal dispatcher (wasi/signal-imports.ts) and
    // starts and switches green threads (jspi/green-threads.ts) through
    // functions it finds in the table: an exported function of a command
    // module would run the program's destructors (stdio's final flush)
    // after every call.
    args.push('-Wl,--export-table');
    // wasi-libc's archive carries DWARF, which would quadruple every module;
    // keep it only when the user asked for debug info.
    if (!wantsDebugInfo(userArgs)) args.push('-Wl,--strip-debug');
  }
  return args;
}

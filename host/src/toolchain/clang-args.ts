// Turns a cc-style command line into clang's for wasm32-wasi with libsock:
// target and sysroot first, the libsock overlay ahead of the C library's
// headers, and, when linking, libsock.a after the user's inputs (so it
// resolves their references before libc.a does) plus a 1 MiB stack.
import type { Toolchain } from './detect.js';
import type { RepoPaths } from './paths.js';

/** Stack for the guest's main thread: socket programs keep big buffers on it. */
export const STACK_SIZE = 1048576;

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
  const args = [...tc.targetFlags, '-isystem', paths.libsockInclude, ...tc.systemIncludeFlags, ...userArgs];
  if (willLink(userArgs)) {
    if (opts.libsock !== false) args.push(paths.libsockArchive);
    args.push(`-Wl,-z,stack-size=${STACK_SIZE}`);
    // wasi-libc's archive carries DWARF, which would quadruple every module;
    // keep it only when the user asked for debug info.
    if (!wantsDebugInfo(userArgs)) args.push('-Wl,--strip-debug');
  }
  return args;
}

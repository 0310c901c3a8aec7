// Finds the clang, archiver and wasi-libc sysroot that build wasm32-wasi
// programs. Two layouts are known: wasi-sdk (chosen by WASI_SDK_PATH, or
// found on PATH) and Debian's packages (clang-19 on PATH, wasi-libc under
// /usr/…/wasm32-wasi).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

export interface Toolchain {
  kind: 'wasi-sdk' | 'debian';
  clang: string;
  ar: string;
  /** Directory holding the C library headers (has wasi/api.h). */
  sysrootInclude: string;
  /** Directory holding libc.a. */
  sysrootLib: string;
  /** Target and sysroot selection, placed before everything else. */
  targetFlags: string[];
  /** System header directory flags, placed after the libsock overlay. */
  systemIncludeFlags: string[];
}

export type Detection = { ok: true; toolchain: Toolchain } | { ok: false; missing: string; wasiSdkPath?: string };

export const TARGET = 'wasm32-wasi';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `which`, without spawning a shell. */
export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir && isFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Asks clang where a file of the target's runtime lives; undefined when it
 * only echoes the bare name back (its way of saying "not found"). */
function clangPrint(clang: string, flag: string): string | undefined {
  const r = spawnSync(clang, [`--target=${TARGET}`, flag], { encoding: 'utf8' });
  const out = r.status === 0 ? r.stdout.trim() : '';
  return out && isAbsolute(out) && existsSync(out) ? out : undefined;
}

function fromWasiSdk(root: string): Detection {
  const clang = join(root, 'bin', 'clang');
  const ar = join(root, 'bin', 'llvm-ar');
  const sysroot = join(root, 'share', 'wasi-sysroot');
  for (const [path, what] of [
    [clang, 'clang'],
    [ar, 'llvm-ar'],
  ] as const) {
    if (!isFile(path)) return { ok: false, missing: `${what} not found at ${path}`, wasiSdkPath: root };
  }
  // Newer sysroots put headers and libraries in per-target subdirectories.
  const include = [join(sysroot, 'include', TARGET), join(sysroot, 'include')].find((d) =>
    isFile(join(d, 'wasi', 'api.h')),
  );
  const lib = [join(sysroot, 'lib', TARGET), join(sysroot, 'lib')].find((d) => isFile(join(d, 'libc.a')));
  if (!include || !lib) {
    return { ok: false, missing: `no wasi-libc sysroot at ${sysroot}`, wasiSdkPath: root };
  }
  return {
    ok: true,
    toolchain: {
      kind: 'wasi-sdk',
      clang,
      ar,
      sysrootInclude: include,
      sysrootLib: lib,
      targetFlags: [`--target=${TARGET}`, `--sysroot=${sysroot}`],
      systemIncludeFlags: [],
    },
  };
}

function fromDebian(pathVar: string | undefined): Detection {
  const clang = findOnPath('clang-19', pathVar);
  if (!clang) return { ok: false, missing: 'clang-19 not found' };
  if (!findOnPath('wasm-ld-19', pathVar)) return { ok: false, missing: 'wasm-ld-19 not found' };
  const ar = findOnPath('llvm-ar-19', pathVar);
  if (!ar) return { ok: false, missing: 'llvm-ar-19 not found' };

  const libc = clangPrint(clang, '-print-file-name=libc.a');
  if (!libc) return { ok: false, missing: `wasi-libc not found by clang-19 --target=${TARGET}` };
  const lib = dirname(libc);
  // Debian's multiarch layout: /usr/lib/wasm32-wasi ↔ /usr/include/wasm32-wasi.
  const include = [join(lib, '..', '..', 'include', TARGET), join(lib, '..', 'include')].find((d) =>
    isFile(join(d, 'wasi', 'api.h')),
  );
  if (!include) return { ok: false, missing: `wasi-libc headers not found next to ${lib}` };
  if (!clangPrint(clang, '-print-libgcc-file-name')) {
    return { ok: false, missing: 'the wasm32 compiler-rt builtins are not installed' };
  }
  return {
    ok: true,
    toolchain: {
      kind: 'debian',
      clang,
      ar,
      sysrootInclude: include,
      sysrootLib: lib,
      // Debian's clang also searches /usr/include for wasm, where glibc's
      // headers would shadow whatever wasi-libc lacks (netdb.h…). So drop the
      // default system directories and name wasi-libc's explicitly, after
      // clang's own headers as the default order has it.
      targetFlags: [`--target=${TARGET}`, '-nostdlibinc'],
      systemIncludeFlags: ['-idirafter', include],
    },
  };
}

/**
 * A wasi-sdk whose bin directory is on PATH: a `clang` there with the SDK's
 * own sysroot beside it (../share/wasi-sysroot), which tells it from any
 * other clang. Returns the SDK's root.
 */
export function findWasiSdkOnPath(pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir || !isFile(join(dir, 'clang'))) continue;
    const root = dirname(dir);
    if (existsSync(join(root, 'share', 'wasi-sysroot'))) return root;
  }
  return undefined;
}

/** The wasi-sdk to use, if any: WASI_SDK_PATH when set, else one on PATH. */
export function chosenWasiSdk(env: NodeJS.ProcessEnv): string | undefined {
  return env.WASI_SDK_PATH || findWasiSdkOnPath(env.PATH);
}

/** Detects the toolchain: wasi-sdk (WASI_SDK_PATH, or on PATH) when there is one, Debian's clang-19 otherwise. */
export function detectToolchain(env: NodeJS.ProcessEnv = process.env): Detection {
  const sdk = chosenWasiSdk(env);
  return sdk ? fromWasiSdk(sdk) : fromDebian(env.PATH);
}

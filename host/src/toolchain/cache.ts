// Remembers the last successful detection in build/toolchain.json, so each
// compile does not spawn clang twice just to find its own sysroot (that was
// half of the driver's time per file in a full build). The entry is reused
// only while the same clang binary (path and mtime) would be chosen and the
// sysroot is still in place; otherwise detection runs again.
import { readFileSync, renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chosenWasiSdk, detectToolchain, findOnPath, type Detection, type Toolchain } from './detect.js';

interface CacheEntry {
  key: string;
  toolchain: Toolchain;
}

function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** What decides the detection's outcome, cheaply (no process spawned). */
function cacheKey(env: NodeJS.ProcessEnv): string | undefined {
  const sdk = chosenWasiSdk(env);
  const clang = sdk ? join(sdk, 'bin', 'clang') : findOnPath('clang-19', env.PATH);
  const stamp = clang && mtime(clang);
  return stamp === undefined ? undefined : JSON.stringify([sdk ?? '', clang, stamp]);
}

function stillThere(tc: Toolchain): boolean {
  return [tc.clang, tc.ar, join(tc.sysrootLib, 'libc.a'), join(tc.sysrootInclude, 'wasi', 'api.h')].every(
    (p) => mtime(p) !== undefined,
  );
}

export function detectToolchainCached(cacheFile: string, env: NodeJS.ProcessEnv = process.env): Detection {
  const key = cacheKey(env);
  if (key !== undefined) {
    try {
      const entry = JSON.parse(readFileSync(cacheFile, 'utf8')) as CacheEntry;
      if (entry.key === key && stillThere(entry.toolchain)) return { ok: true, toolchain: entry.toolchain };
    } catch {
      // No cache yet, or an unreadable one: detect afresh.
    }
  }
  const found = detectToolchain(env);
  if (found.ok && key !== undefined) {
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      // Written aside and renamed: parallel compiles may race to write it.
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify({ key, toolchain: found.toolchain } satisfies CacheEntry));
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only tree only loses the speed-up.
    }
  }
  return found;
}

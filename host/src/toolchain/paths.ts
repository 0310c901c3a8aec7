// Where the driver finds the repository's C pieces. The driver runs from a
// bundle (build/host/cc.js) or from source (host/src/…, under tests), so the
// repository root is found by walking up to the directory holding c-src/libsock.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RepoPaths {
  root: string;
  /** Overlay headers, searched before the sysroot. */
  libsockInclude: string;
  /** The guest socket library, produced by ./build.sh. */
  libsockArchive: string;
  /** The driver's memory of the last toolchain detection. */
  toolchainCache: string;
}

export function repoPaths(root: string): RepoPaths {
  return {
    root,
    libsockInclude: join(root, 'c-src', 'libsock', 'include'),
    libsockArchive: join(root, 'build', 'libsock', 'libsock.a'),
    toolchainCache: join(root, 'build', 'toolchain.json'),
  };
}

/** The repository containing `fromUrl` (an import.meta.url), or undefined. */
export function findRepoRoot(fromUrl: string): string | undefined {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, 'c-src', 'libsock', 'include'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

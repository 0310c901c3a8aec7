// Bundles the TypeScript host (host/src) into build/host with esbuild.
// Type checking is `npm run typecheck` (tsc); esbuild only strips types, which
// keeps a rebuild well under a second. Skips all work when no source changed.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'host', 'src');
const outDir = join(root, 'build', 'host');

// Entry points: name in build/host → source file.
const entries = {
  run: 'host/src/cli/run.ts',
  cc: 'host/src/cli/cc.ts',
  'guest-worker': 'host/src/worker/guest-worker.ts',
  relay: 'host/src/cli/relay.ts',
};

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function upToDate() {
  const inputs = Math.max(newestMtime(srcDir), statSync(fileURLToPath(import.meta.url)).mtimeMs);
  return Object.keys(entries).every((name) => {
    const out = join(outDir, `${name}.js`);
    return existsSync(out) && statSync(out).mtimeMs >= inputs;
  });
}

if (process.argv.includes('--force') || !upToDate()) {
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, join(root, v)])),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  console.log('built build/host');
}

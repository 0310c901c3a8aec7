// npm run fuzz:diff: bundles the differential fuzzer's runner (TypeScript
// under test/diff, which vitest runs directly in npm test) with esbuild and
// starts it with the given arguments. ./build.sh must have built the host
// and build/{native,wasm}/scenario.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The guests run the bundled host: bring it up to date (instant when it is).
await import('./build-host.mjs');
for (const needed of ['build/host/guest-worker.js', 'build/native/scenario', 'build/wasm/scenario.wasm']) {
  if (!existsSync(join(root, needed))) {
    console.error(`fuzz:diff: ${needed} is missing: run ./build.sh first`);
    process.exit(2);
  }
}
const out = join(root, 'build', 'diff', 'cli.mjs');
await build({
  entryPoints: [join(root, 'test', 'diff', 'cli.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
await import(pathToFileURL(out).href);

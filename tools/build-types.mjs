// Emits the public APIs' type declarations (build/types, the package's
// "types") with tsc: host/src/api/node.ts and browser.ts and what their
// types reach. Apart from tools/build-host.mjs because tsc takes seconds
// where esbuild takes a fraction of one; skips all work when no source
// changed (--force emits anyway).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = join(root, 'tsconfig.types.json');
const outputs = ['api/node.d.ts', 'api/browser.d.ts'].map((f) => join(root, 'build', 'types', f));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const inputs = Math.max(newestMtime(join(root, 'host', 'src')), statSync(config).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
if (process.argv.includes('--force') || !outputs.every((out) => existsSync(out) && statSync(out).mtimeMs >= inputs)) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
  console.log('built build/types');
}

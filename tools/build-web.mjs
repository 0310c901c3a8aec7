// Bundles the browser demo (web/) into build/web with esbuild: the page
// (main.js), the guest worker (guest-worker.js, the shared host core),
// style.css with xterm's css, index.html, coi.js (cross-origin isolation
// where the server sends no headers: the folder works from any static file
// server for the in-page network), and the wasm programs from
// build/wasm copied to examples/ with a list of them (examples/index.json).
// Skips all work when every output is newer than every input; --force
// rebuilds anyway. Type checking is `npm run typecheck`.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build', 'web');
const wasmDir = join(root, 'build', 'wasm');
const examplesOut = join(outDir, 'examples');

const inputs = [
  join(root, 'web'),
  join(root, 'host', 'src'),
  join(root, 'package-lock.json'),
  fileURLToPath(import.meta.url),
];
const outputs = ['index.html', 'coi.js', 'main.js', 'guest-worker.js', 'style.css', 'examples/index.json'].map((f) => join(outDir, f));

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The programs to offer: every wasm build, marked as example when c-src/examples has its source. */
function programList() {
  const files = existsSync(wasmDir) ? readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')).sort() : [];
  return files.map((file) => {
    const name = file.slice(0, -'.wasm'.length);
    return { name, file, example: existsSync(join(root, 'c-src', 'examples', `${name}.c`)) };
  });
}

function manifestText(programs) {
  return `${JSON.stringify({ programs }, null, 2)}\n`;
}

function upToDate(programs) {
  const newestInput = Math.max(...inputs.map(newestMtime), newestMtime(wasmDir));
  if (!outputs.every((out) => existsSync(out) && statSync(out).mtimeMs >= newestInput)) return false;
  // A program removed from build/wasm changes no mtime under the inputs.
  return readFileSync(join(examplesOut, 'index.json'), 'utf8') === manifestText(programs);
}

async function bundle() {
  // Loaded only when there is work: an up-to-date check stays quick.
  const { build } = await import('esbuild');
  const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: 'linked', minify: true, logLevel: 'warning', legalComments: 'linked' };
  await build({
    ...common,
    entryPoints: { main: join(root, 'web', 'main.ts'), 'guest-worker': join(root, 'host', 'src', 'browser', 'guest-worker.ts') },
    outdir: outDir,
    platform: 'browser',
  });
  await build({
    ...common,
    entryPoints: { style: join(root, 'web', 'style.css') },
    // xterm's stylesheet is @imported by package name and bundled in.
    outdir: outDir,
  });
  copyFileSync(join(root, 'web', 'index.html'), join(outDir, 'index.html'));
  copyFileSync(join(root, 'web', 'coi.js'), join(outDir, 'coi.js'));
}

function copyPrograms(programs) {
  mkdirSync(examplesOut, { recursive: true });
  const wanted = new Set(programs.map((p) => p.file));
  for (const stale of readdirSync(examplesOut).filter((f) => f.endsWith('.wasm') && !wanted.has(f))) rmSync(join(examplesOut, stale));
  for (const p of programs) copyFileSync(join(wasmDir, p.file), join(examplesOut, p.file));
  writeFileSync(join(examplesOut, 'index.json'), manifestText(programs));
}

const programs = programList();
if (process.argv.includes('--force') || !upToDate(programs)) {
  mkdirSync(outDir, { recursive: true });
  await bundle();
  // Programs last: index.json is the newest output, written only after everything else succeeded.
  copyPrograms(programs);
  if (programs.length === 0) console.warn('build-web: build/wasm has no programs yet; the page will offer none');
  console.log('built build/web');
}

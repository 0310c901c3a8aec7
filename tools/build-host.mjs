// Bundles the TypeScript host (host/src) with esbuild:
//  - build/host: the command line entries (run, cc, relay, wasock), the
//    Node API (index.js, the package's "." export) and the guest worker;
//  - build/browser: the browser API (index.js, "wasock/browser"), its
//    guest worker, and coi.js (web/coi.js) for pages served without headers.
// The APIs' .d.ts are tools/build-types.mjs's (tsc is slower than all this).
// Dependencies are bundled in, so the published package needs nothing at
// install time. Type checking is `npm run typecheck` (tsc); esbuild only
// strips types, which keeps a rebuild well under a second. Skips all work
// when no source changed; --force rebuilds anyway.
import { build } from 'esbuild';
import { copyFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'host', 'src');
const hostOut = join(root, 'build', 'host');
const browserOut = join(root, 'build', 'browser');

// Entry points: name in build/host → source file.
const nodeEntries = {
  run: 'host/src/bin/run.ts',
  cc: 'host/src/bin/cc.ts',
  relay: 'host/src/bin/relay.ts',
  wasock: 'host/src/bin/wasock.ts',
  index: 'host/src/api/node.ts',
  'guest-worker': 'host/src/worker/guest-worker.ts',
};
const browserEntries = {
  index: 'host/src/api/browser.ts',
  'guest-worker': 'host/src/browser/guest-worker.ts',
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
  const inputs = Math.max(newestMtime(srcDir), statSync(fileURLToPath(import.meta.url)).mtimeMs, statSync(join(root, 'web', 'coi.js')).mtimeMs);
  const outputs = [
    ...Object.keys(nodeEntries).map((name) => join(hostOut, `${name}.js`)),
    ...Object.keys(browserEntries).map((name) => join(browserOut, `${name}.js`)),
  ];
  return outputs.every((out) => existsSync(out) && statSync(out).mtimeMs >= inputs);
}

const entryPoints = (entries) => Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, join(root, v)]));

if (process.argv.includes('--force') || !upToDate()) {
  await build({
    entryPoints: entryPoints(nodeEntries),
    outdir: hostOut,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // ws's optional native speedups: it uses them when present and works without.
    external: ['bufferutil', 'utf-8-validate'],
    // Bundled CommonJS (ws) calls require() for Node's own modules.
    banner: { js: "import { createRequire as __wasockCreateRequire } from 'node:module'; const require = __wasockCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await build({
    entryPoints: entryPoints(browserEntries),
    outdir: browserOut,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // For pages of users served without the isolation headers (see web/coi.js).
  copyFileSync(join(root, 'web', 'coi.js'), join(browserOut, 'coi.js'));
  console.log('built build/host, build/browser');
}

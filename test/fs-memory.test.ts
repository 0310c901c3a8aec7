// --dir costs the host nothing it does not need (issue #14): a guest that
// writes 1 GiB to a file and reads it back leaves the host process's
// resident memory within a few MiB of the same program moving 16 MiB, and a
// directory holding a 200 MB file adds nothing to a program's start. RSS is
// sampled from /proc while the program runs; the margins are wide (the
// measured difference is ~4 MiB), the old in-memory --dir fails both.

import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { assertBuilt, programPath, RUN_JS } from './helpers/programs.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wasock-fsmem-'));
  temps.push(d);
  return d;
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs `node host/run.js ARGS`; resolves with its output, peak RSS (MiB) and wall time (ms). */
function measure(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakMiB: number; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [RUN_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setInterval(() => (peak = Math.max(peak, rssKiB(child.pid!))), 20);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, peakMiB: peak / 1024, ms: performance.now() - started });
    });
  });
}

it('a guest writing and reading back 1 GiB keeps the host within a few MiB of a 16 MiB run', async () => {
  assertBuilt('fs_big');
  const dir = tempDir();
  const small = await measure(['--dir', dir, programPath('wasm', 'fs_big'), dir, '16']);
  expect(small.stdout + small.stderr).toBe('ok 16 MiB\n');
  const big = await measure(['--dir', dir, programPath('wasm', 'fs_big'), dir, '1024']);
  expect(big.stdout + big.stderr).toBe('ok 1024 MiB\n');
  console.log(`fs_big: 16 MiB peak RSS ${small.peakMiB.toFixed(1)} MiB; 1 GiB peak RSS ${big.peakMiB.toFixed(1)} MiB in ${(big.ms / 1000).toFixed(1)} s`);
  expect(big.peakMiB - small.peakMiB).toBeLessThan(24);
}, 20_000);

it('a directory with a 200 MB file costs a starting program nothing', async () => {
  const program = programPath('wasm', 'inet_funcs');
  assertBuilt('inet_funcs');
  const dir = tempDir();
  writeFileSync(join(dir, 'big.bin'), '');
  truncateSync(join(dir, 'big.bin'), 200 * 1000 * 1000);
  const without = await measure([program]);
  const withDir = await measure(['--dir', dir, program]);
  expect(withDir.code).toBe(0);
  expect(withDir.stdout).toBe(without.stdout);
  console.log(`start: without --dir ${without.ms.toFixed(0)} ms ${without.peakMiB.toFixed(1)} MiB; with a 200 MB file under --dir ${withDir.ms.toFixed(0)} ms ${withDir.peakMiB.toFixed(1)} MiB`);
  expect(withDir.peakMiB - without.peakMiB).toBeLessThan(16);
}, 20_000);

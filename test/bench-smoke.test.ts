// `npm run bench -- --quick` as a smoke check. Benchmarks are not tests: this
// asserts only that the run exits 0 and that every scenario produced a figure
// (a positive finite number) in every pairing — every wasm pairing in both
// host modes, JSPI on the project's Node 26 where this Node has none — never
// how fast anything is.
// Every scenario must run, relay_bulk included: Chromium is part of the
// toolchain (./build.sh and .ci/run install it), so a relay_bulk the run
// reports as "not available" is a smoke test failure, not a pass — a smoke
// test that accepts "did not run" cannot notice that it stopped running.

import { expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/programs.js';

interface Row {
  scenario: string;
  pairing: string;
  host?: string;
  value: number | null;
  unit: string;
  error?: string;
}

interface Results {
  results: Row[];
  unavailable: { scenario: string; reason: string }[];
}

const SCENARIOS = ['tcp_bulk', 'tcp_rtt', 'tcp_connect', 'tcp_1000', 'tcp_1000_rss', 'udp_rtt', 'startup', 'relay_bulk'];
// Memory per connection of a native server lives in the kernel, not in the
// process's RSS, so zero is a real measurement there.
const MAY_BE_ZERO = new Set(['tcp_1000_rss']);

it('npm run bench -- --quick produces a figure for every scenario', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasock-bench-'));
  const out = join(dir, 'results.json');
  try {
    // The run bounds every program itself; this timeout only backs it up.
    const { status, stderr } = await new Promise<{ status: number | string | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bench', 'run.mjs'), '--quick', `--out=${out}`], { timeout: 290_000 }, (err, _stdout, stderr) =>
        // err.code is the exit status (or a signal name / error code); no err means exit 0.
        resolve({ status: err ? ((err as { code?: number | string }).code ?? (err as { signal?: string }).signal ?? -1) : 0, stderr }));
    });
    let results: Results;
    try {
      results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    } catch {
      throw new Error(`the bench wrote no results; its stderr:\n${stderr}`);
    }
    // bench/run.mjs exits 1 when a scenario ran without a figure, 2 on bad arguments.
    expect(status, `bench/run.mjs exit status; its stderr:\n${stderr}`).toBe(0);
    // Nothing may be skipped as unavailable (relay_bulk needs Chromium, which the build installs).
    expect(results.unavailable, 'scenarios the bench could not run').toEqual([]);
    for (const scenario of SCENARIOS) {
      const rows = results.results.filter((r) => r.scenario === scenario);
      expect(rows.length, `${scenario} has no rows`).toBeGreaterThan(0);
      // Every wasm pairing in both host modes (issue 12); native and node rows have no host.
      const wasm = rows.filter((r) => r.pairing.includes('wasm'));
      if (scenario !== 'relay_bulk') {
        expect(new Set(wasm.map((r) => r.host)), `${scenario}: host modes of the wasm rows`).toEqual(new Set(['jspi', 'worker']));
        expect(wasm.length, `${scenario}: one wasm row per pairing and host`).toBe(scenario === 'startup' ? 2 : 6);
      }
      for (const r of rows.filter((r) => !r.pairing.includes('wasm'))) expect(r.host, `${r.scenario} ${r.pairing} has no host mode`).toBeUndefined();
      for (const r of rows) {
        const what = `${r.scenario} ${r.pairing}${r.host ? ` (${r.host})` : ''}: ${r.error ?? r.value}`;
        expect(Number.isFinite(r.value), what).toBe(true);
        if (MAY_BE_ZERO.has(scenario)) expect(r.value!, what).toBeGreaterThanOrEqual(0);
        else expect(r.value!, what).toBeGreaterThan(0);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);

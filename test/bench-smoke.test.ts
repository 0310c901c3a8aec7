// `npm run bench -- --quick` as a smoke check. Benchmarks are not tests: this
// asserts only that every scenario produced a figure (a positive finite
// number) in every pairing, never how fast anything is. A scenario the run
// reports as not available (no Chromium, no relay) is listed, not failed.

import { expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/programs.js';

interface Row {
  scenario: string;
  pairing: string;
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
    const stderr = await new Promise<string>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bench', 'run.mjs'), '--quick', `--out=${out}`], { timeout: 170_000 }, (_err, _stdout, stderr) => resolve(stderr));
    });
    let results: Results;
    try {
      results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    } catch {
      throw new Error(`the bench wrote no results; its stderr:\n${stderr}`);
    }
    for (const u of results.unavailable) console.warn(`bench smoke: ${u.scenario} not available: ${u.reason}`);
    const unavailable = new Set(results.unavailable.map((u) => u.scenario));
    for (const scenario of SCENARIOS) {
      const rows = results.results.filter((r) => r.scenario === scenario);
      expect(rows.length, `${scenario} has no rows`).toBeGreaterThan(0);
      if (unavailable.has(scenario)) continue;
      for (const r of rows) {
        const what = `${r.scenario} ${r.pairing}: ${r.error ?? r.value}`;
        expect(Number.isFinite(r.value), what).toBe(true);
        if (MAY_BE_ZERO.has(scenario)) expect(r.value!, what).toBeGreaterThanOrEqual(0);
        else expect(r.value!, what).toBeGreaterThan(0);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

// The startup scenario: wall time of a whole hello-world process, from
// spawn to exit, for the native binary, `node host/run.js hello.wasm` in
// each host mode, and
// a plain `node hello.mjs`. Runs are interleaved across the three so a
// slow moment of the machine does not land on one flavour only.

import { performance } from 'node:perf_hooks';
import { Program, withDeadline } from './proc.mjs';

export const STARTUP_FLAVOURS = ['native', 'wasm:jspi', 'wasm:worker', 'node'];
const EXPECTED = 'Hello, world!\n';

async function timeOnce(flavour, deadlineMs) {
  const progs = [];
  return withDeadline(deadlineMs, progs, async () => {
    const t0 = performance.now();
    const p = new Program(flavour, 'hello', []);
    progs.push(p);
    p.child.stdin.end();
    await p.finished();
    const ms = performance.now() - t0;
    if (p.stdout !== EXPECTED) throw p.failure(`printed ${JSON.stringify(p.stdout)}`);
    return ms;
  });
}

/** { native: [ms…], 'wasm:jspi': [ms…], … } or errors per flavour. */
export async function runStartup(runs, deadlineMs, flavours = STARTUP_FLAVOURS) {
  const out = Object.fromEntries(flavours.map((f) => [f, { values: [], errors: [] }]));
  // One untimed run each: the first start pays for cold file caches.
  for (const f of flavours) await timeOnce(f, deadlineMs).catch(() => {});
  for (let i = 0; i < runs; i++) {
    for (const f of flavours) {
      try {
        out[f].values.push(await timeOnce(f, deadlineMs));
      } catch (err) {
        out[f].errors.push(err.message);
      }
    }
  }
  return out;
}

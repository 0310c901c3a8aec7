// Shared by the node:net / node:dgram versions of the benchmark programs.
// Same output contract as c-src/bench/bench.h (READY, RESULT value unit),
// so bench/run.mjs treats a Node process exactly like a C program.

import { performance } from 'node:perf_hooks';

export const now = () => performance.now() / 1000; // monotonic seconds

export function ready() {
  process.stdout.write('READY\n');
}

export function result(value, unit, extra = '') {
  process.stdout.write(`RESULT ${value.toFixed(3)} ${unit}${extra ? ' ' + extra : ''}\n`);
}

/** argv[i] as a positive integer, or exit 2 with the usage line. */
export function argInt(i, usage) {
  const v = Number(process.argv[i]);
  if (!Number.isInteger(v) || v <= 0) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return v;
}

export function fail(err) {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
}

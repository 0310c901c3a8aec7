// `npm run fuzz:diff -- [--seconds N] [--seed S [--scripts N]] [--concurrency C]`: runs the
// differential fuzzer for N seconds (default 60) with random seeds, prints
// how many scripts ran, and exits 1 at the first difference, printing the
// seed, the shrunk script and both outputs (docs/fuzz-diff.md).

import { campaign, type Summary } from './campaign.js';
import { closeRelay } from './run.js';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  return args[at].includes('=') ? args[at].slice(args[at].indexOf('=') + 1) : args[at + 1];
}

function count(name: string, fallback: number): number {
  const text = option(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`fuzz:diff: --${name} takes a whole number, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
}

const seconds = count('seconds', 60);
const concurrency = count('concurrency', 3);
const fixedSeed = option('seed') === undefined ? null : count('seed', 0);
const maxScripts = option('scripts') === undefined ? undefined : count('scripts', 0);
const until = Date.now() + seconds * 1000;
const totals = { ran: 0, same: 0, distinct: 0, dropped: {} as Record<string, number>, seeds: 0 };
let failure: string | undefined;
let lastPrint = 0;

const line = (s: Summary | null) => {
  const ran = totals.ran + (s?.ran ?? 0);
  const same = totals.same + (s?.same ?? 0);
  return `fuzz:diff: ${ran} scripts ran (${same} compared equal on every target), ${Math.max(0, Math.round((until - Date.now()) / 1000))} s left`;
};

// One campaign per seed, each a bounded batch, so a long run covers many seeds.
while (Date.now() < until && failure === undefined) {
  const seed = fixedSeed ?? (Math.random() * 2 ** 31) >>> 0;
  const summary = await campaign({
    seed,
    until,
    scripts: maxScripts ?? (fixedSeed === null ? 200 : undefined),
    concurrency,
    onTimingDependent: (d) => console.log(`fuzz:diff: a timing-dependent difference (did not show again in two more runs):\n${d}`),
    progress: (s) => {
      if (Date.now() - lastPrint > 10_000) {
        lastPrint = Date.now();
        console.log(line(s));
      }
    },
  });
  totals.ran += summary.ran;
  totals.same += summary.same;
  totals.distinct += summary.distinct;
  totals.seeds++;
  for (const [k, v] of Object.entries(summary.dropped)) totals.dropped[k] = (totals.dropped[k] ?? 0) + v;
  failure = summary.failure;
  if (fixedSeed !== null) break;
}
await closeRelay();

const { excludedCounts } = await import('./rules.js');
console.log(`fuzz:diff: ${totals.ran} scripts ran over ${totals.seeds} seed(s), ${totals.distinct} distinct; ${totals.same} compared equal on every target`);
console.log(`fuzz:diff: not compared: ${JSON.stringify(totals.dropped)}; comparisons left out by rule: ${JSON.stringify(Object.fromEntries(excludedCounts))}`);
if (failure !== undefined) {
  console.log(failure);
  process.exit(1);
}
process.exit(0);

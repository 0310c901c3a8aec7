// A fuzzing campaign: draws scripts from a seed, runs several at once,
// stops at the first difference, shrinks it and reports. Shared by the test
// suite (test/diff/diff.test.ts) and `npm run fuzz:diff` (test/diff/cli.ts).

import fc from 'fast-check';
import { lower, stepsArb, type Script, type Step } from './generate.js';
import { compare, describeDifference, type Confirm, type Host, type Verdict } from './run.js';
import { excludedCounts } from './rules.js';

export interface CampaignOptions {
  seed: number;
  /** Stop after this many scripts… */
  scripts?: number;
  /** …or at this time (Date.now()), whichever comes first. */
  until?: number;
  /** Scripts run at once. */
  concurrency?: number;
  /** Share of pair scripts (the rest are single-process). */
  pairShare?: number;
  /** How two reruns confirm a difference (run.ts, Confirm); default `any`. */
  confirm?: Confirm;
  /** Called with a difference that did not show again on two more runs. */
  onTimingDependent?: (description: string) => void;
  /** Called after every finished script. */
  progress?: (summary: Summary) => void;
}

export interface Summary {
  seed: number;
  ran: number;
  same: number;
  /** Scripts not compared, by reason (the native runs differ, a hang natively). */
  dropped: Record<string, number>;
  /** Comparisons left out by a named deviation rule (rules.ts). */
  excluded: Record<string, number>;
  /** Distinct scripts (by text) among those that ran. */
  distinct: number;
  failure?: string;
}

interface Drawn {
  steps: Step[];
  form: 'single' | 'pair';
}

/** Draws scripts lazily from one seed: the same seed gives the same sequence. */
function* draw(seed: number, pairShare: number): Generator<Drawn> {
  // fc.sample draws lazily; a fixed share of pairs (every script whose
  // index lands in the share), since fast-check's numbers lean to the edges.
  // (fc.sample is eager: draw in batches, each from a seed derived from `seed`.)
  let i = 0;
  for (let batch = 0; ; batch++) {
    for (const steps of fc.sample(stepsArb, { seed: (seed + batch * 7919) | 0, numRuns: 50 })) {
      const form = Math.floor((i + 1) * pairShare) > Math.floor(i * pairShare) ? 'pair' : 'single';
      i++;
      yield { steps, form };
    }
  }
}

function textOf(script: Script): string {
  return script.kind === 'single' ? script.ops.join(';') : `${script.server.join(';')}|${script.client.join(';')}`;
}

/** Shrinks a failing script by removing steps while the same target still differs. */
export async function shrink(steps: Step[], form: 'single' | 'pair', target: [Host, Host], budgetMs = 180_000): Promise<{ steps: Step[]; verdict: Verdict }> {
  const deadline = Date.now() + budgetMs;
  let best = steps;
  let bestVerdict: Verdict | null = null;
  const stillFails = async (candidate: Step[]): Promise<Verdict | null> => {
    const script = lower(candidate, form);
    if (textOf(script) === '' || textOf(script) === '|') return null;
    const v = await compare(script, [target]);
    return v.kind === 'differs' ? v : null;
  };
  // Remove chunks (halves, quarters…), then single steps, until nothing more goes.
  for (let chunk = Math.max(1, Math.floor(best.length / 2)); chunk >= 1 && Date.now() < deadline; chunk = Math.floor(chunk / 2)) {
    let progress = true;
    while (progress && Date.now() < deadline) {
      progress = false;
      for (let at = best.length - chunk; at >= 0 && Date.now() < deadline; at -= chunk) {
        const candidate = [...best.slice(0, at), ...best.slice(at + chunk)];
        if (candidate.length === 0) continue;
        const v = await stillFails(candidate);
        if (v) {
          best = candidate;
          bestVerdict = v;
          progress = true;
        }
      }
    }
    if (chunk === 1) break;
  }
  bestVerdict ??= await compare(lower(best, form), [target]);
  return { steps: best, verdict: bestVerdict };
}

function targetOf(v: Verdict): [Host, Host] {
  const [a, b] = (v.target ?? '').split('-') as Host[];
  return [a, b ?? a];
}

export async function campaign(options: CampaignOptions): Promise<Summary> {
  const summary: Summary = { seed: options.seed, ran: 0, same: 0, dropped: {}, excluded: {}, distinct: 0 };
  const seen = new Set<string>();
  const source = draw(options.seed, options.pairShare ?? 0.3);
  const limit = options.scripts ?? Infinity;
  let started = 0;
  let failed: { drawn: Drawn; verdict: Verdict } | null = null;
  const more = () => failed === null && started < limit && (options.until === undefined || Date.now() < options.until);
  const worker = async () => {
    while (more()) {
      started++;
      const drawn = source.next().value as Drawn;
      const script = lower(drawn.steps, drawn.form);
      const began = Date.now();
      const verdict = await compare(script, undefined, options.confirm);
      if (process.env.FUZZ_DIFF_DEBUG) console.log(`${Date.now() - began} ms ${verdict.kind} ${verdict.reason ?? verdict.target ?? ''} ${textOf(script).slice(0, 300)}`);
      summary.ran++;
      const text = textOf(script);
      if (!seen.has(text)) {
        seen.add(text);
        summary.distinct++;
      }
      if (verdict.kind === 'same') summary.same++;
      else if (verdict.kind === 'dropped') {
        const reason = verdict.reason!.startsWith('timing-dependent') ? 'timing-dependent difference' : verdict.reason!;
        summary.dropped[reason] = (summary.dropped[reason] ?? 0) + 1;
        if (verdict.target) options.onTimingDependent?.(describeDifference(script, verdict));
      }
      else failed ??= { drawn, verdict };
      options.progress?.(summary);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 3 }, worker));
  summary.excluded = Object.fromEntries(excludedCounts);
  if (failed) {
    const { drawn, verdict } = failed as { drawn: Drawn; verdict: Verdict };
    const shrunk = await shrink(drawn.steps, drawn.form, targetOf(verdict));
    const script = lower(shrunk.steps, drawn.form);
    const v = shrunk.verdict.kind === 'differs' ? shrunk.verdict : verdict;
    summary.failure = [
      `seed ${options.seed}: a ${drawn.form} script differs (shrunk from ${drawn.steps.length} to ${shrunk.steps.length} steps)`,
      `steps: ${JSON.stringify(shrunk.steps)}`,
      describeDifference(shrunk.verdict.kind === 'differs' ? script : lower(drawn.steps, drawn.form), v),
    ].join('\n');
  }
  return summary;
}

#!/usr/bin/env node
// npm run bench [-- --quick] [--only=a,b] [--pairings=x,y] [--hosts=jspi,worker] [--reps=N] [--out=FILE]
//
// Runs every scenario of issue 5 in every pairing on 127.0.0.1 (every wasm
// pairing in both host modes, issue 12: JSPI on this Node if it has JSPI,
// otherwise on the project's Node 26 in .node26/), reports the
// median of several repetitions with its ratios against native→native and
// node→node from this same run, prints a markdown table and writes
// bench/results.json. Progress goes to stderr so stdout is just the table.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ROOT } from './lib/paths.mjs';
import { missingPrograms, nodeVersionFor } from './lib/proc.mjs';
import { HOSTS, PAIRINGS, SCENARIOS, describe, runOnce } from './lib/scenarios.mjs';
import { STARTUP_FLAVOURS, runStartup } from './lib/startup.mjs';
import { runRelayBulk } from './lib/relay.mjs';
import { addRatios, checkTargets, jsonRows, markdownTable, median } from './lib/report.mjs';

const ALL = [...SCENARIOS.map((s) => s.name), 'startup', 'relay_bulk'];

function parseArgs(argv) {
  const opts = { quick: false, only: ALL, pairings: [...new Set(PAIRINGS.map((p) => p.id))], hosts: HOSTS, reps: null, out: join(ROOT, 'bench', 'results.json') };
  for (const a of argv) {
    const [k, v] = a.split(/=(.*)/s);
    if (k === '--quick') opts.quick = true;
    else if (k === '--only' && v) opts.only = v.split(',');
    else if (k === '--pairings' && v) opts.pairings = v.split(',');
    else if (k === '--hosts' && v) opts.hosts = v.split(',');
    else if (k === '--reps' && Number(v) > 0) opts.reps = Number(v);
    else if (k === '--out' && v) opts.out = v;
    else {
      process.stderr.write(`bench: unknown argument ${a}\nusage: npm run bench [-- --quick] [--only=${ALL.join(',')}] [--pairings=${[...new Set(PAIRINGS.map((p) => p.id))].join(',')}] [--hosts=${HOSTS.join(',')}] [--reps=N] [--out=FILE]\n`);
      process.exit(2);
    }
  }
  for (const s of opts.only) {
    if (!ALL.includes(s)) {
      process.stderr.write(`bench: unknown scenario ${s} (known: ${ALL.join(', ')})\n`);
      process.exit(2);
    }
  }
  for (const h of opts.hosts) {
    if (!HOSTS.includes(h)) {
      process.stderr.write(`bench: unknown host mode ${h} (known: ${HOSTS.join(', ')})\n`);
      process.exit(2);
    }
  }
  for (const p of opts.pairings) {
    if (!PAIRINGS.some((q) => q.id === p)) {
      process.stderr.write(`bench: unknown pairing ${p} (known: ${PAIRINGS.map((q) => q.id).join(', ')})\n`);
      process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const mode = opts.quick ? 'quick' : 'full';
// Repetitions per figure (the median is reported) and the most one
// repetition may take before its programs are killed. Full-mode deadlines
// are generous (a 1 GiB transfer at 50 MB/s still fits); a repetition that
// hits its deadline is not repeated, so a hang costs one deadline, not one
// per repetition.
const REPS = opts.reps ?? (opts.quick ? 1 : 3);
const DEADLINE_MS = opts.quick ? 15_000 : 60_000;
const STARTUP_RUNS = opts.quick ? 3 : 10;

const log = (line) => process.stderr.write(`${line}\n`);

const names = [...new Set([...SCENARIOS.flatMap((s) => s.programs), 'hello'])];
const missing = missingPrograms(['native', 'wasm', 'node'], names);
if (missing.length) {
  log(`bench: missing ${missing.map((m) => relative(ROOT, m)).join(', ')}: run ./build.sh first`);
  process.exit(2);
}

// Pairings left out with --pairings (a quicker look at one comparison).
const pairings = PAIRINGS.filter((p) => opts.pairings.includes(p.id) && (!p.host || opts.hosts.includes(p.host)));
// Which Node runs run.js in each host mode (JSPI may be the project's Node 26).
const nodeOf = Object.fromEntries(opts.hosts.map((h) => [h, nodeVersionFor(h)]));
const started = performance.now();
const rows = [];
const described = [];

/** A row from a list of per-repetition values and errors. */
function row(scenario, pairing, unit, better, values, errors, attempts, host) {
  const r = { scenario, pairing, unit, better, value: median(values), runs: `${values.length}/${attempts}` };
  if (host) Object.assign(r, { host, node: nodeOf[host] });
  if (values.length === 0) r.error = `failed: ${errors[0] ?? 'no run'}`;
  else if (errors.length) r.note = errors[0];
  r.value = r.value == null ? null : Math.round(r.value * 1000) / 1000;
  return r;
}

for (const sc of SCENARIOS) {
  if (!opts.only.includes(sc.name)) continue;
  const size = sc.sizes[mode];
  const t0 = performance.now();
  described.push(`${sc.name}: ${describe(sc, size)}`);
  log(described.at(-1));
  const acc = new Map(pairings.map((p) => [p.key, { values: [], secondary: [], errors: [], attempts: 0, dead: false }]));
  for (let rep = 0; rep < REPS; rep++) {
    for (const p of pairings) {
      const a = acc.get(p.key);
      if (a.dead) continue;
      a.attempts++;
      try {
        const r = await runOnce(sc, p, size, DEADLINE_MS);
        a.values.push(r.value);
        if (r.secondary != null) a.secondary.push(r.secondary);
        log(`  ${p.key.padEnd(18)} ${r.value.toFixed(3)} ${sc.unit}${r.secondary != null ? `, ${r.secondary.toFixed(1)} ${sc.secondary.unit}` : ''}`);
      } catch (err) {
        a.errors.push(err.message);
        log(`  ${p.key.padEnd(18)} FAILED: ${err.message}`);
        if (/timed out/.test(err.message)) a.dead = true;
      }
    }
  }
  log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  for (const p of pairings) {
    const a = acc.get(p.key);
    rows.push(row(sc.name, p.id, sc.unit, sc.better, a.values, a.errors, a.attempts, p.host));
  }
  if (sc.secondary) {
    for (const p of pairings) {
      const a = acc.get(p.key);
      rows.push(row(sc.secondary.name, p.id, sc.secondary.unit, sc.secondary.better, a.secondary, a.errors, a.attempts, p.host));
    }
  }
}

if (opts.only.includes('startup')) {
  described.push(`startup: hello world as a whole process (spawn to exit), ${STARTUP_RUNS} runs each of native, node host/run.js hello.wasm (each host mode), node hello.mjs`);
  log(described.at(-1));
  const flavours = STARTUP_FLAVOURS.filter((f) => !f.startsWith('wasm:') || opts.hosts.includes(f.slice(5)));
  const s = await runStartup(STARTUP_RUNS, DEADLINE_MS, flavours);
  for (const f of flavours) {
    const host = f.startsWith('wasm:') ? f.slice(5) : undefined;
    const r = row('startup', host ? 'wasm' : f, 'ms', 'lower', s[f].values, s[f].errors, s[f].values.length + s[f].errors.length, host);
    log(`  ${f.padEnd(13)} ${r.value == null ? r.error : `${r.value.toFixed(1)} ms`}`);
    rows.push(r);
  }
}

const unavailable = [];
if (opts.only.includes('relay_bulk')) {
  const maxBytes = opts.quick ? 64 * 2 ** 20 : 2 ** 30;
  const sizing = opts.quick ? '64 MiB' : 'size chosen by a 16 MiB probe so one run takes about 8 s, at most 1 GiB';
  described.push(`relay_bulk: bulk_client.wasm in headless Chromium (the demo page, relay network) writing to native bulk_server; ${sizing}`);
  log(described.at(-1));
  const r = await runRelayBulk({ maxBytes, reps: opts.quick ? 1 : REPS, deadlineMs: DEADLINE_MS, log });
  if (r.available) {
    const rr = row('relay_bulk', 'native-browser', 'MB/s', 'higher', r.values, r.errors, r.values.length + r.errors.length);
    rr.size = `${r.bytes / 2 ** 20} MiB per run`;
    rows.push(rr);
  } else {
    unavailable.push({ scenario: 'relay_bulk', reason: r.reason });
    rows.push({ scenario: 'relay_bulk', pairing: 'native-browser', unit: 'MB/s', better: 'higher', value: null, error: `not available: ${r.reason}` });
    log(`  not available: ${r.reason}`);
  }
}

addRatios(rows);
checkTargets(rows);
const seconds = (performance.now() - started) / 1000;

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.availableParallelism?.() ?? os.cpus().length,
  memory_gib: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  // The Node that ran run.js in each host mode.
  node_by_host: nodeOf,
};
const table = markdownTable(rows);
process.stdout.write(`${table}\n\n`);
process.stdout.write(`${mode} run, ${REPS} repetition(s) per figure (median), ${seconds.toFixed(1)} s on ${machine.cores} × ${machine.cpu}, Node ${machine.node}${opts.hosts.map((h) => `; ${h} rows on Node ${nodeOf[h]}`).join('')}.\n`);
process.stdout.write('Ratios: value ÷ reference for rates, reference ÷ value for times and memory (higher is better); references are native-native and node-node (startup: native and node; relay_bulk: tcp_bulk\'s) from this run.\n');
process.stdout.write(`\n${described.map((d) => `- ${d}`).join('\n')}\n`);
for (const u of unavailable) process.stdout.write(`${u.scenario}: not available: ${u.reason}\n`);

const results = {
  mode,
  repetitions: REPS,
  seconds: Math.round(seconds * 10) / 10,
  machine,
  results: jsonRows(rows),
  unavailable,
};
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${relative(process.cwd(), opts.out) || opts.out}`);

// A scenario that ran but produced no figure is a failure of the run; an
// unavailable one (missing relay or browser) is reported, not failed.
const failed = rows.filter((r) => r.value == null && !r.error?.startsWith('not available'));
process.exit(failed.length ? 1 : 0);

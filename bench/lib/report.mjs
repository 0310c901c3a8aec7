// Turning repetitions into figures: medians, the ratios against native and
// against node from the same run, the targets of issue 5, the markdown table.

export function median(values) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Where each scenario's references live. relay_bulk has no native or node
 * pairing of its own: it is held against tcp_bulk's.
 */
function references(scenario) {
  if (scenario === 'startup') return { scenario, native: 'native', node: 'node' };
  if (scenario === 'relay_bulk') return { scenario: 'tcp_bulk', native: 'native-native', node: 'node-node' };
  return { scenario, native: 'native-native', node: 'node-node' };
}

/** value ÷ reference for rates, reference ÷ value for times and sizes: higher is better. */
function ratio(row, ref) {
  if (!ref || !(row.value > 0) || !(ref.value > 0)) return null;
  const r = row.better === 'higher' ? row.value / ref.value : ref.value / row.value;
  return Math.round(r * 1000) / 1000;
}

export function addRatios(rows) {
  // The references (native, node) are rows without a host mode.
  const find = (scenario, pairing) => rows.find((r) => r.scenario === scenario && r.pairing === pairing && r.host === undefined && r.value != null);
  for (const row of rows) {
    const refs = references(row.scenario);
    row.vs_native = ratio(row, find(refs.scenario, refs.native));
    row.vs_node = ratio(row, find(refs.scenario, refs.node));
  }
}

/**
 * The targets: issue 12's for JSPI mode on the wasm→wasm pairing (worker
 * mode's bar is its own earlier figures, not a fixed number), and issue 5's
 * for the relay.
 */
export const TARGETS = [
  { scenario: 'tcp_bulk', pairing: 'wasm-wasm', host: 'jspi', field: 'vs_node', min: 0.9 },
  { scenario: 'tcp_rtt', pairing: 'wasm-wasm', host: 'jspi', field: 'vs_node', min: 0.9 },
  { scenario: 'tcp_connect', pairing: 'wasm-wasm', host: 'jspi', field: 'vs_node', min: 0.9 },
  { scenario: 'tcp_1000', pairing: 'wasm-wasm', host: 'jspi', field: 'vs_node', min: 0.9 },
  { scenario: 'tcp_1000_rss', pairing: 'wasm-wasm', host: 'jspi', field: 'value', max: 40 },
  { scenario: 'udp_rtt', pairing: 'wasm-wasm', host: 'jspi', field: 'vs_node', min: 0.9 },
  { scenario: 'startup', pairing: 'wasm', host: 'jspi', field: 'value', max: 100 },
  { scenario: 'relay_bulk', pairing: 'native-browser', field: 'value', min: 100 },
];

function targetText(t, unit) {
  const bound = t.min != null ? `≥ ${t.min}` : `≤ ${t.max}`;
  return t.field === 'value' ? `${bound} ${unit}` : `${t.field} ${bound}`;
}

/** Marks each targeted row with { target, met } (met is null when there is no figure). */
export function checkTargets(rows) {
  for (const t of TARGETS) {
    const row = rows.find((r) => r.scenario === t.scenario && r.pairing === t.pairing && r.host === t.host);
    if (!row) continue;
    const v = row[t.field];
    row.target = targetText(t, row.unit);
    row.met = v == null ? null : t.min != null ? v >= t.min : v <= t.max;
  }
}

function fmt(v) {
  if (v == null) return '–';
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function fmtRatio(v) {
  return v == null ? '–' : v.toFixed(2);
}

export function markdownTable(rows) {
  const lines = [
    '| scenario | pairing (server-client) | host | value | unit | vs_native | vs_node | runs | target |',
    '| --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const value = r.value == null ? r.error : fmt(r.value);
    const target = r.target ? `${r.target} ${r.met == null ? '–' : r.met ? '✅' : '❌'}` : '';
    const runs = r.runs ?? '';
    lines.push(`| ${r.scenario} | ${r.pairing} | ${r.host ?? ''} | ${value} | ${r.unit} | ${fmtRatio(r.vs_native)} | ${fmtRatio(r.vs_node)} | ${runs} | ${target} |`);
  }
  const notes = rows.filter((r) => r.note || r.size).map((r) => `- ${r.scenario} ${r.pairing}${r.host ? ` (${r.host})` : ''}: ${[r.size, r.note && `some runs failed: ${r.note}`].filter(Boolean).join('; ')}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** The rows as results.json wants them (plus error/runs/target when present). */
export function jsonRows(rows) {
  return rows.map((r) => {
    const out = { scenario: r.scenario, pairing: r.pairing, ...(r.host ? { host: r.host, node: r.node } : {}), value: r.value, unit: r.unit, vs_native: r.vs_native, vs_node: r.vs_node };
    if (r.error) out.error = r.error;
    if (r.note) out.note = r.note;
    if (r.size) out.size = r.size;
    if (r.runs) out.runs = r.runs;
    if (r.target) Object.assign(out, { target: r.target, met: r.met });
    return out;
  });
}

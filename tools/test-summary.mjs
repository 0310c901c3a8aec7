// Prints vitest's JSON report (test-results/vitest.json) as the plain closing
// line CI reads: "tests: N passed, N failed, N skipped". Given several
// reports (.ci/run: the machine's Node, then Node 26 in JSPI mode), one line
// per report, then the closing line over all of them.
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
const reports = (files.length > 0 ? files : [new URL('../test-results/vitest.json', import.meta.url)]).map((f) => ({
  name: String(f),
  report: JSON.parse(readFileSync(f, 'utf8')),
}));
const line = (r) => `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
const total = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 };
for (const { name, report } of reports) {
  if (reports.length > 1) console.log(`${name}: ${line(report)}`);
  for (const k of Object.keys(total)) total[k] += report[k];
}
console.log(`tests: ${line(total)}`);
process.exit(total.numFailedTests === 0 && reports.every(({ report }) => report.numPassedTests > 0) ? 0 : 1);

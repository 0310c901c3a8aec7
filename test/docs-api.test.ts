// docs/api.md's Node examples, each run as written (as a module importing
// 'wasock', which resolves to this package: Node lets a package import
// itself by name) in a directory holding the programs they use, with the
// port 8080 replaced by a free one. Where the doc shows an output, the
// example must print exactly that. The page examples run in Chromium
// (test/browser/api-docs.test.ts).

import { spawnSync, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOC_PROGRAMS, docExamples } from './helpers/doc-examples.js';
import { freePort, programPath, ROOT } from './helpers/programs.js';

const examples = docExamples().filter((e) => e.lang === 'js');
let dir: string;

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'tools', 'build-host.mjs')], { stdio: 'pipe' });
  // Inside the repository, so that 'wasock' resolves to it.
  mkdirSync(join(ROOT, '.scratch'), { recursive: true });
  dir = mkdtempSync(join(ROOT, '.scratch', 'docs-'));
  for (const name of DOC_PROGRAMS) copyFileSync(programPath('wasm', name), join(dir, `${name}.wasm`));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/api.md, Node examples', () => {
  it('has them', () => {
    expect(examples.map((e) => e.name)).toEqual(['node-run', 'node-start-kill', 'node-errors']);
  });

  for (const example of examples) {
    it(example.name, async () => {
      const port = await freePort();
      const file = join(dir, `${example.name}.mjs`);
      writeFileSync(file, example.code.split('8080').join(String(port)));
      const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', input: '', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      if (example.output !== undefined) expect(r.stdout).toBe(example.output);
    });
  }
});

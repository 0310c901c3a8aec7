// The hint for files (issue 15): a program given no directory cannot open
// any file, and wasi-libc fails the open before the host sees it. libsock
// (path_hint.c, linked in by the driver's --wrap) says once on stderr how
// to give it one; a program that was given a directory gets no hint, even
// for a path outside it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { assertBuilt, run } from './helpers/programs.js';

const dir = mkdtempSync(join(tmpdir(), 'wasock-hint-'));
writeFileSync(join(dir, 'notes.txt'), 'hello from the host\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HINT = (path: string) =>
  `wasock: "${path}": this program was given no directory, so it can open no file; ` +
  'run it with --dir . to let it use the current directory (or --dir HOST_DIR:GUEST_DIR)\n';

it('without --dir, the first failed open prints one line saying how to give the program a directory', async () => {
  assertBuilt('path_hint');
  const got = await run('wasm', 'path_hint', ['notes.txt', 'other.txt', '/abs.txt']);
  expect(got).toEqual({
    code: 0,
    signal: null,
    stdout: 'notes.txt: cannot open\nother.txt: cannot open\n/abs.txt: cannot open\n',
    stderr: HINT('notes.txt'),
  });
});

it('with a directory, relative paths open and a missing file gets no hint', async () => {
  const got = await run('wasm', 'path_hint', ['notes.txt', 'missing.txt'], { hostOptions: ['--dir', `${dir}:/`] });
  expect(got).toEqual({ code: 0, signal: null, stdout: 'notes.txt: hello from the host\nmissing.txt: cannot open\n', stderr: '' });
});

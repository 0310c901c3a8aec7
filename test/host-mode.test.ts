// --host-mode and WASOCK_HOST_MODE: a bad value is refused, JSPI on a Node
// without it is refused (never a silent fall-back to the worker), and where
// a Node with JSPI is at hand (this one, or the project's Node 26 in
// .node26/) both modes run a program the same way.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { programPath, RUN_JS } from './helpers/programs.js';
import { engineHasJspi, NODE26 } from './helpers/host-mode.js';

function runJs(node: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(node, [RUN_JS, ...args], { encoding: 'utf8', timeout: 20_000, input: '', env: { ...process.env, WASOCK_HOST_MODE: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hello = programPath('wasm', 'hello');
const jspiNode = engineHasJspi() ? process.execPath : existsSync(NODE26) ? NODE26 : null;

describe('host modes', () => {
  it('refuses an unknown --host-mode', () => {
    const r = runJs(process.execPath, ['--host-mode=threads', hello]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--host-mode threads: expected jspi or worker');
  });

  it('refuses an unknown WASOCK_HOST_MODE', () => {
    const r = runJs(process.execPath, [hello], { WASOCK_HOST_MODE: 'threads' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wasock: WASOCK_HOST_MODE=threads: expected jspi or worker\n');
  });

  it.skipIf(engineHasJspi())('refuses --host-mode=jspi on a Node without JSPI, in one line', () => {
    for (const r of [runJs(process.execPath, ['--host-mode=jspi', hello]), runJs(process.execPath, [hello], { WASOCK_HOST_MODE: 'jspi' })]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^wasock: --host-mode=jspi needs WebAssembly\.Suspending \(Node >= 25[^\n]*\); this is Node \d+\.\d+\.\d+\n$/);
    }
  });

  it('the worker mode runs on any Node', () => {
    const r = runJs(process.execPath, ['--host-mode=worker', hello]);
    expect(r).toEqual({ code: 0, stdout: 'Hello, world!\n', stderr: '' });
  });

  it.skipIf(jspiNode === null)('on a Node with JSPI both modes run the program, and the flag wins over the environment', () => {
    for (const args of [['--host-mode=jspi'], ['--host-mode=worker'], []]) {
      const r = runJs(jspiNode!, [...args, hello], { WASOCK_HOST_MODE: 'worker' });
      expect(r, args.join(' ')).toEqual({ code: 0, stdout: 'Hello, world!\n', stderr: '' });
    }
  });
});

describe("the APIs' 'auto'", () => {
  it("is 'worker' for the Node API and 'jspi' for the browser API where the engine has JSPI; 'jspi' without it is refused", async () => {
    const { chooseHostMode } = await import('../host/src/api/host-mode.js');
    const { OptionError } = await import('../host/src/api/errors.js');
    expect(chooseHostMode(undefined, { jspi: true })).toBe('worker');
    expect(chooseHostMode('auto', { jspi: true, auto: 'jspi' })).toBe('jspi');
    expect(chooseHostMode('auto', { jspi: false, auto: 'jspi' })).toBe('worker');
    expect(chooseHostMode('worker', { jspi: true, auto: 'jspi' })).toBe('worker');
    expect(() => chooseHostMode('jspi', { jspi: false, auto: 'jspi', why: 'no JSPI here' })).toThrow(OptionError);
    expect(() => chooseHostMode('jspi', { jspi: false, why: 'no JSPI here' })).toThrow(/no JSPI here/);
  });
});

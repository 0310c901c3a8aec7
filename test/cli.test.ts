// The CLI's refusals: each bad input is one clear message and a non-zero
// exit, before any guest code runs.

import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_JS } from './helpers/programs.js';
import { moduleImporting, trappingModule } from './helpers/wasm-bytes.js';

function runJs(args: string[]) {
  const r = spawnSync(process.execPath, [RUN_JS, ...args], { encoding: 'utf8', timeout: 20_000, input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasock-cli-'));
});

describe('node host/run.js', () => {
  it('prints usage with --help and exits 0', () => {
    const r = runJs(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: node host/run.js [options] prog.wasm');
    for (const flag of ['--allow-net', '--dir', '--env', '--trace']) expect(r.stdout).toContain(flag);
  });

  it('refuses a missing file', () => {
    const path = join(dir, 'missing.wasm');
    const r = runJs([path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wasock: cannot read ${path}: no such file\n`);
  });

  it('refuses a file that is not wasm', () => {
    const path = join(dir, 'prog.c');
    writeFileSync(path, 'int main(void) { return 0; }\n');
    const r = runJs([path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wasock: ${path} is not a WebAssembly module (no \\0asm header)\n`);
  });

  it('refuses a corrupt module with the compiler reason', () => {
    const path = join(dir, 'corrupt.wasm');
    writeFileSync(path, Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff]));
    const r = runJs([path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^wasock: ${path.replace(/[.]/g, '\\.')} is not a valid WebAssembly module: .+\\n$`));
  });

  it('names an import wasock does not provide', () => {
    const path = join(dir, 'needs-import.wasm');
    writeFileSync(path, moduleImporting('wasi_snapshot_preview1', 'sock_frobnicate'));
    const r = runJs([path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wasock: ${path} needs import wasi_snapshot_preview1.sock_frobnicate (function), which wasock does not provide\n`);
  });

  it('names an import from another module', () => {
    const path = join(dir, 'needs-env.wasm');
    writeFileSync(path, moduleImporting('env', 'socket'));
    const r = runJs([path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs import env.socket (function), which wasock does not provide');
  });

  it('reports a trap with its message and exit code 134', () => {
    const path = join(dir, 'trap.wasm');
    writeFileSync(path, trappingModule());
    const r = runJs([path]);
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^wasock: trap\.wasm trapped: RuntimeError: unreachable/);
  });

  it('rejects an unknown option and a malformed --allow-net', () => {
    const unknown = runJs(['--bogus', 'x.wasm']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('wasock: unknown option --bogus');
    const bad = runJs(['--allow-net=127.0.0.1:99999', join(dir, 'trap.wasm')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('127.0.0.1:99999');
  });

  it('needs a program', () => {
    const r = runJs([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wasock: no program given');
  });
});

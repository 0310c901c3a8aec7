// The `wasock` command in a clone (node host/wasock.js): each subcommand is
// the script it stands for, with the same options and answers; --version
// and help; an unknown command is one line and usage, exit 2.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/programs.js';
import { moduleImporting } from './helpers/wasm-bytes.js';

function node(script: string, args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'host', script), ...args], { encoding: 'utf8', input: '', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const wasock = (args: string[]) => node('wasock.js', args);

describe('wasock', () => {
  it('--version is the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(wasock(['--version'])).toEqual({ code: 0, stdout: `wasock ${version}\n`, stderr: '' });
  });

  it('help lists the commands; help COMMAND is that command\'s usage', () => {
    const help = wasock(['help']);
    expect(help.code).toBe(0);
    for (const command of ['run', 'cc', 'relay', 'web']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(wasock(['help', 'run']).stdout).toBe(node('run.js', ['--help']).stdout);
    expect(wasock(['help', 'relay']).stdout).toBe(node('relay.js', ['--help']).stdout);
    expect(wasock(['help', 'cc']).stdout).toBe(node('cc.js', ['--help']).stdout);
  });

  it('refuses an unknown command, and no command, with usage and exit 2', () => {
    const r = wasock(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('wasock: no command frobnicate');
    expect(wasock([]).code).toBe(2);
  });

  it('run, cc and relay answer as run.js, cc.js and relay.js do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasock-cmd-'));
    const path = join(dir, 'needs-import.wasm');
    writeFileSync(path, moduleImporting('env', 'socket'));
    for (const args of [[path], ['--max-sockets', '0', path], ['--allow-net=', path]]) {
      expect(wasock(['run', ...args])).toEqual(node('run.js', args));
    }
    expect(wasock(['cc', '--print-debian-packages'])).toEqual(node('cc.js', ['--print-debian-packages']));
    expect(wasock(['relay', '--port', 'x'])).toEqual(node('relay.js', ['--port', 'x']));
  });
});

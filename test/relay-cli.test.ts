// node host/relay.js: its options, and what it prints and refuses.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseRelayArgs, RelayUsageError } from '../host/src/cli/relay-args.js';
import { parsePortRange, resolveLimits } from '../host/src/relay/limits.js';
import { ROOT } from './helpers/programs.js';

const RELAY_JS = join(ROOT, 'host', 'relay.js');

describe('relay options', () => {
  it('parses --port, --allow-net and --listen-ports in both spellings', () => {
    expect(parseRelayArgs([])).toEqual({ help: false, port: 8000, allowNet: undefined, listenPorts: undefined });
    expect(parseRelayArgs(['--port', '0', '--allow-net', '--listen-ports', '9000-9100'])).toEqual({ help: false, port: 0, allowNet: true, listenPorts: { lo: 9000, hi: 9100 } });
    expect(parseRelayArgs(['--port=8123', '--allow-net=127.0.0.1:80', '--listen-ports=9000'])).toEqual({ help: false, port: 8123, allowNet: '127.0.0.1:80', listenPorts: { lo: 9000, hi: 9000 } });
    expect(parseRelayArgs(['--help']).help).toBe(true);
  });

  it('refuses bad values and unknown options', () => {
    for (const argv of [['--port'], ['--port', 'x'], ['--port', '70000'], ['--listen-ports', '10-5'], ['--listen-ports', '0-5'], ['--frobnicate'], ['extra']]) {
      expect(() => parseRelayArgs(argv), argv.join(' ')).toThrow(RelayUsageError);
    }
  });

  it('port ranges and limits are validated', () => {
    expect(parsePortRange(' 1024-65535 ')).toEqual({ lo: 1024, hi: 65535 });
    expect(() => parsePortRange('1-65536')).toThrow(RangeError);
    expect(resolveLimits({ maxSockets: 3 }).maxSockets).toBe(3);
    expect(() => resolveLimits({ maxFrameBytes: 1000 })).toThrow(/maxFrameBytes/);
    expect(() => resolveLimits({ windowBytes: 1.5 })).toThrow(/windowBytes/);
  });
});

describe('node host/relay.js', () => {
  it('prints its usage with --help', () => {
    const r = spawnSync(process.execPath, [RELAY_JS, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: node host\/relay\.js/);
  });

  it('exits 2 with one clear line for a bad option or policy', () => {
    const bad = spawnSync(process.execPath, [RELAY_JS, '--port', 'x'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^wasock relay: --port x/);
    const policy = spawnSync(process.execPath, [RELAY_JS, '--port', '0', '--allow-net=example.invalid'], { encoding: 'utf8' });
    expect(policy.status).toBe(2);
    expect(policy.stderr).toMatch(/invalid --allow-net entry/);
  });
});

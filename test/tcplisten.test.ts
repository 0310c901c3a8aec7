// Command lines of other runtimes (issue #11): wasmtime's --tcplisten
// (listeners the host opens and hands to the guest as preopened
// descriptors) and WAMR's --addr-pool (the network policy in WAMR's
// spelling). The guest wasm_tcplisten never calls socket(): it accepts on
// the descriptors it is given.

import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowNetFromAddrPool, listenersFromArgs, parseListenAddress, policyFromArgs } from '../host/src/cli/interop-args.js';
import { parseRunArgs } from '../host/src/cli/run-args.js';
import { NetPolicy } from '../host/src/net/policy.js';
import { assertBuilt, freePort, portIsFree, run, start, waitForOutput } from './helpers/programs.js';

/** Connects to 127.0.0.1:port, sends one line and returns everything the server sends back. */
function ask(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
    socket.write(`${line}\n`);
  });
}

describe('--tcplisten', () => {
  it('hands the listener to the guest as fd 3: accept(3) serves a native client', async () => {
    assertBuilt('wasm_tcplisten');
    const port = await freePort();
    const server = start('wasm', 'wasm_tcplisten', [], { hostOptions: ['--tcplisten', `127.0.0.1:${port}`] });
    // The port is listening before the guest runs a single instruction.
    await waitForOutput(server, 'fd 3 listens on 127.0.0.1\n');
    expect(await ask(port, 'hello')).toBe('fd 3: hello\n');
    const done = await server.done;
    expect({ code: done.code, stderr: done.stderr, stdout: done.stdout }).toEqual({
      code: 0,
      stderr: '',
      stdout: 'fd 3 listens on 127.0.0.1\nfd 3 accepted 127.0.0.1\n',
    });
    expect(await portIsFree(port, 'tcp')).toBe(true);
  });

  it('is repeatable, IPv6 included: the listeners are fds 3 and 4 in order', async () => {
    const [p4, p6] = [await freePort(), await freePort()];
    const server = start('wasm', 'wasm_tcplisten', ['3', '4'], {
      hostOptions: [`--tcplisten=127.0.0.1:${p4}`, '--tcplisten', `[::1]:${p6}`],
    });
    await waitForOutput(server, 'fd 3 listens on 127.0.0.1\n');
    expect(await ask(p4, 'first')).toBe('fd 3: first\n');
    await waitForOutput(server, 'fd 4 listens on ::1\n');
    const second = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '::1', port: p6 });
      let got = '';
      socket.setEncoding('utf8').on('data', (d: string) => (got += d)).on('end', () => resolve(got)).on('error', reject);
      socket.write('second\n');
    });
    expect(second).toBe('fd 4: second\n');
    expect((await server.done).code).toBe(0);
  });

  it('comes after the preopened directories: with one --dir the listener is fd 4', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasock-tcplisten-'));
    try {
      const port = await freePort();
      const server = start('wasm', 'wasm_tcplisten', ['4'], { hostOptions: ['--dir', dir, '--tcplisten', `127.0.0.1:${port}`] });
      await waitForOutput(server, 'fd 4 listens on 127.0.0.1\n');
      expect(await ask(port, 'after a dir')).toBe('fd 4: after a dir\n');
      expect((await server.done).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is under the network policy like any bind: refused before the guest starts', async () => {
    // A policy narrowed to 127.0.0.2 (loopback only, as every test): 127.0.0.3 is outside it.
    const r = await run('wasm', 'wasm_tcplisten', [], { hostOptions: ['--addr-pool=127.0.0.2/32', '--tcplisten', '127.0.0.3:8080'] });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'wasock: --tcplisten 127.0.0.3:8080: bind to 127.0.0.3:8080 denied by the network policy (allow it with --allow-net=127.0.0.2,127.0.0.3:8080)\n',
    );
  });

  it('a port already in use stops the run with EADDRINUSE, and the guest never runs', async () => {
    const port = await freePort();
    const r = await run('wasm', 'wasm_tcplisten', [], { hostOptions: ['--tcplisten', `127.0.0.1:${port}`, '--tcplisten', `127.0.0.1:${port}`] });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr: `wasock: --tcplisten 127.0.0.1:${port}: EADDRINUSE\n` });
  });

  it('parses HOST:PORT, [IPv6]:PORT and localhost; refuses anything else', () => {
    expect(parseListenAddress('127.0.0.1:8080')).toEqual({ family: 4, ip: '127.0.0.1', port: 8080 });
    expect(parseListenAddress('[::1]:0')).toEqual({ family: 6, ip: '::1', port: 0 });
    expect(parseListenAddress('localhost:9')).toEqual({ family: 4, ip: '127.0.0.1', port: 9 });
    for (const bad of ['127.0.0.1', ':80', '::1:80', '127.0.0.1:65536', 'example.com:80', '[127.0.0.1]:80', '127.0.0.1:-1']) {
      expect(() => parseListenAddress(bad), bad).toThrow(/--tcplisten/);
    }
    // 0.0.0.0 is allowed and narrowed to loopback, as a guest's own bind is.
    expect(listenersFromArgs(['0.0.0.0:0'], NetPolicy.parse(undefined))).toEqual([
      { requested: { family: 4, ip: '0.0.0.0', port: 0 }, bind: { family: 4, ip: '127.0.0.1', port: 0 }, anyAddr: '127.0.0.1' },
    ]);
    expect(parseRunArgs(['--tcplisten', '127.0.0.1:1', '--tcplisten=[::1]:2', 'p.wasm', '--tcplisten']).tcpListen).toEqual(['127.0.0.1:1', '[::1]:2']);
  });
});

describe('--addr-pool (WAMR spelling of the network policy)', () => {
  it('maps each CIDR onto an --allow-net entry on every port', () => {
    expect(allowNetFromAddrPool('127.0.0.1/32,::1/128')).toBe('127.0.0.1/32,[::1]/128');
    expect(allowNetFromAddrPool('127.16.0.0/12')).toBe('127.16.0.0/12');
    expect(policyFromArgs(undefined, '127.0.0.1/32,::1/128').entries).toEqual(['127.0.0.1', '[::1]']);
    // With --allow-net too: their union. Bare --allow-net: everything.
    expect(policyFromArgs('127.0.0.9:80', '127.16.0.0/12').entries).toEqual(['127.0.0.9:80', '127.16.0.0/12']);
    expect(policyFromArgs(true, '127.16.0.0/12').everything).toBe(true);
    expect(() => allowNetFromAddrPool('example.com/8')).toThrow(/--addr-pool entry "example.com\/8"/);
    expect(() => policyFromArgs(undefined, '127.0.0.0/33')).toThrow(/--addr-pool=127.0.0.0\/33/);
    expect(parseRunArgs(['--addr-pool=127.0.0.1/32', '--addr-pool', '::1/128', 'p.wasm']).addrPool).toBe('127.0.0.1/32,::1/128');
  });

  it('an iwasm command line runs with only the runtime name changed: the pool allows what it lists', async () => {
    const port = await freePort();
    const server = start('wasm', 'server', [String(port)], { hostOptions: ['--addr-pool=127.0.0.1/32'] });
    await waitForOutput(server, 'listening');
    const client = await run('wasm', 'client', ['127.0.0.1', String(port)], { hostOptions: ['--addr-pool=127.0.0.1/32'] });
    expect(client.stdout).toContain('Hello from the server!');
    expect((await server.done).code).toBe(0);
  });

  it('and replaces the loopback default: an address outside the pool is denied (EACCES)', async () => {
    const port = await freePort();
    const r = await run('wasm', 'client', ['127.0.0.1', String(port)], { hostOptions: ['--addr-pool=127.0.0.2/32'] });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`wasock: connect to 127.0.0.1:${port} denied by the network policy`);
    expect(r.stderr).toContain('connect: Permission denied');
  });
});

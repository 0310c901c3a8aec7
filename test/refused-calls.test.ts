// Calls a wasm program cannot make as a native one does, and how wasock
// refuses them (README, deviations): urgent data (MSG_OOB) fails with
// EOPNOTSUPP, and fork() fails with ENOSYS after one stderr line saying
// why. These programs do differ from their native builds, so each build is
// held to its own expected transcript instead of to the other's.

import net from 'node:net';
import { expect, it } from 'vitest';
import { assertBuilt, freePort, run, start, waitForBound, waitForOutput } from './helpers/programs.js';

it('MSG_OOB: natively the urgent byte goes through; on wasock send and recv fail with EOPNOTSUPP and the stream goes on', async () => {
  assertBuilt('oob_refused');
  const [native, wasm] = await Promise.all([run('native', 'oob_refused', []), run('wasm', 'oob_refused', [])]);
  const common = 'tcp send: 3\ntcp recv: 3 "abc"\nudp sendto(MSG_OOB): -1 EOPNOTSUPP\n';
  expect(native).toMatchObject({ code: 0, stdout: `tcp send(MSG_OOB): 1\ntcp recv(MSG_OOB): 1\nurgent byte: !\n${common}` });
  expect(wasm).toEqual({ code: 0, signal: null, stderr: '', stdout: `tcp send(MSG_OOB): -1 EOPNOTSUPP\ntcp recv(MSG_OOB): -1 EOPNOTSUPP\n${common}` });
});

it('fork: a fork-per-client server compiles unchanged and stops at fork() with one line saying why', async () => {
  assertBuilt('fork_echo_server'); // the native build forks; the wasm build is the same source
  const port = await freePort();
  const server = start('wasm', 'fork_echo_server', [String(port)], { timeoutMs: 20_000 });
  await waitForBound(port, 'tcp');
  await waitForOutput(server, 'listening\n');
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => {}); // the server exits with the connection open
  const done = await server.done;
  client.destroy();
  expect(done.stdout).toBe('listening\nnew client connected...\n');
  expect(done.stderr).toBe(
    'wasock: fork() is not available: WebAssembly has no way to copy a running program into a second process; ' +
      'serve clients from one process (select, poll, epoll), from threads (pthread_create), or run several wasock processes\n' +
      'fork() error\n',
  );
  expect(done.code).toBe(1);
});

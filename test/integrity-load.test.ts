// Integrity and load, short versions of `npm run soak` (tools/soak.mjs):
// 64 MiB each way through a wasm→wasm TCP pair with SHA-256 equal on both
// ends (and to a reference computed here), and a wasm poll() echo server
// holding 1,000 concurrent clients for 10 s of continuous traffic in which
// every client checks every byte of its own stream (sequence-numbered
// records): nothing lost, duplicated or reordered, no error anywhere.

import { expect, it } from 'vitest';
import { runPair } from './helpers/programs.js';
import { CLIENT_SEED, SERVER_SEED, streamSha256 } from './helpers/stream-hash.js';

const MiB = 1024 * 1024;

it('64 MiB each way through a wasm→wasm TCP pair: SHA-256 equal on both ends', async () => {
  const bytes = 64 * MiB;
  const r = await runPair({ server: 'wasm', client: 'wasm' }, { server: 'integrity_server', client: 'integrity_client' },
    { server: (p) => [String(p), '64M'], client: (p) => [String(p), '64M'] }, 'tcp', { timeoutMs: 90_000 });
  expect(r.server.stderr + r.client.stderr).toBe('');
  expect([r.server.code, r.client.code]).toEqual([0, 0]);
  const up = streamSha256(CLIENT_SEED, bytes);
  const down = streamSha256(SERVER_SEED, bytes);
  expect(r.client.stdout).toBe(`sent ${bytes} bytes sha256 ${up}\nreceived ${bytes} bytes sha256 ${down}\n`);
  expect(r.server.stdout).toBe(`received ${bytes} bytes sha256 ${up}\nsent ${bytes} bytes sha256 ${down}\n`);
}, 120_000);

it('a wasm poll() echo server holds 1,000 clients for 10 s: every stream intact, no errors', async () => {
  const args = (p: number) => [String(p), '1000', '10', 'stats'];
  const r = await runPair({ server: 'wasm', client: 'native' }, { server: 'echo_load_server', client: 'echo_load_client' },
    { server: args, client: args }, 'tcp', { timeoutMs: 90_000 });
  console.log(`load: ${r.client.stdout.trim().split('\n').pop()}`);
  expect(r.server.stderr + r.client.stderr).toBe('');
  expect(r.client.stdout).toMatch(/^connected 1000\nstreams intact 1000 of 1000\nerrors 0, early EOF 0, corrupt 0\nechoed \d+ bytes in [\d.]+ s \([\d.]+ MB\/s\)\n$/);
  expect(r.server.stdout).toMatch(/^accepted 1000, closed 1000\nerrors 0\nechoed \d+ bytes\n$/);
  expect([r.server.code, r.client.code]).toEqual([0, 0]);
  // Both ends count the same bytes: what the clients got back is what the server echoed.
  const echoed = (text: string) => Number(/echoed (\d+) bytes/.exec(text)![1]);
  expect(echoed(r.client.stdout)).toBe(echoed(r.server.stdout));
  expect(echoed(r.server.stdout)).toBeGreaterThan(1000 * 4096);
}, 120_000);

// Hostile guest: every import wasock provides is called from wasm with
// random fds, pointers (out of bounds, straddling the end, negative, huge),
// lengths and memory contents. Each call must return a WASI errno — never
// throw into the engine, never hang — and a connection the fuzzer may not
// name must still work afterwards. Reproduce a failure with FUZZ_SEED=<seed>.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { build } from 'esbuild';
import { Arena, SF, STDIN_SLOT } from '../host/src/bridge/arena.js';
import { SocketHost } from '../host/src/io/socket-host.js';
import { NodeBackend } from '../host/src/net/node-backend.js';
import { parseAllowNet } from '../host/src/net/policy.js';
import type { GuestInit } from '../host/src/wasi/guest.js';
import { trampolineModule } from './helpers/wasm-bytes.js';
import { FUZZED_IMPORTS } from './fuzz/import-signatures.js';
import { ROOT } from './helpers/programs.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 6000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let workerFile: string;
let echo: net.Server;
let echoPort: number;
const echoSockets = new Set<net.Socket>();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasock-fuzz-'));
  workerFile = join(dir, 'import-fuzz-worker.mjs');
  await build({ entryPoints: [join(ROOT, 'test/fuzz/import-fuzz-worker.ts')], outfile: workerFile, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  echo = net.createServer((socket) => {
    echoSockets.add(socket);
    socket.on('close', () => echoSockets.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
  echoPort = (echo.address() as net.AddressInfo).port;
});

afterAll(() => {
  for (const socket of echoSockets) socket.destroy();
  return new Promise<void>((resolve) => echo.close(() => resolve()));
});

it(`every import answers random arguments with an errno (seed ${SEED})`, async () => {
  const arena = Arena.create({ maxSockets: 256, ringBytes: 16 * 1024 });
  // The fuzzer's stdin is at EOF: reads of fd 0 return 0 at once.
  arena.setFlags(STDIN_SLOT, SF.RX_EOF);
  const host = new SocketHost({ arena, backend: new NodeBackend() });
  const init: GuestInit = {
    module: await WebAssembly.compile(trampolineModule(FUZZED_IMPORTS, 2)),
    args: ['fuzz'],
    env: [],
    arena: arena.buffer,
    // Only the canary's echo server is reachable: random connects and
    // datagrams are refused by the policy before any traffic.
    policy: parseAllowNet(`127.0.0.1:${echoPort}`).toJSON(),
    trace: false,
    tty: { stdin: false, stdout: false, stderr: false },
  };
  const worker = new Worker(workerFile, { workerData: { init, seed: SEED, runs: RUNS, echoPort } });
  const result = await new Promise<{ calls: number; slowest: number; slowestCall: string; canaryOk: boolean }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fuzzer did not finish in 120 s (seed ${SEED})`)), 120_000);
    worker.on('message', (message: unknown) => {
      if ((message as { kind?: string }).kind === 'failure') {
        clearTimeout(timer);
        reject(new Error(`seed ${SEED}: ${(message as { message: string }).message}`));
      } else if ((message as { kind?: string }).kind === 'result') {
        clearTimeout(timer);
        resolve(message as never);
      }
    });
    worker.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`seed ${SEED}: ${err.message}`));
    });
  });
  await worker.terminate();
  await host.shutdown(1000);
  expect(host.openSockets).toBe(0);
  expect(result.calls).toBeGreaterThanOrEqual(RUNS * 20);
  expect(result.slowest, `slowest call: ${result.slowestCall}`).toBeLessThan(2000);
  expect(result.canaryOk).toBe(true);
  console.log(`fuzz: ${result.calls} calls, slowest ${result.slowest.toFixed(1)} ms, seed ${SEED}`);
}, 180_000);

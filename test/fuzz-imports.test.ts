// Hostile guest: every import wasock provides is called from wasm with
// random fds, pointers (out of bounds, straddling the end, negative, huge),
// lengths and memory contents. Each call must return a WASI errno — never
// throw into the engine, never hang — and the errno the arguments call for
// (EBADF, ENOTSOCK, EFAULT, EINVAL…), without touching memory outside its
// output fields (the oracle is in fuzz/import-fuzz-worker.ts). A connection
// the fuzzer may not name must still work afterwards, the host must hold
// exactly the sockets the fuzzer's calls left open, and shutdown() must free
// the ports they held. Reproduce a failure with FUZZ_SEED=<seed>.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import dgram from 'node:dgram';
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

/** Can this process take the port now (a TCP listener or a UDP bind on loopback)? */
function canBind(p: { family: 4 | 6; kind: 'stream' | 'dgram'; port: number }): Promise<boolean> {
  const host = p.family === 4 ? '127.0.0.1' : '::1';
  return new Promise((resolve) => {
    if (p.kind === 'stream') {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen({ port: p.port, host, exclusive: true }, () => server.close(() => resolve(true)));
    } else {
      const socket = dgram.createSocket(p.family === 4 ? 'udp4' : 'udp6');
      socket.once('error', () => {
        socket.close();
        resolve(false);
      });
      socket.bind({ port: p.port, address: host, exclusive: true }, () => socket.close(() => resolve(true)));
    }
  });
}

it(`every import answers random arguments with an errno (seed ${SEED})`, async () => {
  const arena = Arena.create({ maxSockets: 256, ringBytes: 16 * 1024 });
  // The fuzzer's stdin is at EOF: reads of fd 0 return 0 at once.
  arena.setFlags(STDIN_SLOT, SF.RX_EOF);
  const host = new SocketHost({ arena, backend: new NodeBackend() });
  const init: GuestInit = {
    module: await WebAssembly.compile(trampolineModule(FUZZED_IMPORTS, 2)),
    args: ['fuzz'],
    env: [],
    arena: arena.buffer as SharedArrayBuffer,
    // Only the canary's echo server is reachable: random connects and
    // datagrams are refused by the policy before any traffic.
    policy: parseAllowNet(`127.0.0.1:${echoPort}`).toJSON(),
    trace: false,
    tty: { stdin: false, stdout: false, stderr: false },
  };
  const worker = new Worker(workerFile, { workerData: { init, seed: SEED, runs: RUNS, echoPort } });
  type Port = { family: 4 | 6; kind: 'stream' | 'dgram'; port: number };
  const result = await new Promise<{ calls: number; slowest: number; slowestCall: string; canaryOk: boolean; predictedOpen: number; live: number; ports: Port[] }>((resolve, reject) => {
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
  // The books: sockets opened by successful sock_open/sock_accept (and the
  // canary and sentinels) minus the ones fd_close closed is what the guest's
  // fd table holds, and what the host holds (closes reach the host without a
  // reply being awaited, so give them a moment).
  expect(result.live, 'sockets in the guest fd table').toBe(result.predictedOpen);
  for (let i = 0; i < 100 && host.openSockets !== result.predictedOpen; i++) await new Promise((r) => setTimeout(r, 20));
  expect(host.openSockets, 'sockets the host holds for the guest').toBe(result.predictedOpen);
  // Ports held by the listeners and UDP sockets still open (the two
  // sentinels at least) are busy now and must be free after shutdown().
  expect(result.ports.filter((p) => p.kind === 'stream').length).toBeGreaterThan(0);
  expect(result.ports.filter((p) => p.kind === 'dgram').length).toBeGreaterThan(0);
  expect(await canBind(result.ports[0]!), `port ${result.ports[0]!.port} is held before shutdown`).toBe(false);
  await host.shutdown(1000);
  for (const p of result.ports) expect(await canBind(p), `${p.kind} port ${p.port} (IPv${p.family}) is still held after shutdown()`).toBe(true);
  expect(result.calls).toBeGreaterThanOrEqual(RUNS * 20);
  expect(result.slowest, `slowest call: ${result.slowestCall}`).toBeLessThan(2000);
  expect(result.canaryOk).toBe(true);
  console.log(`fuzz: ${result.calls} calls, slowest ${result.slowest.toFixed(1)} ms, seed ${SEED}`);
}, 180_000);

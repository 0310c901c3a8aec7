// Runs in a worker thread: calls wasock's imports through a wasm trampoline
// with random fds, pointers, lengths and memory contents (fast-check), and
// checks that every call returns a WASI errno — no exception, no hang — and
// that a canary connection opened first still works afterwards.

import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { createGuest, type GuestInit } from '../../host/src/wasi/guest.js';
import { SocketFd } from '../../host/src/wasi/socket-fd.js';
import { StdinFd } from '../../host/src/wasi/stdio.js';
import { ADDR, writeAddr } from '../../host/src/abi/sock.js';
import { EVENTTYPE, SUBSCRIPTION } from '../../host/src/abi/wasi.js';
import { FUZZED_IMPORTS } from './import-signatures.js';

interface Job {
  init: GuestInit;
  seed: number;
  runs: number;
  echoPort: number;
}

const job = workerData as Job;
const guest = createGuest(job.init, {
  write: () => {},
  trace: null,
  deny: () => {},
  preopens: [],
});
const exports = guest.instance.exports as Record<string, (...args: (number | bigint)[]) => number>;
const memory = guest.instance.exports.memory as WebAssembly.Memory;
const MEM = memory.buffer.byteLength;
const view = () => new DataView(memory.buffer);

// --- the canary: a real connection the fuzzer is not allowed to name ------
const SCRATCH = 1024;
function must(errno: number, what: string): void {
  if (errno !== 0) throw new Error(`canary ${what} failed with errno ${errno}`);
}
must(exports.call_sock_open(-1, 0, 1, SCRATCH), 'sock_open');
const canaryFd = view().getUint32(SCRATCH, true);
writeAddr(view(), SCRATCH, { family: 4, ip: '127.0.0.1', port: job.echoPort });
must(exports.call_sock_connect(canaryFd, SCRATCH), 'sock_connect');

function canaryEchoes(): boolean {
  // steer() made every socket non-blocking; the canary reads blocking again.
  const canary = guest.ctx.fds[canaryFd];
  if (!(canary instanceof SocketFd)) return false;
  canary.nonblocking = false;
  const message = new TextEncoder().encode('canary says hello');
  const m = new Uint8Array(memory.buffer);
  m.set(message, SCRATCH + 64);
  const v = view();
  v.setUint32(SCRATCH, SCRATCH + 64, true);
  v.setUint32(SCRATCH + 4, message.length, true);
  if (exports.call_sock_send(canaryFd, SCRATCH, 1, 0, SCRATCH + 8) !== 0) return false;
  let got = 0;
  const deadline = Date.now() + 5000;
  while (got < message.length && Date.now() < deadline) {
    v.setUint32(SCRATCH, SCRATCH + 256 + got, true);
    v.setUint32(SCRATCH + 4, message.length - got, true);
    const errno = exports.call_sock_recv(canaryFd, SCRATCH, 1, 0, SCRATCH + 8, SCRATCH + 12);
    if (errno !== 0) return false;
    const n = view().getUint32(SCRATCH + 8, true);
    if (n === 0) return false;
    got += n;
  }
  return new TextDecoder().decode(new Uint8Array(memory.buffer, SCRATCH + 256, got)) === 'canary says hello';
}

// --- arbitraries ------------------------------------------------------------
const fdArb = fc.oneof(
  fc.integer({ min: 0, max: 12 }),
  fc.integer({ min: -3, max: 80 }),
  fc.constantFrom(-1, 0x7fffffff, 1 << 20),
).map((fd) => (fd === canaryFd ? fd + 1 : fd));
const ptrArb = fc.oneof(
  fc.integer({ min: 0, max: MEM - 1 }),
  fc.integer({ min: MEM - 40, max: MEM + 40 }),
  fc.constantFrom(0, -1, -8, 0x7fffffff, 0x80000000 | 0, MEM, MEM - 1),
  fc.integer(),
);
const lenArb = fc.oneof(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 70000 }), fc.constantFrom(-1, 0x7fffffff, 1025, 1 << 20), fc.integer());
const smallArb = fc.integer({ min: -2, max: 12 });
const i64Arb = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

// Which parameter positions are fds, pointers, lengths: by import shape.
function argArbs(name: string, params: ('i32' | 'i64')[]): fc.Arbitrary<(number | bigint)[]> {
  const arbs = params.map((p, i): fc.Arbitrary<number | bigint> => {
    if (p === 'i64') return i64Arb;
    if (i === 0 && name !== 'poll_oneoff' && name !== 'sock_addr_resolve') return fdArb;
    if (name === 'sock_open' && (i === 1 || i === 2)) return smallArb;
    const vectored = name === 'fd_read' || name === 'fd_write' || name.startsWith('sock_send') || name.startsWith('sock_recv');
    if (vectored && i === 2) return lenArb;
    if (vectored && i === 3 && name.startsWith('sock_')) return smallArb;
    if (name === 'poll_oneoff' && i === 2) return fc.integer({ min: -1, max: 40 });
    if (name === 'sock_addr_resolve' && i === 4) return lenArb;
    if ((name === 'sock_listen' || name.startsWith('sock_set_') || name === 'fd_fdstat_set_flags' || name === 'sock_shutdown') && i >= 1) return fc.oneof(smallArb, fc.integer());
    if (name === 'sock_accept' && i === 1) return smallArb;
    return ptrArb;
  });
  return fc.tuple(...arbs);
}

const callArb = fc.oneof(...FUZZED_IMPORTS.map((imp) => argArbs(imp.name, imp.params).map((args) => ({ name: imp.name, args }))));
const runArb = fc.record({ fill: fc.integer(), calls: fc.array(callArb, { minLength: 20, maxLength: 80 }) });

/** Random memory contents for one run (xorshift from the run's seed). */
function fillMemory(seed: number): void {
  const words = new Uint32Array(memory.buffer, SCRATCH + 2048);
  let x = seed | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
}

/**
 * The only steering: sockets stay non-blocking (a valid blocking accept or
 * recv would rightly wait forever), poll gets short clocks, and binds use
 * port 0 so the fuzzer cannot take ports other tests are about to use.
 */
function steer(name: string, args: (number | bigint)[]): void {
  for (const obj of guest.ctx.fds) {
    if (obj instanceof SocketFd || obj instanceof StdinFd) obj.nonblocking = true;
  }
  const v = view();
  const inBounds = (ptr: number, len: number) => ptr >= 0 && ptr + len <= MEM;
  if (name === 'poll_oneoff') {
    const ptr = args[0] as number;
    const n = args[2] as number;
    if (n > 0 && inBounds(ptr, n * SUBSCRIPTION.size)) {
      for (let i = 0; i < n; i++) {
        const base = ptr + i * SUBSCRIPTION.size;
        if (v.getUint8(base + SUBSCRIPTION.tag) === EVENTTYPE.CLOCK || i === n - 1) {
          v.setUint8(base + SUBSCRIPTION.tag, EVENTTYPE.CLOCK);
          v.setUint32(base + SUBSCRIPTION.clockId, 1, true);
          v.setBigUint64(base + SUBSCRIPTION.clockTimeout, BigInt(i % 3) * 100_000n, true);
          v.setUint16(base + SUBSCRIPTION.clockFlags, 0, true);
        }
      }
    }
  }
  if (name === 'sock_bind') {
    const ptr = args[1] as number;
    if (inBounds(ptr, ADDR.size)) {
      v.setUint16(ptr + ADDR.ip4Port, 0, true);
      v.setUint16(ptr + ADDR.ip6Port, 0, true);
    }
  }
}

let calls = 0;
let slowest = 0;
let slowestCall = '';
const details = fc.check(
  fc.property(runArb, ({ fill, calls: list }) => {
    fillMemory(fill);
    for (const { name, args } of list) {
      steer(name, args);
      const started = performance.now();
      const result = exports[`call_${name}`](...args);
      const took = performance.now() - started;
      calls++;
      if (took > slowest) {
        slowest = took;
        slowestCall = `${name}(${args.join(', ')})`;
      }
      if (!Number.isInteger(result) || result < 0 || result > 76) {
        throw new Error(`${name}(${args.join(', ')}) returned ${result}, not a WASI errno`);
      }
    }
  }),
  { seed: job.seed, numRuns: job.runs, endOnFailure: true },
);
if (details.failed) {
  const cause = details.errorInstance instanceof Error ? details.errorInstance.stack : String(details.errorInstance);
  parentPort!.postMessage({ kind: 'failure', message: `${cause}\ncounterexample: ${JSON.stringify(details.counterexample, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}` });
} else {

  parentPort!.postMessage({ kind: 'result', calls, slowest, slowestCall, canaryOk: canaryEchoes() });
}

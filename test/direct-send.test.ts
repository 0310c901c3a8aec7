// The direct send path (host/src/bridge/direct-send.ts): the I/O thread lends
// a Node stream's descriptor to the guest's worker, which writes into the
// kernel itself when nothing is queued ahead of it.
//
// - the protocol: a lent descriptor is written, a queued one or a revoked one
//   never; revocation waits out a write in progress in another thread;
// - end to end: a wasm client in this process sends 8 MiB in mixed write
//   sizes to a native server; the bytes arrive intact both with and without
//   the direct path, and with it most of them bypass the I/O thread.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Arena, S, SF } from '../host/src/bridge/arena.js';
import { E } from '../host/src/abi/errno.js';
import { lendFd, revokeFd, sendDirect } from '../host/src/bridge/direct-send.js';
import type { NetBackend, Stream } from '../host/src/net/backend.js';
import { NodeBackend } from '../host/src/net/node-backend.js';
import { startGuest } from './helpers/in-process-guest.js';
import { freePort, start, waitForBound } from './helpers/programs.js';
import { CLIENT_SEED, SERVER_SEED, streamSha256 } from './helpers/stream-hash.js';

const SLOT = 1;

function arena(): Arena {
  const a = Arena.create({ maxSockets: 4, ringBytes: 4096 });
  a.reserveSlot(SLOT);
  return a;
}

describe('direct send protocol', () => {
  it('writes on a lent descriptor and puts it back afterwards', () => {
    const a = arena();
    lendFd(a, SLOT, 7);
    const calls: [number, number][] = [];
    const n = sendDirect(a, SLOT, [new Uint8Array(5), new Uint8Array(3)], (fd, chunks) => {
      calls.push([fd, chunks.length]);
      // While the write runs, the word says "in use".
      expect(a.load(SLOT, S.DIRECT_FD)).toBe(-8);
      return 8;
    });
    expect(n).toEqual({ n: 8 });
    expect(calls).toEqual([[7, 2]]);
    expect(a.load(SLOT, S.DIRECT_FD)).toBe(8);
  });

  it('is not used when nothing is lent, while the I/O thread has bytes queued, or after revocation', () => {
    const a = arena();
    const write = () => {
      throw new Error('must not be called');
    };
    expect(sendDirect(a, SLOT, [new Uint8Array(1)], write)).toBeNull();
    lendFd(a, SLOT, 3);
    a.setFlags(SLOT, SF.TX_QUEUED);
    expect(sendDirect(a, SLOT, [new Uint8Array(1)], write)).toBeNull();
    a.clearFlags(SLOT, SF.TX_QUEUED);
    revokeFd(a, SLOT);
    expect(sendDirect(a, SLOT, [new Uint8Array(1)], write)).toBeNull();
    revokeFd(a, SLOT); // idempotent
    expect(a.load(SLOT, S.DIRECT_FD)).toBe(0);
  });

  it('a failed descriptor is not offered again and its error is returned; a full one is kept', () => {
    const a = arena();
    lendFd(a, SLOT, 3);
    expect(sendDirect(a, SLOT, [new Uint8Array(1)], () => 0)).toEqual({ n: 0 });
    expect(a.load(SLOT, S.DIRECT_FD)).toBe(4);
    expect(sendDirect(a, SLOT, [new Uint8Array(1)], () => -E.CONNRESET)).toEqual({ errno: E.CONNRESET });
    expect(a.load(SLOT, S.DIRECT_FD)).toBe(0);
    lendFd(a, SLOT, 3);
    expect(sendDirect(a, SLOT, [new Uint8Array(1)], () => {
      throw new Error('a bug in the embedder');
    })).toEqual({ errno: E.IO });
    expect(a.load(SLOT, S.DIRECT_FD)).toBe(0);
  });

  it('revocation waits for a write in progress in another thread', async () => {
    const a = arena();
    lendFd(a, SLOT, 9);
    const index = a.slotWord(SLOT, S.DIRECT_FD);
    // A stand-in for the guest's worker: claims the descriptor as
    // sendDirect does, holds it for 150 ms (a slow write), puts it back.
    const worker = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const words = new Int32Array(workerData.buffer);
      const i = workerData.index;
      const v = Atomics.load(words, i);
      if (Atomics.compareExchange(words, i, v, -v) !== v) throw new Error('claim failed');
      parentPort.postMessage('claimed');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
      Atomics.store(words, i, v);
      Atomics.notify(words, i);
    `, { eval: true, workerData: { buffer: a.buffer, index } });
    await new Promise((resolve) => worker.once('message', resolve));
    const t0 = performance.now();
    revokeFd(a, SLOT);
    const waited = performance.now() - t0;
    expect(a.load(SLOT, S.DIRECT_FD)).toBe(0);
    expect(waited).toBeGreaterThan(50);
    await worker.terminate();
  });
});

/** The node backend, counting the bytes the I/O thread hands to its streams; `lend` false hides lendFd. */
function countingBackend(lend: boolean): { backend: NetBackend; viaIoThread: () => number } {
  const inner = new NodeBackend();
  let bytes = 0;
  const wrap = (s: Stream): Stream => {
    const proxy = Object.create(s) as Stream;
    proxy.write = (data) => {
      bytes += data.length;
      return s.write(data);
    };
    if (!lend) (proxy as { lendFd?: unknown }).lendFd = undefined;
    return proxy;
  };
  const backend: NetBackend = {
    connect: async (to, from) => wrap(await inner.connect(to, from)),
    listen: (at, options, onConnection) => inner.listen(at, options, (s) => onConnection(wrap(s))),
    bindDatagram: (at, options, onMessage) => inner.bindDatagram(at, options, onMessage),
    resolve: (host, family) => inner.resolve(host, family),
  };
  return { backend, viaIoThread: () => bytes };
}

describe('direct send end to end', () => {
  const bytes = 8 * 1024 * 1024;
  const up = streamSha256(CLIENT_SEED, bytes);
  const down = streamSha256(SERVER_SEED, bytes);

  for (const lend of [true, false]) {
    it(`8 MiB in mixed write sizes arrive intact ${lend ? 'with' : 'without'} the direct path`, async () => {
      const port = await freePort();
      const server = start('native', 'integrity_server', [String(port), '8M'], { timeoutMs: 30_000 });
      await waitForBound(port, 'tcp');
      const { backend, viaIoThread } = countingBackend(lend);
      const client = startGuest(backend, 'integrity_client', [String(port), '8M']);
      const [outcome, finished] = await Promise.all([client.outcome, server.done]);
      expect(outcome).toEqual({ kind: 'exit', code: 0 });
      expect(client.stdout()).toBe(`sent ${bytes} bytes sha256 ${up}\nreceived ${bytes} bytes sha256 ${down}\n`);
      expect(finished.stdout).toBe(`received ${bytes} bytes sha256 ${up}\nsent ${bytes} bytes sha256 ${down}\n`);
      if (lend) expect(viaIoThread()).toBeLessThan(bytes / 2);
      else expect(viaIoThread()).toBe(bytes);
    }, 60_000);
  }
});

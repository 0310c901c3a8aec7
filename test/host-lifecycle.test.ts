// Hostile guest, lifecycle: however a guest ends — it traps, it calls
// exit() with its sockets in the middle of things, or its parent kills
// run.js — every socket is closed as a kernel closes a dead process's
// sockets: peers see EOF (or a reset), data already written still arrives
// where Linux would deliver it, listening and bound ports are free at once,
// and run.js exits with a clear message and the code a shell expects.

import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { freePort, portIsFree, start, waitForBound, waitForOutput, type Running } from './helpers/programs.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How a TCP connection ended, as its Node end saw it, and what it received. */
interface Watched {
  data: () => Buffer;
  /** 'end' (FIN), 'reset' (ECONNRESET) or another error code; settles once. */
  ended: Promise<string>;
}

function watch(socket: net.Socket): Watched {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  const ended = new Promise<string>((resolve) => {
    socket.on('end', () => resolve('end'));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNRESET' ? 'reset' : (err.code ?? 'error')));
    socket.on('close', () => resolve('closed'));
  });
  return { data: () => Buffer.concat(chunks), ended };
}

/** A loopback listener whose first connection is watched (and optionally not read yet). */
async function peer(options: { paused?: boolean } = {}) {
  let resolveConn!: (w: Watched & { socket: net.Socket }) => void;
  const first = new Promise<Watched & { socket: net.Socket }>((resolve) => (resolveConn = resolve));
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: options.paused === true }, (socket) => resolveConn({ ...watch(socket), socket }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as net.AddressInfo).port, first, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function connect(port: number): Promise<Watched & { socket: net.Socket }> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { ...watch(socket), socket };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function expectPortsFree(port: number) {
  expect(await portIsFree(port, 'tcp'), `tcp port ${port} is free`).toBe(true);
  expect(await portIsFree(port, 'udp'), `udp port ${port} is free`).toBe(true);
}

function started(guest: Running): () => boolean {
  let exited = false;
  void guest.done.then(() => (exited = true));
  return () => !exited;
}

describe('a guest that traps with sockets open', () => {
  it('exits 134 with the trap named; peers get the data written before the trap, then EOF; ports are free at once', async () => {
    const [port, other] = [await freePort(), await peer()];
    try {
      const guest = start('wasm', 'wasm_trap_open', [String(port), String(other.port)], { timeoutMs: 30_000 });
      await waitForBound(port, 'tcp', 10_000, started(guest));
      const client = await connect(port);
      const began = Date.now();
      const done = await guest.done;
      expect(done.code).toBe(134);
      expect(done.stderr).toMatch(/^wasock: wasm_trap_open\.wasm trapped: RuntimeError: unreachable/);
      expect(done.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(Date.now() - began).toBeLessThan(10_000);
      await expectPortsFree(port);
      // The accepted connection: its last words, then EOF.
      expect(await within(client.ended, 5000, 'EOF on the accepted connection')).toBe('end');
      expect(client.data().toString()).toBe('last words\n');
      // The guest's own outgoing connection too.
      const out = await within(other.first, 5000, 'the guest connected out');
      expect(await within(out.ended, 5000, 'EOF on the outgoing connection')).toBe('end');
      expect(out.data().toString()).toBe('guest here\n');
      client.socket.destroy();
      out.socket.destroy();
    } finally {
      await other.close();
    }
  });
});

describe('a guest that calls exit() with its sockets busy', () => {
  it('exits with its code; unsent data still reaches a slow peer, then EOF; a queued connection is closed; ports are free', async () => {
    const [port, slow] = [await freePort(), await peer({ paused: true })];
    try {
      const guest = start('wasm', 'wasm_exit_busy', [String(port), String(slow.port)], { timeoutMs: 30_000 });
      await waitForOutput(guest, 'wrote 1 MiB\n');
      const queued = await connect(port); // never accepted
      queued.socket.write('hello?');
      const done = await guest.done;
      expect(done.stderr).toBe('');
      expect(done.code).toBe(3);
      expect(done.stdout).toBe('wrote 1 MiB\nconnection queued: yes\n');
      await expectPortsFree(port);
      // Linux resets connections still queued on a listener that closes.
      expect(['reset', 'end']).toContain(await within(queued.ended, 5000, 'the queued connection closed'));
      // The peer starts reading only now: every byte the guest wrote, then EOF.
      const out = await slow.first;
      out.socket.resume();
      expect(await within(out.ended, 10_000, 'EOF after the guest’s last bytes')).toBe('end');
      const got = out.data();
      expect(got.length).toBe(1 << 20);
      const expected = Buffer.alloc(1 << 20);
      for (let i = 0; i < expected.length; i++) expected[i] = 97 + (i % 26);
      expect(got.equals(expected)).toBe(true);
      queued.socket.destroy();
      out.socket.destroy();
    } finally {
      await slow.close();
    }
  });
});

describe('run.js killed by its parent', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal}: the guest stops, its peer sees EOF, its ports are free, and run.js exits ${code} saying so`, async () => {
      const port = await freePort();
      const guest = start('wasm', 'wasm_never_reads', [String(port)], { timeoutMs: 30_000 });
      await waitForOutput(guest, 'ready\n');
      const client = await connect(port);
      // Blocked in the guest: reading stdin, with a listener, a UDP socket and a connection open.
      await waitForOutput(guest, 'accepted\n');
      await sleep(100);
      const began = Date.now();
      guest.child.kill(signal);
      const done = await guest.done;
      expect(done.code).toBe(code);
      expect(done.signal).toBeNull();
      expect(done.stderr).toBe(`wasock: wasm_never_reads.wasm stopped by ${signal}\n`);
      expect(Date.now() - began).toBeLessThan(5000);
      await expectPortsFree(port);
      expect(await within(client.ended, 5000, 'EOF after the kill')).toBe('end');
      client.socket.destroy();
    });
  }

  it('SIGINT while the guest is blocked in accept(): the listener goes away at once', async () => {
    const port = await freePort();
    const guest = start('wasm', 'wasm_never_reads', [String(port)], { timeoutMs: 30_000 });
    await waitForOutput(guest, 'ready\n');
    guest.child.kill('SIGINT');
    const done = await guest.done;
    expect(done.code).toBe(130);
    await expectPortsFree(port);
  });

  it('SIGKILL: nothing can clean up, but the OS closes everything: the peer sees EOF and the ports are free', async () => {
    const port = await freePort();
    const guest = start('wasm', 'wasm_never_reads', [String(port)], { timeoutMs: 30_000 });
    await waitForOutput(guest, 'ready\n');
    const client = await connect(port);
    await waitForOutput(guest, 'accepted\n');
    guest.child.kill('SIGKILL');
    const done = await guest.done;
    expect(done.signal).toBe('SIGKILL');
    await expectPortsFree(port);
    expect(['end', 'reset']).toContain(await within(client.ended, 5000, 'the connection closed'));
    client.socket.destroy();
  });
});

// Faults at the host's seams, driven directly (no guest program): the I/O
// thread's socket state machine over a scripted stream, read from the guest
// side through a SocketFd. What a peer sent before it reset or closed the
// connection comes before the reset or the EOF, even the part the host held
// back while the ring was full; and a guest that ends with data it never
// read resets the connection, as Linux does.
// (The same behaviours end to end, against native Linux: the conformance
// programs reset_midstream, peer_close and exit_unread.)

import { describe, expect, it } from 'vitest';
import { Arena, H } from '../host/src/bridge/arena.js';
import { ControlClient } from '../host/src/bridge/control.js';
import { SocketHost } from '../host/src/io/socket-host.js';
import type { DatagramSocket, Listener, NetBackend, Stream, StreamHandlers } from '../host/src/net/backend.js';
import type { SockAddr } from '../host/src/net/addr.js';
import { SocketFd } from '../host/src/wasi/socket-fd.js';
import { E } from '../host/src/abi/errno.js';

const RING = 64 * 1024;

/** A stream whose peer the test plays: it delivers data, EOF and errors by hand. */
class ScriptedStream implements Stream {
  readonly local: SockAddr = { family: 4, ip: '127.0.0.1', port: 40000 };
  readonly remote: SockAddr = { family: 4, ip: '127.0.0.1', port: 40001 };
  handlers!: StreamHandlers;
  paused = false;
  written: Uint8Array[] = [];
  calls: string[] = [];
  attach(h: StreamHandlers) {
    this.handlers = h;
  }
  write(data: Uint8Array) {
    this.written.push(data.slice());
    return true;
  }
  end() {
    this.calls.push('end');
  }
  finished() {
    return Promise.resolve();
  }
  destroy() {
    this.calls.push('destroy');
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  setNoDelay() {}
  setKeepAlive() {}
}

class ScriptedBackend implements NetBackend {
  readonly streams: ScriptedStream[] = [];
  connect(): Promise<Stream> {
    const s = new ScriptedStream();
    this.streams.push(s);
    return Promise.resolve(s);
  }
  listen(): Promise<Listener> {
    return Promise.reject(new Error('not scripted'));
  }
  bindDatagram(): Promise<DatagramSocket> {
    return Promise.reject(new Error('not scripted'));
  }
  resolve(): Promise<SockAddr[]> {
    return Promise.resolve([]);
  }
}

/** One I/O thread and one connected socket, seen from the guest's side. */
async function connected() {
  const arena = Arena.create({ maxSockets: 4, ringBytes: RING });
  const backend = new ScriptedBackend();
  const host = new SocketHost({ arena, backend });
  let id = 0;
  const call = async (op: string, args: Record<string, unknown>) => {
    await host.handle({ kind: 'control', id: ++id, op, args });
    const length = Atomics.load(arena.words, H.REPLY_LEN);
    return JSON.parse(new TextDecoder().decode(arena.bytes.slice(arena.replyOffset, arena.replyOffset + length))) as Record<string, unknown> & { errno: number };
  };
  const opened = await call('open', { kind: 'stream', family: 4, anyAddr: '127.0.0.1' });
  const slot = opened.slot as number;
  expect((await call('connect', { slot, addr: { family: 4, ip: '127.0.0.1', port: 9 }, nonblocking: false })).errno).toBe(0);
  const fd = new SocketFd(arena, new ControlClient(arena), slot, 'stream', 4);
  const stream = backend.streams[0]!;
  /** A non-blocking read of up to `n` bytes. */
  const read = (n: number) => {
    const buf = new Uint8Array(n);
    const r = fd.recvStream([buf], 0, true);
    return { errno: r.errno, bytes: buf.subarray(0, r.n) };
  };
  return { host, stream, read, fd };
}

/** Lets the I/O thread's doorbell handler run (the guest marked the slot). */
const ioTurn = () => new Promise((resolve) => setTimeout(resolve, 20));

function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7) % 251;
  return b;
}

describe('data the host held back comes before the end of the connection', () => {
  it('a reset while the ring is full: first every byte, then ECONNRESET once, then EOF', async () => {
    const { host, stream, read } = await connected();
    const sent = pattern(RING + 10_000);
    stream.handlers.data(sent);
    expect(stream.paused).toBe(true); // the ring is full: backpressure
    stream.handlers.error(E.CONNRESET);

    const first = read(RING);
    expect(first.errno).toBe(0);
    expect(first.bytes.length).toBe(RING);
    // The ring is empty but 10,000 bytes are still held back: not the reset yet.
    expect(read(RING).errno).toBe(E.AGAIN);
    await ioTurn();
    const rest = read(RING);
    expect(rest.errno).toBe(0);
    expect(Buffer.concat([first.bytes, rest.bytes]).equals(Buffer.from(sent))).toBe(true);
    expect(read(RING).errno).toBe(E.CONNRESET);
    const after = read(RING);
    expect(after).toEqual({ errno: 0, bytes: new Uint8Array(0) });
    await host.shutdown(0);
  });

  it('EOF while the ring is full: first every byte, then 0', async () => {
    const { host, stream, read } = await connected();
    const sent = pattern(RING + 777);
    stream.handlers.data(sent);
    stream.handlers.end();
    const first = read(RING);
    expect(first.bytes.length).toBe(RING);
    expect(read(RING).errno).toBe(E.AGAIN);
    await ioTurn();
    const rest = read(RING);
    expect(Buffer.concat([first.bytes, rest.bytes]).equals(Buffer.from(sent))).toBe(true);
    expect(read(RING)).toEqual({ errno: 0, bytes: new Uint8Array(0) });
    await host.shutdown(0);
  });
});

describe('a guest that ends with its sockets open', () => {
  it('resets a connection whose received data it never read', async () => {
    const { host, stream } = await connected();
    stream.handlers.data(pattern(100));
    await host.shutdown(0);
    expect(stream.calls).toEqual(['destroy']);
  });

  it('otherwise sends what it wrote, then FIN', async () => {
    const { host, stream, fd } = await connected();
    expect(fd.sendStream([new TextEncoder().encode('last words')], true)).toEqual({ errno: 0, n: 10 });
    await host.shutdown(0);
    expect(new TextDecoder().decode(Buffer.concat(stream.written))).toBe('last words');
    expect(stream.calls).toEqual(['end']);
  });
});

// Shared by the relay suites: a relay in this process on a free port,
// RelayBackend clients and raw protocol clients over `ws`, loopback echo
// servers, and a byte-exact transfer that runs beside a hostile client.

import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { createRelayServer, type RelayServer, type RelayServerOptions } from '../../host/src/relay/server.js';
import { RelayBackend, type RelayWebSocket } from '../../host/src/net/relay-backend.js';
import type { Stream } from '../../host/src/net/backend.js';
import { decodeFrame, type Frame } from '../../host/src/relay/frame.js';
import { decodeRelayFrame, type RelayMessage } from '../../host/src/relay/messages.js';
import { RELAY_SUBPROTOCOL } from '../../host/src/relay/protocol.js';

export function startRelay(options: RelayServerOptions = {}): Promise<RelayServer> {
  return createRelayServer({ port: 0, staticDir: null, ...options });
}

export function openBackend(relay: RelayServer, options: ConstructorParameters<typeof RelayBackend>[1] = {}): Promise<RelayBackend> {
  return RelayBackend.open(relay.relayUrl, (url, protocol) => new WebSocket(url, protocol) as unknown as RelayWebSocket, options);
}

export interface EchoServer {
  port: number;
  /** Sockets the server accepted, newest last. */
  sockets: net.Socket[];
  close(): Promise<void>;
}

/** A loopback TCP server; by default it echoes. */
export function echoServer(onSocket?: (socket: net.Socket) => void): Promise<EchoServer> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    if (onSocket) onSocket(socket);
    else socket.pipe(socket);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        sockets,
        close: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

export interface Collected {
  chunks: Uint8Array[];
  ended: boolean;
  errno: number | null;
  /** `drain` events so far. */
  drains: number;
  bytes(): Buffer;
  /** Settles when `n` bytes arrived, the stream ended or failed. */
  until(pred: (c: Collected) => boolean, timeoutMs?: number): Promise<void>;
}

/** Attaches to a relay stream and records everything it delivers. */
export function collect(stream: Stream): Collected {
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  const c: Collected = {
    chunks: [] as Uint8Array[],
    ended: false,
    errno: null,
    drains: 0,
    bytes: () => Buffer.concat(c.chunks),
    until(pred: (c: Collected) => boolean, timeoutMs = 5000): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pred(c)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; got ${c.bytes().length} bytes, ended=${c.ended}, errno=${c.errno}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  stream.attach({
    data: (chunk) => {
      c.chunks.push(chunk.slice());
      wake();
    },
    end: () => {
      c.ended = true;
      wake();
    },
    error: (errno) => {
      c.errno = errno;
      wake();
    },
    drain: () => {
      c.drains++;
      wake();
    },
  });
  return c;
}

/** Writes all of `data`, honouring write() → false / drain. */
export async function writeAll(stream: Stream, c: Collected, data: Uint8Array, piece = 48 * 1024): Promise<void> {
  for (let at = 0; at < data.length; at += piece) {
    const drains = c.drains;
    if (!stream.write(data.slice(at, at + piece))) await c.until((x) => x.drains > drains || x.errno !== null, 10_000);
    if (c.errno !== null) throw new Error(`stream failed with errno ${c.errno}`);
  }
}

/**
 * Sends `size` random bytes through the relay to an echo server and back;
 * resolves with whether what came back is identical.
 */
export async function echoTransfer(backend: RelayBackend, echoPort: number, size: number): Promise<{ intact: boolean; sent: string; got: string }> {
  const stream = await backend.connect({ family: 4, ip: '127.0.0.1', port: echoPort }, null);
  const c = collect(stream);
  const data = randomBytes(size);
  await writeAll(stream, c, data);
  await c.until((x) => x.bytes().length >= size || x.errno !== null, 20_000);
  stream.end();
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const got = c.bytes();
  return { intact: got.length === size && got.equals(data), sent: sha(data), got: sha(got) };
}

/** A client speaking raw frames, for tests that break the rules. */
export interface RawClient {
  ws: WebSocket;
  /** The next decoded relay frame (HELLO is consumed by `rawClient`). */
  next(timeoutMs?: number): Promise<RelayMessage>;
  /** Decoded frames of one kind, skipping others. */
  nextOf<K extends RelayMessage['kind']>(kind: K, timeoutMs?: number): Promise<Extract<RelayMessage, { kind: K }>>;
  send(frame: Uint8Array | string): void;
  closed: Promise<{ code: number; reason: string }>;
}

export async function rawClient(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
  const ws = new WebSocket(url, RELAY_SUBPROTOCOL, { headers });
  const queue: Frame[] = [];
  const waiters: (() => void)[] = [];
  ws.binaryType = 'nodebuffer';
  ws.on('message', (data: Buffer) => {
    queue.push(decodeFrame(new Uint8Array(data), 1 << 30));
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      waiters.splice(0).forEach((w) => w());
    });
  });
  ws.on('error', () => {});
  const next = async (timeoutMs = 5000): Promise<RelayMessage> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0) {
      if (ws.readyState === ws.CLOSED) throw new Error('closed while waiting for a frame');
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return decodeRelayFrame(queue.shift()!);
  };
  const client: RawClient = {
    ws,
    next,
    async nextOf(kind, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = await next(Math.max(1, deadline - Date.now()));
        if (m.kind === kind) return m as never;
      }
    },
    send: (frame) => ws.send(frame),
    closed,
  };
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const hello = await next();
  if (hello.kind !== 'hello') throw new Error('the relay did not start with HELLO');
  return client;
}

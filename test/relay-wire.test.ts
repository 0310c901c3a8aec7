// Every frame the relay sends a page (HELLO, REPLY, DATA, END, RESET, CLOSE,
// DATAGRAM, CREDIT, ERROR, ACCEPT), checked byte by byte against
// docs/relay-protocol.md. The expected bytes are written here by hand from the
// spec's tables (sections 2–8, and the example of section 12); nothing below
// uses host/src/relay's encoder or decoder, so a field the relay's encoder and
// decoder agree on but the spec does not (two HELLO fields swapped in both,
// say) fails here. The page→relay frames are hand-encoded the same way.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import { WebSocket } from 'ws';
import { createRelayServer, type RelayServer } from '../host/src/relay/server.js';

// --- the spec's numbers, copied from its tables ------------------------------
const OP = { CONNECT: 0x01, LISTEN: 0x02, UDP_BIND: 0x03, RESOLVE: 0x04, DATA: 0x10, END: 0x11, RESET: 0x12, CLOSE: 0x13, DATAGRAM: 0x14, CREDIT: 0x16, HELLO: 0x40, REPLY: 0x41, ERROR: 0x42, ACCEPT: 0x43 };
const ERRNO = { BADF: 8, CONNREFUSED: 14, CONNRESET: 15 };

// Limits chosen all different, so that a field read from or written to
// another field's place cannot go unnoticed.
const LIMITS = { maxFrameBytes: 100_000, windowBytes: 200_000, maxSockets: 7, idleMs: 90_000 };
const PORTS = { lo: 2000, hi: 60999 };

// --- hand encoding (section 2: little-endian, 16-byte header) ----------------
const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
/** Section 2: op, flags 0, reserved u16 0, socket, request, length, payload. */
function frame(op: number, socket: number, request: number, payload: number[] = []): number[] {
  return [op, 0, 0, 0, ...u32(socket), ...u32(request), ...u32(payload.length), ...payload];
}
/** Section 2.1: family, 0, port (LE), 4 address bytes in network order, 12 zeros (IPv4 only here). */
function addr4(ip: string, port: number): number[] {
  return [4, 0, ...u16(port), ...ip.split('.').map(Number), ...new Array(12).fill(0)];
}
const NO_ADDR = new Array(20).fill(0);
const hex = (b: ArrayLike<number>) => Buffer.from(Array.from(b)).toString('hex').replace(/(..)/g, '$1 ').trim();

// --- a client that keeps raw bytes ----------------------------------------------
interface Raw {
  send(bytes: number[]): void;
  /** The next message, as bytes. */
  next(what: string, timeoutMs?: number): Promise<Uint8Array>;
  /** The next message whose op is `op` (others are kept in order for later). */
  nextOp(op: number, what: string, timeoutMs?: number): Promise<Uint8Array>;
  close(): void;
}

async function openRaw(url: string): Promise<Raw> {
  const ws = new WebSocket(url, 'wasock-relay.1');
  ws.binaryType = 'nodebuffer';
  const queue: Uint8Array[] = [];
  let wake = () => {};
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    queue.push(isBinary ? new Uint8Array(data) : new TextEncoder().encode(`TEXT:${data.toString()}`));
    wake();
  });
  ws.on('close', () => wake());
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const take = async (match: (m: Uint8Array) => boolean, what: string, timeoutMs = 5000): Promise<Uint8Array> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = queue.findIndex(match);
      if (i >= 0) return queue.splice(i, 1)[0]!;
      if (ws.readyState === ws.CLOSED) throw new Error(`connection closed while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; queued: ${queue.map((m) => hex(m.subarray(0, 16))).join(' | ')}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  return {
    send: (bytes) => ws.send(Uint8Array.from(bytes)),
    next: (what, timeoutMs) => take(() => true, what, timeoutMs),
    nextOp: (op, what, timeoutMs) => take((m) => m[0] === op, what, timeoutMs),
    close: () => ws.close(),
  };
}

/** Expects `got` to be exactly `want` (hex dumps, so a diff shows which byte). */
function bytesEqual(got: Uint8Array, want: number[], what: string): void {
  expect(hex(got), what).toBe(hex(want));
}

/** A REPLY or ERROR whose tail is an optional message: the fixed part exactly, the rest UTF-8 of at most 512 bytes. */
function withMessage(got: Uint8Array, head: number[], fixedPayload: number[], what: string): void {
  const payloadLength = got.length - 16;
  expect(payloadLength, `${what}: payload length`).toBeGreaterThanOrEqual(fixedPayload.length);
  bytesEqual(got.subarray(0, 16), [...head.slice(0, 12), ...u32(payloadLength)], `${what}: header`);
  bytesEqual(got.subarray(16, 16 + fixedPayload.length), fixedPayload, `${what}: payload`);
  const message = got.subarray(16 + fixedPayload.length);
  expect(message.length, `${what}: message`).toBeLessThanOrEqual(512);
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(message), `${what}: message is UTF-8`).not.toThrow();
}

let relay: RelayServer;
let page: Raw;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  relay = await createRelayServer({ port: 0, staticDir: null, limits: LIMITS, listenPorts: `${PORTS.lo}-${PORTS.hi}` });
});

afterAll(async () => {
  for (const c of cleanups) c();
  page?.close();
  await relay?.close();
});

/** A loopback TCP server; `onSocket` decides what the peer does. */
async function tcpServer(onSocket: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

/** CONNECT (section 5.1) as a page sends it; resolves with the peer's socket once the relay has connected. */
async function connect(id: number, request: number, port: number, peers: Promise<net.Socket>): Promise<{ reply: Uint8Array; peer: net.Socket }> {
  page.send(frame(OP.CONNECT, id, request, [...addr4('127.0.0.1', port), ...NO_ADDR]));
  const reply = await page.nextOp(OP.REPLY, `REPLY to CONNECT ${id}`);
  return { reply, peer: await peers };
}

describe('relay → page frames, byte by byte against docs/relay-protocol.md', () => {
  it('HELLO (section 4) is the first frame, its fields in the spec\'s order', async () => {
    page = await openRaw(relay.relayUrl);
    const hello = await page.next('HELLO');
    bytesEqual(hello, frame(OP.HELLO, 0, 0, [
      ...u16(1), ...u16(0), // version 1, zero
      ...u32(LIMITS.maxFrameBytes),
      ...u32(LIMITS.windowBytes),
      ...u32(LIMITS.maxSockets),
      ...u32(LIMITS.idleMs),
      ...u16(PORTS.lo), ...u16(PORTS.hi),
    ]), 'HELLO');
  });

  it('REPLY ok to CONNECT (local, remote), DATA, END and CLOSE (section 12\'s exchange)', async () => {
    let accepted!: (s: net.Socket) => void;
    const peers = new Promise<net.Socket>((r) => (accepted = r));
    const port = await tcpServer(accepted);
    const { reply, peer } = await connect(1, 0x0a0b0c0d, port, peers);
    // The relay's local end is the peer's remote end.
    bytesEqual(reply, frame(OP.REPLY, 1, 0x0a0b0c0d, [...u16(0), ...u16(0), ...addr4('127.0.0.1', peer.remotePort!), ...addr4('127.0.0.1', port)]), 'REPLY ok');
    // The peer answers "ok" and closes its side.
    peer.end('ok');
    bytesEqual(await page.nextOp(OP.DATA, 'DATA'), frame(OP.DATA, 1, 0, [0x6f, 0x6b]), 'DATA "ok"');
    bytesEqual(await page.nextOp(OP.END, 'END'), frame(OP.END, 1, 0), 'END');
    page.send(frame(OP.END, 1, 0));
    bytesEqual(await page.nextOp(OP.CLOSE, 'CLOSE'), frame(OP.CLOSE, 1, 0), 'CLOSE');
  });

  it('REPLY with an errno: CONNECT to port 0 is ECONNREFUSED at once', async () => {
    page.send(frame(OP.CONNECT, 2, 77, [...addr4('127.0.0.1', 0), ...NO_ADDR]));
    withMessage(await page.nextOp(OP.REPLY, 'REPLY ECONNREFUSED'), frame(OP.REPLY, 2, 77), [...u16(ERRNO.CONNREFUSED), ...u16(0)], 'REPLY ECONNREFUSED');
  });

  it('CREDIT (section 6.1): u32 bytes > 0, never more than sent, at most a quarter window owed', async () => {
    let accepted!: (s: net.Socket) => void;
    const peers = new Promise<net.Socket>((r) => (accepted = r));
    const port = await tcpServer((s) => {
      s.resume(); // a sink: takes everything, so every byte gets off the relay's hands
      accepted(s);
    });
    await connect(3, 3, port, peers);
    const sent = LIMITS.windowBytes; // one whole window, in frames under maxFrameBytes
    const piece = 50_000;
    for (let n = 0; n < sent; n += piece) page.send(frame(OP.DATA, 3, 0, new Array(piece).fill(0x33)));
    let credited = 0;
    while (sent - credited >= LIMITS.windowBytes / 4) {
      const credit = await page.nextOp(OP.CREDIT, `CREDIT (${credited} of ${sent} B so far)`);
      const bytes = new DataView(credit.buffer, credit.byteOffset + 16).getUint32(0, true);
      bytesEqual(credit, frame(OP.CREDIT, 3, 0, u32(bytes)), 'CREDIT');
      expect(bytes).toBeGreaterThan(0);
      credited += bytes;
      expect(credited, 'CREDIT beyond the bytes sent').toBeLessThanOrEqual(sent);
    }
  });

  it('RESET from the relay carries u16 errno, u16 zero (the peer reset: ECONNRESET)', async () => {
    let accepted!: (s: net.Socket) => void;
    const peers = new Promise<net.Socket>((r) => (accepted = r));
    const port = await tcpServer(accepted);
    const { peer } = await connect(4, 4, port, peers);
    peer.resetAndDestroy();
    bytesEqual(await page.nextOp(OP.RESET, 'RESET'), frame(OP.RESET, 4, 0, [...u16(ERRNO.CONNRESET), ...u16(0)]), 'RESET');
  });

  it('ERROR (section 8): u8 op, u8 zero, u16 errno, then a message — DATA on an id never used is EBADF', async () => {
    page.send(frame(OP.DATA, 0x1234, 0, [1, 2, 3]));
    withMessage(await page.nextOp(OP.ERROR, 'ERROR'), frame(OP.ERROR, 0x1234, 0), [OP.DATA, 0, ...u16(ERRNO.BADF)], 'ERROR EBADF');
  });

  it('REPLY to LISTEN (local) and ACCEPT (new relay id, local, remote)', async () => {
    // at 127.0.0.1:0, backlog 5, flags 0, 3 zero bytes.
    page.send(frame(OP.LISTEN, 5, 55, [...addr4('127.0.0.1', 0), ...u32(5), 0, 0, 0, 0]));
    const reply = await page.nextOp(OP.REPLY, 'REPLY to LISTEN');
    const port = reply[16 + 4 + 2]! | (reply[16 + 4 + 3]! << 8);
    expect(port).toBeGreaterThan(0);
    bytesEqual(reply, frame(OP.REPLY, 5, 55, [...u16(0), ...u16(0), ...addr4('127.0.0.1', port)]), 'REPLY to LISTEN');
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => {});
    cleanups.push(() => client.destroy());
    await new Promise<void>((resolve) => client.once('connect', resolve));
    const accept = await page.nextOp(OP.ACCEPT, 'ACCEPT');
    const newId = new DataView(accept.buffer, accept.byteOffset + 16).getUint32(0, true);
    // Section 2.2: ids the relay chooses are 0x80000000 to 0xffffffff.
    expect(newId).toBeGreaterThanOrEqual(0x8000_0000);
    bytesEqual(accept, frame(OP.ACCEPT, 5, 0, [...u32(newId), ...addr4('127.0.0.1', port), ...addr4('127.0.0.1', client.localPort!)]), 'ACCEPT');
    // DATA on the accepted stream carries the relay's id.
    client.write('hey');
    bytesEqual(await page.nextOp(OP.DATA, 'DATA on the accepted stream'), frame(OP.DATA, newId, 0, [0x68, 0x65, 0x79]), 'DATA on the accepted stream');
  });

  it('REPLY to UDP_BIND (local) and DATAGRAM (source address, then the bytes)', async () => {
    page.send(frame(OP.UDP_BIND, 6, 66, [...addr4('127.0.0.1', 0), 0, 0, 0, 0]));
    const reply = await page.nextOp(OP.REPLY, 'REPLY to UDP_BIND');
    const port = reply[16 + 4 + 2]! | (reply[16 + 4 + 3]! << 8);
    bytesEqual(reply, frame(OP.REPLY, 6, 66, [...u16(0), ...u16(0), ...addr4('127.0.0.1', port)]), 'REPLY to UDP_BIND');
    const udp = dgram.createSocket('udp4');
    cleanups.push(() => udp.close());
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    udp.send(Buffer.from([9, 8, 7]), port, '127.0.0.1');
    bytesEqual(await page.nextOp(OP.DATAGRAM, 'DATAGRAM'), frame(OP.DATAGRAM, 6, 0, [...addr4('127.0.0.1', udp.address().port), 9, 8, 7]), 'DATAGRAM');
  });

  it('REPLY to RESOLVE: socket 0, u32 count, then the addresses with port 0', async () => {
    // An IP address in standard notation is answered without a query (section 5.4).
    const name = [...new TextEncoder().encode('127.0.0.1')];
    page.send(frame(OP.RESOLVE, 0, 88, [4, 0, 0, 0, ...name]));
    bytesEqual(await page.nextOp(OP.REPLY, 'REPLY to RESOLVE'), frame(OP.REPLY, 0, 88, [...u16(0), ...u16(0), ...u32(1), ...addr4('127.0.0.1', 0)]), 'REPLY to RESOLVE');
  });
});

// The NetBackend carried over a MessagePort (host/src/net/port/), which the
// browser's JSPI mode uses between a guest's worker and the page's network:
// here the in-page network served over real MessageChannels in one Node
// process, each "worker" a PortBackend. The page-level end-to-end runs are
// test/browser/jspi-static.test.ts.

import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualNetwork } from '../host/src/net/virtual/network.js';
import { NetError, type NetBackend, type Stream, type StreamHandlers } from '../host/src/net/backend.js';
import type { SockAddr } from '../host/src/net/addr.js';
import { PortBackend, WRITE_WINDOW } from '../host/src/net/port/port-backend.js';
import { serveBackend, type ServedBackend } from '../host/src/net/port/serve.js';
import type { PortLike } from '../host/src/net/port/protocol.js';
import { E } from '../host/src/abi/errno.js';

const LISTEN = { backlog: 16, ipv6Only: false, reusePort: false };
const UDP = { ipv6Only: false, reuseAddr: false };
const v4 = (port: number): SockAddr => ({ family: 4, ip: '127.0.0.1', port });

const opened: { served: ServedBackend; ports: MessageChannel }[] = [];
afterEach(() => {
  for (const { served, ports } of opened.splice(0)) {
    served.close();
    ports.port2.close();
  }
});

/** A "worker's" view of `backend`, through a MessageChannel. */
function overPort(backend: NetBackend): { remote: PortBackend; served: ServedBackend } {
  const ports = new MessageChannel();
  const served = serveBackend(ports.port1 as unknown as PortLike, backend);
  const remote = new PortBackend(ports.port2 as unknown as PortLike);
  opened.push({ served, ports });
  return { remote, served };
}

class Recorder implements StreamHandlers {
  received: Uint8Array[] = [];
  ended = false;
  errno = 0;
  drains = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly stream: Stream) {
    stream.attach(this);
  }

  data(chunk: Uint8Array): void {
    this.received.push(chunk.slice());
    this.poke();
  }

  end(): void {
    this.ended = true;
    this.poke();
  }

  error(errno: number): void {
    this.errno = errno;
    this.poke();
  }

  drain(): void {
    this.drains++;
    this.poke();
  }

  get bytes(): number {
    return this.received.reduce((n, c) => n + c.length, 0);
  }

  text(): string {
    return Buffer.concat(this.received).toString();
  }

  async until(condition: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private poke(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

async function connectedPair(network: VirtualNetwork, port = 0) {
  const server = overPort(network.backend()).remote;
  const client = overPort(network.backend()).remote;
  let accepted!: (s: Stream) => void;
  const acceptedStream = new Promise<Stream>((resolve) => (accepted = resolve));
  const listener = await server.listen(v4(port), LISTEN, accepted);
  const clientStream = await client.connect(v4(listener.local.port), null);
  const serverStream = await acceptedStream;
  return { listener, client: new Recorder(clientStream), server: new Recorder(serverStream) };
}

describe('a NetBackend over a MessagePort', () => {
  it('carries a refusal as the same NetError', async () => {
    const { remote } = overPort(new VirtualNetwork().backend());
    const err = await remote.connect(v4(1), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).errno).toBe(E.CONNREFUSED);
  });

  it('connects two workers, carries bytes both ways, FIN, and finishes', async () => {
    const { listener, client, server } = await connectedPair(new VirtualNetwork());
    expect(client.stream.remote.port).toBe(listener.local.port);
    expect(server.stream.remote.port).toBe(client.stream.local.port);
    client.stream.write(new TextEncoder().encode('hello '));
    client.stream.write(new TextEncoder().encode('server'));
    await server.until(() => server.text() === 'hello server');
    server.stream.write(new TextEncoder().encode('hi'));
    server.stream.end();
    await client.until(() => client.ended);
    expect(client.text()).toBe('hi');
    await server.stream.finished();
    client.stream.end();
    await server.until(() => server.ended);
    await client.stream.finished();
  });

  it('keeps a fast writer to its window while the reader is paused, then delivers every byte in order', async () => {
    const { client, server } = await connectedPair(new VirtualNetwork());
    server.stream.pause();
    const chunk = 16 * 1024;
    const total = 4 * WRITE_WINDOW;
    let written = 0;
    let refusedAt = -1;
    while (written < total) {
      const bytes = new Uint8Array(chunk).map((_, i) => (written + i) & 0xff);
      written += chunk;
      if (!client.stream.write(bytes)) {
        refusedAt = written;
        break;
      }
    }
    // The window: the writer is told to wait long before it wrote everything.
    expect(refusedAt).toBeGreaterThanOrEqual(WRITE_WINDOW);
    expect(refusedAt).toBeLessThan(total);
    server.stream.resume();
    await client.until(() => client.drains === 1);
    while (written < total) {
      const bytes = new Uint8Array(chunk).map((_, i) => (written + i) & 0xff);
      written += chunk;
      const drains = client.drains;
      if (!client.stream.write(bytes)) await client.until(() => client.drains > drains);
    }
    await server.until(() => server.bytes === total);
    const all = Buffer.concat(server.received);
    expect(all.every((b, i) => b === (i & 0xff))).toBe(true);
  });

  it('resets the peer when a stream is destroyed', async () => {
    const { client, server } = await connectedPair(new VirtualNetwork());
    client.stream.destroy();
    await server.until(() => server.errno !== 0);
    expect(server.errno).toBe(E.CONNRESET);
  });

  it('carries datagrams between two workers, with the sender\'s address', async () => {
    const network = new VirtualNetwork();
    const a = overPort(network.backend()).remote;
    const b = overPort(network.backend()).remote;
    const got: { text: string; from: SockAddr }[] = [];
    const receiver = await b.bindDatagram(v4(0), UDP, (data, from) => got.push({ text: Buffer.from(data).toString(), from }));
    const sender = await a.bindDatagram(v4(0), UDP, () => {});
    sender.send(new TextEncoder().encode('ping'), receiver.local);
    const deadline = Date.now() + 5000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([{ text: 'ping', from: { family: 4, ip: '127.0.0.1', port: sender.local.port } }]);
    sender.close();
    receiver.close();
  });

  it('closes what a worker left open when it is gone: FIN to the peers, the port free again', async () => {
    const network = new VirtualNetwork();
    const server = overPort(network.backend());
    let accepted!: (s: Stream) => void;
    const acceptedStream = new Promise<Stream>((resolve) => (accepted = resolve));
    const listener = await server.remote.listen(v4(0), LISTEN, accepted);
    const client = overPort(network.backend()).remote;
    const peer = new Recorder(await client.connect(v4(listener.local.port), null));
    await acceptedStream;
    server.served.close();
    await peer.until(() => peer.ended);
    const err = await client.connect(v4(listener.local.port), null).catch((e: unknown) => e);
    expect((err as NetError).errno).toBe(E.CONNREFUSED);
  });

  it('tells the worker when the network is gone for good', async () => {
    let gone!: () => void;
    const backend = new VirtualNetwork().backend();
    Object.defineProperty(backend, 'gone', { value: new Promise<void>((resolve) => (gone = resolve)) });
    const { remote } = overPort(backend);
    let told = false;
    void remote.gone.then(() => (told = true));
    gone();
    const deadline = Date.now() + 5000;
    while (!told && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(told).toBe(true);
  });
});

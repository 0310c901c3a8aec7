// The worker's half of a NetBackend over a MessagePort (protocol.ts): what
// the guest's socket state machine (io/socket-host.ts) sees in the
// browser's JSPI mode, the network itself being the page's (serve.ts).
//
// write() cannot ask the page whether its transport pushes back, so it
// keeps a window instead: bytes posted and not yet acknowledged. Past
// WRITE_WINDOW it returns false, and `drain` follows when acknowledgements
// bring it back under, so a fast writer's memory stays bounded as with any
// other transport.

import type { SockAddr } from '../addr.js';
import { NetError, type DatagramSocket, type ListenOptions, type Listener, type NetBackend, type Stream, type StreamHandlers } from '../backend.js';
import { owned, type PortEvent, type PortLike, type PortRequest, type ReplyValue } from './protocol.js';

/** Bytes a stream may have on their way to the page before write() returns false. */
export const WRITE_WINDOW = 256 * 1024;

type Send = (request: PortRequest, transfer?: Transferable[]) => void;

class PortStream implements Stream {
  private handlers: StreamHandlers | null = null;
  /** Events that came before attach(). */
  private early: PortEvent[] = [];
  private inFlight = 0;
  private drainOwed = false;
  private readonly done: Promise<void>;
  markDone!: () => void;

  constructor(readonly id: number, readonly local: SockAddr, readonly remote: SockAddr, private readonly send: Send, private readonly forget: (id: number) => void) {
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  attach(handlers: StreamHandlers): void {
    this.handlers = handlers;
    const early = this.early;
    this.early = [];
    for (const event of early) this.deliver(event);
  }

  deliver(event: PortEvent): void {
    const h = this.handlers;
    if (h === null) {
      this.early.push(event);
      return;
    }
    switch (event.ev) {
      case 'data': h.data(event.data); break;
      case 'end': h.end(); break;
      case 'error':
        this.markDone();
        this.forget(this.id);
        h.error(event.errno);
        break;
      case 'finished': this.markDone(); break;
      case 'ack':
        this.inFlight -= event.bytes;
        if (this.drainOwed && this.inFlight < WRITE_WINDOW) {
          this.drainOwed = false;
          h.drain();
        }
        break;
    }
  }

  write(data: Uint8Array): boolean {
    if (data.length === 0) return this.inFlight < WRITE_WINDOW;
    // The state machine hands over a chunk it allocated for this write: ours to transfer.
    const { data: bytes, transfer } = owned(data);
    this.inFlight += bytes.length;
    this.send({ op: 'write', id: this.id, data: bytes }, transfer);
    if (this.inFlight < WRITE_WINDOW) return true;
    this.drainOwed = true;
    return false;
  }

  end(): void {
    this.send({ op: 'end', id: this.id });
  }

  close(): void {
    this.send({ op: 'close', id: this.id });
  }

  finished(): Promise<void> {
    return this.done;
  }

  destroy(): void {
    this.send({ op: 'destroy', id: this.id });
    this.handlers = null;
    this.markDone();
    this.forget(this.id);
  }

  pause(): void {
    this.send({ op: 'pause', id: this.id });
  }

  resume(): void {
    this.send({ op: 'resume', id: this.id });
  }

  setNoDelay(on: boolean): void {
    this.send({ op: 'noDelay', id: this.id, on });
  }

  setKeepAlive(on: boolean, idleSeconds?: number): void {
    this.send({ op: 'keepAlive', id: this.id, on, idleSeconds });
  }
}

class PortListener implements Listener {
  constructor(readonly id: number, readonly local: SockAddr, readonly onConnection: (stream: Stream) => void, private readonly send: Send, private readonly forget: (id: number) => void) {}

  close(): void {
    this.send({ op: 'closeListener', id: this.id });
    this.forget(this.id);
  }
}

class PortDatagramSocket implements DatagramSocket {
  constructor(readonly id: number, readonly local: SockAddr, readonly onMessage: (data: Uint8Array, from: SockAddr) => void, private readonly send_: Send, private readonly forget: (id: number) => void) {}

  send(data: Uint8Array, to: SockAddr): void {
    // A view of the guest's ring: copied by the structured clone.
    this.send_({ op: 'send', id: this.id, data, to });
  }

  setBroadcast(on: boolean): void {
    this.send_({ op: 'broadcast', id: this.id, on });
  }

  setTTL(ttl: number): void {
    this.send_({ op: 'ttl', id: this.id, ttl });
  }

  close(): void {
    this.send_({ op: 'closeDatagram', id: this.id });
    this.forget(this.id);
  }
}

type Pending = { resolve(value: ReplyValue): void; reject(err: Error): void };

export class PortBackend implements NetBackend {
  readonly gone: Promise<void>;
  private markGone!: () => void;
  private nextReq = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, PortStream>();
  private readonly listeners = new Map<number, PortListener>();
  private readonly datagrams = new Map<number, PortDatagramSocket>();
  private readonly send: Send;

  constructor(private readonly port: PortLike) {
    this.gone = new Promise((resolve) => (this.markGone = resolve));
    this.send = (request, transfer) => port.postMessage(request, transfer);
    port.onmessage = (event) => this.receive(event.data as PortEvent);
  }

  async connect(to: SockAddr, from: SockAddr | null): Promise<Stream> {
    const value = (await this.request((req) => ({ op: 'connect', req, to, from }))) as { id: number; local: SockAddr; remote: SockAddr };
    return this.addStream(value.id, value.local, value.remote);
  }

  async listen(at: SockAddr, options: ListenOptions, onConnection: (stream: Stream) => void): Promise<Listener> {
    const value = (await this.request((req) => ({ op: 'listen', req, at, options }))) as { id: number; local: SockAddr };
    const listener = new PortListener(value.id, value.local, onConnection, this.send, (id) => this.listeners.delete(id));
    this.listeners.set(value.id, listener);
    return listener;
  }

  async bindDatagram(at: SockAddr, options: { ipv6Only: boolean; reuseAddr: boolean }, onMessage: (data: Uint8Array, from: SockAddr) => void): Promise<DatagramSocket> {
    const value = (await this.request((req) => ({ op: 'bindDatagram', req, at, options }))) as { id: number; local: SockAddr };
    const socket = new PortDatagramSocket(value.id, value.local, onMessage, this.send, (id) => this.datagrams.delete(id));
    this.datagrams.set(value.id, socket);
    return socket;
  }

  async resolve(host: string, family: 0 | 4 | 6): Promise<SockAddr[]> {
    return (await this.request((req) => ({ op: 'resolve', req, host, family }))) as SockAddr[];
  }

  private request(make: (req: number) => PortRequest): Promise<ReplyValue> {
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.send(make(req));
    });
  }

  private addStream(id: number, local: SockAddr, remote: SockAddr): PortStream {
    const stream = new PortStream(id, local, remote, this.send, (gone) => this.streams.delete(gone));
    this.streams.set(id, stream);
    return stream;
  }

  private receive(event: PortEvent): void {
    switch (event.ev) {
      case 'reply':
      case 'fail': {
        const pending = this.pending.get(event.req);
        if (!pending) return;
        this.pending.delete(event.req);
        if (event.ev === 'reply') pending.resolve(event.value);
        else pending.reject(event.errno === undefined ? new Error(event.message) : new NetError(event.errno, event.message));
        return;
      }
      case 'connection': {
        const listener = this.listeners.get(event.listener);
        const stream = this.addStream(event.id, event.local, event.remote);
        if (listener) listener.onConnection(stream);
        else stream.destroy();
        return;
      }
      case 'message':
        this.datagrams.get(event.id)?.onMessage(event.data, event.from);
        return;
      case 'gone':
        this.markGone();
        return;
      default:
        this.streams.get(event.id)?.deliver(event);
    }
  }
}

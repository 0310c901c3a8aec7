// The relay backend: every socket of a page travels over one WebSocket to
// the wasock relay, which performs the real operations on its host
// (docs/relay-protocol.md). It depends only on a minimal WebSocket shape, so
// the browser's WebSocket and the `ws` package both fit, and uses no Node API.
// When the WebSocket drops, every socket fails with ECONNRESET and pending
// calls reject: nothing waits forever on a relay that is gone.

import type { DatagramSocket, ListenOptions, Listener, NetBackend, Stream } from './backend.js';
import { NetError } from './backend.js';
import type { SockAddr } from './addr.js';
import { E, errnoName } from '../abi/errno.js';
import { closeReason, decodeFrame, encodeFrame, encodeFrameInto, ProtocolError } from '../relay/frame.js';
import { clientFrames, decodeAddrs, decodeRelayFrame, decodeResolved, type RelayMessage } from '../relay/messages.js';
import { ADDR_BYTES, CLIENT_ID_MAX, CLOSE, HEADER_BYTES, MAX_HOST_NAME, OP, RELAY_PATH, RELAY_SUBPROTOCOL, SOCKOPT, type RelayHello } from '../relay/protocol.js';
import { RelayStream, type StreamLink } from './relay-stream.js';

export { RELAY_SUBPROTOCOL };
export type { RelayHello };

/**
 * The part of a WebSocket the backend uses; the browser's WebSocket and the
 * `ws` package's both have it. The backend takes over the on* handlers. They
 * are typed loosely (`never` parameters) because the two implementations
 * declare different event classes; the backend reads only `data`, `code`
 * and `reason`, which both provide.
 */
export interface RelayWebSocket {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  onopen: ((this: never, event: never) => unknown) | null;
  onmessage: ((this: never, event: never) => unknown) | null;
  onclose: ((this: never, event: never) => unknown) | null;
  onerror: ((this: never, event: never) => unknown) | null;
}

/** Why the relay connection ended, for the page to show. */
export interface RelayGone {
  /** The WebSocket close code (1006 when the connection was lost or never made). */
  code: number;
  reason: string;
  /** Whether the relay ever accepted the connection (false: unreachable or refused). */
  opened: boolean;
  /** One sentence for a person. */
  description: string;
}

export interface RelayBackendOptions {
  /** Called once when the relay is gone, whatever the cause. */
  onGone?: (gone: RelayGone) => void;
  /**
   * The WebSocket has copied a message's bytes by the time send() returns,
   * as browsers' WebSocket does (the `ws` package may keep a reference), so
   * every DATA frame can be built in one reused buffer instead of a fresh
   * allocation: at a frame per 128 KiB that is most of what sending costs
   * the page's thread besides the copies themselves.
   */
  sendCopies?: boolean;
}

const OPEN = 1;
const CLOSED = 3;
/** Datagrams are dropped (as a full socket buffer would) while this much is unsent. */
const DATAGRAM_BUFFER_LIMIT = 4 * 1024 * 1024;

interface PendingRequest {
  /** Runs synchronously on the reply, before any later frame is handled. */
  ok(body: Uint8Array): void;
  fail(error: NetError): void;
}

class RelayListener implements Listener {
  constructor(readonly id: number, readonly local: SockAddr, private readonly backend: RelayBackend, readonly onConnection: (stream: Stream) => void) {}

  close(): void {
    this.backend.closeSocket(this.id);
  }
}

class RelayDatagram implements DatagramSocket {
  constructor(readonly id: number, readonly local: SockAddr, private readonly backend: RelayBackend, readonly onMessage: (data: Uint8Array, from: SockAddr) => void) {}

  send(data: Uint8Array, to: SockAddr): void {
    this.backend.sendDatagram(this.id, data, to);
  }

  setBroadcast(on: boolean): void {
    this.backend.setopt(this.id, SOCKOPT.BROADCAST, on ? 1 : 0);
  }

  setTTL(ttl: number): void {
    this.backend.setopt(this.id, SOCKOPT.TTL, ttl);
  }

  close(): void {
    this.backend.closeSocket(this.id);
  }
}

type ClientSocket = 'opening' | RelayStream | RelayListener | RelayDatagram;

function describe(code: number, reason: string, opened: boolean): string {
  if (!opened) return 'could not reach the relay, or it refused this page (is it running? is the token right?)';
  switch (code) {
    case 1000: return 'the connection to the relay was closed';
    case CLOSE.GOING_AWAY: return 'the relay shut down';
    case CLOSE.IDLE: return 'the relay closed the connection after a long silence';
    case CLOSE.TOO_BIG:
    case CLOSE.UNSUPPORTED_DATA:
    case CLOSE.BAD_FRAME:
    case CLOSE.UNKNOWN_OP:
    case CLOSE.LIMIT: return `the relay closed the connection: ${reason || 'protocol violation'}`;
    default: return 'the connection to the relay was lost';
  }
}

/** The relay's WebSocket URL for a page served by the relay: ws(s)://HOST/relay?token=… */
export function relayUrl(pageUrl: string, token?: string): string {
  const page = new URL(pageUrl);
  const url = new URL(RELAY_PATH, page);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  const t = token ?? page.searchParams.get('token');
  if (t) url.searchParams.set('token', t);
  return url.href;
}

export class RelayBackend implements NetBackend {
  /** Settles with the relay's HELLO; rejects (NetError ECONNRESET) if the relay is gone first. */
  readonly ready: Promise<RelayHello>;
  /** Settles once the relay is gone. */
  readonly gone: Promise<RelayGone>;

  private hello: RelayHello | null = null;
  private goneInfo: RelayGone | null = null;
  private opened = false;
  private readonly sockets = new Map<number, ClientSocket>();
  private readonly requests = new Map<number, PendingRequest>();
  private nextSocket = 1;
  private nextRequest = 1;
  private lastSent = 0;
  /** Where DATA frames are built when options.sendCopies allows reuse. */
  private frameBuffer: Uint8Array<ArrayBuffer> | null = null;
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private settleReady!: { resolve(h: RelayHello): void; reject(e: unknown): void };
  private settleGone!: (g: RelayGone) => void;
  private readonly link: StreamLink = {
    send: (frame) => this.send(frame),
    sendData: (id, parts, length) => this.sendData(id, parts, length),
    forget: (id) => this.forget(id),
  };

  /** Takes over `ws` (its on* handlers); `ws` may still be connecting. */
  constructor(private readonly ws: RelayWebSocket, private readonly options: RelayBackendOptions = {}) {
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    // Callers that only use `gone` or the socket calls must not see an unhandled rejection.
    this.ready.catch(() => {});
    this.gone = new Promise((resolve) => (this.settleGone = resolve));
    ws.binaryType = 'arraybuffer';
    const on = ws as unknown as {
      onopen: (() => void) | null;
      onmessage: ((event: { data: unknown }) => void) | null;
      onclose: ((event: { code: number; reason: string }) => void) | null;
      onerror: (() => void) | null;
    };
    on.onopen = () => (this.opened = true);
    on.onmessage = (event) => this.onMessage(event.data);
    on.onclose = (event) => this.lost(event.code, event.reason);
    // `close` always follows `error`; the error itself says nothing more.
    on.onerror = () => {};
    if (ws.readyState === OPEN) this.opened = true;
    if (ws.readyState === CLOSED) queueMicrotask(() => this.lost(1006, ''));
  }

  /**
   * Opens a WebSocket with `create` (e.g. `(u, p) => new WebSocket(u, p)`)
   * and resolves once the relay has said HELLO.
   */
  static async open(url: string, create: (url: string, protocol: string) => RelayWebSocket, options?: RelayBackendOptions): Promise<RelayBackend> {
    const backend = new RelayBackend(create(url, RELAY_SUBPROTOCOL), options);
    await backend.ready;
    return backend;
  }

  /** The relay's parameters, once connected. */
  get parameters(): RelayHello | null {
    return this.hello;
  }

  /** Why the relay is gone, or null while it is there. */
  get goneReason(): RelayGone | null {
    return this.goneInfo;
  }

  /** Closes the WebSocket; every socket fails as if the relay had gone. */
  close(): void {
    if (this.goneInfo) return;
    this.ws.close(1000, 'closed by the page');
    this.lost(1000, 'closed by the page');
  }

  // --- NetBackend ------------------------------------------------------------

  async connect(to: SockAddr, from: SockAddr | null): Promise<Stream> {
    const hello = await this.readyOrGone();
    const id = this.claimSocket();
    return this.request(id, (request) => clientFrames.connect(id, request, to, from), (body) => {
      const [local, remote] = decodeAddrs(body, 2);
      const stream = new RelayStream(id, local!, remote!, this.link, hello.windowBytes, this.chunk(hello));
      this.sockets.set(id, stream);
      return stream;
    });
  }

  async listen(at: SockAddr, options: ListenOptions, onConnection: (stream: Stream) => void): Promise<Listener> {
    await this.readyOrGone();
    const id = this.claimSocket();
    return this.request(id, (request) => clientFrames.listen(id, request, at, options.backlog, options.ipv6Only, options.reusePort), (body) => {
      const listener = new RelayListener(id, decodeAddrs(body, 1)[0]!, this, onConnection);
      this.sockets.set(id, listener);
      return listener;
    });
  }

  async bindDatagram(at: SockAddr, options: { ipv6Only: boolean; reuseAddr: boolean }, onMessage: (data: Uint8Array, from: SockAddr) => void): Promise<DatagramSocket> {
    await this.readyOrGone();
    const id = this.claimSocket();
    return this.request(id, (request) => clientFrames.udpBind(id, request, at, options.ipv6Only, options.reuseAddr), (body) => {
      const udp = new RelayDatagram(id, decodeAddrs(body, 1)[0]!, this, onMessage);
      this.sockets.set(id, udp);
      return udp;
    });
  }

  async resolve(host: string, family: 0 | 4 | 6): Promise<SockAddr[]> {
    await this.readyOrGone();
    const length = new TextEncoder().encode(host).length;
    if (length === 0 || length > MAX_HOST_NAME) throw new NetError(E.INVAL, `host name must be 1 to ${MAX_HOST_NAME} bytes`);
    return this.request(0, (request) => clientFrames.resolve(request, family, host), decodeResolved);
  }

  // --- used by sockets -----------------------------------------------------

  /** @internal */
  closeSocket(id: number): void {
    const sock = this.sockets.get(id);
    if (sock === undefined || sock === 'opening') return;
    this.send(clientFrames.close(id));
    this.sockets.delete(id);
  }

  /** @internal */
  sendDatagram(id: number, data: Uint8Array, to: SockAddr): void {
    const hello = this.hello;
    if (!hello || !(this.sockets.get(id) instanceof RelayDatagram)) return;
    // UDP may drop: too big for a frame, or the WebSocket is backed up.
    if (HEADER_BYTES + ADDR_BYTES + data.length > hello.maxFrameBytes) return;
    if (this.ws.bufferedAmount > DATAGRAM_BUFFER_LIMIT) return;
    this.send(clientFrames.datagram(id, to, data));
  }

  /** @internal */
  setopt(id: number, option: number, value: number): void {
    if (this.sockets.has(id)) this.send(clientFrames.setopt(id, option, value));
  }

  // --- internals -------------------------------------------------------------

  /**
   * The largest DATA payload: whatever the relay's frame limit allows. Big
   * frames matter on this side: the page's thread is also every guest's I/O
   * thread, and each WebSocket message costs it a fixed amount besides the
   * copy.
   */
  private chunk(hello: RelayHello): number {
    return hello.maxFrameBytes - HEADER_BYTES;
  }

  private async readyOrGone(): Promise<RelayHello> {
    if (this.hello) return this.hello;
    try {
      return await this.ready;
    } catch {
      throw this.goneError();
    }
  }

  private goneError(): NetError {
    return new NetError(E.CONNRESET, this.goneInfo?.description ?? 'the relay is gone');
  }

  private claimSocket(): number {
    if (this.goneInfo) throw this.goneError();
    if (this.sockets.size >= CLIENT_ID_MAX) throw new NetError(E.MFILE);
    for (;;) {
      const id = this.nextSocket;
      this.nextSocket = id === CLIENT_ID_MAX ? 1 : id + 1;
      if (!this.sockets.has(id)) {
        this.sockets.set(id, 'opening');
        return id;
      }
    }
  }

  private request<T>(socket: number, frame: (request: number) => Uint8Array<ArrayBuffer>, ok: (body: Uint8Array) => T): Promise<T> {
    if (this.goneInfo) {
      if (socket !== 0) this.sockets.delete(socket);
      return Promise.reject(this.goneError());
    }
    const request = this.nextRequest;
    this.nextRequest = request === 0xffff_ffff ? 1 : request + 1;
    return new Promise<T>((resolve, reject) => {
      const fail = (error: NetError) => {
        if (socket !== 0) this.sockets.delete(socket);
        reject(error);
      };
      this.requests.set(request, {
        ok: (body) => {
          try {
            resolve(ok(body));
          } catch (err) {
            // A malformed reply: this call fails, and the caller closes the connection.
            fail(new NetError(E.PROTO, 'malformed reply from the relay'));
            throw err;
          }
        },
        fail,
      });
      this.send(frame(request));
    });
  }

  private send(frame: Uint8Array<ArrayBuffer>): void {
    if (this.goneInfo || this.ws.readyState !== OPEN) return;
    this.lastSent = Date.now();
    this.ws.send(frame);
  }

  private sendData(id: number, parts: readonly Uint8Array[], length: number): void {
    if (!this.options.sendCopies) {
      this.send(encodeFrame(OP.DATA, id, 0, ...parts));
      return;
    }
    const size = HEADER_BYTES + length;
    if (this.frameBuffer === null || this.frameBuffer.length < size) this.frameBuffer = new Uint8Array(Math.max(size, this.hello?.maxFrameBytes ?? 0));
    this.send(encodeFrameInto(this.frameBuffer, OP.DATA, id, 0, parts));
  }

  private forget(id: number): void {
    this.sockets.delete(id);
  }

  private onMessage(data: unknown): void {
    if (this.goneInfo) return;
    try {
      if (!(data instanceof ArrayBuffer)) throw new ProtocolError(CLOSE.UNSUPPORTED_DATA, 'the relay sent a text message');
      const message = decodeRelayFrame(decodeFrame(new Uint8Array(data), this.hello?.maxFrameBytes ?? 0xffff_ffff));
      if (!this.hello && message.kind !== 'hello') throw new ProtocolError(CLOSE.BAD_FRAME, 'the relay did not start with HELLO');
      this.handle(message);
    } catch (err) {
      // Browsers let a page close only with 1000 or 3000-4999: the standard
      // codes (1003, 1009) become 4000, a bad frame.
      const code = err instanceof ProtocolError && err.code >= 4000 ? err.code : CLOSE.BAD_FRAME;
      const reason = err instanceof Error ? err.message : String(err);
      try {
        this.ws.close(code, closeReason(reason));
      } catch {
        // Already closing.
      }
      this.lost(code, reason);
    }
  }

  private handle(m: RelayMessage): void {
    switch (m.kind) {
      case 'hello': {
        if (this.hello) throw new ProtocolError(CLOSE.BAD_FRAME, 'a second HELLO');
        this.hello = m.hello;
        this.opened = true;
        this.startKeepalive(m.hello.idleMs);
        this.settleReady.resolve(m.hello);
        return;
      }
      case 'reply': {
        const pending = this.requests.get(m.request);
        if (!pending) throw new ProtocolError(CLOSE.BAD_FRAME, `REPLY to unknown request ${m.request}`);
        this.requests.delete(m.request);
        if (m.errno === 0) pending.ok(m.body);
        else pending.fail(new NetError(m.errno, m.message || errnoName(m.errno)));
        return;
      }
      case 'accept': {
        const listener = this.sockets.get(m.socket);
        const hello = this.hello!;
        if (!(listener instanceof RelayListener) || this.sockets.has(m.id)) {
          // Closed meanwhile: refuse the connection.
          this.send(clientFrames.reset(m.id));
          return;
        }
        const stream = new RelayStream(m.id, m.local, m.remote, this.link, hello.windowBytes, this.chunk(hello));
        this.sockets.set(m.id, stream);
        listener.onConnection(stream);
        return;
      }
      case 'data': {
        const s = this.sockets.get(m.socket);
        if (s instanceof RelayStream) s.received(m.data);
        return;
      }
      case 'end': {
        const s = this.sockets.get(m.socket);
        if (s instanceof RelayStream) s.peerEnded();
        return;
      }
      case 'credit': {
        const s = this.sockets.get(m.socket);
        if (s instanceof RelayStream) s.granted(m.bytes);
        return;
      }
      case 'reset': {
        const s = this.sockets.get(m.socket);
        if (s instanceof RelayStream) s.fail(m.errno);
        return;
      }
      case 'close': {
        const s = this.sockets.get(m.socket);
        if (s instanceof RelayStream) s.closed();
        else if (s !== undefined && s !== 'opening') this.sockets.delete(m.socket);
        return;
      }
      case 'datagram': {
        const s = this.sockets.get(m.socket);
        if (s instanceof RelayDatagram) s.onMessage(m.data, m.addr);
        return;
      }
      case 'error': {
        // Only a failed DATA or END leaves a stream broken; a refused option
        // or datagram is like its native counterpart, which reports nothing.
        const s = this.sockets.get(m.socket);
        if (s instanceof RelayStream && (m.op === OP.DATA || m.op === OP.END)) s.fail(m.errno);
        return;
      }
    }
  }

  private startKeepalive(idleMs: number): void {
    const every = Math.max(25, Math.floor(idleMs / 4));
    this.keepalive = setInterval(() => {
      if (Date.now() - this.lastSent >= every) this.send(clientFrames.keepalive());
    }, every);
    // In Node, an idle relay connection alone must not keep the process alive.
    (this.keepalive as { unref?: () => void }).unref?.();
  }

  private lost(code: number, reason: string): void {
    if (this.goneInfo) return;
    const gone: RelayGone = { code, reason, opened: this.opened, description: describe(code, reason, this.opened) };
    this.goneInfo = gone;
    if (this.keepalive !== null) clearInterval(this.keepalive);
    const error = this.goneError();
    const requests = [...this.requests.values()];
    this.requests.clear();
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    for (const s of sockets) if (s instanceof RelayStream) s.fail(E.CONNRESET);
    for (const r of requests) r.fail(error);
    this.settleReady.reject(error);
    this.settleGone(gone);
    this.options.onGone?.(gone);
  }
}

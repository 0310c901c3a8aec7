// The node backend: real sockets through node:net, node:dgram and node:dns.

import net from 'node:net';
import { writeSync } from 'node:fs';
import dgram from 'node:dgram';
import dns from 'node:dns';
import type { DatagramSocket, ListenOptions, Listener, NetBackend, Stream, StreamHandlers } from './backend.js';
import { NetError } from './backend.js';
import type { SockAddr } from './addr.js';
import { E, errnoFromNodeError } from '../abi/errno.js';

function sockAddr(ip: string | undefined, port: number | undefined): SockAddr {
  const text = ip ?? '0.0.0.0';
  return { family: net.isIPv6(text) ? 6 : 4, ip: text, port: port ?? 0 };
}

const EMPTY = new Uint8Array(0);
/**
 * When to look for a reset behind the peer's FIN (see watchForReset): the
 * first looks soon after the FIN or a write (loopback answers within
 * microseconds, a remote peer within a round trip), then every STEADY_MS
 * for a second — a peer typically closes or resets shortly after its FIN —
 * then, while lingering, once a second. A look is one getpeername().
 */
const FIRST_LOOKS_MS = [1, 2, 4];
const STEADY_MS = 10;
const STEADY_FOR_MS = 1000;
const LINGER_MS = 1000;

class NodeStream implements Stream {
  readonly local: SockAddr;
  readonly remote: SockAddr;
  private readonly done: Promise<void>;
  private handlers: StreamHandlers | null = null;
  /** The peer's FIN arrived: libuv reads no more, so nothing reports a later reset by itself. */
  private eofSeen = false;
  /** An error was reported: a kernel reports a connection's error once. */
  private failed = false;
  private probe: ReturnType<typeof setTimeout> | null = null;
  /** How many of FIRST_LOOKS_MS the current probe schedule has used. */
  private probeStep = 0;
  /** Until when to look every STEADY_MS. */
  private steadyUntil = 0;
  /** Keep looking once a second after the quick looks, for as long as the socket is open. */
  private lingering = false;

  constructor(private readonly socket: net.Socket) {
    this.local = sockAddr(socket.localAddress, socket.localPort);
    this.remote = sockAddr(socket.remoteAddress, socket.remotePort);
    this.done = new Promise((resolve) => {
      socket.once('finish', () => resolve());
      socket.once('close', () => resolve());
    });
  }

  finished(): Promise<void> {
    return this.done;
  }

  attach(h: StreamHandlers): void {
    const socket = this.socket;
    this.handlers = h;
    socket.on('data', (chunk: Buffer) => h.data(chunk));
    socket.on('end', () => {
      this.eofSeen = true;
      const reset = this.resetBehindEof();
      if (reset !== 0) this.fail(reset);
      else {
        h.end();
        // A peer may still reset a half-closed connection (it closes with
        // data of ours unread, or was only half-closed itself).
        this.watchForReset(true);
      }
    });
    socket.on('error', (err) => this.fail(errnoFromNodeError(err)));
    socket.on('close', () => this.stopProbing());
    socket.on('drain', () => h.drain());
  }

  private fail(errno: number): void {
    this.stopProbing();
    if (this.failed) return;
    this.failed = true;
    this.handlers?.error(errno);
  }

  /**
   * After the peer's FIN a reset can still come: bytes written then reach a
   * peer that may have closed, whose kernel answers with a reset, or the
   * peer closes with data unread. Linux reports it at once (poll shows the
   * hang-up, getpeername and shutdown fail, the next send gets EPIPE);
   * libuv, no longer reading, would learn of it only at our next write. So
   * look a few times shortly after the FIN or such a write, then every
   * STEADY_MS for a second and, with `linger`, once a second after that for
   * as long as the socket stays open.
   */
  watchForReset(linger = false): void {
    if (!this.eofSeen || this.failed || this.socket.destroyed) return;
    // Once asked to linger, keep lingering: a later write does not end it.
    this.lingering ||= linger;
    const now = Date.now();
    // While the first looks run, a write is covered by them: restarting the
    // schedule on every write would only churn timers.
    if (this.probe !== null && this.probeStep < FIRST_LOOKS_MS.length) return;
    this.stopProbing();
    this.probeStep = 0;
    this.steadyUntil = now + STEADY_FOR_MS;
    const next = () => {
      const delay = FIRST_LOOKS_MS[this.probeStep++] ?? (Date.now() < this.steadyUntil ? STEADY_MS : this.lingering ? LINGER_MS : undefined);
      if (delay === undefined) {
        this.probe = null;
        return;
      }
      this.probe = setTimeout(() => {
        this.probe = null;
        if (!this.checkReset()) next();
      }, delay);
      this.probe.unref();
    };
    next();
  }

  /** Reports a reset that arrived behind the peer's FIN; true when there was one. */
  checkReset(): boolean {
    if (!this.eofSeen || this.failed || this.socket.destroyed) return false;
    const reset = this.resetBehindEof();
    if (reset === 0) return false;
    this.fail(reset);
    return true;
  }

  private stopProbing(): void {
    if (this.probe !== null) clearTimeout(this.probe);
    this.probe = null;
  }

  /**
   * libuv ends a stream with EOF, not ECONNRESET, when a reset arrives while
   * it is reading (a hang-up after a short read skips the read() that would
   * fail), so a peer's reset mid-transfer would look like a clean close. A
   * reset connection is closed in the kernel and has no peer any more; one
   * the peer only half-closed still has: ask. (After our own FIN a closed
   * connection is the normal end, so only a socket still writable is asked.)
   * Returns 0, or the reset's errno as the kernel holds it: EPIPE when the
   * peer's FIN came before its reset, ECONNRESET otherwise. A send(2) of
   * zero bytes reports (and clears) that pending error and sends nothing.
   */
  private resetBehindEof(): number {
    if (this.socket.writableEnded || this.socket.destroyed) return 0;
    const handle = (this.socket as unknown as { _handle?: { getpeername?: (out: object) => number; fd?: number } })._handle;
    if (typeof handle?.getpeername !== 'function' || handle.getpeername({}) === 0) return 0;
    if (typeof handle.fd !== 'number' || handle.fd < 0) return E.CONNRESET;
    try {
      writeSync(handle.fd, EMPTY);
    } catch (err) {
      const errno = errnoFromNodeError(err);
      if (errno === E.PIPE || errno === E.CONNRESET) return errno;
    }
    return E.CONNRESET;
  }

  write(data: Uint8Array): boolean {
    const more = this.socket.write(data, this.afterWrite);
    this.watchForReset();
    return more;
  }

  /** A write completed: tell the owner once nothing is left to hand to the OS. */
  private readonly afterWrite = (err?: Error | null) => {
    if (!err && this.socket.writableLength === 0) this.handlers?.flushed?.();
  };

  lendFd(revoke: () => void): number | null {
    const socket = this.socket as net.Socket & { _handle?: { fd?: number } };
    const fd = socket._handle?.fd;
    if (process.platform === 'win32' || typeof fd !== 'number' || fd < 0 || socket.destroyed) return null;
    // Every way a net.Socket's descriptor gets closed (destroy(),
    // resetAndDestroy(), an error or reset from libuv, the end of a
    // half-closed stream) goes through _destroy, the stream implementer's
    // hook: take the descriptor back from the guest before it runs.
    const original = socket._destroy;
    socket._destroy = function (this: net.Socket, err: Error | null, cb: (err?: Error | null) => void) {
      revoke();
      original.call(this, err, cb);
    };
    return fd;
  }

  end(): void {
    this.socket.end();
  }

  close(): void {
    const socket = this.socket;
    // Close the descriptor, as the guest closed its socket: the kernel sends
    // the FIN itself and keeps an orphaned connection that answers later
    // data with a reset at once (so the peer's next call sees it as
    // natively), where an open descriptor would queue the data until the
    // event loop read it. Bytes the kernel holds to send still go out;
    // bytes still in Node's buffer go first, FIN after them (end()).
    if (socket.writableLength === 0 && !socket.connecting) {
      this.stopProbing();
      socket.destroy();
      return;
    }
    socket.end();
    socket.once('finish', () => {
      if (!socket.destroyed) socket.destroy();
    });
  }

  destroy(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    // libuv refuses to reset a socket whose shutdown (our FIN, after end())
    // is still pending: resetAndDestroy() would then mark it destroyed
    // without ever closing its descriptor. Reset it once the FIN is out
    // (a close() after shutdown() with data arriving still resets, as on
    // Linux), or close it plainly if that takes long (a peer not reading).
    if (socket.writableEnded && !socket.writableFinished) {
      this.stopProbing();
      const plainly = setTimeout(() => socket.destroy(), 1000);
      socket.once('finish', () => {
        clearTimeout(plainly);
        if (!socket.destroyed) socket.resetAndDestroy();
      });
      socket.once('close', () => clearTimeout(plainly));
      return;
    }
    socket.resetAndDestroy();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  setNoDelay(on: boolean): void {
    this.socket.setNoDelay(on);
  }

  setKeepAlive(on: boolean, idleSeconds?: number): void {
    // Node sets TCP_KEEPIDLE from initialDelay (ms) when enabling.
    this.socket.setKeepAlive(on, on && idleSeconds !== undefined ? idleSeconds * 1000 : 0);
  }

  buffered(): { readable: number; writable: number } {
    return { readable: this.socket.readableLength, writable: this.socket.writableLength };
  }
}

class NodeDatagram implements DatagramSocket {
  /** Sends node:dgram has not handed to the kernel yet. */
  private inFlight = 0;
  private closeRequested = false;
  private readonly done: Promise<void>;

  constructor(private readonly socket: dgram.Socket, readonly local: SockAddr) {
    this.done = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  finished(): Promise<void> {
    return this.done;
  }

  send(data: Uint8Array, to: SockAddr): void {
    if (this.closeRequested) return;
    this.inFlight++;
    // Send errors (unreachable, too big) surface asynchronously; like an
    // unconnected UDP socket on Linux, the sender is not told. node:dgram
    // throws at once for an address it refuses (port 0): dropped the same
    // way, never an exception in the I/O thread.
    try {
      this.socket.send(data, to.port, to.ip, () => {
        if (--this.inFlight === 0 && this.closeRequested) this.closeNow();
      });
    } catch {
      if (--this.inFlight === 0 && this.closeRequested) this.closeNow();
    }
  }

  setBroadcast(on: boolean): void {
    this.socket.setBroadcast(on);
  }

  setTTL(ttl: number): void {
    this.socket.setTTL(ttl);
  }

  setMulticastTTL(ttl: number): void {
    this.socket.setMulticastTTL(ttl);
  }

  setMulticastLoopback(on: boolean): void {
    this.socket.setMulticastLoopback(on);
  }

  addMembership(group: string, iface: string | undefined): void {
    this.socket.addMembership(group, iface);
  }

  dropMembership(group: string, iface: string | undefined): void {
    this.socket.dropMembership(group, iface);
  }

  /**
   * node:dgram drops a datagram whose send() has not completed when the
   * socket closes (it resolves the address asynchronously first), while a
   * kernel delivers what sendto() accepted before close(). So the socket
   * stops receiving now and closes once its sends are out.
   */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    this.socket.removeAllListeners('message');
    if (this.inFlight === 0) this.closeNow();
  }

  private closeNow(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

export class NodeBackend implements NetBackend {
  readonly multicast = true;

  connect(to: SockAddr, from: SockAddr | null): Promise<Stream> {
    return new Promise((resolve, reject) => {
      // allowHalfOpen: a FIN from the peer ends only its direction, as in
      // a kernel; the guest decides when to close its own (half_close).
      const socket = net.connect({
        allowHalfOpen: true,
        host: to.ip,
        port: to.port,
        family: to.family,
        localAddress: from?.ip,
        localPort: from?.port || undefined,
        noDelay: false,
      });
      const fail = (err: Error) => reject(new NetError(errnoFromNodeError(err), err.message));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        // Flowing mode starts when the owner attaches its data handler.
        resolve(new NodeStream(socket));
      });
    });
  }

  listen(at: SockAddr, options: ListenOptions, onConnection: (stream: Stream) => void): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: false, noDelay: false, allowHalfOpen: true });
      server.on('connection', (socket) => {
        // A connection reset before accept() can emit 'error' with nobody listening yet.
        socket.on('error', () => {});
        if (socket.remoteAddress === undefined) {
          socket.destroy();
          return;
        }
        onConnection(new NodeStream(socket));
      });
      server.once('error', (err) => reject(new NetError(errnoFromNodeError(err), err.message)));
      server.listen({ host: at.ip, port: at.port, backlog: options.backlog, ipv6Only: options.ipv6Only, reusePort: options.reusePort, exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', () => {});
        const address = server.address() as net.AddressInfo;
        resolve({
          local: sockAddr(address.address, address.port),
          close: () => server.close(),
        });
      });
    });
  }

  bindDatagram(at: SockAddr, options: { ipv6Only: boolean; reuseAddr: boolean }, onMessage: (data: Uint8Array, from: SockAddr) => void): Promise<DatagramSocket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: at.family === 6 ? 'udp6' : 'udp4', reuseAddr: options.reuseAddr, ipv6Only: options.ipv6Only });
      socket.once('error', (err) => {
        // A socket whose bind failed still holds a descriptor: close it, or
        // every failed bind (a relay page can ask for them in a loop) leaks one.
        try {
          socket.close();
        } catch {
          // already closed
        }
        reject(new NetError(errnoFromNodeError(err), err.message));
      });
      socket.on('message', (msg, rinfo) => onMessage(msg, sockAddr(rinfo.address, rinfo.port)));
      socket.bind({ address: at.ip, port: at.port, exclusive: true }, () => {
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        const address = socket.address();
        resolve(new NodeDatagram(socket, sockAddr(address.address, address.port)));
      });
    });
  }

  async resolve(host: string, family: 0 | 4 | 6): Promise<SockAddr[]> {
    try {
      const found = await dns.promises.lookup(host, { all: true, family, verbatim: true });
      return found.map((a) => ({ family: a.family === 6 ? 6 : 4, ip: a.address, port: 0 }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') throw new NetError(E.NOENT, `unknown host ${host}`);
      throw new NetError(errnoFromNodeError(err));
    }
  }

  /**
   * Through the system's getnameinfo (dns.lookupService), so the hosts file
   * answers first, as it does for a native program: 127.0.0.1 is named by
   * /etc/hosts' first line for it.
   */
  async reverse(ip: string): Promise<string | null> {
    try {
      const { hostname } = await dns.promises.lookupService(ip, 0);
      return hostname === '' || hostname === ip ? null : hostname;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NONAME') return null;
      throw new NetError(errnoFromNodeError(err));
    }
  }
}

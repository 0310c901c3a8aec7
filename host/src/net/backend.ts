// The I/O thread's view of a network: what the socket state machine
// (io/socket-host.ts) needs from a transport. Three implementations share it:
// node (node:net, node:dgram, node:dns), relay (a WebSocket to the wasock
// relay) and virtual (an in-memory network). Errors are WASI errnos.

import type { SockAddr } from './addr.js';

/** Callbacks a stream delivers to its owner. */
export interface StreamHandlers {
  data(chunk: Uint8Array): void;
  /** The peer finished sending (FIN). */
  end(): void;
  /** The stream failed (reset, timeout…); `close` follows. */
  error(errno: number): void;
  /** The transport can take more writes after write() returned false. */
  drain(): void;
  /** Everything written so far has been handed to the OS (optional; see lendFd). */
  flushed?(): void;
}

/** One connected TCP stream. */
export interface Stream {
  readonly local: SockAddr;
  readonly remote: SockAddr;
  /** Must be called before any data is delivered (synchronously after creation). */
  attach(handlers: StreamHandlers): void;
  /** Queues bytes; false when the caller should wait for `drain`. The data is not retained after the call returns false or true—implementations copy or take ownership. */
  write(data: Uint8Array): boolean;
  /** Sends FIN after queued data. */
  end(): void;
  /**
   * The owner closed the socket: FIN after the queued data, as end(), and
   * then nothing more is read — data that still arrives is answered with a
   * reset at once, as a kernel answers data for a closed socket. Optional:
   * transports without it get end(), and the owner resets on data itself.
   */
  close?(): void;
  /**
   * Settles once the stream is done: after end(), when every queued byte has
   * been handed to the network; or when it failed or was destroyed. Lets the
   * host keep a guest's last writes alive past the guest's exit, as a kernel
   * keeps sending after a process closes a socket and exits.
   */
  finished(): Promise<void>;
  /** Drops the connection at once (RST where the transport can). */
  destroy(): void;
  pause(): void;
  resume(): void;
  setNoDelay(on: boolean): void;
  /**
   * SO_KEEPALIVE; `idleSeconds` (TCP_KEEPIDLE) where the transport can set
   * it (Node: setKeepAlive's initialDelay); others ignore it.
   */
  setKeepAlive(on: boolean, idleSeconds?: number): void;
  /**
   * Bytes the transport holds in this process for the stream: received and
   * not yet delivered (`readable`), written and not yet handed to the
   * network (`writable`). Optional; the relay reports it in its stats.
   */
  buffered?(): { readable: number; writable: number };
  /**
   * For a transport that is an OS socket in this process (Node): its
   * descriptor, lent to the guest's worker for the direct send path
   * (bridge/direct-send.ts), or null. `revoke` runs synchronously before the
   * descriptor is closed for any reason, including a reset that closes it
   * underneath the host. Implementations also report `flushed`.
   */
  lendFd?(revoke: () => void): number | null;
  /**
   * Bytes went out after the peer's FIN without passing through write()
   * (the guest's direct send): look for the reset a closed peer answers
   * with, as write() does itself. Optional: for transports that learn of a
   * reset only when they write (Node after EOF).
   */
  watchForReset?(): void;
  /**
   * Asks now whether such a reset has arrived, reporting it through the
   * `error` handler before returning: for a decision that must see the
   * kernel's state at this moment (bind's port check). Optional, as above.
   */
  checkReset?(): void;
}

export interface Listener {
  readonly local: SockAddr;
  close(): void;
}

export interface DatagramSocket {
  readonly local: SockAddr;
  send(data: Uint8Array, to: SockAddr): void;
  setBroadcast(on: boolean): void;
  setTTL(ttl: number): void;
  /**
   * IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP
   * (optional: only a transport with real multicast has them; the host
   * stores the values for the others). Membership calls throw a NetError
   * (or a Node error) when the OS refuses.
   */
  setMulticastTTL?(ttl: number): void;
  setMulticastLoopback?(on: boolean): void;
  addMembership?(group: string, iface: string | undefined): void;
  dropMembership?(group: string, iface: string | undefined): void;
  close(): void;
  /**
   * Settles once a closed socket's last sends are out (optional: for a
   * transport that sends asynchronously), so an exiting guest's final
   * datagrams are not dropped by the process ending.
   */
  finished?(): Promise<void>;
}

export interface ListenOptions {
  backlog: number;
  ipv6Only: boolean;
  reusePort: boolean;
}

export interface NetBackend {
  /** Resolves with the stream once connected; rejects with an errno. */
  connect(to: SockAddr, from: SockAddr | null): Promise<Stream>;
  /** Binds and listens; every accepted connection goes to `onConnection`. */
  listen(at: SockAddr, options: ListenOptions, onConnection: (stream: Stream) => void): Promise<Listener>;
  bindDatagram(at: SockAddr, options: { ipv6Only: boolean; reuseAddr: boolean }, onMessage: (data: Uint8Array, from: SockAddr) => void): Promise<DatagramSocket>;
  /** Host name → addresses (family 0 = both). */
  resolve(host: string, family: 0 | 4 | 6): Promise<SockAddr[]>;
  /**
   * Address → its host name (gethostbyaddr, getnameinfo), null when it has
   * none. Absent: the backend knows no names but loopback's (SocketHost
   * answers 127.0.0.1 and ::1 with localhost).
   */
  reverse?(ip: string): Promise<string | null>;
  /**
   * Whether datagram sockets can join multicast groups (Node). Without it a
   * join answers ENOTSUP (the relay and the in-page network route no
   * multicast); TTL and loopback are still stored and read back.
   */
  readonly multicast?: boolean;
  /**
   * For a transport that can die as a whole (the relay's WebSocket): settles
   * when it is gone for good, so the host fails every socket at once —
   * listeners and datagram sockets included — instead of leaving a blocked
   * accept() or recvfrom() waiting.
   */
  readonly gone?: Promise<unknown>;
}

/** A rejected promise's reason in this interface: a WASI errno. */
export class NetError extends Error {
  constructor(readonly errno: number, message?: string) {
    super(message ?? `errno ${errno}`);
  }
}

// The virtual network: an in-memory loopback shared by several guests in one
// page or process, with no real socket anywhere. Each guest's SocketHost gets
// its own NetBackend from `network.backend()`; they all see the same ports.
//
//   - addresses: 127.0.0.0/8 and ::1 are local (IPv4-mapped ::ffff:127.x
//     reaches the IPv4 host; `::` without IPV6_V6ONLY accepts both
//     families); binding anything else fails with EADDRNOTAVAIL, reaching
//     anything else with ENETUNREACH (datagrams to it are dropped);
//   - TCP and UDP have separate port spaces; overlapping binds fail with
//     EADDRINUSE (unless both sockets set SO_REUSEPORT for TCP listeners,
//     SO_REUSEADDR for UDP); port 0 takes the next free ephemeral port;
//   - connect() settles in a later microtask: ECONNREFUSED when no listener
//     covers the destination then, otherwise the listener gets its end first
//     and the caller's promise resolves with the other;
//   - streams and datagrams behave as described in stream.ts and datagram.ts.
//
// Plain TypeScript with queueMicrotask only, so it runs in a browser page,
// a worker or Node alike.

import { canonicalIp, type SockAddr } from '../addr.js';
import type { DatagramSocket, ListenOptions, Listener, NetBackend, Stream } from '../backend.js';
import { NetError } from '../backend.js';
import { E } from '../../abi/errno.js';
import {
  bindingFor,
  covers,
  destinationHost,
  isV6Host,
  overlaps,
  presentHost,
  sourceHostFor,
  type Binding,
  type Host,
} from './addresses.js';
import { DEFAULT_EPHEMERAL, PortSpace, type PortRange } from './ports.js';
import { Connection, DEFAULT_HIGH_WATER } from './stream.js';
import { VirtualDatagramSocket } from './datagram.js';
import { resolveVirtual, reverseVirtual } from './resolve.js';

export interface VirtualNetworkOptions {
  /** Ports handed out for port 0 (default 32768-60999, as on Linux). */
  ephemeralPorts?: PortRange;
  /** Bytes per stream direction written but not yet delivered past which write() returns false (default 64 KiB). */
  highWaterMark?: number;
}

/** Largest UDP payload over IPv4 and over IPv6. */
const MAX_DATAGRAM_V4 = 65507;
const MAX_DATAGRAM_V6 = 65527;

class VirtualListener implements Listener {
  closed = false;
  readonly kind = 'listener';

  constructor(
    readonly local: SockAddr,
    readonly binding: Binding,
    readonly reusePort: boolean,
    readonly onConnection: (stream: Stream) => void,
    private readonly onClose: (listener: VirtualListener) => void,
  ) {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}

/**
 * A TCP port held by one end of a connection: `outgoing` for the connecting
 * end (it blocks a later listen on that port, as a client socket without
 * SO_REUSEADDR does), `accepted` for the listener's end (it does not: a
 * server may restart while its old connections finish).
 */
interface ConnectionEnd {
  readonly kind: 'outgoing' | 'accepted';
  readonly binding: Binding;
  /** The far end, for the 4-tuple check. */
  readonly remoteHost: Host;
  readonly remotePort: number;
}

type TcpHolder = VirtualListener | ConnectionEnd;

/** What is bound and connected right now (for tests and the demo page). */
export interface NetworkSnapshot {
  listeners: SockAddr[];
  datagramSockets: SockAddr[];
  /** Open connections, each as [connecting end's local, listener end's local]. */
  connections: [SockAddr, SockAddr][];
}

export class VirtualNetwork {
  private readonly tcp: PortSpace<TcpHolder>;
  private readonly udp: PortSpace<VirtualDatagramSocket>;
  private readonly highWater: number;
  private readonly open = new Set<Connection>();

  constructor(options: VirtualNetworkOptions = {}) {
    const range = options.ephemeralPorts ?? DEFAULT_EPHEMERAL;
    this.tcp = new PortSpace(range);
    this.udp = new PortSpace(range);
    this.highWater = options.highWaterMark ?? DEFAULT_HIGH_WATER;
    if (!(this.highWater > 0)) throw new RangeError('highWaterMark must be positive');
  }

  /** A backend for one guest's SocketHost; every backend of a network shares its ports. */
  backend(): NetBackend {
    return new VirtualBackend(this);
  }

  snapshot(): NetworkSnapshot {
    const listeners: SockAddr[] = [];
    for (const [, holders] of this.tcp.entries()) for (const h of holders) if (h instanceof VirtualListener) listeners.push(h.local);
    const datagramSockets: SockAddr[] = [];
    for (const [, holders] of this.udp.entries()) for (const s of holders) datagramSockets.push(s.local);
    const connections = [...this.open].map((c): [SockAddr, SockAddr] => [c.client.local, c.server.local]);
    return { listeners, datagramSockets, connections };
  }

  // --- TCP ---------------------------------------------------------------
  // listen / connect / bindDatagram act at once and throw NetError; guests
  // reach them through backend(), whose connect() settles a microtask later.

  listen(at: SockAddr, options: ListenOptions, onConnection: (stream: Stream) => void): Listener {
    const binding = this.bindingOrFail(at, options.ipv6Only);
    let port = at.port;
    if (port === 0) {
      port = this.tcp.allocate() ?? fail(E.ADDRINUSE, 'no free ephemeral TCP port');
    } else {
      for (const holder of this.tcp.holders(port)) {
        if (holder.kind === 'accepted' || !overlaps(holder.binding, binding)) continue;
        if (holder instanceof VirtualListener && holder.reusePort && options.reusePort) continue;
        fail(E.ADDRINUSE, `TCP port ${port} is in use`);
      }
    }
    const local = { family: at.family, ip: canonicalIp(at.ip)!, port };
    const listener = new VirtualListener(local, binding, options.reusePort, onConnection, (l) => this.tcp.remove(port, l));
    this.tcp.add(port, listener);
    return listener;
  }

  connect(to: SockAddr, from: SockAddr | null): Stream {
    const destHost = destinationHost(to.ip) ?? fail(E.NETUNREACH, `${to.ip} is not on the in-page network (loopback only)`);
    let sourceHost = sourceHostFor(destHost);
    if (from !== null) {
      const binding = this.bindingOrFail(from, false);
      if (!(isV6Host(destHost) ? binding.v6 : binding.v4)) fail(E.NETUNREACH, `no route from ${from.ip} to ${to.ip}`);
      if (binding.host !== null) sourceHost = binding.host;
    }
    const listener = this.findListener(destHost, to.port) ?? fail(E.CONNREFUSED, `nothing listens on ${to.ip} port ${to.port}`);

    let port = from?.port ?? 0;
    if (port === 0) {
      port = this.tcp.allocate() ?? fail(E.ADDRNOTAVAIL, 'no free ephemeral TCP port');
    } else {
      for (const holder of this.tcp.holders(port)) {
        if (!covers(holder.binding, sourceHost)) continue;
        if (holder instanceof VirtualListener) fail(E.ADDRINUSE, `TCP port ${port} is in use`);
        else if (holder.remoteHost === destHost && holder.remotePort === to.port) fail(E.ADDRNOTAVAIL, 'that connection already exists');
      }
    }

    const clientEnd: ConnectionEnd = { kind: 'outgoing', binding: single(sourceHost), remoteHost: destHost, remotePort: to.port };
    const serverEnd: ConnectionEnd = { kind: 'accepted', binding: single(destHost), remoteHost: sourceHost, remotePort: port };
    const serverFamily = listener.local.family;
    const connection: Connection = new Connection(
      {
        client: { local: presentHost(sourceHost, to.family, port), remote: presentHost(destHost, to.family, to.port) },
        server: { local: presentHost(destHost, serverFamily, to.port), remote: presentHost(sourceHost, serverFamily, port) },
      },
      this.highWater,
      () => {
        this.tcp.remove(port, clientEnd);
        this.tcp.remove(to.port, serverEnd);
        this.open.delete(connection);
      },
    );
    this.tcp.add(port, clientEnd);
    this.tcp.add(to.port, serverEnd);
    this.open.add(connection);
    listener.onConnection(connection.server);
    return connection.client;
  }

  /** The listener a connection to host:port reaches: one bound to that host, else a wildcard one. */
  private findListener(host: Host, port: number): VirtualListener | null {
    let wildcard: VirtualListener | null = null;
    for (const holder of this.tcp.holders(port)) {
      if (!(holder instanceof VirtualListener) || holder.closed || !covers(holder.binding, host)) continue;
      if (holder.binding.host !== null) return holder;
      wildcard ??= holder;
    }
    return wildcard;
  }

  // --- UDP ---------------------------------------------------------------

  bindDatagram(at: SockAddr, options: { ipv6Only: boolean; reuseAddr: boolean }, onMessage: (data: Uint8Array, from: SockAddr) => void): DatagramSocket {
    const binding = this.bindingOrFail(at, options.ipv6Only);
    let port = at.port;
    if (port === 0) {
      port = this.udp.allocate() ?? fail(E.ADDRINUSE, 'no free ephemeral UDP port');
    } else {
      for (const holder of this.udp.holders(port)) {
        if (overlaps(holder.binding, binding) && !(holder.reuseAddr && options.reuseAddr)) fail(E.ADDRINUSE, `UDP port ${port} is in use`);
      }
    }
    const local = { family: at.family, ip: canonicalIp(at.ip)!, port };
    const socket = new VirtualDatagramSocket(local, binding, options.reuseAddr, onMessage, (s, data, to) => this.route(s, data, to), (s) => this.udp.remove(port, s));
    this.udp.add(port, socket);
    return socket;
  }

  private route(sender: VirtualDatagramSocket, data: Uint8Array, to: SockAddr): void {
    const destHost = destinationHost(to.ip);
    if (destHost === null || to.port === 0) return;
    const destIsV6 = isV6Host(destHost);
    // A socket only talks to the families it is bound for (an IPv4 socket
    // cannot reach ::1; an IPv6-only one cannot reach ::ffff:127.0.0.1).
    if (!(destIsV6 ? sender.binding.v6 : sender.binding.v4)) return;
    if (data.length > (destIsV6 ? MAX_DATAGRAM_V6 : MAX_DATAGRAM_V4)) return;
    const sourceHost = sender.binding.host ?? sourceHostFor(destHost);
    const sourcePort = sender.local.port;
    queueMicrotask(() => {
      const receiver = this.findDatagramSocket(destHost, to.port);
      if (receiver === null) return;
      receiver.onMessage(data, presentHost(sourceHost, receiver.local.family, sourcePort));
    });
  }

  /** Who gets a datagram for host:port: a socket bound to that host, else a wildcard one; the newest of equals. */
  private findDatagramSocket(host: Host, port: number): VirtualDatagramSocket | null {
    let specific: VirtualDatagramSocket | null = null;
    let wildcard: VirtualDatagramSocket | null = null;
    for (const socket of this.udp.holders(port)) {
      if (socket.closed || !covers(socket.binding, host)) continue;
      if (socket.binding.host !== null) specific = socket;
      else wildcard = socket;
    }
    return specific ?? wildcard;
  }

  // --- helpers -----------------------------------------------------------

  private bindingOrFail(at: SockAddr, ipv6Only: boolean): Binding {
    if (canonicalIp(at.ip) === null) fail(E.INVAL, `not an IP address: ${at.ip}`);
    const binding = bindingFor(at.ip, ipv6Only && at.family === 6);
    if (binding === null) fail(E.ADDRNOTAVAIL, `${at.ip} is not an address of the in-page network (loopback only)`);
    return binding;
  }
}

/** One guest's view of a VirtualNetwork, with the NetBackend signatures. */
class VirtualBackend implements NetBackend {
  constructor(private readonly network: VirtualNetwork) {}

  connect(to: SockAddr, from: SockAddr | null): Promise<Stream> {
    // The handshake happens later, as on a real stack: a connect() never
    // completes (or is refused) inside the call.
    return new Promise((resolve, reject) => {
      queueMicrotask(() => {
        try {
          resolve(this.network.connect(to, from));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  async listen(at: SockAddr, options: ListenOptions, onConnection: (stream: Stream) => void): Promise<Listener> {
    return this.network.listen(at, options, onConnection);
  }

  async bindDatagram(at: SockAddr, options: { ipv6Only: boolean; reuseAddr: boolean }, onMessage: (data: Uint8Array, from: SockAddr) => void): Promise<DatagramSocket> {
    return this.network.bindDatagram(at, options, onMessage);
  }

  async resolve(host: string, family: 0 | 4 | 6): Promise<SockAddr[]> {
    return resolveVirtual(host, family);
  }

  async reverse(ip: string): Promise<string | null> {
    return reverseVirtual(ip);
  }
}

function single(host: Host): Binding {
  const v6 = isV6Host(host);
  return { host, v4: !v6, v6 };
}

function fail(errno: number, message: string): never {
  throw new NetError(errno, message);
}

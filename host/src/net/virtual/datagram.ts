// A bound UDP socket on the virtual network. Sending hands the datagram to
// the network's router, which delivers it in a later microtask to whichever
// socket holds the destination then, or drops it (no listener, not
// loopback, too big), exactly as unreliable as loopback UDP without ICMP.

import type { SockAddr } from '../addr.js';
import type { DatagramSocket } from '../backend.js';
import type { Binding } from './addresses.js';

export type DatagramRouter = (from: VirtualDatagramSocket, data: Uint8Array, to: SockAddr) => void;

export class VirtualDatagramSocket implements DatagramSocket {
  closed = false;

  constructor(
    readonly local: SockAddr,
    readonly binding: Binding,
    readonly reuseAddr: boolean,
    /** Called for every datagram that arrives, with the sender's address as this socket sees it. */
    readonly onMessage: (data: Uint8Array, from: SockAddr) => void,
    private readonly route: DatagramRouter,
    private readonly onClose: (socket: VirtualDatagramSocket) => void,
  ) {}

  send(data: Uint8Array, to: SockAddr): void {
    if (this.closed) return;
    this.route(this, data.slice(), to);
  }

  setBroadcast(_on: boolean): void {
    // There is no broadcast address on a loopback-only network.
  }

  setTTL(_ttl: number): void {
    // Every destination is zero hops away.
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}

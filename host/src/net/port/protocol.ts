// A NetBackend carried over a MessagePort (structured clone, no shared
// memory): the page serves its network (serve.ts) to a guest's socket state
// machine in a worker (port-backend.ts), in the browser's JSPI mode. One
// definition of the messages for both ends so they cannot drift apart.
//
// Objects (streams, listeners, datagram sockets) have numbers chosen by the
// page; requests have numbers chosen by the worker. A port delivers in
// order, so an object's events always follow the reply that names it.

import type { SockAddr } from '../addr.js';
import type { ListenOptions } from '../backend.js';

/** Worker → page. */
export type PortRequest =
  | { op: 'connect'; req: number; to: SockAddr; from: SockAddr | null }
  | { op: 'listen'; req: number; at: SockAddr; options: ListenOptions }
  | { op: 'bindDatagram'; req: number; at: SockAddr; options: { ipv6Only: boolean; reuseAddr: boolean } }
  | { op: 'resolve'; req: number; host: string; family: 0 | 4 | 6 }
  // Streams.
  | { op: 'write'; id: number; data: Uint8Array }
  | { op: 'end' | 'close' | 'destroy' | 'pause' | 'resume'; id: number }
  | { op: 'noDelay'; id: number; on: boolean }
  | { op: 'keepAlive'; id: number; on: boolean; idleSeconds?: number }
  // Listeners and datagram sockets.
  | { op: 'closeListener' | 'closeDatagram'; id: number }
  | { op: 'send'; id: number; data: Uint8Array; to: SockAddr }
  | { op: 'broadcast'; id: number; on: boolean }
  | { op: 'ttl'; id: number; ttl: number };

/** What a successful request answers. */
export type ReplyValue =
  /** connect: the stream; listen, bindDatagram: the object. */
  | { id: number; local: SockAddr; remote?: SockAddr }
  /** resolve. */
  | SockAddr[];

/** Page → worker. */
export type PortEvent =
  | { ev: 'reply'; req: number; value: ReplyValue }
  /** A failed request: the NetError's errno (absent: not a NetError) and message. */
  | { ev: 'fail'; req: number; errno?: number; message: string }
  | { ev: 'connection'; listener: number; id: number; local: SockAddr; remote: SockAddr }
  | { ev: 'data'; id: number; data: Uint8Array }
  | { ev: 'end' | 'finished'; id: number }
  | { ev: 'error'; id: number; errno: number }
  /** The page's transport took `bytes` more of the worker's writes (the write window, port-backend.ts). */
  | { ev: 'ack'; id: number; bytes: number }
  | { ev: 'message'; id: number; data: Uint8Array; from: SockAddr }
  /** The network is gone for good (the relay's WebSocket closed). */
  | { ev: 'gone' };

/** The part of a MessagePort both ends use (a Node MessagePort has it too, for tests). */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

/**
 * The buffer of `bytes` to transfer instead of copying, when `bytes` is all
 * of it and the sender owns it; otherwise a copy's.
 */
export function owned(bytes: Uint8Array): { data: Uint8Array; transfer: Transferable[] } {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const data = whole ? bytes : bytes.slice();
  return { data, transfer: [data.buffer as ArrayBuffer] };
}

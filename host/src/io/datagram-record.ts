// How a datagram travels through a ring: a 28-byte header — u32 payload
// length, then the peer as an ABI `addr` (24 bytes) — followed by the payload.
// Receive rings carry the source address, send rings the destination. The
// guest copies the addr bytes straight into its recvfrom() result.

import { ADDR, readAddr, writeAddr } from '../abi/sock.js';
import type { SockAddr } from '../net/addr.js';

export const DGRAM_HEADER_BYTES = 4 + ADDR.size;

export function encodeDatagramHeader(length: number, addr: SockAddr): Uint8Array {
  const header = new Uint8Array(DGRAM_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, length, true);
  writeAddr(view, 4, addr);
  return header;
}

export function decodeDatagramHeader(header: Uint8Array): { length: number; addr: SockAddr | null } {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  return { length: view.getUint32(0, true), addr: readAddr(view, 4) };
}

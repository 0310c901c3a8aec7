// How a connection waiting for accept() travels: the I/O thread writes one
// record per arrived connection into the listener's receive ring (unused by a
// listener otherwise) — the new socket's slot, then its local and remote
// addresses as ABI `addr`s — so accept() takes it without a round trip to
// the I/O thread. The ring's fill level is the accept queue's length.

import { ADDR, readAddr, writeAddr } from '../abi/sock.js';
import type { SockAddr } from '../net/addr.js';

export const ACCEPT_RECORD_BYTES = 4 + 2 * ADDR.size;

export interface AcceptRecord {
  slot: number;
  local: SockAddr;
  remote: SockAddr;
}

export function encodeAcceptRecord(r: AcceptRecord): Uint8Array {
  const bytes = new Uint8Array(ACCEPT_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, r.slot, true);
  writeAddr(view, 4, r.local);
  writeAddr(view, 4 + ADDR.size, r.remote);
  return bytes;
}

export function decodeAcceptRecord(bytes: Uint8Array): AcceptRecord {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = readAddr(view, 4);
  const remote = readAddr(view, 4 + ADDR.size);
  // Written by the I/O thread from real sockets: always a known family.
  if (!local || !remote) throw new Error('corrupt accept record');
  return { slot: view.getUint32(0, true), local, remote };
}

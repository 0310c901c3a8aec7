// The direct send path: where the transport is an OS socket (Node), the I/O
// thread lends the stream's descriptor to the guest's worker, which then
// writes into the kernel itself when nothing is queued ahead of it — no ring
// copy and no wake-up of the I/O thread, which a plain Node program does not
// pay either. Everything else (reads, readiness, close, errors) stays with
// the I/O thread, and any send the direct path cannot finish goes through the
// send ring as before.
//
// The lent descriptor lives in the slot word S.DIRECT_FD:
//   0          not lent (the default, and after revocation)
//   fd + 1     lent and idle
//   -(fd + 1)  the guest is inside one non-blocking write on it
// The guest claims it with a compare-exchange for the length of one write
// system call. The I/O thread revokes it before the descriptor can be closed
// (close, shutdown, a reset closing it underneath): once revocation returns,
// the guest can never write to that number again, so a descriptor number
// reused by a later socket is never written by mistake.
//
// Order: bytes must reach the kernel in the order the guest wrote them. The
// guest writes directly only when its send ring is empty and the I/O thread
// holds nothing unsent (SF.TX_QUEUED, set before the ring is drained and
// cleared once the transport has handed everything to the OS).

import { type Arena, S, SF } from './arena.js';
import { E } from '../abi/errno.js';

/**
 * Guest side, supplied by the embedder: one non-blocking gathering write on
 * an OS descriptor. Returns bytes written (0 when the kernel buffer is full),
 * or a negative WASI errno when the write failed.
 */
export type DirectWrite = (fd: number, chunks: Uint8Array[]) => number;

/** What a direct send did: bytes written, or the connection's error, or nothing (use the ring). */
export type DirectResult = { n: number; errno?: undefined } | { errno: number; n?: undefined } | null;

/** I/O side: lends `fd` (a connected stream's descriptor) to the guest. */
export function lendFd(arena: Arena, slot: number, fd: number): void {
  arena.store(slot, S.DIRECT_FD, fd + 1);
}

/**
 * I/O side: takes the descriptor back, waiting out a write in progress (one
 * non-blocking system call). Idempotent.
 */
export function revokeFd(arena: Arena, slot: number): void {
  const index = arena.slotWord(slot, S.DIRECT_FD);
  const words = arena.words;
  for (;;) {
    const v = Atomics.load(words, index);
    if (v === 0) return;
    if (v > 0) {
      if (Atomics.compareExchange(words, index, v, 0) === v) return;
      continue;
    }
    // Node allows Atomics.wait on its main thread; a descriptor is only ever
    // lent there. The guest notifies when it puts the word back.
    Atomics.wait(words, index, v, 5);
  }
}

/**
 * I/O side, once the guest's thread is gone (it returned, or was terminated):
 * takes the descriptor back without waiting. A thread terminated inside a
 * direct write never puts the word back, and revokeFd would wait for it
 * forever.
 */
export function dropFd(arena: Arena, slot: number): void {
  Atomics.store(arena.words, arena.slotWord(slot, S.DIRECT_FD), 0);
}

/**
 * Guest side: writes `chunks` straight to the kernel if the descriptor is
 * lent and nothing is queued ahead. Returns bytes written (maybe fewer than
 * asked, maybe 0 when the kernel buffer is full), the error the kernel
 * reported (ECONNRESET, EPIPE…: the kernel reports it once, so it is the
 * caller's to report), or null when the ring must be used.
 */
export function sendDirect(arena: Arena, slot: number, chunks: Uint8Array[], write: DirectWrite): DirectResult {
  const index = arena.slotWord(slot, S.DIRECT_FD);
  const words = arena.words;
  const v = Atomics.load(words, index);
  if (v <= 0 || arena.flags(slot) & SF.TX_QUEUED) return null;
  if (Atomics.compareExchange(words, index, v, -v) !== v) return null;
  let n: number;
  try {
    n = write(v - 1, chunks);
  } catch {
    n = -E.IO;
  }
  // A descriptor that failed is not offered again.
  Atomics.store(words, index, n < 0 ? 0 : v);
  Atomics.notify(words, index);
  return n < 0 ? { errno: -n } : { n };
}

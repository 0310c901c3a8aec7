// The shared memory between the guest's worker and the I/O thread, laid out
// the way a kernel keeps socket state: a header of control words, one slot of
// state words per socket, and per slot a receive ring and a send ring.
//
//   [header: HEADER_WORDS int32] [reply area] [request area] [dirty bitmap] [slots] [rings]
//
// Slot 0 is stdin (its receive ring is fed from the host's stdin); sockets
// use slots 1..maxSockets. The buffer is growable: it reserves address space
// for every slot but commits memory only up to the highest slot in use (the
// I/O thread grows it when it hands out a slot), so a guest with three
// sockets costs three sockets' rings, not four thousand.

import type { SameThreadLink } from './same-thread.js';
import type { Interrupts } from './interrupts.js';

/** Header word indexes (Int32Array over the whole buffer). */
export const H = {
  /** Bumped by the I/O thread whenever any readiness may have changed. */
  WAKE_SEQ: 0,
  /** 1 while the guest sleeps in Atomics.wait on WAKE_SEQ. */
  GUEST_SLEEPING: 1,
  /** Set by the guest to wake the I/O thread (which waits on it with waitAsync). */
  DOORBELL: 2,
  /** Sequence number of the last control reply written. */
  REPLY_SEQ: 3,
  /** Byte length of the control reply in the reply area. */
  REPLY_LEN: 4,
  /** Geometry, written once by the creator. */
  MAX_SOCKETS: 5,
  RING_BYTES: 6,
  /** Sequence number of the last control request written by the guest. */
  REQUEST_SEQ: 7,
  /** Byte length of that request in the request area. */
  REQUEST_LEN: 8,
  /** Signals sent to the guest from outside (bit n = signal n), taken by the guest (wasi/guest-signals.ts). */
  SIG_PENDING: 9,
  /** Signals the guest handles or ignores (written by the guest): the host posts only those, and ends the guest for the rest. */
  SIG_CAUGHT: 10,
} as const;

const HEADER_WORDS = 16;
export const REPLY_AREA_BYTES = 256 * 1024;
export const REQUEST_AREA_BYTES = 64 * 1024;

/** Per-slot state words. */
export const S = {
  /** Socket's pending error (WASI errno), 0 when none. */
  ERROR: 0,
  /** Bit set of SF_* flags below. */
  FLAGS: 1,
  /**
   * Receive ring: bytes consumed (guest) and produced (I/O thread), mod 2^32.
   * A listener's receive ring carries accept records (io/accept-record.ts).
   */
  RX_HEAD: 2,
  RX_TAIL: 3,
  /** Send ring: bytes consumed (I/O thread) and produced (guest), mod 2^32. */
  TX_HEAD: 4,
  TX_TAIL: 5,
  /** Datagrams dropped because the receive ring was full (diagnostics). */
  RX_DROPS: 6,
  /**
   * The stream's OS descriptor lent to the guest's worker (bridge/direct-send.ts):
   * 0 none, fd + 1 lent, -(fd + 1) while the guest is writing on it.
   */
  DIRECT_FD: 7,
} as const;
export const SLOT_WORDS = 8;

/** Slot flags. */
export const SF = {
  /** The peer sent FIN (or SHUT_RD): after the ring drains, reads return 0. */
  RX_EOF: 1 << 0,
  /** The I/O thread paused the network socket because the ring was full. */
  RX_PAUSED: 1 << 1,
  /** Nothing more may be sent (SHUT_WR, reset, closed). */
  TX_CLOSED: 1 << 2,
  /** The connection is established (stream) / has a default peer (dgram). */
  CONNECTED: 1 << 3,
  /** A non-blocking connect is in progress. */
  CONNECTING: 1 << 4,
  /** The socket is listening. */
  LISTENING: 1 << 5,
  /** The connection is gone in both directions (reset or both sides closed). */
  HANGUP: 1 << 6,
  /** The I/O thread has sent bytes the transport has not yet handed to the OS. */
  TX_QUEUED: 1 << 7,
  /**
   * The guest closed its fd (set by the guest, with the slot marked dirty):
   * close() needs no reply, so it costs the guest no round trip.
   */
  GUEST_CLOSED: 1 << 8,
  /**
   * A direct send (bridge/direct-send.ts) got the connection's error from the
   * kernel, which reports it once: the guest reported it, so the I/O thread
   * must not report it again when its own read fails.
   */
  TX_FAILED: 1 << 9,
  /**
   * The peer's FIN arrived (RX_EOF also follows our own SHUT_RD). With our
   * FIN sent too, the connection is over: Linux's TCP_CLOSE.
   */
  PEER_FIN: 1 << 10,
} as const;

export const STDIN_SLOT = 0;

export interface ArenaGeometry {
  maxSockets: number;
  /** Bytes per ring, a power of two; each socket has two. */
  ringBytes: number;
}

/** Slots committed when the arena is created (stdin and the first sockets). */
const INITIAL_SLOTS = 4;
/** Slots added per growth step. */
const GROW_SLOTS = 16;
// Guarded: a page that is not cross-origin isolated has no SharedArrayBuffer,
// and importing the browser API there must not throw (start() says why).
const GROWABLE = typeof SharedArrayBuffer !== 'undefined' && typeof (SharedArrayBuffer.prototype as { grow?: unknown }).grow === 'function';


/**
 * Zeroed bytes whose pages cost no memory until written. A plain ArrayBuffer
 * comes from calloc, which for a few hundred KiB may hand out heap memory
 * and zero it by writing (glibc does once its mmap threshold has risen, which
 * any earlier free of a large block causes): a JSPI-mode server with 1,000
 * mostly idle connections then held 177 KiB of resident memory per
 * connection instead of 54. A resizable ArrayBuffer is reserved and
 * committed by V8's page allocator instead (fresh mappings, zero without
 * being touched).
 */
function untouchedBytes(n: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(n, { maxByteLength: n }));
}
/**
 * Whether `buffer` is shared memory. Not `instanceof SharedArrayBuffer`
 * alone: in a page that is not cross-origin isolated (JSPI mode in a
 * browser) the global does not exist and naming it throws.
 */
export function isShared(buffer: ArrayBufferLike): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

/** The largest SharedArrayBuffer (growable or not) the engines create: 4 GiB. */
export const MAX_ARENA_BYTES = 2 ** 32;

export const DEFAULT_GEOMETRY: ArenaGeometry = { maxSockets: 4096, ringBytes: 256 * 1024 };

/** Views over one arena buffer; both threads construct one from the same buffer. */
export class Arena {
  /**
   * Set when the guest runs on this thread (JSPI host mode): wake-ups, dirty
   * slots and waits go through it instead of futexes (bridge/same-thread.ts).
   */
  sameThread: SameThreadLink | null = null;
  /** The guest's signals, on the guest's side: what may end a wait early (wasi/blocking.ts). */
  interrupts: Interrupts | null = null;
  /**
   * Shared (worker mode): everything, rings included, in one growable
   * SharedArrayBuffer. Not shared (JSPI mode, one thread): the header and
   * slot words here, and each slot's rings in an ArrayBuffer of their own
   * (`localRings`), allocated when the slot is first used: copies in and out
   * of non-shared memory run at memcpy speed, several times faster than
   * into a SharedArrayBuffer, let alone a growable one.
   */
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  private readonly localRings: (Uint8Array | undefined)[] | null;
  readonly words: Int32Array;
  readonly bytes: Uint8Array;
  readonly maxSockets: number;
  readonly ringBytes: number;
  readonly replyOffset: number;
  readonly requestOffset: number;
  readonly dirtyWord0: number;
  readonly slotWord0: number;
  readonly ringOffset0: number;

  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    this.buffer = buffer;
    this.localRings = isShared(buffer) ? null : [];
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.maxSockets = this.words[H.MAX_SOCKETS];
    this.ringBytes = this.words[H.RING_BYTES];
    const layout = Arena.layout({ maxSockets: this.maxSockets, ringBytes: this.ringBytes });
    this.replyOffset = layout.replyOffset;
    this.requestOffset = layout.requestOffset;
    this.dirtyWord0 = layout.dirtyOffset / 4;
    this.slotWord0 = layout.slotOffset / 4;
    this.ringOffset0 = layout.ringOffset;
  }

  static layout(g: ArenaGeometry) {
    const slots = g.maxSockets + 1;
    const replyOffset = HEADER_WORDS * 4;
    const requestOffset = replyOffset + REPLY_AREA_BYTES;
    const dirtyOffset = requestOffset + REQUEST_AREA_BYTES;
    const dirtyWords = Math.ceil(slots / 32);
    const slotOffset = dirtyOffset + dirtyWords * 4;
    const ringOffset = alignUp(slotOffset + slots * SLOT_WORDS * 4, 4096);
    const total = ringOffset + slots * 2 * g.ringBytes;
    return { replyOffset, requestOffset, dirtyOffset, dirtyWords, slotOffset, ringOffset, total };
  }

  /** The most sockets an arena with rings of `ringBytes` can hold (it is at most MAX_ARENA_BYTES). */
  static maxSocketsFor(ringBytes: number): number {
    let n = Math.floor(MAX_ARENA_BYTES / (2 * ringBytes)) - 1;
    while (n > 0 && Arena.layout({ maxSockets: n, ringBytes }).total > MAX_ARENA_BYTES) n--;
    return n;
  }

  /** Creates a new arena buffer (the I/O thread does this once per guest). */
  /** `shared: false`: for a guest on this very thread (JSPI mode), see `buffer`. */
  static create(g: ArenaGeometry = DEFAULT_GEOMETRY, options: { shared?: boolean } = {}): Arena {
    if (g.ringBytes < 4096 || (g.ringBytes & (g.ringBytes - 1)) !== 0) {
      throw new Error(`ring size must be a power of two >= 4096, not ${g.ringBytes}`);
    }
    const layout = Arena.layout(g);
    if (layout.total > MAX_ARENA_BYTES) {
      throw new Error(`${g.maxSockets} sockets need more than ${MAX_ARENA_BYTES / 2 ** 30} GiB of rings; at most ${Arena.maxSocketsFor(g.ringBytes)} fit`);
    }
    if (options.shared === false) {
      const local = new ArrayBuffer(layout.ringOffset);
      const words = new Int32Array(local);
      words[H.MAX_SOCKETS] = g.maxSockets;
      words[H.RING_BYTES] = g.ringBytes;
      return new Arena(local);
    }
    const initial = Math.min(layout.total, layout.ringOffset + INITIAL_SLOTS * 2 * g.ringBytes);
    const buffer = GROWABLE ? new SharedArrayBuffer(initial, { maxByteLength: layout.total }) : new SharedArrayBuffer(layout.total);
    const words = new Int32Array(buffer);
    words[H.MAX_SOCKETS] = g.maxSockets;
    words[H.RING_BYTES] = g.ringBytes;
    return new Arena(buffer);
  }

  /**
   * I/O side: makes sure `slot`'s rings are inside the buffer, growing it in
   * steps of GROW_SLOTS slots. Views over the buffer track its length, in
   * this thread and in the guest's.
   */
  reserveSlot(slot: number): void {
    if (this.localRings) {
      this.localRings[slot] ??= untouchedBytes(2 * this.ringBytes);
      return;
    }
    const buffer = this.buffer as SharedArrayBuffer;
    const end = this.rxOffset(slot) + 2 * this.ringBytes;
    if (end <= buffer.byteLength) return;
    const max = buffer.maxByteLength;
    const stepped = this.rxOffset(Math.ceil((slot + 1) / GROW_SLOTS) * GROW_SLOTS);
    buffer.grow(Math.min(max, Math.max(end, stepped)));
  }

  get dirtyWords(): number {
    return Math.ceil((this.maxSockets + 1) / 32);
  }

  /** Index in `words` of state word `w` of `slot`. */
  slotWord(slot: number, w: number): number {
    return this.slotWord0 + slot * SLOT_WORDS + w;
  }

  load(slot: number, w: number): number {
    return Atomics.load(this.words, this.slotWord(slot, w));
  }

  store(slot: number, w: number, value: number): void {
    Atomics.store(this.words, this.slotWord(slot, w), value);
  }

  setFlags(slot: number, flags: number): void {
    Atomics.or(this.words, this.slotWord(slot, S.FLAGS), flags);
  }

  clearFlags(slot: number, flags: number): void {
    Atomics.and(this.words, this.slotWord(slot, S.FLAGS), ~flags);
  }

  flags(slot: number): number {
    return Atomics.load(this.words, this.slotWord(slot, S.FLAGS));
  }

  /** Zeroes a slot's state words before it is handed to a new socket. */
  resetSlot(slot: number): void {
    for (let w = 0; w < SLOT_WORDS; w++) Atomics.store(this.words, this.slotWord(slot, w), 0);
  }

  /** Where `slot`'s ring for `direction` lives: a byte view and the ring's offset in it. */
  ringView(slot: number, direction: 'rx' | 'tx'): { bytes: Uint8Array; base: number } {
    if (this.localRings) {
      // Slot 0 (stdin) is never reserved by the state machine: its rings come on first use.
      const rings = (this.localRings[slot] ??= untouchedBytes(2 * this.ringBytes));
      return { bytes: rings, base: direction === 'rx' ? 0 : this.ringBytes };
    }
    return { bytes: this.bytes, base: direction === 'rx' ? this.rxOffset(slot) : this.txOffset(slot) };
  }

  rxOffset(slot: number): number {
    return this.ringOffset0 + slot * 2 * this.ringBytes;
  }

  txOffset(slot: number): number {
    return this.rxOffset(slot) + this.ringBytes;
  }
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

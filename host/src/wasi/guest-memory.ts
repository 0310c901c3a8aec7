// Checked access to the guest's linear memory. Every pointer and length from
// the guest is validated here; a bad one becomes EFAULT (or EINVAL for
// absurd counts), never a host exception.

import { E } from '../abi/errno.js';
import { IOVEC } from '../abi/wasi.js';

/** Thrown inside import implementations; the import wrapper turns it into its errno. */
export class GuestError extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
  }
}

/** Runs an import body: GuestError → its errno, a bad pointer (RangeError) → EFAULT. */
export function guarded(body: () => number): number {
  try {
    return body();
  } catch (err) {
    if (err instanceof GuestError) return err.errno;
    if (err instanceof RangeError) return E.FAULT;
    throw err;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Where each list of iovec views came from (its guest memory and pointers),
 * so a call that waits can make the views again: memory.grow() (another
 * green thread's malloc while this one waits, jspi/green-threads.ts)
 * detaches the buffer they were views of.
 */
const origins = new WeakMap<Uint8Array[], { mem: GuestMemory; ptrs: number[] }>();

/**
 * `views` (from GuestMemory.iovecs), made again in place if memory grew
 * since; a wait's check calls it before touching them. One comparison when
 * nothing grew.
 */
export function liveViews(views: Uint8Array[]): Uint8Array[] {
  if (views.length === 0 || views[0].buffer.byteLength !== 0) return views;
  const origin = origins.get(views);
  if (origin === undefined) return views;
  const buffer = origin.mem.view().buffer;
  for (let i = 0; i < views.length; i++) views[i] = new Uint8Array(buffer, origin.ptrs[2 * i], origin.ptrs[2 * i + 1]);
  return views;
}

/** Linux's IOV_MAX: more iovecs than this is EINVAL, as natively. */
export const IOV_MAX = 1024;

export class GuestMemory {
  constructor(private readonly memory: () => WebAssembly.Memory) {}

  /** A fresh view: memory.grow() replaces the underlying buffer. */
  view(): DataView {
    return new DataView(this.memory().buffer);
  }

  check(ptr: number, len: number): void {
    const size = this.memory().buffer.byteLength;
    const start = ptr >>> 0;
    const length = len >>> 0;
    if (start + length > size) throw new GuestError(E.FAULT);
  }

  /** A view of guest bytes [ptr, ptr+len) after a bounds check. */
  bytes(ptr: number, len: number): Uint8Array {
    this.check(ptr, len);
    return new Uint8Array(this.memory().buffer, ptr >>> 0, len >>> 0);
  }

  /** Reads an iovec/ciovec array into views of guest memory. */
  iovecs(ptr: number, count: number): Uint8Array[] {
    const n = count >>> 0;
    if (n > IOV_MAX) throw new GuestError(E.INVAL);
    this.check(ptr, n * IOVEC.size);
    const view = this.view();
    const out: Uint8Array[] = [];
    const ptrs: number[] = [];
    for (let i = 0; i < n; i++) {
      const base = (ptr >>> 0) + i * IOVEC.size;
      const buf = view.getUint32(base + IOVEC.buf, true);
      const len = view.getUint32(base + IOVEC.len, true);
      out.push(this.bytes(buf, len));
      ptrs.push(buf, len);
    }
    origins.set(out, { mem: this, ptrs });
    return out;
  }

  /** A NUL-terminated string starting at ptr (at most `max` bytes). */
  cString(ptr: number, max = 4096): string {
    const size = this.memory().buffer.byteLength;
    const start = ptr >>> 0;
    if (start >= size) throw new GuestError(E.FAULT);
    const all = new Uint8Array(this.memory().buffer);
    const limit = Math.min(size, start + max);
    let end = start;
    while (end < limit && all[end] !== 0) end++;
    if (end === limit) throw new GuestError(end === size ? E.FAULT : E.NAMETOOLONG);
    return new TextDecoder().decode(all.slice(start, end));
  }

  /**
   * A path argument (pointer and length, no terminator): UTF-8, as
   * preview 1 requires (EILSEQ otherwise); a NUL inside is EINVAL.
   */
  path(ptr: number, len: number): string {
    const bytes = this.bytes(ptr, len);
    if (bytes.includes(0)) throw new GuestError(E.INVAL);
    try {
      return strictUtf8.decode(bytes);
    } catch {
      throw new GuestError(E.ILSEQ);
    }
  }

  u8(ptr: number, value: number): void {
    this.check(ptr, 1);
    this.view().setUint8(ptr >>> 0, value);
  }

  u32(ptr: number, value: number): void {
    this.check(ptr, 4);
    this.view().setUint32(ptr >>> 0, value >>> 0, true);
  }

  i32(ptr: number, value: number): void {
    this.check(ptr, 4);
    this.view().setInt32(ptr >>> 0, value, true);
  }

  u16(ptr: number, value: number): void {
    this.check(ptr, 2);
    this.view().setUint16(ptr >>> 0, value, true);
  }

  u64(ptr: number, value: bigint): void {
    this.check(ptr, 8);
    this.view().setBigUint64(ptr >>> 0, value, true);
  }

  readU32(ptr: number): number {
    this.check(ptr, 4);
    return this.view().getUint32(ptr >>> 0, true);
  }
}

/** Sum of the lengths of a list of buffers. */
export function totalLength(buffers: Uint8Array[]): number {
  let total = 0;
  for (const b of buffers) total += b.length;
  return total;
}

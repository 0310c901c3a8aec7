// One protocol's port numbers (TCP and UDP each have their own): which
// sockets hold each port, and the ephemeral port allocator.

import type { Binding } from './addresses.js';

export interface PortHolder {
  readonly binding: Binding;
}

/** The range the allocator hands out for port 0, inclusive (Linux's default). */
export interface PortRange {
  low: number;
  high: number;
}

export const DEFAULT_EPHEMERAL: PortRange = { low: 32768, high: 60999 };

export class PortSpace<T extends PortHolder> {
  private readonly byPort = new Map<number, T[]>();
  private next: number;

  constructor(private readonly ephemeral: PortRange = DEFAULT_EPHEMERAL) {
    if (!(Number.isInteger(ephemeral.low) && Number.isInteger(ephemeral.high) && ephemeral.low >= 1 && ephemeral.low <= ephemeral.high && ephemeral.high <= 65535)) {
      throw new RangeError(`bad ephemeral port range ${ephemeral.low}-${ephemeral.high}`);
    }
    this.next = ephemeral.low;
  }

  /** The holders of `port`, oldest first (a copy). */
  holders(port: number): T[] {
    return [...(this.byPort.get(port) ?? [])];
  }

  inUse(port: number): boolean {
    return this.byPort.has(port);
  }

  add(port: number, holder: T): void {
    const list = this.byPort.get(port);
    if (list) list.push(holder);
    else this.byPort.set(port, [holder]);
  }

  remove(port: number, holder: T): void {
    const list = this.byPort.get(port);
    if (!list) return;
    const i = list.indexOf(holder);
    if (i !== -1) list.splice(i, 1);
    if (list.length === 0) this.byPort.delete(port);
  }

  /** Every held port with its holders. */
  *entries(): IterableIterator<[number, readonly T[]]> {
    yield* this.byPort.entries();
  }

  /**
   * The next ephemeral port nobody holds, going round the range from where
   * the last allocation stopped; null when every one is taken.
   */
  allocate(): number | null {
    const { low, high } = this.ephemeral;
    const size = high - low + 1;
    for (let i = 0; i < size; i++) {
      const port = low + ((this.next - low + i) % size);
      if (this.byPort.has(port)) continue;
      this.next = port === high ? low : port + 1;
      return port;
    }
    return null;
  }
}

// Control calls (open, bind, connect, accept, close, …): the guest writes
// the request as JSON into the arena's request area, rings the doorbell and
// sleeps on REPLY_SEQ; the I/O thread performs the operation, writes the
// reply into the reply area and wakes it. Shared memory and futexes instead
// of postMessage: a round trip costs microseconds, not tens of them. One
// call is outstanding at a time (the guest is one thread), so neither area
// needs allocation.

import { type Arena, H, REPLY_AREA_BYTES, REQUEST_AREA_BYTES } from './arena.js';
import { ringDoorbell } from './signals.js';
import { E } from '../abi/errno.js';

export interface ControlRequest {
  kind: 'control';
  id: number;
  op: string;
  args: Record<string, unknown>;
}

/** Every reply has an errno; other fields depend on the operation. */
export interface ControlReply {
  errno: number;
  [field: string]: unknown;
}

/**
 * How a guest's control call reaches the socket state machine: a request in
 * shared memory and a futex wait for the reply (worker mode, FutexControl
 * below), or a direct call on the same thread (JSPI mode, jspi/direct-control.ts).
 */
export interface Control {
  call(op: string, args?: Record<string, unknown>): ControlReply;
}


/** Guest side, worker mode. */
export class FutexControl implements Control {
  private seq = 0;

  constructor(private readonly arena: Arena) {}

  call(op: string, args: Record<string, unknown> = {}): ControlReply {
    const id = (this.seq = (this.seq + 1) | 0 || 1);
    const encoded = new TextEncoder().encode(JSON.stringify({ op, args }));
    if (encoded.length > REQUEST_AREA_BYTES) return { errno: E.NAMETOOLONG };
    const words = this.arena.words;
    this.arena.bytes.set(encoded, this.arena.requestOffset);
    Atomics.store(words, H.REQUEST_LEN, encoded.length);
    Atomics.store(words, H.REQUEST_SEQ, id);
    ringDoorbell(this.arena);
    for (;;) {
      const current = Atomics.load(words, H.REPLY_SEQ);
      if (current === id) break;
      Atomics.wait(words, H.REPLY_SEQ, current);
    }
    const length = Atomics.load(words, H.REPLY_LEN);
    // slice() copies out of shared memory: TextDecoder refuses shared views.
    const json = new TextDecoder().decode(this.arena.bytes.slice(this.arena.replyOffset, this.arena.replyOffset + length));
    return JSON.parse(json) as ControlReply;
  }
}

/**
 * I/O side: the guest's request, if one was written since `lastSeen`
 * (a sequence number); null otherwise.
 */
export function takeRequest(arena: Arena, lastSeen: number): ControlRequest | null {
  const id = Atomics.load(arena.words, H.REQUEST_SEQ);
  if (id === lastSeen || id === 0) return null;
  const length = Atomics.load(arena.words, H.REQUEST_LEN);
  try {
    const text = new TextDecoder().decode(arena.bytes.slice(arena.requestOffset, arena.requestOffset + length));
    const parsed = JSON.parse(text) as { op?: unknown; args?: unknown };
    const args = typeof parsed.args === 'object' && parsed.args !== null ? (parsed.args as Record<string, unknown>) : {};
    return { kind: 'control', id, op: String(parsed.op), args };
  } catch {
    // A request the host cannot read still gets an answer, so the guest never hangs.
    return { kind: 'control', id, op: '(unreadable)', args: {} };
  }
}

/** I/O side: publishes the reply to request `id` and wakes the guest. */
export function writeReply(arena: Arena, id: number, reply: ControlReply): void {
  let encoded = new TextEncoder().encode(JSON.stringify(reply));
  if (encoded.length > REPLY_AREA_BYTES) {
    encoded = new TextEncoder().encode(JSON.stringify({ errno: E.NOBUFS }));
  }
  arena.bytes.set(encoded, arena.replyOffset);
  Atomics.store(arena.words, H.REPLY_LEN, encoded.length);
  Atomics.store(arena.words, H.REPLY_SEQ, id);
  Atomics.notify(arena.words, H.REPLY_SEQ);
}


/** The guest side's name for either mode's control (socket-imports.ts, socket-fd.ts); as a value, worker mode's. */
export type ControlClient = Control;
export const ControlClient = FutexControl;

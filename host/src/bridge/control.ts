// Control calls (open, bind, connect, accept, close, …): the guest posts a
// request message and sleeps on REPLY_SEQ; the I/O thread performs the
// operation, writes the reply as JSON into the arena's reply area and wakes
// it. One call is outstanding at a time (the guest is one thread), so the
// reply area needs no allocation.

import { type Arena, H, REPLY_AREA_BYTES } from './arena.js';
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

export interface MessageTarget {
  postMessage(message: unknown): void;
}

/** Guest side. */
export class ControlClient {
  private seq = 0;

  constructor(private readonly arena: Arena, private readonly target: MessageTarget) {}

  call(op: string, args: Record<string, unknown> = {}): ControlReply {
    const id = (this.seq = (this.seq + 1) | 0 || 1);
    const request: ControlRequest = { kind: 'control', id, op, args };
    this.target.postMessage(request);
    const words = this.arena.words;
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

export function isControlRequest(message: unknown): message is ControlRequest {
  return typeof message === 'object' && message !== null && (message as ControlRequest).kind === 'control';
}

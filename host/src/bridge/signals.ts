// Wake-ups between the guest's worker and the I/O thread, both through words
// of the arena header so neither side needs a message for the common case:
//
// - guest → I/O: the guest marks a slot dirty (a bit in the dirty bitmap) and
//   rings the doorbell only if nobody rang it since the I/O thread last
//   looked; the I/O thread waits on the doorbell with Atomics.waitAsync.
// - I/O → guest: the I/O thread bumps WAKE_SEQ after any change a blocked
//   call may be waiting for, and notifies only while the guest sleeps.
//
// When both run on one thread (JSPI mode) the arena's SameThreadLink takes
// both directions instead (bridge/same-thread.ts).

import { type Arena, H, isShared } from './arena.js';
import { type ControlRequest, takeRequest } from './control.js';

/** Guest side: tell the I/O thread that `slot` has work (data sent, space freed, close). */
export function markDirty(arena: Arena, slot: number): void {
  if (arena.sameThread) {
    arena.sameThread.dirty(slot);
    return;
  }
  Atomics.or(arena.words, arena.dirtyWord0 + (slot >> 5), 1 << (slot & 31));
  ringDoorbell(arena);
}

/** Guest side: wakes the I/O thread unless it was already woken and has not looked yet. */
export function ringDoorbell(arena: Arena): void {
  if (Atomics.compareExchange(arena.words, H.DOORBELL, 0, 1) === 0) {
    Atomics.notify(arena.words, H.DOORBELL);
  }
}

/** I/O side: something a blocked guest call may wait for has changed. */
export function wakeGuest(arena: Arena): void {
  Atomics.add(arena.words, H.WAKE_SEQ, 1);
  if (arena.sameThread) {
    arena.sameThread.wake();
    return;
  }
  // One notify per sleep: clearing the flag here means the changes that
  // follow before the guest runs again cost no further futex wake.
  if (Atomics.load(arena.words, H.GUEST_SLEEPING) !== 0 && Atomics.compareExchange(arena.words, H.GUEST_SLEEPING, 1, 0) === 1) {
    Atomics.notify(arena.words, H.WAKE_SEQ);
  }
}

/** Guest side: the value to pass to sleepUntilWoken, read before checking readiness. */
export function wakeSeq(arena: Arena): number {
  return Atomics.load(arena.words, H.WAKE_SEQ);
}

/**
 * Guest side: sleeps until WAKE_SEQ moves past `seen` or `timeoutMs` passes
 * (Infinity = no limit). Reading `seen` before the readiness check closes the
 * race with a wake-up that lands between the check and the sleep.
 */
export function sleepUntilWoken(arena: Arena, seen: number, timeoutMs: number): void {
  Atomics.store(arena.words, H.GUEST_SLEEPING, 1);
  Atomics.wait(arena.words, H.WAKE_SEQ, seen, timeoutMs);
  Atomics.store(arena.words, H.GUEST_SLEEPING, 0);
}

/**
 * I/O side: each time the doorbell rings, until `stop()` is called, hands a
 * new control request to `onRequest` and calls `onDirty(slot)` for every
 * slot the guest marked.
 */
export function watchDoorbell(arena: Arena, onDirty: (slot: number) => void, onRequest: (request: ControlRequest) => void): { stop(): void } {
  // A non-shared arena has its guest on this thread (JSPI mode): no doorbell,
  // the guest's calls arrive directly (bridge/same-thread.ts).
  if (!isShared(arena.buffer)) return { stop() {} };
  let running = true;
  let lastRequest = 0;
  const words = arena.words;
  const drain = () => {
    Atomics.store(words, H.DOORBELL, 0);
    // The request is read first and handled last: whatever the guest marked
    // before writing it (a close() that frees a port the request binds) is
    // then visible to the dirty scan, and handled before it.
    const request = takeRequest(arena, lastRequest);
    const n = arena.dirtyWords;
    for (let i = 0; i < n; i++) {
      if (Atomics.load(words, arena.dirtyWord0 + i) === 0) continue;
      let bits = Atomics.exchange(words, arena.dirtyWord0 + i, 0);
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        onDirty(i * 32 + bit);
      }
    }
    if (request) {
      lastRequest = request.id;
      onRequest(request);
    }
  };
  const loop = async () => {
    while (running) {
      const result = Atomics.waitAsync(words, H.DOORBELL, 0);
      if (result.async) await result.value;
      if (!running) break;
      try {
        drain();
      } catch (err) {
        // A handler bug must not silently stop all socket I/O.
        queueMicrotask(() => { throw err; });
      }
    }
  };
  void loop();
  return {
    stop() {
      running = false;
      Atomics.store(words, H.DOORBELL, 1);
      Atomics.notify(words, H.DOORBELL);
    },
  };
}

// poll_oneoff over the arena's readiness words: checks every subscription,
// and if none is ready sleeps on WAKE_SEQ until the I/O thread reports a
// change or the earliest clock deadline passes. No busy-waiting: a guest
// blocked in poll() or sleep() costs no CPU.

import type { Fd } from '@bjorn3/browser_wasi_shim';
import type { Arena } from '../bridge/arena.js';
import { blockUntil } from './blocking.js';
import { E } from '../abi/errno.js';
import { CLOCKID, EVENT, EVENTRWFLAGS, EVENTTYPE, SUBCLOCKFLAGS, SUBSCRIPTION } from '../abi/wasi.js';
import { GuestError, type GuestMemory } from './guest-memory.js';
import { fdReadiness, type Ready } from './readiness.js';

function nowNs(clock: number): bigint {
  if (clock === CLOCKID.REALTIME) return BigInt(Date.now()) * 1_000_000n;
  return BigInt(Math.round(performance.now() * 1e6));
}

/** The clock subscriptions due by `deadline`, in subscription order. */
function clockEvents(types: Uint8Array, deadlines: Float64Array, deadline: number, none: Ready): { index: number; ready: Ready }[] {
  const events: { index: number; ready: Ready }[] = [];
  for (let i = 0; i < types.length; i++) if (types[i] === EVENTTYPE.CLOCK && deadlines[i] <= deadline) events.push({ index: i, ready: none });
  return events;
}

export function pollOneoff(arena: Arena, mem: GuestMemory, fds: (Fd | undefined)[]) {
  return (inPtr: number, outPtr: number, count: number, neventsOut: number): number => {
    try {
      const n = count >>> 0;
      if (n === 0) return E.INVAL;
      mem.check(inPtr, n * SUBSCRIPTION.size);
      mem.check(outPtr, n * EVENT.size);
      mem.check(neventsOut, 4);
      const view = mem.view();
      // One typed array per call, not an object (and a BigInt userdata) per
      // subscription: a poll() over a thousand sockets made a thousand of
      // each on every call. userdata is copied from the subscription itself
      // when the event is written (the caller's array, untouched while it
      // waits). A call's arrays are its own: in JSPI mode another green
      // thread may poll while this one waits.
      const types = new Uint8Array(n);
      const fdsOf = new Int32Array(n);
      const deadlines = new Float64Array(n);
      let deadline = Infinity;
      for (let i = 0; i < n; i++) {
        const base = (inPtr >>> 0) + i * SUBSCRIPTION.size;
        const type = view.getUint8(base + SUBSCRIPTION.tag);
        types[i] = type;
        if (type === EVENTTYPE.CLOCK) {
          const clock = view.getUint32(base + SUBSCRIPTION.clockId, true);
          if (clock !== CLOCKID.REALTIME && clock !== CLOCKID.MONOTONIC) return E.INVAL;
          const timeout = view.getBigUint64(base + SUBSCRIPTION.clockTimeout, true);
          const flags = view.getUint16(base + SUBSCRIPTION.clockFlags, true);
          const relativeNs = flags & SUBCLOCKFLAGS.ABSTIME ? timeout - nowNs(clock) : timeout;
          const at = performance.now() + Math.max(0, Number(relativeNs) / 1e6);
          deadlines[i] = at;
          deadline = Math.min(deadline, at);
        } else if (type === EVENTTYPE.FD_READ || type === EVENTTYPE.FD_WRITE) {
          fdsOf[i] = view.getUint32(base + SUBSCRIPTION.fd, true);
        } else {
          return E.INVAL;
        }
      }

      const NONE: Ready = { error: 0, nbytes: 0, hangup: false };
      const collect = (): { index: number; ready: Ready }[] | undefined => {
        const events: { index: number; ready: Ready }[] = [];
        const now = performance.now();
        for (let i = 0; i < n; i++) {
          if (types[i] === EVENTTYPE.CLOCK) {
            if (now >= deadlines[i]) events.push({ index: i, ready: NONE });
            continue;
          }
          const ready = fdReadiness(fds[fdsOf[i]], types[i] === EVENTTYPE.FD_WRITE);
          if (ready) events.push({ index: i, ready });
        }
        return events.length > 0 ? events : undefined;
      };

      // Linux never restarts poll/select/sleep after a handler: EINTR.
      const result = blockUntil(arena, deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now()), collect, undefined, 'interrupt');
      if (typeof result === 'symbol' && arena.interrupts?.interrupted) return E.INTR;
      // On timeout, the clock subscription(s) with the earliest deadline fire.
      const events = typeof result === 'symbol'
        ? clockEvents(types, deadlines, deadline, NONE)
        : result;
      const out = mem.view();
      // Every userdata is read before any event is written (the two arrays
      // may overlap in a careless caller).
      const userdata = new Uint32Array(events.length * 2);
      for (let e = 0; e < events.length; e++) {
        const from = (inPtr >>> 0) + events[e].index * SUBSCRIPTION.size + SUBSCRIPTION.userdata;
        userdata[2 * e] = out.getUint32(from, true);
        userdata[2 * e + 1] = out.getUint32(from + 4, true);
      }
      for (let e = 0; e < events.length; e++) {
        const { index, ready } = events[e];
        const base = (outPtr >>> 0) + e * EVENT.size;
        for (let b = 0; b < EVENT.size; b += 4) out.setUint32(base + b, 0, true);
        out.setUint32(base + EVENT.userdata, userdata[2 * e], true);
        out.setUint32(base + EVENT.userdata + 4, userdata[2 * e + 1], true);
        out.setUint16(base + EVENT.error, ready.error, true);
        out.setUint8(base + EVENT.type, types[index]);
        if (types[index] !== EVENTTYPE.CLOCK) {
          out.setUint32(base + EVENT.nbytes, ready.nbytes >>> 0, true);
          out.setUint16(base + EVENT.flags, ready.hangup ? EVENTRWFLAGS.HANGUP : 0, true);
        }
      }
      out.setUint32(neventsOut >>> 0, events.length, true);
      return 0;
    } catch (err) {
      if (err instanceof GuestError) return err.errno;
      if (err instanceof RangeError) return E.FAULT;
      throw err;
    }
  };
}

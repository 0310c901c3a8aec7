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

interface Subscription {
  userdata: bigint;
  type: number;
  fd: number;
  /** Absolute deadline in performance.now() milliseconds (clock subscriptions). */
  deadline: number;
}

function nowNs(clock: number): bigint {
  if (clock === CLOCKID.REALTIME) return BigInt(Date.now()) * 1_000_000n;
  return BigInt(Math.round(performance.now() * 1e6));
}

export function pollOneoff(arena: Arena, mem: GuestMemory, fds: (Fd | undefined)[]) {
  const readiness = (sub: Subscription): Ready | null => fdReadiness(fds[sub.fd], sub.type === EVENTTYPE.FD_WRITE);

  return (inPtr: number, outPtr: number, count: number, neventsOut: number): number => {
    try {
      const n = count >>> 0;
      if (n === 0) return E.INVAL;
      mem.check(inPtr, n * SUBSCRIPTION.size);
      mem.check(outPtr, n * EVENT.size);
      mem.check(neventsOut, 4);
      const view = mem.view();
      const subs: Subscription[] = [];
      let deadline = Infinity;
      for (let i = 0; i < n; i++) {
        const base = (inPtr >>> 0) + i * SUBSCRIPTION.size;
        const type = view.getUint8(base + SUBSCRIPTION.tag);
        const userdata = view.getBigUint64(base + SUBSCRIPTION.userdata, true);
        if (type === EVENTTYPE.CLOCK) {
          const clock = view.getUint32(base + SUBSCRIPTION.clockId, true);
          if (clock !== CLOCKID.REALTIME && clock !== CLOCKID.MONOTONIC) return E.INVAL;
          const timeout = view.getBigUint64(base + SUBSCRIPTION.clockTimeout, true);
          const flags = view.getUint16(base + SUBSCRIPTION.clockFlags, true);
          const relativeNs = flags & SUBCLOCKFLAGS.ABSTIME ? timeout - nowNs(clock) : timeout;
          const at = performance.now() + Math.max(0, Number(relativeNs) / 1e6);
          subs.push({ userdata, type, fd: -1, deadline: at });
          deadline = Math.min(deadline, at);
        } else if (type === EVENTTYPE.FD_READ || type === EVENTTYPE.FD_WRITE) {
          subs.push({ userdata, type, fd: view.getUint32(base + SUBSCRIPTION.fd, true), deadline: Infinity });
        } else {
          return E.INVAL;
        }
      }

      const collect = (): { sub: Subscription; ready: Ready }[] | undefined => {
        const events: { sub: Subscription; ready: Ready }[] = [];
        const now = performance.now();
        for (const sub of subs) {
          if (sub.type === EVENTTYPE.CLOCK) {
            if (now >= sub.deadline) events.push({ sub, ready: { error: 0, nbytes: 0, hangup: false } });
            continue;
          }
          const ready = readiness(sub);
          if (ready) events.push({ sub, ready });
        }
        return events.length > 0 ? events : undefined;
      };

      // Linux never restarts poll/select/sleep after a handler: EINTR.
      const result = blockUntil(arena, deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now()), collect, undefined, 'interrupt');
      if (typeof result === 'symbol' && arena.interrupts?.interrupted) return E.INTR;
      // On timeout, the clock subscription(s) with the earliest deadline fire.
      const events = typeof result === 'symbol'
        ? subs.filter((s) => s.type === EVENTTYPE.CLOCK && s.deadline <= deadline).map((sub) => ({ sub, ready: { error: 0, nbytes: 0, hangup: false } }))
        : result;
      const out = mem.view();
      events.forEach(({ sub, ready }, i) => {
        const base = (outPtr >>> 0) + i * EVENT.size;
        for (let b = 0; b < EVENT.size; b += 8) out.setBigUint64(base + b, 0n, true);
        out.setBigUint64(base + EVENT.userdata, sub.userdata, true);
        out.setUint16(base + EVENT.error, ready.error, true);
        out.setUint8(base + EVENT.type, sub.type);
        if (sub.type !== EVENTTYPE.CLOCK) {
          out.setBigUint64(base + EVENT.nbytes, BigInt(ready.nbytes), true);
          out.setUint16(base + EVENT.flags, ready.hangup ? EVENTRWFLAGS.HANGUP : 0, true);
        }
      });
      out.setUint32(neventsOut >>> 0, events.length, true);
      return 0;
    } catch (err) {
      if (err instanceof GuestError) return err.errno;
      if (err instanceof RangeError) return E.FAULT;
      throw err;
    }
  };
}

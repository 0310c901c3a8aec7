// What a descriptor is ready for, asked the same way by poll_oneoff
// (poll.ts) and by epoll (epoll.ts): one answer per direction, and for epoll
// the counters that say whether something new happened since it last looked
// (edge-triggered registrations report only then).

import type { Fd } from '@bjorn3/browser_wasi_shim';
import { E } from '../abi/errno.js';
import { SocketFd } from './socket-fd.js';
import { StdinFd } from './stdio.js';
import { isPipeEnd } from './pipe.js';

export interface Ready {
  error: number;
  nbytes: number;
  hangup: boolean;
}

/** A descriptor type that answers readiness itself (epoll instances). */
export interface SelfReporting {
  readiness(write: boolean): Ready | null;
  activity(): Activity;
}

const selfReporting = new WeakSet<Fd>();

/** Registers `obj` as answering readiness and activity itself. */
export function reportsItself(obj: Fd & SelfReporting): void {
  selfReporting.add(obj);
}

function isSelfReporting(obj: Fd): obj is Fd & SelfReporting {
  return selfReporting.has(obj);
}

/** poll_oneoff's answer for `obj` in one direction; null when not ready. */
export function fdReadiness(obj: Fd | undefined, write: boolean): Ready | null {
  if (obj === undefined) return { error: E.BADF, nbytes: 0, hangup: false };
  if (obj instanceof SocketFd) {
    const r = write ? obj.writable() : obj.readable();
    if (!r.ready) return null;
    // A pending socket error rides on the ready event (not consumed): the
    // guest's poll() shows it as POLLERR next to POLLIN/POLLOUT.
    return { error: obj.pendingError(), nbytes: r.nbytes, hangup: r.hangup };
  }
  if (obj instanceof StdinFd && !write) {
    const r = obj.readable();
    return r.ready ? { error: 0, nbytes: r.nbytes, hangup: r.hangup } : null;
  }
  if (isPipeEnd(obj)) {
    const r = obj.readiness(write);
    return r ? { error: r.error, nbytes: r.nbytes, hangup: r.hangup } : null;
  }
  if (isSelfReporting(obj)) return obj.readiness(write);
  // Files, directories and output streams never block.
  return { error: 0, nbytes: 0, hangup: false };
}

/**
 * Free-running counters of what happened on a descriptor: `rx` moves when
 * something arrives to read (bytes, a connection to accept), `tx` when room
 * to write comes back after a writer found none, `state` when the
 * connection's state or pending error changes (hang-up, EOF, connected).
 * Linux wakes an edge-triggered registration on exactly these: data
 * arrival wakes readers, freed space wakes writers that ran out of it
 * (SOCK_NOSPACE), a state change wakes everyone.
 */
export interface Activity {
  rx: number;
  tx: number;
  state: number;
}

export function fdActivity(obj: Fd): Activity {
  if (obj instanceof SocketFd) return obj.activity();
  if (obj instanceof StdinFd) return obj.activity();
  if (isPipeEnd(obj)) return obj.activity();
  if (isSelfReporting(obj)) return obj.activity();
  return { rx: 0, tx: 0, state: 0 };
}

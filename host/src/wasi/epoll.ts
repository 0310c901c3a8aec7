// epoll inside one guest: an epoll instance is a descriptor (an Fd in the
// guest's table, like a pipe end), so close() and dup() work on it and it can
// itself be watched by poll() or by another epoll instance. Its interest list
// holds one registration per (open object, descriptor number), as Linux keys
// it by (file, fd); the registration goes when the object's last descriptor
// closes. What is ready comes from readiness.ts, which poll_oneoff uses too.
//
// Level-triggered registrations report whenever the descriptor is ready.
// Edge-triggered ones (EPOLLET) report only when something new happened
// since they last looked — readiness.ts's activity counters moved — and the
// descriptor is ready for what they asked: unread data that was already
// there does not count again, as on Linux. EPOLLONESHOT disables a
// registration after one report, until EPOLL_CTL_MOD.
//
// epoll_wait sleeps in blockUntil (no spinning): in JSPI mode it suspends
// and is re-run from the top, so everything before blockUntil only reads,
// and what a harvest changes (edges seen, one-shots spent) is changed inside
// blockUntil's check, once.

import { Fd, wasi as shimWasi } from '@bjorn3/browser_wasi_shim';
import type { Arena } from '../bridge/arena.js';
import { SF } from '../bridge/arena.js';
import { E } from '../abi/errno.js';
import { EPOLL, EPOLL_CTL, EPOLL_EVENT, EPOLL_MAX_EVENTS } from '../abi/epoll.js';
import { FILETYPE, RIGHT } from '../abi/wasi.js';
import { blockUntil } from './blocking.js';
import { allocateFd } from './fd-table.js';
import { GuestError, guarded, type GuestMemory } from './guest-memory.js';
import { type Activity, type Ready, fdActivity, fdReadiness, reportsItself } from './readiness.js';
import { SocketFd } from './socket-fd.js';

/** Linux's EP_MAX_NESTS: how deep epoll instances may watch each other. */
const MAX_NESTING = 4;
/**
 * How many registrations of one epoll instance in another a guest may hold
 * (Linux caps wake-up paths instead, with EINVAL too): every epoll_wait
 * walks the instances it watches, so a guest weaving hundreds of them into
 * each other would only slow itself down, without a use.
 */
const MAX_NESTED_REGISTRATIONS = 64;

const IN_BITS = EPOLL.IN | EPOLL.RDNORM | EPOLL.RDBAND | EPOLL.PRI | EPOLL.RDHUP;
const OUT_BITS = EPOLL.OUT | EPOLL.WRNORM | EPOLL.WRBAND;
/** What EPOLLEXCLUSIVE may be combined with (Linux's EPOLLEXCLUSIVE_OK_BITS). */
const EXCLUSIVE_OK = EPOLL.IN | EPOLL.OUT | EPOLL.ERR | EPOLL.HUP | EPOLL.WAKEUP | EPOLL.ET | EPOLL.EXCLUSIVE;

interface Registration {
  readonly obj: Fd;
  readonly fd: number;
  /** The program's events, with EPOLLERR and EPOLLHUP always added (as Linux does). */
  events: number;
  data: bigint;
  /** Edge-triggered: the activity counters when it last looked; null: look at once (just added or modified). */
  seen: Activity | null;
  /** EPOLLONESHOT spent: nothing reported until EPOLL_CTL_MOD. */
  disabled: boolean;
}

export interface EpollEvent {
  events: number;
  data: bigint;
}

/** The events `obj` would report now, as Linux's poll methods set them (before masking). */
function currentEvents(obj: Fd, wanted: number): number {
  let mask = 0;
  const r = fdReadiness(obj, false);
  if (r) mask |= readBits(obj, r);
  const w = fdReadiness(obj, true);
  if (w) {
    mask |= EPOLL.OUT | EPOLL.WRNORM;
    if (w.error !== 0) mask |= EPOLL.ERR;
    if (w.hangup) mask |= EPOLL.HUP;
  } else if (wanted & OUT_BITS && obj instanceof SocketFd) {
    // tcp_poll() found no room: the next room to write is an edge (SOCK_NOSPACE).
    obj.noteNoSpace();
  }
  // The peer's FIN (or our SHUT_RD), and a connection gone both ways (a
  // reset: tcp_done() shuts both directions): Linux's RCV_SHUTDOWN, which
  // tcp_poll() reports as EPOLLRDHUP with EPOLLIN.
  if (obj instanceof SocketFd && obj.type === 'stream') {
    const flags = obj.flags();
    if (flags & SF.RX_EOF || (flags & SF.HANGUP && flags & SF.CONNECTED)) mask |= EPOLL.RDHUP | EPOLL.IN | EPOLL.RDNORM;
  }
  return mask;
}

/** The read half, as libsock's poll() turns poll_oneoff's answer into revents. */
function readBits(obj: Fd, r: Ready): number {
  // A pipe (or stdin) with nothing left and no writer is EPOLLHUP alone; a socket at EOF is readable too.
  if (r.hangup && r.nbytes === 0 && !(obj instanceof SocketFd)) return EPOLL.HUP;
  let bits = EPOLL.IN | EPOLL.RDNORM;
  if (r.error !== 0) bits |= EPOLL.ERR;
  if (r.hangup) bits |= EPOLL.HUP;
  return bits;
}

/** Whether an edge-triggered registration has something new to look at. */
function fresh(reg: Registration, now: Activity): boolean {
  const seen = reg.seen;
  if (seen === null || now.state !== seen.state) return true;
  return ((reg.events & IN_BITS) !== 0 && now.rx !== seen.rx) || ((reg.events & OUT_BITS) !== 0 && now.tx !== seen.tx);
}

export class EpollFd extends Fd {
  /** Every registration, in the order they were added. */
  private order: Registration[] = [];
  /**
   * Linux's ready list, which decides the order of reports: a registration
   * joins at the back when something happens on its descriptor (here: when a
   * harvest finds its activity moved), leaves when a harvest looks at it, and
   * a level-triggered one that reported joins again at the back, so ready
   * descriptors take turns when maxevents is smaller than their number.
   */
  private ready: Registration[] = [];

  constructor() {
    super();
    reportsItself(this);
  }

  find(obj: Fd, fd: number): Registration | undefined {
    return this.order.find((r) => r.obj === obj && r.fd === fd);
  }

  add(obj: Fd, fd: number, events: number, data: bigint): void {
    this.order.push({ obj, fd, events: events | EPOLL.ERR | EPOLL.HUP, data, seen: null, disabled: false });
    watchersOf(obj).add(this);
  }

  modify(reg: Registration, events: number, data: bigint): void {
    reg.events = events | EPOLL.ERR | EPOLL.HUP;
    reg.data = data;
    reg.seen = null;
    reg.disabled = false;
  }

  remove(reg: Registration): void {
    this.order = this.order.filter((r) => r !== reg);
    this.ready = this.ready.filter((r) => r !== reg);
    if (!this.order.some((r) => r.obj === reg.obj)) watchers.get(reg.obj)?.delete(this);
  }

  /** The object's last descriptor closed: every registration of it goes. */
  forget(obj: Fd): void {
    this.order = this.order.filter((r) => r.obj !== obj);
    this.ready = this.ready.filter((r) => r.obj !== obj);
  }

  /** The epoll instances this one watches (for the loop and depth checks). */
  watched(): EpollFd[] {
    return this.order.map((r) => r.obj).filter((o): o is EpollFd => o instanceof EpollFd);
  }

  /**
   * Up to `max` events ready now. `consume`: this is epoll_wait, so edges
   * seen are used up, one-shots spent and the ready list kept; otherwise
   * (poll() or another epoll asking whether this one is readable) nothing
   * changes.
   */
  harvest(max: number, consume: boolean): EpollEvent[] {
    // Who joins the ready list now: registrations whose descriptor had news
    // (the counters first: whatever happens after this snapshot is news
    // next time), then level-triggered ones that are ready without news we
    // can see (never miss a ready descriptor, whatever the order).
    const queued = new Set(this.ready);
    const candidates: { reg: Registration; now: Activity }[] = this.ready.map((reg) => ({ reg, now: fdActivity(reg.obj) }));
    const stale: { reg: Registration; now: Activity }[] = [];
    for (const reg of this.order) {
      if (queued.has(reg) || reg.disabled) continue;
      const now = fdActivity(reg.obj);
      if (fresh(reg, now)) candidates.push({ reg, now });
      else if (!(reg.events & EPOLL.ET)) stale.push({ reg, now });
    }
    candidates.push(...stale);
    // (`stale` entries sit at the end: unless looked at, they stay off the list.)

    const out: EpollEvent[] = [];
    const again: Registration[] = [];
    let looked = 0;
    for (const { reg, now } of candidates) {
      if (out.length >= max) break;
      looked++;
      if (reg.disabled) continue;
      // Looked at, ready or not: Linux takes the item off its ready list either way.
      if (consume) reg.seen = now;
      const events = currentEvents(reg.obj, reg.events) & reg.events & ~(EPOLL.ET | EPOLL.ONESHOT | EPOLL.EXCLUSIVE | EPOLL.WAKEUP);
      if (events === 0) continue;
      out.push({ events, data: reg.data });
      if (!consume) continue;
      if (reg.events & EPOLL.ONESHOT) reg.disabled = true;
      else if (!(reg.events & EPOLL.ET)) again.push(reg);
    }
    if (consume) {
      // Not looked at (maxevents reached) stays in front; reports that repeat go to the back.
      const waiting = candidates.slice(looked, candidates.length - stale.length).map((c) => c.reg);
      this.ready = [...waiting, ...again];
    }
    return out;
  }

  // --- as a descriptor: readable while it has events to report ------------

  readiness(write: boolean): Ready | null {
    if (write) return null;
    return this.harvest(1, false).length > 0 ? { error: 0, nbytes: 0, hangup: false } : null;
  }

  activity(): Activity {
    let rx = 0;
    let state = 0;
    for (const reg of this.order) {
      const a = fdActivity(reg.obj);
      rx += a.rx + a.tx;
      state += a.state;
    }
    return { rx, tx: 0, state };
  }

  override fd_fdstat_get(): { ret: number; fdstat: shimWasi.Fdstat | null } {
    const fdstat = new shimWasi.Fdstat(FILETYPE.UNKNOWN, 0);
    fdstat.fs_rights_base = RIGHT.POLL_FD_READWRITE;
    fdstat.fs_rights_inherited = 0n;
    return { ret: 0, fdstat };
  }
  override fd_fdstat_set_flags(): number {
    return 0;
  }
  override fd_filestat_get(): { ret: number; filestat: shimWasi.Filestat | null } {
    return { ret: 0, filestat: new shimWasi.Filestat(0n, FILETYPE.UNKNOWN, 0n) };
  }
  /** Linux: read and write on an epoll descriptor fail with EINVAL. */
  override fd_read(): { ret: number; data: Uint8Array } {
    return { ret: E.INVAL, data: new Uint8Array(0) };
  }
  override fd_write(): { ret: number; nwritten: number } {
    return { ret: E.INVAL, nwritten: 0 };
  }
  override fd_seek(): { ret: number; offset: bigint } {
    return { ret: E.SPIPE, offset: 0n };
  }
  override fd_prestat_get(): { ret: number; prestat: shimWasi.Prestat | null } {
    return { ret: E.BADF, prestat: null };
  }
  override fd_close(): number {
    for (const reg of this.order) watchers.get(reg.obj)?.delete(this);
    this.order = [];
    return 0;
  }
}

/** The epoll instances that hold a registration of each object. */
const watchers = new WeakMap<Fd, Set<EpollFd>>();

function watchersOf(obj: Fd): Set<EpollFd> {
  let set = watchers.get(obj);
  if (!set) watchers.set(obj, (set = new Set()));
  return set;
}

/** Called when `obj`'s last descriptor closes: it leaves every interest list. */
export function forgetClosed(obj: Fd): void {
  const set = watchers.get(obj);
  if (!set) return;
  for (const ep of set) ep.forget(obj);
  watchers.delete(obj);
}

/** Whether watching `target` from `ep` would close a loop or nest too deep (Linux: ELOOP). */
function wouldLoop(ep: EpollFd, target: EpollFd): boolean {
  // The instances already nested form no loop, so each one's depth is computed once.
  const known = new Map<EpollFd, number>();
  const depth = (from: EpollFd): number => {
    if (from === ep) return Infinity;
    const done = known.get(from);
    if (done !== undefined) return done;
    let deepest = 0;
    for (const inner of from.watched()) deepest = Math.max(deepest, 1 + depth(inner));
    known.set(from, deepest);
    return deepest;
  };
  return depth(target) + 1 > MAX_NESTING;
}

function isFileLike(obj: Fd): boolean {
  const type = obj.fd_fdstat_get().fdstat?.fs_filetype;
  return type === FILETYPE.REGULAR_FILE || type === FILETYPE.DIRECTORY;
}

export const EPOLL_IMPORT_NAMES = ['wasock_epoll_create', 'wasock_epoll_ctl', 'wasock_epoll_wait'] as const;

export interface EpollContext {
  mem: GuestMemory;
  fds: (Fd | undefined)[];
  arena: Arena;
}

export function epollImports(ctx: EpollContext): Record<string, (...args: never[]) => number> {
  const { mem } = ctx;
  const epollAt = (fd: number): EpollFd => {
    const obj = ctx.fds[fd];
    if (obj === undefined) throw new GuestError(E.BADF);
    if (!(obj instanceof EpollFd)) throw new GuestError(E.INVAL);
    return obj;
  };
  return {
    /** wasock_epoll_create(*fd_out) -> errno: a new, empty epoll instance. */
    wasock_epoll_create: (out: number) =>
      guarded(() => {
        mem.check(out, 4);
        mem.u32(out, allocateFd(ctx.fds, new EpollFd()));
        return 0;
      }),

    /** wasock_epoll_ctl(epfd, op, fd, *event) -> errno, with Linux's checks in Linux's order. */
    wasock_epoll_ctl: (epfd: number, op: number, fd: number, eventPtr: number) =>
      guarded(() => {
        let events = 0;
        let data = 0n;
        if (op !== EPOLL_CTL.DEL) {
          mem.check(eventPtr, EPOLL_EVENT.size);
          const view = mem.view();
          events = view.getUint32((eventPtr >>> 0) + EPOLL_EVENT.events, true);
          data = view.getBigUint64((eventPtr >>> 0) + EPOLL_EVENT.data, true);
        }
        const epObj = ctx.fds[epfd];
        const target = ctx.fds[fd];
        if (epObj === undefined || target === undefined) return E.BADF;
        if (isFileLike(target)) return E.PERM;
        if (op !== EPOLL_CTL.DEL && events & EPOLL.EXCLUSIVE) {
          if (op === EPOLL_CTL.MOD) return E.INVAL;
          if (op === EPOLL_CTL.ADD && (target instanceof EpollFd || (events & ~EXCLUSIVE_OK) !== 0)) return E.INVAL;
        }
        if (epObj === target || !(epObj instanceof EpollFd)) return E.INVAL;
        const ep = epObj;
        if (op === EPOLL_CTL.ADD && target instanceof EpollFd) {
          if (wouldLoop(ep, target)) return E.LOOP;
          const nested = ctx.fds.reduce((n, obj) => n + (obj instanceof EpollFd ? obj.watched().length : 0), 0);
          if (nested >= MAX_NESTED_REGISTRATIONS) return E.INVAL;
        }
        const reg = ep.find(target, fd);
        switch (op) {
          case EPOLL_CTL.ADD:
            if (reg) return E.EXIST;
            ep.add(target, fd, events, data);
            return 0;
          case EPOLL_CTL.DEL:
            if (!reg) return E.NOENT;
            ep.remove(reg);
            return 0;
          case EPOLL_CTL.MOD:
            if (!reg) return E.NOENT;
            if (reg.events & EPOLL.EXCLUSIVE) return E.INVAL;
            ep.modify(reg, events, data);
            return 0;
          default:
            return E.INVAL;
        }
      }),

    /**
     * wasock_epoll_wait(epfd, *events, maxevents, timeout_ms, *n_out) -> errno:
     * sleeps until a registration has something to report or timeout_ms
     * passes (negative: no limit; 0: a plain look).
     */
    wasock_epoll_wait: (epfd: number, eventsPtr: number, maxEvents: number, timeoutMs: number, nOut: number) =>
      guarded(() => {
        const max = maxEvents | 0;
        if (max <= 0 || max > EPOLL_MAX_EVENTS) return E.INVAL;
        mem.check(eventsPtr, max * EPOLL_EVENT.size);
        mem.check(nOut, 4);
        const ep = epollAt(epfd);
        const timeout = (timeoutMs | 0) < 0 ? Infinity : timeoutMs | 0;
        // Linux never restarts epoll_wait after a handler (SA_RESTART or
        // not): a signal ends it with EINTR, as poll's wait.
        const result = blockUntil(ctx.arena, timeout, () => {
          const events = ep.harvest(max, true);
          return events.length > 0 ? events : undefined;
        }, undefined, 'interrupt');
        if (typeof result === 'symbol' && ctx.arena.interrupts?.interrupted) return E.INTR;
        const got: EpollEvent[] = typeof result === 'symbol' ? [] : result;
        const view = mem.view();
        got.forEach((ev, i) => {
          const base = (eventsPtr >>> 0) + i * EPOLL_EVENT.size;
          view.setUint32(base + EPOLL_EVENT.events, ev.events >>> 0, true);
          view.setUint32(base + 4, 0, true);
          view.setBigUint64(base + EPOLL_EVENT.data, ev.data, true);
        });
        mem.u32(nOut, got.length);
        return 0;
      }),
  };
}

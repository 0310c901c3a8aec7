// The diagram's memory of what the programs did: their trace events as a
// bounded list of entries for buildDiagram (sequence/model.ts). A bulk
// transfer makes thousands of identical calls a second, so taking an event
// must cost O(1) and the list must not grow with them:
//   - a run of the same data call on the same fd of one program (all moving
//     bytes, or all failing with the same errno) is one entry, extended in
//     place: `write(3, 65536) = 65536 ×1024 · 64 MiB`;
//   - past `maxRows` entries the oldest go, counted as calls not shown;
//   - except the calls that say which socket is which (socket, bind,
//     listen, connect, accept): they stay while their socket is open, or the
//     diagram could no longer tell that two programs of the page talk to
//     each other and would draw their traffic as going outside;
//   - each stream entry carries its byte offset on its socket, counted here
//     for every call, so arrows still join the right write and read after
//     the rows before them are gone.
// Datagram calls are never coalesced: each is matched to one datagram.

import type { TraceEvent } from '../../host/src/api/browser.js';
import type { CallRun, DiagramEntry } from './model.js';

type CallEntry = Extract<DiagramEntry, { call: TraceEvent }>;
type EndEntry = Extract<DiagramEntry, { end: unknown }>;

/** Stream calls that can form a run. */
const DATA_CALLS = new Set(['read', 'write', 'send', 'recv']);
const SENDS = new Set(['write', 'send']);
/** Calls on a socket that buildDiagram needs to pair it with its peer. */
const IDENTITY_CALLS = new Set(['bind', 'listen', 'connect']);

/** One fd lifetime of one program. */
interface SocketRecord {
  dgram: boolean;
  /** Stream bytes so far, each direction. */
  sent: number;
  received: number;
  /** The entries this socket keeps while it is open (its identity, and its listener's). */
  pinned: DiagramEntry[];
}

export class TraceLog {
  /** Entries from `head` on are the recent ones; the array is compacted now and then. */
  private list: DiagramEntry[] = [];
  private head = 0;
  /** Entries older than every recent one, kept because an open socket needs them. */
  private kept: DiagramEntry[] = [];
  /** How many open sockets need each entry. */
  private readonly pins = new Map<DiagramEntry, number>();
  /** Each lane's newest entry while a run can still grow from it. */
  private readonly open = new Map<number, CallEntry>();
  /** Open sockets by socketKey(lane, fd). */
  private readonly sockets = new Map<number, SocketRecord>();
  /** Calls no longer shown, per lane. */
  private readonly droppedByLane = new Map<number, number>();
  private changes = 0;

  /** `maxRows` bounds the recent entries; the kept ones add at most a few per open socket. */
  constructor(private readonly maxRows: number) {}

  /** Grows with every change: a cheap "is my copy still current?". */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.kept.length + this.list.length - this.head;
  }

  /** The entries, oldest first (a fresh array the caller may keep). */
  entries(): DiagramEntry[] {
    return [...this.kept, ...this.list.slice(this.head)];
  }

  /** Calls dropped to stay within maxRows. */
  get dropped(): number {
    let n = 0;
    for (const d of this.droppedByLane.values()) n += d;
    return n;
  }

  call(lane: number, event: TraceEvent, at: number): void {
    this.changes++;
    const sock = this.socketOf(lane, event);
    const offset = advance(sock, event);
    const last = this.open.get(lane);
    if (last && extends_(last, event, sock)) {
      grow(last, event);
      return;
    }
    const entry: CallEntry = { lane, at, call: event };
    if (offset !== undefined) entry.offset = offset;
    this.add(entry);
    this.follow(lane, entry, sock);
    if (runnable(event, sock)) this.open.set(lane, entry);
  }

  end(lane: number, end: EndEntry['end'], at: number): void {
    this.changes++;
    this.add({ lane, at, end });
  }

  /** Forgets one lane (its program starts again), or everything. */
  clear(lane?: number): void {
    this.changes++;
    if (lane === undefined) {
      this.list = [];
      this.head = 0;
      this.kept = [];
      this.pins.clear();
      this.open.clear();
      this.sockets.clear();
      this.droppedByLane.clear();
      return;
    }
    const mine = (e: DiagramEntry) => e.lane === lane;
    for (const e of this.entries()) if (mine(e)) this.pins.delete(e);
    this.kept = this.kept.filter((e) => !mine(e));
    this.list = this.list.slice(this.head).filter((e) => !mine(e));
    this.head = 0;
    this.open.delete(lane);
    this.droppedByLane.delete(lane);
    for (const key of [...this.sockets.keys()]) if (laneOf(key) === lane) this.sockets.delete(key);
  }

  private add(entry: DiagramEntry): void {
    this.open.delete(entry.lane);
    this.list.push(entry);
    while (this.list.length - this.head > this.maxRows) {
      const old = this.list[this.head]!;
      this.list[this.head++] = undefined as unknown as DiagramEntry;
      if (this.open.get(old.lane) === old) this.open.delete(old.lane);
      if (this.pins.has(old)) this.kept.push(old);
      else this.drop(old);
    }
    // Compacting once half the array is dead keeps trimming O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
  }

  private drop(entry: DiagramEntry): void {
    this.droppedByLane.set(entry.lane, (this.droppedByLane.get(entry.lane) ?? 0) + ('call' in entry ? (entry.run?.count ?? 1) : 1));
  }

  /** The record of the socket a call is on (made up for an fd from before the trace). */
  private socketOf(lane: number, e: TraceEvent): SocketRecord | null {
    if (e.fd === null || e.call === 'socket') return null;
    const key = socketKey(lane, e.fd);
    let sock = this.sockets.get(key);
    if (!sock) this.sockets.set(key, (sock = { dgram: false, sent: 0, received: 0, pinned: [] }));
    return sock;
  }

  /** Follows fd lifetimes (as buildDiagram does) and what each open socket keeps. */
  private follow(lane: number, entry: CallEntry, sock: SocketRecord | null): void {
    const e = entry.call;
    if (e.result < 0) return;
    const opened = (fd: number, record: SocketRecord) => {
      const key = socketKey(lane, fd);
      const before = this.sockets.get(key);
      if (before) this.release(before);
      this.sockets.set(key, record);
      for (const p of record.pinned) this.pin(p);
    };
    if (e.call === 'socket') {
      opened(e.result, { dgram: e.args.includes('SOCK_DGRAM'), sent: 0, received: 0, pinned: [entry] });
    } else if (e.call === 'accept' && sock) {
      // The connection is known by its accept and by its listener's port.
      opened(e.result, { dgram: false, sent: 0, received: 0, pinned: [entry, ...sock.pinned] });
    } else if (IDENTITY_CALLS.has(e.call) && sock) {
      sock.pinned.push(entry);
      this.pin(entry);
    } else if (e.call === 'close' && e.fd !== null && sock) {
      this.sockets.delete(socketKey(lane, e.fd));
      this.release(sock);
    }
  }

  private pin(entry: DiagramEntry): void {
    this.pins.set(entry, (this.pins.get(entry) ?? 0) + 1);
  }

  /** A socket closed: what only it kept may go now. */
  private release(sock: SocketRecord): void {
    for (const entry of sock.pinned) {
      const n = (this.pins.get(entry) ?? 1) - 1;
      if (n > 0) {
        this.pins.set(entry, n);
        continue;
      }
      this.pins.delete(entry);
      const i = this.kept.indexOf(entry);
      if (i >= 0) {
        this.kept.splice(i, 1);
        this.drop(entry);
      }
    }
    sock.pinned = [];
  }
}

/** A number, not a string: the key is computed for every event. WASI fds stay far below 2^20. */
function socketKey(lane: number, fd: number): number {
  return lane * 2 ** 20 + fd;
}

function laneOf(key: number): number {
  return Math.floor(key / 2 ** 20);
}

/** Counts a stream call's bytes on its socket; returns where they start in their direction. */
function advance(sock: SocketRecord | null, e: TraceEvent): number | undefined {
  if (!sock || sock.dgram || !DATA_CALLS.has(e.call) || e.result <= 0) return undefined;
  if (SENDS.has(e.call)) {
    const start = sock.sent;
    sock.sent += e.result;
    return start;
  }
  const start = sock.received;
  sock.received += e.result;
  return start;
}

/** Whether later calls may join a run that starts with `e`. */
function runnable(e: TraceEvent, sock: SocketRecord | null): boolean {
  return sock !== null && !sock.dgram && DATA_CALLS.has(e.call) && e.result !== 0;
}

function extends_(entry: CallEntry, e: TraceEvent, sock: SocketRecord | null): boolean {
  const first = entry.call;
  if (!runnable(e, sock) || e.call !== first.call || e.fd !== first.fd) return false;
  // All moving bytes (an EOF, result 0, is never part of a run), or all
  // failing the same way.
  return e.result > 0 ? first.result > 0 : first.result < 0 && e.errno === first.errno;
}

function grow(entry: CallEntry, e: TraceEvent): void {
  const first = entry.call;
  const run: CallRun = (entry.run ??= { count: 1, bytes: Math.max(first.result, 0), sameArgs: true, sameResult: true });
  run.count++;
  run.bytes += Math.max(e.result, 0);
  run.sameArgs &&= e.args.length === first.args.length && e.args.every((a, i) => a === first.args[i]);
  run.sameResult &&= e.result === first.result;
}

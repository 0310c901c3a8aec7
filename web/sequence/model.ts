// Turns the trace events of several programs into a sequence diagram: one
// row per socket call in an order that respects each program's own order
// and puts every receive after the send it matches, plus the arrows between
// programs: connect → accept, write → read, close → read() = 0 (EOF), and
// sendto → recvfrom. Traffic with a peer outside the page becomes a stub
// arrow to or from the edge. An entry may stand for a run of identical data
// calls (sequence/trace-log.ts coalesces them), drawn as one row whose byte
// range is the run's. Pure data in, pure data out: the SVG view draws it,
// and the Node tests check it.

import { ERRNO as E, formatTrace, type TraceEvent } from '../../host/src/api/browser.js';

/**
 * One traced call (or a run of them), or the end of a program, on lane
 * `lane`. `at` is when the (first) call returned.
 */
export type DiagramEntry =
  | { lane: number; at: number; call: TraceEvent; run?: CallRun; offset?: number }
  | { lane: number; at: number; end: { kind: 'exit' | 'trap' | 'killed'; text: string; code?: number } };

/**
 * Consecutive calls of one program that a single entry stands for: the same
 * data call on the same fd, all moving bytes or all failing alike. `call` is
 * the first of them.
 */
export interface CallRun {
  count: number;
  /** Their positive results added up: the bytes the run moved. */
  bytes: number;
  /** Every call had the first one's arguments / result (else the label leaves them out). */
  sameArgs: boolean;
  sameResult: boolean;
}

export type RowTone = 'call' | 'minor' | 'error' | 'end' | 'fault';

export interface DiagramRow {
  lane: number;
  label: string;
  tone: RowTone;
  /** Index into the entries given to buildDiagram. */
  entry: number;
}

export type ArrowKind = 'connect' | 'data' | 'eof' | 'datagram';

export interface DiagramArrow {
  /** Row indexes. */
  from: number;
  to: number;
  kind: ArrowKind;
  label: string;
}

/** Traffic whose other end is not in the diagram. */
export interface DiagramStub {
  row: number;
  direction: 'out' | 'in';
  kind: ArrowKind;
  label: string;
}

export interface Diagram {
  rows: DiagramRow[];
  arrows: DiagramArrow[];
  stubs: DiagramStub[];
}

/** Calls drawn small: they matter less to the flow than the tutorial's calls. */
const MINOR = new Set(['setsockopt', 'getaddrinfo', 'shutdown']);
/** Calls whose 0 result is not worth showing. */
const ZERO_QUIET = new Set(['bind', 'listen', 'connect', 'close', 'setsockopt', 'shutdown']);
const SENDS = new Set(['write', 'send']);
const RECEIVES = new Set(['read', 'recv']);

/** A socket as the diagram tracks it: one per fd lifetime (fds are reused after close). */
interface Sock {
  lane: number;
  kind: 'stream' | 'dgram' | 'unknown';
  /** Local port: bound, or learned from what a peer saw. */
  port: number | null;
  listening: boolean;
  /** A connection (accepted, or connected by this program), not a listener. */
  connected: boolean;
  /** The connection was reset: closing it sends no FIN. */
  reset: boolean;
  peer: Sock | null;
  /** Stream writes as byte ranges of everything this socket sent, in order. */
  sent: { entry: number; start: number; end: number }[];
  sentBytes: number;
  /** Stream reads (n > 0) as byte ranges of everything it received, in order. */
  reads: { entry: number; start: number; end: number; label: string }[];
  readBytes: number;
  /** Reads that returned 0 (end of file). */
  eofReads: number[];
  /** Its close or SHUT_WR: where the peer's end of file comes from. */
  finished: number | null;
}

function portOf(address: string | undefined): number | null {
  if (!address) return null;
  const m = /:(\d+)$/.exec(address);
  return m ? Number(m[1]) : null;
}

export function callLabel(e: TraceEvent): string {
  // The detail (accept's peer, getaddrinfo's answers) is left out: it is on
  // the arrow or in the terminal, and the boxes stay short.
  const text = formatTrace({ ...e, detail: undefined });
  return e.result === 0 && ZERO_QUIET.has(e.call) ? text.replace(/ = 0$/, '') : text;
}

/** `write(3, 65536) = 65536 ×1024 · 64 MiB`: what the calls had in common, how many, how much. */
export function runLabel(e: TraceEvent, run: CallRun): string {
  if (run.count === 1) return callLabel(e);
  const args = run.sameArgs ? e.args : ['…'];
  const head = formatTrace({ ...e, args, detail: undefined });
  // Failures always share their result (-1 and the errno); bytes vary.
  const call = run.sameResult || e.result < 0 ? head : head.replace(/ = \S+$/, '');
  return e.result < 0 ? `${call} ×${run.count}` : `${call} ×${run.count} · ${size(run.bytes)}`;
}

function rowFor(entry: DiagramEntry, index: number): DiagramRow {
  if ('end' in entry) {
    const clean = entry.end.kind === 'exit' && entry.end.code === 0;
    return { lane: entry.lane, label: entry.end.text, tone: clean ? 'end' : 'fault', entry: index };
  }
  const e = entry.call;
  const tone: RowTone = e.result < 0 ? 'error' : MINOR.has(e.call) ? 'minor' : 'call';
  return { lane: entry.lane, label: entry.run ? runLabel(e, entry.run) : callLabel(e), tone, entry: index };
}

function bytes(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}

/** A run's byte count: exact when small, else in binary units (64 MiB). */
export function size(n: number): string {
  if (n < 1024) return bytes(n);
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) || value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Bytes an entry moved (its run's, or its one call's) and how an arrow names them. */
function moved(entry: { call: TraceEvent; run?: CallRun }): { length: number; label: string } {
  return entry.run ? { length: entry.run.bytes, label: size(entry.run.bytes) } : { length: entry.call.result, label: bytes(entry.call.result) };
}

export function buildDiagram(entries: readonly DiagramEntry[]): Diagram {
  // Work in time order; a stable sort keeps each lane's own order on ties.
  const order = entries.map((_, i) => i).sort((a, b) => entries[a].at - entries[b].at || a - b);

  // Pass 1: which socket each call is on, and the facts about it.
  const sockOf = new Map<number, Sock>();
  const open = new Map<string, Sock>();
  const connects: { entry: number; port: number; sock: Sock }[] = [];
  const accepts: { entry: number; port: number | null; sock: Sock }[] = [];
  const newSock = (lane: number, kind: Sock['kind']): Sock => ({
    lane, kind, port: null, listening: false, connected: false, reset: false, peer: null, sent: [], sentBytes: 0, reads: [], readBytes: 0, eofReads: [], finished: null,
  });
  for (const i of order) {
    const entry = entries[i];
    if (!('call' in entry)) continue;
    const e = entry.call;
    const key = (fd: number) => `${entry.lane}:${fd}`;
    if (e.call === 'socket') {
      if (e.result >= 0) open.set(key(e.result), newSock(entry.lane, e.args.includes('SOCK_DGRAM') ? 'dgram' : 'stream'));
      continue;
    }
    if (e.fd === null) continue;
    let sock = open.get(key(e.fd));
    if (!sock) {
      // A socket from before the trace began (or stdin): track it anyway.
      sock = newSock(entry.lane, 'unknown');
      open.set(key(e.fd), sock);
    }
    sockOf.set(i, sock);
    if (e.result < 0) {
      if (e.errno === E.CONNRESET || e.errno === E.PIPE) sock.reset = true;
      continue;
    }
    switch (e.call) {
      case 'bind':
        sock.port = portOf(e.args[0]);
        break;
      case 'listen':
        sock.listening = true;
        break;
      case 'accept': {
        const child = newSock(entry.lane, 'stream');
        child.connected = true;
        open.set(key(e.result), child);
        accepts.push({ entry: i, port: sock.port, sock: child });
        break;
      }
      case 'connect': {
        const port = portOf(e.args[0]);
        if (sock.kind !== 'dgram' && port !== null) connects.push({ entry: i, port, sock });
        sock.connected = sock.kind !== 'dgram';
        break;
      }
      case 'close':
        open.delete(key(e.fd));
        break;
    }
  }

  // Pass 2: each connect pairs with the first unpaired accept, in another
  // program, on a listener bound to the port it dialled.
  const sendersOf = new Map<number, number>();
  const arrows: { from: number; to: number; kind: ArrowKind; label: string }[] = [];
  const paired = new Set<number>();
  const link = (from: number, to: number, kind: ArrowKind, label: string) => {
    arrows.push({ from, to, kind, label });
    sendersOf.set(to, from);
    paired.add(from).add(to);
  };
  for (const c of connects) {
    const a = accepts.find((x) => !paired.has(x.entry) && x.port === c.port && x.sock.lane !== c.sock.lane);
    if (!a) continue;
    c.sock.peer = a.sock;
    a.sock.peer = c.sock;
    link(c.entry, a.entry, 'connect', 'connection');
  }

  // Pass 3: data. Stream bytes are read in the order they were written, so
  // each read is drawn from the write that supplied its first byte (byte
  // offsets, not arrival order: a reader's trace can reach the page before
  // the writer's). A read of 0 is drawn from the peer's close (or SHUT_WR).
  // Datagrams go to the socket bound to their destination port, or come from
  // the socket whose port the receiver saw.
  const datagrams: { entry: number; sock: Sock; destPort: number | null; length: number }[] = [];
  const received: { entry: number; sock: Sock; fromPort: number | null; length: number }[] = [];
  for (const i of order) {
    const entry = entries[i];
    if (!('call' in entry)) continue;
    const e = entry.call;
    const sock = sockOf.get(i);
    if (!sock || e.result < 0) continue;
    if (sock.kind === 'dgram' || e.call === 'sendto' || e.call === 'recvfrom') {
      if (e.call === 'sendto' || SENDS.has(e.call)) datagrams.push({ entry: i, sock, destPort: e.call === 'sendto' ? portOf(e.args[1]) : null, length: e.result });
      else if (e.call === 'recvfrom' || RECEIVES.has(e.call)) received.push({ entry: i, sock, fromPort: portOf(e.detail), length: e.result });
      continue;
    }
    // An entry's own offset counts calls from before the entries begin
    // (the trace log drops its oldest rows but not their bytes).
    if (SENDS.has(e.call) && e.result > 0) {
      const start = entry.offset ?? sock.sentBytes;
      sock.sent.push({ entry: i, start, end: (sock.sentBytes = start + moved(entry).length) });
    } else if (e.call === 'close' || (e.call === 'shutdown' && e.args[0] !== 'SHUT_RD')) {
      sock.finished ??= i;
    } else if (RECEIVES.has(e.call)) {
      if (e.result === 0) sock.eofReads.push(i);
      else {
        const start = entry.offset ?? sock.readBytes;
        const { length, label } = moved(entry);
        sock.reads.push({ entry: i, start, label, end: (sock.readBytes = start + length) });
      }
    }
  }
  for (const sock of new Set(sockOf.values())) {
    const peer = sock.peer;
    if (!peer) continue;
    for (const r of sock.reads) {
      // Drawn from the first write that supplied any of its bytes: the one
      // holding its first byte, unless that write is no longer shown.
      const w = firstOverlap(peer.sent, r.start, r.end);
      if (w) link(w.entry, r.entry, 'data', r.label);
    }
    if (peer.finished !== null) for (const eof of sock.eofReads) link(peer.finished, eof, 'eof', 'EOF');
  }
  for (const r of received) {
    const d = datagrams.find((x) => !paired.has(x.entry) && x.sock.lane !== r.sock.lane && x.length === r.length
      && ((x.destPort !== null && x.destPort === r.sock.port) || (r.fromPort !== null && x.sock.port === r.fromPort)));
    if (!d) continue;
    // What the receiver saw is the sender's port from now on (an implicit bind).
    if (d.sock.port === null) d.sock.port = r.fromPort;
    link(d.entry, r.entry, 'datagram', bytes(r.length));
  }

  // Rows: a topological order of (each lane's order) + (sender before
  // receiver), earliest first. If the guesses above ever form a cycle, time
  // order breaks it.
  const position = placeRows(entries, order, sendersOf);
  const rows = position.order.map((i) => rowFor(entries[i], i));
  const rowOf = position.rowOf;

  const stubs: DiagramStub[] = [];
  for (const i of order) {
    const entry = entries[i];
    if (!('call' in entry) || paired.has(i)) continue;
    const e = entry.call;
    const sock = sockOf.get(i);
    if (e.result < 0 || !sock) continue;
    const row = rowOf.get(i)!;
    if (e.call === 'connect' && sock.kind !== 'dgram') stubs.push({ row, direction: 'out', kind: 'connect', label: `to ${e.args[0]}` });
    else if (e.call === 'accept') stubs.push({ row, direction: 'in', kind: 'connect', label: e.detail ? `from ${e.detail}` : 'connection' });
    else if (e.call === 'sendto') stubs.push({ row, direction: 'out', kind: 'datagram', label: `${bytes(e.result)} to ${e.args[1]}` });
    else if (e.call === 'recvfrom') stubs.push({ row, direction: 'in', kind: 'datagram', label: e.detail ? `${bytes(e.result)} from ${e.detail}` : bytes(e.result) });
    else if (!sock.peer && sock.kind === 'stream' && SENDS.has(e.call) && e.result > 0) stubs.push({ row, direction: 'out', kind: 'data', label: moved(entry).label });
    else if (!sock.peer && sock.connected && !sock.reset && (e.call === 'close' || (e.call === 'shutdown' && e.args[0] !== 'SHUT_RD'))) stubs.push({ row, direction: 'out', kind: 'eof', label: 'FIN' });
    else if (!sock.peer && sock.kind === 'stream' && RECEIVES.has(e.call)) stubs.push({ row, direction: 'in', kind: e.result === 0 ? 'eof' : 'data', label: e.result === 0 ? 'EOF' : moved(entry).label });
  }

  return {
    rows,
    arrows: arrows.map((a) => ({ ...a, from: rowOf.get(a.from)!, to: rowOf.get(a.to)! })),
    stubs,
  };
}

/** The first range (sorted, disjoint) that shares a byte with [start, end), by binary search. */
function firstOverlap<T extends { start: number; end: number }>(ranges: readonly T[], start: number, end: number): T | undefined {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  const r = ranges[lo];
  return r && r.start < end ? r : undefined;
}

function placeRows(entries: readonly DiagramEntry[], order: number[], sendersOf: Map<number, number>) {
  // Each lane's entries in time order; an entry waits for its predecessor
  // there and for its sender. Only a lane's next entry can be ready, so each
  // step looks at one candidate per lane: O(rows × lanes).
  const rank = new Map<number, number>(order.map((entry, r) => [entry, r]));
  const lanes = new Map<number, number[]>();
  for (const i of order) {
    const lane = entries[i].lane;
    let list = lanes.get(lane);
    if (!list) lanes.set(lane, (list = []));
    list.push(i);
  }
  const queues = [...lanes.values()];
  const next = queues.map(() => 0);
  const placed = new Set<number>();
  const result: number[] = [];
  while (result.length < order.length) {
    // The earliest ready lane head; if the guesses above ever form a cycle,
    // none is ready and the earliest head goes anyway.
    let best = -1;
    let bestReady = false;
    for (let q = 0; q < queues.length; q++) {
      const i = queues[q]![next[q]!];
      if (i === undefined) continue;
      const s = sendersOf.get(i);
      const ready = s === undefined || placed.has(s);
      if (best < 0 || (ready && !bestReady) || (ready === bestReady && rank.get(i)! < rank.get(queues[best]![next[best]!])!)) {
        best = q;
        bestReady = ready;
      }
    }
    const pick = queues[best]![next[best]!]!;
    next[best]!++;
    placed.add(pick);
    result.push(pick);
  }
  return { order: result, rowOf: new Map(result.map((entry, row) => [entry, row])) };
}

// Turns the trace events of several programs into a sequence diagram: one
// row per socket call in an order that respects each program's own order
// and puts every receive after the send it matches, plus the arrows between
// programs: connect → accept, write → read, close → read() = 0 (EOF), and
// sendto → recvfrom. Traffic with a peer outside the page becomes a stub
// arrow to or from the edge. Pure data in, pure data out: the SVG view draws
// it, and the Node tests check it.

import { formatTrace, type TraceEvent } from '../../host/src/wasi/trace.js';
import { E } from '../../host/src/abi/errno.js';

/** One traced call, or the end of a program, on lane `lane`. */
export type DiagramEntry =
  | { lane: number; at: number; call: TraceEvent }
  | { lane: number; at: number; end: { kind: 'exit' | 'trap' | 'killed'; text: string; code?: number } };

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
  /** Stream writes as byte ranges of everything this socket sent. */
  sent: { entry: number; start: number; end: number }[];
  sentBytes: number;
  /** Stream reads (n > 0) as byte ranges of everything it received. */
  reads: { entry: number; start: number; end: number; length: number }[];
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

function rowFor(entry: DiagramEntry, index: number): DiagramRow {
  if ('end' in entry) {
    const clean = entry.end.kind === 'exit' && entry.end.code === 0;
    return { lane: entry.lane, label: entry.end.text, tone: clean ? 'end' : 'fault', entry: index };
  }
  const e = entry.call;
  const tone: RowTone = e.result < 0 ? 'error' : MINOR.has(e.call) ? 'minor' : 'call';
  return { lane: entry.lane, label: callLabel(e), tone, entry: index };
}

function bytes(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
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
    if (SENDS.has(e.call) && e.result > 0) {
      sock.sent.push({ entry: i, start: sock.sentBytes, end: (sock.sentBytes += e.result) });
    } else if (e.call === 'close' || (e.call === 'shutdown' && e.args[0] !== 'SHUT_RD')) {
      sock.finished ??= i;
    } else if (RECEIVES.has(e.call)) {
      if (e.result === 0) sock.eofReads.push(i);
      else sock.reads.push({ entry: i, start: sock.readBytes, length: e.result, end: (sock.readBytes += e.result) });
    }
  }
  for (const sock of new Set(sockOf.values())) {
    const peer = sock.peer;
    if (!peer) continue;
    for (const r of sock.reads) {
      const w = peer.sent.find((x) => x.start <= r.start && r.start < x.end);
      if (w) link(w.entry, r.entry, 'data', bytes(r.length));
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
    else if (!sock.peer && sock.kind === 'stream' && SENDS.has(e.call) && e.result > 0) stubs.push({ row, direction: 'out', kind: 'data', label: bytes(e.result) });
    else if (!sock.peer && sock.connected && !sock.reset && (e.call === 'close' || (e.call === 'shutdown' && e.args[0] !== 'SHUT_RD'))) stubs.push({ row, direction: 'out', kind: 'eof', label: 'FIN' });
    else if (!sock.peer && sock.kind === 'stream' && RECEIVES.has(e.call)) stubs.push({ row, direction: 'in', kind: e.result === 0 ? 'eof' : 'data', label: e.result === 0 ? 'EOF' : bytes(e.result) });
  }

  return {
    rows,
    arrows: arrows.map((a) => ({ ...a, from: rowOf.get(a.from)!, to: rowOf.get(a.to)! })),
    stubs,
  };
}

function placeRows(entries: readonly DiagramEntry[], order: number[], sendersOf: Map<number, number>) {
  const rank = new Map<number, number>(order.map((entry, r) => [entry, r]));
  // Each lane's entries in time order: an entry waits for its predecessor.
  const previous = new Map<number, number>();
  const lastOfLane = new Map<number, number>();
  for (const i of order) {
    const lane = entries[i].lane;
    const before = lastOfLane.get(lane);
    if (before !== undefined) previous.set(i, before);
    lastOfLane.set(lane, i);
  }
  const placed = new Set<number>();
  const result: number[] = [];
  const ready = (i: number) => {
    const p = previous.get(i);
    const s = sendersOf.get(i);
    return (p === undefined || placed.has(p)) && (s === undefined || placed.has(s));
  };
  let remaining = order.slice();
  while (remaining.length > 0) {
    // Candidates are few (one per lane can be ready), so a scan is enough.
    let pick = remaining.find(ready);
    if (pick === undefined) pick = remaining.reduce((a, b) => (rank.get(a)! <= rank.get(b)! ? a : b));
    placed.add(pick);
    result.push(pick);
    remaining = remaining.filter((i) => i !== pick);
  }
  return { order: result, rowOf: new Map(result.map((entry, row) => [entry, row])) };
}

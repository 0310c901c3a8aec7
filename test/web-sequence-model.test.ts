// The sequence diagram's model: which calls of which programs the arrows
// join, and an order of rows in which every arrow points down the page.

import { describe, expect, it } from 'vitest';
import { buildDiagram, size, type Diagram, type DiagramEntry } from '../web/sequence/model.js';
import { TraceLog } from '../web/sequence/trace-log.js';
import type { TraceEvent } from '../host/src/wasi/trace.js';
import { E } from '../host/src/abi/errno.js';

const SERVER = 0;
const CLIENT = 1;

/** A trace entry; `at` is given explicitly so tests can deliver events out of order. */
function call(lane: number, at: number, name: string, fd: number | null, args: string[], result: number, detail?: string, errno = 0): DiagramEntry {
  const event: TraceEvent = { call: name, fd, args, result, errno, detail, time: at };
  return { lane, at, call: event };
}

function arrowsByLabel(d: Diagram) {
  return d.arrows.map((a) => ({ kind: a.kind, from: d.rows[a.from].label, to: d.rows[a.to].label, fromLane: d.rows[a.from].lane, toLane: d.rows[a.to].lane }));
}

/** Every arrow must point downwards, and each lane keeps its own order. */
function expectWellOrdered(d: Diagram, entries: DiagramEntry[]) {
  for (const a of d.arrows) expect(a.to).toBeGreaterThan(a.from);
  for (const lane of new Set(entries.map((e) => e.lane))) {
    const rows = d.rows.filter((r) => r.lane === lane).map((r) => r.entry);
    const byTime = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.lane === lane).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map(({ i }) => i);
    expect(rows).toEqual(byTime);
  }
}

// The tutorial's TCP pair as the page records it. The client's EOF read is
// stamped before the server's close, and its data read before the write:
// traces of two workers arrive in any order.
const TCP: DiagramEntry[] = [
  call(SERVER, 1, 'socket', null, ['AF_INET', 'SOCK_STREAM'], 3),
  call(SERVER, 2, 'bind', 3, ['0.0.0.0:8080'], 0),
  call(SERVER, 3, 'listen', 3, ['5'], 0),
  call(CLIENT, 4, 'socket', null, ['AF_INET', 'SOCK_STREAM'], 3),
  call(SERVER, 5, 'accept', 3, [], 4, '127.0.0.1:40000'),
  call(CLIENT, 6, 'connect', 3, ['127.0.0.1:8080'], 0),
  call(CLIENT, 7, 'read', 3, ['4095'], 23),
  call(SERVER, 8, 'write', 4, ['23'], 23),
  call(CLIENT, 9, 'read', 3, ['4072'], 0),
  call(SERVER, 10, 'close', 4, [], 0),
  call(CLIENT, 11, 'close', 3, [], 0),
  call(SERVER, 12, 'close', 3, [], 0),
  { lane: CLIENT, at: 13, end: { kind: 'exit', text: 'exit(0)', code: 0 } },
  { lane: SERVER, at: 14, end: { kind: 'exit', text: 'exit(0)', code: 0 } },
];

describe('buildDiagram', () => {
  it('joins connect → accept, write → read and close → EOF across programs', () => {
    const d = buildDiagram(TCP);
    expect(arrowsByLabel(d)).toEqual(expect.arrayContaining([
      { kind: 'connect', from: 'connect(3, 127.0.0.1:8080)', to: 'accept(3) = 4', fromLane: CLIENT, toLane: SERVER },
      { kind: 'data', from: 'write(4, 23) = 23', to: 'read(3, 4095) = 23', fromLane: SERVER, toLane: CLIENT },
      { kind: 'eof', from: 'close(4)', to: 'read(3, 4072) = 0', fromLane: SERVER, toLane: CLIENT },
    ]));
    expect(d.arrows).toHaveLength(3);
    expect(d.stubs).toEqual([]);
    expectWellOrdered(d, TCP);
  });

  it('labels calls the way --trace does, without noise', () => {
    const labels = buildDiagram(TCP).rows.map((r) => r.label);
    expect(labels).toContain('socket(AF_INET, SOCK_STREAM) = 3');
    expect(labels).toContain('bind(3, 0.0.0.0:8080)');
    expect(labels).toContain('exit(0)');
    expect(buildDiagram(TCP).rows.filter((r) => r.label === 'exit(0)').map((r) => r.tone)).toEqual(['end', 'end']);
    const refused = buildDiagram([
      call(CLIENT, 1, 'connect', 3, ['127.0.0.1:9'], -1, undefined, E.CONNREFUSED),
      { lane: CLIENT, at: 2, end: { kind: 'exit', text: 'exit(1)', code: 1 } },
    ]);
    expect(refused.rows.map((r) => [r.label, r.tone])).toEqual([
      ['connect(3, 127.0.0.1:9) = -1 ECONNREFUSED', 'error'],
      ['exit(1)', 'fault'],
    ]);
    expect(refused.stubs).toEqual([]);
  });

  it('splits one write over several reads and joins several writes into one read', () => {
    const entries = [
      ...TCP.slice(0, 6),
      call(SERVER, 7, 'write', 4, ['10'], 10),
      call(SERVER, 8, 'write', 4, ['10'], 10),
      call(CLIENT, 9, 'read', 3, ['4'], 4),
      call(CLIENT, 10, 'read', 3, ['100'], 16),
    ];
    const data = buildDiagram(entries).arrows.filter((a) => a.kind === 'data');
    const d = buildDiagram(entries);
    expect(data.map((a) => [d.rows[a.from].entry, d.rows[a.to].entry, a.label])).toEqual([
      [6, 8, '4 bytes'],
      // The second read starts inside the first write.
      [6, 9, '16 bytes'],
    ]);
  });

  it('pairs datagrams by port both ways, learning the sender\'s ephemeral port', () => {
    const entries: DiagramEntry[] = [
      call(SERVER, 1, 'socket', null, ['AF_INET', 'SOCK_DGRAM'], 3),
      call(SERVER, 2, 'bind', 3, ['0.0.0.0:9000'], 0),
      call(CLIENT, 3, 'socket', null, ['AF_INET', 'SOCK_DGRAM'], 3),
      call(CLIENT, 4, 'sendto', 3, ['14', '127.0.0.1:9000'], 14),
      call(SERVER, 5, 'recvfrom', 3, ['2047'], 14, '127.0.0.1:51000'),
      call(SERVER, 6, 'sendto', 3, ['14', '127.0.0.1:51000'], 14),
      call(CLIENT, 7, 'recvfrom', 3, ['2047'], 14, '127.0.0.1:9000'),
    ];
    const d = buildDiagram(entries);
    expect(arrowsByLabel(d)).toEqual([
      { kind: 'datagram', from: 'sendto(3, 14, 127.0.0.1:9000) = 14', to: 'recvfrom(3, 2047) = 14', fromLane: CLIENT, toLane: SERVER },
      { kind: 'datagram', from: 'sendto(3, 14, 127.0.0.1:51000) = 14', to: 'recvfrom(3, 2047) = 14', fromLane: SERVER, toLane: CLIENT },
    ]);
    expectWellOrdered(d, entries);
  });

  it('draws traffic with programs outside the page as stubs', () => {
    const entries = [
      call(CLIENT, 1, 'socket', null, ['AF_INET', 'SOCK_STREAM'], 3),
      call(CLIENT, 2, 'connect', 3, ['127.0.0.1:8080'], 0),
      call(CLIENT, 3, 'read', 3, ['4095'], 23),
      call(CLIENT, 4, 'read', 3, ['4072'], 0),
      call(CLIENT, 5, 'close', 3, [], 0),
    ];
    const d = buildDiagram(entries);
    expect(d.arrows).toEqual([]);
    expect(d.stubs.map((s) => [s.direction, s.kind, s.label])).toEqual([
      ['out', 'connect', 'to 127.0.0.1:8080'],
      ['in', 'data', '23 bytes'],
      ['in', 'eof', 'EOF'],
      ['out', 'eof', 'FIN'],
    ]);
  });

  it('sends no FIN to the outside after a reset', () => {
    const d = buildDiagram([
      call(CLIENT, 1, 'socket', null, ['AF_INET', 'SOCK_STREAM'], 3),
      call(CLIENT, 2, 'connect', 3, ['127.0.0.1:8080'], 0),
      call(CLIENT, 3, 'recv', 3, ['512'], -1, undefined, E.CONNRESET),
      call(CLIENT, 4, 'close', 3, [], 0),
    ]);
    expect(d.stubs.map((s) => s.kind)).toEqual(['connect']);
  });

  it('tells connections apart when an fd number is reused', () => {
    const second = (at: number) => at + 100;
    const entries = [
      ...TCP.slice(0, 12),
      // The server accepts again on fd 4, from a second client lane.
      call(2, second(1), 'socket', null, ['AF_INET', 'SOCK_STREAM'], 3),
      call(SERVER, second(2), 'accept', 3, [], 4, '127.0.0.1:40001'),
      call(2, second(3), 'connect', 3, ['127.0.0.1:8080'], 0),
      call(SERVER, second(4), 'write', 4, ['5'], 5),
      call(2, second(5), 'read', 3, ['100'], 5),
    ];
    // (The listener was closed at 12 in TCP; keep it open for this test.)
    entries.splice(11, 1);
    const d = buildDiagram(entries);
    const lateData = d.arrows.filter((a) => a.kind === 'data' && d.rows[a.to].lane === 2);
    expect(lateData).toHaveLength(1);
    expect(d.rows[lateData[0].from].label).toBe('write(4, 5) = 5');
    const connects = d.arrows.filter((a) => a.kind === 'connect');
    expect(connects.map((a) => d.rows[a.from].lane)).toEqual([CLIENT, 2]);
  });
});

/** Feeds events into a TraceLog in the order given, stamping `at` from each event. */
function logOf(maxRows: number, entries: DiagramEntry[]): TraceLog {
  const log = new TraceLog(maxRows);
  for (const e of entries) {
    if ('call' in e) log.call(e.lane, e.call, e.at);
    else log.end(e.lane, e.end, e.at);
  }
  return log;
}

/** The tutorial's connection set up, then `body`, then the closes. */
function connected(body: DiagramEntry[], at = 1000): DiagramEntry[] {
  return [
    ...TCP.slice(0, 6),
    ...body,
    call(SERVER, at + 1, 'close', 4, [], 0),
    call(CLIENT, at + 2, 'close', 3, [], 0),
  ];
}

describe('TraceLog: a bounded, coalescing memory of the calls', () => {
  it('turns a bulk transfer into one row per side, joined by one arrow', () => {
    const body: DiagramEntry[] = [];
    // The client writes 1024 × 64 KiB; the server reads it in pieces of varying size.
    for (let i = 0; i < 1024; i++) body.push(call(CLIENT, 10 + i, 'write', 3, ['65536'], 65536));
    for (let left = 64 * 2 ** 20, i = 0; left > 0; i++) {
      const n = Math.min(left, i % 3 === 0 ? 65536 : 40000);
      body.push(call(SERVER, 11 + i, 'read', 4, ['65536'], n));
      left -= n;
    }
    body.push(call(SERVER, 5000, 'read', 4, ['65536'], 0));
    const log = logOf(600, connected(body, 6000));
    expect(log.size).toBeLessThan(15);
    const d = buildDiagram(log.entries());
    const labels = d.rows.map((r) => r.label);
    expect(labels).toContain('write(3, 65536) = 65536 ×1024 · 64 MiB');
    expect(labels.find((l) => l.startsWith('read(4, 65536) ×'))).toMatch(/^read\(4, 65536\) ×\d+ · 64 MiB$/);
    expect(arrowsByLabel(d).filter((a) => a.kind === 'data')).toEqual([
      { kind: 'data', from: 'write(3, 65536) = 65536 ×1024 · 64 MiB', to: expect.stringMatching(/^read\(4, 65536\) ×/), fromLane: CLIENT, toLane: SERVER },
    ]);
    expect(d.arrows.find((a) => a.kind === 'data')!.label).toBe('64 MiB');
    // The client's close is still the EOF of the server's last read.
    expect(arrowsByLabel(d).filter((a) => a.kind === 'eof')).toEqual([
      { kind: 'eof', from: 'close(3)', to: 'read(4, 65536) = 0', fromLane: CLIENT, toLane: SERVER },
    ]);
    expectWellOrdered(d, log.entries());
  });

  it('keeps each run\'s calls apart from other calls and other fds', () => {
    const log = logOf(600, [
      call(CLIENT, 1, 'write', 3, ['10'], 10),
      call(CLIENT, 2, 'write', 3, ['10'], 10),
      call(CLIENT, 3, 'setsockopt', 3, ['TCP_NODELAY'], 0),
      call(CLIENT, 4, 'write', 3, ['10'], 10),
      call(CLIENT, 5, 'write', 5, ['10'], 10),
      call(CLIENT, 6, 'write', 5, ['20'], 7),
      call(CLIENT, 7, 'read', 5, ['100'], 3),
      call(CLIENT, 8, 'read', 5, ['50'], 3),
    ]);
    expect(buildDiagram(log.entries()).rows.map((r) => r.label)).toEqual([
      'write(3, 10) = 10 ×2 · 20 bytes',
      'setsockopt(3, TCP_NODELAY)',
      'write(3, 10) = 10',
      // Different lengths asked and returned: the label keeps only what they share.
      'write(5, …) ×2 · 17 bytes',
      'read(5, …) = 3 ×2 · 6 bytes',
    ]);
  });

  it('coalesces failures by errno, but never an end of file or a datagram', () => {
    const log = logOf(600, [
      call(CLIENT, 1, 'socket', null, ['AF_INET', 'SOCK_DGRAM'], 4),
      ...Array.from({ length: 5 }, (_, i) => call(CLIENT, 2 + i, 'read', 3, ['4096'], -1, undefined, E.AGAIN)),
      call(CLIENT, 7, 'read', 3, ['4096'], -1, undefined, E.CONNRESET),
      call(CLIENT, 8, 'read', 3, ['4096'], 0),
      call(CLIENT, 9, 'read', 3, ['4096'], 0),
      call(CLIENT, 10, 'write', 4, ['14'], 14),
      call(CLIENT, 11, 'write', 4, ['14'], 14),
      call(CLIENT, 12, 'sendto', 4, ['14', '127.0.0.1:9000'], 14),
      call(CLIENT, 13, 'sendto', 4, ['14', '127.0.0.1:9000'], 14),
    ]);
    expect(buildDiagram(log.entries()).rows.map((r) => r.label)).toEqual([
      'socket(AF_INET, SOCK_DGRAM) = 4',
      'read(3, 4096) = -1 EAGAIN ×5',
      'read(3, 4096) = -1 ECONNRESET',
      'read(3, 4096) = 0',
      'read(3, 4096) = 0',
      'write(4, 14) = 14',
      'write(4, 14) = 14',
      'sendto(4, 14, 127.0.0.1:9000) = 14',
      'sendto(4, 14, 127.0.0.1:9000) = 14',
    ]);
  });

  it('keeps at most maxRows rows, counting the calls it drops, and still joins each read to its write', () => {
    // A ping-pong of messages of different sizes: nothing coalesces.
    const body: DiagramEntry[] = [];
    let at = 10;
    for (let i = 0; i < 500; i++) {
      const n = 1 + (i % 13);
      body.push(call(CLIENT, at++, 'write', 3, [String(n)], n));
      body.push(call(SERVER, at++, 'read', 4, ['100'], n));
      body.push(call(SERVER, at++, 'write', 4, [String(n)], n));
      body.push(call(CLIENT, at++, 'read', 3, ['100'], n));
    }
    const entries = connected(body, at).slice(0, -2);
    const log = logOf(40, entries);
    // The 40 newest rows, and the calls that make the two programs' sockets
    // one connection, kept while it is open.
    const labels = log.entries().map((e) => ('call' in e ? e.call.call : 'end'));
    expect(labels.slice(0, 6)).toEqual(['socket', 'bind', 'listen', 'socket', 'accept', 'connect']);
    expect(log.size).toBe(46);
    expect(log.dropped).toBe(entries.length - 46);
    const d = buildDiagram(log.entries());
    expect(d.stubs).toEqual([]);
    expect(d.arrows.filter((a) => a.kind === 'connect')).toHaveLength(1);
    const data = d.arrows.filter((a) => a.kind === 'data');
    expect(data.length).toBeGreaterThanOrEqual(19);
    // Each read comes from the write of the same message: the one just before it on the other lane.
    for (const a of data) {
      const from = log.entries()[d.rows[a.from].entry]!;
      const to = log.entries()[d.rows[a.to].entry]!;
      expect('call' in from && 'call' in to && from.call.result === to.call.result && to.at === from.at + 1).toBe(true);
    }
    expectWellOrdered(d, log.entries());
  });

  it('lets the kept calls go once their socket is closed', () => {
    const body: DiagramEntry[] = [];
    for (let i = 0; i < 100; i++) body.push(call(CLIENT, 10 + 2 * i, 'write', 3, ['1'], 1), call(CLIENT, 11 + 2 * i, 'setsockopt', 3, ['SO_KEEPALIVE'], 0));
    const log = logOf(20, [...connected(body, 500), call(SERVER, 503, 'close', 3, [], 0)]);
    expect(log.size).toBe(20);
    const kinds = new Set(log.entries().map((e) => ('call' in e ? e.call.call : 'end')));
    expect([...kinds].sort()).toEqual(['close', 'setsockopt', 'write']);
  });

  it('starts counting bytes afresh on a reused fd', () => {
    const log = logOf(600, [
      ...TCP.slice(0, 6),
      call(CLIENT, 10, 'write', 3, ['100'], 100),
      call(SERVER, 11, 'read', 4, ['1000'], 100),
      call(CLIENT, 12, 'close', 3, [], 0),
      call(CLIENT, 13, 'socket', null, ['AF_INET', 'SOCK_STREAM'], 3),
      call(CLIENT, 14, 'write', 3, ['7'], 7),
    ]);
    const writes = log.entries().filter((e) => 'call' in e && e.call.call === 'write');
    expect(writes.map((e) => ('call' in e ? e.offset : null))).toEqual([0, 0]);
  });

  it('forgets one lane without touching the others', () => {
    const log = logOf(600, TCP);
    log.clear(SERVER);
    expect(log.entries().every((e) => e.lane === CLIENT)).toBe(true);
    expect(log.entries()).toHaveLength(TCP.filter((e) => e.lane === CLIENT).length);
    log.clear();
    expect(log.size).toBe(0);
  });

  it('sizes runs in binary units', () => {
    expect([1, 1023, 1024, 1536, 65536, 64 * 2 ** 20, 1.5 * 2 ** 30].map(size)).toEqual(['1 byte', '1023 bytes', '1 KiB', '1.5 KiB', '64 KiB', '64 MiB', '1.5 GiB']);
  });

  it('costs O(1) per event: a million calls make one row', () => {
    const log = new TraceLog(600);
    const started = performance.now();
    const event = { call: 'write', fd: 3, args: ['65536'], result: 65536, errno: 0, time: 0 };
    for (let i = 0; i < 1_000_000; i++) log.call(CLIENT, event, i);
    expect(log.size).toBe(1);
    // Generous: this is about the order of growth, not the machine.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

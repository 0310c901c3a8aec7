// The sequence diagram's model: which calls of which programs the arrows
// join, and an order of rows in which every arrow points down the page.

import { describe, expect, it } from 'vitest';
import { buildDiagram, type Diagram, type DiagramEntry } from '../web/sequence/model.js';
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

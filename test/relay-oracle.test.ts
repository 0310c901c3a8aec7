// The fuzzer's oracle (test/helpers/relay-oracle.ts) is itself code, so it
// is checked two ways: on the spec's own examples, and against the relay's
// decoder on random and mutated frames — both are written from
// docs/relay-protocol.md independently, so a disagreement is a bug in one
// of them (or an ambiguity in the spec).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { E } from '../host/src/abi/errno.js';
import { parseAllowNet } from '../host/src/net/policy.js';
import { decodeFrame, encodeAddr, encodeFrame, ProtocolError } from '../host/src/relay/frame.js';
import { decodeClientFrame } from '../host/src/relay/messages.js';
import { CLOSE, OP } from '../host/src/relay/protocol.js';
import {
  judge, matchBurst, parseClientMessage, SPEC_CLOSE, SPEC_OP,
  type ModelView, type OracleEnv, type SockState, type StreamFlow,
} from './helpers/relay-oracle.js';

const MAX_FRAME = 131072;
const RUNS = Number(process.env.RELAY_ORACLE_RUNS ?? 20_000);

/** The relay's own verdict on one message: its close code, or 0 when it accepts it. */
function relayVerdict(message: Uint8Array): number {
  try {
    decodeClientFrame(decodeFrame(message, MAX_FRAME));
    return 0;
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
}

function oracleVerdict(message: Uint8Array): number {
  const p = parseClientMessage(message, MAX_FRAME);
  return 'fatal' in p ? p.fatal : 0;
}

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

describe('the oracle on the spec’s examples', () => {
  it('reads section 12’s frames as the spec describes them', () => {
    // CONNECT id 1, request 1, to 127.0.0.1:8080, from: none.
    const connect = hex(`01 00 0000 01000000 01000000 28000000  04 00 901f 7f000001 ${'00'.repeat(12)}  ${'00'.repeat(20)}`);
    expect(parseClientMessage(connect, MAX_FRAME)).toMatchObject({ frame: { op: 'connect', socket: 1, request: 1, to: { family: 4, ip: '127.0.0.1', port: 8080 }, from: null } });
    expect(parseClientMessage(hex('10 00 0000 01000000 00000000 02000000 6869'), MAX_FRAME)).toMatchObject({ frame: { op: 'data', socket: 1 } });
    expect(parseClientMessage(hex('11 00 0000 01000000 00000000 00000000'), MAX_FRAME)).toMatchObject({ frame: { op: 'end', socket: 1, closed: false } });
    // Section 6.2: END with flag CLOSED (4-byte payload), and what breaks its layout.
    expect(parseClientMessage(hex('11 00 0000 01000000 00000000 04000000 01000000'), MAX_FRAME)).toMatchObject({ frame: { op: 'end', socket: 1, closed: true } });
    expect(oracleVerdict(hex('11 00 0000 01000000 00000000 04000000 02000000'))).toBe(SPEC_CLOSE.BAD_FRAME);
    expect(oracleVerdict(hex('11 00 0000 01000000 00000000 04000000 01000100'))).toBe(SPEC_CLOSE.BAD_FRAME);
    expect(oracleVerdict(hex('11 00 0000 01000000 00000000 01000000 01'))).toBe(SPEC_CLOSE.BAD_FRAME);
  });

  it('names the close codes of section 11', () => {
    const data = encodeFrame(OP.DATA, 1, 0, Uint8Array.of(1));
    expect(oracleVerdict(new Uint8Array(MAX_FRAME + 1))).toBe(SPEC_CLOSE.TOO_BIG);
    expect(parseClientMessage('hello', MAX_FRAME)).toMatchObject({ fatal: SPEC_CLOSE.TEXT });
    expect(oracleVerdict(data.subarray(0, 15))).toBe(SPEC_CLOSE.BAD_FRAME);
    expect(oracleVerdict(encodeFrame(0x7f, 1, 0))).toBe(SPEC_CLOSE.UNKNOWN_OP);
    expect(oracleVerdict(encodeFrame(OP.REPLY, 1, 1))).toBe(SPEC_CLOSE.UNKNOWN_OP);
    // Header rules come before the op: an unknown op with a bad length field is a bad frame.
    const unknownBadLength = encodeFrame(0x7f, 1, 0);
    unknownBadLength[12] = 1;
    expect(oracleVerdict(unknownBadLength)).toBe(SPEC_CLOSE.BAD_FRAME);
    expect(oracleVerdict(encodeFrame(OP.CONNECT, 0x8000_0000, 1, encodeAddr({ family: 4, ip: '127.0.0.1', port: 1 }), encodeAddr(null)))).toBe(SPEC_CLOSE.BAD_FRAME);
  });

  it('answers traffic on ids from the section 8 table', () => {
    const env: OracleEnv = {
      limits: { maxFrameBytes: MAX_FRAME, windowBytes: 262144, maxSockets: 4, maxResolves: 8, listenPorts: { lo: 1024, hi: 65535 }, policy: parseAllowNet('127.0.0.1') },
      connectTarget: () => 'ok', localTarget: () => 'ok', datagramTarget: () => 'ok',
    };
    const states = new Map<number, SockState>([[1, 'stream'], [2, 'udp'], [3, 'listener'], [4, 'pending'], [5, 'ended']]);
    const flow: StreamFlow = { sent: 0, creditBack: 0, received: 100, credited: 0, peerWillSend: () => 100 };
    const view: ModelView = {
      states: (id) => new Set([states.get(id) ?? 'free']),
      socketCount: () => ({ min: states.size, max: states.size }),
      flow: (id) => (id === 1 ? flow : undefined),
      resolvesInFlight: () => 0,
    };
    const answer = (frame: Uint8Array) => {
      const v = judge(frame, view, env);
      if (v === 'unsafe') throw new Error('unsafe');
      return v.outcomes.map((o) => (o.t === 'error' ? `ERROR ${o.errno}` : o.t === 'reply' ? `REPLY ${[...o.results].join('|')}` : o.t === 'close' ? `close ${o.code}` : 'silent'));
    };
    const one = Uint8Array.of(1);
    expect(answer(encodeFrame(OP.DATA, 9, 0, one))).toEqual([`ERROR ${E.BADF}`]);
    expect(answer(encodeFrame(OP.DATA, 4, 0, one))).toEqual([`ERROR ${E.NOTCONN}`]);
    expect(answer(encodeFrame(OP.DATA, 2, 0, one))).toEqual([`ERROR ${E.INVAL}`]);
    expect(answer(encodeFrame(OP.DATA, 5, 0, one))).toEqual([`ERROR ${E.PIPE}`]);
    expect(answer(encodeFrame(OP.DATA, 1, 0, one))).toEqual(['silent']);
    expect(answer(encodeFrame(OP.RESET, 2, 0))).toEqual([`ERROR ${E.INVAL}`]);
    expect(answer(encodeFrame(OP.CLOSE, 2, 0))).toEqual(['silent']);
    expect(answer(encodeFrame(OP.DATAGRAM, 2, 0, encodeAddr({ family: 4, ip: '127.0.0.2', port: 9 })))).toEqual([`ERROR ${E.ACCES}`]);
    expect(answer(encodeFrame(OP.DATAGRAM, 2, 0, encodeAddr({ family: 4, ip: '127.0.0.1', port: 0 })))).toEqual([`ERROR ${E.INVAL}`]);
    expect(answer(encodeFrame(OP.SETOPT, 1, 0, Uint8Array.of(9, 0, 0, 0, 1, 0, 0, 0)))).toEqual([`ERROR ${E.NOPROTOOPT}`]);
    expect(answer(encodeFrame(OP.SETOPT, 3, 0, Uint8Array.of(1, 0, 0, 0, 1, 0, 0, 0)))).toEqual([`ERROR ${E.INVAL}`]);
    expect(answer(encodeFrame(OP.CREDIT, 1, 0, Uint8Array.of(100, 0, 0, 0)))).toEqual(['silent']);
    expect(answer(encodeFrame(OP.CREDIT, 1, 0, Uint8Array.of(101, 0, 0, 0)))).toEqual([`close ${SPEC_CLOSE.BAD_FRAME}`]);
    expect(answer(encodeFrame(OP.CREDIT, 9, 0, Uint8Array.of(101, 0, 0, 0)))).toEqual(['silent']);
    // Four sockets held, the limit is four: EMFILE; an id in use: EEXIST first.
    expect(answer(encodeFrame(OP.CONNECT, 7, 1, encodeAddr({ family: 4, ip: '127.0.0.1', port: 9 }), encodeAddr(null)))).toEqual([`REPLY ${E.MFILE}`]);
    expect(answer(encodeFrame(OP.CONNECT, 1, 1, encodeAddr({ family: 4, ip: '127.0.0.1', port: 9 }), encodeAddr(null)))).toEqual([`REPLY ${E.EXIST}`]);
  });

  it('matches answers to bursts, and fails when they do not fit', () => {
    const err = (op: number, errno: number) => ({ t: 'error' as const, op, errno });
    const frames = [
      { socket: 1, outcomes: [{ t: 'silent' as const }, err(SPEC_OP.DATA, E.NOTCONN)], label: 'DATA while opening' },
      { socket: 1, outcomes: [{ t: 'silent' as const }, err(SPEC_OP.DATA, E.NOTCONN)], label: 'DATA while opening' },
      { socket: 9, outcomes: [err(SPEC_OP.CLOSE, E.BADF)], label: 'ping' },
    ];
    const ping = { socket: 9, op: SPEC_OP.CLOSE, errno: E.BADF };
    expect(matchBurst(frames, [{ socket: 1, op: SPEC_OP.DATA, errno: E.NOTCONN }, ping], null)).toBeNull();
    expect(matchBurst(frames, [ping], null)).toBeNull();
    expect(matchBurst(frames, [{ socket: 1, op: SPEC_OP.DATA, errno: E.BADF }, ping], null)).toMatch(/ERRORs for 1\/16/);
    expect(matchBurst(frames, [], null)).toMatch(/ERRORs for 9\/19/);
    expect(matchBurst(frames, [], 4000)).toMatch(/closed with 4000, which no frame allows/);
    const fatal = [{ socket: 1, outcomes: [{ t: 'close' as const, code: 4000 }], label: 'bad' }];
    expect(matchBurst(fatal, [], 4000)).toBeNull();
    expect(matchBurst(fatal, [], null)).toMatch(/must close/);
  });
});

// --- the oracle against the relay's decoder ------------------------------------------

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const addrBytes = fc.oneof(
  fc.constant(encodeAddr(null)),
  fc.constant(encodeAddr({ family: 4, ip: '127.0.0.1', port: 8080 })),
  fc.constant(encodeAddr({ family: 6, ip: '::1', port: 1 })),
  fc.uint8Array({ minLength: 20, maxLength: 20 }),
  fc.tuple(fc.constantFrom(0, 4, 6, 5), fc.uint8Array({ minLength: 19, maxLength: 19 })).map(([f, rest]) => Uint8Array.of(f, ...rest)),
);
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(addrBytes, addrBytes).map(([a, b]) => Uint8Array.of(...a, ...b)),
  fc.tuple(addrBytes, fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([a, t]) => Uint8Array.of(...a, ...t)),
  fc.tuple(addrBytes, fc.constantFrom(0, 1, 2, 3, 4, 255), fc.uint8Array({ minLength: 0, maxLength: 3 })).map(([a, f, t]) => Uint8Array.of(...a, f, ...t)),
  fc.tuple(fc.constantFrom(0, 4, 6, 9), fc.uint8Array({ maxLength: 260 })).map(([f, n]) => Uint8Array.of(f, 0, 0, 0, ...n)),
  fc.tuple(fc.constantFrom(1, 2, 3, 4, 9), fc.constantFrom(0, 1, 2, 255, 256)).map(([o, v]) => Uint8Array.of(o, 0, 0, 0, v & 0xff, v >> 8, 0, 0)),
  u32.map((n) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24)),
);
/** A payload laid out for `op` (most of the time), so that frames get past the size checks. */
function payloadFor(op: number): fc.Arbitrary<Uint8Array> {
  const tail = (n: number) => fc.oneof({ weight: 4, arbitrary: fc.constant(new Uint8Array(n)) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: n, maxLength: n }) });
  const cat = (...parts: fc.Arbitrary<Uint8Array>[]) => fc.tuple(...parts).map((xs) => Uint8Array.from(xs.flatMap((x) => [...x])));
  switch (op) {
    case SPEC_OP.CONNECT: return cat(addrBytes, addrBytes);
    case SPEC_OP.LISTEN: return cat(addrBytes, fc.constantFrom(Uint8Array.of(0, 0, 0, 0), Uint8Array.of(255, 255, 0, 0), Uint8Array.of(0, 0, 1, 0)), fc.constantFrom(0, 1, 2, 3, 4).map((f) => Uint8Array.of(f)), tail(3));
    case SPEC_OP.UDP_BIND: return cat(addrBytes, fc.constantFrom(0, 1, 2, 3, 8).map((f) => Uint8Array.of(f)), tail(3));
    case SPEC_OP.RESOLVE: return cat(fc.constantFrom(0, 4, 6, 7).map((f) => Uint8Array.of(f)), tail(3), fc.uint8Array({ maxLength: 256 }));
    case SPEC_OP.DATA: return fc.uint8Array({ maxLength: 32 });
    case SPEC_OP.DATAGRAM: return cat(addrBytes, fc.uint8Array({ maxLength: 16 }));
    case SPEC_OP.SETOPT: return cat(fc.integer({ min: 0, max: 9 }).map((o) => Uint8Array.of(o)), tail(3), u32.map((n) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24)));
    case SPEC_OP.CREDIT: return fc.oneof(u32.map((n) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24)), fc.constant(new Uint8Array(4)));
    default: return fc.oneof(fc.constant(new Uint8Array(0)), payload);
  }
}

const frame = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...Object.values(SPEC_OP)) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) })
  .chain((op) => fc.record({
    op: fc.constant(op),
    // Mostly the ids each op wants, so that the payload rules are reached.
    socket: fc.oneof({ weight: 4, arbitrary: fc.constant(op === SPEC_OP.RESOLVE || op === SPEC_OP.KEEPALIVE ? 0 : 1) }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom(0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff), u32) }),
    request: fc.oneof({ weight: 4, arbitrary: fc.constant(op <= SPEC_OP.RESOLVE ? 1 : 0) }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom(0, 1), u32) }),
    payload: fc.oneof({ weight: 4, arbitrary: payloadFor(op) }, { weight: 1, arbitrary: payload }),
    // fc.option's freq is the odds of null: 1 in 5 frames gets a bit flipped, 1 in 10 is cut.
    flip: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })) }),
    cut: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  }))
  .map(({ op, socket, request, payload: p, flip, cut }) => {
    let f = encodeFrame(op, socket, request, p);
    if (flip) f[flip[0] % f.length]! ^= 1 << flip[1];
    if (cut !== null) f = f.slice(0, cut % (f.length + 1));
    return f;
  });

describe('the oracle against the relay’s decoder', () => {
  it(`agree on every frame's fate (${RUNS} frames)`, () => {
    let accepted = 0;
    fc.assert(fc.property(frame, (f) => {
      const expected = oracleVerdict(f);
      expect(relayVerdict(f)).toBe(expected);
      if (expected === 0) accepted++;
    }), { numRuns: RUNS });
    // Both verdicts were exercised.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('and on the exact size limit', () => {
    const largest = encodeFrame(OP.DATA, 1, 0, new Uint8Array(MAX_FRAME - 16));
    expect(oracleVerdict(largest)).toBe(0);
    expect(relayVerdict(largest)).toBe(0);
    const over = encodeFrame(OP.DATA, 1, 0, new Uint8Array(MAX_FRAME - 15));
    expect(oracleVerdict(over)).toBe(CLOSE.TOO_BIG);
    expect(relayVerdict(over)).toBe(CLOSE.TOO_BIG);
  });
});

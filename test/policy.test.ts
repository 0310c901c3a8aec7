// Unit tests for host/src/net/addr.ts and host/src/net/policy.ts.
//
// Only loopback addresses are written literally here. Every address outside
// loopback is computed from integers (ipv4FromInt, ipv6FromWords), so what is
// tested is "outside the allowed range", not any particular real host.

import { SocketAddress } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  canonicalIp,
  formatIp,
  formatSockAddr,
  ipv4MappedToV4,
  isUnspecified,
  parseIp,
  sockAddr,
  sockAddrFromBytes,
  type SockAddr,
} from '../host/src/net/addr.js';
import { NetPolicy, parseAllowNet, type NetOp } from '../host/src/net/policy.js';

// ---- helpers ---------------------------------------------------------------

function ipv4FromInt(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

function bytesFromWords(words: number[]): Uint8Array {
  const b = new Uint8Array(16);
  words.forEach((w, i) => {
    b[2 * i] = w >> 8;
    b[2 * i + 1] = w & 0xff;
  });
  return b;
}

function ipv6FromWords(words: number[]): string {
  return formatIp(bytesFromWords(words));
}

/** ::ffff:a.b.c.d for the IPv4 address `n`. */
function mappedFromInt(n: number): string {
  return `::ffff:${ipv4FromInt(n)}`;
}

function v4(n: number, port = 80): SockAddr {
  return { family: 4, ip: ipv4FromInt(n), port };
}

function a(ip: string, port = 80): SockAddr {
  return sockAddr(ip, port);
}

/** Deterministic pseudo-random bytes (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** The list suggested by a denial line. */
function suggestion(line: string): string {
  const m = /\(allow it with --allow-net=([^)]*)\)$/.exec(line);
  expect(m, line).not.toBeNull();
  return m![1]!;
}

const LOOP4 = 0x7f000001; // 127.0.0.1
const OUTSIDE_V4 = [
  0x00000000 + 1, // just above 0.0.0.0
  0x0a000001,
  0x7effffff, // last address below 127.0.0.0/8
  0x80000000, // first address above it
  0xac100001,
  0xc0a80001,
  0xe0000001, // multicast
  0xffffffff, // broadcast
];
const OUTSIDE_V6 = [
  [0, 0, 0, 0, 0, 0, 0, 2],
  [0xfe80, 0, 0, 0, 0, 0, 0, 1],
  [0xfc00, 0, 0, 0, 0, 0, 0, 1],
  [0xff02, 0, 0, 0, 0, 0, 0, 1],
  [0x2000, 1, 2, 3, 4, 5, 6, 7],
  [0, 0, 0, 0, 0, 0, 0x7f00, 1], // IPv4-compatible form: not mapped, not loopback
  [0, 0, 0, 0, 0xffff, 0, 0x7f00, 1], // almost mapped
].map(ipv6FromWords);

// ---- addr.ts ---------------------------------------------------------------

describe('parseIp', () => {
  it('accepts canonical IPv4', () => {
    expect(parseIp('127.0.0.1')).toEqual({ family: 4, bytes: Uint8Array.of(127, 0, 0, 1) });
    expect(parseIp('127.255.255.254')!.bytes).toEqual(Uint8Array.of(127, 255, 255, 254));
    expect(parseIp('0.0.0.0')!.bytes).toEqual(new Uint8Array(4));
    for (const n of [0, 1, 0x0a000001, 0xffffffff, 0x01020304, 0x64646464]) {
      const p = parseIp(ipv4FromInt(n));
      expect(p?.family).toBe(4);
      expect(formatIp(p!.bytes)).toBe(ipv4FromInt(n));
    }
  });

  it('accepts RFC 4291 IPv6 forms', () => {
    const one = bytesFromWords([0, 0, 0, 0, 0, 0, 0, 1]);
    for (const t of ['::1', '0:0:0:0:0:0:0:1', '0000:0000:0000:0000:0000:0000:0000:0001', '0::1', '0:0:0::0:1', '::0:0:1']) {
      expect(parseIp(t), t).toEqual({ family: 6, bytes: one });
    }
    expect(parseIp('::')).toEqual({ family: 6, bytes: new Uint8Array(16) });
    // `::` may stand for a single zero group (RFC 4291 allows it).
    expect(parseIp('0:0:0:0:0:0::1')!.bytes).toEqual(one);
    expect(parseIp('::0:0:0:0:0:0:1')!.bytes).toEqual(one);
    expect(parseIp('1:0:0:0:0:0:0::')!.bytes).toEqual(bytesFromWords([1, 0, 0, 0, 0, 0, 0, 0]));
  });

  it('accepts an embedded IPv4 tail, including ::ffff:a.b.c.d', () => {
    const mapped = bytesFromWords([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIp('::ffff:127.0.0.1')).toEqual({ family: 6, bytes: mapped });
    expect(parseIp('::FFFF:7F00:1')!.bytes).toEqual(mapped);
    expect(parseIp('0:0:0:0:0:ffff:127.0.0.1')!.bytes).toEqual(mapped);
    expect(parseIp('::127.0.0.1')!.bytes).toEqual(bytesFromWords([0, 0, 0, 0, 0, 0, 0x7f00, 1]));
  });

  it.each([
    '0x7f.1',
    '0177.0.0.1',
    '127.1',
    '127.0.1',
    '1.2.3.4.5',
    '300.1.1.1',
    '127.0.0.256',
    '127.0.0.01',
    '127.00.0.1',
    '0x7f.0.0.1',
    '127.0.0.1 ',
    ' 127.0.0.1',
    '127.0.0.',
    '.127.0.0.1',
    '127..0.1',
    '127.0.0.-1',
    '127.0.0.+1',
    '１２７.0.0.1',
    '',
    'localhost',
    '[::1]',
    '::1%lo',
    '::1::1',
    ':::1',
    '::1:',
    ':1::1',
    '1:',
    ':',
    '0:0:0:0:0:0:0:0:1',
    '0:0:0:0:0:0:0:1:',
    '0:0:0:0:0:0:1',
    '0:0:0:0:0:0:0::1',
    '::00001',
    '::g',
    '::ffff:127.1',
    '::ffff:127.0.0.256',
    '::ffff:0177.0.0.1',
    '::127.0.0.1:1',
    '::ffff:127.0.0.1.1',
    '127.0.0.1::',
    '0:0:0:0:0:0:0:127.0.0.1',
  ])('rejects %j', (t) => {
    expect(parseIp(t)).toBeNull();
  });

  it('agrees with Node on which generated IPv6 texts are valid', () => {
    const next = rng(7);
    for (let i = 0; i < 2000; i++) {
      const words = Array.from({ length: 8 }, () => (next() % 3 === 0 ? 0 : next() & 0xffff));
      const full = words.map((w) => w.toString(16)).join(':');
      // Drop a random number of groups around a `::`, valid or not.
      const cut = next() % 9;
      const len = next() % 4;
      const parts = full.split(':');
      const text = [...parts.slice(0, cut), '', ...parts.slice(cut + len)].join(':');
      const candidates = [full, text, text.replace(/^:([^:])/, '::$1')];
      for (const t of candidates) {
        let nodeOk: boolean;
        try {
          new SocketAddress({ address: t, family: 'ipv6' });
          nodeOk = true;
        } catch {
          nodeOk = false;
        }
        expect(parseIp(t) !== null, t).toBe(nodeOk);
      }
    }
  });
});

describe('formatIp', () => {
  it('prints IPv6 the way Node does', () => {
    const next = rng(42);
    const shapes: number[][] = [
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1],
      [0, 0, 0, 0, 0, 0xffff, 0, 0],
      [0, 0, 0, 0, 0, 0, 0x7f00, 1],
      [0, 0, 0, 0, 0, 0, 1, 0],
      [0, 0, 0, 0, 0xffff, 0, 0x7f00, 1],
      [0, 0, 0, 0, 0, 0xfffe, 0x7f00, 1],
      [1, 0, 0, 1, 0, 0, 1, 1],
      [1, 0, 0, 1, 0, 0, 0, 1],
      [1, 0, 1, 0, 1, 0, 1, 0],
      [0xabcd, 0, 0, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0, 0, 0],
    ];
    for (let i = 0; i < 3000; i++) {
      shapes.push(Array.from({ length: 8 }, () => (next() % 2 === 0 ? 0 : next() & (next() % 2 ? 0xffff : 0xf))));
    }
    for (const words of shapes) {
      const bytes = bytesFromWords(words);
      const mine = formatIp(bytes);
      const node = new SocketAddress({ address: words.map((w) => w.toString(16)).join(':'), family: 'ipv6' }).address;
      expect(mine, words.join(',')).toBe(node);
      expect(parseIp(mine)!.bytes).toEqual(bytes);
    }
  });

  it('prints IPv4 as a dotted quad', () => {
    expect(formatIp(Uint8Array.of(127, 0, 0, 1))).toBe('127.0.0.1');
    expect(formatIp(Uint8Array.of(127, 255, 255, 254))).toBe('127.255.255.254');
    expect(() => formatIp(new Uint8Array(5))).toThrow(RangeError);
  });

  it('canonicalIp lower-cases and compresses', () => {
    expect(canonicalIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIp('0:0:0:0:0:FFFF:7F00:0001')).toBe('::ffff:127.0.0.1');
    expect(canonicalIp('127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalIp('127.1')).toBeNull();
  });
});

describe('socket address helpers', () => {
  it('formatSockAddr brackets IPv6', () => {
    expect(formatSockAddr({ family: 4, ip: '127.0.0.1', port: 8080 })).toBe('127.0.0.1:8080');
    expect(formatSockAddr({ family: 6, ip: '::1', port: 8080 })).toBe('[::1]:8080');
    expect(formatSockAddr({ family: 6, ip: '::ffff:127.0.0.1', port: 0 })).toBe('[::ffff:127.0.0.1]:0');
  });

  it('sockAddr canonicalizes and validates', () => {
    expect(sockAddr('0:0:0:0:0:0:0:1', 9)).toEqual({ family: 6, ip: '::1', port: 9 });
    expect(sockAddr('127.0.0.1', 65535)).toEqual({ family: 4, ip: '127.0.0.1', port: 65535 });
    expect(() => sockAddr('127.1', 9)).toThrow(/127\.1/);
    expect(() => sockAddr('127.0.0.1', 65536)).toThrow(RangeError);
    expect(() => sockAddr('127.0.0.1', -1)).toThrow(RangeError);
    expect(() => sockAddr('127.0.0.1', 1.5)).toThrow(RangeError);
    expect(sockAddrFromBytes(Uint8Array.of(127, 0, 0, 1), 7)).toEqual({ family: 4, ip: '127.0.0.1', port: 7 });
    expect(sockAddrFromBytes(bytesFromWords([0, 0, 0, 0, 0, 0, 0, 1]), 7)).toEqual({ family: 6, ip: '::1', port: 7 });
  });

  it('isUnspecified', () => {
    expect(isUnspecified('0.0.0.0')).toBe(true);
    expect(isUnspecified('::')).toBe(true);
    expect(isUnspecified('0:0:0:0:0:0:0:0')).toBe(true);
    expect(isUnspecified('127.0.0.1')).toBe(false);
    expect(isUnspecified('::1')).toBe(false);
    expect(isUnspecified('::ffff:0.0.0.0')).toBe(false);
    expect(isUnspecified('0')).toBe(false);
    expect(isUnspecified('')).toBe(false);
  });

  it('ipv4MappedToV4 unwraps only ::ffff:a.b.c.d', () => {
    expect(ipv4MappedToV4(parseIp('::ffff:127.0.0.1')!.bytes)).toEqual(Uint8Array.of(127, 0, 0, 1));
    const m = parseIp(mappedFromInt(0x0a000001))!.bytes;
    expect(formatIp(ipv4MappedToV4(m))).toBe(ipv4FromInt(0x0a000001));
    const one = parseIp('::1')!.bytes;
    expect(ipv4MappedToV4(one)).toBe(one);
    const compat = parseIp('::127.0.0.1')!.bytes;
    expect(ipv4MappedToV4(compat)).toBe(compat);
    const four = Uint8Array.of(127, 0, 0, 1);
    expect(ipv4MappedToV4(four)).toBe(four);
  });
});

// ---- policy.ts -------------------------------------------------------------

const OPS: NetOp[] = ['connect', 'bind', 'sendto'];

describe('default policy (no --allow-net)', () => {
  const p = parseAllowNet(undefined);

  it('allows loopback on every port', () => {
    for (const port of [0, 1, 80, 8080, 65535]) {
      expect(p.allows(a('127.0.0.1', port))).toBe(true);
      expect(p.allows(a('127.255.255.254', port))).toBe(true);
      expect(p.allows(a('127.0.0.0', port))).toBe(true);
      expect(p.allows(a('::1', port))).toBe(true);
      expect(p.allows(a('::ffff:127.0.0.1', port))).toBe(true);
      expect(p.allows(a('::ffff:127.255.255.254', port))).toBe(true);
    }
    for (const op of OPS) {
      expect(p.check(op, a('127.0.0.1', 9))).toBeNull();
      expect(p.check(op, a('::1', 9))).toBeNull();
      expect(p.check(op, a('::ffff:127.0.0.1', 9))).toBeNull();
    }
  });

  it('denies IPv4 outside 127.0.0.0/8', () => {
    for (const n of OUTSIDE_V4) {
      expect(p.allows(v4(n)), ipv4FromInt(n)).toBe(false);
      for (const op of OPS) expect(p.check(op, v4(n, 9))).toMatch(/denied by the network policy/);
    }
  });

  it('denies IPv6 other than ::1, and ::ffff:-mapped non-loopback', () => {
    for (const ip of OUTSIDE_V6) {
      expect(p.allows(a(ip)), ip).toBe(false);
      for (const op of OPS) expect(p.check(op, a(ip, 9)), ip).not.toBeNull();
    }
    for (const n of OUTSIDE_V4) {
      const ip = mappedFromInt(n);
      expect(p.allows(a(ip)), ip).toBe(false);
      for (const op of OPS) expect(p.check(op, a(ip, 9)), ip).not.toBeNull();
    }
  });

  it('denies connect and sendto to the unspecified address', () => {
    for (const ip of ['0.0.0.0', '::', '::ffff:0.0.0.0']) {
      expect(p.allows(a(ip, 9))).toBe(false);
      expect(p.check('connect', a(ip, 9))).not.toBeNull();
      expect(p.check('sendto', a(ip, 9))).not.toBeNull();
    }
  });

  it('denies a garbage address', () => {
    expect(p.allows({ family: 4, ip: '127.1', port: 9 })).toBe(false);
  });

  it('says what was denied and how to allow it, keeping the loopback default', () => {
    const ip = ipv4FromInt(0x0a000001);
    const line = p.check('connect', v4(0x0a000001, 9))!;
    expect(line).toBe(
      `wasock: connect to ${ip}:9 denied by the network policy (allow it with --allow-net=127.0.0.0/8,[::1],${ip}:9)`,
    );
    expect(p.check('sendto', v4(0x0a000001, 53))).toBe(
      `wasock: sendto ${ip}:53 denied by the network policy (allow it with --allow-net=127.0.0.0/8,[::1],${ip}:53)`,
    );
    const ip6 = OUTSIDE_V6[1]!;
    expect(p.check('bind', a(ip6, 0))).toBe(
      `wasock: bind to [${ip6}]:0 denied by the network policy (allow it with --allow-net=127.0.0.0/8,[::1],[${ip6}])`,
    );
    // A mapped address is suggested as its IPv4 address.
    expect(suggestion(p.check('connect', a(mappedFromInt(0x0a000001), 9))!)).toBe(`127.0.0.0/8,[::1],${ip}:9`);
    expect(line.includes('\n')).toBe(false);
  });

  it('every suggestion really allows the denied operation, and keeps what was allowed', () => {
    const targets = [...OUTSIDE_V4.map((n) => ipv4FromInt(n)), ...OUTSIDE_V6, ...OUTSIDE_V4.map(mappedFromInt)];
    for (const ip of targets) {
      for (const op of OPS) {
        for (const port of [0, 9]) {
          const addr = a(ip, port);
          const line = p.check(op, addr);
          if (line === null) continue;
          const widened = parseAllowNet(suggestion(line));
          expect(widened.check(op, addr), `${op} ${ip} ${port}`).toBeNull();
          expect(widened.allows(a('127.0.0.1', 8080))).toBe(true);
          expect(widened.allows(a('::1', 8080))).toBe(true);
        }
      }
    }
  });

  it('describes itself', () => {
    expect(p.isDefault).toBe(true);
    expect(p.everything).toBe(false);
    expect(p.entries).toEqual(['127.0.0.0/8', '[::1]']);
    const d = p.describe();
    expect(d).toContain('loopback only');
    expect(d).toContain('127.0.0.0/8');
    expect(d).toContain('[::1]');
    expect(d).toContain(':LO-HI');
    expect(d.includes('\n')).toBe(false);
  });
});

describe('bare --allow-net', () => {
  const p = parseAllowNet(true);

  it('allows everything', () => {
    expect(p.everything).toBe(true);
    for (const n of [...OUTSIDE_V4, LOOP4, 0]) {
      expect(p.allows(v4(n, 1))).toBe(true);
      for (const op of OPS) expect(p.check(op, v4(n, 0))).toBeNull();
    }
    for (const ip of [...OUTSIDE_V6, '::', '::1', mappedFromInt(0x0a000001)]) {
      expect(p.allows(a(ip, 65535))).toBe(true);
      for (const op of OPS) expect(p.check(op, a(ip, 9))).toBeNull();
    }
    expect(p.describe()).toContain('everything');
  });

  it('does not narrow a bind to the unspecified address', () => {
    expect(p.narrowBind(a('0.0.0.0', 8080))).toEqual(a('0.0.0.0', 8080));
    expect(p.narrowBind(a('::', 8080))).toEqual(a('::', 8080));
  });
});

describe('--allow-net=LIST', () => {
  it('one address and port replaces the default', () => {
    const p = parseAllowNet('127.0.0.1:8080');
    expect(p.isDefault).toBe(false);
    expect(p.entries).toEqual(['127.0.0.1:8080']);
    expect(p.allows(a('127.0.0.1', 8080))).toBe(true);
    expect(p.allows(a('::ffff:127.0.0.1', 8080))).toBe(true);
    expect(p.allows(a('127.0.0.1', 8081))).toBe(false);
    expect(p.allows(a('127.0.0.1', 8079))).toBe(false);
    expect(p.allows(a('127.0.0.2', 8080))).toBe(false);
    expect(p.allows(a('::1', 8080))).toBe(false);
    expect(p.check('connect', a('127.0.0.2', 9))).toBe(
      'wasock: connect to 127.0.0.2:9 denied by the network policy (allow it with --allow-net=127.0.0.1:8080,127.0.0.2:9)',
    );
  });

  it('an address without a port allows every port', () => {
    const p = parseAllowNet('127.0.0.2');
    for (const port of [0, 1, 65535]) expect(p.allows(a('127.0.0.2', port))).toBe(true);
    expect(p.allows(a('127.0.0.1', 80))).toBe(false);
    expect(p.allows(a('127.0.0.3', 80))).toBe(false);
  });

  it('port range is inclusive', () => {
    const p = parseAllowNet('127.0.0.1:8000-8100');
    expect(p.entries).toEqual(['127.0.0.1:8000-8100']);
    expect(p.allows(a('127.0.0.1', 7999))).toBe(false);
    expect(p.allows(a('127.0.0.1', 8000))).toBe(true);
    expect(p.allows(a('127.0.0.1', 8050))).toBe(true);
    expect(p.allows(a('127.0.0.1', 8100))).toBe(true);
    expect(p.allows(a('127.0.0.1', 8101))).toBe(false);
    expect(parseAllowNet('127.0.0.1:80-80').entries).toEqual(['127.0.0.1:80']);
    expect(parseAllowNet('127.0.0.1:1-65535').entries).toEqual(['127.0.0.1:1-65535']);
  });

  it('several ports by repeating the host', () => {
    const p = parseAllowNet('127.0.0.1:80,127.0.0.1:443');
    expect(p.allows(a('127.0.0.1', 80))).toBe(true);
    expect(p.allows(a('127.0.0.1', 443))).toBe(true);
    expect(p.allows(a('127.0.0.1', 81))).toBe(false);
  });

  it('CIDR ranges', () => {
    const p = parseAllowNet('127.0.0.0/30');
    for (let last = 0; last < 4; last++) expect(p.allows(a(`127.0.0.${last}`))).toBe(true);
    expect(p.allows(a('127.0.0.4'))).toBe(false);
    expect(p.allows(a('127.0.1.0'))).toBe(false);
    expect(p.allows(a('::ffff:127.0.0.3'))).toBe(true);

    const wide = parseAllowNet('127.0.0.0/8:9');
    expect(wide.allows(a('127.255.255.254', 9))).toBe(true);
    expect(wide.allows(a('127.255.255.254', 10))).toBe(false);
    expect(wide.allows(v4(0x80000000, 9))).toBe(false);

    // Host bits are dropped; a full-length prefix is the plain address.
    expect(parseAllowNet('127.1.2.3/8').entries).toEqual(['127.0.0.0/8']);
    expect(parseAllowNet('127.0.0.1/32').entries).toEqual(['127.0.0.1']);
    expect(parseAllowNet('127.0.0.1/31').entries).toEqual(['127.0.0.0/31']);
    expect(parseAllowNet('127.0.0.1/31').allows(a('127.0.0.0'))).toBe(true);
    expect(parseAllowNet('127.0.0.1/31').allows(a('127.0.0.2'))).toBe(false);
  });

  it('/0 covers its whole family', () => {
    const all4 = parseAllowNet('0.0.0.0/0');
    for (const n of OUTSIDE_V4) expect(all4.allows(v4(n))).toBe(true);
    expect(all4.allows(a(mappedFromInt(0x0a000001)))).toBe(true);
    expect(all4.allows(a('::1'))).toBe(false);
    const all6 = parseAllowNet('[::]/0:443');
    for (const ip of OUTSIDE_V6) expect(all6.allows(a(ip, 443))).toBe(true);
    // ::/0 contains every IPv4-mapped address, hence every IPv4 host.
    expect(all6.allows(v4(0x0a000001, 443))).toBe(true);
    expect(all6.allows(v4(0x0a000001, 80))).toBe(false);
  });

  it('IPv6 in brackets, with prefix and port', () => {
    const p = parseAllowNet('[::1]:8080');
    expect(p.entries).toEqual(['[::1]:8080']);
    expect(p.allows(a('::1', 8080))).toBe(true);
    expect(p.allows(a('::1', 8081))).toBe(false);
    expect(p.allows(a('127.0.0.1', 8080))).toBe(false);
    expect(parseAllowNet('[0:0:0:0:0:0:0:1]').entries).toEqual(['[::1]']);
    expect(parseAllowNet('[::1]/128').entries).toEqual(['[::1]']);
    expect(parseAllowNet('[::1]/128:80').entries).toEqual(['[::1]:80']);
    expect(parseAllowNet('[::1]/128:80').allows(a('::1', 80))).toBe(true);
    const net = parseAllowNet('[::]/126');
    expect(net.entries).toEqual(['[::]/126']);
    expect(net.allows(a('::1'))).toBe(true);
    expect(net.allows(a(ipv6FromWords([0, 0, 0, 0, 0, 0, 0, 3])))).toBe(true);
    expect(net.allows(a(ipv6FromWords([0, 0, 0, 0, 0, 0, 0, 4])))).toBe(false);
  });

  it('an IPv4-mapped entry means its IPv4 address', () => {
    const p = parseAllowNet('[::ffff:127.0.0.1]:80');
    expect(p.entries).toEqual(['127.0.0.1:80']);
    expect(p.allows(a('127.0.0.1', 80))).toBe(true);
    expect(p.allows(a('::ffff:127.0.0.1', 80))).toBe(true);
    expect(parseAllowNet('[::ffff:127.0.0.0]/104').entries).toEqual(['127.0.0.0/8']);
  });

  it('localhost means 127.0.0.1 and ::1', () => {
    const p = parseAllowNet('localhost');
    expect(p.entries).toEqual(['localhost']);
    expect(p.allows(a('127.0.0.1', 1))).toBe(true);
    expect(p.allows(a('::1', 65535))).toBe(true);
    expect(p.allows(a('::ffff:127.0.0.1', 5))).toBe(true);
    expect(p.allows(a('127.0.0.2', 5))).toBe(false);
    const port = parseAllowNet('LocalHost:8080');
    expect(port.entries).toEqual(['localhost:8080']);
    expect(port.allows(a('127.0.0.1', 8080))).toBe(true);
    expect(port.allows(a('::1', 8080))).toBe(true);
    expect(port.allows(a('::1', 8081))).toBe(false);
  });

  it('several entries, blanks ignored', () => {
    const p = parseAllowNet(' 127.0.0.1:80 , [::1]:443,127.0.0.5 ');
    expect(p.entries).toEqual(['127.0.0.1:80', '[::1]:443', '127.0.0.5']);
    expect(p.allows(a('127.0.0.1', 80))).toBe(true);
    expect(p.allows(a('::1', 443))).toBe(true);
    expect(p.allows(a('127.0.0.5', 7))).toBe(true);
    expect(p.allows(a('::1', 80))).toBe(false);
    expect(p.describe()).toContain('127.0.0.1:80, [::1]:443, 127.0.0.5');
    expect(p.describe()).toContain('--allow-net=127.0.0.1:80,[::1]:443,127.0.0.5');
  });
});

describe('bind', () => {
  it('the unspecified address is always allowed, and narrowed to loopback', () => {
    for (const p of [parseAllowNet(undefined), parseAllowNet('[::1]:80'), parseAllowNet('127.0.0.2:1')]) {
      expect(p.check('bind', a('0.0.0.0', 8080))).toBeNull();
      expect(p.check('bind', a('::', 0))).toBeNull();
      expect(p.narrowBind(a('0.0.0.0', 8080))).toEqual({ family: 4, ip: '127.0.0.1', port: 8080 });
      expect(p.narrowBind(a('::', 0))).toEqual({ family: 6, ip: '::1', port: 0 });
    }
  });

  it('narrowBind leaves specific addresses alone', () => {
    const p = parseAllowNet(undefined);
    const x = a('127.0.0.2', 9);
    expect(p.narrowBind(x)).toBe(x);
    expect(p.narrowBind(a('::1', 9))).toEqual(a('::1', 9));
  });

  it('a specific address must be allowed; port 0 needs the address allowed on some port', () => {
    const p = parseAllowNet('127.0.0.1:8080');
    expect(p.check('bind', a('127.0.0.1', 8080))).toBeNull();
    expect(p.check('bind', a('127.0.0.1', 0))).toBeNull();
    expect(p.check('bind', a('::ffff:127.0.0.1', 0))).toBeNull();
    expect(p.check('bind', a('127.0.0.1', 8081))).toMatch(/^wasock: bind to 127\.0\.0\.1:8081 denied/);
    expect(p.check('bind', a('127.0.0.2', 0))).toBe(
      'wasock: bind to 127.0.0.2:0 denied by the network policy (allow it with --allow-net=127.0.0.1:8080,127.0.0.2)',
    );
    // Port 0 is only special for bind.
    expect(p.check('connect', a('127.0.0.1', 0))).not.toBeNull();
    expect(p.check('sendto', a('127.0.0.1', 0))).not.toBeNull();
    expect(p.allowsHost('127.0.0.1')).toBe(true);
    expect(p.allowsHost('127.0.0.2')).toBe(false);
  });

  it('default policy denies binding a non-loopback address', () => {
    const p = parseAllowNet(undefined);
    expect(p.check('bind', v4(0x0a000001, 0))).not.toBeNull();
    expect(p.check('bind', v4(0x0a000001, 80))).not.toBeNull();
    expect(p.check('bind', a(OUTSIDE_V6[1]!, 0))).not.toBeNull();
    expect(p.check('bind', a('::ffff:0.0.0.0', 0))).not.toBeNull();
    expect(p.check('bind', a('127.3.2.1', 0))).toBeNull();
  });
});

describe('malformed --allow-net', () => {
  it.each([
    ['300.1.1.1', '300.1.1.1'],
    ['127.0.0.1:99999', '127.0.0.1:99999'],
    ['127.0.0.1:', '127.0.0.1:'],
    ['[::1', '[::1'],
    ['127.0.0.0/33', '127.0.0.0/33'],
    ['127.0.0.1:0', '127.0.0.1:0'],
    ['127.0.0.1:9-8', '127.0.0.1:9-8'],
    ['127.0.0.1:80-', '127.0.0.1:80-'],
    ['127.0.0.1:-80', '127.0.0.1:-80'],
    ['127.0.0.1:80+81', '127.0.0.1:80+81'],
    ['127.0.0.1:http', '127.0.0.1:http'],
    ['127.0.0.1:80:81', '127.0.0.1:80:81'],
    ['127.0.0.0/', '127.0.0.0/'],
    ['127.0.0.0/x', '127.0.0.0/x'],
    ['127.0.0.0/8/8', '127.0.0.0/8/8'],
    ['0177.0.0.1', '0177.0.0.1'],
    ['0x7f.1', '0x7f.1'],
    ['127.1', '127.1'],
    ['1.2.3.4.5', '1.2.3.4.5'],
    ['::1', '::1'],
    ['::1:80', '::1:80'],
    ['[127.0.0.1]', '[127.0.0.1]'],
    ['[::1]/129', '[::1]/129'],
    ['[::1]:', '[::1]:'],
    ['[::1]x', '[::1]x'],
    ['[::1%lo]', '[::1%lo]'],
    ['[]', '[]'],
    ['localhost/8', 'localhost/8'],
    ['localhost:', 'localhost:'],
    ['localhost.localdomain', 'localhost.localdomain'],
    [':80', ':80'],
    ['/8', '/8'],
    ['127.0.0.1,127.0.0.1:99999', '127.0.0.1:99999'],
  ])('%j is refused, naming %j', (spec, entry) => {
    expect(() => parseAllowNet(spec)).toThrow(Error);
    expect(() => parseAllowNet(spec)).toThrow(`invalid --allow-net entry ${JSON.stringify(entry)}`);
  });

  it('messages say what is wrong', () => {
    const msg = (spec: string) => {
      try {
        parseAllowNet(spec);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`no error for ${spec}`);
    };
    expect(msg('300.1.1.1')).toMatch(/not an IPv4 address/);
    expect(msg('127.0.0.1:99999')).toMatch(/port 99999 is out of range \(1-65535\)/);
    expect(msg('127.0.0.1:')).toMatch(/missing port/);
    expect(msg('[::1')).toMatch(/missing '\]'/);
    expect(msg('127.0.0.0/33')).toMatch(/at most \/32/);
    expect(msg('::1')).toMatch(/brackets/);
    expect(msg('localhost.localdomain')).toMatch(/host names other than localhost/);
    expect(msg('127.0.0.1:9-8')).toMatch(/empty/);
  });

  it.each(['', '   ', ',', '127.0.0.1,', ',127.0.0.1', '127.0.0.1,,[::1]', '127.0.0.1, ,[::1]'])(
    'empty entries are refused: %j',
    (spec) => {
      expect(() => parseAllowNet(spec)).toThrow(/--allow-net.*empty/);
    },
  );

  it('the empty entry is named by its position', () => {
    expect(() => parseAllowNet('127.0.0.1,,[::1]')).toThrow(/entry #2 of "127\.0\.0\.1,,\[::1\]"/);
    expect(() => parseAllowNet('127.0.0.1,')).toThrow(/entry #2/);
  });
});

describe('serialization', () => {
  const specs: (string | true | undefined)[] = [
    undefined,
    true,
    '127.0.0.1:8080',
    'localhost:80,[::1]/128:8000-8100,127.0.0.0/8',
    '[::ffff:127.0.0.1],127.1.2.3/16:9',
  ];

  it.each(specs.map((s) => [s]))('round-trips %j through JSON and structured clone', (spec) => {
    const p = parseAllowNet(spec);
    const viaJson = NetPolicy.fromJSON(JSON.parse(JSON.stringify(p)));
    const viaClone = NetPolicy.fromJSON(structuredClone(p.toJSON()));
    const viaString = NetPolicy.fromJSON(JSON.stringify(p));
    for (const q of [viaJson, viaClone, viaString]) {
      expect(q).toBeInstanceOf(NetPolicy);
      expect(q.toJSON()).toEqual(p.toJSON());
      expect(q.everything).toBe(p.everything);
      expect(q.isDefault).toBe(p.isDefault);
      expect(q.entries).toEqual(p.entries);
      expect(q.describe()).toBe(p.describe());
      const probes = [
        a('127.0.0.1', 8080),
        a('127.0.0.1', 80),
        a('127.1.0.1', 9),
        a('127.0.0.2', 1),
        a('::1', 8050),
        a('::ffff:127.0.0.1', 3),
        v4(0x0a000001, 80),
        a(OUTSIDE_V6[1]!, 80),
      ];
      for (const x of probes) {
        expect(q.allows(x)).toBe(p.allows(x));
        for (const op of OPS) expect(q.check(op, x)).toBe(p.check(op, x));
      }
    }
  });

  it('serialized forms', () => {
    expect(parseAllowNet(undefined).toJSON()).toEqual({ allowNet: null });
    expect(parseAllowNet(true).toJSON()).toEqual({ allowNet: true });
    expect(parseAllowNet('[0:0:0:0:0:0:0:1]:80, localhost').toJSON()).toEqual({ allowNet: '[::1]:80,localhost' });
  });

  it('fromJSON refuses anything else', () => {
    for (const bad of [null, undefined, 1, {}, { allowNet: false }, { allowNet: 3 }, { allowNet: '' }, { allowNet: '127.1' }]) {
      expect(() => NetPolicy.fromJSON(bad)).toThrow();
    }
  });
});

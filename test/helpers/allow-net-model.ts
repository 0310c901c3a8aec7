// A small model of the network policy, written from the README ("Network
// policy"), DESIGN.md and docs/relay-protocol.md section 9 — not from
// host/src/net/policy.ts — so the relay fuzzer's expected EACCES answers do
// not come from the code under test:
//   - no list: loopback only, 127.0.0.0/8 and ::1, every port;
//   - a list replaces that default: HOST[/PREFIX][:PORT|:LO-HI],… with HOST
//     an IPv4 address, [IPv6] or localhost (= 127.0.0.1 and ::1); no port is
//     every port; host bits below the prefix are ignored;
//   - an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as a.b.c.d;
//   - binding the unspecified address (0.0.0.0, ::) is always allowed; a bind
//     to port 0 is allowed when the address is allowed on some port.

type Op = 'connect' | 'bind' | 'sendto';
interface Rule { bytes: number[]; prefix: number; lo: number; hi: number }

/** 4 or 16 bytes; IPv4-mapped IPv6 comes back as its 4 IPv4 bytes. */
function ipBytes(ip: string): number[] {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return ip.split('.').map(Number);
  let text = ip;
  let tail: number[] = [];
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail = v4[1]!.split('.').map(Number);
    text = `${text.slice(0, v4.index)}:0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, null];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head!);
  const r = rest === null ? [] : groups(rest);
  const all = [...h, ...new Array(8 - h.length - r.length).fill(0), ...r];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function covers(rule: Rule, bytes: number[]): boolean {
  if (rule.bytes.length !== bytes.length) return false;
  for (let bit = 0; bit < rule.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((rule.bytes[bit >> 3]! & mask) !== (bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

function parseList(list: string): Rule[] {
  return list.split(',').map((e) => e.trim()).filter(Boolean).flatMap((entry) => {
    const m = /^(\[[^\]]+\]|[^:/]+)(?:\/(\d+))?(?::(\d+)(?:-(\d+))?)?$/.exec(entry);
    if (!m) throw new Error(`model: cannot read ${entry}`);
    const hosts = m[1] === 'localhost' ? ['127.0.0.1', '::1'] : [m[1]!.replace(/^\[|\]$/g, '')];
    const lo = m[3] === undefined ? 0 : Number(m[3]);
    const hi = m[3] === undefined ? 65535 : Number(m[4] ?? m[3]);
    return hosts.map((h) => {
      const bytes = ipBytes(h);
      return { bytes, prefix: m[2] === undefined ? bytes.length * 8 : Number(m[2]), lo, hi };
    });
  });
}

/** `--allow-net` as the docs describe it: undefined = the default, true = everything, else a list. */
export function allowNetModel(allowNet?: string | true): { check(op: Op, addr: { ip: string; port: number }): string | null } {
  const rules = allowNet === true ? null : parseList(allowNet ?? '127.0.0.0/8,[::1]');
  return {
    check(op, addr) {
      if (rules === null) return null;
      const bytes = ipBytes(addr.ip);
      if (op === 'bind' && bytes.every((b) => b === 0)) return null;
      const hosts = rules.filter((r) => covers(r, bytes));
      const ok = op === 'bind' && addr.port === 0 ? hosts.length > 0 : hosts.some((r) => addr.port >= r.lo && addr.port <= r.hi);
      return ok ? null : `model: ${op} ${addr.ip}:${addr.port} denied`;
    },
  };
}

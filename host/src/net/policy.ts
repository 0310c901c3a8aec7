/**
 * The network policy: which addresses a guest may connect to, bind and send
 * datagrams to.
 *
 * Three kinds of policy:
 *   - default (no `--allow-net`): loopback only — 127.0.0.0/8 and ::1, any port;
 *   - everything (bare `--allow-net`);
 *   - a list (`--allow-net=LIST`). The list REPLACES the loopback default: with
 *     `--allow-net=127.0.0.1:8080` a connect to 127.0.0.1:8081 or to 127.0.0.2
 *     is denied. Name loopback in the list if the program also needs it.
 *
 * LIST syntax — comma-separated entries, blanks around entries ignored:
 *
 *     ENTRY  = HOST [ "/" PREFIX ] [ ":" PORTS ]
 *     HOST   = IPv4 dotted quad           127.0.0.1
 *            | "[" IPv6 "]"               [::1]   (brackets are required)
 *            | "localhost"                = 127.0.0.1 and [::1]
 *     PREFIX = CIDR prefix length: 0-32 for IPv4, 0-128 for IPv6
 *                                          127.0.0.0/8   [::1]/128
 *     PORTS  = PORT                        127.0.0.1:8080
 *            | PORT "-" PORT (inclusive)   127.0.0.1:8000-8100
 *     PORT   = 1-65535
 *
 * No PORTS means every port. One entry holds one port or one range; to allow
 * several, repeat the host: `127.0.0.1:80,127.0.0.1:443`. Host names other
 * than `localhost` are refused (the policy judges addresses; resolving names
 * at startup would make it depend on DNS). An IPv4-mapped IPv6 address
 * (`[::ffff:127.0.0.1]`) in the list means its IPv4 address, and an
 * IPv4-mapped address used by the guest is judged as its IPv4 address.
 * Host bits below a CIDR prefix are ignored (`127.0.0.1/8` = `127.0.0.0/8`).
 *
 * Binding the unspecified address (0.0.0.0 or ::) is always allowed, but
 * under any policy other than "everything" the host binds loopback instead
 * (`narrowBind`); the guest's getsockname still reports what it asked for.
 * Binding a specific address must be allowed like a connect, except that
 * port 0 (an ephemeral port) is allowed whenever the address is allowed on
 * some port.
 *
 * A policy is built once in the main thread and sent to workers (and to the
 * relay) as JSON: `toJSON()` / `NetPolicy.fromJSON()`.
 */

import {
  formatIp,
  formatSockAddr,
  ipv4MappedToV4,
  isUnspecified,
  parseIp,
  v4ToIpv4Mapped,
  type IpFamily,
  type SockAddr,
} from './addr.js';

/** `join`: IP_ADD_MEMBERSHIP of a multicast group (judged on the address alone). */
export type NetOp = 'connect' | 'bind' | 'sendto' | 'join';

/** The serialized policy: `true` = everything, `null` = default, else the canonical list. */
export type NetPolicyJSON = { allowNet: string | true | null };

/** One address range with one port range. */
type Rule = {
  family: IpFamily;
  /** Network bytes (4 or 16), host bits already cleared. */
  net: Uint8Array;
  prefix: number;
  portLo: number;
  portHi: number;
};

/** One `--allow-net` entry: its canonical text and the rules it stands for. */
type Entry = { text: string; rules: Rule[] };

const ALL_PORTS = { lo: 0, hi: 65535 } as const;

export const ALLOW_NET_SYNTAX =
  '--allow-net=HOST[/PREFIX][:PORT|:LO-HI],... (HOST: IPv4, [IPv6] or localhost; ' +
  'no port = all ports; the list replaces the loopback default); bare --allow-net allows everything';

function maskTo(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function prefixMatches(net: Uint8Array, prefix: number, bytes: Uint8Array): boolean {
  const full = prefix >> 3;
  for (let i = 0; i < full; i++) if (net[i] !== bytes[i]) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[full]! & mask) === net[full];
}

/** Does `rule` cover the address (already unwrapped from IPv4-mapped)? */
function ruleCoversHost(rule: Rule, bytes: Uint8Array): boolean {
  if (rule.family === 4) return bytes.length === 4 && prefixMatches(rule.net, rule.prefix, bytes);
  // An IPv6 rule wide enough to contain ::ffff:0:0/96 also covers IPv4 hosts.
  const as6 = bytes.length === 4 ? v4ToIpv4Mapped(bytes) : bytes;
  return prefixMatches(rule.net, rule.prefix, as6);
}

function portsText(lo: number, hi: number): string {
  if (lo === ALL_PORTS.lo && hi === ALL_PORTS.hi) return '';
  return lo === hi ? `:${lo}` : `:${lo}-${hi}`;
}

function hostText(family: IpFamily, net: Uint8Array, prefix: number): string {
  const ip = family === 6 ? `[${formatIp(net)}]` : formatIp(net);
  return prefix === (family === 4 ? 32 : 128) ? ip : `${ip}/${prefix}`;
}

function bad(entry: string, why: string): never {
  throw new Error(`invalid --allow-net entry ${JSON.stringify(entry)}: ${why}`);
}

function parsePort(entry: string, text: string): number {
  if (!/^[0-9]+$/.test(text)) bad(entry, `${JSON.stringify(text)} is not a port number`);
  const n = Number(text);
  if (n < 1 || n > 65535) bad(entry, `port ${text} is out of range (1-65535)`);
  return n;
}

function parsePorts(entry: string, text: string): { lo: number; hi: number } {
  if (text === '') bad(entry, "missing port after ':' (omit the ':' to allow every port)");
  const dash = text.indexOf('-');
  if (dash === -1) {
    const p = parsePort(entry, text);
    return { lo: p, hi: p };
  }
  const lo = parsePort(entry, text.slice(0, dash));
  const hi = parsePort(entry, text.slice(dash + 1));
  if (lo > hi) bad(entry, `port range ${text} is empty (${lo} > ${hi})`);
  return { lo, hi };
}

function parsePrefix(entry: string, text: string, family: IpFamily): number {
  const max = family === 4 ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(text)) bad(entry, `CIDR prefix ${JSON.stringify(text)} is not a number`);
  const n = Number(text);
  if (n > max) bad(entry, `CIDR prefix /${text} is too long for IPv${family} (at most /${max})`);
  return n;
}

/** Turn a parsed host (+ optional prefix) into one rule, unwrapping IPv4-mapped forms. */
function makeRule(bytes: Uint8Array, prefix: number, ports: { lo: number; hi: number }): Rule {
  let family: IpFamily = bytes.length === 4 ? 4 : 6;
  let net = bytes;
  if (family === 6 && prefix >= 96 && ipv4MappedToV4(bytes) !== bytes) {
    family = 4;
    net = ipv4MappedToV4(bytes);
    prefix -= 96;
  }
  return { family, net: maskTo(net, prefix), prefix, portLo: ports.lo, portHi: ports.hi };
}

function parseEntry(entry: string): Entry {
  let rest: string;
  let hosts: { bytes: Uint8Array; prefix: number }[];
  let isLocalhost = false;

  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close === -1) bad(entry, "missing ']' after the IPv6 address");
    const inside = entry.slice(1, close);
    const ip = parseIp(inside);
    if (ip === null) bad(entry, `${JSON.stringify(inside)} is not an IPv6 address`);
    if (ip.family !== 6) bad(entry, 'brackets are for IPv6 addresses only; write IPv4 addresses bare');
    rest = entry.slice(close + 1);
    let prefix = 128;
    if (rest.startsWith('/')) {
      const end = rest.indexOf(':');
      const ptext = end === -1 ? rest.slice(1) : rest.slice(1, end);
      prefix = parsePrefix(entry, ptext, 6);
      rest = end === -1 ? '' : rest.slice(end);
    }
    hosts = [{ bytes: ip.bytes, prefix }];
  } else {
    const colon = entry.indexOf(':');
    const hostPart = colon === -1 ? entry : entry.slice(0, colon);
    rest = colon === -1 ? '' : entry.slice(colon);
    if (rest.indexOf(':', 1) !== -1) {
      bad(entry, 'an IPv6 address must be written in brackets, as in [::1] or [::1]:8080');
    }
    const slash = hostPart.indexOf('/');
    const addrText = slash === -1 ? hostPart : hostPart.slice(0, slash);
    if (addrText === '') bad(entry, 'missing host');
    if (addrText.toLowerCase() === 'localhost') {
      if (slash !== -1) bad(entry, 'a CIDR prefix needs an address, not localhost');
      isLocalhost = true;
      hosts = [
        { bytes: Uint8Array.of(127, 0, 0, 1), prefix: 32 },
        { bytes: parseIp('::1')!.bytes, prefix: 128 },
      ];
    } else {
      const ip = parseIp(addrText);
      if (ip === null) {
        if (/[a-z]/i.test(addrText) && !/^0x/i.test(addrText) && !addrText.includes('.0x')) {
          bad(entry, `host names other than localhost are not accepted; write the IP address instead of ${JSON.stringify(addrText)}`);
        }
        bad(entry, `${JSON.stringify(addrText)} is not an IPv4 address (a.b.c.d, each 0-255, decimal, no leading zeros)`);
      }
      const prefix = slash === -1 ? 32 : parsePrefix(entry, hostPart.slice(slash + 1), 4);
      hosts = [{ bytes: ip.bytes, prefix }];
    }
  }

  let ports: { lo: number; hi: number } = ALL_PORTS;
  if (rest !== '') {
    if (!rest.startsWith(':')) bad(entry, `unexpected ${JSON.stringify(rest)} after the host`);
    ports = parsePorts(entry, rest.slice(1));
  }

  const rules = hosts.map((h) => makeRule(h.bytes, h.prefix, ports));
  const text = isLocalhost
    ? `localhost${portsText(ports.lo, ports.hi)}`
    : `${hostText(rules[0]!.family, rules[0]!.net, rules[0]!.prefix)}${portsText(ports.lo, ports.hi)}`;
  return { text, rules };
}

function parseList(spec: string): Entry[] {
  if (spec.trim() === '') {
    throw new Error('invalid --allow-net: the list is empty (write --allow-net to allow everything, or name addresses)');
  }
  const entries: Entry[] = [];
  const raw = spec.split(',');
  raw.forEach((r, i) => {
    const entry = r.trim();
    if (entry === '') {
      throw new Error(
        `invalid --allow-net entry #${i + 1} of ${JSON.stringify(spec)}: the entry is empty (stray ',')`,
      );
    }
    entries.push(parseEntry(entry));
  });
  return entries;
}

const DEFAULT_ENTRIES: readonly Entry[] = parseList('127.0.0.0/8,[::1]');

function ruleWithinLoopback(r: Rule): boolean {
  if (r.family === 4) return r.prefix >= 8 && r.net[0] === 127;
  return r.prefix === 128 && r.net.every((b, i) => b === (i === 15 ? 1 : 0));
}

export class NetPolicy {
  readonly #everything: boolean;
  readonly #isDefault: boolean;
  readonly #entries: readonly Entry[];

  private constructor(everything: boolean, isDefault: boolean, entries: readonly Entry[]) {
    this.#everything = everything;
    this.#isDefault = isDefault;
    this.#entries = entries;
  }

  /** Same as `parseAllowNet`. */
  static parse(spec: string | true | undefined): NetPolicy {
    if (spec === undefined) return new NetPolicy(false, true, DEFAULT_ENTRIES);
    if (spec === true) return new NetPolicy(true, false, []);
    if (typeof spec !== 'string') throw new TypeError('--allow-net takes a list of addresses or nothing');
    return new NetPolicy(false, false, parseList(spec));
  }

  /** Bare `--allow-net`: every address and port. */
  get everything(): boolean {
    return this.#everything;
  }

  /** No `--allow-net` at all: loopback only. */
  get isDefault(): boolean {
    return this.#isDefault;
  }

  /** The canonical entries of the list (the default's are `127.0.0.0/8` and `[::1]`; empty for everything). */
  get entries(): readonly string[] {
    return this.#entries.map((e) => e.text);
  }

  #hostBytes(ip: string): Uint8Array | null {
    const p = parseIp(ip);
    return p === null ? null : ipv4MappedToV4(p.bytes);
  }

  /** Is this exact address and port allowed? An IPv4-mapped IPv6 address is judged as its IPv4 address. */
  allows(addr: SockAddr): boolean {
    if (this.#everything) return true;
    const bytes = this.#hostBytes(addr.ip);
    if (bytes === null) return false;
    return this.#entries.some((e) =>
      e.rules.some((r) => addr.port >= r.portLo && addr.port <= r.portHi && ruleCoversHost(r, bytes)),
    );
  }

  /**
   * Can this policy allow any address outside loopback? When it cannot, the
   * host answers name lookups locally (localhost only) instead of asking DNS:
   * a sandboxed guest should not be able to leak queries it could not use.
   */
  reachesBeyondLoopback(): boolean {
    if (this.#everything) return true;
    return this.#entries.some((e) => e.rules.some((r) => !ruleWithinLoopback(r)));
  }

  /** Is the address allowed on at least one port? */
  allowsHost(ip: string): boolean {
    if (this.#everything) return true;
    const bytes = this.#hostBytes(ip);
    if (bytes === null) return false;
    return this.#entries.some((e) => e.rules.some((r) => ruleCoversHost(r, bytes)));
  }

  /**
   * null when `op` on `addr` is allowed; otherwise the one line to print on
   * stderr (the caller then fails the call with EACCES).
   */
  check(op: NetOp, addr: SockAddr): string | null {
    if (this.#everything) return null;
    if (op === 'join') {
      if (this.allowsHost(addr.ip)) return null;
      return `wasock: join of multicast group ${addr.ip} denied by the network policy (allow it with --allow-net=${this.#suggest({ ...addr, port: 0 })})`;
    }
    if (op === 'bind') {
      if (isUnspecified(addr.ip)) return null;
      if (addr.port === 0 ? this.allowsHost(addr.ip) : this.allows(addr)) return null;
    } else if (this.allows(addr)) {
      return null;
    }
    const what = op === 'sendto' ? 'sendto' : `${op} to`;
    return `wasock: ${what} ${formatSockAddr(addr)} denied by the network policy (allow it with --allow-net=${this.#suggest(addr)})`;
  }

  /** The list that would allow `addr` too: the current entries plus one for it. */
  #suggest(addr: SockAddr): string {
    const bytes = this.#hostBytes(addr.ip);
    let host: string;
    if (bytes === null) host = addr.ip;
    else host = bytes.length === 4 ? formatIp(bytes) : `[${formatIp(bytes)}]`;
    const add = addr.port === 0 ? host : `${host}:${addr.port}`;
    return [...this.entries, add].join(',');
  }

  /**
   * The address the host really binds: the unspecified address becomes
   * loopback of the same family (127.0.0.1 / ::1) unless the policy allows
   * everything. Any other address is returned unchanged.
   */
  narrowBind(addr: SockAddr): SockAddr {
    if (this.#everything || !isUnspecified(addr.ip)) return addr;
    return addr.family === 4
      ? { family: 4, ip: '127.0.0.1', port: addr.port }
      : { family: 6, ip: '::1', port: addr.port };
  }

  /** One line for --help and traces: what is allowed, and the flag's syntax. */
  describe(): string {
    let what: string;
    if (this.#everything) what = 'network policy: everything allowed (--allow-net)';
    else if (this.#isDefault) what = 'network policy: loopback only (127.0.0.0/8 and [::1], all ports)';
    else what = `network policy: only ${this.entries.join(', ')} (--allow-net=${this.entries.join(',')})`;
    return `${what}; syntax: ${ALLOW_NET_SYNTAX}`;
  }

  toJSON(): NetPolicyJSON {
    if (this.#everything) return { allowNet: true };
    if (this.#isDefault) return { allowNet: null };
    return { allowNet: this.entries.join(',') };
  }

  /**
   * Rebuild a policy from `toJSON()` output (e.g. after postMessage), or from
   * that output as a JSON string. Throws on anything else.
   */
  static fromJSON(json: unknown): NetPolicy {
    if (typeof json === 'string') json = JSON.parse(json) as unknown;
    if (typeof json !== 'object' || json === null || !('allowNet' in json)) {
      throw new TypeError('not a serialized NetPolicy');
    }
    const v = (json as { allowNet: unknown }).allowNet;
    if (v === null) return NetPolicy.parse(undefined);
    if (v === true || typeof v === 'string') return NetPolicy.parse(v);
    throw new TypeError('not a serialized NetPolicy');
  }
}

/**
 * Build the policy from the `--allow-net` option: `undefined` (option absent)
 * → loopback only; `true` (bare flag) → everything; a string → that list
 * (see the module comment for the syntax). A bad list throws an Error whose
 * message names the bad entry.
 */
export function parseAllowNet(spec: string | true | undefined): NetPolicy {
  return NetPolicy.parse(spec);
}

/**
 * Socket addresses as the host sees them.
 *
 * A `SockAddr` always carries the *canonical* text of its IP address:
 *   - IPv4: dotted quad, decimal, no leading zeros (`127.0.0.1`);
 *   - IPv6: lowercase, the longest run of two or more zero groups compressed
 *     to `::` (the first one on a tie), and the last 32 bits written as a
 *     dotted quad for IPv4-mapped (`::ffff:127.0.0.1`) and IPv4-compatible
 *     addresses — exactly what Node prints for `socket.remoteAddress`.
 *
 * Parsing here is deliberately strict: only the standard dotted quad and the
 * RFC 4291 textual forms are accepted. The historical `inet_aton` spellings
 * (octal `0177.0.0.1`, hex `0x7f.1`, short `127.1`) are the guest libc's
 * business, never the host's: by the time an address reaches the host it is
 * bytes, and whatever the host parses (the `--allow-net` list, a relay
 * request) must mean exactly one address. IPv6 zone ids (`%eth0`) are refused.
 *
 * No Node API is used: this module runs in Node, in the browser and in
 * workers alike.
 */

export type IpFamily = 4 | 6;

export type SockAddr = { family: IpFamily; ip: string; port: number };

export type ParsedIp = { family: IpFamily; bytes: Uint8Array };

const DEC_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Strict dotted quad: four decimal octets 0-255, no leading zeros. */
function parseIpv4Into(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!DEC_OCTET.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

/** Parse a run of colon-separated IPv6 groups (no `::` inside). */
function parseGroups(text: string, allowTrailingV4: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && allowTrailingV4 && p.includes('.')) {
      const v4 = new Uint8Array(4);
      if (!parseIpv4Into(p, v4, 0)) return null;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      continue;
    }
    if (!HEX_GROUP.test(p)) return null;
    groups.push(parseInt(p, 16));
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | null {
  if (text.length === 0 || text.length > 45) return null;
  const dbl = text.indexOf('::');
  let groups: number[];
  if (dbl === -1) {
    const all = parseGroups(text, true);
    if (all === null || all.length !== 8) return null;
    groups = all;
  } else {
    if (text.indexOf('::', dbl + 1) !== -1) return null;
    const headText = text.slice(0, dbl);
    const tailText = text.slice(dbl + 2);
    // `:::`, or a lone `:` at either end, leaves an empty group behind.
    if (headText.startsWith(':') || headText.endsWith(':')) return null;
    if (tailText.startsWith(':') || tailText.endsWith(':')) return null;
    const head = parseGroups(headText, false);
    const tail = parseGroups(tailText, true);
    if (head === null || tail === null) return null;
    // `::` stands for at least one zero group.
    if (head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = groups[i]! >> 8;
    bytes[2 * i + 1] = groups[i]! & 0xff;
  }
  return bytes;
}

/**
 * Parse a textual IP address: a strict IPv4 dotted quad, or an IPv6 address
 * in any RFC 4291 form (including a trailing embedded dotted quad, as in
 * `::ffff:127.0.0.1`). No brackets, no zone id, no port. Returns null when
 * `text` is not exactly one of those.
 */
export function parseIp(text: string): ParsedIp | null {
  if (typeof text !== 'string') return null;
  if (text.includes(':')) {
    const bytes = parseIpv6(text);
    return bytes === null ? null : { family: 6, bytes };
  }
  const bytes = new Uint8Array(4);
  return parseIpv4Into(text, bytes, 0) ? { family: 4, bytes } : null;
}

function formatIpv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function formatIpv6(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[2 * i]! << 8) | b[2 * i + 1]!);

  // Longest run of zero words; the first one wins a tie; a single zero word
  // is never compressed.
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestAt = -1;

  // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) keep their
  // dotted tail.
  const dottedTail =
    bestAt === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff));

  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestAt !== -1 && i >= bestAt && i < bestAt + bestLen) {
      if (i === bestAt) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && dottedTail) return out + formatIpv4(b, 12);
    out += words[i]!.toString(16);
  }
  if (bestAt !== -1 && bestAt + bestLen === 8) out += ':';
  return out;
}

/** Canonical text of a 4-byte (IPv4) or 16-byte (IPv6) address. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return formatIpv4(bytes, 0);
  if (bytes.length === 16) return formatIpv6(bytes);
  throw new RangeError(`an IP address is 4 or 16 bytes, not ${bytes.length}`);
}

/** The canonical spelling of `text`, or null when it is not an IP address. */
export function canonicalIp(text: string): string | null {
  const p = parseIp(text);
  return p === null ? null : formatIp(p.bytes);
}

/** True for 16 bytes of the form ::ffff:a.b.c.d. */
export function isIpv4Mapped(bytes: Uint8Array): boolean {
  if (bytes.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Unwrap an IPv4-mapped IPv6 address (::ffff:a.b.c.d) to its 4 IPv4 bytes,
 * so that whoever judges the address sees the IPv4 host it really reaches.
 * Any other address is returned as is (the same array).
 */
export function ipv4MappedToV4(bytes: Uint8Array): Uint8Array {
  return isIpv4Mapped(bytes) ? bytes.slice(12, 16) : bytes;
}

/** The IPv4-mapped IPv6 form (::ffff:a.b.c.d) of 4 IPv4 bytes. */
export function v4ToIpv4Mapped(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 4) throw new RangeError('expected 4 IPv4 bytes');
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(bytes, 12);
  return out;
}

/** True for the unspecified address of either family: 0.0.0.0 or ::. */
export function isUnspecified(ip: string): boolean {
  const p = parseIp(ip);
  return p !== null && p.bytes.every((b) => b === 0);
}

/** True for an integer port 0-65535. */
export function isPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535;
}

/**
 * Build a SockAddr from any accepted spelling of an IP address and a port;
 * the result carries the canonical spelling. Throws on a bad address or port.
 */
export function sockAddr(ip: string, port: number): SockAddr {
  const p = parseIp(ip);
  if (p === null) throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
  if (!isPort(port)) throw new RangeError(`not a port (0-65535): ${String(port)}`);
  return { family: p.family, ip: formatIp(p.bytes), port };
}

/** SockAddr from raw address bytes (4 or 16) and a port. */
export function sockAddrFromBytes(bytes: Uint8Array, port: number): SockAddr {
  if (!isPort(port)) throw new RangeError(`not a port (0-65535): ${String(port)}`);
  return { family: bytes.length === 4 ? 4 : 6, ip: formatIp(bytes), port };
}

/** `127.0.0.1:8080` or `[::1]:8080`. */
export function formatSockAddr(a: SockAddr): string {
  return a.family === 6 || a.ip.includes(':') ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`;
}

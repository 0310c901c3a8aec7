// What one page may do through the relay: the per-connection limits and the
// network rules (the host's NetPolicy plus the range of local ports a page
// may occupy). Sessions ask here and never decide these things themselves.

import { E } from '../abi/errno.js';
import { formatSockAddr, type SockAddr } from '../net/addr.js';
import type { NetPolicy } from '../net/policy.js';
import { ADDR_BYTES, HEADER_BYTES } from './protocol.js';

export interface RelayLimits {
  /** Sockets one WebSocket may have open or opening at once (streams, listeners, UDP). */
  maxSockets: number;
  /** Credit window per stream and direction: the most bytes buffered for one socket. */
  windowBytes: number;
  /** Longest WebSocket message accepted or sent, header included. */
  maxFrameBytes: number;
  /** A connection that sends nothing for this long is closed. */
  idleMs: number;
  /** WebSockets the relay serves at once; more are refused with HTTP 503. */
  maxConnections: number;
  /** RESOLVE requests one connection may have outstanding; more get EAGAIN. */
  maxResolves: number;
  /** Bytes queued towards one page before the relay stops reading for it. */
  maxQueuedBytes: number;
}

export const DEFAULT_LIMITS: Readonly<RelayLimits> = Object.freeze({
  maxSockets: 256,
  windowBytes: 256 * 1024,
  maxFrameBytes: 128 * 1024,
  idleMs: 120_000,
  maxConnections: 16,
  maxResolves: 8,
  maxQueuedBytes: 4 * 1024 * 1024,
});

/** The biggest UDP payload (IPv6 jumbograms aside) plus its DATAGRAM framing must fit in a frame. */
const MIN_FRAME_BYTES = HEADER_BYTES + ADDR_BYTES + 65535;

function integer(name: string, value: number, lo: number, hi: number): number {
  if (!Number.isInteger(value) || value < lo || value > hi) throw new RangeError(`relay limit ${name} must be an integer from ${lo} to ${hi}, not ${value}`);
  return value;
}

/** Fills in defaults and refuses values the protocol cannot work with. */
export function resolveLimits(partial: Partial<RelayLimits> = {}): RelayLimits {
  const l = { ...DEFAULT_LIMITS, ...partial };
  return {
    maxSockets: integer('maxSockets', l.maxSockets, 1, 65536),
    windowBytes: integer('windowBytes', l.windowBytes, 1024, 64 * 1024 * 1024),
    maxFrameBytes: integer('maxFrameBytes', l.maxFrameBytes, MIN_FRAME_BYTES, 16 * 1024 * 1024),
    idleMs: integer('idleMs', l.idleMs, 100, 24 * 3600_000),
    maxConnections: integer('maxConnections', l.maxConnections, 1, 10_000),
    maxResolves: integer('maxResolves', l.maxResolves, 1, 1024),
    maxQueuedBytes: integer('maxQueuedBytes', l.maxQueuedBytes, 64 * 1024, 1024 * 1024 * 1024),
  };
}

export interface PortRange {
  lo: number;
  hi: number;
}

/** Ports a page may listen on or bind explicitly unless told otherwise. */
export const DEFAULT_LISTEN_PORTS: Readonly<PortRange> = Object.freeze({ lo: 1024, hi: 65535 });

/** Parses `LO-HI` or a single `PORT` (1-65535). */
export function parsePortRange(text: string): PortRange {
  const m = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(text.trim());
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(lo >= 1 && hi <= 65535 && lo <= hi)) throw new RangeError(`invalid port range ${JSON.stringify(text)}: expected LO-HI with 1 <= LO <= HI <= 65535`);
  return { lo, hi };
}

/** A refusal: the errno for the reply and a line saying why. */
export interface Denial {
  errno: number;
  message: string;
}

/** The relay-side network rules, applied to every address a page names. */
export class RelayRules {
  constructor(readonly policy: NetPolicy, readonly listenPorts: PortRange) {}

  /** null, or why connecting to `to` (from `from`) is refused. */
  connect(to: SockAddr, from: SockAddr | null): Denial | null {
    const line = this.policy.check('connect', to);
    if (line !== null) return { errno: E.ACCES, message: relayLine(line) };
    return from === null ? null : this.local(from);
  }

  /** null, or why sending a datagram to `to` is refused. */
  sendto(to: SockAddr): Denial | null {
    const line = this.policy.check('sendto', to);
    return line === null ? null : { errno: E.ACCES, message: relayLine(line) };
  }

  /**
   * null, or why occupying the local address `at` (listen, UDP bind, or the
   * source of a connect) is refused. Port 0 (an ephemeral port the system
   * picks) is always in range: it cannot squat on a chosen service's port.
   */
  local(at: SockAddr): Denial | null {
    const line = this.policy.check('bind', at);
    if (line !== null) return { errno: E.ACCES, message: relayLine(line) };
    if (at.port !== 0 && (at.port < this.listenPorts.lo || at.port > this.listenPorts.hi)) {
      return { errno: E.ACCES, message: `wasock relay: local port ${formatSockAddr(at)} is outside the allowed range ${this.listenPorts.lo}-${this.listenPorts.hi} (relay option --listen-ports)` };
    }
    return null;
  }

  /** The address really bound: the unspecified address narrowed as the policy says. */
  narrow(at: SockAddr): SockAddr {
    return this.policy.narrowBind(at);
  }
}

/** The policy's line names `--allow-net`; here it is the relay's flag. */
function relayLine(line: string): string {
  return line.replace(/^wasock: /, 'wasock relay: ').replace('(allow it with --allow-net', '(allow it with the relay option --allow-net');
}

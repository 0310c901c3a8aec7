// The relay protocol's numbers, shared by the relay (Node) and its clients
// (the browser page, Node tests). docs/relay-protocol.md is the normative
// text; this module is its table of constants and must stay in step with it.
// No Node API is used here.

/** Protocol version announced in HELLO. */
export const PROTOCOL_VERSION = 1;

/** WebSocket subprotocol a client offers (optional; see the spec). */
export const RELAY_SUBPROTOCOL = 'wasock-relay.1';

/** Path of the WebSocket endpoint on the relay's HTTP server. */
export const RELAY_PATH = '/relay';

/** Every frame starts with this many header bytes. */
export const HEADER_BYTES = 16;

/** Size of an encoded address (family, port, 16 address bytes). */
export const ADDR_BYTES = 20;

/** Client-chosen socket ids are 1..CLIENT_ID_MAX; relay-chosen ids have the top bit set. */
export const CLIENT_ID_MAX = 0x7fff_ffff;
export const RELAY_ID_MIN = 0x8000_0000;

/** Longest host name RESOLVE accepts, in bytes. */
export const MAX_HOST_NAME = 253;

/** Longest diagnostic message in a REPLY or ERROR, in bytes. */
export const MAX_MESSAGE = 512;

/** Most addresses one RESOLVE reply carries. */
export const MAX_RESOLVED = 64;

export const OP = {
  // client → relay: requests (answered by REPLY)
  CONNECT: 0x01,
  LISTEN: 0x02,
  UDP_BIND: 0x03,
  RESOLVE: 0x04,
  // both directions: socket traffic (never answered on success)
  DATA: 0x10,
  END: 0x11,
  RESET: 0x12,
  CLOSE: 0x13,
  DATAGRAM: 0x14,
  CREDIT: 0x16,
  // client → relay only
  SETOPT: 0x15,
  KEEPALIVE: 0x17,
  // relay → client only
  HELLO: 0x40,
  REPLY: 0x41,
  ERROR: 0x42,
  ACCEPT: 0x43,
} as const;

export type Op = (typeof OP)[keyof typeof OP];

export const OP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OP).map(([name, value]) => [value, name]));

/** LISTEN flags. */
export const LISTEN_FLAG = { IPV6_ONLY: 1, REUSE_PORT: 2 } as const;
/** UDP_BIND flags. */
export const BIND_FLAG = { IPV6_ONLY: 1, REUSE_ADDR: 2 } as const;

/** END flags (client → relay). */
export const END_FLAG = { CLOSED: 1 } as const;

/** SETOPT option numbers. */
export const SOCKOPT = { NODELAY: 1, KEEPALIVE: 2, BROADCAST: 3, TTL: 4 } as const;

/**
 * WebSocket close codes the relay uses. 1000-1011 are the standard codes,
 * 4000-4999 are ours.
 */
export const CLOSE = {
  /** The relay is shutting down. */
  GOING_AWAY: 1001,
  /** A text message: the protocol is binary only. */
  UNSUPPORTED_DATA: 1003,
  /** A message longer than the announced maxFrameBytes. */
  TOO_BIG: 1009,
  /** The relay failed; not the client's fault. */
  INTERNAL: 1011,
  /** Header or payload layout wrong for the op, or a field out of range. */
  BAD_FRAME: 4000,
  /** An op the relay does not accept from a client. */
  UNKNOWN_OP: 4001,
  /** The client exceeded a limit it was told about (credit window). */
  LIMIT: 4002,
  /** Nothing received from the client for idleMs. */
  IDLE: 4003,
} as const;

export interface RelayHello {
  version: number;
  maxFrameBytes: number;
  windowBytes: number;
  maxSockets: number;
  idleMs: number;
  listenPorts: { lo: number; hi: number };
}

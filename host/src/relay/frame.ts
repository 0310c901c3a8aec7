// The relay protocol's framing: one WebSocket binary message is exactly one
// frame, a 16-byte little-endian header followed by the payload. This module
// checks only what every frame shares (the header and the address encoding);
// messages.ts knows each op's payload. Pure: runs in Node and in browsers.

import { ADDR_BYTES, CLOSE, HEADER_BYTES } from './protocol.js';
import { formatIp, parseIp, type SockAddr } from '../net/addr.js';

export interface Frame {
  op: number;
  socket: number;
  request: number;
  payload: Uint8Array;
}

/**
 * A frame the receiver must not accept. `code` is the WebSocket close code
 * the spec names for it; the connection is closed with it.
 */
export class ProtocolError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export function badFrame(why: string): never {
  throw new ProtocolError(CLOSE.BAD_FRAME, why);
}

/** Builds one frame; `parts` are concatenated into the payload. */
export function encodeFrame(op: number, socket: number, request: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  return encodeFrameInto(new Uint8Array(HEADER_BYTES + length), op, socket, request, parts);
}

/**
 * Builds one frame at the start of `target` (which must have room for it)
 * and returns the view of it: for a sender that reuses one buffer.
 */
export function encodeFrameInto(target: Uint8Array<ArrayBuffer>, op: number, socket: number, request: number, parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const frame = target.subarray(0, HEADER_BYTES + length);
  frame.fill(0, 0, HEADER_BYTES);
  const view = new DataView(frame.buffer, frame.byteOffset, HEADER_BYTES);
  view.setUint8(0, op);
  view.setUint32(4, socket, true);
  view.setUint32(8, request, true);
  view.setUint32(12, length, true);
  let at = HEADER_BYTES;
  for (const part of parts) {
    frame.set(part, at);
    at += part.length;
  }
  return frame;
}

/**
 * Splits a message into header fields and payload (a view, not a copy).
 * Throws ProtocolError for anything the header rules forbid.
 */
export function decodeFrame(message: Uint8Array, maxFrameBytes: number): Frame {
  if (message.length > maxFrameBytes) throw new ProtocolError(CLOSE.TOO_BIG, `frame of ${message.length} bytes exceeds ${maxFrameBytes}`);
  if (message.length < HEADER_BYTES) badFrame(`frame of ${message.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  const view = new DataView(message.buffer, message.byteOffset, message.length);
  if (view.getUint8(1) !== 0 || view.getUint16(2, true) !== 0) badFrame('reserved header bytes are not zero');
  const length = view.getUint32(12, true);
  if (length !== message.length - HEADER_BYTES) badFrame(`length field says ${length} payload bytes, the frame has ${message.length - HEADER_BYTES}`);
  return {
    op: view.getUint8(0),
    socket: view.getUint32(4, true),
    request: view.getUint32(8, true),
    payload: message.subarray(HEADER_BYTES),
  };
}

/** A DataView over exactly these bytes (payloads are views into larger buffers). */
export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Encodes an address as 20 bytes: u8 family (4, 6, or 0 for "none"), u8
 * zero, u16 port, 16 address bytes (IPv4 in the first 4, the rest zero).
 */
export function encodeAddr(addr: SockAddr | null): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(ADDR_BYTES);
  if (addr === null) return out;
  const ip = parseIp(addr.ip);
  if (ip === null) throw new TypeError(`not an IP address: ${JSON.stringify(addr.ip)}`);
  out[0] = ip.family;
  view(out).setUint16(2, addr.port, true);
  out.set(ip.bytes, 4);
  return out;
}

/** Decodes the address at `at`; family 0 gives null when `allowNone`. */
export function decodeAddr(payload: Uint8Array, at: number, allowNone = false): SockAddr | null {
  if (payload.length < at + ADDR_BYTES) badFrame('address truncated');
  const family = payload[at]!;
  const bytes = payload.subarray(at + 4, at + ADDR_BYTES);
  if (payload[at + 1] !== 0) badFrame('reserved address byte is not zero');
  const port = view(payload).getUint16(at + 2, true);
  if (family === 0) {
    if (!allowNone) badFrame('an address is required here');
    if (port !== 0 || bytes.some((b) => b !== 0)) badFrame('the "no address" form must be all zero');
    return null;
  }
  if (family === 4) {
    if (bytes.subarray(4).some((b) => b !== 0)) badFrame('IPv4 address with nonzero padding');
    return { family: 4, ip: formatIp(bytes.subarray(0, 4)), port };
  }
  if (family === 6) return { family: 6, ip: formatIp(bytes.slice()), port };
  return badFrame(`address family ${family} is neither 4 nor 6`);
}

/** A WebSocket close reason is at most 123 bytes of UTF-8: cut on a character boundary. */
export function closeReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= 123) return text;
  let end = 123;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}

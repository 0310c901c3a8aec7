// Who may open the relay: the holder of this start's token, from the page's
// own origin, addressing this server by a loopback name. The token keeps
// other local users and other web pages out; the Origin check keeps a
// foreign page out even if the token leaked (e.g. through history); the Host
// check defeats DNS rebinding (a foreign name resolving to 127.0.0.1).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh access token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Names a browser may use for this server; `[::1]` is the bracketed IPv6 loopback. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** True for the loopback addresses and names the relay may listen on. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){2}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/.test(host);
}

/** `127.0.0.1` stays, `::1` becomes `[::1]`: the host part of a URL. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export class AccessGate {
  private readonly tokenDigest: Buffer;
  private hosts = new Set<string>();
  private origins = new Set<string>();

  constructor(readonly token: string, private readonly extraOrigins: readonly string[]) {
    this.tokenDigest = digest(token);
  }

  /** Called once the server's port is known. */
  setAddress(host: string, port: number): void {
    const names = new Set([urlHost(host), ...LOOPBACK_NAMES]);
    this.hosts = new Set([...names].map((n) => `${n}:${port}`));
    this.origins = new Set([...[...this.hosts].map((h) => `http://${h}`), ...this.extraOrigins]);
  }

  /** null when the request may use the relay, else why not (answered with 403). */
  refuse(req: IncomingMessage, token: string | null): string | null {
    const host = req.headers.host?.toLowerCase();
    if (host === undefined || !this.hosts.has(host)) return 'unexpected Host header';
    // Browsers always send Origin on a WebSocket handshake; a request
    // without one comes from a program, which the token alone admits.
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(origin)) return `origin ${origin} is not allowed`;
    if (token === null) return 'missing token';
    // Comparing digests keeps the comparison constant-time whatever the length.
    if (!timingSafeEqual(digest(token), this.tokenDigest)) return 'wrong token';
    return null;
  }
}

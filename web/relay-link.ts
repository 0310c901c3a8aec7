// The page's one connection to the relay that served it: same origin, the
// token from the page's own URL (?token=…). One WebSocket (one RelayBackend)
// carries the sockets of every program on the page. It connects on demand,
// reports its state for the top bar, and after the relay is lost the next
// program to start tries again.

import { RelayBackend, relayUrl, type RelayWebSocket } from '../host/src/net/relay-backend.js';
import type { NetBackend } from '../host/src/net/backend.js';

export type RelayStatus =
  | { state: 'idle' }
  | { state: 'no-token' }
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'rejected'; detail: string }
  | { state: 'unreachable'; detail: string }
  | { state: 'lost'; detail: string };

/** The error a program's start fails with when the relay cannot be used. */
export class RelayUnavailable extends Error {}

export class RelayLink {
  status: RelayStatus = { state: 'idle' };
  private readonly token: string | null;
  private current: Promise<RelayBackend> | null = null;

  constructor(private readonly pageUrl: URL, private readonly changed: () => void) {
    this.token = pageUrl.searchParams.get('token');
  }

  /** The connected backend, connecting first if needed. */
  backend(): Promise<NetBackend> {
    return this.connect();
  }

  connect(): Promise<RelayBackend> {
    this.current ??= this.open().catch((err: unknown) => {
      // Not kept: the next program to start tries again.
      this.current = null;
      throw err;
    });
    return this.current;
  }

  private async open(): Promise<RelayBackend> {
    if (!this.token) {
      this.set({ state: 'no-token' });
      throw new RelayUnavailable('relay: this page has no ?token= in its URL; open the URL that `npm run web` printed');
    }
    this.set({ state: 'connecting' });
    const endpoint = relayUrl(this.pageUrl.href, this.token);
    // A browser hides why a WebSocket handshake failed, so first ask over
    // plain HTTP: the relay answers 403 with the reason for a bad token or
    // origin, and 426 (use a WebSocket) when this page may connect.
    const probeUrl = new URL(endpoint);
    probeUrl.protocol = this.pageUrl.protocol;
    let probe: Response;
    try {
      probe = await fetch(probeUrl, { cache: 'no-store' });
    } catch {
      return this.fail({ state: 'unreachable', detail: `no answer from ${probeUrl.host}; is the relay (npm run web) still running?` });
    }
    if (probe.status === 403) {
      const reason = (await probe.text().catch(() => '')).trim();
      return this.fail({ state: 'rejected', detail: reason || 'the relay refused this page' });
    }
    let backend: RelayBackend;
    try {
      backend = await RelayBackend.open(endpoint, (url, protocol) => new WebSocket(url, protocol) as unknown as RelayWebSocket, {
        // A browser's WebSocket copies what send() is given.
        sendCopies: true,
        onGone: (gone) => {
          if (this.current === null) return;
          this.current = null;
          if (gone.opened) this.set({ state: 'lost', detail: gone.description });
        },
      });
    } catch {
      return this.fail({ state: 'unreachable', detail: `the relay at ${probeUrl.host} did not accept the WebSocket` });
    }
    this.set({ state: 'connected' });
    return backend;
  }

  private fail(status: RelayStatus & { detail: string }): never {
    this.set(status);
    throw new RelayUnavailable(`relay: ${status.detail}`);
  }

  private set(status: RelayStatus): void {
    this.status = status;
    this.changed();
  }
}

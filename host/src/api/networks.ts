// The networks a page's programs can use (browser API): the in-page network
// (one in-memory network: programs of the page reach each other, nothing
// else) and a relay (one WebSocket to the wasock relay, which opens real
// sockets on its host). Each is shared by every program started on it.

import type { NetBackend } from '../net/backend.js';
import { VirtualNetwork } from '../net/virtual/network.js';
import { RelayBackend, relayUrl, type RelayWebSocket } from '../net/relay-backend.js';
import { RelayError } from './errors.js';

/** Where a program's sockets go. */
export interface Network {
  /** One more program's view of this network; rejects (RelayError) when it cannot be used. */
  backend(): Promise<NetBackend>;
}

export class InPageNetwork implements Network {
  private readonly network = new VirtualNetwork();

  backend(): Promise<NetBackend> {
    return Promise.resolve(this.network.backend());
  }
}

export type RelayStatus =
  | { state: 'idle' }
  | { state: 'no-token' }
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'rejected'; detail: string }
  | { state: 'unreachable'; detail: string }
  | { state: 'lost'; detail: string };

/**
 * A relay: `url` is the address `wasock web` / `wasock relay` printed (its
 * page, http(s)://HOST:PORT/?token=…) or the relay's WebSocket URL; `token`
 * defaults to the URL's own ?token=. It connects on first use, reports its
 * state to `onStatus`, and after the relay is lost the next program to start
 * tries again.
 */
export class RelayNetwork implements Network {
  status: RelayStatus = { state: 'idle' };
  private readonly base: URL;
  private readonly token: string | null;
  private current: Promise<RelayBackend> | null = null;

  constructor(url: string | URL, token?: string, private readonly onStatus?: (status: RelayStatus) => void) {
    const base = new URL(url, typeof location === 'undefined' ? undefined : location.href);
    if (base.protocol === 'ws:') base.protocol = 'http:';
    if (base.protocol === 'wss:') base.protocol = 'https:';
    this.base = base;
    this.token = token ?? base.searchParams.get('token');
  }

  backend(): Promise<NetBackend> {
    return this.connect();
  }

  /** Connects now (e.g. to show the relay's state before anything runs). */
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
      throw new RelayError('relay: no access token (the ?token= of the URL that `wasock web` printed)');
    }
    this.set({ state: 'connecting' });
    const endpoint = relayUrl(this.base.href, this.token);
    // A browser hides why a WebSocket handshake failed, so first ask over
    // plain HTTP: the relay answers 403 with the reason for a bad token or
    // origin, and 426 (use a WebSocket) when this page may connect.
    const probeUrl = new URL(endpoint);
    probeUrl.protocol = this.base.protocol;
    let probe: Response;
    try {
      probe = await fetch(probeUrl, { cache: 'no-store' });
    } catch {
      return this.fail({ state: 'unreachable', detail: `no answer from ${probeUrl.host}; is the relay (wasock web) still running?` });
    }
    if (probe.status === 403) {
      const reason = (await probe.text().catch(() => '')).trim();
      return this.fail({ state: 'rejected', detail: reason || 'the relay refused this page' });
    }
    let backend: RelayBackend;
    try {
      backend = await RelayBackend.open(endpoint, (u, protocol) => new WebSocket(u, protocol) as unknown as RelayWebSocket, {
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
    throw new RelayError(`relay: ${status.detail}`);
  }

  private set(status: RelayStatus): void {
    this.status = status;
    this.onStatus?.(status);
  }
}

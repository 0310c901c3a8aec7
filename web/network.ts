// The page's network switch. "In this page": one VirtualNetwork shared by
// every program in the tab, so they reach each other with no server at all.
// "Real sockets via relay": one WebSocket to the relay that served the page
// (same origin, token from the page's own ?token=), shared by every program,
// so they reach real sockets on the relay's host.

import { VirtualNetwork } from '../host/src/net/virtual/network.js';
import type { NetBackend } from '../host/src/net/backend.js';
import { RelayLink, type RelayStatus } from './relay-link.js';

export type NetworkMode = 'virtual' | 'relay';

export class Network {
  private modeNow: NetworkMode = 'virtual';
  private readonly virtual = new VirtualNetwork();
  private readonly relay: RelayLink;
  private readonly listeners = new Set<() => void>();

  constructor(pageUrl: URL) {
    this.relay = new RelayLink(pageUrl, () => this.changed());
  }

  get mode(): NetworkMode {
    return this.modeNow;
  }

  get relayStatus(): RelayStatus {
    return this.relay.status;
  }

  setMode(mode: NetworkMode): void {
    if (mode === this.modeNow) return;
    this.modeNow = mode;
    // Connect as soon as the relay is chosen, so its state shows before anything runs.
    if (mode === 'relay') void this.relay.connect().catch(() => {});
    this.changed();
  }

  /** A backend for one more program on the current network; rejects with a message for the user. */
  async backend(): Promise<NetBackend> {
    if (this.modeNow === 'virtual') return this.virtual.backend();
    return this.relay.backend();
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

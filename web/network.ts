// The page's network switch, over the browser API's networks. "In this
// page": one InPageNetwork shared by every program in the tab, so they reach
// each other with no server at all. "Real sockets via relay": one
// RelayNetwork to the relay that served the page (same origin, token from
// the page's own ?token=), shared by every program.

import { InPageNetwork, RelayNetwork, type Network as ApiNetwork, type RelayStatus } from '../host/src/api/browser.js';

export type NetworkMode = 'virtual' | 'relay';

export class Network {
  private modeNow: NetworkMode = 'virtual';
  private readonly virtual = new InPageNetwork();
  private readonly relay: RelayNetwork;
  private readonly listeners = new Set<() => void>();

  constructor(pageUrl: URL) {
    this.relay = new RelayNetwork(pageUrl, undefined, () => this.changed());
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

  /** The network programs started now use. */
  current(): ApiNetwork {
    return this.modeNow === 'virtual' ? this.virtual : this.relay;
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

// Frames on their way to one page. Counts the bytes the WebSocket has not
// yet handed to the kernel; above the cap the session is "congested" and
// stops reading from the real sockets (and from the page), so a page that
// stops reading cannot make the relay buffer without bound.

import type { WebSocket } from 'ws';

export class Outbox {
  private queued = 0;
  private isCongested = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly maxQueuedBytes: number,
    private readonly onCongestion: (congested: boolean) => void,
  ) {}

  get congested(): boolean {
    return this.isCongested;
  }

  /** Bytes handed to the WebSocket that it has not yet written to the kernel. */
  get queuedBytes(): number {
    return this.queued;
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const size = frame.length;
    this.queued += size;
    this.ws.send(frame, { binary: true }, () => {
      this.queued -= size;
      // Resume at half the cap so that reading does not flap on every frame.
      if (this.isCongested && this.queued <= this.maxQueuedBytes / 2) this.setCongested(false);
    });
    if (!this.isCongested && this.queued > this.maxQueuedBytes) this.setCongested(true);
  }

  private setCongested(on: boolean): void {
    this.isCongested = on;
    this.onCongestion(on);
  }
}

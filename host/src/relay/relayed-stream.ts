// One real TCP stream on the relay's host, carried to a page as frames.
// Flow control is a credit window in each direction:
//   real peer → page: the relay sends at most `credit` bytes of DATA; what
//     arrives beyond that is held (at most one read) and the real socket is
//     paused, so a slow page makes the relay stop reading, not buffer;
//   page → real peer: the page may have `window` bytes unacknowledged; the
//     relay gives credit back once the bytes are off its hands (the write was
//     accepted below the socket's high-water mark, or on 'drain'), so a slow
//     real peer makes the page stop sending.

import type { Stream } from '../net/backend.js';
import { E } from '../abi/errno.js';
import { CLOSE } from './protocol.js';
import { ProtocolError } from './frame.js';
import { relayFrames } from './messages.js';

/** What a relayed stream needs from its session. */
export interface StreamPort {
  send(frame: Uint8Array): void;
  /** The page is not draining its WebSocket: do not read more for it. */
  readonly congested: boolean;
  /** The stream is over on both sides: forget its id. */
  finished(id: number): void;
}

/** What one relayed stream holds right now (RelaySession.stats). */
export interface RelayedStreamStats {
  /** Read from the real socket, waiting for the page's credit. */
  heldBytes: number;
  /** DATA sent to the page and not yet credited back (at most the window). */
  uncreditedBytes: number;
  /** DATA from the page not yet credited back to it (at most the window). */
  unackedBytes: number;
  /** In the real socket's buffers in this process (Stream.buffered). */
  socketReadableBytes: number;
  socketWritableBytes: number;
}

export class RelayedStream {
  // real peer → page
  private credit: number;
  private readonly held: Uint8Array[] = [];
  private heldBytes = 0;
  private peerEnded = false;
  private endSent = false;
  private reading = true;
  // page → real peer
  private unacked = 0;
  private returnable = 0;
  private awaitingDrain = false;
  private drainHeld = 0;
  private pageEnded = false;
  /** RESET or CLOSE sent or received: nothing more happens on this id. */
  private over = false;
  /** The page closed its socket (END with CLOSED). */
  private pageClosed = false;

  constructor(
    readonly id: number,
    private readonly stream: Stream,
    private readonly port: StreamPort,
    private readonly window: number,
    /** Largest DATA payload to send. */
    private readonly chunk: number,
  ) {
    this.credit = window;
  }

  /** Starts moving data; call right after the ACCEPT or REPLY frame went out. */
  start(): void {
    this.stream.attach({
      data: (bytes) => this.fromPeer(bytes),
      end: () => {
        this.peerEnded = true;
        this.flush();
      },
      error: (errno) => this.fail(errno),
      drain: () => {
        this.awaitingDrain = false;
        const bytes = this.drainHeld;
        this.drainHeld = 0;
        this.giveBack(bytes);
      },
    });
  }

  /** Reports now a reset the real socket holds behind the peer's FIN (see Stream.checkReset). */
  checkReset(): void {
    if (!this.over) this.stream.checkReset?.();
  }

  /** DATA from the page. Returns an errno for an ERROR frame, or 0. */
  write(data: Uint8Array): number {
    if (this.over) return 0;
    if (this.pageEnded) return E.PIPE;
    this.unacked += data.length;
    if (this.unacked > this.window) {
      throw new ProtocolError(CLOSE.LIMIT, `socket ${this.id}: ${this.unacked} bytes unacknowledged exceed the ${this.window}-byte window`);
    }
    const below = this.stream.write(data);
    if (this.awaitingDrain || !below) {
      this.awaitingDrain = true;
      this.drainHeld += data.length;
    } else {
      this.giveBack(data.length);
    }
    return 0;
  }

  /**
   * END from the page: FIN after the queued bytes. `closed`: the page closed
   * its socket, so the real one is closed too (Stream.close), and the
   * system answers the peer's later data with a reset at once, as for a
   * socket closed natively; the id is free (the page freed it by sending).
   */
  end(closed = false): void {
    if (this.over) return;
    if (closed) {
      this.over = true;
      this.pageClosed = true;
      this.port.finished(this.id);
      // Bytes of the peer's the page never read — held here, or sent and not
      // credited back (the page credits all it took before this END) — are
      // unread: closing with them resets, as natively.
      if (this.heldBytes > 0 || this.credit < this.window) this.stream.destroy();
      else if (this.stream.close) this.stream.close();
      else if (!this.pageEnded) this.stream.end();
      return;
    }
    if (this.pageEnded) return;
    this.pageEnded = true;
    this.stream.end();
    this.maybeClose();
  }

  /** CREDIT from the page. */
  grant(bytes: number): void {
    if (this.over) return;
    if (this.credit + bytes > this.window) {
      throw new ProtocolError(CLOSE.BAD_FRAME, `socket ${this.id}: CREDIT of ${bytes} exceeds the bytes the relay has sent`);
    }
    this.credit += bytes;
    this.flush();
  }

  /** Congestion of the session changed: re-evaluate whether to read. */
  congestionChanged(): void {
    if (!this.over) this.updateReading();
  }

  setNoDelay(on: boolean): void {
    this.stream.setNoDelay(on);
  }

  stats(): RelayedStreamStats {
    const socket = this.stream.buffered?.() ?? { readable: 0, writable: 0 };
    return {
      heldBytes: this.heldBytes,
      uncreditedBytes: this.window - this.credit,
      unackedBytes: this.unacked,
      socketReadableBytes: socket.readable,
      socketWritableBytes: socket.writable,
    };
  }

  setKeepAlive(on: boolean): void {
    this.stream.setKeepAlive(on);
  }

  /** RESET or CLOSE from the page, or the session ends: drop the connection at once. */
  destroy(): void {
    this.over = true;
    this.stream.destroy();
  }

  private fromPeer(bytes: Uint8Array): void {
    // Data for a socket the page closed: a reset, as natively.
    if (this.pageClosed) this.stream.destroy();
    if (this.over) return;
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    this.flush();
  }

  /** Sends held bytes as far as the credit goes, then END and CLOSE when due. */
  private flush(): void {
    if (this.over) return;
    while (this.held.length > 0 && this.credit > 0) {
      const first = this.held[0]!;
      const n = Math.min(first.length, this.credit, this.chunk);
      this.port.send(relayFrames.data(this.id, first.subarray(0, n)));
      this.credit -= n;
      this.heldBytes -= n;
      if (n === first.length) this.held.shift();
      else this.held[0] = first.subarray(n);
    }
    if (this.heldBytes === 0 && this.peerEnded && !this.endSent) {
      this.endSent = true;
      this.port.send(relayFrames.end(this.id));
      this.maybeClose();
    }
    this.updateReading();
  }

  private updateReading(): void {
    if (this.over) return;
    const want = this.heldBytes === 0 && this.credit > 0 && !this.peerEnded && !this.port.congested;
    if (want === this.reading) return;
    this.reading = want;
    if (want) this.stream.resume();
    else this.stream.pause();
  }

  /** Credit back to the page, in batches of a quarter window to keep CREDIT frames few. */
  private giveBack(bytes: number): void {
    this.returnable += bytes;
    if (this.returnable < this.window / 4 || this.over) return;
    this.port.send(relayFrames.credit(this.id, this.returnable));
    this.unacked -= this.returnable;
    this.returnable = 0;
  }

  /** Both directions finished: the id is free on both sides after CLOSE. */
  private maybeClose(): void {
    if (this.over || !this.endSent || !this.pageEnded) return;
    this.over = true;
    this.port.send(relayFrames.closed(this.id));
    this.port.finished(this.id);
  }

  private fail(errno: number): void {
    if (this.over) return;
    this.over = true;
    this.port.send(relayFrames.reset(this.id, errno));
    this.port.finished(this.id);
    this.stream.destroy();
  }
}

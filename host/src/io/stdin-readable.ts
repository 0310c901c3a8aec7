// Node's adapter for the stdin feed: reads a Readable (process.stdin) into
// it only once the guest first wants stdin, so a guest that never reads
// stdin neither consumes the host's input nor keeps the process alive.

import type { Readable } from 'node:stream';
import type { Arena } from '../bridge/arena.js';
import { StdinFeed } from './stdin-feed.js';

export class ReadableStdin {
  readonly feed: StdinFeed;
  private started = false;
  private readonly onData = (chunk: Buffer) => this.feed.push(chunk);
  private readonly onEnd = () => this.feed.end();

  constructor(arena: Arena, private readonly input: Readable) {
    this.feed = new StdinFeed(arena, { pause: () => input.pause(), resume: () => input.resume() });
  }

  /** The guest read stdin for the first time. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.input.on('data', this.onData);
    // An error on the host's stdin reads as EOF to the guest, as a closed pipe would.
    this.input.on('end', this.onEnd);
    this.input.on('error', this.onEnd);
  }

  stop(): void {
    this.feed.stop();
    this.input.pause();
    // Only our own listeners: under the Node API the stream may be the embedder's.
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onEnd);
    // Without unref a paused process.stdin still holds the event loop open.
    (this.input as Readable & { unref?: () => void }).unref?.();
  }
}

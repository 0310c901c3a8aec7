// Types for relay-soak.mjs, so that TypeScript tests can import it.

export interface SoakDirection {
  bytes: number;
  seconds: number;
  /** SHA-256 of what the page sent (up) or received (down). */
  pageSha: string;
  /** What the peer counted and hashed for the same direction. */
  peerBytes: number;
  peerSha: string;
  ok: boolean;
}

export interface SoakResult {
  ok: boolean;
  /** Page → peer. */
  up: SoakDirection;
  /** Peer → page. */
  down: SoakDirection;
  relay: { rssStartKiB: number; rssPeakKiB: number };
  /**
   * Most bytes in flight at once (handed over by one end, not yet received by
   * the other), sampled every few ms; null with the native peer.
   */
  inFlight: { upPeak: number; downPeak: number } | null;
}

/**
 * slowReader: both readers (the page and the node peer) stop reading for
 * pauseMs after every everyBytes, so only flow control holds the sender back.
 */
export function runRelaySoak(options?: { bytes?: number; peer?: 'node' | 'native'; log?: (line: string) => void; slowReader?: { everyBytes: number; pauseMs: number } | null }): Promise<SoakResult>;

/** The relay part of `npm run soak`, in tools/soak.mjs's result shape. */
export function soakPart(bytes: number, options?: { log?: (line: string) => void }): Promise<{ name: 'relay'; ok: boolean; figure?: string; problems: string[] }>;

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
}

export function runRelaySoak(options?: { bytes?: number; peer?: 'node' | 'native'; log?: (line: string) => void }): Promise<SoakResult>;

/** The relay part of `npm run soak`, in tools/soak.mjs's result shape. */
export function soakPart(bytes: number, options?: { log?: (line: string) => void }): Promise<{ name: 'relay'; ok: boolean; figure?: string; problems: string[] }>;

// The wrappers that every import call may pass through (JSPI's Replay, the
// signal boundary) forward a fixed number of arguments to avoid a rest array
// per call. WASI's widest import, path_open, has nine: a wrapper that
// forwarded eight once lost its fd_out pointer, and open() in a program that
// used signals returned descriptor 0.

import { expect, it } from 'vitest';
import { Arena } from '../host/src/bridge/arena.js';
import { Replay } from '../host/src/jspi/replay.js';
import { GuestSignals } from '../host/src/wasi/guest-signals.js';
import { withSignalBoundary } from '../host/src/wasi/signal-imports.js';

const NINE = [1, 2, 3, 4, 5, 6n, 7n, 8, 9] as const;

function pathOpenLike(seen: unknown[][]) {
  return (...args: unknown[]) => {
    seen.push(args.slice(0, 9));
    return 0;
  };
}

it('the signal boundary forwards all nine of path_open\'s arguments', () => {
  const seen: unknown[][] = [];
  const wrapped = withSignalBoundary({ path_open: pathOpenLike(seen) }, new GuestSignals(Arena.create(undefined, { shared: false })), [], true);
  (wrapped.path_open as (...a: unknown[]) => number)(...NINE);
  expect(seen).toEqual([[...NINE]]);
});

it('a Suspending import\'s wrapper forwards all nine arguments', () => {
  const seen: unknown[][] = [];
  const wrapped = new Replay().wrap(pathOpenLike(seen) as (...a: never[]) => number);
  (wrapped as (...a: unknown[]) => unknown)(...NINE);
  expect(seen).toEqual([[...NINE]]);
});

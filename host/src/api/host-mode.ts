// How a guest waits for its sockets: 'worker' (the guest in a worker thread,
// blocking on shared memory; DESIGN.md "Blocking model") or 'jspi' (JavaScript
// Promise Integration: the guest on the thread of its socket state machine,
// suspended on promises; host/src/jspi). What 'auto', the default, means is
// the API's: the Node API runs a JSPI guest on the embedder's own thread,
// whose event loop a guest that computes without waiting would hold up, so
// it picks 'worker'; the browser API runs a JSPI guest in a worker of its
// own, so it picks 'jspi' wherever the engine has it (no cross-origin
// isolation needed). run.js picks JSPI where the engine has it.

import { OptionError } from './errors.js';

export type HostMode = 'worker' | 'jspi' | 'auto';

/** The modes there are. */
export const AVAILABLE_HOST_MODES: readonly HostMode[] = ['worker', 'jspi'];

/**
 * The mode to use for a request (default 'auto'); throws OptionError for one
 * this engine cannot run. `engine.jspi`: WebAssembly.Suspending exists and
 * this API can use it; `engine.auto`: what 'auto' picks when it does
 * (default 'worker').
 */
export function chooseHostMode(requested: HostMode | undefined, engine: { jspi: boolean; why?: string; auto?: 'worker' | 'jspi' } = { jspi: false }): 'worker' | 'jspi' {
  const mode = requested ?? 'auto';
  if (mode === 'auto') return engine.jspi && engine.auto === 'jspi' ? 'jspi' : 'worker';
  if (mode === 'worker') return 'worker';
  if (mode === 'jspi') {
    if (engine.jspi) return 'jspi';
    throw new OptionError(`hostMode 'jspi' is not available here (${engine.why ?? 'this engine has no WebAssembly.Suspending'}); use 'worker' or 'auto'`);
  }
  throw new OptionError(`unknown hostMode ${JSON.stringify(mode)} (expected ${[...AVAILABLE_HOST_MODES, 'auto'].join(', ')})`);
}

// How a guest waits for its sockets: 'worker' (the guest in a worker thread,
// blocking on shared memory; DESIGN.md "Blocking model") or 'jspi' (JavaScript
// Promise Integration: the guest on the embedder's own thread, suspended on
// promises; host/src/jspi). 'auto', the default, is 'worker' in the APIs: a
// guest on the embedder's thread shares its event loop, and one that computes
// without waiting holds it up. (run.js picks JSPI where the engine has it.)

import { OptionError } from './errors.js';

export type HostMode = 'worker' | 'jspi' | 'auto';

/** The modes there are. */
export const AVAILABLE_HOST_MODES: readonly HostMode[] = ['worker', 'jspi'];

/**
 * The mode to use for a request (default 'auto'); throws OptionError for one
 * this engine cannot run. `engine.jspi`: WebAssembly.Suspending exists and
 * this API can use it (the browser API cannot yet).
 */
export function chooseHostMode(requested: HostMode | undefined, engine: { jspi: boolean; why?: string } = { jspi: false }): 'worker' | 'jspi' {
  const mode = requested ?? 'auto';
  if (mode === 'auto' || mode === 'worker') return 'worker';
  if (mode === 'jspi') {
    if (engine.jspi) return 'jspi';
    throw new OptionError(`hostMode 'jspi' is not available here (${engine.why ?? 'this engine has no WebAssembly.Suspending'}); use 'worker' or 'auto'`);
  }
  throw new OptionError(`unknown hostMode ${JSON.stringify(mode)} (expected ${[...AVAILABLE_HOST_MODES, 'auto'].join(', ')})`);
}

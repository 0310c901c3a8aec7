// How a guest waits for its sockets: 'worker' (the guest in a worker thread,
// blocking on shared memory; DESIGN.md "Blocking model") is the one mode
// this build has. The option exists so that 'jspi' (JavaScript Promise
// Integration: the guest on the I/O thread, suspended on promises) slots in
// as one more entry here, and 'auto' picks it where the engine has it.

import { OptionError } from './errors.js';

export type HostMode = 'worker' | 'jspi' | 'auto';

/** The modes this build can run. */
export const AVAILABLE_HOST_MODES: readonly HostMode[] = ['worker'];

/** The mode to use for a request (default 'auto'); throws OptionError for one this build cannot run. */
export function chooseHostMode(requested: HostMode | undefined): 'worker' {
  const mode = requested ?? 'auto';
  if (mode === 'auto' || mode === 'worker') return 'worker';
  if (mode === 'jspi') throw new OptionError(`hostMode 'jspi' is not available in this version of wasock (available: ${AVAILABLE_HOST_MODES.join(', ')}, auto)`);
  throw new OptionError(`unknown hostMode ${JSON.stringify(mode)} (expected ${[...AVAILABLE_HOST_MODES, 'auto'].join(', ')})`);
}

// Which host mode the demo runs its programs in, and what the top bar says
// about it. The browser API's own choice ('auto': JSPI where the browser has
// it) unless the page's URL asks for one (?host-mode=worker|jspi|auto), as
// the tests do to cover both modes in one browser.

import { hostModeFor, type HostMode } from '../host/src/api/browser.js';

export function pageHostMode(pageUrl: URL): 'worker' | 'jspi' {
  const requested = pageUrl.searchParams.get('host-mode');
  return hostModeFor((requested ?? undefined) as HostMode | undefined);
}

export function hostModeText(mode: 'worker' | 'jspi'): { text: string; detail: string } {
  return mode === 'jspi'
    ? { text: 'JSPI mode', detail: 'Each program and its sockets run in a worker of their own, suspended while they wait (JavaScript Promise Integration): no shared memory, no special headers.' }
    : { text: 'Worker mode', detail: 'Each program runs in a worker that blocks on memory shared with this page, which serves its sockets (the page is cross-origin isolated).' };
}

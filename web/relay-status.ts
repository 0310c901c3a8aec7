// What the relay chip says for each relay state: short text for the chip, a
// longer explanation for its tooltip.

import type { RelayStatus } from '../host/src/api/browser.js';

export function relayStatusText(status: RelayStatus): { text: string; tone: 'ok' | 'busy' | 'warn' | 'bad' | 'off'; detail: string } {
  switch (status.state) {
    case 'idle': return { text: 'relay not connected', tone: 'off', detail: '' };
    case 'connecting': return { text: 'connecting to relay…', tone: 'busy', detail: '' };
    case 'connected': return { text: 'relay connected', tone: 'ok', detail: 'Sockets are real sockets on the relay\'s host.' };
    case 'no-token': return { text: 'no relay token', tone: 'warn', detail: 'Open the URL that `npm run web` printed: it carries ?token=….' };
    case 'rejected': return { text: 'relay token rejected', tone: 'bad', detail: status.detail || 'The relay refused this page\'s token; open the URL the relay printed when it started.' };
    case 'unreachable': return { text: 'relay unreachable', tone: 'bad', detail: status.detail || 'The relay did not answer; is `npm run web` still running?' };
    case 'lost': return { text: 'relay connection lost', tone: 'bad', detail: status.detail || 'The relay went away; open sockets were reset.' };
  }
}

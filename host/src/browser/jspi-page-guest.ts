// The page's side of a guest in the browser's JSPI mode: the guest and its
// socket state machine run in their Web Worker (jspi-worker.ts); the page
// serves that worker its network over a MessagePort (net/port/serve.ts),
// forwards input and stop(), and hands the reports to the same callbacks
// as worker mode (page-guest.ts). Nothing is shared but messages.

import type { GuestEnd } from '../io/guest-launch.js';
import { serveBackend } from '../net/port/serve.js';
import { BROWSER_GEOMETRY, deliverReport, guestWorker, type PageGuest, type PageGuestOptions } from './page-guest.js';
import { isWorkerReport, type JspiInput, type JspiStart } from './messages.js';

/**
 * How long stop() lets the worker close the guest's sockets itself (it
 * answers at the guest's next waiting call). A guest that computes without
 * waiting never lets it: then the worker is ended and the page closes what
 * it left open.
 */
export const STOP_GRACE_MS = 1000;

export function startJspiPageGuest(options: PageGuestOptions): PageGuest {
  const tty = options.tty ?? true;
  const worker = guestWorker(options);
  const channel = new MessageChannel();
  const network = serveBackend(channel.port1, options.backend);
  let settle!: (end: GuestEnd) => void;
  const outcome = new Promise<GuestEnd>((resolve) => (settle = resolve));
  let ended = false;
  const finish = (end: GuestEnd) => {
    if (ended) return;
    ended = true;
    worker.terminate();
    network.close();
    settle(end);
  };
  const send = (input: JspiInput, transfer: Transferable[] = []) => {
    if (!ended) worker.postMessage(input, transfer);
  };

  worker.addEventListener('message', (event) => {
    const message: unknown = event.data;
    if (!isWorkerReport(message)) return;
    if (message.kind === 'outcome') finish(message.outcome);
    else deliverReport(message, options);
  });
  worker.addEventListener('error', (event) => {
    // Handled here: the page reports it as the program's end, not as an uncaught error.
    event.preventDefault();
    finish({ kind: 'trap', message: `host error in the guest thread: ${event.message || 'the worker script failed to load'}` });
  });
  worker.addEventListener('messageerror', () => finish({ kind: 'trap', message: 'host error in the guest thread: a message from it could not be read' }));

  const start: JspiStart = {
    mode: 'jspi',
    module: options.module,
    args: options.args,
    env: options.env ?? [],
    policy: options.policy.toJSON(),
    trace: options.onTrace !== undefined,
    tty: { stdin: tty, stdout: tty, stderr: tty },
    geometry: options.geometry ?? BROWSER_GEOMETRY,
    dir: options.dir ?? [],
    network: channel.port2,
  };
  worker.postMessage(start, [channel.port2]);

  return {
    stdin: {
      // A copy: the caller may reuse its buffer.
      push: (bytes) => send({ kind: 'stdin', bytes: bytes.slice() }),
      end: () => send({ kind: 'stdin-end' }),
    },
    outcome,
    async kill() {
      send({ kind: 'stop' });
      const timer = setTimeout(() => finish({ kind: 'killed' }), STOP_GRACE_MS);
      await outcome;
      clearTimeout(timer);
    },
  };
}

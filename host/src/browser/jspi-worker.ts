// The browser's JSPI mode, in the guest's worker: the guest and its socket
// state machine both run here (jspi/same-thread-guest.ts through the shared
// launcher, io/guest-launch.ts, exactly as `wasock run` does in Node), and
// its sockets reach the page's network over a MessagePort
// (net/port/port-backend.ts). No shared memory: the page need not be
// cross-origin isolated. The page sends input and stop() as messages
// (messages.ts JspiInput).

import { launchGuest } from '../io/guest-launch.js';
import { StdinFeed } from '../io/stdin-feed.js';
import { sameThreadGuest } from '../jspi/same-thread-guest.js';
import { NetPolicy } from '../net/policy.js';
import { PortBackend } from '../net/port/port-backend.js';
import type { JspiInput, JspiStart, WorkerReport } from './messages.js';
import { flushByTimer, type Deferred } from './trace-batch.js';
import { browserEmbedder } from './embedder.js';

/** The worker global as these files use it (the project's lib is DOM, not WebWorker). */
export interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void, options?: { once?: boolean }): void;
}

export function runJspiWorker(start: JspiStart, scope: WorkerScope): void {
  const report = (message: WorkerReport) => scope.postMessage(message);
  const pokes = new Map<Deferred, () => void>();
  const browser = browserEmbedder({ trace: start.trace, dir: start.dir }, report, (deferred) => pokes.get(deferred)?.());
  for (const deferred of browser.deferred) pokes.set(deferred, flushByTimer(deferred));

  const guest = launchGuest({
    module: start.module,
    args: start.args,
    env: start.env,
    policy: NetPolicy.fromJSON(start.policy),
    trace: start.trace,
    tty: start.tty,
    geometry: start.geometry,
    sharedArena: false,
    backend: new PortBackend(start.network),
    thread: sameThreadGuest(() => browser.embedder),
    // Typed input is pushed as it arrives; a terminal has no way to pause the user.
    stdin: (arena) => {
      const feed = new StdinFeed(arena);
      return { feed, start() {}, stop: () => feed.stop() };
    },
  });

  scope.addEventListener('message', (event) => {
    const input = event.data as JspiInput;
    switch (input.kind) {
      case 'stdin': guest.stdin.push(input.bytes); break;
      case 'stdin-end': guest.stdin.end(); break;
      case 'stop': void guest.kill(); break;
    }
  });
  // Settles once the guest's sockets are closed and their last bytes are
  // with the page's network: the page may end this worker then.
  void guest.outcome.then((outcome) => {
    browser.flush();
    report({ kind: 'outcome', outcome });
  });
}

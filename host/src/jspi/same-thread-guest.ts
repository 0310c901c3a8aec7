// JSPI mode: the guest runs on the thread that owns its socket state machine
// and its sockets, as a GuestThread for the shared launcher
// (io/guest-launch.ts), so the arena, the state machine, stdin, the outcome,
// kill and the exit-time flush are the very code of worker mode. What
// differs is here and in jspi/: control calls are direct calls
// (direct-control.ts), waits suspend the guest's import (link.ts,
// replay.ts), and the guest's entry point is wrapped with
// WebAssembly.promising, as is each pthread's (green-threads.ts).

import { WASIProcExit } from '@bjorn3/browser_wasi_shim';
import type { GuestThread } from '../io/guest-launch.js';
import type { SocketHost } from '../io/socket-host.js';
import type { Arena } from '../bridge/arena.js';
import { createGuest, type GuestEmbedder, type GuestInit, type GuestOutcome } from '../wasi/guest.js';
import { DirectControl } from './direct-control.js';
import { GreenThreads } from './green-threads.js';
import { JspiLink } from './link.js';
import { Replay } from './replay.js';
import { suspendingImports } from './suspending-imports.js';
import { deferTask } from './defer.js';

/** What the launcher hands a same-thread guest next to the start message. */
export interface SameThreadParts {
  host: SocketHost;
  arena: Arena;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * A GuestThread that runs the guest here. `embedder` is built from the start
 * message (Node: stdout/stderr, --dir preopens, direct sends).
 */
export function sameThreadGuest(embedder: (message: Record<string, unknown> & { init: GuestInit }) => GuestEmbedder): GuestThread {
  let handlers: Parameters<GuestThread['listen']>[0] | null = null;
  const replay = new Replay();
  let link: JspiLink | null = null;
  let threads: GreenThreads | null = null;
  let ended = false;
  // A guest suspended with nothing else pending (pause(), a read from a
  // peer that never writes) must keep the process alive, as its worker does.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const end = () => {
    ended = true;
    clearInterval(keepAlive);
    replay.stop();
    link?.stop();
    threads?.stop();
  };

  const run = async (message: Record<string, unknown> & { init: GuestInit }, parts: SameThreadParts): Promise<GuestOutcome> => {
    const { arena, host } = parts;
    const promising = (WebAssembly as unknown as { promising: (fn: unknown) => (...args: unknown[]) => Promise<unknown> }).promising;
    let handlerFailed!: (err: unknown) => void;
    const handlerFailure = new Promise<never>((_, reject) => (handlerFailed = reject));
    link = new JspiLink(host, replay);
    arena.sameThread = link;
    // exit() or a trap in a thread other than main ends the program too.
    let threadEnd!: (end: GuestOutcome) => void;
    const endedInThread = new Promise<GuestOutcome>((resolve) => (threadEnd = resolve));
    const greenThreads = new GreenThreads(replay, threadEnd);
    threads = greenThreads;
    let guest;
    try {
      guest = createGuest(message.init, embedder(message), {
        arena,
        control: new DirectControl(host, replay),
        adaptImports: (imports) => suspendingImports(imports, replay),
        nested: (fn) => replay.nested(fn),
        // What the handler's stack ends with is known at once unless it
        // traps (the import layer records an exit): a trap ends the guest.
        runHandler: (fn, sig) => void promising(fn)(sig).catch(handlerFailed),
        threads: greenThreads,
      });
      link.interrupts = arena.interrupts;
    } catch (err) {
      return { kind: 'trap', message: `cannot instantiate: ${err instanceof Error ? err.message : String(err)}` };
    }
    greenThreads.attach(guest.instance.exports);
    guest.wasi.inst = guest.instance as unknown as typeof guest.wasi.inst;
    const ended = (err: unknown): GuestOutcome => (err instanceof WASIProcExit ? { kind: 'exit', code: err.code } : { kind: 'trap', message: describe(err) });
    const main = promising(guest.instance.exports._start)().then((): GuestOutcome => ({ kind: 'exit', code: 0 }), ended);
    // main returning ends the program whatever the other threads do, as
    // natively; after pthread_exit in main, the last thread's end does. A
    // signal handler that traps or exits ends it too.
    const outcome = await Promise.race([main, endedInThread, handlerFailure.catch(ended)]);
    greenThreads.stop();
    return outcome;
  };

  return {
    post(message, parts) {
      if (!parts) throw new Error('a same-thread guest needs the socket host (io/guest-launch.ts)');
      // Started from the event loop, not inside the launcher's call.
      deferTask(() => {
        if (ended) return;
        run(message as Record<string, unknown> & { init: GuestInit }, parts as SameThreadParts).then(
          (outcome) => {
            if (!ended) handlers?.message({ kind: 'outcome', outcome });
          },
          (err: unknown) => {
            if (!ended) handlers?.error(describe(err));
          },
        );
      });
    },
    listen(h) {
      handlers = h;
    },
    terminate() {
      // The guest is suspended whenever anything else runs: it is simply
      // never resumed again.
      end();
    },
  };
}

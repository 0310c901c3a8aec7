// wasock's signal imports (docs/abi.md, "Signals") and the import boundary
// where signals are acted on. libsock keeps the handlers and tells the host
// what it needs to decide (guest-signals.ts); the host runs a handler by
// calling libsock's dispatcher from inside the import the guest is in, just
// before that import returns: after a raise(), a sigprocmask() that unblocks,
// a wait a signal interrupted, or any call made once a signal arrived.
// SIGPIPE is raised here too, for a write that fails with EPIPE on a stream
// socket or a pipe (not for a send with MSG_NOSIGNAL), in every module: its
// default action ends the program even if it never mentions signals.

import type { Fd } from '@bjorn3/browser_wasi_shim';
import { E } from '../abi/errno.js';
import { DISPOSITION, MAX_SIGNAL, SIFLAGS_NOSIGNAL, SIG, SIG_HOW, sigBit, UNBLOCKABLE } from '../abi/signal.js';
import type { Arena } from '../bridge/arena.js';
import { blockUntil } from './blocking.js';
import { guarded, type GuestMemory } from './guest-memory.js';
import type { GuestSignals } from './guest-signals.js';
import { PipeWriteFd } from './pipe.js';
import { SocketFd } from './socket-fd.js';

export const SIGNAL_IMPORT_NAMES = ['wasock_sigaction', 'wasock_sigprocmask', 'wasock_raise', 'wasock_setitimer', 'wasock_sigsuspend'] as const;

/** Whether a module uses signals (imports any of the above): only then is every import a delivery point. */
export function usesSignals(module: WebAssembly.Module): boolean {
  const names = new Set<string>(SIGNAL_IMPORT_NAMES);
  return WebAssembly.Module.imports(module).some((i) => names.has(i.name));
}

/** Microseconds as the timer keeps them: at most about 285 years, never negative. */
const MAX_TIMER_US = 2n ** 53n;

export interface SignalContext {
  arena: Arena;
  mem: GuestMemory;
  signals: GuestSignals;
}

export function signalImports(ctx: SignalContext): Record<string, (...args: never[]) => number> {
  const { mem, signals } = ctx;
  const valid = (sig: number) => sig >= 1 && sig <= MAX_SIGNAL;
  return {
    /** wasock_sigaction(sig, kind, flags, mask, dispatch) -> errno: the host's copy of a disposition. */
    wasock_sigaction: (sig: number, kind: number, flags: number, mask: number, dispatch: number) => {
      if (!valid(sig) || kind < DISPOSITION.DEFAULT || kind > DISPOSITION.HANDLER) return E.INVAL;
      if (kind !== DISPOSITION.DEFAULT && (sigBit(sig) & UNBLOCKABLE) !== 0) return E.INVAL;
      // The dispatcher must be a function in the guest's exported table (linked with --export-table).
      if (kind === DISPOSITION.HANDLER && !signals.setDispatcher(dispatch)) return E.NOSYS;
      signals.setAction(sig, kind, flags, mask);
      return 0;
    },
    /** wasock_sigprocmask(how, set, *old_out) -> errno. */
    wasock_sigprocmask: (how: number, set: number, oldOut: number) =>
      guarded(() => {
        mem.check(oldOut, 4);
        const old = signals.blocked;
        if (how === SIG_HOW.BLOCK) signals.setMask(old | set);
        else if (how === SIG_HOW.UNBLOCK) signals.setMask(old & ~set);
        else if (how === SIG_HOW.SETMASK) signals.setMask(set);
        else return E.INVAL;
        mem.u32(oldOut, old >>> 0);
        return 0;
      }),
    /** wasock_raise(sig) -> errno: pending at once, acted on as this import returns. */
    wasock_raise: (sig: number) => {
      if (!valid(sig)) return E.INVAL;
      signals.post(sig);
      return 0;
    },
    /** wasock_setitimer(i64 value_us, i64 interval_us, *old_out) -> errno: ITIMER_REAL; value < 0 only reads. */
    wasock_setitimer: (value: bigint, interval: bigint, oldOut: number) =>
      guarded(() => {
        mem.check(oldOut, 16);
        if (typeof value !== 'bigint' || typeof interval !== 'bigint' || interval < 0n || value >= MAX_TIMER_US || interval >= MAX_TIMER_US) return E.INVAL;
        const [oldValue, oldInterval] = signals.setTimer(value < 0n ? -1 : Number(value), Number(interval));
        mem.u64(oldOut, BigInt(oldValue));
        mem.u64(oldOut + 8, BigInt(oldInterval));
        return 0;
      }),
    /**
     * wasock_sigsuspend(mask) -> errno: waits, with `mask` as the process
     * mask, until a signal is acted on; runs its handler under that mask and
     * answers INTR, as sigsuspend() always fails. The mask is only read
     * before the wait (a JSPI re-run sees the same state) and applied after.
     */
    wasock_sigsuspend: (mask: number) => {
      blockUntil(ctx.arena, Infinity, () => (signals.deliverable(mask) !== 0 ? true : undefined), undefined, 'none');
      signals.withMask(mask, () => signals.deliver());
      return E.INTR;
    },
  };
}

type AnyImport = (...args: never[]) => unknown;
/** Fixed arity, above WASI's widest import (path_open: 9 parameters), so no rest array per call. */
type Call = (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown, j: unknown) => number;

/** Whether this failed write raises SIGPIPE: EPIPE on a stream socket or a pipe, without MSG_NOSIGNAL. */
function raisesSigpipe(fds: (Fd | undefined)[], name: string, fd: unknown, siflags: unknown): boolean {
  const obj = fds[fd as number];
  if (obj instanceof PipeWriteFd) return name === 'fd_write';
  if (!(obj instanceof SocketFd) || obj.type !== 'stream') return false;
  return name === 'fd_write' || ((siflags as number) & SIFLAGS_NOSIGNAL) === 0;
}

const WRITES = new Set(['fd_write', 'sock_send', 'sock_send_to']);

/**
 * The imports with the signal boundary around them. `everywhere` (a module
 * that uses signals): every import is a delivery point; otherwise only the
 * writes are wrapped, for SIGPIPE's default action. Applied before the JSPI
 * wrapping, so a suspended import acts on signals once, in the run that
 * finishes it (jspi/replay.ts).
 */
export function withSignalBoundary(imports: Record<string, AnyImport>, signals: GuestSignals, fds: (Fd | undefined)[], everywhere: boolean): Record<string, AnyImport> {
  const out: Record<string, AnyImport> = { ...imports };
  for (const [name, fn] of Object.entries(imports)) {
    const write = WRITES.has(name);
    if (!write && !everywhere) continue;
    const call = fn as unknown as Call;
    out[name] = ((a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown, j: unknown) => {
      let ret: number;
      try {
        ret = call(a, b, c, d, e, f, g, h, i, j);
      } catch (err) {
        // exit() in a handler: in JSPI mode the handler's own stack swallows
        // it (guest-signals.ts rethrows it where the handler was called).
        if (signals.inHandler()) signals.handlerThrew = err;
        throw err;
      }
      if (signals.interrupted) {
        // A wait a signal ended ends as a timeout does (EAGAIN, or the
        // partial count); that EAGAIN is the signal's EINTR.
        signals.interrupted = false;
        if (ret === E.AGAIN) ret = E.INTR;
      }
      if (write && ret === E.PIPE && raisesSigpipe(fds, name, a, d)) signals.post(SIG.PIPE);
      if (signals.mayDeliver()) signals.deliver();
      return ret;
    }) as unknown as AnyImport;
  }
  return out;
}

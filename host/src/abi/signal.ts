// Signals as the guest names them: Linux's numbers (wasi-libc's
// <bits/signal.h> already uses them), Linux's sigaction flags (libsock's
// <signal.h>), and the codes of wasock's signal imports. The C side of the
// codes is c-src/libsock/src/wasock_abi.h.

export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18,
  STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26,
  PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
} as const;

/** The highest signal the host keeps (no realtime signals). */
export const MAX_SIGNAL = 31;

/** sa_flags bits the host acts on. */
export const SA = { SIGINFO: 4, RESTART: 0x10000000, NODEFER: 0x40000000, RESETHAND: 0x80000000 | 0 } as const;

/** wasock_sigaction's kinds. */
export const DISPOSITION = { DEFAULT: 0, IGNORE: 1, HANDLER: 2 } as const;

/** wasock_sigprocmask's how (SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK). */
export const SIG_HOW = { BLOCK: 0, UNBLOCK: 1, SETMASK: 2 } as const;

/** sock_send/sock_send_to siflags bit: MSG_NOSIGNAL. */
export const SIFLAGS_NOSIGNAL = 0x8000;

/** The guest's function table, where wasock_sigaction's dispatcher index points. */
export const FUNCTION_TABLE_EXPORT = '__indirect_function_table';

/** Signals whose default action is to do nothing (the stop signals too: nothing stops a guest). */
const DEFAULT_IGNORED = new Set<number>([SIG.CHLD, SIG.CONT, SIG.URG, SIG.WINCH, SIG.STOP, SIG.TSTP, SIG.TTIN, SIG.TTOU]);

export function ignoredByDefault(sig: number): boolean {
  return DEFAULT_IGNORED.has(sig);
}

/** A signal's bit in a mask (bit n = signal n, as the imports pass sets). */
export function sigBit(sig: number): number {
  return 1 << sig;
}

/** Signals no mask blocks and no handler catches. */
export const UNBLOCKABLE = sigBit(SIG.KILL) | sigBit(SIG.STOP);

/** Signal number by Node's name ('SIGINT' → 2), for signals sent to the host process. */
export function signalNumber(name: string): number | undefined {
  return (SIG as Record<string, number>)[name.replace(/^SIG/, '')];
}

// --trace: one line per socket call, `connect(3, 127.0.0.1:8080) = 0`, so a
// learner can watch the tutorial's flow. The same events feed the browser's
// sequence diagram, so they are structured first and formatted second.

import { errnoName } from '../abi/errno.js';

export interface TraceEvent {
  /** The POSIX-level name: socket, bind, listen, accept, connect, read, write, send, recv, sendto, recvfrom, shutdown, close, setsockopt, getaddrinfo… */
  call: string;
  fd: number | null;
  args: string[];
  /** The call's return value as C sees it (-1 on error). */
  result: number;
  /** WASI errno when result is -1. */
  errno: number;
  /** Extra detail after the result, e.g. the peer of an accept. */
  detail?: string;
  /** Milliseconds since the guest started. */
  time: number;
}

export function formatTrace(e: TraceEvent): string {
  const args = e.fd === null ? e.args : [String(e.fd), ...e.args];
  const result = e.result < 0 ? `-1 ${errnoName(e.errno)}` : String(e.result);
  return `${e.call}(${args.join(', ')}) = ${result}${e.detail ? ` (${e.detail})` : ''}`;
}

export type TraceSink = (event: TraceEvent) => void;

// The guest's one descriptor table (browser_wasi_shim's `fds` array): files,
// directories, sockets and stdio all take their numbers here, lowest free
// first as POSIX open() and socket() do, so a file and a socket can never
// share a number.

import type { Fd } from '@bjorn3/browser_wasi_shim';

export function allocateFd(fds: (Fd | undefined)[], obj: Fd): number {
  let fd = 0;
  while (fds[fd] !== undefined) fd++;
  fds[fd] = obj;
  return fd;
}

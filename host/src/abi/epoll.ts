// epoll's part of the guest ABI (wasock's own imports wasock_epoll_*,
// docs/abi.md): the event bits, ctl operations and flags travel with Linux's
// values, so libsock passes a program's words through untranslated; the
// event record is struct epoll_event as wasm32 lays it out (no packing: the
// u64 at offset 8). The C side keeps the same facts in
// c-src/libsock/src/wasock_abi.h; test/abi-layout.test.ts compares them.

export const EPOLL = {
  IN: 0x001,
  PRI: 0x002,
  OUT: 0x004,
  ERR: 0x008,
  HUP: 0x010,
  RDNORM: 0x040,
  RDBAND: 0x080,
  WRNORM: 0x100,
  WRBAND: 0x200,
  MSG: 0x400,
  RDHUP: 0x2000,
  EXCLUSIVE: 1 << 28,
  WAKEUP: 1 << 29,
  ONESHOT: 1 << 30,
  ET: 1 << 31,
} as const;

export const EPOLL_CTL = { ADD: 1, DEL: 2, MOD: 3 } as const;

/** struct epoll_event on wasm32: u32 events, then epoll_data_t (u64) at 8. */
export const EPOLL_EVENT = { size: 16, events: 0, data: 8 } as const;

/** Linux's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
export const EPOLL_MAX_EVENTS = Math.floor(0x7fffffff / EPOLL_EVENT.size);

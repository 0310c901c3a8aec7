/*
 * wasock overlay for wasi-libc's sigset_t: its placeholder is one byte, too
 * small for signals 9..64; libsock's set functions (signal.c) use Linux's
 * size, 128 bytes, of which signals 1..64 take the first 64 bits.
 */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h

typedef struct __wasock_sigset { unsigned long __bits[128 / sizeof(long)]; } sigset_t;

#endif

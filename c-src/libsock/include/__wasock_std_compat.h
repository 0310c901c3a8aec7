/*
 * Included by the overlay headers before the sysroot's: wasi-libc's socket
 * structs are declared _Alignas(max_align_t), and <stddef.h> only defines
 * max_align_t from C11 on. Defining it here lets -std=c99 / gnu99 / c89
 * programs (common in socket tutorials) include the socket headers at all.
 */
#ifndef WASOCK_STD_COMPAT_H
#define WASOCK_STD_COMPAT_H

#if (!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L) && !defined(__cplusplus) && \
    __has_include(<__stddef_max_align_t.h>)
#include <__stddef_max_align_t.h>
#endif

#endif /* WASOCK_STD_COMPAT_H */

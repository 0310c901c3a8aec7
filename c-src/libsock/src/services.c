/*
 * A small built-in service table. A wasm guest has no /etc/services, yet
 * programs pass names like "http" to getaddrinfo. These entries (and which of
 * TCP/UDP each is registered for) are the IANA assignments as Debian's
 * /etc/services lists them, so results match a native build on Debian.
 */
#include <string.h>

#include "internal.h"

#define TCP WASOCK_SVC_TCP
#define UDP WASOCK_SVC_UDP

static const wasock_service services[] = {
    {"echo", NULL, 7, TCP | UDP},
    {"discard", "sink", 9, TCP | UDP},
    {"daytime", NULL, 13, TCP | UDP},
    {"chargen", "ttytst", 19, TCP | UDP},
    {"ftp-data", NULL, 20, TCP},
    {"ftp", NULL, 21, TCP},
    {"ssh", NULL, 22, TCP},
    {"telnet", NULL, 23, TCP},
    {"smtp", "mail", 25, TCP},
    {"time", "timserver", 37, TCP | UDP},
    {"domain", NULL, 53, TCP | UDP},
    {"tftp", NULL, 69, UDP},
    {"http", "www", 80, TCP},
    {"pop3", "pop-3", 110, TCP},
    {"ntp", NULL, 123, UDP},
    {"imap2", "imap", 143, TCP},
    {"https", NULL, 443, TCP | UDP},
    {"http-alt", "webcache", 8080, TCP},
};

const wasock_service *__wasock_service_by_name(const char *name, int protos) {
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        const wasock_service *s = &services[i];
        if (!(s->protos & protos))
            continue;
        if (strcmp(s->name, name) == 0 || (s->alias && strcmp(s->alias, name) == 0))
            return s;
    }
    return NULL;
}

const wasock_service *__wasock_service_by_port(unsigned port, int protos) {
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (services[i].port == port && (services[i].protos & protos))
            return &services[i];
    return NULL;
}

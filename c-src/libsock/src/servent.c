/* getservbyname() and getservbyport() over the built-in service table; the
 * result lives in static storage, as POSIX allows. */
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#include "internal.h"

static struct servent entry;
static char *aliases[2];
static char name_buf[32];
static char alias_buf[32];
static char proto_buf[4];

/* "tcp", "udp" or NULL (either) -> WASOCK_SVC_* bits; 0 for anything else. */
static int protos_of(const char *proto) {
    if (proto == NULL)
        return WASOCK_SVC_TCP | WASOCK_SVC_UDP;
    if (strcmp(proto, "tcp") == 0)
        return WASOCK_SVC_TCP;
    if (strcmp(proto, "udp") == 0)
        return WASOCK_SVC_UDP;
    return 0;
}

static struct servent *fill(const wasock_service *s, int protos) {
    if (s == NULL)
        return NULL;
    /* Copies, so a caller that writes into the result cannot corrupt the
     * table (it is const and may sit in read-only data). */
    strncpy(name_buf, s->name, sizeof name_buf - 1);
    aliases[0] = NULL;
    if (s->alias) {
        strncpy(alias_buf, s->alias, sizeof alias_buf - 1);
        aliases[0] = alias_buf;
    }
    aliases[1] = NULL;
    strcpy(proto_buf, (s->protos & protos & WASOCK_SVC_TCP) ? "tcp" : "udp");
    entry.s_name = name_buf;
    entry.s_aliases = aliases;
    entry.s_port = htons(s->port);
    entry.s_proto = proto_buf;
    return &entry;
}

struct servent *getservbyname(const char *name, const char *proto) {
    int protos = protos_of(proto);
    if (name == NULL || protos == 0)
        return NULL;
    return fill(__wasock_service_by_name(name, protos), protos);
}

struct servent *getservbyport(int port, const char *proto) {
    int protos = protos_of(proto);
    if (protos == 0)
        return NULL;
    return fill(__wasock_service_by_port(ntohs((uint16_t)port), protos), protos);
}

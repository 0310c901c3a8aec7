/*
 * getaddrinfo() and freeaddrinfo().
 *
 * What can be answered without the network is answered here, so it works
 * the same under every host backend: a NULL node (the wildcard address with
 * AI_PASSIVE, loopback otherwise), numeric IPv4/IPv6 hosts, and service names
 * and numbers (the host is never asked about services). Names go to
 * sock_addr_resolve; we ask for the addresses only and build one entry per
 * address and socket type ourselves, so the result's shape does not depend
 * on how a host reports socket types. Order and error codes follow glibc.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KNOWN_FLAGS \
    (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | \
     AI_NUMERICSERV)

/* First guess at how many addresses a name has; a bigger answer is retried
 * with an array of the size the host reported. */
#define RESOLVE_FIRST_TRY 8
/* The host's count may change between calls; don't chase it forever. */
#define RESOLVE_MAX_TRIES 4

typedef struct {
    int family; /* AF_INET or AF_INET6 */
    unsigned char bytes[16];
} host_addr;

/* The caller's request, validated. */
typedef struct {
    int flags;
    int family;
    int socktypes[2]; /* 0-terminated when only one */
    int port;
} request;

/* One result entry and the sockaddr it points to, freed together. */
typedef struct {
    struct addrinfo ai;
    union {
        struct sockaddr_in in4;
        struct sockaddr_in6 in6;
    } sa;
} entry;

static int parse_service(const char *service, const struct addrinfo *hints, request *req) {
    req->port = 0;
    int protos = WASOCK_SVC_TCP | WASOCK_SVC_UDP;
    if (service != NULL) {
        char *end;
        unsigned long n = strtoul(service, &end, 10);
        if (*end == '\0' && (service[0] >= '0' && service[0] <= '9')) {
            req->port = (int)(n & 0xffff); /* glibc keeps the low 16 bits too */
        } else if (service[0] == '\0') {
            req->port = 0;
        } else {
            if (hints->ai_flags & AI_NUMERICSERV)
                return EAI_NONAME;
            if (hints->ai_socktype == SOCK_STREAM)
                protos = WASOCK_SVC_TCP;
            else if (hints->ai_socktype == SOCK_DGRAM)
                protos = WASOCK_SVC_UDP;
            const wasock_service *s = __wasock_service_by_name(service, protos);
            if (s == NULL)
                return EAI_SERVICE;
            req->port = s->port;
            protos = s->protos & protos;
        }
    }

    /* Socket types to report: the one asked for, or each the service runs on. */
    req->socktypes[0] = req->socktypes[1] = 0;
    if (hints->ai_socktype != 0) {
        req->socktypes[0] = hints->ai_socktype;
    } else {
        int n = 0;
        if (protos & WASOCK_SVC_TCP)
            req->socktypes[n++] = SOCK_STREAM;
        if (protos & WASOCK_SVC_UDP)
            req->socktypes[n++] = SOCK_DGRAM;
    }
    return 0;
}

static int check_hints(const struct addrinfo *hints, const char *node, request *req) {
    if (hints->ai_flags & ~KNOWN_FLAGS)
        return EAI_BADFLAGS;
    if ((hints->ai_flags & AI_CANONNAME) && node == NULL)
        return EAI_BADFLAGS;
    if (hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET &&
        hints->ai_family != AF_INET6)
        return EAI_FAMILY;
    if (hints->ai_socktype != 0 && hints->ai_socktype != SOCK_STREAM &&
        hints->ai_socktype != SOCK_DGRAM)
        return EAI_SOCKTYPE;
    if (hints->ai_protocol != 0) {
        int want = hints->ai_protocol == IPPROTO_TCP   ? SOCK_STREAM
                   : hints->ai_protocol == IPPROTO_UDP ? SOCK_DGRAM
                                                       : -1;
        if (want < 0 || (hints->ai_socktype != 0 && hints->ai_socktype != want))
            return EAI_SOCKTYPE;
    }
    req->flags = hints->ai_flags;
    req->family = hints->ai_family;
    return 0;
}

/* With a protocol hint but no socktype hint, keep the matching type only. */
static void apply_protocol(const struct addrinfo *hints, request *req) {
    if (hints->ai_protocol == 0 || hints->ai_socktype != 0)
        return;
    int want = hints->ai_protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
    int kept = (req->socktypes[0] == want || req->socktypes[1] == want) ? want : 0;
    req->socktypes[0] = kept;
    req->socktypes[1] = 0;
}

/* Addresses for a NULL node, in glibc's order: the wildcard lists IPv4 first,
 * loopback lists IPv6 first. */
static size_t null_node_addrs(const request *req, host_addr out[2]) {
    host_addr v4 = {AF_INET, {0}}, v6 = {AF_INET6, {0}};
    int passive = req->flags & AI_PASSIVE;
    if (!passive) {
        v4.bytes[0] = 127;
        v4.bytes[3] = 1;
        v6.bytes[15] = 1;
    }
    size_t n = 0;
    int want4 = req->family != AF_INET6, want6 = req->family != AF_INET;
    if (passive) {
        if (want4)
            out[n++] = v4;
        if (want6)
            out[n++] = v6;
    } else {
        if (want6)
            out[n++] = v6;
        if (want4)
            out[n++] = v4;
    }
    return n;
}

/* Numeric hosts. Returns 1 and fills *out, 0 when `node` is not numeric, or
 * a negative EAI_* code. */
static int numeric_addr(const char *node, const request *req, host_addr *out) {
    struct in_addr a4;
    /* inet_aton takes trailing text after whitespace; getaddrinfo must not. */
    if (strpbrk(node, " \t\n\v\f\r") == NULL && inet_aton(node, &a4)) {
        if (req->family == AF_INET6) {
            if (!(req->flags & AI_V4MAPPED))
                return EAI_ADDRFAMILY;
            out->family = AF_INET6;
            memset(out->bytes, 0, 16);
            out->bytes[10] = out->bytes[11] = 0xff;
            memcpy(out->bytes + 12, &a4.s_addr, 4);
            return 1;
        }
        out->family = AF_INET;
        memcpy(out->bytes, &a4.s_addr, 4);
        return 1;
    }
    struct in6_addr a6;
    if (inet_pton(AF_INET6, node, &a6) == 1) {
        if (req->family == AF_INET)
            return EAI_ADDRFAMILY;
        out->family = AF_INET6;
        memcpy(out->bytes, a6.s6_addr, 16);
        return 1;
    }
    return 0;
}

/* The host's errno for a failed lookup -> EAI_*. */
static int resolve_error(int err) {
    switch (err) {
    case EAGAIN:
        return EAI_AGAIN;
    case ENOMEM:
        return EAI_MEMORY;
    case EAFNOSUPPORT:
        return EAI_FAMILY;
    case ENOENT:
    case EHOSTUNREACH:
        return EAI_NONAME;
    case ENOSYS:
    case ENOTSUP:
        return EAI_FAIL;
    default:
        errno = err; /* EAI_SYSTEM: the caller reads errno */
        return EAI_SYSTEM;
    }
}

static void from_abi(const wasock_addr *a, host_addr *out) {
    memset(out, 0, sizeof *out);
    if (a->kind == WASOCK_ADDR_KIND_IP4) {
        out->family = AF_INET;
        memcpy(out->bytes, a->u.ip4.octets, 4);
    } else {
        out->family = AF_INET6;
        for (int i = 0; i < 8; i++) {
            out->bytes[2 * i] = (unsigned char)(a->u.ip6.groups[i] >> 8);
            out->bytes[2 * i + 1] = (unsigned char)a->u.ip6.groups[i];
        }
    }
}

/* Asks the host for the addresses of `node`. On success *out is a malloc'd
 * array of *count distinct addresses of the requested family. */
static int resolve(const char *node, const request *req, host_addr **out, size_t *count) {
    wasock_addr_hints hints = {
        WASOCK_SOCKTYPE_ANY,
        req->family == AF_INET    ? WASOCK_FAMILY_INET4
        : req->family == AF_INET6 ? WASOCK_FAMILY_INET6
                                  : WASOCK_FAMILY_UNSPEC,
        1,
    };
    uint32_t cap = RESOLVE_FIRST_TRY, total = 0;
    wasock_addr_info *infos = NULL;
    for (int attempt = 0;; attempt++) {
        wasock_addr_info *bigger = realloc(infos, cap * sizeof *infos);
        if (bigger == NULL) {
            free(infos);
            return EAI_MEMORY;
        }
        infos = bigger;
        int err = __wasock_sock_addr_resolve(node, NULL, &hints, infos, cap, &total);
        if (err != 0) {
            free(infos);
            return resolve_error(err);
        }
        if (total <= cap || attempt + 1 == RESOLVE_MAX_TRIES)
            break;
        cap = total;
    }
    uint32_t filled = total < cap ? total : cap;

    host_addr *addrs = malloc((filled ? filled : 1) * sizeof *addrs);
    if (addrs == NULL) {
        free(infos);
        return EAI_MEMORY;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < filled; i++) {
        host_addr h;
        if (infos[i].addr.kind != WASOCK_ADDR_KIND_IP4 &&
            infos[i].addr.kind != WASOCK_ADDR_KIND_IP6)
            continue;
        from_abi(&infos[i].addr, &h);
        if (req->family != AF_UNSPEC && h.family != req->family)
            continue;
        /* A host may list an address once per socket type: keep it once. */
        int seen = 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = addrs[j].family == h.family && memcmp(addrs[j].bytes, h.bytes, 16) == 0;
        if (!seen)
            addrs[n++] = h;
    }
    free(infos);
    if (n == 0) {
        free(addrs);
        return EAI_NONAME;
    }
    *out = addrs;
    *count = n;
    return 0;
}

static entry *new_entry(const host_addr *h, int socktype, int port) {
    entry *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->ai.ai_family = h->family;
    e->ai.ai_socktype = socktype;
    e->ai.ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    e->ai.ai_addr = (struct sockaddr *)&e->sa;
    if (h->family == AF_INET) {
        e->sa.in4.sin_family = AF_INET;
        e->sa.in4.sin_port = htons((uint16_t)port);
        memcpy(&e->sa.in4.sin_addr.s_addr, h->bytes, 4);
        e->ai.ai_addrlen = sizeof e->sa.in4;
    } else {
        e->sa.in6.sin6_family = AF_INET6;
        e->sa.in6.sin6_port = htons((uint16_t)port);
        memcpy(e->sa.in6.sin6_addr.s6_addr, h->bytes, 16);
        e->ai.ai_addrlen = sizeof e->sa.in6;
    }
    return e;
}

/* Builds the list: address-major, socket type minor (glibc's order). */
static int build_list(const host_addr *addrs, size_t n, const request *req, const char *canon,
                      struct addrinfo **res) {
    struct addrinfo *head = NULL, **tail = &head;
    for (size_t i = 0; i < n; i++) {
        for (int t = 0; t < 2 && req->socktypes[t] != 0; t++) {
            entry *e = new_entry(&addrs[i], req->socktypes[t], req->port);
            if (e == NULL) {
                freeaddrinfo(head);
                return EAI_MEMORY;
            }
            *tail = &e->ai;
            tail = &e->ai.ai_next;
        }
    }
    if (head == NULL)
        return EAI_SERVICE;
    if (canon != NULL) {
        head->ai_canonname = strdup(canon);
        if (head->ai_canonname == NULL) {
            freeaddrinfo(head);
            return EAI_MEMORY;
        }
    }
    *res = head;
    return 0;
}

int getaddrinfo(const char *__restrict node, const char *__restrict service,
                const struct addrinfo *__restrict hints_in, struct addrinfo **__restrict res) {
    static const struct addrinfo no_hints; /* all zero: AF_UNSPEC, any type */
    const struct addrinfo *hints = hints_in ? hints_in : &no_hints;
    if (res == NULL)
        return EAI_FAIL;
    if (node == NULL && service == NULL)
        return EAI_NONAME;

    request req;
    int rc = check_hints(hints, node, &req);
    if (rc == 0)
        rc = parse_service(service, hints, &req);
    if (rc != 0)
        return rc;
    apply_protocol(hints, &req);

    host_addr local[2];
    if (node == NULL) {
        size_t n = null_node_addrs(&req, local);
        return build_list(local, n, &req, NULL, res);
    }
    rc = numeric_addr(node, &req, &local[0]);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return build_list(local, 1, &req, (req.flags & AI_CANONNAME) ? node : NULL, res);
    if (req.flags & AI_NUMERICHOST)
        return EAI_NONAME;

    host_addr *addrs;
    size_t n;
    rc = resolve(node, &req, &addrs, &n);
    if (rc != 0)
        return rc;
    rc = build_list(addrs, n, &req, (req.flags & AI_CANONNAME) ? node : NULL, res);
    free(addrs);
    return rc;
}

void freeaddrinfo(struct addrinfo *ai) {
    while (ai != NULL) {
        struct addrinfo *next = ai->ai_next;
        free(ai->ai_canonname);
        free(ai); /* the entry, its sockaddr included */
        ai = next;
    }
}

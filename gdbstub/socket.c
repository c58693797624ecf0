/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the gdb stub listens: "tcp::1234" (any address), "tcp:HOST:PORT",
 * "unix:PATH" (a socket file, replaced if stale) or a bare "1234".
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"

static int listen_error(GError **errp, const char *spec, const char *what,
                        int err)
{
    g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(err),
                "%s: %s: %s", spec, what, g_strerror(err));
    return -1;
}

static bool parse_port(const char *s, char **out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 65535) {
        return false;
    }
    *out = g_strdup_printf("%ld", v);
    return true;
}

static int listen_unix(const char *spec, const char *path, GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s: bad socket path", spec);
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return listen_error(errp, spec, "socket", errno);
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 1) < 0) {
        int err = errno;

        close(fd);
        return listen_error(errp, spec, "cannot listen", err);
    }
    return fd;
}

static int listen_tcp(const char *spec, const char *host, const char *port,
                      GError **errp)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res, *ai;
    int fd = -1, err = 0, one = 1;
    int gai = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);

    if (gai) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s: %s", spec, gai_strerror(gai));
        return -1;
    }
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        return listen_error(errp, spec, "cannot listen", err);
    }
    return fd;
}

int gdb_socket_listen(const char *spec, char **desc, GError **errp)
{
    g_autofree char *port = NULL;
    g_autofree char *host = NULL;
    const char *p;

    if (g_str_has_prefix(spec, "unix:")) {
        *desc = g_strdup(spec);
        return listen_unix(spec, spec + 5, errp);
    }
    p = g_str_has_prefix(spec, "tcp:") ? spec + 4 : spec;
    if (p != spec) {
        const char *colon = strrchr(p, ':');

        if (!colon) {
            goto bad;
        }
        host = g_strndup(p, colon - p);
        p = colon + 1;
    }
    if (!parse_port(p, &port)) {
        goto bad;
    }
    *desc = g_strdup_printf("tcp:%s:%s", host ? host : "", port);
    return listen_tcp(spec, host, port, errp);
bad:
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "'%s': expected tcp::PORT, tcp:HOST:PORT, "
                "unix:PATH or a port number", spec);
    return -1;
}

int gdb_socket_accept(int listen_fd)
{
    int one = 1;
    int fd;

    do {
        fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
        /* Fails harmlessly on a Unix socket. */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return fd;
}

void gdb_socket_write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t r = send(fd, buf, len, MSG_NOSIGNAL);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return;
        }
        buf += r;
        len -= (size_t)r;
    }
}

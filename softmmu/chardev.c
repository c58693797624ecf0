/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character backends: where a UART's bytes go and come from.
 *
 *     -serial stdio | mon:stdio | null | file:PATH | pty
 *             tcp:[HOST]:PORT[,server=on][,wait=off] | unix:PATH[,server=on]
 *             chardev:ID
 *     -chardev stdio,id=X[,signal=on|off][,mux=on|off]
 *              null,id=X | file,id=X,path=P | pty,id=X
 *              socket,id=X,(host=H,port=N | path=P)[,server=on][,wait=off]
 *
 * Every backend is a pair of fds (either may be -1).  Output is written
 * straight away by the caller (a vCPU in an MMIO store, BQL held);
 * nobody listening means the bytes are dropped.  Input is read by the
 * main loop into a small buffer and handed to the device as fast as its
 * can_receive allows; while bytes are left over the fd is not polled,
 * and chardev_accept_input (or a 10 ms retry timer) resumes delivery.
 *
 * A backend with mux=on (what -nographic and mon:stdio give) watches
 * for QEMU's escapes: Ctrl-A x quits, Ctrl-A h prints help, Ctrl-A a or
 * Ctrl-A Ctrl-A sends a Ctrl-A, and Ctrl-A c switches the input between
 * the device and a second frontend, the monitor (chardev_mux_attach).
 * Output from both always reaches the backend, as in QEMU.  When stdin
 * is a terminal it is put in raw mode (Ctrl-C then reaches the guest
 * unless signal=on), and restored at exit.
 *
 * A socket server serves one client at a time; further connections wait
 * in the backlog until it leaves.  A pty keeps its slave side open
 * itself, so the master never sees a hang-up when nobody is attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "kestrel/log.h"
#include "sysemu-internal.h"

#define CHR_BUF_SIZE 256
#define CHR_RETRY_NS (10 * 1000 * 1000)
#define CTRL_A 0x01

typedef enum ChardevKind {
    CHR_NULL,
    CHR_FILE,
    CHR_STDIO,
    CHR_PTY,
    CHR_SOCKET,
    CHR_FDS,
} ChardevKind;

struct Chardev {
    char *id;                   /* -chardev id=, or NULL */
    char *label;                /* for messages */
    char *desc;                 /* "tcp:host:port", for messages */
    ChardevKind kind;
    int in_fd, out_fd;          /* -1: none */
    bool out_is_socket;         /* send() with MSG_NOSIGNAL */
    int listen_fd;              /* socket server, or -1 */
    char *unix_path;            /* unix server: unlinked at close */
    int pty_slave;              /* pty: kept open, or -1 */
    bool mux;                   /* Ctrl-A escapes */
    bool mux_escape;            /* the last byte was Ctrl-A */
    bool mux_to_fe;             /* Ctrl-A c: input goes to the mux fe */
    void (*mux_receive)(void *opaque, const uint8_t *buf, int len);
    void (*mux_focus)(void *opaque, bool focused);
    void *mux_opaque;           /* the second frontend (the monitor) */

    void (*event)(void *opaque, bool opened);   /* client came / left */
    void *event_opaque;
    bool watching;              /* in_fd is in the main loop */

    int (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, int len);
    void *opaque;

    uint8_t buf[CHR_BUF_SIZE];  /* read, not yet taken by the device */
    int buf_pos, buf_len;
    bool accept_scheduled;
    Timer *retry;
};

static GPtrArray *chardevs;     /* every backend, in creation order */

/* stdin's terminal settings before raw mode. */
static struct termios saved_tty;
static bool tty_modified;

/* ------------------------------------------------------------------ */
/* Terminal                                                            */

static void tty_restore(void)
{
    if (tty_modified) {
        tcsetattr(0, TCSANOW, &saved_tty);
        tty_modified = false;
    }
}

/* Raw mode like QEMU's stdio backend: no echo, no line editing. */
static void tty_set_raw(bool keep_signals)
{
    struct termios t;

    if (tty_modified || !isatty(0) || tcgetattr(0, &saved_tty) < 0) {
        return;
    }
    t = saved_tty;
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                   ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!keep_signals) {
        t.c_lflag &= ~ISIG;
    }
    t.c_cflag &= ~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(0, TCSANOW, &t) == 0) {
        tty_modified = true;
        atexit(tty_restore);
    }
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static void chr_disconnect(Chardev *c);

static ssize_t chr_write_some(Chardev *c, const uint8_t *buf, int len)
{
    if (c->out_is_socket) {
        return send(c->out_fd, buf, len, MSG_NOSIGNAL);
    }
    return write(c->out_fd, buf, len);
}

void chardev_write(Chardev *c, const uint8_t *buf, int len)
{
    while (c && c->out_fd >= 0 && len > 0) {
        ssize_t n = chr_write_some(c, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            /* EAGAIN (a pty nobody reads): drop; a dead client: close. */
            if (c->kind == CHR_SOCKET && errno != EAGAIN) {
                chr_disconnect(c);
            }
            return;
        }
        buf += n;
        len -= n;
    }
}

static void chr_write_str(Chardev *c, const char *s)
{
    chardev_write(c, (const uint8_t *)s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Input                                                               */

static void chr_read_cb(void *opaque);

static void chr_watch(Chardev *c, bool on)
{
    on = on && c->in_fd >= 0;
    if (on != c->watching) {
        main_loop_set_fd_handler(c->in_fd, on ? chr_read_cb : NULL, c);
        c->watching = on;
    }
}

static void chr_retry_cb(void *opaque);

/* Hand buffered bytes to the device; poll the fd again once empty. */
static void chr_deliver(Chardev *c)
{
    while (c->buf_pos < c->buf_len && c->receive) {
        int n = c->can_receive ? c->can_receive(c->opaque)
                               : c->buf_len - c->buf_pos;

        if (n <= 0) {
            break;
        }
        n = MIN(n, c->buf_len - c->buf_pos);
        c->receive(c->opaque, c->buf + c->buf_pos, n);
        c->buf_pos += n;
    }
    if (!c->receive || c->buf_pos >= c->buf_len) {
        /* Nobody to take it: drop, as a UART with no device would. */
        c->buf_pos = c->buf_len = 0;
        chr_watch(c, true);
        return;
    }
    chr_watch(c, false);
    if (!c->retry) {
        c->retry = timer_new_ns(CLOCK_REALTIME, chr_retry_cb, c);
    }
    timer_mod_ns(c->retry, clock_get_ns(CLOCK_REALTIME) + CHR_RETRY_NS);
}

static void chr_retry_cb(void *opaque)
{
    chr_deliver(opaque);
}

static void chr_mux_help(Chardev *c)
{
    chr_write_str(c, "\r\n"
                  "C-a h    print this help\r\n"
                  "C-a x    exit emulator\r\n"
                  "C-a c    switch between console and monitor\r\n"
                  "C-a C-a  sends C-a (as does C-a a)\r\n");
}

/* Ctrl-A c: move the input to the other frontend. */
static void chr_mux_switch(Chardev *c)
{
    if (!c->mux_receive) {
        chr_write_str(c, "\r\n(no monitor on this console)\r\n");
        return;
    }
    c->mux_to_fe = !c->mux_to_fe;
    if (c->mux_focus) {
        c->mux_focus(c->mux_opaque, c->mux_to_fe);
    }
}

/* One byte of input that is not an escape. */
static void chr_mux_byte(Chardev *c, uint8_t b)
{
    if (c->mux_to_fe) {
        c->mux_receive(c->mux_opaque, &b, 1);
    } else {
        c->buf[c->buf_len++] = b;
    }
}

bool chardev_mux_attach(Chardev *c,
                        void (*receive)(void *opaque, const uint8_t *buf,
                                        int len),
                        void (*focus)(void *opaque, bool focused),
                        void *opaque)
{
    if (!c->mux || c->mux_receive) {
        return false;
    }
    c->mux_receive = receive;
    c->mux_focus = focus;
    c->mux_opaque = opaque;
    return true;
}

bool chardev_is_mux(const Chardev *c)
{
    return c->mux;
}

void chardev_set_event_handler(Chardev *c,
                               void (*event)(void *opaque, bool opened),
                               void *opaque)
{
    c->event = event;
    c->event_opaque = opaque;
    if (event && c->out_fd >= 0) {
        event(opaque, true);
    }
}

static void chr_event(Chardev *c, bool opened)
{
    if (c->event) {
        c->event(c->event_opaque, opened);
    }
}

/* One byte typed after Ctrl-A. */
static void chr_mux_escape(Chardev *c, uint8_t b)
{
    switch (b) {
    case 'x':
        chr_write_str(c, "\r\nKestrel: Terminated\r\n");
        system_shutdown_request(SHUTDOWN_HOST_QUIT);
        break;
    case 'h':
    case '?':
        chr_mux_help(c);
        break;
    case 'a':
    case CTRL_A:
        chr_mux_byte(c, CTRL_A);
        break;
    case 'c':
        chr_mux_switch(c);
        break;
    default:
        break;
    }
}

/* Append input bytes to buf, interpreting Ctrl-A escapes under mux. */
static void chr_take_input(Chardev *c, const uint8_t *in, int n)
{
    for (int i = 0; i < n; i++) {
        if (!c->mux) {
            c->buf[c->buf_len++] = in[i];
        } else if (c->mux_escape) {
            c->mux_escape = false;
            chr_mux_escape(c, in[i]);
        } else if (in[i] == CTRL_A) {
            c->mux_escape = true;
        } else {
            chr_mux_byte(c, in[i]);
        }
    }
}

/* End of input: a socket client left, or stdin / a pipe was closed. */
static void chr_input_eof(Chardev *c)
{
    if (c->kind == CHR_SOCKET) {
        chr_disconnect(c);      /* a server listens again */
        return;
    }
    chr_watch(c, false);
    if (c->kind != CHR_STDIO && c->in_fd != c->out_fd) {
        close(c->in_fd);
    }
    c->in_fd = -1;
}

static void chr_read_cb(void *opaque)
{
    Chardev *c = opaque;
    uint8_t in[CHR_BUF_SIZE];
    ssize_t n;

    if (c->buf_len > 0) {
        return;                 /* still delivering the last batch */
    }
    n = read(c->in_fd, in, sizeof(in));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        chr_input_eof(c);
        return;
    }
    c->buf_pos = c->buf_len = 0;
    chr_take_input(c, in, n);
    chr_deliver(c);
}

static void chr_accept_bh(void *opaque)
{
    Chardev *c = opaque;

    c->accept_scheduled = false;
    chr_deliver(c);
}

void chardev_accept_input(Chardev *c)
{
    if (c && c->buf_pos < c->buf_len && !c->accept_scheduled) {
        c->accept_scheduled = true;
        main_loop_schedule(chr_accept_bh, c);
    }
}

void chardev_set_handlers(Chardev *c, int (*can_receive)(void *opaque),
                          void (*receive)(void *opaque, const uint8_t *buf,
                                          int len),
                          void *opaque)
{
    c->can_receive = can_receive;
    c->receive = receive;
    c->opaque = opaque;
    chr_watch(c, c->buf_len == 0);
}

/* ------------------------------------------------------------------ */
/* Socket clients                                                      */

static void chr_listen_cb(void *opaque);

static void chr_set_client(Chardev *c, int fd)
{
    int one = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->in_fd = c->out_fd = fd;
    c->out_is_socket = true;
    c->buf_pos = c->buf_len = 0;
    c->mux_escape = false;
    chr_watch(c, true);
    chr_event(c, true);
}

/* Close the client; a server goes back to listening. */
static void chr_disconnect(Chardev *c)
{
    if (c->in_fd < 0) {
        return;
    }
    chr_watch(c, false);
    close(c->in_fd);
    c->in_fd = c->out_fd = -1;
    c->buf_pos = c->buf_len = 0;
    if (c->listen_fd >= 0) {
        main_loop_set_fd_handler(c->listen_fd, chr_listen_cb, c);
    }
    chr_event(c, false);
}

static void chr_listen_cb(void *opaque)
{
    Chardev *c = opaque;
    int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);

    if (fd < 0) {
        return;
    }
    if (c->in_fd >= 0) {
        close(fd);              /* one client at a time */
        return;
    }
    /* Stop accepting while this client is connected. */
    main_loop_set_fd_handler(c->listen_fd, NULL, NULL);
    chr_set_client(c, fd);
}

/* ------------------------------------------------------------------ */
/* Options: "backend,key=value,flag,..." with the -serial shorthands    */

typedef struct ChrOpts {
    char *backend;
    GHashTable *props;          /* key -> value (owned) */
} ChrOpts;

static void chr_opts_free(ChrOpts *o)
{
    g_free(o->backend);
    if (o->props) {
        g_hash_table_destroy(o->props);
    }
}

/* Parse "k=v,flag,..." into o->props; QEMU's legacy bare flags too. */
static void chr_parse_props(ChrOpts *o, char **items)
{
    for (char **p = items; *p; p++) {
        char *eq = strchr(*p, '=');

        if (!**p) {
            continue;
        }
        if (eq) {
            g_hash_table_replace(o->props, g_strndup(*p, eq - *p),
                                 g_strdup(eq + 1));
        } else if (!strcmp(*p, "nowait")) {
            g_hash_table_replace(o->props, g_strdup("wait"),
                                 g_strdup("off"));
        } else {
            /* "server", "wait": a bare flag means on. */
            g_hash_table_replace(o->props, g_strdup(*p), g_strdup("on"));
        }
    }
}

/* tcp:HOST:PORT -> host, port (HOST may be empty or [v6]). */
static bool chr_parse_tcp(ChrOpts *o, const char *addr, GError **errp)
{
    const char *colon = strrchr(addr, ':');
    char *host;

    if (!colon || !colon[1]) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "'tcp:%s': expected tcp:HOST:PORT", addr);
        return false;
    }
    host = g_strndup(addr, colon - addr);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        char *h = g_strndup(host + 1, strlen(host) - 2);

        g_free(host);
        host = h;
    }
    g_hash_table_replace(o->props, g_strdup("host"), host);
    g_hash_table_replace(o->props, g_strdup("port"), g_strdup(colon + 1));
    return true;
}

/* The -serial spellings: "kind:rest,props". */
static bool chr_parse_legacy(ChrOpts *o, char **items, GError **errp)
{
    char *first = items[0];
    char *colon = strchr(first, ':');
    char *kind = g_strndup(first, colon - first);
    const char *rest = colon + 1;
    bool ok = true;

    if (!strcmp(kind, "file")) {
        o->backend = g_strdup("file");
        g_hash_table_replace(o->props, g_strdup("path"), g_strdup(rest));
    } else if (!strcmp(kind, "unix")) {
        o->backend = g_strdup("socket");
        g_hash_table_replace(o->props, g_strdup("path"), g_strdup(rest));
    } else if (!strcmp(kind, "tcp")) {
        o->backend = g_strdup("socket");
        ok = chr_parse_tcp(o, rest, errp);
    } else if (!strcmp(kind, "mon") && !strcmp(rest, "stdio")) {
        o->backend = g_strdup("stdio");
        g_hash_table_replace(o->props, g_strdup("mux"), g_strdup("on"));
        g_hash_table_replace(o->props, g_strdup("signal"), g_strdup("off"));
    } else {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unknown character backend '%s'", first);
        ok = false;
    }
    g_free(kind);
    if (ok) {
        chr_parse_props(o, items + 1);
    }
    return ok;
}

static bool chr_parse(ChrOpts *o, const char *spec, GError **errp)
{
    g_auto(GStrv) items = g_strsplit(spec, ",", -1);

    o->props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     g_free);
    if (!items[0] || !items[0][0]) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "empty character backend");
        return false;
    }
    if (strchr(items[0], ':')) {
        return chr_parse_legacy(o, items, errp);
    }
    o->backend = g_strdup(items[0]);
    chr_parse_props(o, items + 1);
    return true;
}

/* Take property key out of o (NULL if absent); the caller frees it. */
static char *chr_take(ChrOpts *o, const char *key)
{
    gpointer k, v;

    if (!g_hash_table_steal_extended(o->props, key, &k, &v)) {
        return NULL;
    }
    g_free(k);
    return v;
}

/* An on/off property; false with *errp on a bad value. */
static bool chr_take_bool(ChrOpts *o, const char *key, bool dflt,
                          bool *out, GError **errp)
{
    g_autofree char *v = chr_take(o, key);

    *out = dflt;
    if (!v) {
        return true;
    }
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *out = true;
    } else if (!strcmp(v, "off") || !strcmp(v, "no") ||
               !strcmp(v, "false")) {
        *out = false;
    } else {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s: '%s' is not on or off", key, v);
        return false;
    }
    return true;
}

/* Any property left over is an error naming it. */
static bool chr_check_leftover(ChrOpts *o, GError **errp)
{
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init(&it, o->props);
    if (g_hash_table_iter_next(&it, &k, NULL)) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "backend '%s' has no property '%s'", o->backend,
                    (char *)k);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Backends                                                            */

static Chardev *chr_alloc(ChardevKind kind)
{
    Chardev *c = g_new0(Chardev, 1);

    c->kind = kind;
    c->in_fd = c->out_fd = c->listen_fd = c->pty_slave = -1;
    return c;
}

static bool chr_open_stdio(Chardev *c, ChrOpts *o, bool legacy,
                           GError **errp)
{
    bool sig;

    /* -serial stdio keeps Ctrl-C for Kestrel; mon:stdio hands it on. */
    if (!chr_take_bool(o, "signal", legacy ? true : !c->mux, &sig, errp)) {
        return false;
    }
    if (!chr_check_leftover(o, errp)) {
        return false;
    }
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        if (((Chardev *)g_ptr_array_index(chardevs, i))->kind == CHR_STDIO) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "stdio is already in use by another backend");
            return false;
        }
    }
    c->in_fd = 0;
    c->out_fd = 1;
    tty_set_raw(sig);
    return true;
}

static bool chr_open_file(Chardev *c, ChrOpts *o, GError **errp)
{
    g_autofree char *path = chr_take(o, "path");

    if (!path || !*path) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "file: a path is needed (file:PATH)");
        return false;
    }
    if (!chr_check_leftover(o, errp)) {
        return false;
    }
    c->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (c->out_fd < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: %s", path, g_strerror(errno));
        return false;
    }
    return true;
}

static bool chr_open_pty(Chardev *c, ChrOpts *o, GError **errp)
{
    struct termios t;
    const char *name;
    int m;

    if (!chr_check_leftover(o, errp)) {
        return false;
    }
    m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || !(name = ptsname(m))) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "pty: %s", g_strerror(errno));
        if (m >= 0) {
            close(m);
        }
        return false;
    }
    c->pty_slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (c->pty_slave >= 0 && tcgetattr(c->pty_slave, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(c->pty_slave, TCSANOW, &t);
    }
    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
    c->in_fd = c->out_fd = m;
    c->desc = g_strdup(name);
    return true;
}

/* Resolve host:port (NULL host: any address for a server). */
static struct addrinfo *chr_resolve(const char *host, const char *port,
                                    bool server, GError **errp)
{
    struct addrinfo hints = { 0 }, *res = NULL;
    int r;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = server ? AI_PASSIVE : 0;
    r = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);
    if (r != 0) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "tcp:%s:%s: %s", host ? host : "", port,
                    gai_strerror(r));
        return NULL;
    }
    return res;
}

/* A connected or listening socket for ai; -1 with errno. */
static int chr_socket_for(const struct sockaddr *sa, socklen_t len,
                          int family, bool server)
{
    int one = 1;
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        return -1;
    }
    if (server) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, sa, len) == 0 && listen(fd, 1) == 0) {
            return fd;
        }
    } else if (connect(fd, sa, len) == 0) {
        return fd;
    }
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

static int chr_open_tcp(Chardev *c, const char *host, const char *port,
                        bool server, GError **errp)
{
    struct addrinfo *res = chr_resolve(host, port, server, errp), *ai;
    int fd = -1;

    if (!res) {
        return -1;
    }
    errno = EADDRNOTAVAIL;
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = chr_socket_for(ai->ai_addr, ai->ai_addrlen, ai->ai_family,
                            server);
    }
    freeaddrinfo(res);
    c->desc = g_strdup_printf("tcp:%s:%s", host ? host : "", port);
    if (fd < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: %s", c->desc, g_strerror(errno));
    }
    return fd;
}

static int chr_open_unix(Chardev *c, const char *path, bool server,
                         GError **errp)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    c->desc = g_strdup_printf("unix:%s", path);
    if (strlen(path) >= sizeof(sun.sun_path)) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s: path too long", c->desc);
        return -1;
    }
    strcpy(sun.sun_path, path);
    if (server) {
        unlink(path);
    }
    fd = chr_socket_for((struct sockaddr *)&sun, sizeof(sun), AF_UNIX,
                        server);
    if (fd < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: %s", c->desc, g_strerror(errno));
    } else if (server) {
        c->unix_path = g_strdup(path);
    }
    return fd;
}

/* Server with wait=on: block until the first client connects. */
static void chr_wait_client(Chardev *c)
{
    int fd;

    fprintf(stderr, "kestrel-system-aarch64: waiting for connection on "
            "%s\n", c->desc);
    do {
        fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
        chr_set_client(c, fd);
    }
}

static bool chr_open_socket(Chardev *c, ChrOpts *o, GError **errp)
{
    g_autofree char *host = chr_take(o, "host");
    g_autofree char *port = chr_take(o, "port");
    g_autofree char *path = chr_take(o, "path");
    bool server, wait;
    int fd;

    if (!chr_take_bool(o, "server", false, &server, errp) ||
        !chr_take_bool(o, "wait", true, &wait, errp) ||
        !chr_check_leftover(o, errp)) {
        return false;
    }
    if (!path == !port) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "socket: give either port= (tcp) or path= (unix)");
        return false;
    }
    fd = path ? chr_open_unix(c, path, server, errp)
              : chr_open_tcp(c, host, port, server, errp);
    if (fd < 0) {
        return false;
    }
    if (!server) {
        chr_set_client(c, fd);
        return true;
    }
    c->listen_fd = fd;
    if (wait) {
        chr_wait_client(c);
    }
    if (c->in_fd < 0) {
        main_loop_set_fd_handler(fd, chr_listen_cb, c);
    }
    return true;
}

static bool chr_open(Chardev *c, ChrOpts *o, bool legacy, GError **errp)
{
    const char *b = o->backend;

    if (!chr_take_bool(o, "mux", false, &c->mux, errp)) {
        return false;
    }
    if (!strcmp(b, "null")) {
        c->kind = CHR_NULL;
        return chr_check_leftover(o, errp);
    } else if (!strcmp(b, "stdio")) {
        c->kind = CHR_STDIO;
        return chr_open_stdio(c, o, legacy, errp);
    } else if (!strcmp(b, "file")) {
        c->kind = CHR_FILE;
        return chr_open_file(c, o, errp);
    } else if (!strcmp(b, "pty")) {
        c->kind = CHR_PTY;
        return chr_open_pty(c, o, errp);
    } else if (!strcmp(b, "socket")) {
        c->kind = CHR_SOCKET;
        return chr_open_socket(c, o, errp);
    }
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "unknown character backend '%s' (stdio, null, file, pty, "
                "socket)", b);
    return false;
}

/* ------------------------------------------------------------------ */
/* Creation and lookup                                                 */

static void chr_register(Chardev *c)
{
    if (!chardevs) {
        chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(chardevs, c);
}

Chardev *chardev_find(const char *id)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        Chardev *c = g_ptr_array_index(chardevs, i);

        if (c->id && !strcmp(c->id, id)) {
            return c;
        }
    }
    return NULL;
}

/* "chardev:ID" (-serial chardev:ID): an existing -chardev. */
static Chardev *chr_lookup_ref(const char *spec, GError **errp)
{
    Chardev *c = chardev_find(spec + strlen("chardev:"));

    if (!c) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "no -chardev with id '%s'", spec + strlen("chardev:"));
    }
    return c;
}

static bool chr_take_id(Chardev *c, ChrOpts *o, GError **errp)
{
    c->id = chr_take(o, "id");
    if (c->id && chardev_find(c->id)) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "duplicate chardev id '%s'", c->id);
        return false;
    }
    return true;
}

static void chr_free(Chardev *c)
{
    g_free(c->id);
    g_free(c->label);
    g_free(c->desc);
    g_free(c);
}

Chardev *chardev_new_labeled(const char *spec, const char *label,
                             GError **errp)
{
    ChrOpts o = { 0 };
    Chardev *c;
    bool legacy;

    if (g_str_has_prefix(spec, "chardev:")) {
        return chr_lookup_ref(spec, errp);
    }
    c = chr_alloc(CHR_NULL);
    if (!chr_parse(&o, spec, errp) || !chr_take_id(c, &o, errp)) {
        goto fail;
    }
    /* "stdio" alone is the -serial spelling; with props, -chardev's. */
    legacy = !strchr(spec, ',');
    if (!chr_open(c, &o, legacy, errp)) {
        goto fail;
    }
    chr_opts_free(&o);
    c->label = g_strdup(label ? label : c->id ? c->id : "chardev");
    chr_register(c);
    if (c->kind == CHR_PTY) {
        printf("char device redirected to %s (label %s)\n", c->desc,
               c->label);
        fflush(stdout);
    }
    if (c->in_fd >= 0) {
        chr_watch(c, true);
    }
    return c;

fail:
    chr_opts_free(&o);
    chr_free(c);
    return NULL;
}

Chardev *chardev_new(const char *spec, GError **errp)
{
    return chardev_new_labeled(spec, NULL, errp);
}

Chardev *chardev_new_fds(const char *id, int in_fd, int out_fd)
{
    Chardev *c = chr_alloc(CHR_FDS);

    c->id = g_strdup(id);
    c->label = g_strdup(id ? id : "fds");
    c->in_fd = in_fd;
    c->out_fd = out_fd;
    chr_register(c);
    chr_watch(c, true);
    return c;
}

static void chr_close(Chardev *c)
{
    chr_watch(c, false);
    timer_free(c->retry);
    c->retry = NULL;
    if (c->listen_fd >= 0) {
        main_loop_set_fd_handler(c->listen_fd, NULL, NULL);
        close(c->listen_fd);
    }
    if (c->unix_path) {
        unlink(c->unix_path);
        g_free(c->unix_path);
    }
    if (c->kind != CHR_STDIO) {
        if (c->in_fd >= 0) {
            close(c->in_fd);
        }
        if (c->out_fd >= 0 && c->out_fd != c->in_fd) {
            close(c->out_fd);
        }
    }
    if (c->pty_slave >= 0) {
        close(c->pty_slave);
    }
}

void chardev_close_all(void)
{
    tty_restore();
    if (!chardevs) {
        return;
    }
    for (guint i = 0; i < chardevs->len; i++) {
        Chardev *c = g_ptr_array_index(chardevs, i);

        chr_close(c);
        chr_free(c);
    }
    g_ptr_array_free(chardevs, true);
    chardevs = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * softmmu/chardev.c: the file and null backends, -chardev ids, spec
 * errors, the input path through can_receive/receive (a device that
 * takes 3 bytes at a time, resumed by chardev_accept_input) on a
 * socketpair, and tcp-client and unix-server sockets driven by the main
 * loop.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "kestrel/sysemu.h"
#include "../../softmmu/sysemu-internal.h"

#define MS 1000000ll

/* A device with room for `room` bytes until the test drains it. */
typedef struct FakeUart {
    char got[256];
    int len;
    int room;
} FakeUart;

static int uart_can_receive(void *opaque)
{
    FakeUart *u = opaque;

    g_assert(bql_locked());
    return u->room;
}

static void uart_receive(void *opaque, const uint8_t *buf, int len)
{
    FakeUart *u = opaque;

    assert_true(len <= u->room);
    memcpy(u->got + u->len, buf, len);
    u->len += len;
    u->got[u->len] = 0;
    u->room -= len;
}

/* Run the main loop until u holds n bytes (or 2 s pass). */
static void run_until_len(FakeUart *u, int n)
{
    int64_t end = clock_get_ns(CLOCK_REALTIME) + 2000 * MS;

    while (u->len < n && clock_get_ns(CLOCK_REALTIME) < end) {
        main_loop_wait(50 * MS);
    }
}

static int setup(void **state)
{
    main_loop_init();
    bql_lock();
    return 0;
}

static int teardown(void **state)
{
    chardev_close_all();
    bql_unlock();
    return 0;
}

static char *read_file(const char *path)
{
    char *s = NULL;

    assert_true(g_file_get_contents(path, &s, NULL, NULL));
    return s;
}

static void test_file_and_null(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("chardev-XXXXXX", NULL);
    g_autofree char *p1 = g_build_filename(dir, "out1", NULL);
    g_autofree char *p2 = g_build_filename(dir, "out2", NULL);
    g_autofree char *spec1 = g_strdup_printf("file:%s", p1);
    g_autofree char *spec2 = g_strdup_printf("file,id=log,path=%s", p2);
    g_autofree char *s1 = NULL, *s2 = NULL;
    Chardev *c1 = chardev_new(spec1, NULL);
    Chardev *c2 = chardev_new(spec2, NULL);
    Chardev *n = chardev_new("null", NULL);

    assert_non_null(c1);
    assert_non_null(c2);
    assert_non_null(n);
    assert_ptr_equal(chardev_find("log"), c2);
    assert_null(chardev_find("nope"));
    chardev_write(c1, (const uint8_t *)"hello\n", 6);
    chardev_write(c2, (const uint8_t *)"world", 5);
    chardev_write(n, (const uint8_t *)"gone", 4);
    chardev_close_all();
    s1 = read_file(p1);
    s2 = read_file(p2);
    assert_string_equal(s1, "hello\n");
    assert_string_equal(s2, "world");
    unlink(p1);
    unlink(p2);
    rmdir(dir);
}

/* spec -> the error message it must give. */
static void expect_error(const char *spec, const char *want)
{
    g_autoptr(GError) err = NULL;

    assert_null(chardev_new(spec, &err));
    assert_non_null(err);
    assert_string_equal(err->message, want);
}

static void test_bad_specs(void **state)
{
    expect_error("bogus", "unknown character backend 'bogus' (stdio, "
                 "null, file, pty, socket)");
    expect_error("vc:80x24", "unknown character backend 'vc:80x24'");
    expect_error("file:", "file: a path is needed (file:PATH)");
    expect_error("null,id=x,colour=red",
                 "backend 'null' has no property 'colour'");
    expect_error("socket,id=s,port=1,server=maybe",
                 "server: 'maybe' is not on or off");
    expect_error("socket,id=s", "socket: give either port= (tcp) or "
                 "path= (unix)");
    expect_error("tcp:nocolon", "'tcp:nocolon': expected tcp:HOST:PORT");
    expect_error("chardev:missing", "no -chardev with id 'missing'");
    assert_non_null(chardev_new("null,id=dup", NULL));
    expect_error("null,id=dup", "duplicate chardev id 'dup'");
    assert_ptr_equal(chardev_new("chardev:dup", NULL), chardev_find("dup"));
}

static void test_input_flow_control(void **state)
{
    FakeUart u = { .room = 3 };
    const char *msg = "abcdefgh";
    char out[16] = { 0 };
    int sv[2];
    Chardev *c;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    c = chardev_new_fds("pair", sv[0], sv[0]);
    chardev_set_handlers(c, uart_can_receive, uart_receive, &u);
    assert_int_equal(write(sv[1], msg, strlen(msg)), strlen(msg));

    run_until_len(&u, 3);
    assert_string_equal(u.got, "abc");
    main_loop_wait(20 * MS);            /* full: nothing more */
    assert_string_equal(u.got, "abc");

    for (int want = 6; want <= 9; want += 3) {
        u.room = 3;                     /* the guest read the FIFO */
        chardev_accept_input(c);
        run_until_len(&u, MIN(want, 8));
    }
    assert_string_equal(u.got, msg);

    /* Output goes to the same socket. */
    chardev_write(c, (const uint8_t *)"xyz", 3);
    assert_int_equal(read(sv[1], out, sizeof(out)), 3);
    assert_string_equal(out, "xyz");
    close(sv[1]);
}

static void test_tcp_client(void **state)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof(sa);
    g_autofree char *spec = NULL;
    FakeUart u = { .room = 100 };
    char out[16] = { 0 };
    int lfd, cfd;
    Chardev *c;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(lfd, 1), 0);
    getsockname(lfd, (struct sockaddr *)&sa, &len);
    spec = g_strdup_printf("tcp:127.0.0.1:%d", ntohs(sa.sin_port));

    c = chardev_new(spec, NULL);
    assert_non_null(c);
    cfd = accept(lfd, NULL, NULL);
    assert_true(cfd >= 0);
    chardev_set_handlers(c, uart_can_receive, uart_receive, &u);
    chardev_write(c, (const uint8_t *)"ping", 4);
    assert_int_equal(read(cfd, out, sizeof(out)), 4);
    assert_string_equal(out, "ping");
    assert_int_equal(write(cfd, "pong", 4), 4);
    run_until_len(&u, 4);
    assert_string_equal(u.got, "pong");
    close(cfd);
    close(lfd);
}

static int unix_connect(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strcpy(sun.sun_path, path);
    assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    return fd;
}

static void test_unix_server(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("chardev-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    FakeUart u = { .room = 100 };
    char out[16] = { 0 };
    Chardev *c = chardev_new(spec, NULL);
    int fd;

    assert_non_null(c);
    chardev_set_handlers(c, uart_can_receive, uart_receive, &u);
    chardev_write(c, (const uint8_t *)"lost", 4);   /* nobody there */

    for (int round = 0; round < 2; round++) {
        const char *in = round ? "two" : "one";

        fd = unix_connect(path);
        assert_int_equal(write(fd, in, 3), 3);
        run_until_len(&u, 3 * (round + 1));
        chardev_write(c, (const uint8_t *)"ok", 2);
        assert_int_equal(read(fd, out, sizeof(out)), 2);
        assert_memory_equal(out, "ok", 2);
        close(fd);          /* the server takes the next client */
        main_loop_wait(20 * MS);
    }
    assert_string_equal(u.got, "onetwo");
    chardev_close_all();
    assert_int_equal(access(path, F_OK), -1);  /* unlinked */
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_and_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_specs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_flow_control, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tcp_client, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unix_server, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * block-bench-guest - the guest side of block-bench.sh, and its host
 * helper.  One source, built twice by the script:
 *
 * - statically for aarch64, as the guest's /init (PID 1): mounts
 *   devtmpfs, loads virtio_mmio and virtio_blk from /, and times 4 KiB
 *   O_DIRECT requests on /dev/vda with the guest's CLOCK_MONOTONIC:
 *     seq-write   BENCH_SEQ_MB MiB from offset 0, then fdatasync
 *     seq-read    the same range
 *     rand-write  BENCH_RAND_OPS writes at random 4 KiB-aligned offsets
 *                 in the first BENCH_SPAN_MB MiB, then fdatasync
 *     rand-read   as many reads at random offsets in the same span
 *   printing "BENCH name value unit" lines (MB/s for sequential, IOPS
 *   for random), then "BENCH-DONE", and powers off.  The random offsets
 *   come from a fixed seed, so both emulators see the same requests.
 *
 * - natively, as "block-bench-guest fill FILE MIB": a deterministic
 *   source image for the conversion timings, a quarter each of
 *   incompressible data, text-like compressible data, zeroes and a
 *   mix (so convert meets data, zero detection and compression).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BS          4096

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[160];
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (write(1, line, (size_t)len) < 0) {
        /* the console is gone */
    }
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);

    return v ? strtol(v, NULL, 0) : dflt;
}

/* ------------------------------------------------------------------ */
/* Guest                                                               */

/* n requests at offsets from next(i); 0 or -1 with the error said. */
static int run_ops(int fd, uint8_t *buf, long n, int write_op,
                   off_t (*next)(long i, long span), long span)
{
    for (long i = 0; i < n; i++) {
        off_t off = next(i, span);
        ssize_t r = write_op ? pwrite(fd, buf, BS, off)
                             : pread(fd, buf, BS, off);

        if (r != BS) {
            say("BENCH-ERR %s at %jd: %s\n", write_op ? "write" : "read",
                (intmax_t)off, r < 0 ? strerror(errno) : "short");
            return -1;
        }
    }
    if (write_op && fdatasync(fd) < 0) {
        say("BENCH-ERR flush: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static off_t seq_offset(long i, long span)
{
    (void)span;
    return (off_t)i * BS;
}

static off_t rand_offset(long i, long span)
{
    (void)i;
    return (off_t)(rnd() % (uint64_t)(span / BS)) * BS;
}

static void bench(int fd, uint8_t *buf, const char *name, long n,
                  int write_op, off_t (*next)(long, long), long span)
{
    double t0 = now(), dt;

    if (run_ops(fd, buf, n, write_op, next, span) < 0) {
        return;
    }
    dt = now() - t0;
    if (next == seq_offset) {
        say("BENCH %s %.2f MB/s\n", name, n * (double)BS / 1e6 / dt);
    } else {
        say("BENCH %s %.0f IOPS\n", name, n / dt);
    }
}

static void insmod(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0) {
        say("BENCH-ERR insmod %s: %s\n", path, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
}

static int open_disk(void)
{
    struct timespec ts = { 0, 10 * 1000 * 1000 };

    for (int i = 0; i < 1000; i++) {
        int fd = open("/dev/vda", O_RDWR | O_DIRECT);

        if (fd >= 0 || errno != ENOENT) {
            return fd;
        }
        nanosleep(&ts, NULL);
    }
    return -1;
}

static void guest_main(void)
{
    long seq = env_long("BENCH_SEQ_MB", 16) << 20;
    long span = env_long("BENCH_SPAN_MB", 64) << 20;
    long nrand = env_long("BENCH_RAND_OPS", 2048);
    uint8_t *buf;
    int fd;

    insmod("/virtio_mmio.ko");
    insmod("/virtio_blk.ko");
    fd = open_disk();
    if (fd < 0 || posix_memalign((void **)&buf, BS, BS)) {
        say("BENCH-ERR /dev/vda: %s\n", strerror(errno));
        return;
    }
    for (int i = 0; i < BS; i++) {
        buf[i] = (uint8_t)rnd();
    }
    bench(fd, buf, "seq-write", seq / BS, 1, seq_offset, seq);
    bench(fd, buf, "seq-read", seq / BS, 0, seq_offset, seq);
    bench(fd, buf, "rand-write", nrand, 1, rand_offset, span);
    bench(fd, buf, "rand-read", nrand, 0, rand_offset, span);
    say("BENCH-DONE\n");
}

static void guest_init(void)
{
    int fd;

    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    fd = open("/dev/console", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
    }
    guest_main();
    sync();
    reboot(RB_POWER_OFF);
    for (;;) {
        pause();
    }
}

/* ------------------------------------------------------------------ */
/* Host                                                                */

static void fill_block(uint8_t *b, size_t len, uint64_t blk)
{
    static const char words[] = "kestrel emulates a virt board; the block "
                                "layer reads qcow2 clusters. ";

    switch (blk % 4) {
    case 0:                     /* incompressible */
        for (size_t i = 0; i < len; i++) {
            b[i] = (uint8_t)rnd();
        }
        break;
    case 1:                     /* text: compresses well */
        for (size_t i = 0; i < len; i++) {
            b[i] = (uint8_t)words[(i + blk) % (sizeof(words) - 1)];
        }
        snprintf((char *)b, len, "block %" PRIu64 "\n", blk);
        break;
    case 2:                     /* zeroes */
        memset(b, 0, len);
        break;
    default:                    /* half data, half zeroes */
        memset(b, 0, len);
        for (size_t i = 0; i < len / 2; i++) {
            b[i] = (uint8_t)rnd();
        }
        break;
    }
}

static int host_fill(const char *path, long mib)
{
    static uint8_t block[1 << 20];
    FILE *f = fopen(path, "wb");

    if (!f) {
        perror(path);
        return 1;
    }
    /* 1 MiB regions in a fixed, shuffled-looking order of kinds. */
    for (long i = 0; i < mib; i++) {
        fill_block(block, sizeof(block), (uint64_t)(i * 7 + i / 4));
        if (fwrite(block, 1, sizeof(block), f) != sizeof(block)) {
            perror(path);
            return 1;
        }
    }
    return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (getpid() == 1) {
        guest_init();           /* powers off */
    }
    if (argc == 4 && !strcmp(argv[1], "fill")) {
        return host_fill(argv[2], strtol(argv[3], NULL, 0));
    }
    fprintf(stderr, "usage: block-bench-guest fill FILE MIB\n");
    return 2;
}

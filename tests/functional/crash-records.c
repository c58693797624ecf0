/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crash-records - numbered, checksummed disk records for crash-safety.sh.
 *
 * One source, built twice by the script:
 *
 * - statically for aarch64, as the guest's /init (it runs as PID 1): it
 *   mounts devtmpfs, loads the virtio_mmio and virtio_blk modules found
 *   in /, and writes record CRASH_START, CRASH_START+1, ... to /dev/vda
 *   (O_DIRECT), each followed by fdatasync(), which the kernel turns
 *   into a virtio-blk flush.  Only after the flush has returned does it
 *   print "FLUSHED n" on the console.  CRASH_START, CRASH_STRIDE and
 *   CRASH_COUNT come from the kernel command line (the kernel hands
 *   unknown KEY=VALUE words to init as environment variables).  The host
 *   kills the emulator while this runs; reaching CRASH_COUNT powers off.
 *
 * - natively, as the host-side checker:
 *     crash-records fill FILE SIZE
 *         write the backing-file pattern (SIZE bytes) to FILE
 *     crash-records verify RAW STRIDE LAST [BACKING]
 *         records 0..LAST of RAW (a raw copy of the image) must be
 *         intact, and the rest of each record's stride must hold what
 *         was there before: BACKING's bytes (the raw backing file),
 *         zeroes without.  Prints "verified N records"; exit 1 naming
 *         the first bad record otherwise.
 *
 * Record n is 4 KiB at n * STRIDE + ((5 * n) % (STRIDE / 4096)) * 4096,
 * so that with STRIDE a multiple of the cluster size every record
 * allocates a cluster, and a record that does not fill its cluster
 * needs copy-on-write from the backing file.  Its content depends on n
 * only (a rewrite after a crash writes the same bytes): an 8-byte magic,
 * n, payload words from a hash of n, and an FNV-1a checksum of the rest
 * in the last 4 bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define REC_SIZE    4096
#define REC_MAGIC   "KRECORD1"

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint32_t fnv1a(const uint8_t *p, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static uint64_t rec_offset(uint64_t n, uint64_t stride)
{
    return n * stride + (5 * n) % (stride / REC_SIZE) * REC_SIZE;
}

static void rec_make(uint8_t *buf, uint64_t n)
{
    uint64_t w;
    uint32_t sum;

    memcpy(buf, REC_MAGIC, 8);
    memcpy(buf + 8, &n, 8);
    for (size_t i = 16; i < REC_SIZE - 8; i += 8) {
        w = mix64(n * REC_SIZE + i);
        memcpy(buf + i, &w, 8);
    }
    memset(buf + REC_SIZE - 8, 0, 4);
    sum = fnv1a(buf, REC_SIZE - 4);
    memcpy(buf + REC_SIZE - 4, &sum, 4);
}

/* The backing file's word n: unlike zeroes or any record. */
static uint64_t backing_word(uint64_t n)
{
    return mix64(n + 0x6261636b) | 0x0101010101010101ull;
}

/* ------------------------------------------------------------------ */
/* Guest: /init                                                        */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[128];
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (write(1, line, (size_t)len) < 0) {
        /* nowhere left to say it */
    }
}

static void power_off(void)
{
    sync();
    reboot(RB_POWER_OFF);
    for (;;) {
        pause();
    }
}

static void insmod(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0) {
        say("WRITER-ERR insmod %s: %s\n", path, strerror(errno));
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

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);

    return v ? strtoull(v, NULL, 0) : dflt;
}

static void guest_writer(int fd)
{
    uint64_t start = env_u64("CRASH_START", 0);
    uint64_t stride = env_u64("CRASH_STRIDE", REC_SIZE);
    uint64_t count = env_u64("CRASH_COUNT", 1024);
    uint8_t *buf;

    if (stride < REC_SIZE || stride % REC_SIZE ||
        posix_memalign((void **)&buf, REC_SIZE, REC_SIZE)) {
        say("WRITER-ERR bad CRASH_STRIDE %" PRIu64 "\n", stride);
        return;
    }
    say("WRITER START %" PRIu64 "\n", start);
    for (uint64_t n = start; n < count; n++) {
        rec_make(buf, n);
        if (pwrite(fd, buf, REC_SIZE, (off_t)rec_offset(n, stride)) !=
            REC_SIZE) {
            say("WRITER-ERR write %" PRIu64 ": %s\n", n, strerror(errno));
            return;
        }
        if (fdatasync(fd) < 0) {
            say("WRITER-ERR flush %" PRIu64 ": %s\n", n, strerror(errno));
            return;
        }
        say("FLUSHED %" PRIu64 "\n", n);
    }
    say("WRITER END\n");
}

static int guest_init(void)
{
    int fd;

    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    fd = open("/dev/console", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
    }
    insmod("/virtio_mmio.ko");
    insmod("/virtio_blk.ko");
    fd = open_disk();
    if (fd < 0) {
        say("WRITER-ERR /dev/vda: %s\n", strerror(errno));
    } else {
        guest_writer(fd);
    }
    power_off();
    return 0;
}

/* ------------------------------------------------------------------ */
/* Host: fill and verify                                               */

static int host_fill(const char *path, uint64_t size)
{
    FILE *f = fopen(path, "wb");
    uint64_t buf[8192];

    if (!f) {
        perror(path);
        return 1;
    }
    for (uint64_t off = 0; off < size; off += sizeof(buf)) {
        for (size_t i = 0; i < sizeof(buf) / sizeof(buf[0]); i++) {
            buf[i] = backing_word(off / 8 + i);
        }
        fwrite(buf, 1, sizeof(buf), f);
    }
    return fclose(f) ? 1 : 0;
}

/* A file mapped read-only; holes of a sparse file cost no I/O. */
typedef struct Map {
    const uint8_t *p;
    uint64_t size;
} Map;

static int map_file(const char *path, Map *m)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    void *p = MAP_FAILED;

    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0) {
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    }
    if (fd >= 0) {
        close(fd);
    }
    if (p == MAP_FAILED) {
        printf("%s: cannot map it\n", path);
        return -1;
    }
    m->p = p;
    m->size = (uint64_t)st.st_size;
    return 0;
}

/* The bytes of [start, end) other than the record must be untouched. */
static int check_around(const Map *img, const Map *back, uint64_t start,
                        uint64_t end, uint64_t rec, uint64_t n)
{
    for (uint64_t o = start; o < end; o++) {
        uint8_t want = back && o < back->size ? back->p[o] : 0;

        if (o >= rec && o < rec + REC_SIZE) {
            continue;
        }
        if (img->p[o] != want) {
            printf("record %" PRIu64 ": byte at 0x%" PRIx64 " beside it "
                   "is 0x%02x, want 0x%02x (%s)\n", n, o, img->p[o], want,
                   back ? "the backing file's" : "zero");
            return 1;
        }
    }
    return 0;
}

static int check_record(const Map *img, const Map *back, uint64_t n,
                        uint64_t stride)
{
    static uint8_t want[REC_SIZE];
    uint64_t off = rec_offset(n, stride);
    const uint8_t *p = img->p + off;

    if ((n + 1) * stride > img->size) {
        printf("record %" PRIu64 ": past the end of the image\n", n);
        return 1;
    }
    rec_make(want, n);
    if (memcmp(p, want, REC_SIZE)) {
        uint32_t sum = fnv1a(p, REC_SIZE - 4);

        printf("record %" PRIu64 " at 0x%" PRIx64 ": %s\n", n, off,
               memcmp(p, REC_MAGIC, 8) ? "no record there" :
               memcmp(p + REC_SIZE - 4, &sum, 4) ? "checksum mismatch" :
               "another record's data");
        return 1;
    }
    return check_around(img, back, n * stride, (n + 1) * stride, off, n);
}

static int host_verify(const char *path, uint64_t stride, int64_t last,
                       const char *backing)
{
    Map img, back;
    int ret = 0;

    if (map_file(path, &img) < 0 || (backing && map_file(backing, &back))) {
        return 1;
    }
    for (int64_t n = 0; n <= last && !ret; n++) {
        ret = check_record(&img, backing ? &back : NULL, (uint64_t)n,
                           stride);
    }
    if (!ret) {
        printf("verified %" PRId64 " records\n", last + 1);
    }
    return ret;
}

int main(int argc, char **argv)
{
    if (getpid() == 1) {
        return guest_init();
    }
    if (argc == 4 && !strcmp(argv[1], "fill")) {
        return host_fill(argv[2], strtoull(argv[3], NULL, 0));
    }
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "verify")) {
        uint64_t stride = strtoull(argv[3], NULL, 0);

        if (stride < REC_SIZE || stride % REC_SIZE) {
            fprintf(stderr, "crash-records: bad stride %s\n", argv[3]);
            return 2;
        }
        return host_verify(argv[2], stride, strtoll(argv[4], NULL, 0),
                           argc == 6 ? argv[5] : NULL);
    }
    fprintf(stderr, "usage: crash-records fill FILE SIZE\n"
            "       crash-records verify RAW STRIDE LAST [BACKING]\n");
    return 2;
}

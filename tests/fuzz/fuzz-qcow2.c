/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-qcow2 - hostile qcow2 images against the block layer.
 *
 * Each case is one image file.  It is opened read-only (format forced
 * to qcow2, or probed), read from end to end, walked with
 * bdrv_block_status_above, described with bdrv_get_info and checked
 * with bdrv_check (and a repair request, which a read-only node must
 * refuse); then a copy is opened read-write, written a little (plain,
 * zeroes, discard, compressed, sometimes snapshots or a resize),
 * flushed, checked and repaired, and read again.  The oracle:
 *
 *   - no crash (SIGSEGV, SIGABRT from an assertion, ...), no hang: an
 *     alarm() fires after HANG_SECONDS (files are capped at MAX_FILE
 *     bytes, as a case may otherwise grow one to hundreds of GB and
 *     spend minutes checking it); either saves the input as
 *     fuzz-qcow2-crash-SEED-CASE.qcow2 in the current directory (or
 *     $FUZZ_ARTIFACT_DIR) and exits 1;
 *   - a file opened read-only is never written: the case file after
 *     the read-only steps, and every file a backing chain can reach,
 *     must be byte-for-byte what they were;
 *   - an image that does not open says why, naming it.
 *
 * Cases come from a seed corpus made at start with bdrv_create and
 * ordinary writes (so no binary is committed): v2 and v3 headers,
 * cluster sizes 512 B to 64 KiB, refcount widths 1, 16 and 64 bits,
 * lazy refcounts left dirty, snapshots, compressed and zero clusters,
 * raw and qcow2 backing files, and two images backing each other.
 * Files in the corpus directory given on the command line are added
 * (regression inputs).  Most cases are mutations of a corpus entry,
 * aware of the format: header fields set to boundary values, L1/L2
 * entries and refcounts pointed past the end of the file, at other
 * metadata or at each other, snapshot table and header extension
 * fields, backing file names (itself, each other, missing, a
 * directory, overlong), truncation and splices, besides plain bit
 * flips.  All randomness comes from one seed, so a run is repeatable.
 *
 *     fuzz-qcow2 [-n CASES] [-s SEED] [-v] [CORPUS_DIR]
 *     fuzz-qcow2 -r FILE...    run saved inputs once each
 *     fuzz-qcow2 -g DIR        write the generated seeds to DIR
 *
 * Built with -DKESTREL_LIBFUZZER (and clang -fsanitize=fuzzer) the
 * same case runner is LLVMFuzzerTestOneInput instead, and the same
 * mutations LLVMFuzzerCustomMutator; see docs/devel/block.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kestrel/block.h"

#define HANG_SECONDS    10
#define READ_CAP        (4 << 20)   /* read whole disks up to this size */
#define CHUNK           65536
#define MAX_IMAGE       (4 << 20)   /* mutations never grow past this */
#define STATUS_STEPS    4096        /* block-status calls per walk */
#define MAX_FILE        (64 << 20)  /* RLIMIT_FSIZE: see limit_files() */

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_SANITIZED  1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_SANITIZED  1
#endif
#endif
#ifdef FUZZ_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

/* A growable byte buffer: one image being mutated. */
typedef struct Buf {
    uint8_t *p;
    size_t len;
} Buf;

/* A file every backing chain may reach, with its contents to compare. */
typedef struct PoolFile {
    char *name;                 /* within Fuzz.dir */
    Buf data;
} PoolFile;

typedef struct Fuzz {
    char *dir;                  /* temporary directory */
    char *ro_path;              /* the case, opened read-only */
    char *rw_path;              /* its copy, opened read-write */
    GPtrArray *pool;            /* PoolFile *: seeds and backing files */
    GPtrArray *corpus;          /* Buf *: what cases are made from */
    uint64_t rng;
    uint64_t seed;
    bool verbose;
    /* statistics */
    long cases, opened, rw_opened, failed_writes, repaired;
} Fuzz;

/* What the signal handlers need, set before every case. */
static const uint8_t *cur_data;
static size_t cur_len;
static char cur_artifact[4096];
static int msg_fd = 2;
static struct Fuzz *cur_fuzz;   /* its temporary files go on failure */

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static uint64_t rnd(Fuzz *f)
{
    uint64_t x = (f->rng += 0x9e3779b97f4a7c15ull);

    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Uniform in [0, n); 0 when n is 0. */
static uint64_t below(Fuzz *f, uint64_t n)
{
    return n ? rnd(f) % n : 0;
}

static uint64_t rd(const Buf *b, size_t off, int width)
{
    uint64_t v = 0;

    for (int i = 0; i < width; i++) {
        v = v << 8 | (off + i < b->len ? b->p[off + i] : 0);
    }
    return v;
}

static void wr(Buf *b, size_t off, int width, uint64_t v)
{
    for (int i = width - 1; i >= 0; i--, v >>= 8) {
        if (off + i < b->len) {
            b->p[off + i] = (uint8_t)v;
        }
    }
}

static void buf_resize(Buf *b, size_t len)
{
    b->p = g_realloc(b->p, len ? len : 1);
    if (len > b->len) {
        memset(b->p + b->len, 0, len - b->len);
    }
    b->len = len;
}

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (write(msg_fd, s, strlen(s)) < 0) {
        /* nothing better to do */
    }
    g_free(s);
}

static bool write_file(const char *path, const uint8_t *p, size_t len)
{
    GError *err = NULL;

    if (!g_file_set_contents(path, (const char *)p, (gssize)len, &err)) {
        say("fuzz-qcow2: %s\n", err->message);
        g_error_free(err);
        return false;
    }
    return true;
}

static bool read_file(const char *path, Buf *b)
{
    gchar *data;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, NULL)) {
        return false;
    }
    b->p = (uint8_t *)data;
    b->len = len;
    return true;
}

/* ------------------------------------------------------------------ */
/* Crashes and hangs                                                   */

/* Async-signal-safe: save the input, say where, die as the signal says. */
static void on_fatal(int sig)
{
    static const char hang[] = "fuzz-qcow2: HANG (no progress in "
                               G_STRINGIFY(HANG_SECONDS) " s), input in ";
    static const char crash[] = "fuzz-qcow2: CRASH (fatal signal), "
                                "input in ";
    int fd = open(cur_artifact, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd >= 0) {
        if (write(fd, cur_data, cur_len) < 0) {
            /* reported below all the same */
        }
        close(fd);
    }
    if (sig == SIGALRM) {
        if (write(msg_fd, hang, sizeof(hang) - 1) < 0) {
            /* ignore */
        }
    } else if (write(msg_fd, crash, sizeof(crash) - 1) < 0) {
        /* ignore */
    }
    if (write(msg_fd, cur_artifact, strlen(cur_artifact)) < 0 ||
        write(msg_fd, "\n", 1) < 0) {
        /* ignore */
    }
    if (sig == SIGALRM) {
        _exit(1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void G_GNUC_UNUSED catch_fatal_signals(void)
{
    static const int sigs[] = {
        SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGALRM,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
        signal(sigs[i], on_fatal);
    }
}

static void fuzz_free(struct Fuzz *f);

/* A finding that is not a signal: save the input, report, exit 1. */
static void G_GNUC_NORETURN found(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void found(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    write_file(cur_artifact, cur_data, cur_len);
    say("fuzz-qcow2: FAIL: %s; input in %s\n", s, cur_artifact);
#ifdef KESTREL_LIBFUZZER
    abort();                    /* libFuzzer saves the input */
#else
    fuzz_free(cur_fuzz);
    exit(1);
#endif
}

/* ------------------------------------------------------------------ */
/* The seed corpus                                                     */

static void fill_pattern(uint8_t *p, size_t len, unsigned salt)
{
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(i * 7 + salt + (i >> 9));
    }
}

static int create(Fuzz *f, const char *name, const BlockCreateOptions *o)
{
    g_autofree char *path = g_build_filename(f->dir, name, NULL);
    GError *err = NULL;
    int ret = bdrv_create(o->backing_file || o->size ? "qcow2" : "raw",
                          path, o, &err);

    if (ret < 0) {
        say("fuzz-qcow2: cannot create seed %s: %s\n", name, err->message);
        g_error_free(err);
    }
    return ret;
}

static BlockDriverState *open_rw(Fuzz *f, const char *name)
{
    g_autofree char *path = g_build_filename(f->dir, name, NULL);
    GError *err = NULL;
    BlockDriverState *bs = bdrv_open(path, "qcow2",
                                     BDRV_O_RDWR | BDRV_O_UNSAFE, &err);

    if (!bs) {
        say("fuzz-qcow2: cannot open seed %s: %s\n", name, err->message);
        g_error_free(err);
    }
    return bs;
}

/* Writes that give an image data, zero and compressed clusters. */
static void seed_writes(BlockDriverState *bs, uint32_t cluster, unsigned salt)
{
    int64_t len = bdrv_getlength(bs);
    uint8_t *buf = g_malloc(3 * cluster + 1000);
    uint8_t *zip = g_malloc0(cluster);

    fill_pattern(buf, 3 * cluster + 1000, salt);
    bdrv_pwrite(bs, 0, buf, 1000);
    bdrv_pwrite(bs, cluster + 17, buf, 2 * cluster);
    bdrv_pwrite(bs, len / 2 + 512, buf, 3 * cluster + 1000);
    bdrv_pwrite_zeroes(bs, len / 2 + cluster, cluster, BDRV_REQ_MAY_UNMAP);
    bdrv_pwrite_zeroes(bs, 6 * cluster, cluster, 0);
    memset(zip, 'z', cluster / 2);
    bdrv_pwrite_compressed(bs, 8 * (int64_t)cluster, zip, cluster);
    bdrv_pwrite(bs, len - 700, buf, 700);
    bdrv_pdiscard(bs, len / 2 + 2 * cluster, cluster);
    g_free(buf);
    g_free(zip);
}

static void seed_snapshots(BlockDriverState *bs, uint32_t cluster)
{
    uint8_t buf[600];

    memset(buf, 0xa5, sizeof(buf));
    bdrv_snapshot_create(bs, "first", NULL);
    bdrv_pwrite(bs, 100, buf, sizeof(buf));
    bdrv_pwrite(bs, 9 * (int64_t)cluster, buf, sizeof(buf));
    bdrv_snapshot_create(bs, "second, with a longer name", NULL);
    bdrv_pwrite(bs, 3 * (int64_t)cluster, buf, sizeof(buf));
}

/* One seed: create, write, maybe snapshot, close (or die dirty). */
static void seed_qcow2(Fuzz *f, const char *name, BlockCreateOptions o,
                       bool snapshots, bool leave_dirty)
{
    BlockDriverState *bs;
    pid_t pid;

    if (create(f, name, &o) < 0 || !(bs = open_rw(f, name))) {
        return;
    }
    if (leave_dirty) {
        /* A child writes and exits without closing: lazy refcounts
         * leave the dirty bit set, as after a crash. */
        bdrv_close(bs);
        pid = fork();
        if (pid == 0) {
            bs = open_rw(f, name);
            if (bs) {
                seed_writes(bs, o.cluster_size ? o.cluster_size : 65536, 3);
                bdrv_flush(bs);
            }
            _exit(0);
        }
        waitpid(pid, NULL, 0);
        return;
    }
    seed_writes(bs, o.cluster_size ? o.cluster_size : 65536, strlen(name));
    if (snapshots) {
        seed_snapshots(bs, o.cluster_size ? o.cluster_size : 65536);
    }
    bdrv_close(bs);
}

/* Rewrite a big-endian field of a seed file in place. */
static void patch_seed(Fuzz *f, const char *name, const char *copy,
                       size_t off, int width, uint64_t v)
{
    g_autofree char *path = g_build_filename(f->dir, name, NULL);
    g_autofree char *out = g_build_filename(f->dir, copy ? copy : name,
                                            NULL);
    Buf b = { 0 };

    if (read_file(path, &b)) {
        wr(&b, off, width, v);
        write_file(out, b.p, b.len);
        g_free(b.p);
    }
}

/*
 * Snapshots record the host time: clear it, so that the seeds, and so
 * every case of a run, are the same from one run to the next.
 */
static void clear_snapshot_dates(Fuzz *f, const char *name)
{
    g_autofree char *path = g_build_filename(f->dir, name, NULL);
    Buf b = { 0 };
    uint64_t at;

    if (!read_file(path, &b)) {
        return;
    }
    at = rd(&b, 64, 8);
    for (uint64_t i = rd(&b, 60, 4); i-- && at + 40 <= b.len;) {
        wr(&b, at + 16, 8, 0);
        at += (40 + rd(&b, at + 36, 4) + rd(&b, at + 12, 2) +
               rd(&b, at + 14, 2) + 7) & ~7ull;
    }
    write_file(path, b.p, b.len);
    g_free(b.p);
}

/*
 * Inputs that once crashed the block layer, made from the seeds
 * (regression tests; see the report of each in docs/devel/block.md).
 */
static void make_regressions(Fuzz *f)
{
    /* refcount_order 0xffffffff passed "> 6" as a negative int: SIGFPE
     * in bdrv_check. */
    patch_seed(f, "v3-64k.qcow2", "reg-refcount-order-neg.qcow2", 96, 4,
               0xffffffffu);
    patch_seed(f, "v3-512.qcow2", "reg-refcount-order-min.qcow2", 96, 4,
               0x80000000u);
    /* The first refcount block moved to 313 GB: a snapshot's refcount
     * update fails (EFBIG under limit_files()) inside qcow2_cache_get,
     * and update_l2_refcounts put back an uninitialised table pointer
     * (assertion in cache_find_table). */
    patch_seed(f, "v3-512.qcow2", "reg-snapshot-cache-get-fails.qcow2", 515,
               1, 0x49);
}

static void make_seeds(Fuzz *f)
{
    g_autofree char *raw = g_build_filename(f->dir, "base.raw", NULL);
    g_autofree char *loop_a = g_build_filename(f->dir, "loop-a.qcow2",
                                               NULL);
    uint8_t pattern[65536];
    BlockDriverState *bs;

    fill_pattern(pattern, sizeof(pattern), 1);
    write_file(raw, pattern, sizeof(pattern));
    seed_qcow2(f, "base.qcow2", (BlockCreateOptions){
        .size = 96 * 1024, .cluster_size = 512 }, false, false);
    seed_qcow2(f, "v3-512.qcow2", (BlockCreateOptions){
        .size = 192 * 1024, .cluster_size = 512 }, true, false);
    seed_qcow2(f, "v2-4k-rawbase.qcow2", (BlockCreateOptions){
        .cluster_size = 4096, .compat = 2, .backing_file = "base.raw",
        .backing_fmt = "raw", .size = 128 * 1024 }, true, false);
    seed_qcow2(f, "v3-1k-rc64.qcow2", (BlockCreateOptions){
        .cluster_size = 1024, .refcount_bits = 64,
        .backing_file = "base.qcow2", .backing_fmt = "qcow2" }, true, false);
    seed_qcow2(f, "v3-2k-rc1.qcow2", (BlockCreateOptions){
        .size = 256 * 1024, .cluster_size = 2048, .refcount_bits = 1 },
        false, false);
    seed_qcow2(f, "v3-1k-lazy-dirty.qcow2", (BlockCreateOptions){
        .size = 128 * 1024, .cluster_size = 1024, .lazy_refcounts = true },
        false, true);
    seed_qcow2(f, "v3-64k.qcow2", (BlockCreateOptions){
        .size = 1 << 20 }, false, false);
    seed_qcow2(f, "v3-4k-empty-1g.qcow2", (BlockCreateOptions){
        .size = 1 << 30, .cluster_size = 4096 }, false, false);
    /* Two images backing each other: opening either must fail. */
    seed_qcow2(f, "loop-a.qcow2", (BlockCreateOptions){
        .size = 64 * 1024, .cluster_size = 1024 }, false, false);
    seed_qcow2(f, "loop-b.qcow2", (BlockCreateOptions){
        .cluster_size = 1024, .backing_file = "loop-a.qcow2",
        .backing_fmt = "qcow2" }, false, false);
    bs = bdrv_open(loop_a, "qcow2", BDRV_O_RDWR | BDRV_O_NO_BACKING, NULL);
    if (bs) {
        bdrv_change_backing_file(bs, "loop-b.qcow2", "qcow2", NULL);
        bdrv_close(bs);
    }
    clear_snapshot_dates(f, "v3-512.qcow2");
    clear_snapshot_dates(f, "v2-4k-rawbase.qcow2");
    clear_snapshot_dates(f, "v3-1k-rc64.qcow2");
    make_regressions(f);
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read every regular file of dir into the corpus (and the pool). */
static void load_dir(Fuzz *f, const char *dir, bool pool)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        if (!g_str_has_suffix(n, ".md") && n[0] != '.') {
            g_ptr_array_add(names, g_strdup(n));
        }
    }
    if (d) {
        g_dir_close(d);
    }
    /* Directory order is the file system's: sort for repeatable runs. */
    g_ptr_array_sort(names, cmp_names);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);
        Buf *b = g_new0(Buf, 1);

        if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) ||
            !read_file(path, b) || b->len > MAX_IMAGE) {
            g_free(b->p);
            g_free(b);
            continue;
        }
        g_ptr_array_add(f->corpus, b);
        if (pool) {
            PoolFile *pf = g_new0(PoolFile, 1);

            pf->name = g_strdup(names->pdata[i]);
            pf->data.p = g_memdup2(b->p, b->len);
            pf->data.len = b->len;
            g_ptr_array_add(f->pool, pf);
        }
    }
    g_ptr_array_free(names, true);
}

/* ------------------------------------------------------------------ */
/* Where things are in an image (as far as its header can be trusted) */

typedef struct Layout {
    uint32_t version;
    uint64_t csize;             /* cluster size (512 if nonsense) */
    uint64_t l1_off;
    uint32_t l1_size;
    uint64_t rt_off;            /* refcount table */
    uint32_t rt_clusters;
    uint64_t snap_off;
    uint32_t nb_snap;
    uint64_t backing_off;
    uint32_t backing_len;
    uint32_t ext_off;           /* first header extension */
} Layout;

static void parse_layout(const Buf *b, Layout *lo)
{
    uint32_t bits = (uint32_t)rd(b, 20, 4);

    lo->version = (uint32_t)rd(b, 4, 4);
    lo->csize = bits >= 9 && bits <= 21 ? 1ull << bits : 512;
    lo->backing_off = rd(b, 8, 8);
    lo->backing_len = (uint32_t)rd(b, 16, 4);
    lo->l1_size = (uint32_t)rd(b, 36, 4);
    lo->l1_off = rd(b, 40, 8);
    lo->rt_off = rd(b, 48, 8);
    lo->rt_clusters = (uint32_t)rd(b, 56, 4);
    lo->nb_snap = (uint32_t)rd(b, 60, 4);
    lo->snap_off = rd(b, 64, 8);
    lo->ext_off = lo->version >= 3 ? (uint32_t)rd(b, 100, 4) : 72;
}

/* Offset of the n-th valid-looking L2 table (by L1 order), or 0. */
static uint64_t pick_l2(Fuzz *f, const Buf *b, const Layout *lo)
{
    uint64_t found = 0, seen = 0;

    for (uint32_t i = 0; i < lo->l1_size && i < 4096; i++) {
        uint64_t e = rd(b, lo->l1_off + 8 * i, 8) & 0x00fffffffffffe00ull;

        if (e && e + lo->csize <= b->len && below(f, ++seen) == 0) {
            found = e;          /* reservoir sampling: uniform pick */
        }
    }
    return found;
}

/* The first refcount block, or 0. */
static uint64_t first_rc_block(const Buf *b, const Layout *lo)
{
    uint64_t e = rd(b, lo->rt_off, 8) & ~0x1ffull;

    return e && e + lo->csize <= b->len ? e : 0;
}

/* An offset worth pointing metadata at: EOF, other metadata, limits. */
static uint64_t odd_offset(Fuzz *f, const Buf *b, const Layout *lo)
{
    uint64_t eof = b->len, cs = lo->csize;
    const uint64_t v[] = {
        0, 1, 512, cs, cs - 1, eof, eof + cs, eof & ~(cs - 1),
        (eof - 1) & ~(cs - 1), lo->l1_off, lo->rt_off, lo->snap_off,
        first_rc_block(b, lo), pick_l2(f, b, lo), 1ull << 55,
        (1ull << 56) - cs, 1ull << 56, 1ull << 62, 0x00fffffffffffe00ull,
        UINT64_MAX, below(f, eof + 4 * cs) & ~(cs - 1),
        below(f, eof + 4 * cs),
    };

    return v[below(f, G_N_ELEMENTS(v))];
}

static uint64_t odd_u32(Fuzz *f)
{
    static const uint32_t v[] = {
        0, 1, 2, 3, 7, 8, 9, 12, 16, 20, 21, 22, 30, 31, 32, 63, 64, 65,
        0x7f, 0x80, 0xff, 0x100, 0x3ff, 0x400, 0x7fff, 0x8000, 0xffff,
        0x10000, 0x1000000, 0x7ffffff, 0x7fffffff, 0x80000000,
        0xfffffffe, 0xffffffff,
    };

    return below(f, 4) ? v[below(f, G_N_ELEMENTS(v))] : (uint32_t)rnd(f);
}

static uint64_t odd_u64(Fuzz *f, const Buf *b, const Layout *lo)
{
    static const uint64_t v[] = {
        0, 1, 0x7fffffffffffffffull, 0x8000000000000000ull,
        0xffffffffffffffffull, 1ull << 61, (1ull << 61) + 1, 1ull << 40,
        0x100000000ull, 0xfffffffffull,
    };

    switch (below(f, 4)) {
    case 0:
        return v[below(f, G_N_ELEMENTS(v))];
    case 1:
        return rnd(f);
    default:
        return odd_offset(f, b, lo);
    }
}

/* ------------------------------------------------------------------ */
/* Mutations                                                           */

static void m_bitflip(Fuzz *f, Buf *b, const Layout *lo)
{
    uint64_t span = below(f, 2) ? MIN(b->len, lo->csize) : b->len;

    for (uint64_t n = 1 + below(f, 8); n-- && span;) {
        b->p[below(f, span)] ^= (uint8_t)(1u << below(f, 8));
    }
}

static void m_header(Fuzz *f, Buf *b, const Layout *lo)
{
    static const struct { uint8_t off, width; } fields[] = {
        { 4, 4 }, { 8, 8 }, { 16, 4 }, { 20, 4 }, { 24, 8 }, { 32, 4 },
        { 36, 4 }, { 40, 8 }, { 48, 8 }, { 56, 4 }, { 60, 4 }, { 64, 8 },
        { 72, 8 }, { 80, 8 }, { 88, 8 }, { 96, 4 }, { 100, 4 },
        { 104, 1 },
    };
    int i = (int)below(f, G_N_ELEMENTS(fields));
    int w = fields[i].width;
    uint64_t old = rd(b, fields[i].off, w), v;

    switch (below(f, 4)) {
    case 0:
        v = old + 1;
        break;
    case 1:
        v = old - 1;
        break;
    default:
        v = w == 8 ? odd_u64(f, b, lo) : odd_u32(f);
        break;
    }
    wr(b, fields[i].off, w, v);
}

static void m_l1(Fuzz *f, Buf *b, const Layout *lo)
{
    uint64_t idx = below(f, MIN(lo->l1_size, 4096u) + 1);
    uint64_t v = odd_offset(f, b, lo);

    if (below(f, 2)) {
        v |= 1ull << 63;        /* COPIED */
    }
    wr(b, lo->l1_off + 8 * idx, 8, below(f, 8) ? v : rnd(f));
}

static void m_l2(Fuzz *f, Buf *b, const Layout *lo)
{
    uint64_t l2 = pick_l2(f, b, lo);
    uint64_t at = l2 + 8 * below(f, lo->csize / 8);
    uint64_t old = rd(b, at, 8), v;

    if (!l2) {
        m_l1(f, b, lo);
        return;
    }
    switch (below(f, 7)) {
    case 0:
        v = old ^ 1;                            /* zero flag */
        break;
    case 1:
        v = old ^ (1ull << 63);                 /* COPIED */
        break;
    case 2:
        v = (1ull << 62) | (rnd(f) & ~(3ull << 62));    /* compressed */
        break;
    case 3:                                     /* double reference */
        v = rd(b, l2 + 8 * below(f, lo->csize / 8), 8);
        break;
    case 4:
        v = (old & 0xff00000000000001ull) | (odd_offset(f, b, lo) &
                                            0x00fffffffffffe00ull);
        break;
    case 5:
        v = old | 0x100;                        /* unaligned */
        break;
    default:
        v = rnd(f);
        break;
    }
    wr(b, at, 8, v);
}

static void m_refcount(Fuzz *f, Buf *b, const Layout *lo)
{
    uint64_t rcb = first_rc_block(b, lo);
    uint64_t at;

    if (!rcb || below(f, 3) == 0) {
        at = lo->rt_off + 8 * below(f, (uint64_t)lo->rt_clusters *
                                    lo->csize / 8 + 1);
        wr(b, at, 8, odd_offset(f, b, lo));
        return;
    }
    /* Refcount entries are 1..64 bits wide: poke whole bytes. */
    at = rcb + below(f, MIN(lo->csize, 64));
    switch (below(f, 3)) {
    case 0:
        wr(b, at, 1, 0);
        break;
    case 1:
        wr(b, at, 1, 0xff);
        break;
    default:
        wr(b, at, 1, rd(b, at, 1) + 1);
        break;
    }
}

static void m_snapshot(Fuzz *f, Buf *b, const Layout *lo)
{
    /* Fields of the first entry, then of the second if we find it. */
    static const struct { uint8_t off, width; } fields[] = {
        { 0, 8 }, { 8, 4 }, { 12, 2 }, { 14, 2 }, { 16, 4 }, { 20, 4 },
        { 24, 8 }, { 32, 4 }, { 36, 4 }, { 40, 8 }, { 48, 8 }, { 56, 8 },
    };
    uint64_t entry = lo->snap_off;
    int i = (int)below(f, G_N_ELEMENTS(fields));

    if (!lo->nb_snap || entry >= b->len) {
        wr(b, 60, 4, 1 + below(f, 3));
        wr(b, 64, 8, odd_offset(f, b, lo));
        return;
    }
    if (lo->nb_snap > 1 && below(f, 2)) {
        uint64_t extra = rd(b, entry + 36, 4);
        uint64_t names = rd(b, entry + 12, 2) + rd(b, entry + 14, 2);

        entry += (40 + extra + names + 7) & ~7ull;
    }
    wr(b, entry + fields[i].off, fields[i].width,
       fields[i].width == 8 ? odd_u64(f, b, lo) : odd_u32(f));
}

static void m_extension(Fuzz *f, Buf *b, const Layout *lo)
{
    static const uint32_t magics[] = {
        0, 0xe2792acau, 0x6803f857u, 0x23852875u, 0x44415441u,
        0x0537be77u, 0x12345678u,
    };
    uint64_t at = lo->ext_off;
    int n = (int)below(f, 4);

    /* Walk to the n-th extension (or the end marker). */
    for (int i = 0; i < n && at + 8 <= MIN(b->len, lo->csize); i++) {
        uint64_t len = rd(b, at + 4, 4);

        if (rd(b, at, 4) == 0) {
            break;
        }
        at += 8 + ((len + 7) & ~7ull);
    }
    switch (below(f, 4)) {
    case 0:
        wr(b, at, 4, magics[below(f, G_N_ELEMENTS(magics))]);
        break;
    case 1:
        wr(b, at + 4, 4, odd_u32(f));
        break;
    case 2:             /* a fresh extension of a known kind */
        wr(b, at, 4, magics[1 + below(f, 2)]);
        wr(b, at + 4, 4, below(f, 64));
        break;
    default:
        wr(b, at + 8 + below(f, 48), 1, rnd(f));
        break;
    }
}

static void m_backing(Fuzz *f, Buf *b, const Layout *lo)
{
    const char *names[] = {
        "base.raw", "base.qcow2", "t.qcow2", "t-rw.qcow2", "loop-a.qcow2",
        "loop-b.qcow2", "missing.img", ".", "/", "", "/dev/null",
        "../base.raw", "v3-512.qcow2", "v3-1k-lazy-dirty.qcow2",
    };
    char longname[1100];
    const char *name = names[below(f, G_N_ELEMENTS(names))];
    uint64_t off = lo->backing_off && lo->backing_off < lo->csize ?
                   lo->backing_off : lo->csize / 2;
    size_t len;

    if (below(f, 8) == 0) {
        memset(longname, 'a', sizeof(longname) - 1);
        longname[below(f, sizeof(longname))] = '\0';
        name = longname;
    }
    len = strlen(name);
    if (off + len > b->len) {
        return;
    }
    memcpy(b->p + off, name, len);
    wr(b, 8, 8, below(f, 8) ? off : odd_offset(f, b, lo));
    wr(b, 16, 4, below(f, 8) ? len : odd_u32(f));
}

static void m_resize(Fuzz *f, Buf *b, const Layout *lo)
{
    size_t old = b->len;

    if (below(f, 2)) {
        buf_resize(b, below(f, b->len + 1));
    } else {
        buf_resize(b, MIN(b->len + 1 + below(f, 4 * lo->csize), MAX_IMAGE));
        for (size_t i = old; i < b->len && below(f, 2); i++) {
            b->p[i] = (uint8_t)rnd(f);
        }
    }
}

static void m_splice(Fuzz *f, Buf *b, const Layout *lo)
{
    const Buf *o = f->corpus->pdata[below(f, f->corpus->len)];
    size_t n = 1 + below(f, lo->csize);
    size_t from = below(f, o->len), to = below(f, b->len);

    n = MIN(n, MIN(o->len - from, b->len - to));
    memmove(b->p + to, o->p + from, n);
}

static void mutate(Fuzz *f, Buf *b)
{
    static void (*const ops[])(Fuzz *, Buf *, const Layout *) = {
        m_bitflip, m_header, m_header, m_l1, m_l2, m_l2, m_refcount,
        m_refcount, m_snapshot, m_extension, m_backing, m_resize,
        m_splice,
    };
    Layout lo;

    for (uint64_t n = 1 + below(f, 3) + (below(f, 4) == 0 ? 4 : 0); n--;) {
        if (!b->len) {
            buf_resize(b, 512);
        }
        parse_layout(b, &lo);
        ops[below(f, G_N_ELEMENTS(ops))](f, b, &lo);
    }
}

/* ------------------------------------------------------------------ */
/* Running one case                                                    */

/*
 * A failed open must say why, naming the image or the backing file at
 * fault.  (Not always in one line: a backing file name read from the
 * image may hold a newline.)
 */
static BlockDriverState *open_case(Fuzz *f, const char *path, int flags)
{
    const char *fmt = below(f, 4) ? "qcow2" : NULL;
    GError *err = NULL;
    BlockDriverState *bs = bdrv_open(path, fmt, flags, &err);

    if (!bs) {
        if (!err || !g_str_has_prefix(err->message, f->dir)) {
            found("bdrv_open failed without naming the image: '%s'",
                  err ? err->message : "(no error set)");
        }
        if (f->verbose) {
            say("  open: %s\n", err->message);
        }
        g_error_free(err);
    }
    return bs;
}

static void read_range(BlockDriverState *bs, uint8_t *buf, int64_t off,
                       int64_t end)
{
    for (; off < end; off += CHUNK) {
        if (bdrv_pread(bs, off, buf, (size_t)MIN(CHUNK, end - off)) < 0) {
            return;             /* an I/O error is a fair answer */
        }
    }
}

/* The whole disk when small; else its ends and some chunks between. */
static void read_disk(Fuzz *f, BlockDriverState *bs)
{
    int64_t len = bdrv_getlength(bs);
    uint8_t *buf = g_malloc(CHUNK + 2048);

    if (len > 0 && len <= READ_CAP) {
        read_range(bs, buf, 0, len);
    } else if (len > READ_CAP) {
        read_range(bs, buf, 0, READ_CAP / 2);
        read_range(bs, buf, len - READ_CAP / 4, len);
        for (int i = 0; i < 16; i++) {
            int64_t off = (int64_t)below(f, len - CHUNK);

            read_range(bs, buf, off, off + CHUNK);
        }
    }
    if (len > 2048) {
        bdrv_pread(bs, 511, buf, 1026);     /* unaligned, across clusters */
    }
    if (len >= 0 && bdrv_pread(bs, len, buf, 512) == 0) {
        found("a read past the end of the disk succeeded");
    }
    g_free(buf);
}

static void walk_status(BlockDriverState *bs)
{
    int64_t len = bdrv_getlength(bs), pnum, map;
    int depth;

    for (int64_t off = 0, n = 0; off < len && n < STATUS_STEPS; n++) {
        if (bdrv_block_status_above(bs, off, len - off, &pnum, &map,
                                    &depth) < 0) {
            break;
        }
        if (pnum < 1) {
            found("block status at %" PRId64 " covers no bytes", off);
        }
        off += pnum;
    }
    if (len > 0 && bdrv_block_status(bs, 0, len, &pnum, &map) >= 0 &&
        pnum < 1) {
        found("block status at 0 covers no bytes");
    }
}

static void describe(BlockDriverState *bs)
{
    BlockImageInfo info;

    if (bdrv_get_info(bs, &info) >= 0) {
        bdrv_image_info_clear(&info);
    }
}

static void phase_read_only(Fuzz *f)
{
    BlockCheckResult res;
    BlockDriverState *bs = open_case(f, f->ro_path, 0);

    if (bs) {
        f->opened++;
        read_disk(f, bs);
        walk_status(bs);
        describe(bs);
        if (bdrv_check(bs, &res, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS) >= 0 &&
            res.supported) {
            found("bdrv_check repaired a read-only image");
        }
        bdrv_close(bs);
    }
    bs = open_case(f, f->ro_path, BDRV_O_CHECK);
    if (bs) {
        bdrv_check(bs, &res, 0);
        bdrv_close(bs);
    }
}

static void write_some(Fuzz *f, BlockDriverState *bs, int64_t len)
{
    int64_t span = MIN(len, READ_CAP);
    uint8_t *buf = g_malloc(8192);

    for (size_t i = 0; i < 8192; i++) {
        buf[i] = (uint8_t)rnd(f);
    }
    for (uint64_t k = 1 + below(f, 4); k--;) {
        int64_t off = (int64_t)below(f, span);
        size_t n = (size_t)MIN((int64_t)(1 + below(f, 8192)), len - off);

        if (bdrv_pwrite(bs, off, buf, n) < 0) {
            f->failed_writes++;
        }
    }
    bdrv_pwrite_zeroes(bs, below(f, span), 1 + below(f, 8192),
                       below(f, 2) ? BDRV_REQ_MAY_UNMAP : 0);
    bdrv_pdiscard(bs, below(f, span), 1 + below(f, 8192));
    g_free(buf);
}

/* Compressed writes, snapshots and resizes, now and then. */
static void change_some(Fuzz *f, BlockDriverState *bs, int64_t len)
{
    BlockImageInfo info = { 0 };
    uint32_t cs;

    bdrv_get_info(bs, &info);
    cs = info.cluster_size;
    bdrv_image_info_clear(&info);
    if (cs && cs <= (2u << 20) && below(f, 2)) {
        uint8_t *buf = g_malloc0(cs);
        int64_t off = (int64_t)below(f, MIN(len, READ_CAP)) / cs * cs;

        memset(buf, 'c', cs / 3);
        bdrv_pwrite_compressed(bs, off, buf, (size_t)MIN(cs, len - off));
        g_free(buf);
    }
    if (below(f, 6) == 0) {
        bdrv_snapshot_create(bs, "fz", NULL);
        write_some(f, bs, len);
        bdrv_snapshot_goto(bs, below(f, 2) ? "fz" : "1", NULL);
        bdrv_snapshot_delete(bs, below(f, 2) ? "fz" : "1", NULL);
    }
    if (below(f, 10) == 0) {
        bdrv_truncate(bs, below(f, 2) ? len + 65536 : len / 2, NULL);
    }
}

static void phase_read_write(Fuzz *f)
{
    const int rw = BDRV_O_RDWR | BDRV_O_UNSAFE;
    BlockCheckResult res;
    BlockDriverState *bs = open_case(f, f->rw_path, rw);
    int64_t len;

    if (bs) {
        f->rw_opened++;
        len = bdrv_getlength(bs);
        if (len > 0) {
            write_some(f, bs, len);
            change_some(f, bs, len);
        }
        bdrv_flush(bs);
        read_disk(f, bs);
        bdrv_close(bs);
    }
    bs = open_case(f, f->rw_path, rw | BDRV_O_CHECK);
    if (bs) {
        if (bdrv_check(bs, &res, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS) >= 0 &&
            (res.corruptions_fixed || res.leaks_fixed)) {
            f->repaired++;
        }
        bdrv_close(bs);
    }
    bs = open_case(f, f->rw_path, rw);
    if (bs) {
        read_disk(f, bs);
        walk_status(bs);
        bdrv_close(bs);
    }
}

/* The case file and every pool file must be as they were. */
static void check_untouched(Fuzz *f, const uint8_t *data, size_t len,
                            const char *when)
{
    Buf now = { 0 };

    if (!read_file(f->ro_path, &now) || now.len != len ||
        memcmp(now.p, data, len)) {
        found("the image opened read-only changed (%s)", when);
    }
    g_free(now.p);
    for (guint i = 0; i < f->pool->len; i++) {
        PoolFile *pf = f->pool->pdata[i];
        g_autofree char *path = g_build_filename(f->dir, pf->name, NULL);

        if (!read_file(path, &now) || now.len != pf->data.len ||
            memcmp(now.p, pf->data.p, now.len)) {
            found("backing file %s changed (%s)", pf->name, when);
        }
        g_free(now.p);
    }
}

static uint64_t hash_bytes(const uint8_t *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h;
}

/*
 * One case.  The choices made while running it (offsets, sizes) come
 * from a hash of the input, so a saved input replays the same way.
 */
static void run_case(Fuzz *f, const uint8_t *data, size_t len)
{
    cur_data = data;
    cur_len = len;
    f->rng = hash_bytes(data, len);
    f->cases++;
    if (!write_file(f->ro_path, data, len) ||
        !write_file(f->rw_path, data, len)) {
        found("cannot write the case file");
    }
    alarm(HANG_SECONDS);
    phase_read_only(f);
    check_untouched(f, data, len, "after the read-only steps");
    phase_read_write(f);
    check_untouched(f, data, len, "after the read-write steps");
    alarm(0);
}

/* ------------------------------------------------------------------ */
/* Set-up and the two front ends                                       */

/*
 * A metadata pointer far past the end of the file makes the driver
 * write a table there (as QEMU's does): a 10 KB case becomes a sparse
 * file of hundreds of GB, and checking it then takes a minute (it does
 * with qemu-img too: the check is linear in the file's clusters).  Cap
 * file sizes instead, so such writes fail with EFBIG, one more error
 * path for the driver to take gracefully.
 */
static void limit_files(void)
{
    struct rlimit rl = { MAX_FILE, MAX_FILE };

    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &rl);
}

static Fuzz *fuzz_new(uint64_t seed, bool verbose)
{
    Fuzz *f = g_new0(Fuzz, 1);
    GError *err = NULL;

    f->dir = g_dir_make_tmp("fuzz-qcow2.XXXXXX", &err);
    if (!f->dir) {
        say("fuzz-qcow2: %s\n", err->message);
        exit(2);
    }
    f->ro_path = g_build_filename(f->dir, "t.qcow2", NULL);
    f->rw_path = g_build_filename(f->dir, "t-rw.qcow2", NULL);
    f->pool = g_ptr_array_new();
    f->corpus = g_ptr_array_new();
    f->seed = seed;
    f->verbose = verbose;
    cur_fuzz = f;
    limit_files();
    make_seeds(f);
    load_dir(f, f->dir, true);
    return f;
}

static void G_GNUC_UNUSED fuzz_free(Fuzz *f)
{
    for (guint i = 0; i < f->pool->len; i++) {
        PoolFile *pf = f->pool->pdata[i];
        g_autofree char *path = g_build_filename(f->dir, pf->name, NULL);

        unlink(path);
        g_free(pf->name);
        g_free(pf->data.p);
        g_free(pf);
    }
    for (guint i = 0; i < f->corpus->len; i++) {
        Buf *b = f->corpus->pdata[i];

        g_free(b->p);
        g_free(b);
    }
    unlink(f->ro_path);
    unlink(f->rw_path);
    rmdir(f->dir);
    g_ptr_array_free(f->pool, true);
    g_ptr_array_free(f->corpus, true);
    g_free(f->ro_path);
    g_free(f->rw_path);
    g_free(f->dir);
    g_free(f);
}

#ifdef KESTREL_LIBFUZZER

static Fuzz *lf;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    lf = fuzz_new(1, false);
    snprintf(cur_artifact, sizeof(cur_artifact), "%s/last-input.qcow2",
             lf->dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size <= MAX_IMAGE) {
        run_case(lf, data, size);
    }
    return 0;
}

/* libFuzzer's mutations are blind to the format: use ours instead. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed)
{
    Buf b = { 0 };

    buf_resize(&b, size);
    memcpy(b.p, data, size);
    lf->rng = seed;
    mutate(lf, &b);
    size = MIN(b.len, max_size);
    memcpy(data, b.p, size);
    g_free(b.p);
    return size;
}

#else /* !KESTREL_LIBFUZZER */

static void set_artifact(const Fuzz *f, long n)
{
    const char *dir = getenv("FUZZ_ARTIFACT_DIR");

    snprintf(cur_artifact, sizeof(cur_artifact),
             "%s/fuzz-qcow2-crash-%" PRIu64 "-%ld.qcow2", dir ? dir : ".",
             f->seed, n);
}

static int run_files(Fuzz *f, char **files, int n)
{
    for (int i = 0; i < n; i++) {
        Buf b = { 0 };

        if (!read_file(files[i], &b)) {
            say("fuzz-qcow2: cannot read %s\n", files[i]);
            return 2;
        }
        set_artifact(f, i);
        run_case(f, b.p, b.len);
        say("fuzz-qcow2: %s: ok\n", files[i]);
        g_free(b.p);
    }
    return 0;
}

static int write_seeds(Fuzz *f, const char *dir)
{
    g_mkdir_with_parents(dir, 0755);
    for (guint i = 0; i < f->pool->len; i++) {
        PoolFile *pf = f->pool->pdata[i];
        g_autofree char *path = g_build_filename(dir, pf->name, NULL);

        if (!write_file(path, pf->data.p, pf->data.len)) {
            return 2;
        }
    }
    say("fuzz-qcow2: %u seeds in %s\n", f->pool->len, dir);
    return 0;
}

static void fuzz_loop(Fuzz *f, long n)
{
    guint seeds = f->corpus->len;
    Buf b = { 0 };

    f->rng = f->seed;
    for (long i = 0; i < n; i++) {
        const Buf *src = f->corpus->pdata[i < seeds ? i :
                                          (long)below(f, seeds)];
        uint64_t keep;

        buf_resize(&b, src->len);
        memcpy(b.p, src->p, src->len);
        if (i >= seeds) {
            mutate(f, &b);
        }
        /* run_case reseeds the generator from the input: save ours. */
        keep = f->rng;
        set_artifact(f, i);
        run_case(f, b.p, b.len);
        f->rng = keep;
    }
    g_free(b.p);
}

static void G_GNUC_NORETURN usage(void)
{
    say("usage: fuzz-qcow2 [-n CASES] [-s SEED] [-v] [CORPUS_DIR]\n"
        "       fuzz-qcow2 -r FILE...\n"
        "       fuzz-qcow2 -g DIR\n");
    exit(2);
}

int main(int argc, char **argv)
{
    long n = 3000;
    uint64_t seed = 1;
    bool verbose = false, replay = false;
    const char *gen = NULL;
    struct timespec t0, t1;
    Fuzz *f;
    int opt, ret = 0;

    while ((opt = getopt(argc, argv, "n:s:vrg:")) != -1) {
        switch (opt) {
        case 'n': n = strtol(optarg, NULL, 0); break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'v': verbose = true; break;
        case 'r': replay = true; break;
        case 'g': gen = optarg; break;
        default: usage();
        }
    }
    if (replay && optind >= argc) {
        usage();
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    msg_fd = dup(2);
    /* The block layer reports what it finds on stderr: thousands of
     * lines.  Sanitizer reports must still be seen. */
    if (!verbose) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, 2);
        close(null);
    }
#ifdef FUZZ_SANITIZED
    __sanitizer_set_report_fd((void *)(intptr_t)msg_fd);
#endif
    catch_fatal_signals();
    f = fuzz_new(seed, verbose);
    if (gen) {
        ret = write_seeds(f, gen);
    } else if (replay) {
        ret = run_files(f, argv + optind, argc - optind);
    } else {
        if (optind < argc) {
            load_dir(f, argv[optind], false);
        }
        fuzz_loop(f, n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        say("fuzz-qcow2: %ld cases (seed %" PRIu64 ", %u corpus files) in "
            "%.1f s: %ld opened read-only, %ld read-write, %ld repaired, "
            "%ld writes refused; no crash, hang or write to a read-only "
            "file\n", f->cases, seed, f->corpus->len,
            (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
            f->opened, f->rw_opened, f->repaired, f->failed_writes);
    }
    fuzz_free(f);
    return ret;
}

#endif /* KESTREL_LIBFUZZER */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img convert [-c] [-p] [-q] [-n] [-f fmt] [-O output_fmt]
 *     [-B backing [-F backing_fmt]] [-o options] [-S sparse_size]
 *     [-t cache] [-T src_cache] [-U] [--target-is-zero]
 *     filename [filename2 [...]] output_filename
 *
 * Several sources are concatenated.  The copy follows the source's
 * allocation (bdrv_block_status_above), so holes and zero ranges are
 * never read and a sparse image stays sparse; data ranges are scanned
 * for runs of at least -S bytes of zeroes (4k by default, 0: write
 * everything), which are not written either.  With -B the target reads
 * through to its backing file, so only what the source's top image
 * allocates is copied (qemu-img's rule: the new backing file is assumed
 * to hold what the source's backing chain holds).  With -c, qcow2
 * clusters are written compressed, one whole cluster at a time.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "img.h"

#define CONVERT_CHUNK   (2 * 1024 * 1024)
#define MAX_SPARSE      (16 * 1024 * 1024)

typedef enum {
    SEG_DATA,                   /* read and write */
    SEG_ZERO,                   /* reads as zeroes */
    SEG_BACKING,                /* the target's backing file has it */
} SegKind;

typedef struct Convert {
    BlockDriverState **src;
    int64_t *src_len;
    int nb_src;
    int64_t total;
    BlockDriverState *dst;
    bool compressed;
    bool has_backing;           /* -B: the target reads through */
    bool zero_init;             /* the target reads as zeroes already */
    int64_t min_sparse;         /* 0: no zero detection */
    uint32_t cluster_size;
    uint8_t *buf;
    ImgProgress progress;
} Convert;

/* The source holding target offset off, and off within it. */
static int src_at(const Convert *s, int64_t off, int64_t *soff)
{
    int i = 0;

    while (i < s->nb_src - 1 && off >= s->src_len[i]) {
        off -= s->src_len[i];
        i++;
    }
    *soff = off;
    return i;
}

/* What [off, off + *n) of the sources is, shrinking *n to one kind. */
static int seg_status(const Convert *s, int64_t off, int64_t *n,
                      SegKind *kind)
{
    int64_t soff, pnum, map;
    int i = src_at(s, off, &soff);
    int depth, ret;

    *n = MIN(*n, s->src_len[i] - soff);
    if (s->min_sparse == 0) {
        *kind = SEG_DATA;
        return 0;
    }
    if (s->has_backing) {
        ret = bdrv_block_status(s->src[i], soff, *n, &pnum, &map);
    } else {
        ret = bdrv_block_status_above(s->src[i], soff, *n, &pnum, &map,
                                      &depth);
    }
    if (ret < 0) {
        return ret;
    }
    *n = MIN(*n, pnum);
    if (ret & BDRV_BLOCK_ZERO) {
        *kind = SEG_ZERO;
    } else if (ret & BDRV_BLOCK_DATA) {
        *kind = SEG_DATA;
    } else {
        *kind = s->has_backing ? SEG_BACKING : SEG_ZERO;
    }
    return 0;
}

/* Read [off, off + n) of the concatenated sources into buf. */
static int src_read(const Convert *s, int64_t off, uint8_t *buf, int64_t n)
{
    while (n > 0) {
        int64_t soff;
        int i = src_at(s, off, &soff);
        int64_t len = MIN(n, s->src_len[i] - soff);
        int ret = bdrv_pread(s->src[i], soff, buf, len);

        if (ret < 0) {
            img_error("error while reading at byte %" PRId64 ": %s", off,
                      g_strerror(-ret));
            return ret;
        }
        off += len;
        buf += len;
        n -= len;
    }
    return 0;
}

static int write_zero_range(Convert *s, int64_t off, int64_t n)
{
    int ret;

    if (s->zero_init && !s->has_backing) {
        return 0;
    }
    ret = bdrv_pwrite_zeroes(s->dst, off, n, BDRV_REQ_MAY_UNMAP);
    if (ret < 0) {
        img_error("error while writing at byte %" PRId64 ": %s", off,
                  g_strerror(-ret));
    }
    return ret;
}

static int write_data(Convert *s, int64_t off, const uint8_t *buf,
                      int64_t n)
{
    int ret = bdrv_pwrite(s->dst, off, buf, n);

    if (ret < 0) {
        img_error("error while writing at byte %" PRId64 ": %s", off,
                  g_strerror(-ret));
    }
    return ret;
}

/*
 * Write a data buffer, leaving out runs of zeroes of at least
 * min_sparse bytes (aligned to min_sparse in the target).
 */
static int write_sparse(Convert *s, int64_t off, const uint8_t *buf,
                        int64_t n)
{
    int64_t done = 0;

    while (done < n) {
        int64_t start = done;
        bool zero = false;

        /* Extend a run of blocks that are all zero, or all not. */
        while (done < n) {
            int64_t end = MIN(n, (off + done) / s->min_sparse *
                                 s->min_sparse + s->min_sparse - off);
            bool z = end - done == s->min_sparse &&
                     img_is_zero(buf + done, end - done);
            if (done > start && z != zero) {
                break;
            }
            zero = z;
            done = end;
        }
        int ret = zero ? write_zero_range(s, off + start, done - start)
                       : write_data(s, off + start, buf + start,
                                    done - start);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

static int convert_plain(Convert *s)
{
    int64_t off = 0;

    while (off < s->total) {
        int64_t n = MIN(CONVERT_CHUNK, s->total - off);
        SegKind kind;
        int ret = seg_status(s, off, &n, &kind);

        if (ret < 0) {
            img_error("error while reading block status at offset %" PRId64
                      ": %s", off, g_strerror(-ret));
            return ret;
        }
        if (kind == SEG_ZERO) {
            ret = write_zero_range(s, off, n);
        } else if (kind == SEG_DATA) {
            ret = src_read(s, off, s->buf, n);
            if (ret == 0) {
                ret = s->min_sparse ? write_sparse(s, off, s->buf, n)
                                    : write_data(s, off, s->buf, n);
            }
        }
        if (ret < 0) {
            return ret;
        }
        off += n;
        img_progress_print(&s->progress, off * 100.0 / s->total);
    }
    return 0;
}

/* The kind of a whole cluster: SEG_DATA when its parts differ. */
static int cluster_kind(const Convert *s, int64_t off, int64_t len,
                        SegKind *kind)
{
    int64_t done = 0;

    while (done < len) {
        int64_t n = len - done;
        SegKind k;
        int ret = seg_status(s, off + done, &n, &k);

        if (ret < 0) {
            return ret;
        }
        if (done > 0 && k != *kind) {
            *kind = SEG_DATA;
            return 0;
        }
        *kind = k;
        done += n;
    }
    return 0;
}

static int convert_compressed(Convert *s)
{
    for (int64_t off = 0; off < s->total; off += s->cluster_size) {
        int64_t n = MIN(s->cluster_size, s->total - off);
        SegKind kind = SEG_DATA;
        int ret = cluster_kind(s, off, n, &kind);

        if (ret == 0 && kind == SEG_ZERO) {
            ret = write_zero_range(s, off, n);
        } else if (ret == 0 && kind == SEG_DATA) {
            ret = src_read(s, off, s->buf, n);
            if (ret == 0 && s->min_sparse && s->zero_init &&
                !s->has_backing && img_is_zero(s->buf, n)) {
                ret = 0;
            } else if (ret == 0) {
                ret = bdrv_pwrite_compressed(s->dst, off, s->buf, n);
                if (ret < 0) {
                    img_error("error while compressing sector %" PRId64
                              ": %s", off / BDRV_SECTOR_SIZE,
                              g_strerror(-ret));
                }
            }
        }
        if (ret < 0) {
            return ret;
        }
        img_progress_print(&s->progress,
                           (off + n) * 100.0 / s->total);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Set-up                                                              */

typedef struct ConvertArgs {
    const char *fmt;
    const char *out_fmt;
    const char *out_base;
    const char *out_base_fmt;
    const char *out_name;
    ImgOptList opts;
    bool has_opts;
    bool compress;
    bool progress;
    bool quiet;
    bool skip_create;
    bool target_is_zero;
    int64_t min_sparse;
} ConvertArgs;

static bool open_sources(Convert *s, char **names, int n, const char *fmt)
{
    s->src = g_new0(BlockDriverState *, n);
    s->src_len = g_new0(int64_t, n);
    for (int i = 0; i < n; i++) {
        s->src[i] = img_open(names[i], fmt, 0, true);
        if (!s->src[i]) {
            return false;
        }
        s->nb_src = i + 1;
        s->src_len[i] = bdrv_getlength(s->src[i]);
        if (s->src_len[i] < 0) {
            img_error("Could not get size of %s: %s", names[i],
                      g_strerror(-s->src_len[i]));
            return false;
        }
        s->total += s->src_len[i];
    }
    return true;
}

/* Create the target (unless -n); false after printing the error. */
static bool create_target(Convert *s, ConvertArgs *a)
{
    char *prefix;
    BlockCreateOptions o;
    bool ok;

    if (a->out_base && !strcmp(a->out_fmt, "raw")) {
        img_error("Backing file not supported for file format 'raw'");
        return false;
    }
    if (a->out_base) {
        img_opts_set(&a->opts, "backing_file", a->out_base);
    }
    if (a->out_base_fmt) {
        img_opts_set(&a->opts, "backing_fmt", a->out_base_fmt);
    }
    if (!img_opts_to_create(&a->opts, a->out_fmt, NULL, &o)) {
        return false;
    }
    if (o.backing_file && !strcmp(a->out_fmt, "raw")) {
        img_error("Backing file not supported for file format 'raw'");
        return false;
    }
    if (o.backing_file && !o.backing_fmt) {
        img_error("Use of backing file requires explicit backing format");
        return false;
    }
    if (a->compress && strcmp(a->out_fmt, "qcow2")) {
        img_error("Compression not supported for this file format");
        return false;
    }
    o.size = s->total;
    prefix = g_strdup_printf("%s: error while converting %s", a->out_name,
                             a->out_fmt);
    ok = img_create_check(&a->opts, a->out_fmt, prefix, &o) &&
         img_do_create(a->out_fmt, a->out_name, &o, false) == 0;
    g_free(prefix);
    s->has_backing = o.backing_file != NULL;
    return ok;
}

static bool open_target(Convert *s, const ConvertArgs *a)
{
    BlockImageInfo info;

    s->dst = img_open(a->out_name, a->out_fmt, BDRV_O_RDWR | BDRV_O_UNSAFE,
                      true);
    if (!s->dst) {
        return false;
    }
    if (a->skip_create && bdrv_getlength(s->dst) < s->total) {
        img_error("output file is smaller than input file");
        return false;
    }
    if (a->compress && strcmp(bdrv_format_name(s->dst), "qcow2")) {
        img_error("Compression not supported for this file format");
        return false;
    }
    memset(&info, 0, sizeof(info));
    if (bdrv_get_info(s->dst, &info) == 0) {
        s->cluster_size = info.cluster_size;
        bdrv_image_info_clear(&info);
    }
    if (a->skip_create) {
        s->has_backing = bdrv_backing(s->dst) != NULL;
    }
    s->zero_init = !a->skip_create || a->target_is_zero;
    return true;
}

static int convert_run(ConvertArgs *a, char **srcs, int nb_src)
{
    Convert s = { .min_sparse = a->min_sparse, .compressed = a->compress };
    int ret = 1;

    if (!open_sources(&s, srcs, nb_src, a->fmt)) {
        goto out;
    }
    if (!img_format_known(a->out_fmt)) {
        img_error("Unknown file format '%s'", a->out_fmt);
        goto out;
    }
    if (a->skip_create && a->has_opts) {
        img_error("-o has no effect when skipping image creation");
        goto out;
    }
    if (!a->skip_create && !create_target(&s, a)) {
        goto out;
    }
    if (!open_target(&s, a)) {
        goto out;
    }
    s.buf = g_malloc(MAX(CONVERT_CHUNK, s.cluster_size));
    img_progress_init(&s.progress, a->progress && !a->quiet);
    ret = s.compressed && s.cluster_size ? convert_compressed(&s)
                                         : convert_plain(&s);
    if (ret == 0) {
        ret = bdrv_flush(s.dst);
    }
    img_progress_end(&s.progress);
    ret = ret < 0;
out:
    bdrv_close(s.dst);
    for (int i = 0; i < s.nb_src; i++) {
        bdrv_close(s.src[i]);
    }
    g_free(s.src);
    g_free(s.src_len);
    g_free(s.buf);
    return ret;
}

static bool parse_sparse(const char *arg, int64_t *out)
{
    int64_t v = img_cvtnum("buffer size for sparse output", arg, 0,
                           INT64_MAX);

    if (v < 0) {
        return false;
    }
    if (v % BDRV_SECTOR_SIZE || v > MAX_SPARSE) {
        img_error("Invalid buffer size for sparse output specified. Valid "
                  "sizes are multiples of 512 up to 16777216. Select 0 to "
                  "disable sparse detection (fully allocates output).");
        return false;
    }
    *out = v;
    return true;
}

/* One option; 0 to go on, else the exit status + 1. */
static int convert_opt(ConvertArgs *a, int c, char **argv)
{
    switch (c) {
    case 'h':
        img_help();
        return 1;
    case 'f': a->fmt = optarg; break;
    case 'O': a->out_fmt = optarg; break;
    case 'B': a->out_base = optarg; break;
    case 'F': a->out_base_fmt = optarg; break;
    case 'c': a->compress = true; break;
    case 'p': a->progress = true; break;
    case 'q': a->quiet = true; break;
    case 'n': a->skip_create = true; break;
    case IMG_OPT_TARGET_IS_ZERO: a->target_is_zero = true; break;
    case 'o':
        if (img_opts_is_help(optarg)) {
            img_opts_help(a->out_fmt);
            return 1;
        }
        a->has_opts = true;
        return img_opts_parse(&a->opts, optarg) ? 0 : 2;
    case 'S':
        return parse_sparse(optarg, &a->min_sparse) ? 0 : 2;
    case 'l':
        img_error("Failed to load snapshot: internal snapshots cannot be "
                  "read by convert");
        return 2;
    case 't': case 'T': case 'U': case 'C': case 'W': case 'm':
    case 'r': case IMG_OPT_OBJECT:
        break;
    default:
        return img_bad_option(c, argv) + 1;
    }
    return 0;
}

int img_convert(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { "target-is-zero", no_argument, NULL, IMG_OPT_TARGET_IS_ZERO },
        { NULL, 0, NULL, 0 },
    };
    ConvertArgs a = { .out_fmt = "raw", .min_sparse = 8 * 512 };
    int c, ret = 0;

    img_opts_init(&a.opts);
    while (!ret && (c = getopt_long(argc, argv, ":hf:O:B:CF:co:l:S:pt:T:"
                                    "qnm:WUr:", long_opts, NULL)) != -1) {
        ret = convert_opt(&a, c, argv);
    }
    if (ret) {
        ret--;
    } else if (a.target_is_zero && !a.skip_create) {
        img_error("--target-is-zero requires use of -n flag");
        ret = 1;
    } else if (argc - optind < 2) {
        img_error("Must specify image file name");
        ret = 1;
    } else {
        a.out_name = argv[argc - 1];
        ret = convert_run(&a, argv + optind, argc - optind - 1);
    }
    img_opts_free(&a.opts);
    return ret;
}

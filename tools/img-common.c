/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img: messages, size parsing and printing, opening images,
 * progress.  Shared by every command.
 *
 * Sizes follow qemu's syntax so that scripts carry over: "1G", "1.5G",
 * "512k", "0x100000", "1000b".  Units are powers of 1024; a fraction
 * needs a unit; 0x hex takes no fraction.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"

/* ------------------------------------------------------------------ */
/* Messages                                                            */

/* "kestrel-img: TAG", the message and END on stderr, after pending output. */
static void vmessage(const char *tag, const char *end, const char *fmt,
                     va_list ap)
{
    fflush(stdout);
    fprintf(stderr, "%s: %s", IMG_PROG, tag);
    vfprintf(stderr, fmt, ap);
    fputs(end, stderr);
}

void img_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage("", "\n", fmt, ap);
    va_end(ap);
}

void img_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage("warning: ", "\n", fmt, ap);
    va_end(ap);
}

int img_usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage("", "\nTry '" IMG_PROG " --help' for more information\n", fmt,
             ap);
    va_end(ap);
    return 1;
}

int img_bad_option(int c, char **argv)
{
    extern int optind;
    const char *what = argv[optind - 1];

    if (c == ':') {
        return img_usage_error("missing argument for option '%s'", what);
    }
    return img_usage_error("unrecognized option '%s'", what);
}

bool img_parse_output(const char *arg, bool *json)
{
    if (!strcmp(arg, "json")) {
        *json = true;
    } else if (!strcmp(arg, "human")) {
        *json = false;
    } else {
        img_error("--output must be used with human or json as argument.");
        return false;
    }
    return true;
}

int img_parse_args(int argc, char **argv, const char *shortopts,
                   const struct option *longopts, ImgArgs *a,
                   ImgOptFunc *fn, void *opaque)
{
    int c, ret;

    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
            return 0;
        case 'f':
            a->fmt = optarg;
            break;
        case 'q':
            a->quiet = true;
            break;
        case IMG_OPT_OUTPUT:
            if (!img_parse_output(optarg, &a->json)) {
                return 1;
            }
            break;
        case 'T':
        case 'U':
        case IMG_OPT_OBJECT:
            break;
        default:
            ret = fn && c != ':' && c != '?' ? fn(c, opaque)
                                             : IMG_ARGS_UNKNOWN;
            if (ret == IMG_ARGS_UNKNOWN) {
                return img_bad_option(c, argv);
            }
            if (ret) {
                return ret;
            }
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Sizes                                                               */

static uint64_t unit_of(char c)
{
    static const char units[] = "BKMGTPE";
    const char *p = c ? strchr(units, g_ascii_toupper(c)) : NULL;

    return p ? 1ULL << (10 * (p - units)) : 0;
}

/* Integer part: decimal or 0x hex.  Returns chars used, 0 if none. */
static size_t parse_integer(const char *s, uint64_t *val, bool *hex,
                            bool *overflow)
{
    int base = 10;
    size_t i = 0;

    *hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
           g_ascii_isxdigit(s[2]);
    if (*hex) {
        base = 16;
        i = 2;
    }
    *val = 0;
    *overflow = false;
    for (; g_ascii_isxdigit(s[i]) && (base == 16 ||
                                      g_ascii_isdigit(s[i])); i++) {
        uint64_t d = g_ascii_xdigit_value(s[i]);
        if (*val > (UINT64_MAX - d) / base) {
            *overflow = true;
        }
        *val = *val * base + d;
    }
    return i;
}

int img_strtosz(const char *s, uint64_t *res)
{
    uint64_t val, mul = 1;
    double frac = 0;
    bool hex, overflow, has_frac = false;
    size_t n;

    while (g_ascii_isspace(*s)) {
        s++;
    }
    n = parse_integer(s, &val, &hex, &overflow);
    if (n == 0) {
        return -EINVAL;
    }
    s += n;
    if (*s == '.') {
        const char *f = s;
        if (hex) {
            return -EINVAL;
        }
        for (s++; g_ascii_isdigit(*s); s++) {
            continue;
        }
        frac = g_ascii_strtod(f, NULL);    /* ".25" reads as 0.25 */
        has_frac = true;
    }
    if (*s) {
        mul = unit_of(*s);
        if (!mul || s[1]) {
            return -EINVAL;
        }
        if (hex && mul > 1) {
            img_warn("Using a multiplier suffix on hex numbers is "
                     "deprecated: %s", s - n);
        }
    }
    if (has_frac && frac > 0 && mul == 1) {
        return -EINVAL;
    }
    if (overflow || val > UINT64_MAX / mul ||
        frac * mul >= (double)(UINT64_MAX - val * mul)) {
        return -ERANGE;
    }
    *res = val * mul + (uint64_t)(frac * mul);
    return 0;
}

int64_t img_cvtnum(const char *name, const char *value, int64_t min,
                   int64_t max)
{
    uint64_t res = 0;
    int err = value[0] == '-' ? -EINVAL : img_strtosz(value, &res);

    if (err == -EINVAL) {
        img_error("Invalid %s specified. You may use k, M, G, T, P or E "
                  "suffixes for", name);
        img_error("kilobytes, megabytes, gigabytes, terabytes, petabytes "
                  "and exabytes.");
        return -1;
    }
    if (err == -ERANGE || res > (uint64_t)max || (int64_t)res < min) {
        img_error("Invalid %s specified. Must be between %" PRId64
                  " and %" PRId64 ".", name, min, max);
        return -1;
    }
    return res;
}

char *img_size_to_str(uint64_t val)
{
    static const char *const prefix[] = {
        "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"
    };
    int e;

    /*
     * Pick the unit so that the number shown stays below 1000: the
     * exponent of val * 1024 / 1000 in powers of two, over ten.
     */
    frexp(val / (1000.0 / 1024.0), &e);
    e = (e - 1) / 10;
    if (e < 0) {
        e = 0;
    }
    return g_strdup_printf("%0.3g %sB",
                           (double)val / (double)(1ULL << (e * 10)),
                           prefix[e]);
}

/* ------------------------------------------------------------------ */
/* Images                                                              */

bool img_format_known(const char *fmt)
{
    return !strcmp(fmt, "raw") || !strcmp(fmt, "qcow2");
}

const char *img_err_reason(const char *filename, const GError *err)
{
    size_t len = strlen(filename);
    const char *m = err->message;

    if (!strncmp(m, filename, len) && m[len] == ':' && m[len + 1] == ' ') {
        m += len + 2;
    }
    /* "Could not open 'F': could not open: ..." says it twice. */
    if (g_str_has_prefix(m, "could not open: ")) {
        m += strlen("could not open: ");
    }
    return m;
}

BlockDriverState *img_open(const char *filename, const char *fmt,
                           int flags, bool quiet)
{
    GError *err = NULL;
    BlockDriverState *bs;

    if (fmt && !img_format_known(fmt)) {
        img_error("Could not open '%s': Unknown driver '%s'", filename, fmt);
        return NULL;
    }
    bs = bdrv_open(filename, fmt, flags, &err);
    if (!bs) {
        img_error("Could not open '%s': %s", filename,
                  img_err_reason(filename, err));
        g_error_free(err);
        return NULL;
    }
    if (!fmt && (flags & BDRV_O_RDWR) && !quiet &&
        !strcmp(bdrv_format_name(bs), "raw")) {
        fflush(stdout);
        fprintf(stderr,
                "WARNING: Image format was not specified for '%s' and "
                "probing guessed raw.\n"
                "         Automatically detecting the format is dangerous "
                "for raw images, write operations on block 0 will be "
                "restricted.\n"
                "         Specify the 'raw' format explicitly to remove "
                "the restrictions.\n", filename);
    }
    return bs;
}

char *img_backing_path(const char *image, const char *backing)
{
    const char *slash = strrchr(image, '/');

    /* As qemu: the image's name up to its last '/', then backing. */
    if (g_path_is_absolute(backing) || !slash) {
        return g_strdup(backing);
    }
    return g_strdup_printf("%.*s%s", (int)(slash - image + 1), image,
                           backing);
}

bool img_is_zero(const void *buf, size_t len)
{
    const uint8_t *p = buf;

    /* Compare the buffer with itself shifted by one byte. */
    return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/* ------------------------------------------------------------------ */
/* Progress                                                            */

void img_progress_init(ImgProgress *p, bool enabled)
{
    p->enabled = enabled;
    p->last = 0;
    if (enabled) {
        printf("    (%3.2f/100%%)\r", 0.0);
        fflush(stdout);
    }
}

void img_progress_print(ImgProgress *p, double percent)
{
    if (!p->enabled || (percent < p->last + 1.0 && percent < 100.0)) {
        return;
    }
    p->last = percent;
    printf("    (%3.2f/100%%)\r", percent);
    fflush(stdout);
}

void img_progress_end(ImgProgress *p)
{
    if (!p->enabled) {
        return;
    }
    printf("    (%3.2f/100%%)\r\n", 100.0);
    fflush(stdout);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img internals: what the command files share.
 *
 * Every command is "int img_<cmd>(int argc, char **argv)" with argv[0]
 * the command name; it returns the process exit status.  Messages follow
 * qemu-img's wording, with "kestrel-img" in place of "qemu-img", because
 * people script against them.  Only include/kestrel/block.h is used to
 * reach images.
 */
#ifndef KESTREL_TOOLS_IMG_H
#define KESTREL_TOOLS_IMG_H

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "kestrel/block.h"

#define IMG_PROG "kestrel-img"

/* ------------------------------------------------------------------ */
/* Commands                                                            */

int img_create(int argc, char **argv);
int img_info(int argc, char **argv);
int img_check(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_snapshot(int argc, char **argv);
int img_map(int argc, char **argv);
int img_commit(int argc, char **argv);
int img_resize(int argc, char **argv);
int img_rebase(int argc, char **argv);
int img_compare(int argc, char **argv);

/* Print the --help text (kestrel-img.c). */
void img_help(void);

/* ------------------------------------------------------------------ */
/* Messages                                                            */

/* "kestrel-img: MSG" on stderr. */
void img_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* "kestrel-img: warning: MSG" on stderr. */
void img_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* img_error plus the "Try ... --help" line; returns 1 (exit status). */
int img_usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/*
 * The message for getopt's '?' or ':' (argv[optind - 1] is the culprit);
 * returns 1.
 */
int img_bad_option(int c, char **argv);

/* Long options every command shares with qemu-img. */
enum {
    IMG_OPT_HELP = 'h',
    IMG_OPT_OUTPUT = 256,
    IMG_OPT_BACKING_CHAIN,
    IMG_OPT_SHRINK,
    IMG_OPT_OBJECT,
    IMG_OPT_IMAGE_OPTS,
    IMG_OPT_START_OFFSET,
    IMG_OPT_MAX_LENGTH,
    IMG_OPT_FORCE_SHARE,
    IMG_OPT_PREALLOC,
    IMG_OPT_TARGET_IS_ZERO,
};

/* Parse --output=human|json; false after printing the error. */
bool img_parse_output(const char *arg, bool *json);

/* What img_parse_args sets from the options commands share. */
typedef struct ImgArgs {
    const char *fmt;            /* -f FMT, or NULL: probe */
    bool json;                  /* --output=json */
    bool quiet;                 /* -q */
} ImgArgs;

/*
 * A command's own option c (optarg set, as getopt_long left it): 0 to
 * go on, IMG_ARGS_UNKNOWN when c is none of its options, or else the
 * exit status to return at once.
 */
#define IMG_ARGS_UNKNOWN (-1)
typedef int ImgOptFunc(int c, void *opaque);

/*
 * Run getopt_long over argv.  The shared options are handled here: -h
 * and --help (print help), -f, -q, --output, and -T, -U and --object
 * (accepted, ignored); getopt only returns those that shortopts and
 * longopts declare.  Any other goes to fn (NULL: none).  Returns -1
 * when the command should go on with argv[optind..], or else the exit
 * status (0 after --help, 1 after an error).
 */
int img_parse_args(int argc, char **argv, const char *shortopts,
                   const struct option *longopts, ImgArgs *a,
                   ImgOptFunc *fn, void *opaque);

/* ------------------------------------------------------------------ */
/* Sizes                                                               */

/*
 * qemu's size syntax: decimal (with an optional fraction when a unit
 * follows) or 0x hex, then an optional unit b/k/M/G/T/P/E (any case,
 * powers of 1024).  0, -EINVAL (syntax) or -ERANGE (above 2^64 - 1).
 */
int img_strtosz(const char *s, uint64_t *res);
/*
 * Parse a size argument named name ("image size") the way qemu-img's
 * cvtnum does, printing its messages.  The value, or -1 after an error.
 */
int64_t img_cvtnum(const char *name, const char *value, int64_t min,
                   int64_t max);
/* "1 GiB", "332 KiB", "1.5 MiB" (three significant digits). */
char *img_size_to_str(uint64_t val);

/* ------------------------------------------------------------------ */
/* Images                                                              */

/* Formats kestrel-img knows ("raw", "qcow2"). */
bool img_format_known(const char *fmt);
/*
 * Open filename (fmt NULL: probe) and print qemu-img's "Could not open"
 * line on failure.  Writable raw images opened by probing get qemu's
 * warning unless quiet.
 */
BlockDriverState *img_open(const char *filename, const char *fmt,
                           int flags, bool quiet);
/*
 * The reason in a block-layer error, without a leading "FILENAME: "
 * (qemu-img's messages name the file themselves).
 */
const char *img_err_reason(const char *filename, const GError *err);
/*
 * The backing file name as the block layer resolves it: relative
 * names are taken from the directory of image.  g_free the result.
 */
char *img_backing_path(const char *image, const char *backing);
/* True when len bytes at buf are all zero. */
bool img_is_zero(const void *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Create options (-o)                                                 */

/* One "name=value" of -o, in the order given. */
typedef struct ImgOpt {
    char *name;
    char *value;
} ImgOpt;

typedef struct ImgOptList {
    GPtrArray *opts;            /* ImgOpt * */
} ImgOptList;

void img_opts_init(ImgOptList *l);
void img_opts_free(ImgOptList *l);
/*
 * Append a -o argument ("a=b,c,d=e,,f"; ",," is a comma in a value, a
 * bare name means "on").  False after printing the error.
 */
bool img_opts_parse(ImgOptList *l, const char *str);
/* Last value given for name, or NULL. */
const char *img_opts_get(const ImgOptList *l, const char *name);
/* Replace (or add) name's value. */
void img_opts_set(ImgOptList *l, const char *name, const char *value);
/* Print "-o help" for fmt. */
void img_opts_help(const char *fmt);
/* True when list is "help" or "?" (as qemu-img accepts). */
bool img_opts_is_help(const char *str);

/*
 * Check every option name for fmt and turn the list into create options
 * (strings in *o point into l).  Errors are printed with "FILENAME: "
 * as qemu's option parser does (filename NULL: no prefix, as convert);
 * false then.  The value checks that qemu's driver makes (after its
 * "Formatting" line) are in img_create_check, whose filename is the
 * same kind of prefix.
 */
bool img_opts_to_create(const ImgOptList *l, const char *fmt,
                        const char *filename, BlockCreateOptions *o);
/* The driver-level checks; false after printing the error. */
bool img_create_check(const ImgOptList *l, const char *fmt,
                      const char *filename, const BlockCreateOptions *o);
/* qemu-img's "Formatting 'F', fmt=..." line for these options. */
void img_print_formatting(const ImgOptList *l, const char *fmt,
                          const char *filename, int64_t size);
/*
 * Create filename (options checked), honouring unsafe (-u: do not open
 * the backing file).  Prints errors; 0 or -1.
 */
int img_do_create(const char *fmt, const char *filename,
                  const BlockCreateOptions *o, bool unsafe);

/* ------------------------------------------------------------------ */
/* JSON output, formatted as qemu's                                    */

typedef struct ImgJson ImgJson;

ImgJson *img_json_object(void);
ImgJson *img_json_array(void);
void img_json_add_int(ImgJson *obj, const char *key, int64_t v);
void img_json_add_bool(ImgJson *obj, const char *key, bool v);
void img_json_add_str(ImgJson *obj, const char *key, const char *v);
/* Takes ownership of child. */
void img_json_add(ImgJson *obj, const char *key, ImgJson *child);
void img_json_append(ImgJson *arr, ImgJson *child);
/* Pretty-print with a trailing newline. */
void img_json_print(const ImgJson *v, FILE *f);
void img_json_free(ImgJson *v);
/* Print an object's members as "key: value" lines, '-' in keys as
 * ' ', indented by level * 4 (qemu's "Format specific information"). */
void img_json_dump_human(const ImgJson *obj, int level);
/* Append s as a JSON string literal (quotes included) to out. */
void img_json_quote(GString *out, const char *s);

/* ------------------------------------------------------------------ */
/* Progress ("    (NN.NN/100%)\r" on stdout, as qemu-img -p)           */

typedef struct ImgProgress {
    bool enabled;
    double last;
} ImgProgress;

void img_progress_init(ImgProgress *p, bool enabled);
/* percent in [0, 100]; printed when it moved by 1% or more. */
void img_progress_print(ImgProgress *p, double percent);
void img_progress_end(ImgProgress *p);

/* ------------------------------------------------------------------ */
/* Shared helpers of info and snapshot                                  */

/* qemu's snapshot table: header (sn NULL) or one row, no newline. */
void img_snapshot_dump(const BlockSnapshotInfo *sn);

#endif /* KESTREL_TOOLS_IMG_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debug logging switched by a mask (-d ITEM,...), written to stderr or to
 * the file given by -D.  Always compiled in; a disabled item costs one
 * test of a global.
 */
#ifndef KESTREL_LOG_H
#define KESTREL_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

enum {
    LOG_IN_ASM = 1 << 0,       /* guest code of each new TB */
    LOG_OP = 1 << 1,           /* IR as the frontend emitted it */
    LOG_OP_OPT = 1 << 2,       /* IR after the optimizer */
    LOG_OUT_ASM = 1 << 3,      /* host code of each new TB */
    LOG_EXEC = 1 << 4,         /* every TB executed */
    LOG_CPU = 1 << 5,          /* CPU state before each TB */
    LOG_INT = 1 << 6,          /* interrupts and exceptions */
    LOG_MMU = 1 << 7,          /* page-table walks and faults */
    LOG_UNIMP = 1 << 8,        /* unimplemented guest features */
    LOG_GUEST_ERROR = 1 << 9,  /* guest misprograms a device */
    LOG_NOCHAIN = 1 << 10,     /* do not chain TBs */
    LOG_TB_STATS = 1 << 11,    /* TB cache statistics at exit */
};

extern int kestrel_log_mask;

static inline bool log_enabled(int mask)
{
    return (kestrel_log_mask & mask) != 0;
}

/* The log stream (stderr unless -D). */
FILE *log_file(void);
/* printf to the log stream. */
void log_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* printf to the log stream if any bit of mask is enabled. */
#define log_mask(mask, ...)                                            \
    do {                                                               \
        if (log_enabled(mask)) {                                       \
            log_printf(__VA_ARGS__);                                   \
        }                                                              \
    } while (0)

/*
 * Parse a -d argument ("in_asm,op", "help" prints the list).
 * Returns the mask, or -1 with *errp naming the unknown item.
 */
int log_parse_items(const char *str, GError **errp);
/* Print the items -d accepts to f. */
void log_print_help(FILE *f);
/*
 * -dfilter: limit the per-TB logs (in_asm, op, op_opt, out_asm, exec,
 * cpu) to TBs starting in the given ranges, "START..LAST", "START+SIZE"
 * or "START-SIZE", comma separated (QEMU's syntax).  False with *errp.
 */
bool log_set_dfilter(const char *spec, GError **errp);
/* Whether addr passes -dfilter (always, without one). */
bool log_in_filter(uint64_t addr);

/*
 * Send the log to f (NULL: stderr) until swapped back; returns the
 * previous stream (to capture a log into memory).
 */
FILE *log_swap_file(FILE *f);

/* Whether per-TB log item mask is on for the TB at pc (-dfilter). */
static inline bool log_tb_enabled(int mask, uint64_t pc)
{
    return log_enabled(mask) && log_in_filter(pc);
}

/* Set the log file (-D); NULL means stderr.  False with *errp on error. */
bool log_set_file(const char *path, GError **errp);

#endif /* KESTREL_LOG_H */

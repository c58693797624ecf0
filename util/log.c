/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debug log mask and stream: see include/kestrel/log.h. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "kestrel/log.h"

int kestrel_log_mask;
static FILE *log_stream;

/* -dfilter: inclusive [start, last] ranges; none means everything. */
typedef struct LogRange {
    uint64_t start, last;
} LogRange;
static GArray *log_ranges;

static const struct {
    const char *name;
    int mask;
    const char *help;
} log_items[] = {
    { "in_asm", LOG_IN_ASM, "show guest code of each new TB" },
    { "op", LOG_OP, "show IR before optimization" },
    { "op_opt", LOG_OP_OPT, "show IR after optimization" },
    { "out_asm", LOG_OUT_ASM, "show generated host code" },
    { "exec", LOG_EXEC, "show every TB executed" },
    { "cpu", LOG_CPU, "show CPU state before each TB" },
    { "int", LOG_INT, "show interrupts and exceptions" },
    { "mmu", LOG_MMU, "log MMU-related activity" },
    { "unimp", LOG_UNIMP, "log unimplemented functionality" },
    { "guest_errors", LOG_GUEST_ERROR,
      "log when the guest misuses a device or instruction" },
    { "nochain", LOG_NOCHAIN, "do not chain translated blocks" },
    { "tb_stats", LOG_TB_STATS, "show TB cache statistics at exit" },
};

FILE *log_file(void)
{
    return log_stream ? log_stream : stderr;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(log_file(), fmt, ap);
    va_end(ap);
}

void log_print_help(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
        fprintf(f, "%-13s %s\n", log_items[i].name, log_items[i].help);
    }
}

int log_parse_items(const char *str, GError **errp)
{
    g_auto(GStrv) items = g_strsplit(str, ",", -1);
    int mask = 0;

    for (char **p = items; *p; p++) {
        size_t i;

        if (!**p) {
            continue;
        }
        if (!strcmp(*p, "all")) {
            mask |= ~0;
            continue;
        }
        for (i = 0; i < G_N_ELEMENTS(log_items); i++) {
            if (!strcmp(*p, log_items[i].name)) {
                mask |= log_items[i].mask;
                break;
            }
        }
        if (i == G_N_ELEMENTS(log_items)) {
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "unknown -d item '%s' (try -d help)", *p);
            return -1;
        }
    }
    return mask;
}

FILE *log_swap_file(FILE *f)
{
    FILE *old = log_stream;

    log_stream = f;
    return old;
}

bool log_set_file(const char *path, GError **errp)
{
    FILE *f;

    if (!path) {
        if (log_stream) {
            fclose(log_stream);
        }
        log_stream = NULL;
        return true;
    }
    f = fopen(path, "w");
    if (!f) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "-D %s: %s", path, strerror(errno));
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    if (log_stream) {
        fclose(log_stream);
    }
    log_stream = f;
    return true;
}

/* ------------------------------------------------------------------ */
/* -dfilter                                                            */

/* One range: START..LAST (inclusive), START+SIZE or START-SIZE. */
static bool log_parse_range(const char *spec, LogRange *out, GError **errp)
{
    const char *r = spec, *sep = strstr(spec, "..");
    char *end;
    uint64_t a, b;
    char op;

    errno = 0;
    a = g_ascii_strtoull(r, &end, 0);
    if (end == r || errno) {
        goto bad;
    }
    if (sep && end == sep) {
        op = '.';
        r = sep + 2;
    } else if (*end == '+' || *end == '-') {
        op = *end;
        r = end + 1;
    } else {
        goto bad;
    }
    b = g_ascii_strtoull(r, &end, 0);
    if (end == r || *end || errno) {
        goto bad;
    }
    if (op == '.') {
        if (b < a) {
            goto bad;
        }
        *out = (LogRange){ a, b };
    } else if (b == 0) {
        goto bad;
    } else if (op == '+') {
        *out = (LogRange){ a, a + b - 1 < a ? UINT64_MAX : a + b - 1 };
    } else {
        *out = (LogRange){ b - 1 > a ? 0 : a - (b - 1), a };
    }
    return true;
bad:
    g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "-dfilter: invalid range '%s' (START..LAST, START+SIZE or "
                "START-SIZE)", spec);
    return false;
}

bool log_set_dfilter(const char *spec, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    GArray *ranges = g_array_new(false, false, sizeof(LogRange));

    for (char **p = parts; *p; p++) {
        LogRange r;

        if (!log_parse_range(g_strstrip(*p), &r, errp)) {
            g_array_free(ranges, true);
            return false;
        }
        g_array_append_val(ranges, r);
    }
    if (log_ranges) {
        g_array_free(log_ranges, true);
    }
    log_ranges = ranges;
    if (!ranges->len) {
        g_array_free(ranges, true);
        log_ranges = NULL;
    }
    return true;
}

bool log_in_filter(uint64_t addr)
{
    if (!log_ranges) {
        return true;
    }
    for (guint i = 0; i < log_ranges->len; i++) {
        const LogRange *r = &g_array_index(log_ranges, LogRange, i);

        if (addr >= r->start && addr <= r->last) {
            return true;
        }
    }
    return false;
}

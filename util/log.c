/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debug log mask and stream: see include/kestrel/log.h. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "kestrel/log.h"

int kestrel_log_mask;
static FILE *log_stream;

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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP, the human monitor: a small line editor on a character backend, a
 * parser that splits "name args", and the dispatcher over the registry
 * (monitor.c).  QEMU's banner and "(qemu)" prompt, so that scripts that
 * wait for "(qemu) " keep working.
 *
 *     (qemu) info status
 *     VM status: running
 *     (qemu) x/4wx 0x40000000
 *     0000000040000000: 0xd503201f 0x14000000 0x00000000 0x00000000
 *
 * Line editing: printable characters are echoed (the terminal is raw),
 * Backspace/DEL erase, Ctrl-U erases the line, Enter ('\r' or '\n';
 * "\r\n" counts once) runs it; escape sequences (arrow keys) are read
 * and ignored.  No history or completion.
 *
 * On a mux console (-nographic) the monitor gets input after Ctrl-A c:
 * the first time it prints the banner, each time a fresh prompt; losing
 * the input prints a newline, as QEMU does.
 */
#include <ctype.h>
#include <string.h>

#include "monitor-internal.h"

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

static const HMPCmd *hmp_find(GPtrArray *list, const char *name)
{
    for (guint i = 0; i < list->len; i++) {
        const HMPCmd *c = g_ptr_array_index(list, i);

        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

/* Split "name rest": name is letters, digits, '_' and '-'. */
static char *hmp_split(const char *line, const char **rest)
{
    const char *p = line;
    char *name;

    while (isalnum((unsigned char)*p) || *p == '_' || *p == '-') {
        p++;
    }
    name = g_strndup(line, p - line);
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    *rest = p;
    return name;
}

static void hmp_info(Monitor *mon, const char *args)
{
    const char *rest;
    g_autofree char *name = hmp_split(args, &rest);
    const HMPCmd *c;

    if (!*name) {
        hmp_execute(mon, "help info");
        return;
    }
    c = hmp_find(monitor_info_cmds(), name);
    if (!c) {
        monitor_printf(mon, "unknown command: 'info %s'\n", name);
        return;
    }
    c->fn(mon, rest);
}

static void hmp_help_list(Monitor *mon, GPtrArray *list, const char *prefix)
{
    for (guint i = 0; i < list->len; i++) {
        const HMPCmd *c = g_ptr_array_index(list, i);

        monitor_printf(mon, "%s%s %s -- %s\n", prefix, c->name, c->params,
                       c->help);
    }
}

static void hmp_help(Monitor *mon, const char *args)
{
    const char *rest;
    g_autofree char *name = hmp_split(args, &rest);
    const HMPCmd *c;

    if (!*name) {
        hmp_help_list(mon, monitor_hmp_cmds(), "");
        return;
    }
    if (!strcmp(name, "info")) {
        hmp_help_list(mon, monitor_info_cmds(), "info ");
        return;
    }
    c = hmp_find(monitor_hmp_cmds(), name);
    if (!c) {
        monitor_printf(mon, "unknown command: '%s'\n", name);
        return;
    }
    monitor_printf(mon, "%s %s -- %s\n", c->name, c->params, c->help);
}

void hmp_register_builtins(void)
{
    monitor_register_hmp("help", "[cmd]", "show the help", hmp_help);
    monitor_register_hmp("?", "[cmd]", "show the help", hmp_help);
    monitor_register_hmp("info", "[subcommand]",
                         "show various information about the system state",
                         hmp_info);
}

void hmp_execute(Monitor *mon, const char *line)
{
    const char *p = line, *rest;
    g_autofree char *name = NULL;
    const HMPCmd *c;

    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (!*p) {
        return;
    }
    if (*p == '?') {
        name = g_strdup("?");
        for (rest = p + 1; *rest == ' '; rest++) {
        }
    } else {
        name = hmp_split(p, &rest);
    }
    c = *name ? hmp_find(monitor_hmp_cmds(), name) : NULL;
    if (!c) {
        g_autofree char *word = g_strdup(p);

        g_strchomp(word);
        monitor_printf(mon, "unknown command: '%s'\n", *name ? name : word);
        return;
    }
    c->fn(mon, rest);
}

/* ------------------------------------------------------------------ */
/* The line editor                                                     */

static void hmp_prompt(Monitor *mon)
{
    monitor_puts(mon, HMP_PROMPT);
}

static void hmp_banner(Monitor *mon)
{
    if (!mon->banner_done) {
        mon->banner_done = true;
        monitor_printf(mon, "Kestrel %s monitor - type 'help' for more "
                       "information\n", monitor_package() +
                       strlen("Kestrel "));
    }
}

static void hmp_enter(Monitor *mon)
{
    g_autofree char *line = g_strdup(mon->line->str);

    monitor_puts(mon, "\n");
    g_string_truncate(mon->line, 0);
    hmp_execute(mon, line);
    if (!mon->mux || mon->focused) {
        hmp_prompt(mon);
    }
}

/* One input byte; returns with the line and screen updated. */
static void hmp_byte(Monitor *mon, uint8_t b)
{
    bool cr = mon->last_cr;

    mon->last_cr = b == '\r';
    if (mon->esc) {
        /* ESC [ params final: skip up to the final byte (0x40..0x7e). */
        if (mon->esc == 1 && (b == '[' || b == 'O')) {
            mon->esc = 2;
        } else if (mon->esc == 1 || (b >= 0x40 && b <= 0x7e)) {
            mon->esc = 0;
        }
        return;
    }
    if (b == '\n' && cr) {
        return;                 /* the '\r' ran it */
    }
    if (b == '\r' || b == '\n') {
        hmp_enter(mon);
    } else if (b == 0x1b) {
        mon->esc = 1;
    } else if (b == 0x7f || b == '\b') {
        if (mon->line->len > 0) {
            g_string_truncate(mon->line, mon->line->len - 1);
            monitor_write(mon, "\b \b", 3);
        }
    } else if (b == 0x15) {     /* Ctrl-U */
        while (mon->line->len > 0) {
            g_string_truncate(mon->line, mon->line->len - 1);
            monitor_write(mon, "\b \b", 3);
        }
    } else if (b >= 0x20 && mon->line->len < HMP_LINE_MAX) {
        g_string_append_c(mon->line, (char)b);
        monitor_write(mon, (const char *)&b, 1);
    }
}

static void hmp_receive(void *opaque, const uint8_t *buf, int len)
{
    Monitor *mon = opaque;

    for (int i = 0; i < len; i++) {
        hmp_byte(mon, buf[i]);
    }
}

static int hmp_can_receive(void *opaque)
{
    return HMP_LINE_MAX;
}

static void hmp_focus(void *opaque, bool focused)
{
    Monitor *mon = opaque;

    mon->focused = focused;
    if (focused) {
        hmp_banner(mon);
        g_string_truncate(mon->line, 0);
        mon->esc = 0;
        hmp_prompt(mon);
    } else {
        monitor_puts(mon, "\n");
    }
}

/* A client connected to a socket monitor (or stdio at start). */
static void hmp_event(void *opaque, bool opened)
{
    Monitor *mon = opaque;

    g_string_truncate(mon->line, 0);
    mon->esc = 0;
    if (opened) {
        mon->banner_done = false;
        hmp_banner(mon);
        hmp_prompt(mon);
    }
}

Monitor *hmp_new(Chardev *chr, bool mux)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->chr = chr;
    mon->mux = mux;
    mon->line = g_string_new(NULL);
    if (mux) {
        if (!chardev_mux_attach(chr, hmp_receive, hmp_focus, mon)) {
            g_string_free(mon->line, true);
            g_free(mon);
            return NULL;
        }
        return mon;
    }
    chardev_set_handlers(chr, hmp_can_receive, hmp_receive, mon);
    chardev_set_event_handler(chr, hmp_event, mon);
    return mon;
}

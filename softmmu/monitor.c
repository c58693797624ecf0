/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitors' common core: Monitor objects and their output, the
 * command registries, opening monitors from the command line, and the
 * events every QMP client gets for run-state changes, resets and
 * shutdowns.
 *
 *     -monitor stdio                       HMP on stdio
 *     -qmp unix:/tmp/q.sock,server=on,wait=off
 *     -chardev socket,id=m,port=4444,server=on,wait=off \
 *         -mon chardev=m,mode=control      QMP on a -chardev
 *     -nographic                           HMP behind Ctrl-A c
 *
 * Events and their order.  STOP and RESUME come from the run-state
 * notifier, so whoever stops the VM (a monitor, the gdb stub) causes
 * them, before the command's reply.  A host-initiated reset or quit
 * (system_reset, quit) sends RESET / SHUTDOWN at once, before its reply
 * as QEMU does, and the run loop, taking the request later, does not
 * send it again; what the guest asks for (PSCI) is sent when the run
 * loop takes it (monitor_reset_taken, monitor_shutdown_taken).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor-internal.h"

#ifndef KESTREL_VERSION
#define KESTREL_VERSION "unknown"
#endif

MachineState *monitor_machine;

static GPtrArray *hmp_cmds;     /* HMPCmd * */
static GPtrArray *info_cmds;    /* HMPCmd * */
static GPtrArray *qmp_cmds;     /* QMPCmd * */
static GPtrArray *qmp_monitors; /* Monitor * */

static bool shutdown_event_sent;
static int host_resets_pending;

/* ------------------------------------------------------------------ */
/* Registries                                                          */

static void registries_init(void)
{
    if (hmp_cmds) {
        return;
    }
    hmp_cmds = g_ptr_array_new();
    info_cmds = g_ptr_array_new();
    qmp_cmds = g_ptr_array_new();
    qmp_monitors = g_ptr_array_new();
    /* Built-ins first, so that later registrations replace them. */
    hmp_cmds_register();
    qmp_cmds_register();
}

GPtrArray *monitor_hmp_cmds(void)
{
    registries_init();
    return hmp_cmds;
}

GPtrArray *monitor_info_cmds(void)
{
    registries_init();
    return info_cmds;
}

GPtrArray *monitor_qmp_cmds(void)
{
    registries_init();
    return qmp_cmds;
}

GPtrArray *monitor_qmp_list(void)
{
    registries_init();
    return qmp_monitors;
}

/* Replace the entry named name in list, or append. */
static void hmp_list_put(GPtrArray *list, HMPCmd *cmd)
{
    for (guint i = 0; i < list->len; i++) {
        HMPCmd *old = g_ptr_array_index(list, i);

        if (!strcmp(old->name, cmd->name)) {
            list->pdata[i] = cmd;
            g_free(old);
            return;
        }
    }
    g_ptr_array_add(list, cmd);
}

static HMPCmd *hmp_cmd_new(const char *name, const char *params,
                           const char *help, HMPCommandFunc fn)
{
    HMPCmd *c = g_new0(HMPCmd, 1);

    /* Names and texts are string literals or live as long. */
    c->name = name;
    c->params = params ? params : "";
    c->help = help ? help : "";
    c->fn = fn;
    return c;
}

void monitor_register_info(const char *name, const char *help,
                           HMPCommandFunc fn)
{
    registries_init();
    hmp_list_put(info_cmds, hmp_cmd_new(name, "", help, fn));
}

void monitor_register_hmp(const char *name, const char *params,
                          const char *help, HMPCommandFunc fn)
{
    registries_init();
    hmp_list_put(hmp_cmds, hmp_cmd_new(name, params, help, fn));
}

void qmp_register_command(const char *name, const char *args_spec,
                          QMPCommandFunc fn)
{
    QMPCmd *c = g_new0(QMPCmd, 1);

    registries_init();
    c->name = name;
    c->args_spec = args_spec;
    c->fn = fn;
    for (guint i = 0; i < qmp_cmds->len; i++) {
        QMPCmd *old = g_ptr_array_index(qmp_cmds, i);

        if (!strcmp(old->name, name)) {
            qmp_cmds->pdata[i] = c;
            g_free(old);
            return;
        }
    }
    g_ptr_array_add(qmp_cmds, c);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

void monitor_write(Monitor *mon, const char *s, size_t len)
{
    if (mon->capture) {
        g_string_append_len(mon->capture, s, len);
    } else if (mon->chr) {
        chardev_write(mon->chr, (const uint8_t *)s, (int)len);
    }
}

void monitor_puts(Monitor *mon, const char *s)
{
    GString *out = g_string_sized_new(strlen(s) + 16);

    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, *p);
    }
    monitor_write(mon, out->str, out->len);
    g_string_free(out, true);
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *s = NULL;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    monitor_puts(mon, s);
}

void monitor_print_stream(Monitor *mon, void (*fn)(FILE *f, void *opaque),
                          void *opaque)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f) {
        monitor_printf(mon, "out of memory\n");
        return;
    }
    fn(f, opaque);
    fclose(f);
    monitor_puts(mon, buf);
    free(buf);
}

/* ------------------------------------------------------------------ */
/* The machine                                                         */

CPUState *monitor_cpu(int i)
{
    if (!monitor_machine || i < 0 || i >= monitor_machine->nb_cpus) {
        return NULL;
    }
    return monitor_machine->cpus[i];
}

CPUState *monitor_cur_cpu(Monitor *mon)
{
    CPUState *cpu = monitor_cpu(mon->cur_cpu);

    return cpu ? cpu : monitor_cpu(0);
}

const char *monitor_package(void)
{
    return "Kestrel " KESTREL_VERSION;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

static void monitor_runstate_changed(bool running, void *opaque)
{
    qmp_event_send(running ? "RESUME" : "STOP", NULL);
}

static JsonObject *event_cause(bool guest, const char *reason)
{
    JsonObject *o = json_object_new();

    json_object_set_boolean_member(o, "guest", guest);
    json_object_set_string_member(o, "reason", reason);
    return o;
}

void monitor_shutdown_taken(bool guest, const char *reason)
{
    if (!shutdown_event_sent) {
        shutdown_event_sent = true;
        qmp_event_send("SHUTDOWN", event_cause(guest, reason));
    }
}

void monitor_reset_taken(void)
{
    if (host_resets_pending > 0) {
        host_resets_pending = 0;
        return;
    }
    qmp_event_send("RESET", event_cause(true, "guest-reset"));
}

void monitor_request_shutdown(const char *reason)
{
    monitor_shutdown_taken(false, reason);
    system_shutdown_request(SHUTDOWN_HOST_QUIT);
}

void monitor_request_reset(void)
{
    qmp_event_send("RESET", event_cause(false, "host-qmp-system-reset"));
    host_resets_pending++;
    system_reset_request();
}

/*
 * Not emulated: the virt board has no power button (QEMU's PL061 GPIO
 * key or ACPI), so the guest is not told; only the event is sent.
 */
void monitor_request_powerdown(void)
{
    qmp_event_send("POWERDOWN", NULL);
}

/* ------------------------------------------------------------------ */
/* Opening monitors                                                    */

static bool monitor_open_one(MonitorSpec *m, GError **errp)
{
    const char *opt = m->chardev_id ? "-mon" : m->qmp ? "-qmp" : "-monitor";
    g_autoptr(GError) err = NULL;
    Chardev *chr;

    if (m->chardev_id) {
        chr = chardev_find(m->chardev_id);
        if (!chr) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "-mon: no -chardev with id '%s'", m->chardev_id);
            return false;
        }
    } else {
        chr = chardev_new_labeled(m->chardev, m->qmp ? "qmp" : "monitor",
                                  &err);
        if (!chr) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "%s: %s", opt, err->message);
            return false;
        }
    }
    if (m->qmp) {
        qmp_new(chr, m->pretty);
    } else {
        hmp_new(chr, chardev_is_mux(chr));
    }
    return true;
}

static void monitor_setup(MachineState *ms)
{
    static bool notifier_added;

    registries_init();
    monitor_machine = ms;
    if (!notifier_added) {
        notifier_added = true;
        runstate_add_notifier(monitor_runstate_changed, NULL);
    }
}

bool monitor_init_all(MachineState *ms, GPtrArray *specs, GError **errp)
{
    monitor_setup(ms);
    for (guint i = 0; specs && i < specs->len; i++) {
        if (!monitor_open_one(g_ptr_array_index(specs, i), errp)) {
            return false;
        }
    }
    return true;
}

bool monitor_attach_mux_hmp(MachineState *ms, Chardev *chr, GError **errp)
{
    monitor_setup(ms);
    if (!hmp_new(chr, true)) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "the console already has a monitor");
        return false;
    }
    return true;
}

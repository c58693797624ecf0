/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The built-in QMP commands, with QEMU 7.2's reply shapes.  query-block
 * is registered by the binary's main (softmmu may not depend on block/);
 * until then it answers [].
 *
 * Adding one: write `static JsonNode *qmp_foo(JsonObject *args, GError
 * **errp)` returning the "return" value (qmp_ok() for {}), or NULL with
 * *errp for a GenericError, and register it in qmp_cmds_register with
 * the arguments it takes ("name,other?": '?' marks optional ones).
 */
#include <string.h>

#include "monitor-internal.h"

static JsonNode *node_object(JsonObject *o)
{
    JsonNode *n = json_node_init_object(json_node_alloc(), o);

    json_object_unref(o);
    return n;
}

static JsonNode *node_array(JsonArray *a)
{
    JsonNode *n = json_node_init_array(json_node_alloc(), a);

    json_array_unref(a);
    return n;
}

/* ------------------------------------------------------------------ */
/* Run control                                                         */

static JsonNode *qmp_stop(JsonObject *args, GError **errp)
{
    vm_stop();
    return qmp_ok();
}

static JsonNode *qmp_cont(JsonObject *args, GError **errp)
{
    vm_start();
    return qmp_ok();
}

static JsonNode *qmp_system_reset(JsonObject *args, GError **errp)
{
    monitor_request_reset();
    return qmp_ok();
}

static JsonNode *qmp_system_powerdown(JsonObject *args, GError **errp)
{
    monitor_request_powerdown();
    return qmp_ok();
}

static JsonNode *qmp_quit(JsonObject *args, GError **errp)
{
    monitor_request_shutdown("host-qmp-quit");
    return qmp_ok();
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */

static JsonNode *qmp_query_status(JsonObject *args, GError **errp)
{
    JsonObject *o = json_object_new();
    bool running = runstate_is_running();

    json_object_set_string_member(o, "status",
                                  running ? "running" : "paused");
    json_object_set_boolean_member(o, "singlestep", false);
    json_object_set_boolean_member(o, "running", running);
    return node_object(o);
}

static JsonObject *cpu_info(CPUState *cpu)
{
    JsonObject *o = json_object_new();
    JsonObject *props = json_object_new();
    g_autofree char *path = g_strdup_printf("/machine/unattached/device[%d]",
                                            cpu->cpu_index);

    json_object_set_int_member(o, "thread-id", cpus_thread_id(cpu));
    json_object_set_int_member(props, "core-id", cpu->cpu_index);
    json_object_set_int_member(props, "thread-id", 0);
    json_object_set_int_member(props, "socket-id", 0);
    json_object_set_int_member(props, "cluster-id", 0);
    json_object_set_object_member(o, "props", props);
    json_object_set_string_member(o, "qom-path", path);
    json_object_set_int_member(o, "cpu-index", cpu->cpu_index);
    json_object_set_string_member(o, "target", cpu->ops->name);
    return o;
}

static JsonNode *qmp_query_cpus_fast(JsonObject *args, GError **errp)
{
    JsonArray *a = json_array_new();
    CPUState *cpu;

    for (int i = 0; (cpu = monitor_cpu(i)); i++) {
        json_array_add_object_element(a, cpu_info(cpu));
    }
    return node_array(a);
}

static JsonNode *qmp_query_version(JsonObject *args, GError **errp)
{
    JsonObject *v = json_object_new();
    JsonObject *q = json_object_new();

    json_object_set_int_member(q, "micro", MONITOR_QEMU_MICRO);
    json_object_set_int_member(q, "minor", MONITOR_QEMU_MINOR);
    json_object_set_int_member(q, "major", MONITOR_QEMU_MAJOR);
    json_object_set_object_member(v, "qemu", q);
    json_object_set_string_member(v, "package", monitor_package());
    return node_object(v);
}

static JsonNode *qmp_query_commands(JsonObject *args, GError **errp)
{
    GPtrArray *list = monitor_qmp_cmds();
    JsonArray *a = json_array_new();
    JsonObject *o = json_object_new();

    json_object_set_string_member(o, "name", "qmp_capabilities");
    json_array_add_object_element(a, o);
    for (guint i = 0; i < list->len; i++) {
        const QMPCmd *c = g_ptr_array_index(list, i);

        o = json_object_new();
        json_object_set_string_member(o, "name", c->name);
        json_array_add_object_element(a, o);
    }
    return node_array(a);
}

static JsonNode *qmp_query_name(JsonObject *args, GError **errp)
{
    return qmp_ok();            /* no -name */
}

static JsonNode *qmp_query_kvm(JsonObject *args, GError **errp)
{
    JsonObject *o = json_object_new();

    json_object_set_boolean_member(o, "enabled", false);
    json_object_set_boolean_member(o, "present", false);
    return node_object(o);
}

static JsonNode *qmp_query_block_none(JsonObject *args, GError **errp)
{
    return node_array(json_array_new());
}

/* ------------------------------------------------------------------ */
/* human-monitor-command                                               */

static bool get_string_arg(JsonObject *args, const char *name,
                           const char **out, GError **errp)
{
    JsonNode *n = json_object_get_member(args, name);

    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "Invalid parameter type for '%s', expected: string",
                    name);
        return false;
    }
    *out = json_node_get_string(n);
    return true;
}

static JsonNode *qmp_human_monitor_command(JsonObject *args, GError **errp)
{
    Monitor hmp = { 0 };
    const char *line;
    JsonNode *n;

    if (!get_string_arg(args, "command-line", &line, errp)) {
        return NULL;
    }
    if (json_object_has_member(args, "cpu-index")) {
        JsonNode *c = json_object_get_member(args, "cpu-index");

        if (!JSON_NODE_HOLDS_VALUE(c) ||
            json_node_get_value_type(c) != G_TYPE_INT64 ||
            !monitor_cpu((int)json_node_get_int(c))) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "Parameter 'cpu-index' expects a CPU index");
            return NULL;
        }
        hmp.cur_cpu = (int)json_node_get_int(c);
    }
    hmp.capture = g_string_new(NULL);
    hmp.line = g_string_new(NULL);
    hmp_execute(&hmp, line);
    n = json_node_init_string(json_node_alloc(), hmp.capture->str);
    g_string_free(hmp.capture, true);
    g_string_free(hmp.line, true);
    return n;
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */

void qmp_cmds_register(void)
{
    qmp_register_command("query-status", NULL, qmp_query_status);
    qmp_register_command("stop", NULL, qmp_stop);
    qmp_register_command("cont", NULL, qmp_cont);
    qmp_register_command("system_reset", NULL, qmp_system_reset);
    qmp_register_command("system_powerdown", NULL, qmp_system_powerdown);
    qmp_register_command("quit", NULL, qmp_quit);
    qmp_register_command("query-cpus-fast", NULL, qmp_query_cpus_fast);
    qmp_register_command("query-block", NULL, qmp_query_block_none);
    qmp_register_command("human-monitor-command", "command-line,cpu-index?",
                         qmp_human_monitor_command);
    qmp_register_command("query-version", NULL, qmp_query_version);
    qmp_register_command("query-commands", NULL, qmp_query_commands);
    qmp_register_command("query-name", NULL, qmp_query_name);
    qmp_register_command("query-kvm", NULL, qmp_query_kvm);
}

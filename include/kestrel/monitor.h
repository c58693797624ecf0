/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitors: HMP (the human monitor, "(qemu)" prompt) and QMP (JSON
 * for programs), as QEMU users know them.  softmmu/monitor.c, hmp*.c and
 * qmp*.c implement them; docs/user/monitor.md is the user guide.
 *
 * Commands that need a layer softmmu may not depend on (the block layer
 * for `info block` / query-block) are registered from outside, by the
 * binary's main or a board, before the machine runs:
 *
 *     static void hmp_info_block(Monitor *mon, const char *args)
 *     {
 *         monitor_printf(mon, "%s: %s\n", id, file);
 *     }
 *     static JsonNode *qmp_query_block(JsonObject *args, GError **errp)
 *     {
 *         return json_node_init_array(json_node_alloc(), list);
 *     }
 *     monitor_register_info("block", "show the block devices",
 *                           hmp_info_block);
 *     qmp_register_command("query-block", NULL, qmp_query_block);
 *
 * Every callback runs in the main loop thread with the BQL held.
 */
#ifndef KESTREL_MONITOR_H
#define KESTREL_MONITOR_H

#include <stdbool.h>

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct Monitor Monitor;

/* HMP output ("\n" becomes "\r\n" on the wire, as QEMU does). */
void monitor_printf(Monitor *mon, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void monitor_puts(Monitor *mon, const char *s);

/*
 * An HMP command: args is the rest of the line after the command name,
 * leading blanks skipped ("" if none).
 */
typedef void (*HMPCommandFunc)(Monitor *mon, const char *args);

/* `info NAME`: replaces a built-in or earlier one of the same name. */
void monitor_register_info(const char *name, const char *help,
                           HMPCommandFunc fn);
/* A top-level HMP command; params is its usage ("[-a|vcpu]"), or "". */
void monitor_register_hmp(const char *name, const char *params,
                          const char *help, HMPCommandFunc fn);

/*
 * A QMP command: args holds "arguments" (an empty object if absent);
 * return the "return" value (an empty object for none: see qmp_ok),
 * or NULL with *errp (a GenericError with its message as "desc").
 */
typedef JsonNode *(*QMPCommandFunc)(JsonObject *args, GError **errp);

/*
 * args_spec names the arguments accepted, comma separated, "?" marking
 * an optional one ("command-line,cpu-index?"); NULL: none.  The
 * dispatcher answers "Parameter 'x' is missing" / "... is unexpected".
 */
void qmp_register_command(const char *name, const char *args_spec,
                          QMPCommandFunc fn);
/* {} (what commands with nothing to say return). */
JsonNode *qmp_ok(void);

/*
 * Send {"timestamp": ..., "event": name[, "data": data]} to every QMP
 * client (data: NULL or an object, owned by the callee).
 */
void qmp_event_send(const char *name, JsonObject *data);

#endif /* KESTREL_MONITOR_H */

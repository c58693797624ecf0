/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the monitor's files tell each other:
 *
 *     monitor.c    Monitor objects, output, the command registries,
 *                  opening monitors from the command line, events for
 *                  run-state changes, resets and shutdowns
 *     hmp.c        the HMP line editor, parser and dispatcher
 *     hmp-cmds.c   the built-in HMP commands
 *     qmp.c        the QMP stream parser, negotiation, dispatch, JSON
 *                  output and event fan-out
 *     qmp-cmds.c   the built-in QMP commands
 */
#ifndef KESTREL_SOFTMMU_MONITOR_INTERNAL_H
#define KESTREL_SOFTMMU_MONITOR_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/monitor.h"
#include "sysemu-internal.h"

#define HMP_PROMPT "(qemu) "
#define HMP_LINE_MAX 1024

/* What QMP and `info version` report: QEMU's shape, Kestrel's package. */
#define MONITOR_QEMU_MAJOR 7
#define MONITOR_QEMU_MINOR 2
#define MONITOR_QEMU_MICRO 0

typedef struct QMPStreamer QMPStreamer;

struct Monitor {
    bool qmp;                   /* QMP (mode=control), else HMP */
    Chardev *chr;               /* NULL: output captured only */
    GString *capture;           /* human-monitor-command's output */

    /* HMP */
    bool mux;                   /* shares a console (Ctrl-A c) */
    bool focused;               /* mux: the input comes here */
    bool banner_done;
    GString *line;              /* being typed */
    int esc;                    /* 0, or inside an escape sequence */
    bool last_cr;               /* the last byte was '\r' */
    int cur_cpu;                /* `cpu N` / info registers default */

    /* QMP */
    bool pretty;
    bool connected;
    bool negotiated;            /* qmp_capabilities done */
    QMPStreamer *stream;
};

typedef struct HMPCmd {
    const char *name;
    const char *params;
    const char *help;
    HMPCommandFunc fn;
} HMPCmd;

typedef struct QMPCmd {
    const char *name;
    const char *args_spec;
    QMPCommandFunc fn;
} QMPCmd;

/* monitor.c */
extern MachineState *monitor_machine;
/* The registries, in registration order (HMPCmd *, QMPCmd *). */
GPtrArray *monitor_hmp_cmds(void);
GPtrArray *monitor_info_cmds(void);
GPtrArray *monitor_qmp_cmds(void);
/* Every QMP monitor (Monitor *), for events. */
GPtrArray *monitor_qmp_list(void);
/* Raw output to mon's chardev or capture (no "\n" conversion). */
void monitor_write(Monitor *mon, const char *s, size_t len);
/* The CPU with index i (NULL if none), and mon's current one. */
CPUState *monitor_cpu(int i);
CPUState *monitor_cur_cpu(Monitor *mon);
/* "Kestrel 0.1.0": the package string. */
const char *monitor_package(void);
/* Run fn(f, opaque) on a memory stream and print what it wrote. */
void monitor_print_stream(Monitor *mon, void (*fn)(FILE *f, void *opaque),
                          void *opaque);
/* A host-initiated shutdown / reset: the event now, the request after. */
void monitor_request_shutdown(const char *reason);
void monitor_request_reset(void);
void monitor_request_powerdown(void);

/* hmp.c */
Monitor *hmp_new(Chardev *chr, bool mux);
/* Run one command line (mon may be a capture monitor). */
void hmp_execute(Monitor *mon, const char *line);
void hmp_register_builtins(void);
/* hmp-cmds.c: fills the HMP registries. */
void hmp_cmds_register(void);

/* qmp.c */
Monitor *qmp_new(Chardev *chr, bool pretty);
/* Feed raw input (the chardev receive callback, and the fuzzer). */
void qmp_feed(Monitor *mon, const uint8_t *buf, size_t len);
/* A monitor that writes replies to capture (tests, the fuzzer). */
Monitor *qmp_new_capture(void);
void qmp_monitor_free(Monitor *mon);
/* JSON text of node, QEMU's spacing ({"a": 1, "b": [1, 2]}). */
void qmp_json_append(GString *out, JsonNode *node, bool pretty, int indent);
/* qmp-cmds.c: fills the QMP registry. */
void qmp_cmds_register(void);

#endif /* KESTREL_SOFTMMU_MONITOR_INTERNAL_H */

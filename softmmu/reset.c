/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reset registry.  Boards register their CPUs' and devices' reset
 * functions as they create them; a system reset (the guest's PSCI
 * SYSTEM_RESET, or start-up: machine_run resets once before the vCPUs
 * start, as QEMU does) calls them all, in registration order, with
 * every vCPU parked and the BQL held.
 */
#include <glib.h>

#include "sysemu-internal.h"

typedef struct ResetEntry {
    void (*fn)(void *opaque);
    void *opaque;
} ResetEntry;

static GArray *reset_entries;       /* ResetEntry, BQL (or before start) */

void system_register_reset(void (*fn)(void *opaque), void *opaque)
{
    ResetEntry e = { .fn = fn, .opaque = opaque };

    if (!reset_entries) {
        reset_entries = g_array_new(false, true, sizeof(ResetEntry));
    }
    g_array_append_val(reset_entries, e);
}

void system_run_resets(void)
{
    if (!reset_entries) {
        return;
    }
    for (guint i = 0; i < reset_entries->len; i++) {
        ResetEntry *e = &g_array_index(reset_entries, ResetEntry, i);

        e->fn(e->opaque);
    }
}

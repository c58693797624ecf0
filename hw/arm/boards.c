/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boards kestrel-system-aarch64 has: one table, searched by -M.
 */
#include <string.h>

#include "hw/arm/virt.h"

static const MachineClass *const machines[] = {
    &virt_machine,
};

const MachineClass *machine_find(const char *name)
{
    if (!name) {
        return machines[0];     /* the default board */
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(machines); i++) {
        if (strcmp(machines[i]->name, name) == 0) {
            return machines[i];
        }
    }
    return NULL;
}

void machine_list(FILE *f)
{
    fprintf(f, "Supported machines are:\n");
    for (unsigned i = 0; i < G_N_ELEMENTS(machines); i++) {
        fprintf(f, "%-20s %s%s\n", machines[i]->name, machines[i]->desc,
                i == 0 ? " (default)" : "");
    }
}

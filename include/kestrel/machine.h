/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boards.  The command line (softmmu/main.c) fills a MachineState and
 * calls the chosen board's init, which creates CPUs, memory and devices
 * in order, explicitly (no hidden registration), and loads the images.
 */
#ifndef KESTREL_MACHINE_H
#define KESTREL_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "kestrel/cpu.h"
#include "kestrel/memory.h"
#include "kestrel/sysemu.h"

#define MAX_SERIAL_PORTS 4
#define MAX_CPUS 8

typedef struct MachineState {
    /* From the command line. */
    const char *machine_opts;   /* -M virt,gic-version=3: after the name */
    const char *cpu_model;      /* -cpu, NULL = the board's default */
    uint64_t ram_size;          /* -m, bytes (default 128 MiB) */
    int smp;                    /* -smp, >= 1 */
    const char *kernel;         /* -kernel */
    const char *initrd;         /* -initrd */
    const char *append;         /* -append, "" if none */
    const char *dtb;            /* -dtb */
    const char *bios;           /* -bios */
    bool no_reboot;             /* -no-reboot */
    Chardev *serial[MAX_SERIAL_PORTS]; /* -serial / -nographic; NULL */
    GPtrArray *devices;         /* -device specs (char *), for the board */
    GPtrArray *drives;          /* -drive specs (char *; -hda etc. are
                                   rewritten as -drive), opened by the
                                   board with drive_add() (block.h) */
    bool snapshot;              /* -snapshot: no writes reach any image */

    /* Filled by the board. */
    int nb_cpus;
    CPUState *cpus[MAX_CPUS];
    MemoryRegion *ram;
} MachineState;

typedef struct MachineClass {
    const char *name;           /* -M name */
    const char *desc;           /* -M help */
    const char *default_cpu;
    int max_cpus;
    /*
     * Build the machine.  machine_opts is the text after "name," (e.g.
     * "gic-version=3"): unknown properties are an error naming them.
     */
    bool (*init)(MachineState *ms, GError **errp);
} MachineClass;

/* The boards this binary has (a table in the board files' main). */
const MachineClass *machine_find(const char *name);
void machine_list(FILE *f);

/*
 * Run the machine: start vCPU threads at their reset state and run the
 * main loop until shutdown.  Returns the process exit status.
 */
int machine_run(MachineState *ms);

#endif /* KESTREL_MACHINE_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-system-aarch64: emulate an AArch64 machine.
 *
 *     kestrel-system-aarch64 -M virt -nographic -kernel Image
 *
 * Start-up order: parse the command line (vl.c), bring up TCG with the
 * -accel options and put the softmmu slow paths into its IR context,
 * open the character backends, let the board build the machine, run it
 * (machine.c) and exit with its status.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "frontend/aarch64/cpu.h"
#include "kestrel/gdbstub.h"
#include "kestrel/log.h"
#include "kestrel/tlb.h"
#include "monitor-block.h"
#include "sysemu-internal.h"

G_NORETURN static void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "kestrel-system-aarch64: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

int main(int argc, char **argv)
{
    /* Static: what it points to stays reachable until exit. */
    static VLConfig cfg;
    g_autoptr(GError) err = NULL;
    const MachineClass *mc;
    int status;

    if (!vl_parse(&cfg, argc, argv, &err)) {
        die("%s", err->message);
    }
    if (cfg.cpu_help) {
        aarch64_cpu_list(stdout);
    }
    if (cfg.exit_now) {
        return 0;
    }
    mc = vl_find_machine(&cfg, &err);
    if (!mc) {
        die("%s", err->message);
    }
    /*
     * 2^12 two-way sets (256 KiB) per address-space context: a Linux
     * boot misses as rarely as with 2^16 direct-mapped entries, while the
     * hot sets stay in the host's caches (a bigger table cost the
     * workload more in cache misses than it saved in lookups).
     */
    cfg.tcg.jmp_cache_bits = 12;
    if (!tcg_init(&cfg.tcg, &err)) {
        die("-accel: %s", err->message);
    }
    softmmu_install_hooks(tcg_ir_context());
    cpus_set_thread_mode(cfg.tcg.thread);
    icount_configure(cfg.icount_shift);
    monitor_block_register();   /* info block, query-block */
    if (!vl_open_backends(&cfg, &err) || !mc->init(&cfg.ms, &err)) {
        die("%s", err->message);
    }
    if (cfg.gdb_spec && !gdbserver_start(cfg.gdb_spec, &err)) {
        die("-gdb: %s", err->message);
    }
    if (cfg.start_stopped) {
        vm_stop();      /* -S: until gdb or the monitor resumes */
    }
    status = machine_run(&cfg.ms);
    if (log_enabled(LOG_TB_STATS)) {
        tcg_print_stats(log_file());
        tcg_dump_hot_tbs(log_file(), 10);
    }
    return status;
}

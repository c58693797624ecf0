/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The built-in HMP commands, QEMU's spellings and output formats:
 * run control (stop, cont, system_reset, system_powerdown, quit), the
 * memory dumps x and xp, log, gdbserver, cpu, and the info commands
 * status, registers, mtree, tlb, cpus, version, jit.  `info block` is
 * registered by the binary's main (softmmu may not depend on block/).
 *
 * Adding one: write `static void hmp_foo(Monitor *mon, const char
 * *args)` printing with monitor_printf, and add a line to
 * hmp_cmds_register (or monitor_register_info for `info foo`).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "kestrel/gdbstub.h"
#include "kestrel/log.h"
#include "kestrel/tb.h"
#include "monitor-internal.h"

/*
 * The gdb stub is linked only into binaries that have it (gdbstub/):
 * a weak reference keeps this library free of the dependency.
 */
extern bool gdbserver_start(const char *spec, GError **errp)
    __attribute__((weak));

/* ------------------------------------------------------------------ */
/* Run control                                                         */

static void hmp_stop(Monitor *mon, const char *args)
{
    vm_stop();
}

static void hmp_cont(Monitor *mon, const char *args)
{
    vm_start();
}

static void hmp_system_reset(Monitor *mon, const char *args)
{
    monitor_request_reset();
}

static void hmp_system_powerdown(Monitor *mon, const char *args)
{
    monitor_request_powerdown();
}

static void hmp_quit(Monitor *mon, const char *args)
{
    monitor_request_shutdown("host-qmp-quit");
}

static void hmp_cpu(Monitor *mon, const char *args)
{
    char *end;
    long i = strtol(args, &end, 10);

    if (end == args || *end || !monitor_cpu((int)i)) {
        monitor_printf(mon, "invalid CPU index\n");
        return;
    }
    mon->cur_cpu = (int)i;
}

static void log_help(FILE *f, void *opaque)
{
    log_print_help(f);
}

static void hmp_log(Monitor *mon, const char *args)
{
    g_autoptr(GError) err = NULL;
    int mask;

    if (!*args) {
        monitor_printf(mon, "log: string expected\n"
                       "Try \"help log\" for more information\n");
        return;
    }
    if (!strcmp(args, "none")) {
        kestrel_log_mask = 0;
        return;
    }
    mask = log_parse_items(args, &err);
    if (mask < 0) {
        monitor_printf(mon, "%s\n", err->message);
        monitor_print_stream(mon, log_help, NULL);
        return;
    }
    kestrel_log_mask = mask;
}

static void hmp_gdbserver(Monitor *mon, const char *args)
{
    g_autoptr(GError) err = NULL;
    const char *spec = *args ? args : "tcp::1234";

    if (!gdbserver_start) {
        monitor_printf(mon, "gdbserver: no gdb stub in this binary\n");
    } else if (!strcmp(spec, "none")) {
        monitor_printf(mon, "Disabled gdbserver\n");
    } else if (!gdbserver_start(spec, &err)) {
        monitor_printf(mon, "Could not open gdbserver on device '%s': %s\n",
                       spec, err ? err->message : "error");
    } else {
        monitor_printf(mon, "Waiting for gdb connection on device '%s'\n",
                       spec);
    }
}

/* ------------------------------------------------------------------ */
/* x and xp                                                            */

typedef struct DumpFormat {
    int count;
    char fmt;                   /* x d u o c i */
    int size;                   /* 1 2 4 8 */
} DumpFormat;

/* "/[count][fmt][size]" (fmt and size in either order); false if bad. */
static bool dump_parse_format(const char **p, DumpFormat *df)
{
    const char *s = *p;
    bool size_given = false;

    df->count = 1;
    df->fmt = 'x';
    df->size = 4;
    if (*s != '/') {
        return true;
    }
    s++;
    if (g_ascii_isdigit(*s)) {
        df->count = (int)strtol(s, (char **)&s, 10);
    }
    for (; *s && *s != ' ' && *s != '\t'; s++) {
        const char *fmts = "xduoci", *sizes = "bhwg";
        const char *f = strchr(fmts, *s), *z = strchr(sizes, *s);

        if (f) {
            df->fmt = *f;
        } else if (z) {
            df->size = 1 << (z - sizes);
            size_given = true;
        } else {
            return false;
        }
    }
    if (df->fmt == 'c' && !size_given) {
        df->size = 1;
    }
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    *p = s;
    return df->count > 0;
}

static void dump_printc(Monitor *mon, unsigned c)
{
    switch (c) {
    case '\'':
        monitor_printf(mon, "'\\''");
        break;
    case '\\':
        monitor_printf(mon, "'\\\\'");
        break;
    case '\n':
        monitor_printf(mon, "'\\n'");
        break;
    case '\r':
        monitor_printf(mon, "'\\r'");
        break;
    default:
        if (c >= 32 && c <= 126) {
            monitor_printf(mon, "'%c'", c);
        } else {
            monitor_printf(mon, "'\\x%02x'", c);
        }
        break;
    }
}

/* Read len bytes at addr, virtual (through cpu's regime) or physical. */
static bool dump_read(CPUState *cpu, bool phys, uint64_t addr,
                      uint8_t *buf, size_t len)
{
    AddressSpace *as = cpu && cpu->as ? cpu->as : address_space_memory();

    while (len > 0) {
        uint64_t pa = addr;
        size_t n = MIN(len, TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK));

        if (!phys) {
            if (!cpu || !cpu->ops->gdb || !cpu->ops->gdb->phys_addr_debug ||
                !cpu->ops->gdb->phys_addr_debug(cpu, addr, &pa)) {
                return false;
            }
        }
        if (address_space_read(as, pa, buf, n) != MEMTX_OK) {
            return false;
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

static int dump_digits(const DumpFormat *df)
{
    switch (df->fmt) {
    case 'o':
        return (df->size * 8 + 2) / 3;
    case 'u':
    case 'd':
        return (df->size * 8 * 10 + 32) / 33;
    default:
        return df->size * 2;
    }
}

static void dump_value(Monitor *mon, const DumpFormat *df, uint64_t v)
{
    int w = dump_digits(df);

    monitor_printf(mon, " ");
    switch (df->fmt) {
    case 'o':
        monitor_printf(mon, "%#*" PRIo64, w, v);
        break;
    case 'u':
        monitor_printf(mon, "%*" PRIu64, w, v);
        break;
    case 'd':
        monitor_printf(mon, "%*" PRId64, w, (int64_t)v);
        break;
    case 'c':
        dump_printc(mon, (unsigned)v);
        break;
    default:
        monitor_printf(mon, "0x%0*" PRIx64, w, v);
        break;
    }
}

/* One output line: up to 16 bytes (8 for bytes) at addr. */
static bool dump_line(Monitor *mon, CPUState *cpu, bool phys,
                      const DumpFormat *df, uint64_t addr, int len)
{
    uint8_t buf[16];

    monitor_printf(mon, "%016" PRIx64 ":", addr);
    if (!dump_read(cpu, phys, addr, buf, len)) {
        monitor_printf(mon, " Cannot access memory\n");
        return false;
    }
    for (int i = 0; i < len; i += df->size) {
        uint64_t v = 0;

        for (int b = df->size - 1; b >= 0; b--) {
            v = v << 8 | buf[i + b];    /* the guest is little-endian */
        }
        dump_value(mon, df, v);
    }
    monitor_printf(mon, "\n");
    return true;
}

static void dump_insns(Monitor *mon, CPUState *cpu, bool phys,
                       uint64_t addr, int count)
{
    csh h;

    if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h) != CS_ERR_OK) {
        monitor_printf(mon, "no disassembler\n");
        return;
    }
    for (int i = 0; i < count; i++, addr += 4) {
        uint8_t b[4];
        cs_insn *insn;

        if (!dump_read(cpu, phys, addr, b, 4)) {
            monitor_printf(mon, "0x%08" PRIx64 ": Cannot access memory\n",
                           addr);
            break;
        }
        monitor_printf(mon, "0x%08" PRIx64 ":  %02x%02x%02x%02x  ", addr,
                       b[3], b[2], b[1], b[0]);
        if (cs_disasm(h, b, 4, addr, 1, &insn) == 1) {
            monitor_printf(mon, "%-8s %s\n", insn->mnemonic, insn->op_str);
            cs_free(insn, 1);
        } else {
            monitor_printf(mon, "%-8s 0x%02x, 0x%02x, 0x%02x, 0x%02x\n",
                           ".byte", b[0], b[1], b[2], b[3]);
        }
    }
    cs_close(&h);
}

static void hmp_memory_dump(Monitor *mon, const char *args, bool phys)
{
    DumpFormat df;
    const char *p = args;
    char *end;
    uint64_t addr;
    int64_t len;

    if (!dump_parse_format(&p, &df)) {
        monitor_printf(mon, "invalid format '%s'\n", args);
        return;
    }
    addr = strtoull(p, &end, 0);
    if (end == p || *end) {
        monitor_printf(mon, "%s: address expected\n", phys ? "xp" : "x");
        return;
    }
    if (df.fmt == 'i') {
        dump_insns(mon, monitor_cur_cpu(mon), phys, addr, df.count);
        return;
    }
    len = (int64_t)df.count * df.size;
    while (len > 0) {
        int line = df.size == 1 ? 8 : 16;
        int n = (int)MIN(len, line);

        if (!dump_line(mon, monitor_cur_cpu(mon), phys, &df, addr, n)) {
            break;
        }
        addr += n;
        len -= n;
    }
}

static void hmp_x(Monitor *mon, const char *args)
{
    hmp_memory_dump(mon, args, false);
}

static void hmp_xp(Monitor *mon, const char *args)
{
    hmp_memory_dump(mon, args, true);
}

/* ------------------------------------------------------------------ */
/* info                                                                */

static void info_status(Monitor *mon, const char *args)
{
    monitor_printf(mon, "VM status: %s\n",
                   runstate_is_running() ? "running" : "paused");
}

static void dump_cpu(FILE *f, void *opaque)
{
    CPUState *cpu = opaque;

    cpu->ops->dump_state(cpu, f);
}

static void info_registers_of(Monitor *mon, CPUState *cpu, bool header)
{
    if (header) {
        monitor_printf(mon, "\nCPU#%d\n", cpu->cpu_index);
    }
    if (cpu->ops->dump_state) {
        monitor_print_stream(mon, dump_cpu, cpu);
    }
}

/* info registers [-a|vcpu]: the current CPU, all, or one. */
static void info_registers(Monitor *mon, const char *args)
{
    CPUState *cpu;

    if (!strcmp(args, "-a")) {
        for (int i = 0; (cpu = monitor_cpu(i)); i++) {
            info_registers_of(mon, cpu, true);
        }
        return;
    }
    if (*args) {
        char *end;
        long i = strtol(args, &end, 10);

        cpu = *end ? NULL : monitor_cpu((int)i);
        if (!cpu) {
            monitor_printf(mon, "CPU#%s not available\n", args);
            return;
        }
    } else {
        cpu = monitor_cur_cpu(mon);
    }
    if (cpu) {
        info_registers_of(mon, cpu, false);
    }
}

/* Alias targets outside the system tree, printed after it as QEMU does. */
static void mtree_collect_aliases(MemoryRegion *mr, GPtrArray *out)
{
    if (mr->kind == MR_ALIAS && mr->alias && !mr->alias->parent &&
        mr->alias != get_system_memory() &&
        !g_ptr_array_find(out, mr->alias, NULL)) {
        g_ptr_array_add(out, mr->alias);
    }
    for (guint i = 0; mr->subregions && i < mr->subregions->len; i++) {
        mtree_collect_aliases(g_ptr_array_index(mr->subregions, i), out);
    }
}

static void mtree_print(FILE *f, void *opaque)
{
    g_autoptr(GPtrArray) aliases = g_ptr_array_new();

    for (int i = 0; monitor_cpu(i); i++) {
        fprintf(f, "address-space: cpu-memory-%d\n", i);
    }
    fprintf(f, "address-space: memory\n");
    memory_print_tree(f, get_system_memory());
    fprintf(f, "\n");
    mtree_collect_aliases(get_system_memory(), aliases);
    for (guint i = 0; i < aliases->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(aliases, i);

        fprintf(f, "memory-region: %s\n", mr->name);
        memory_print_tree(f, mr);
        fprintf(f, "\n");
    }
}

static void info_mtree(Monitor *mon, const char *args)
{
    monitor_print_stream(mon, mtree_print, NULL);
}

static void dump_mmu(FILE *f, void *opaque)
{
    CPUState *cpu = opaque;

    cpu->ops->dump_mmu(cpu, f);
}

static void info_tlb(Monitor *mon, const char *args)
{
    CPUState *cpu = monitor_cur_cpu(mon);

    if (!cpu || !cpu->ops->dump_mmu) {
        monitor_printf(mon, "info tlb: not supported for this CPU\n");
        return;
    }
    monitor_print_stream(mon, dump_mmu, cpu);
}

static void info_cpus(Monitor *mon, const char *args)
{
    CPUState *cur = monitor_cur_cpu(mon), *cpu;

    for (int i = 0; (cpu = monitor_cpu(i)); i++) {
        monitor_printf(mon, "%c CPU #%d: thread_id=%d\n",
                       cpu == cur ? '*' : ' ', cpu->cpu_index,
                       cpus_thread_id(cpu));
    }
}

static void info_version(Monitor *mon, const char *args)
{
    monitor_printf(mon, "%d.%d.%d (%s)\n", MONITOR_QEMU_MAJOR,
                   MONITOR_QEMU_MINOR, MONITOR_QEMU_MICRO,
                   monitor_package());
}

static void jit_print(FILE *f, void *opaque)
{
    tcg_print_stats(f);
}

static void info_jit(Monitor *mon, const char *args)
{
    monitor_print_stream(mon, jit_print, NULL);
}

static void tbs_print(FILE *f, void *opaque)
{
    tcg_dump_hot_tbs(f, GPOINTER_TO_UINT(opaque));
}

/*
 * info tbs [N]: the N (default 10) hottest TBs, guest code, IR and host
 * code side by side.  It translates them again on a vCPU, so the VM is
 * stopped around it.
 */
static void info_tbs(Monitor *mon, const char *args)
{
    bool running = runstate_is_running();
    unsigned long n = 10;
    char *end;

    if (args && *args) {
        n = strtoul(args, &end, 0);
        if (*end || !n) {
            monitor_printf(mon, "info tbs: invalid count '%s'\n", args);
            return;
        }
    }
    if (running) {
        vm_stop();
    }
    monitor_print_stream(mon, tbs_print, GUINT_TO_POINTER((unsigned)n));
    if (running) {
        vm_start();
    }
}

static void info_block_none(Monitor *mon, const char *args)
{
    monitor_printf(mon, "info block: no block layer in this binary\n");
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */

void hmp_cmds_register(void)
{
    hmp_register_builtins();
    monitor_register_hmp("x", "/fmt addr", "virtual memory dump starting "
                         "at 'addr'", hmp_x);
    monitor_register_hmp("xp", "/fmt addr", "physical memory dump starting "
                         "at 'addr'", hmp_xp);
    monitor_register_hmp("stop", "", "stop emulation", hmp_stop);
    monitor_register_hmp("cont", "", "resume emulation", hmp_cont);
    monitor_register_hmp("c", "", "resume emulation", hmp_cont);
    monitor_register_hmp("system_reset", "", "reset the system",
                         hmp_system_reset);
    monitor_register_hmp("system_powerdown", "",
                         "send system power down event",
                         hmp_system_powerdown);
    monitor_register_hmp("quit", "", "quit the emulator", hmp_quit);
    monitor_register_hmp("q", "", "quit the emulator", hmp_quit);
    monitor_register_hmp("cpu", "index", "set the default CPU", hmp_cpu);
    monitor_register_hmp("log", "item1[,...]", "activate logging of the "
                         "specified items", hmp_log);
    monitor_register_hmp("gdbserver", "[device]", "start gdbserver on "
                         "given device (default 'tcp::1234'), stop with "
                         "'none'", hmp_gdbserver);
    monitor_register_info("block", "show the block devices",
                          info_block_none);
    monitor_register_info("cpus", "show infos for each CPU", info_cpus);
    monitor_register_info("jit", "show dynamic compiler info", info_jit);
    monitor_register_info("tbs", "[N] show the N hottest translation blocks "
                          "(-d tb_stats counts them)", info_tbs);
    monitor_register_info("mtree", "show memory tree", info_mtree);
    monitor_register_info("registers", "show the cpu registers (-a: all "
                          "cpus; vcpu: that one; default: the current one)",
                          info_registers);
    monitor_register_info("status", "show the current VM status "
                          "(running|paused)", info_status);
    monitor_register_info("tlb", "show the guest's page tables (current "
                          "translation regime)", info_tlb);
    monitor_register_info("version", "show the version", info_version);
}

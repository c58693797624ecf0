/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line of kestrel-system-aarch64, in QEMU's spellings:
 *
 *     kestrel-system-aarch64 -M virt -cpu max -m 1G -smp 2 -nographic \
 *         -kernel Image -initrd rootfs.cpio.gz -append "console=ttyAMA0"
 *
 * vl_parse fills a VLConfig (the MachineState the board gets, plus what
 * main needs: TCG options, backends to open); every bad option is a
 * one-line GError naming it.  Nothing is opened while parsing, so that
 * -help never creates a pty; vl_open_backends opens the -chardev and
 * -serial backends afterwards.  docs/user/system.md is the user guide.
 */
#include <errno.h>
#include <math.h>    /* isfinite */
#include <stdlib.h>
#include <string.h>

#include "kestrel/log.h"
#include "sysemu-internal.h"

#ifndef KESTREL_VERSION
#define KESTREL_VERSION "unknown"
#endif

#define DEFAULT_RAM_SIZE (128ull << 20)

void vl_usage(FILE *f)
{
    fprintf(f,
"Usage: kestrel-system-aarch64 [options] [disk_image]\n"
"Emulate an AArch64 machine.\n\n"
"Machine:\n"
"  -M, -machine NAME[,prop=value...]  board (-M help lists them)\n"
"  -cpu MODEL           CPU model (-cpu help lists them)\n"
"  -m SIZE              RAM size, MiB or with a K/M/G/T suffix (128M)\n"
"  -smp N               number of CPUs (also cpus=N,sockets=...)\n"
"  -device SPEC         add a device (-device help lists them)\n"
"  -no-reboot           exit instead of rebooting when the guest resets\n"
"  -nic none, -net none  no network card (networking is not supported)\n"
"Disks:\n"
"  -drive file=F[,format=raw|qcow2][,if=virtio|none|pflash][,id=ID]\n"
"         [,index=N][,readonly=on|off][,snapshot=on|off]\n"
"         [,discard=ignore|unmap]\n"
"         [,cache=writeback|writethrough|none|directsync|unsafe]\n"
"                       add a disk (if=virtio, the default: a virtio-blk;\n"
"                       if=none: for -device virtio-blk-device,drive=ID)\n"
"  -hda/-hdb/-hdc/-hdd FILE  disk 0..3 (same as -drive file=FILE,index=N)\n"
"  -snapshot            write to temporary overlays, never to the images\n"
"Boot:\n"
"  -kernel FILE         Linux Image (or gzip-compressed) or ELF to boot\n"
"  -initrd FILE         initial ramdisk\n"
"  -append CMDLINE      kernel command line\n"
"  -dtb FILE            device tree blob instead of the generated one\n"
"  -bios FILE           firmware image (U-Boot, EDK2)\n"
"Console and character devices:\n"
"  -nographic           no display; serial port 0 on stdio (C-a h: help)\n"
"  -display none        no display\n"
"  -serial SPEC         next serial port: stdio, mon:stdio, null, none,\n"
"                       file:PATH, pty, tcp:[HOST]:PORT[,server=on]\n"
"                       [,wait=off], unix:PATH[,server=on], chardev:ID\n"
"  -chardev BACKEND,id=ID[,...]  stdio, null, file, pty or socket\n"
"Translation and debugging:\n"
"  -accel tcg[,tb-size=MiB][,backend=jit|interp][,split-wx=on|off]\n"
"             [,thread=single|multi]  CPUs in one thread (default) or each\n"
"                                     in its own (not safe yet)\n"
"  -icount shift=N      deterministic guest time: 2^N ns per instruction\n"
"  -d ITEM,...          log items (-d help lists them)\n"
"  -D FILE              write the log to FILE instead of stderr\n"
"  -dfilter RANGE,...   per-TB logs only for TBs in the ranges\n"
"                       (START..LAST, START+SIZE, START-SIZE)\n"
"  -gdb SPEC            wait for gdb on tcp::PORT, tcp:HOST:PORT or\n"
"                       unix:PATH (docs/user/gdb.md)\n"
"  -s                   -gdb tcp::1234\n"
"  -S                   start stopped (until gdb or the monitor's cont)\n"
"Monitors (docs/user/monitor.md):\n"
"  -monitor SPEC        HMP on a -serial style backend (stdio, none,\n"
"                       unix:PATH,server=on,wait=off, tcp:HOST:PORT,...)\n"
"  -qmp SPEC            QMP on such a backend\n"
"  -mon chardev=ID[,mode=readline|control][,pretty=on|off]\n"
"                       a monitor on a -chardev\n"
"  -h, -help            print this help\n"
"  -version             print the version\n");
}

static bool vl_error(GError **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool vl_error(GError **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_propagate_error(errp, g_error_new_valist(G_OPTION_ERROR,
                                               G_OPTION_ERROR_BAD_VALUE,
                                               fmt, ap));
    va_end(ap);
    return false;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* "512", "512M", "1G", "1.5G", "size=2G": bytes (no suffix: MiB). */
static bool vl_parse_ram_size(const char *arg, uint64_t *out)
{
    const char *s = g_str_has_prefix(arg, "size=") ? arg + 5 : arg;
    const char *suffixes = "KMGT";
    const char *p;
    char *end;
    double v;
    int shift = 20;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v <= 0 || s[0] == '-') {
        return false;
    }
    if (*end && (p = strchr(suffixes, g_ascii_toupper(*end)))) {
        shift = 10 * (int)(p - suffixes + 1);
        end++;
        if (*end == 'B' || *end == 'b') {
            end++;
        }
    }
    v *= (double)(1ull << shift);
    if (*end || v >= 9223372036854775808.0) {
        return false;
    }
    *out = (uint64_t)v;
    if ((double)*out < v) {
        (*out)++;
    }
    /* Whole pages, as QEMU rounds. */
    *out = (*out + TARGET_PAGE_SIZE - 1) & TARGET_PAGE_MASK;
    return true;
}

static bool vl_parse_uint(const char *s, unsigned long *out)
{
    char *end;

    errno = 0;
    *out = strtoul(s, &end, 10);
    return !errno && end != s && !*end && s[0] != '-';
}

/* "N" or "cpus=N,sockets=S,cores=C,threads=T,maxcpus=M". */
static bool vl_parse_smp(const char *arg, int *out)
{
    g_auto(GStrv) items = g_strsplit(arg, ",", -1);
    unsigned long cpus = 0, topo = 1, v;

    for (char **p = items; *p; p++) {
        char *eq = strchr(*p, '=');
        const char *val = eq ? eq + 1 : *p;

        if (!vl_parse_uint(val, &v) || v == 0) {
            return false;
        }
        if (!eq) {
            if (p != items) {
                return false;
            }
            cpus = v;
        } else if (!strncmp(*p, "cpus=", 5)) {
            cpus = v;
        } else if (!strncmp(*p, "sockets=", 8) ||
                   !strncmp(*p, "cores=", 6) ||
                   !strncmp(*p, "threads=", 8) ||
                   !strncmp(*p, "clusters=", 9) ||
                   !strncmp(*p, "dies=", 5)) {
            topo *= v;
        } else if (strncmp(*p, "maxcpus=", 8)) {
            return false;
        }
    }
    *out = cpus ? (int)MIN(cpus, (unsigned long)INT32_MAX)
                : (int)MIN(topo, (unsigned long)INT32_MAX);
    return true;
}

/* -M [type=]NAME[,props]: the name, and props appended to machine_opts. */
static bool vl_parse_machine(VLConfig *cfg, const char *arg, GError **errp)
{
    g_auto(GStrv) items = g_strsplit(arg, ",", -1);
    GString *props = g_string_new(cfg->ms.machine_opts);

    for (char **p = items; *p; p++) {
        if (!**p) {
            continue;
        }
        if (p == items && !strchr(*p, '=')) {
            cfg->machine_name = g_strdup(*p);
        } else if (g_str_has_prefix(*p, "type=")) {
            cfg->machine_name = g_strdup(*p + 5);
        } else {
            g_string_append_printf(props, "%s%s", props->len ? "," : "", *p);
        }
    }
    cfg->ms.machine_opts = g_string_free(props, false);
    if (cfg->machine_name && (!strcmp(cfg->machine_name, "help") ||
                              !strcmp(cfg->machine_name, "?"))) {
        machine_list(stdout);
        cfg->exit_now = true;
    } else if (cfg->machine_name && !*cfg->machine_name) {
        return vl_error(errp, "-M: empty machine name");
    }
    return true;
}

/* Check one -icount property other than shift (which is parsed). */
static bool vl_icount_prop(const char *p, GError **errp)
{
    if (!strcmp(p, "sleep=on") || !strcmp(p, "sleep=off") ||
        !strcmp(p, "align=off")) {
        return true;            /* idle CPUs always warp: sleep=off */
    }
    if (g_str_has_prefix(p, "align=") || g_str_has_prefix(p, "rr=") ||
        g_str_has_prefix(p, "rrfile=")) {
        return vl_error(errp, "-icount: '%s' is not supported", p);
    }
    return vl_error(errp, "-icount: unknown property '%s'", p);
}

/* -icount shift=N[,sleep=on|off][,align=off] or -icount N. */
static bool vl_parse_icount(VLConfig *cfg, const char *arg, GError **errp)
{
    g_auto(GStrv) items = g_strsplit(arg, ",", -1);
    unsigned long v;

    for (char **p = items; *p; p++) {
        const char *shift = NULL;

        if (p == items && !strchr(*p, '=')) {
            shift = *p;
        } else if (g_str_has_prefix(*p, "shift=")) {
            shift = *p + 6;
        } else if (!vl_icount_prop(*p, errp)) {
            return false;
        }
        if (!shift) {
            continue;
        }
        if (!strcmp(shift, "auto")) {
            return vl_error(errp, "-icount: shift=auto is not supported "
                            "(give shift=N)");
        }
        if (!vl_parse_uint(shift, &v) || v > 10) {
            return vl_error(errp, "-icount: invalid shift '%s' (0..10 or "
                            "auto)", shift);
        }
        cfg->icount_shift = (int)v;
    }
    if (cfg->icount_shift < 0) {
        return vl_error(errp, "-icount: missing shift=N");
    }
    cfg->tcg.icount = true;
    return true;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

typedef bool (*VLHandler)(VLConfig *cfg, const char *arg, GError **errp);

static bool opt_machine(VLConfig *cfg, const char *arg, GError **errp)
{
    return vl_parse_machine(cfg, arg, errp);
}

static bool opt_cpu(VLConfig *cfg, const char *arg, GError **errp)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        cfg->cpu_help = true;
        cfg->exit_now = true;
    }
    cfg->ms.cpu_model = arg;
    return true;
}

static bool opt_m(VLConfig *cfg, const char *arg, GError **errp)
{
    if (!vl_parse_ram_size(arg, &cfg->ms.ram_size)) {
        return vl_error(errp, "-m: invalid size '%s'", arg);
    }
    return true;
}

static bool opt_smp(VLConfig *cfg, const char *arg, GError **errp)
{
    if (!vl_parse_smp(arg, &cfg->ms.smp)) {
        return vl_error(errp, "-smp: invalid value '%s'", arg);
    }
    if (cfg->ms.smp > MAX_CPUS) {
        return vl_error(errp, "-smp: at most %d CPUs are supported",
                        MAX_CPUS);
    }
    return true;
}

static bool opt_string(const char **dst, const char *arg)
{
    *dst = arg;
    return true;
}

static bool opt_kernel(VLConfig *cfg, const char *arg, GError **errp)
{
    return opt_string(&cfg->ms.kernel, arg);
}

static bool opt_initrd(VLConfig *cfg, const char *arg, GError **errp)
{
    return opt_string(&cfg->ms.initrd, arg);
}

static bool opt_append(VLConfig *cfg, const char *arg, GError **errp)
{
    return opt_string(&cfg->ms.append, arg);
}

static bool opt_dtb(VLConfig *cfg, const char *arg, GError **errp)
{
    return opt_string(&cfg->ms.dtb, arg);
}

static bool opt_bios(VLConfig *cfg, const char *arg, GError **errp)
{
    return opt_string(&cfg->ms.bios, arg);
}

static bool opt_nographic(VLConfig *cfg, const char *arg, GError **errp)
{
    cfg->nographic = true;
    return true;
}

static bool opt_display(VLConfig *cfg, const char *arg, GError **errp)
{
    if (strcmp(arg, "none") && !g_str_has_prefix(arg, "none,")) {
        return vl_error(errp, "-display: '%s' is not supported (only "
                        "none)", arg);
    }
    cfg->display_none = true;
    return true;
}

static bool opt_serial(VLConfig *cfg, const char *arg, GError **errp)
{
    if (cfg->serial_specs->len >= MAX_SERIAL_PORTS) {
        return vl_error(errp, "-serial: at most %d serial ports",
                        MAX_SERIAL_PORTS);
    }
    g_ptr_array_add(cfg->serial_specs, (char *)arg);
    return true;
}

static bool opt_chardev(VLConfig *cfg, const char *arg, GError **errp)
{
    if (!strstr(arg, "id=")) {
        return vl_error(errp, "-chardev: '%s' needs an id=", arg);
    }
    g_ptr_array_add(cfg->chardev_specs, (char *)arg);
    return true;
}

static bool opt_device(VLConfig *cfg, const char *arg, GError **errp)
{
    g_ptr_array_add(cfg->ms.devices, (char *)arg);
    return true;
}

static bool opt_drive(VLConfig *cfg, const char *arg, GError **errp)
{
    /* Opened by the board (drive_add): softmmu knows nothing of block/. */
    g_ptr_array_add(cfg->ms.drives, (char *)arg);
    return true;
}

/* -hda F is -drive file=F,index=0,media=disk (commas in F doubled). */
static bool vl_add_hd(VLConfig *cfg, int index, const char *file)
{
    g_auto(GStrv) parts = g_strsplit(file, ",", -1);
    g_autofree char *escaped = g_strjoinv(",,", parts);

    g_ptr_array_add(cfg->ms.drives, g_strdup_printf(
        "file=%s,index=%d,media=disk", escaped, index));
    return true;
}

static bool opt_hda(VLConfig *cfg, const char *arg, GError **errp)
{
    return vl_add_hd(cfg, 0, arg);
}

static bool opt_hdb(VLConfig *cfg, const char *arg, GError **errp)
{
    return vl_add_hd(cfg, 1, arg);
}

static bool opt_hdc(VLConfig *cfg, const char *arg, GError **errp)
{
    return vl_add_hd(cfg, 2, arg);
}

static bool opt_hdd(VLConfig *cfg, const char *arg, GError **errp)
{
    return vl_add_hd(cfg, 3, arg);
}

static bool opt_snapshot(VLConfig *cfg, const char *arg, GError **errp)
{
    cfg->ms.snapshot = true;
    return true;
}

static bool opt_d(VLConfig *cfg, const char *arg, GError **errp)
{
    g_autoptr(GError) err = NULL;
    int mask;

    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        log_print_help(stdout);
        cfg->exit_now = true;
        return true;
    }
    mask = log_parse_items(arg, &err);
    if (mask < 0) {
        /* log.c's message names -d already. */
        return vl_error(errp, "%s", err->message);
    }
    kestrel_log_mask |= mask;
    return true;
}

static bool opt_dfilter(VLConfig *cfg, const char *arg, GError **errp)
{
    g_autoptr(GError) err = NULL;

    if (!log_set_dfilter(arg, &err)) {
        return vl_error(errp, "%s", err->message);
    }
    return true;
}

static bool opt_D(VLConfig *cfg, const char *arg, GError **errp)
{
    g_autoptr(GError) err = NULL;

    if (!log_set_file(arg, &err)) {
        return vl_error(errp, "-D: %s", err->message);
    }
    return true;
}

static bool opt_accel(VLConfig *cfg, const char *arg, GError **errp)
{
    g_autoptr(GError) err = NULL;

    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        printf("Accelerators supported in this binary:\ntcg\n");
        cfg->exit_now = true;
        return true;
    }
    if (!tcg_parse_accel_opts(arg, &cfg->tcg, &err)) {
        /* tcg.c's messages already start with "-accel: ". */
        return vl_error(errp, "%s%s", g_str_has_prefix(err->message,
                        "-accel") ? "" : "-accel: ", err->message);
    }
    return true;
}

static bool opt_no_reboot(VLConfig *cfg, const char *arg, GError **errp)
{
    cfg->ms.no_reboot = true;
    return true;
}

/* -gdb SPEC: checked when the stub starts (main.c), after the board. */
static bool opt_gdb(VLConfig *cfg, const char *arg, GError **errp)
{
    if (!strcmp(arg, "none")) {
        cfg->gdb_spec = NULL;
        return true;
    }
    cfg->gdb_spec = arg;
    return true;
}

static bool opt_gdb_default(VLConfig *cfg, const char *arg, GError **errp)
{
    cfg->gdb_spec = "tcp::1234";
    return true;
}

static bool opt_start_stopped(VLConfig *cfg, const char *arg, GError **errp)
{
    cfg->start_stopped = true;
    return true;
}

static bool opt_icount(VLConfig *cfg, const char *arg, GError **errp)
{
    return vl_parse_icount(cfg, arg, errp);
}

static void vl_add_monitor(VLConfig *cfg, const char *spec, bool qmp)
{
    MonitorSpec *m = g_new0(MonitorSpec, 1);

    m->chardev = spec;
    m->qmp = qmp;
    g_ptr_array_add(cfg->monitor_specs, m);
}

static bool opt_monitor(VLConfig *cfg, const char *arg, GError **errp)
{
    cfg->default_monitor = false;
    if (strcmp(arg, "none")) {
        vl_add_monitor(cfg, arg, false);
    }
    return true;
}

static bool opt_qmp(VLConfig *cfg, const char *arg, GError **errp)
{
    cfg->default_monitor = false;
    vl_add_monitor(cfg, arg, true);
    return true;
}

/* One property of -mon chardev=ID,mode=readline|control,pretty=on|off. */
static bool vl_mon_prop(MonitorSpec *m, const char *p, GError **errp)
{
    if (g_str_has_prefix(p, "chardev=") && p[8]) {
        m->chardev_id = p + 8;
    } else if (!strcmp(p, "mode=readline")) {
        m->qmp = false;
    } else if (!strcmp(p, "mode=control")) {
        m->qmp = true;
    } else if (!strcmp(p, "pretty=on") || !strcmp(p, "pretty=off")) {
        m->pretty = !strcmp(p, "pretty=on");
    } else {
        return vl_error(errp, "-mon: unknown or bad property '%s'", p);
    }
    return true;
}

static bool opt_mon(VLConfig *cfg, const char *arg, GError **errp)
{
    g_auto(GStrv) items = g_strsplit(arg, ",", -1);
    g_autofree MonitorSpec *m = g_new0(MonitorSpec, 1);

    for (char **p = items; *p; p++) {
        if (!vl_mon_prop(m, *p, errp)) {
            return false;
        }
    }
    if (!m->chardev_id) {
        return vl_error(errp, "-mon: '%s' needs chardev=ID", arg);
    }
    /* It points into items, which dies here. */
    m->chardev_id = g_strdup(m->chardev_id);
    cfg->default_monitor = false;
    g_ptr_array_add(cfg->monitor_specs, g_steal_pointer(&m));
    return true;
}

/* -nic none / -net none: no network card, which is all there is. */
static bool opt_nic(VLConfig *cfg, const char *arg, GError **errp)
{
    if (strcmp(arg, "none")) {
        return vl_error(errp, "-nic/-net: '%s': networking is not "
                        "supported (only none)", arg);
    }
    return true;
}

static bool opt_unsupported(VLConfig *cfg, const char *arg, GError **errp)
{
    return false;               /* the table entry's message is used */
}

typedef struct VLOption {
    const char *name;
    bool has_arg;
    VLHandler handler;
    const char *unsupported;    /* message for opt_unsupported */
} VLOption;

static const VLOption vl_options[] = {
    { "-M", true, opt_machine },
    { "-machine", true, opt_machine },
    { "-cpu", true, opt_cpu },
    { "-m", true, opt_m },
    { "-smp", true, opt_smp },
    { "-kernel", true, opt_kernel },
    { "-initrd", true, opt_initrd },
    { "-append", true, opt_append },
    { "-dtb", true, opt_dtb },
    { "-bios", true, opt_bios },
    { "-nographic", false, opt_nographic },
    { "-display", true, opt_display },
    { "-serial", true, opt_serial },
    { "-chardev", true, opt_chardev },
    { "-device", true, opt_device },
    { "-drive", true, opt_drive },
    { "-hda", true, opt_hda },
    { "-hdb", true, opt_hdb },
    { "-hdc", true, opt_hdc },
    { "-hdd", true, opt_hdd },
    { "-snapshot", false, opt_snapshot },
    { "-cdrom", true, opt_unsupported,
      "-cdrom: CD-ROM drives are not supported (the virt board has no "
      "CD-ROM interface)" },
    { "-d", true, opt_d },
    { "-dfilter", true, opt_dfilter },
    { "-D", true, opt_D },
    { "-accel", true, opt_accel },
    { "-no-reboot", false, opt_no_reboot },
    { "-nic", true, opt_nic },
    { "-net", true, opt_nic },
    { "-icount", true, opt_icount },
    { "-monitor", true, opt_monitor },
    { "-s", false, opt_gdb_default },
    { "-S", false, opt_start_stopped },
    { "-gdb", true, opt_gdb },
    { "-qmp", true, opt_qmp },
    { "-mon", true, opt_mon },
};

static const VLOption *vl_find_option(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(vl_options); i++) {
        if (!strcmp(vl_options[i].name, name)) {
            return &vl_options[i];
        }
    }
    return NULL;
}

static void vl_defaults(VLConfig *cfg)
{
    cfg->ms.ram_size = DEFAULT_RAM_SIZE;
    cfg->ms.smp = 1;
    cfg->ms.append = "";
    cfg->ms.machine_opts = "";
    cfg->ms.devices = g_ptr_array_new();
    cfg->ms.drives = g_ptr_array_new();
    cfg->serial_specs = g_ptr_array_new();
    cfg->chardev_specs = g_ptr_array_new();
    cfg->monitor_specs = g_ptr_array_new();
    cfg->default_monitor = true;
    cfg->icount_shift = -1;
}

/* -h, -help, -version: true if opt was one (cfg->exit_now set). */
static bool vl_info_option(VLConfig *cfg, const char *opt)
{
    if (!strcmp(opt, "-h") || !strcmp(opt, "-help")) {
        vl_usage(stdout);
    } else if (!strcmp(opt, "-version")) {
        printf("kestrel-system-aarch64 version " KESTREL_VERSION "\n");
    } else {
        return false;
    }
    cfg->exit_now = true;
    return true;
}

bool vl_parse(VLConfig *cfg, int argc, char **argv, GError **errp)
{
    vl_defaults(cfg);
    for (int i = 1; i < argc && !cfg->exit_now; i++) {
        const char *opt = argv[i];
        const VLOption *o;

        if (opt[0] != '-') {
            vl_add_hd(cfg, 0, opt);     /* QEMU's -hda shorthand */
            continue;
        }
        /* QEMU accepts --opt as well as -opt. */
        if (opt[1] == '-' && opt[2]) {
            opt++;
        }
        if (vl_info_option(cfg, opt)) {
            break;
        }
        o = vl_find_option(opt);
        if (!o) {
            return vl_error(errp, "unknown option '%s' (try -help)",
                            argv[i]);
        }
        if (o->has_arg && i + 1 >= argc) {
            return vl_error(errp, "option '%s' needs an argument", argv[i]);
        }
        if (!o->handler(cfg, o->has_arg ? argv[i + 1] : NULL, errp)) {
            if (o->unsupported) {
                vl_error(errp, "%s", o->unsupported);
            }
            return false;
        }
        i += o->has_arg;
    }
    if (cfg->tcg.icount && cfg->tcg.thread == TCG_THREAD_MULTI) {
        return vl_error(errp, "-icount: not supported with -accel tcg,"
                        "thread=multi");
    }
    return true;
}

const MachineClass *vl_find_machine(VLConfig *cfg, GError **errp)
{
    const MachineClass *mc;

    /* No -M: the board table's default (machine_find(NULL)). */
    mc = machine_find(cfg->machine_name);
    if (!mc && !cfg->machine_name) {
        vl_error(errp, "no machine specified: use -M NAME (-M help lists "
                 "them)");
        return NULL;
    }
    if (!mc) {
        vl_error(errp, "-M: unknown machine '%s' (-M help lists them)",
                 cfg->machine_name);
        return NULL;
    }
    if (mc->max_cpus > 0 && cfg->ms.smp > mc->max_cpus) {
        vl_error(errp, "-smp: machine '%s' supports at most %d CPUs",
                 mc->name, mc->max_cpus);
        return NULL;
    }
    return mc;
}

/* ------------------------------------------------------------------ */
/* Backends                                                            */

static bool vl_open_chardevs(VLConfig *cfg, GError **errp)
{
    for (guint i = 0; i < cfg->chardev_specs->len; i++) {
        const char *spec = g_ptr_array_index(cfg->chardev_specs, i);
        g_autoptr(GError) err = NULL;

        if (!chardev_new(spec, &err)) {
            return vl_error(errp, "-chardev: %s", err->message);
        }
    }
    return true;
}

/*
 * Without -serial: serial port 0 on stdio with the Ctrl-A escapes (as
 * -nographic), unless -display none alone asked for no console, or a
 * -chardev already took stdio.
 */
static void vl_default_serial(VLConfig *cfg)
{
    g_autoptr(GError) err = NULL;

    if (cfg->display_none && !cfg->nographic) {
        return;
    }
    cfg->ms.serial[0] = chardev_new_labeled("mon:stdio", "serial0", &err);
}

static bool vl_open_serials(VLConfig *cfg, GError **errp)
{
    for (guint i = 0; i < cfg->serial_specs->len; i++) {
        const char *spec = g_ptr_array_index(cfg->serial_specs, i);
        g_autoptr(GError) err = NULL;
        g_autofree char *label = g_strdup_printf("serial%u", i);

        if (!strcmp(spec, "none")) {
            continue;
        }
        cfg->ms.serial[i] = chardev_new_labeled(spec, label, &err);
        if (!cfg->ms.serial[i]) {
            return vl_error(errp, "-serial: %s", err->message);
        }
    }
    return true;
}

/*
 * The HMP QEMU puts on a mux console: serial0 when no -monitor, -qmp or
 * -mon was given, and any -serial mon:... backend.
 */
static bool vl_mux_monitors(VLConfig *cfg, GError **errp)
{
    for (guint i = 0; i < MAX_SERIAL_PORTS; i++) {
        Chardev *c = cfg->ms.serial[i];
        const char *spec = i < cfg->serial_specs->len ?
                           g_ptr_array_index(cfg->serial_specs, i) : NULL;
        bool want = spec ? g_str_has_prefix(spec, "mon:")
                         : i == 0 && cfg->default_monitor;

        if (c && want && chardev_is_mux(c) &&
            !monitor_attach_mux_hmp(&cfg->ms, c, errp)) {
            return false;
        }
    }
    return true;
}

/*
 * Order: -chardev, -serial, the monitors, then the default console
 * (which a -monitor stdio leaves without stdio), and the mux HMP.
 */
bool vl_open_backends(VLConfig *cfg, GError **errp)
{
    if (!vl_open_chardevs(cfg, errp) || !vl_open_serials(cfg, errp) ||
        !monitor_init_all(&cfg->ms, cfg->monitor_specs, errp)) {
        return false;
    }
    if (cfg->serial_specs->len == 0) {
        vl_default_serial(cfg);
    }
    return vl_mux_monitors(cfg, errp);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-aarch64: run one AArch64 Linux program on this host.
 *
 *     kestrel-aarch64 [options] PROGRAM [ARGS...]
 *     kestrel-aarch64 -L /usr/aarch64-linux-gnu /usr/aarch64-linux-gnu/bin/x
 *     kestrel-aarch64 -strace ./busybox ls
 *
 * The command line follows qemu-aarch64's.  Start-up order matters:
 * reserve the guest window (mmap_init), bring up TCG and point its IR
 * context at the window (IR_MEM_DIRECT, guest_base), create the vCPU,
 * install signal handlers, load the program, then run the CPU loop,
 * which never returns (the guest's exit_group ends the process).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kestrel/gdbstub.h"
#include "kestrel/log.h"
#include "kestrel/tb.h"
#include "user.h"

#ifndef KESTREL_VERSION
#define KESTREL_VERSION "unknown"
#endif

UserOptions user_opts;

extern char **environ;

static void usage(FILE *f)
{
    fprintf(f,
"Usage: kestrel-aarch64 [options] PROGRAM [ARGS...]\n"
"Run an AArch64 Linux program on this host.\n\n"
"  -L path          look for the ELF interpreter and libraries under path\n"
"                   (env QEMU_LD_PREFIX)\n"
"  -cpu model       CPU model (-cpu help lists them)\n"
"  -E var=value     set an environment variable for the program\n"
"  -U var           remove an environment variable for the program\n"
"  -0 argv0         argv[0] for the program\n"
"  -s size          stack size in bytes (k, M, G suffixes)\n"
"  -accel tcg[,tb-size=MiB][,backend=jit|interp][,split-wx=on|off]\n"
"                   translator options\n"
"  -strace          log system calls (env QEMU_STRACE)\n"
"  -d item,...      log items (-d help lists them)\n"
"  -D file          write the log to file instead of stderr\n"
"  -dfilter r,...   per-TB logs only for TBs in the ranges\n"
"                   (START..LAST, START+SIZE, START-SIZE)\n"
"  -g port          wait for gdb on port (env QEMU_GDB; also unix:PATH)\n"
"  -h, -help        print this help\n"
"  -version         print the version\n");
}

G_NORETURN static void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "kestrel-aarch64: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

static uint64_t parse_size(const char *s)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || end == s || s[0] == '-') {
        die("-s: invalid size '%s'", s);
    }
    switch (*end) {
    case 'k': case 'K':
        v <<= 10;
        end++;
        break;
    case 'm': case 'M':
        v <<= 20;
        end++;
        break;
    case 'g': case 'G':
        v <<= 30;
        end++;
        break;
    }
    if (*end || v == 0) {
        die("-s: invalid size '%s'", s);
    }
    return v;
}

typedef struct CmdLine {
    TCGOptions tcg;
    const char *argv0;
    GPtrArray *env_set;     /* "VAR=VAL" */
    GPtrArray *env_unset;   /* "VAR" */
    int prog_index;
} CmdLine;

static void keep_for_exec(const char *opt, const char *arg)
{
    g_ptr_array_add(user_opts.reexec_args, g_strdup(opt));
    if (arg) {
        g_ptr_array_add(user_opts.reexec_args, g_strdup(arg));
    }
}

static void parse_log_items(const char *arg)
{
    g_autoptr(GError) err = NULL;
    int mask;

    if (!strcmp(arg, "help")) {
        log_print_help(stdout);
        exit(0);
    }
    mask = log_parse_items(arg, &err);
    if (mask < 0) {
        die("-d: %s", err->message);
    }
    kestrel_log_mask = mask;
}

/* Options with an argument; returns false if opt is not one. */
static bool parse_arg_option(CmdLine *cl, const char *opt, const char *arg)
{
    g_autoptr(GError) err = NULL;

    if (!strcmp(opt, "-L")) {
        user_opts.sysroot = arg;
        keep_for_exec(opt, arg);
    } else if (!strcmp(opt, "-cpu")) {
        if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
            aarch64_cpu_list(stdout);
            exit(0);
        }
        user_opts.cpu_model = arg;
        keep_for_exec(opt, arg);
    } else if (!strcmp(opt, "-E")) {
        if (!strchr(arg, '=')) {
            die("-E: expected VAR=VALUE, got '%s'", arg);
        }
        g_ptr_array_add(cl->env_set, (char *)arg);
    } else if (!strcmp(opt, "-U")) {
        g_ptr_array_add(cl->env_unset, (char *)arg);
    } else if (!strcmp(opt, "-0")) {
        cl->argv0 = arg;
    } else if (!strcmp(opt, "-s")) {
        user_opts.stack_size = parse_size(arg);
        keep_for_exec(opt, arg);
    } else if (!strcmp(opt, "-accel")) {
        if (!tcg_parse_accel_opts(arg, &cl->tcg, &err)) {
            die("%s", err->message);
        }
        keep_for_exec(opt, arg);
    } else if (!strcmp(opt, "-d")) {
        parse_log_items(arg);
        keep_for_exec(opt, arg);
    } else if (!strcmp(opt, "-D")) {
        if (!log_set_file(arg, &err)) {
            die("-D: %s", err->message);
        }
    } else if (!strcmp(opt, "-dfilter")) {
        if (!log_set_dfilter(arg, &err)) {
            die("%s", err->message);
        }
        keep_for_exec(opt, arg);
    } else if (!strcmp(opt, "-g")) {
        user_opts.gdb_spec = arg;
    } else {
        return false;
    }
    return true;
}

static void parse_cmdline(CmdLine *cl, int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i];

        if (!strcmp(opt, "--")) {
            i++;
            break;
        }
        /* qemu accepts --opt as well as -opt. */
        if (opt[1] == '-' && opt[2]) {
            opt++;
        }
        if (!strcmp(opt, "-h") || !strcmp(opt, "-help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(opt, "-version")) {
            printf("kestrel-aarch64 version " KESTREL_VERSION "\n");
            exit(0);
        }
        if (!strcmp(opt, "-strace")) {
            user_opts.strace = true;
            keep_for_exec(opt, NULL);
            continue;
        }
        if (!strcmp(opt, "-L") || !strcmp(opt, "-cpu") ||
            !strcmp(opt, "-E") || !strcmp(opt, "-U") ||
            !strcmp(opt, "-0") || !strcmp(opt, "-s") ||
            !strcmp(opt, "-accel") || !strcmp(opt, "-d") ||
            !strcmp(opt, "-D") || !strcmp(opt, "-g") ||
            !strcmp(opt, "-dfilter")) {
            if (i + 1 >= argc) {
                die("option '%s' needs an argument", argv[i]);
            }
            parse_arg_option(cl, opt, argv[i + 1]);
            i++;
            continue;
        }
        die("unknown option '%s' (try -help)", argv[i]);
    }
    if (i >= argc) {
        usage(stderr);
        exit(1);
    }
    cl->prog_index = i;
}

/* The guest's environment: ours, with -U and -E applied. */
static char **guest_environ(CmdLine *cl)
{
    GPtrArray *v = g_ptr_array_new();

    for (char **e = environ; *e; e++) {
        bool drop = false;

        for (guint i = 0; i < cl->env_unset->len; i++) {
            const char *u = g_ptr_array_index(cl->env_unset, i);
            size_t n = strlen(u);

            if (!strncmp(*e, u, n) && (*e)[n] == '=') {
                drop = true;
            }
        }
        for (guint i = 0; i < cl->env_set->len; i++) {
            const char *s = g_ptr_array_index(cl->env_set, i);
            size_t n = strchr(s, '=') - s + 1;

            if (!strncmp(*e, s, n)) {
                drop = true;
            }
        }
        if (!drop) {
            g_ptr_array_add(v, *e);
        }
    }
    for (guint i = 0; i < cl->env_set->len; i++) {
        g_ptr_array_add(v, g_ptr_array_index(cl->env_set, i));
    }
    g_ptr_array_add(v, NULL);
    return (char **)g_ptr_array_free(v, false);
}

/* The translator's instruction fetch: only from executable pages. */
static bool user_fetch_code(CPUState *cs, uint64_t pc, uint32_t *insn)
{
    int flags = page_get_flags(pc);

    if (!(flags & PAGE_VALID) || !(flags & PAGE_EXEC)) {
        return false;
    }
    memcpy(insn, g2h(pc), sizeof(*insn));
    return true;
}

static void check_program(const char *prog)
{
    int kind = elf_probe_file(prog);

    if (kind < 0) {
        die("%s: %s", prog, g_strerror(-kind));
    }
    if (kind == 0) {
        die("%s: not an ELF executable", prog);
    }
    if (kind == 3) {
        die("%s: a #! script: run kestrel-aarch64 on its interpreter",
            prog);
    }
    /* kind 2 (another machine's ELF): the loader names the machine. */
    if (access(prog, X_OK) < 0) {
        die("%s: %s", prog, g_strerror(errno));
    }
}

static ARMCPU *setup_cpu(CmdLine *cl)
{
    g_autoptr(GError) err = NULL;
    IRContext *s;
    ARMCPU *cpu;

    if (!mmap_init(&err)) {
        die("%s", err->message);
    }
    user_opts.tcg = cl->tcg;
    if (!tcg_init(&user_opts.tcg, &err)) {
        die("-accel: %s", err->message);
    }
    s = tcg_ir_context();
    s->mem_mode = IR_MEM_DIRECT;
    s->guest_base = guest_base;
    aarch64_fetch_code = user_fetch_code;
    mmap_register_code_notifier();
    cpu = aarch64_cpu_create(user_opts.cpu_model, true, &err);
    if (!cpu) {
        die("-cpu: %s", err->message);
    }
    return cpu;
}

static TaskState *setup_task(ARMCPU *cpu)
{
    TaskState *ts = g_new0(TaskState, 1);
    sigset_t cur;

    ts->cpu = cpu;
    ts->tid = getpid();
    cpu->parent.opaque = ts;
    /* The guest starts with the mask we were started with (exec). */
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        if (sigismember(&cur, sig) == 1) {
            ts->sigmask |= sig_bit(sig);
        }
    }
    signal_init();
    signal_init_thread(ts);
    return ts;
}

/* -g: wait for GDB, and let it look before the first instruction. */
static void start_gdb(ARMCPU *cpu, const ImageInfo *info)
{
    g_autoptr(GError) err = NULL;

    if (!gdbserver_start(user_opts.gdb_spec, &err)) {
        die("-g: %s", err->message);
    }
    gdbserver_user_set_load_bias(info->load_bias);
    gdbserver_user_stop(&cpu->parent, 0);
}

int main(int argc, char **argv)
{
    CmdLine cl = { 0 };
    g_autoptr(GError) err = NULL;
    char real[PATH_MAX];
    const char *prog;
    char **gargv, **genv;
    ImageInfo info;
    ARMCPU *cpu;
    int nargs;

    user_opts.reexec_args = g_ptr_array_new();
    cl.env_set = g_ptr_array_new();
    cl.env_unset = g_ptr_array_new();
    if (getenv("QEMU_LD_PREFIX")) {
        user_opts.sysroot = getenv("QEMU_LD_PREFIX");
    }
    if (getenv("QEMU_CPU")) {
        user_opts.cpu_model = getenv("QEMU_CPU");
    }
    if (getenv("QEMU_STRACE")) {
        user_opts.strace = true;
    }
    if (getenv("QEMU_GDB")) {
        user_opts.gdb_spec = getenv("QEMU_GDB");
    }
    parse_cmdline(&cl, argc, argv);
    prog = argv[cl.prog_index];
    check_program(prog);
    user_opts.exec_path = realpath(prog, real) ? g_strdup(real) : prog;

    cpu = setup_cpu(&cl);
    setup_task(cpu);

    nargs = argc - cl.prog_index;
    gargv = g_new0(char *, nargs + 1);
    for (int i = 0; i < nargs; i++) {
        gargv[i] = argv[cl.prog_index + i];
    }
    if (cl.argv0) {
        gargv[0] = (char *)cl.argv0;
    }
    genv = guest_environ(&cl);
    if (!elf_load_program(prog, gargv, genv, &info, cpu, &err)) {
        die("%s", err->message);
    }
    g_free(gargv);
    g_free(genv);

    memset(cpu->env.xregs, 0, sizeof(cpu->env.xregs));
    cpu->env.xregs[31] = info.stack_top;
    cpu->env.pc = info.entry;
    if (user_opts.gdb_spec) {
        start_gdb(cpu, &info);
    }
    log_mask(LOG_INT, "guest_base 0x%" G_GINT64_MODIFIER "x, entry 0x%"
             G_GINT64_MODIFIER "x, sp 0x%" G_GINT64_MODIFIER "x, brk 0x%"
             G_GINT64_MODIFIER "x\n", (uint64_t)guest_base, info.entry,
             info.stack_top, info.start_brk);
    cpu_loop(cpu);
}

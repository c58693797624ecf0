/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -strace: one line per guest syscall, in the style of qemu-user:
 *
 *     1234 openat(AT_FDCWD,"/etc/passwd",0x0,0) = 3
 *     1234 read(3,0x7ffc1000,4096) = -1 errno=9 (Bad file descriptor)
 *
 * Argument formats come from a small table (one letter per argument);
 * syscalls not in it show their first three arguments in hex.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kestrel/log.h"
#include "user.h"

static const struct {
    const char *name;
    int nr;
} names[] = {
#define SYSCALL_NR(n, name) { #name, n },
#include "syscall-nr.h"
#undef SYSCALL_NR
};

/*
 * d: int, l: long, u: unsigned, x: hex, p: pointer, s: string,
 * f: directory fd (AT_FDCWD), o: octal.
 */
static const struct {
    int nr;
    const char *fmt;
} formats[] = {
    { TARGET_NR_read, "dpu" }, { TARGET_NR_write, "dpu" },
    { TARGET_NR_pread64, "dpul" }, { TARGET_NR_pwrite64, "dpul" },
    { TARGET_NR_readv, "dpu" }, { TARGET_NR_writev, "dpu" },
    { TARGET_NR_openat, "fsxo" }, { TARGET_NR_close, "d" },
    { TARGET_NR_lseek, "dld" }, { TARGET_NR_fstat, "dp" },
    { TARGET_NR_newfstatat, "fspx" }, { TARGET_NR_statx, "fsxxp" },
    { TARGET_NR_faccessat, "fso" }, { TARGET_NR_faccessat2, "fsox" },
    { TARGET_NR_readlinkat, "fspu" }, { TARGET_NR_getdents64, "dpu" },
    { TARGET_NR_mkdirat, "fso" }, { TARGET_NR_unlinkat, "fsx" },
    { TARGET_NR_renameat, "fsfs" }, { TARGET_NR_renameat2, "fsfsx" },
    { TARGET_NR_symlinkat, "sfs" }, { TARGET_NR_linkat, "fsfsx" },
    { TARGET_NR_fchmod, "do" }, { TARGET_NR_fchmodat, "fso" },
    { TARGET_NR_fchown, "ddd" }, { TARGET_NR_fchownat, "fsddx" },
    { TARGET_NR_utimensat, "fspx" }, { TARGET_NR_ftruncate, "dl" },
    { TARGET_NR_truncate, "sl" }, { TARGET_NR_fcntl, "ddx" },
    { TARGET_NR_ioctl, "dxp" }, { TARGET_NR_dup, "d" },
    { TARGET_NR_dup3, "ddx" }, { TARGET_NR_pipe2, "px" },
    { TARGET_NR_getcwd, "pu" }, { TARGET_NR_chdir, "s" },
    { TARGET_NR_fchdir, "d" }, { TARGET_NR_execve, "spp" },
    { TARGET_NR_mmap, "pxxxdx" }, { TARGET_NR_munmap, "px" },
    { TARGET_NR_mprotect, "pxx" }, { TARGET_NR_brk, "p" },
    { TARGET_NR_mremap, "pxxxp" }, { TARGET_NR_madvise, "pxd" },
    { TARGET_NR_exit, "d" }, { TARGET_NR_exit_group, "d" },
    { TARGET_NR_wait4, "dpxp" }, { TARGET_NR_kill, "dd" },
    { TARGET_NR_tgkill, "ddd" }, { TARGET_NR_tkill, "dd" },
    { TARGET_NR_rt_sigqueueinfo, "ddp" },
    { TARGET_NR_rt_tgsigqueueinfo, "dddp" },
    { TARGET_NR_clone, "xpppp" }, { TARGET_NR_rt_sigaction, "dppu" },
    { TARGET_NR_rt_sigprocmask, "dppu" }, { TARGET_NR_rt_sigreturn, "" },
    { TARGET_NR_getpid, "" }, { TARGET_NR_getppid, "" },
    { TARGET_NR_gettid, "" }, { TARGET_NR_getuid, "" },
    { TARGET_NR_geteuid, "" }, { TARGET_NR_getgid, "" },
    { TARGET_NR_getegid, "" }, { TARGET_NR_set_tid_address, "p" },
    { TARGET_NR_uname, "p" }, { TARGET_NR_futex, "pxdppd" },
    { TARGET_NR_clock_gettime, "dp" }, { TARGET_NR_nanosleep, "pp" },
    { TARGET_NR_socket, "ddd" }, { TARGET_NR_connect, "dpu" },
    { TARGET_NR_ppoll, "pupp" }, { TARGET_NR_getrandom, "pux" },
    { TARGET_NR_prlimit64, "ddpp" }, { TARGET_NR_umask, "o" },
};

const char *syscall_name(int nr)
{
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (names[i].nr == nr) {
            return names[i].name;
        }
    }
    return NULL;
}

static const char *syscall_format(int nr)
{
    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (formats[i].nr == nr) {
            return formats[i].fmt;
        }
    }
    return "xxx";
}

static void print_arg(GString *out, char f, uint64_t v)
{
    const char *s;

    switch (f) {
    case 'd':
        g_string_append_printf(out, "%d", (int)v);
        break;
    case 'f':
        if ((int)v == -100) {
            g_string_append(out, "AT_FDCWD");
        } else {
            g_string_append_printf(out, "%d", (int)v);
        }
        break;
    case 'l':
        g_string_append_printf(out, "%" G_GINT64_FORMAT, (int64_t)v);
        break;
    case 'u':
        g_string_append_printf(out, "%" G_GUINT64_FORMAT, v);
        break;
    case 'o':
        g_string_append_printf(out, "0%" G_GINT64_MODIFIER "o", v);
        break;
    case 's':
        s = v ? lock_user_string(v) : NULL;
        if (s) {
            g_string_append_c(out, '"');
            g_string_append_len(out, s, MIN(strlen(s), 256));
            g_string_append_c(out, '"');
        } else {
            g_string_append_printf(out, "0x%" G_GINT64_MODIFIER "x", v);
        }
        break;
    case 'p':
        if (!v) {
            g_string_append(out, "NULL");
            break;
        }
        /* fall through */
    default:
        g_string_append_printf(out, "0x%" G_GINT64_MODIFIER "x", v);
        break;
    }
}

void strace_print_call(int nr, const uint64_t *a)
{
    const char *name = syscall_name(nr);
    const char *fmt = syscall_format(nr);
    g_autoptr(GString) out = g_string_new(NULL);

    g_string_append_printf(out, "%d ", (int)getpid());
    if (name) {
        g_string_append_printf(out, "%s(", name);
    } else {
        g_string_append_printf(out, "syscall_%d(", nr);
    }
    for (int i = 0; fmt[i] && i < 6; i++) {
        if (i) {
            g_string_append_c(out, ',');
        }
        print_arg(out, fmt[i], a[i]);
    }
    g_string_append_c(out, ')');
    log_printf("%s", out->str);
    if (nr == TARGET_NR_exit || nr == TARGET_NR_exit_group ||
        nr == TARGET_NR_execve) {
        log_printf("\n");
    }
    fflush(log_file());
}

void strace_print_ret(int nr, int64_t ret)
{
    if (ret < 0 && ret >= -4095) {
        if (ret == -TARGET_ERESTARTSYS) {
            log_printf(" = ? (interrupted, restarting)\n");
        } else {
            log_printf(" = -1 errno=%d (%s)\n", (int)-ret,
                       g_strerror((int)-ret));
        }
    } else if (nr == TARGET_NR_mmap || nr == TARGET_NR_brk ||
               nr == TARGET_NR_mremap) {
        log_printf(" = 0x%" G_GINT64_MODIFIER "x\n", ret);
    } else {
        log_printf(" = %" G_GINT64_FORMAT "\n", ret);
    }
    if (nr != TARGET_NR_execve) {
        fflush(log_file());
    }
}

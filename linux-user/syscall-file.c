/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File and descriptor syscalls: I/O, paths, stat, fcntl, ioctl.
 *
 * Conversions: struct stat (asm-generic layout on AArch64), the open
 * flags that differ (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE sit
 * at other bits on x86-64), iovec arrays (guest pointers inside).
 * "/proc/self/exe" names the guest program, not Kestrel.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kestrel/log.h"
#include "user.h"

/* struct stat of the asm-generic ABI. */
typedef struct TargetStat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint64_t pad1;
    int64_t st_size;
    int32_t st_blksize;
    int32_t pad2;
    int64_t st_blocks;
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    uint32_t unused4, unused5;
} TargetStat;
_Static_assert(sizeof(TargetStat) == 128, "asm-generic struct stat");

/* Open flags where the generic ABI differs from x86-64. */
#define TARGET_O_DIRECTORY 040000
#define TARGET_O_NOFOLLOW 0100000
#define TARGET_O_DIRECT 0200000
#define TARGET_O_LARGEFILE 0400000
#define O_DIFFERING (TARGET_O_DIRECTORY | TARGET_O_NOFOLLOW | \
                     TARGET_O_DIRECT | TARGET_O_LARGEFILE)

static const struct {
    int target, host;
} open_flag_map[] = {
    { TARGET_O_DIRECTORY, O_DIRECTORY },
    { TARGET_O_NOFOLLOW, O_NOFOLLOW },
    { TARGET_O_DIRECT, O_DIRECT },
    { TARGET_O_LARGEFILE, 0100000 /* x86-64 O_LARGEFILE */ },
};

int target_to_host_open_flags(int flags)
{
    int host = flags & ~O_DIFFERING;

    for (size_t i = 0; i < G_N_ELEMENTS(open_flag_map); i++) {
        if (flags & open_flag_map[i].target) {
            host |= open_flag_map[i].host;
        }
    }
    return host;
}

int host_to_target_open_flags(int flags)
{
    int target = flags & ~(O_DIRECTORY | O_NOFOLLOW | O_DIRECT | 0100000);

    for (size_t i = 0; i < G_N_ELEMENTS(open_flag_map); i++) {
        if (flags & open_flag_map[i].host) {
            target |= open_flag_map[i].target;
        }
    }
    return target;
}

const char *path_remap(const char *path)
{
    /* Valid until this thread's next call: callers use it at once. */
    static __thread char buf[PATH_MAX];

    if (path && user_opts.exec_path &&
        (!strcmp(path, "/proc/self/exe") ||
         (g_str_has_prefix(path, "/proc/") &&
          g_str_has_suffix(path, "/exe") &&
          atoi(path + 6) == getpid()))) {
        return user_opts.exec_path;
    }
    /* -L: an absolute path that exists under the sysroot goes there, as
     * qemu-user does, so the dynamic loader finds the guest libraries. */
    if (path && path[0] == '/' && user_opts.sysroot &&
        (size_t)snprintf(buf, sizeof(buf), "%s%s", user_opts.sysroot,
                         path) < sizeof(buf) &&
        access(buf, F_OK) == 0) {
        return buf;
    }
    return path;
}

static int64_t put_stat(uint64_t addr, const struct stat *st)
{
    TargetStat t;

    memset(&t, 0, sizeof(t));
    t.st_dev = st->st_dev;
    t.st_ino = st->st_ino;
    t.st_mode = st->st_mode;
    t.st_nlink = st->st_nlink;
    t.st_uid = st->st_uid;
    t.st_gid = st->st_gid;
    t.st_rdev = st->st_rdev;
    t.st_size = st->st_size;
    t.st_blksize = st->st_blksize;
    t.st_blocks = st->st_blocks;
    t.st_atime_sec = st->st_atim.tv_sec;
    t.st_atime_nsec = st->st_atim.tv_nsec;
    t.st_mtime_sec = st->st_mtim.tv_sec;
    t.st_mtime_nsec = st->st_mtim.tv_nsec;
    t.st_ctime_sec = st->st_ctim.tv_sec;
    t.st_ctime_nsec = st->st_ctim.tv_nsec;
    return copy_to_user(addr, &t, sizeof(t));
}

/* ------------------------------------------------------------------ */
/* iovec                                                               */

struct iovec *lock_iovec(uint64_t addr, uint64_t count, int access,
                         int64_t *err)
{
    struct iovec *vec;
    const uint64_t *g;

    if (count > IOV_MAX) {
        *err = -EINVAL;
        return NULL;
    }
    g = lock_user(addr, count * 16, PAGE_READ);
    if (!g && count) {
        *err = -EFAULT;
        return NULL;
    }
    vec = g_new0(struct iovec, count ? count : 1);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t base = g[2 * i], len = g[2 * i + 1];

        if ((int64_t)len < 0) {
            g_free(vec);
            *err = -EINVAL;
            return NULL;
        }
        vec[i].iov_len = len;
        vec[i].iov_base = len ? lock_user(base, len, access) : NULL;
        if (len && !vec[i].iov_base) {
            /* Like the kernel: a bad buffer after good ones ends early. */
            if (i == 0) {
                g_free(vec);
                *err = -EFAULT;
                return NULL;
            }
            vec[i].iov_len = 0;
        }
    }
    return vec;
}

static int64_t do_rw_vec(int nr, const uint64_t *a)
{
    bool is_read = nr == TARGET_NR_readv || nr == TARGET_NR_preadv;
    int64_t err = 0, ret;
    struct iovec *vec = lock_iovec(a[1], a[2], is_read ? PAGE_WRITE
                                                       : PAGE_READ, &err);

    if (!vec) {
        return err;
    }
    switch (nr) {
    case TARGET_NR_readv:
        ret = host_ret(readv((int)a[0], vec, (int)a[2]));
        break;
    case TARGET_NR_writev:
        ret = host_ret(writev((int)a[0], vec, (int)a[2]));
        break;
    case TARGET_NR_preadv:
        ret = host_ret(preadv((int)a[0], vec, (int)a[2], (off_t)a[3]));
        break;
    default:
        ret = host_ret(pwritev((int)a[0], vec, (int)a[2], (off_t)a[3]));
        break;
    }
    g_free(vec);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Paths                                                               */

static int64_t do_openat(int dirfd, uint64_t path, int flags, int mode)
{
    const char *p = lock_user_string(path);

    if (!p) {
        return -EFAULT;
    }
    return host_ret(openat(dirfd, path_remap(p),
                           target_to_host_open_flags(flags), mode));
}

static int64_t do_readlinkat(int dirfd, uint64_t path, uint64_t buf,
                             uint64_t size)
{
    const char *p = lock_user_string(path);
    char *out = lock_user(buf, size, PAGE_WRITE);
    const char *exe;

    if (!p || !out) {
        return -EFAULT;
    }
    exe = path_remap(p);
    if (exe != p) {
        size_t n = MIN(strlen(exe), size);

        memcpy(out, exe, n);
        return n;
    }
    return host_ret(readlinkat(dirfd, p, out, size));
}

static int64_t do_newfstatat(int dirfd, uint64_t path, uint64_t buf,
                             int flags)
{
    const char *p = lock_user_string(path);
    struct stat st;

    if (!p) {
        return -EFAULT;
    }
    if (fstatat(dirfd, path_remap(p), &st, flags) < 0) {
        return -errno;
    }
    return put_stat(buf, &st);
}

static int64_t do_fstat(int fd, uint64_t buf)
{
    struct stat st;

    if (fstat(fd, &st) < 0) {
        return -errno;
    }
    return put_stat(buf, &st);
}

static int64_t do_statx(const uint64_t *a)
{
    const char *p = lock_user_string(a[1]);
    void *buf = lock_user(a[4], 256, PAGE_WRITE);

    if (!p || !buf) {
        return -EFAULT;
    }
    return host_ret(syscall(SYS_statx, (int)a[0], path_remap(p), (int)a[2],
                            (unsigned)a[3], buf));
}

/* Calls of the shape f(dirfd, path, ...) with plain integer extras. */
static bool do_path_call(int nr, const uint64_t *a, int64_t *ret)
{
    const char *p, *q;

    switch (nr) {
    case TARGET_NR_mkdirat:
    case TARGET_NR_unlinkat:
    case TARGET_NR_faccessat:
    case TARGET_NR_faccessat2:
    case TARGET_NR_fchmodat:
    case TARGET_NR_fchownat:
    case TARGET_NR_mknodat:
        break;
    case TARGET_NR_chdir:
    case TARGET_NR_chroot:
    case TARGET_NR_truncate:
    case TARGET_NR_statfs:
        break;
    case TARGET_NR_renameat:
    case TARGET_NR_renameat2:
    case TARGET_NR_linkat:
    case TARGET_NR_symlinkat:
        break;
    default:
        return false;
    }
    *ret = -EFAULT;
    switch (nr) {
    case TARGET_NR_chdir:
    case TARGET_NR_chroot:
    case TARGET_NR_truncate:
    case TARGET_NR_statfs:
        p = lock_user_string(a[0]);
        if (!p) {
            return true;
        }
        if (nr == TARGET_NR_chdir) {
            *ret = host_ret(chdir(p));
        } else if (nr == TARGET_NR_chroot) {
            *ret = host_ret(chroot(p));
        } else if (nr == TARGET_NR_truncate) {
            *ret = host_ret(truncate(p, (off_t)a[1]));
        } else {
            void *buf = lock_user(a[1], sizeof(struct statfs), PAGE_WRITE);

            *ret = buf ? host_ret(statfs(p, buf)) : -EFAULT;
        }
        return true;
    case TARGET_NR_symlinkat:
        p = lock_user_string(a[0]);
        q = lock_user_string(a[2]);
        if (p && q) {
            *ret = host_ret(symlinkat(p, (int)a[1], q));
        }
        return true;
    case TARGET_NR_renameat:
    case TARGET_NR_renameat2:
    case TARGET_NR_linkat:
        p = lock_user_string(a[1]);
        q = lock_user_string(a[3]);
        if (!p || !q) {
            return true;
        }
        if (nr == TARGET_NR_linkat) {
            *ret = host_ret(linkat((int)a[0], p, (int)a[2], q, (int)a[4]));
        } else {
            *ret = host_ret(syscall(SYS_renameat2, (int)a[0], p, (int)a[2],
                                    q, nr == TARGET_NR_renameat
                                       ? 0 : (unsigned)a[4]));
        }
        return true;
    }
    p = lock_user_string(a[1]);
    if (!p) {
        return true;
    }
    switch (nr) {
    case TARGET_NR_mkdirat:
        *ret = host_ret(mkdirat((int)a[0], p, (mode_t)a[2]));
        break;
    case TARGET_NR_unlinkat:
        *ret = host_ret(unlinkat((int)a[0], p, (int)a[2]));
        break;
    case TARGET_NR_faccessat:
        *ret = host_ret(syscall(SYS_faccessat, (int)a[0], path_remap(p),
                                (int)a[2]));
        break;
    case TARGET_NR_faccessat2:
        *ret = host_ret(syscall(SYS_faccessat2, (int)a[0], path_remap(p),
                                (int)a[2], (int)a[3]));
        break;
    case TARGET_NR_fchmodat:
        *ret = host_ret(syscall(SYS_fchmodat, (int)a[0], p, (mode_t)a[2]));
        break;
    case TARGET_NR_fchownat:
        *ret = host_ret(fchownat((int)a[0], p, (uid_t)a[2], (gid_t)a[3],
                                 (int)a[4]));
        break;
    case TARGET_NR_mknodat:
        *ret = host_ret(mknodat((int)a[0], p, (mode_t)a[2], (dev_t)a[3]));
        break;
    }
    return true;
}

static int64_t do_utimensat(const uint64_t *a)
{
    bool bad = false;
    const char *p = a[1] ? lock_user_string(a[1]) : NULL;
    void *times = gbuf(a[2], 2 * sizeof(struct timespec), PAGE_READ, &bad);

    if (bad || (a[1] && !p)) {
        return -EFAULT;
    }
    return host_ret(syscall(SYS_utimensat, (int)a[0], p, times, (int)a[3]));
}

static int64_t do_getcwd(uint64_t buf, uint64_t size)
{
    char *out = lock_user(buf, size, PAGE_WRITE);

    if (!out) {
        return -EFAULT;
    }
    return host_ret(syscall(SYS_getcwd, out, size));
}

/* ------------------------------------------------------------------ */
/* fcntl, ioctl                                                        */

static int64_t do_fcntl(int fd, int cmd, uint64_t arg)
{
    bool bad = false;
    void *p;
    int r;

    switch (cmd) {
    case F_GETFL:
        r = fcntl(fd, F_GETFL);
        return r < 0 ? -errno : host_to_target_open_flags(r);
    case F_SETFL:
        return host_ret(fcntl(fd, F_SETFL,
                              target_to_host_open_flags((int)arg)));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        p = gbuf(arg, sizeof(struct flock), PAGE_READ | PAGE_WRITE, &bad);
        return bad || !p ? -EFAULT : host_ret(fcntl(fd, cmd, p));
    case F_GETOWN_EX:
    case F_SETOWN_EX:
        p = gbuf(arg, sizeof(struct f_owner_ex), PAGE_READ | PAGE_WRITE,
                 &bad);
        return bad || !p ? -EFAULT : host_ret(fcntl(fd, cmd, p));
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
    case F_GETFD:
    case F_SETFD:
    case F_GETOWN:
    case F_SETOWN:
    case F_GETSIG:
    case F_SETSIG:
    case F_GETLEASE:
    case F_SETLEASE:
    case F_NOTIFY:
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ:
    case F_ADD_SEALS:
    case F_GET_SEALS:
        return host_ret(fcntl(fd, cmd, (long)arg));
    default:
        log_mask(LOG_UNIMP, "fcntl: unsupported command %d\n", cmd);
        return -EINVAL;
    }
}

/* Old-style tty ioctls: same numbers and structures on both sides. */
static const unsigned tty_ioctls[] = {
    0x5401 /* TCGETS */, 0x5402 /* TCSETS */, 0x5403 /* TCSETSW */,
    0x5404 /* TCSETSF */, 0x5405 /* TCGETA */, 0x5406 /* TCSETA */,
    0x5407 /* TCSETAW */, 0x5408 /* TCSETAF */, 0x5409 /* TCSBRK */,
    0x540a /* TCXONC */, 0x540b /* TCFLSH */, 0x540c /* TIOCEXCL */,
    0x540d /* TIOCNXCL */, 0x540e /* TIOCSCTTY */, 0x540f /* TIOCGPGRP */,
    0x5410 /* TIOCSPGRP */, 0x5411 /* TIOCOUTQ */, 0x5412 /* TIOCSTI */,
    0x5413 /* TIOCGWINSZ */, 0x5414 /* TIOCSWINSZ */, 0x5415 /* TIOCMGET */,
    0x5416 /* TIOCMBIS */, 0x5417 /* TIOCMBIC */, 0x5418 /* TIOCMSET */,
    0x541b /* FIONREAD */, 0x541d /* TIOCCONS */, 0x5420 /* TIOCPKT */,
    0x5421 /* FIONBIO */, 0x5422 /* TIOCNOTTY */, 0x5425 /* TCSBRKP */,
    0x5429 /* TIOCGSID */, 0x5441 /* TIOCGPTPEER */, 0x5450 /* FIONCLEX */,
    0x5451 /* FIOCLEX */, 0x5452 /* FIOASYNC */, 0x5460 /* FIOQSIZE */,
    0x5437 /* TIOCVHANGUP */,
};

/* Bytes an old-style tty ioctl's argument points to (0: an integer). */
static size_t tty_ioctl_size(unsigned cmd)
{
    switch (cmd) {
    case 0x5401: case 0x5402: case 0x5403: case 0x5404:
        return 36;              /* struct termios */
    case 0x5405: case 0x5406: case 0x5407: case 0x5408:
        return 18;              /* struct termio */
    case 0x5413: case 0x5414:
        return 8;               /* struct winsize */
    case 0x540f: case 0x5410: case 0x5411: case 0x541b: case 0x5421:
    case 0x5429: case 0x5415: case 0x5416: case 0x5417: case 0x5418:
    case 0x5420: case 0x5452:
        return 4;               /* int */
    case 0x5412:
        return 1;
    case 0x5460:
        return 8;               /* loff_t */
    default:
        return 0;
    }
}

static int64_t do_ioctl(int fd, unsigned cmd, uint64_t arg)
{
    unsigned dir = _IOC_DIR(cmd);
    size_t size;
    void *p = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(tty_ioctls); i++) {
        if (cmd == tty_ioctls[i]) {
            size = tty_ioctl_size(cmd);
            if (!size) {
                return host_ret(ioctl(fd, cmd, (unsigned long)arg));
            }
            p = lock_user(arg, size, PAGE_READ | PAGE_WRITE);
            return p ? host_ret(ioctl(fd, cmd, p)) : -EFAULT;
        }
    }
    /*
     * _IOC-encoded requests carry their argument size, and the asm-generic
     * encoding is x86-64's: pass them through when the buffer is there.
     */
    if ((cmd >> 8 & 0xff) != 0x54 && dir != _IOC_NONE) {
        size = _IOC_SIZE(cmd);
        p = lock_user(arg, size, (dir & _IOC_READ) ? PAGE_WRITE : PAGE_READ);
        if (!p) {
            return -EFAULT;
        }
        return host_ret(ioctl(fd, cmd, p));
    }
    log_mask(LOG_UNIMP, "ioctl: unsupported request 0x%x\n", cmd);
    return -ENOTTY;
}

/* ------------------------------------------------------------------ */

bool do_syscall_file(CPUARMState *env, int nr, const uint64_t *a,
                     int64_t *ret)
{
    bool bad = false;
    void *p, *q;

    if (do_path_call(nr, a, ret)) {
        return true;
    }
    switch (nr) {
    case TARGET_NR_read:
    case TARGET_NR_pread64:
        p = lock_user(a[1], a[2], PAGE_WRITE);
        if (!p) {
            *ret = -EFAULT;
        } else if (nr == TARGET_NR_read) {
            *ret = host_ret(read((int)a[0], p, a[2]));
        } else {
            *ret = host_ret(pread((int)a[0], p, a[2], (off_t)a[3]));
        }
        break;
    case TARGET_NR_write:
    case TARGET_NR_pwrite64:
        p = lock_user(a[1], a[2], PAGE_READ);
        if (!p) {
            *ret = -EFAULT;
        } else if (nr == TARGET_NR_write) {
            *ret = host_ret(write((int)a[0], p, a[2]));
        } else {
            *ret = host_ret(pwrite((int)a[0], p, a[2], (off_t)a[3]));
        }
        break;
    case TARGET_NR_readv:
    case TARGET_NR_writev:
    case TARGET_NR_preadv:
    case TARGET_NR_pwritev:
        *ret = do_rw_vec(nr, a);
        break;
    case TARGET_NR_openat:
        *ret = do_openat((int)a[0], a[1], (int)a[2], (int)a[3]);
        break;
    case TARGET_NR_close:
        *ret = host_ret(close((int)a[0]));
        if (*ret == -TARGET_ERESTARTSYS) {
            *ret = -EINTR;      /* never restart close */
        }
        break;
    case TARGET_NR_close_range:
        *ret = host_ret(syscall(SYS_close_range, (unsigned)a[0],
                                (unsigned)a[1], (unsigned)a[2]));
        break;
    case TARGET_NR_lseek:
        *ret = host_ret(lseek((int)a[0], (off_t)a[1], (int)a[2]));
        break;
    case TARGET_NR_fstat:
        *ret = do_fstat((int)a[0], a[1]);
        break;
    case TARGET_NR_newfstatat:
        *ret = do_newfstatat((int)a[0], a[1], a[2], (int)a[3]);
        break;
    case TARGET_NR_statx:
        *ret = do_statx(a);
        break;
    case TARGET_NR_fstatfs:
        p = lock_user(a[1], sizeof(struct statfs), PAGE_WRITE);
        *ret = p ? host_ret(fstatfs((int)a[0], p)) : -EFAULT;
        break;
    case TARGET_NR_readlinkat:
        *ret = do_readlinkat((int)a[0], a[1], a[2], a[3]);
        break;
    case TARGET_NR_getdents64:
        p = lock_user(a[1], a[2], PAGE_WRITE);
        *ret = p ? host_ret(syscall(SYS_getdents64, (int)a[0], p, a[2]))
                 : -EFAULT;
        break;
    case TARGET_NR_fchmod:
        *ret = host_ret(fchmod((int)a[0], (mode_t)a[1]));
        break;
    case TARGET_NR_fchown:
        *ret = host_ret(fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]));
        break;
    case TARGET_NR_utimensat:
        *ret = do_utimensat(a);
        break;
    case TARGET_NR_ftruncate:
        *ret = host_ret(ftruncate((int)a[0], (off_t)a[1]));
        break;
    case TARGET_NR_fallocate:
        *ret = host_ret(fallocate((int)a[0], (int)a[1], (off_t)a[2],
                                  (off_t)a[3]));
        break;
    case TARGET_NR_fadvise64:
        *ret = -posix_fadvise((int)a[0], (off_t)a[1], (off_t)a[2],
                              (int)a[3]);
        break;
    case TARGET_NR_fsync:
        *ret = host_ret(fsync((int)a[0]));
        break;
    case TARGET_NR_fdatasync:
        *ret = host_ret(fdatasync((int)a[0]));
        break;
    case TARGET_NR_sync:
        sync();
        *ret = 0;
        break;
    case TARGET_NR_syncfs:
        *ret = host_ret(syncfs((int)a[0]));
        break;
    case TARGET_NR_flock:
        *ret = host_ret(flock((int)a[0], (int)a[1]));
        break;
    case TARGET_NR_fcntl:
        *ret = do_fcntl((int)a[0], (int)a[1], a[2]);
        break;
    case TARGET_NR_dup:
        *ret = host_ret(dup((int)a[0]));
        break;
    case TARGET_NR_dup3:
        *ret = host_ret(dup3((int)a[0], (int)a[1],
                             target_to_host_open_flags((int)a[2])));
        break;
    case TARGET_NR_pipe2:
        p = lock_user(a[0], 2 * sizeof(int), PAGE_WRITE);
        *ret = p ? host_ret(pipe2(p, target_to_host_open_flags((int)a[1])))
                 : -EFAULT;
        break;
    case TARGET_NR_ioctl:
        *ret = do_ioctl((int)a[0], (unsigned)a[1], a[2]);
        break;
    case TARGET_NR_getcwd:
        *ret = do_getcwd(a[0], a[1]);
        break;
    case TARGET_NR_fchdir:
        *ret = host_ret(fchdir((int)a[0]));
        break;
    case TARGET_NR_sendfile:
        p = gbuf(a[2], sizeof(off_t), PAGE_READ | PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_sendfile, (int)a[0],
                                                (int)a[1], p, a[3]));
        break;
    case TARGET_NR_copy_file_range:
        p = gbuf(a[1], sizeof(off_t), PAGE_READ | PAGE_WRITE, &bad);
        q = gbuf(a[3], sizeof(off_t), PAGE_READ | PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_copy_file_range, (int)a[0], p,
                                      (int)a[2], q, a[4], (unsigned)a[5]));
        break;
    case TARGET_NR_splice:
        p = gbuf(a[1], sizeof(off_t), PAGE_READ | PAGE_WRITE, &bad);
        q = gbuf(a[3], sizeof(off_t), PAGE_READ | PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_splice, (int)a[0], p, (int)a[2],
                                      q, a[4], (unsigned)a[5]));
        break;
    case TARGET_NR_memfd_create:
        p = lock_user_string(a[0]);
        *ret = p ? host_ret(syscall(SYS_memfd_create, p, (unsigned)a[1]))
                 : -EFAULT;
        break;
    case TARGET_NR_inotify_init1:
        *ret = host_ret(syscall(SYS_inotify_init1,
                                target_to_host_open_flags((int)a[0])));
        break;
    case TARGET_NR_inotify_add_watch:
        p = lock_user_string(a[1]);
        *ret = p ? host_ret(syscall(SYS_inotify_add_watch, (int)a[0], p,
                                    (unsigned)a[2])) : -EFAULT;
        break;
    case TARGET_NR_inotify_rm_watch:
        *ret = host_ret(syscall(SYS_inotify_rm_watch, (int)a[0], (int)a[1]));
        break;
    case TARGET_NR_getxattr:
    case TARGET_NR_lgetxattr:
    case TARGET_NR_listxattr:
    case TARGET_NR_llistxattr:
    case TARGET_NR_fgetxattr:
    case TARGET_NR_flistxattr:
        *ret = -ENOTSUP;
        break;
    default:
        return false;
    }
    return true;
}

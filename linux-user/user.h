/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux-user internals: one AArch64 Linux process run on the host.
 *
 * Guest memory is a window of host address space: guest address A lives
 * at host address guest_base + A (IR_MEM_DIRECT), for A below
 * guest_space_size.  The whole window is reserved PROT_NONE at start-up;
 * guest mmap replaces parts of it and guest munmap puts the reservation
 * back, so the host never places its own mappings inside.  A sparse table
 * of page flags records what the guest asked for (mmap.c).
 *
 * Threads: every guest thread is a host thread with its own ARMCPU and
 * TaskState (thread_ts).  Signals: signal.c.  Syscalls: syscall*.c.
 */
#ifndef KESTREL_LINUX_USER_H
#define KESTREL_LINUX_USER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>

#include "frontend/aarch64/cpu.h"
#include "kestrel/tb.h"

/* ------------------------------------------------------------------ */
/* Options (main.c)                                                    */

typedef struct UserOptions {
    const char *sysroot;      /* -L, or NULL */
    const char *cpu_model;    /* -cpu, or NULL for the default */
    bool strace;              /* -strace */
    uint64_t stack_size;      /* -s */
    const char *exec_path;    /* the guest program, absolute if possible */
    GPtrArray *reexec_args;   /* options execve passes on (NULL-free) */
    TCGOptions tcg;           /* -accel, for a fork child's new buffer */
    const char *gdb_spec;     /* -g PORT / QEMU_GDB: wait for gdb */
} UserOptions;

extern UserOptions user_opts;

/* ------------------------------------------------------------------ */
/* Guest memory (mmap.c)                                               */

#define GUEST_PAGE_SIZE 4096ull
#define GUEST_PAGE_MASK (~(GUEST_PAGE_SIZE - 1))
#define GUEST_PAGE_ALIGN(x) (((x) + GUEST_PAGE_SIZE - 1) & GUEST_PAGE_MASK)

/* Page flags, one byte per guest page. */
enum {
    PAGE_READ = 0x01,   /* guest PROT_READ */
    PAGE_WRITE = 0x02,  /* guest PROT_WRITE (may be withheld on the host) */
    PAGE_EXEC = 0x04,   /* guest PROT_EXEC */
    PAGE_VALID = 0x08,  /* mapped */
    PAGE_CODE = 0x10,   /* holds TBs: host write-protected (SMC) */
    PAGE_ANON = 0x20,   /* anonymous private: can grow in place */
};

extern uintptr_t guest_base;
extern uint64_t guest_space_size;

static inline void *g2h(uint64_t addr)
{
    return (void *)(guest_base + (uintptr_t)addr);
}
static inline bool h2g_valid(uintptr_t host)
{
    return host - guest_base < guest_space_size;
}
static inline uint64_t h2g(const void *host)
{
    return (uintptr_t)host - guest_base;
}

/* Reserve the guest window; false with *errp on failure. */
bool mmap_init(GError **errp);
/* Serialise guest address-space changes (threads). */
void mmap_lock(void);
void mmap_unlock(void);

int page_get_flags(uint64_t addr);
/* Free pages of len bytes at or below the top-down hint (0 if none). */
uint64_t mmap_find_free(uint64_t hint, uint64_t len);
/* Where the top-down allocator starts (below the stack). */
void mmap_set_top(uint64_t top);

/* The guest's mmap family; results are guest addresses or -errno. */
int64_t target_mmap(uint64_t start, uint64_t len, int prot, int flags,
                    int fd, int64_t offset);
int64_t target_munmap(uint64_t start, uint64_t len);
int64_t target_mprotect(uint64_t start, uint64_t len, int prot);
int64_t target_mremap(uint64_t old, uint64_t old_len, uint64_t new_len,
                      int flags, uint64_t new_addr);
int64_t target_madvise(uint64_t start, uint64_t len, int advice);
int64_t target_msync(uint64_t start, uint64_t len, int flags);
/* brk: set the initial break, then the syscall. */
void target_set_brk(uint64_t brk);
int64_t target_brk(uint64_t new_brk);

/*
 * Host pointer for guest [addr, addr + len) if every page is mapped with
 * access (PAGE_READ or PAGE_WRITE), else NULL.  Write access first
 * drops the TBs of code pages in the range so the host kernel or a
 * memcpy can store there.  len 0 is always valid (returns g2h(addr)).
 */
void *lock_user(uint64_t addr, uint64_t len, int access);
/* Host pointer to a readable NUL-terminated guest string, or NULL. */
char *lock_user_string(uint64_t addr);
int copy_from_user(void *dst, uint64_t src, size_t len);  /* 0 / -EFAULT */
/*
 * For syscalls that hand a guest buffer to the host kernel: NULL for a
 * NULL guest pointer (the host sees NULL too), the host pointer if the
 * range is accessible, else NULL with *bad set (the caller returns
 * -EFAULT).
 */
static inline void *gbuf(uint64_t addr, uint64_t len, int access,
                         bool *bad)
{
    void *p;

    if (!addr) {
        return NULL;
    }
    p = lock_user(addr, len, access);
    if (!p) {
        *bad = true;
    }
    return p;
}
int copy_to_user(uint64_t dst, const void *src, size_t len);

/*
 * A host write fault at guest address addr: if the page only lacks write
 * because it holds code, drop its TBs, make it writable again and return
 * true (the store can be retried).
 */
bool page_unprotect(uint64_t addr);
/* Install the TB code-page notifier (SMC protection). */
void mmap_register_code_notifier(void);

/* ------------------------------------------------------------------ */
/* Loader (elfload.c)                                                  */

typedef struct ImageInfo {
    uint64_t load_bias;       /* main image: where ET_DYN went */
    uint64_t entry;           /* where the program starts (interp's) */
    uint64_t prog_entry;      /* the program's own entry (AT_ENTRY) */
    uint64_t phdr, phnum;     /* program headers in guest memory */
    uint64_t interp_base;     /* AT_BASE (0 if static) */
    uint64_t start_brk;
    uint64_t stack_top;       /* initial sp */
    uint64_t stack_limit;     /* lowest stack address */
} ImageInfo;

/*
 * Load path (argv, envp for the guest), build the initial stack.  Fills
 * info; false with *errp (a one-line message naming the file).
 */
bool elf_load_program(const char *path, char **argv, char **envp,
                      ImageInfo *info, ARMCPU *cpu, GError **errp);
/*
 * Is the file at path an AArch64 ELF (1), another ELF (2), a #! script
 * (3) or something else (0)?  -errno if it cannot be read.
 */
int elf_probe_file(const char *path);

/* ------------------------------------------------------------------ */
/* Threads and signals (signal.c, syscall-proc.c)                      */

#define TARGET_NSIG 64

/* A guest siginfo (the 64-bit Linux layout, same as x86-64's). */
typedef struct TargetSiginfo {
    int32_t si_signo;
    int32_t si_errno;
    int32_t si_code;
    int32_t pad0;
    union {
        uint8_t raw[128 - 16];
        struct {
            int32_t pid;
            uint32_t uid;
            uint64_t value;   /* sigqueue / timers */
        } kill;
        struct {
            uint64_t addr;
        } fault;
        struct {
            int32_t pid;
            uint32_t uid;
            int32_t status;
            int32_t pad;
            int64_t utime, stime;
        } chld;
    } u;
} TargetSiginfo;
_Static_assert(sizeof(TargetSiginfo) == 128, "siginfo is 128 bytes");

typedef struct TaskState {
    ARMCPU *cpu;
    pid_t tid;                /* host tid == guest tid */
    uint64_t clear_child_tid; /* CLONE_CHILD_CLEARTID / set_tid_address */

    /* Signals.  Bit (sig - 1) of a 64-bit set. */
    uint64_t sigmask;         /* the guest's blocked set */
    uint64_t pending;         /* queued for this thread */
    TargetSiginfo info[TARGET_NSIG + 1];
    volatile sig_atomic_t signal_pending; /* something to look at */
    bool in_sigsuspend;       /* restore saved_mask after delivery */
    uint64_t saved_mask;
    bool syscall_restart;     /* pc is back on an interrupted SVC */
    uint64_t alt_sp, alt_size;/* sigaltstack */
    int alt_flags;
} TaskState;

extern __thread TaskState *thread_ts;

/* Signal numbers shared by guest and host (x86-64 == generic). */
static inline uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

void signal_init(void);
/* The per-thread part: a new thread's host mask follows its guest mask. */
void signal_init_thread(TaskState *ts);
/* Queue sig for the current thread (from the CPU loop); force: a fault
 * that kills the process if blocked or ignored. */
void queue_signal(TaskState *ts, int sig, int code, uint64_t addr,
                  bool force);
/* Deliver what is pending and unblocked (CPU loop, after each exit). */
void process_pending_signals(CPUARMState *env);
/* Make the host thread's signal mask follow ts->sigmask. */
void signal_update_host_mask(TaskState *ts);
/* Where the sigreturn trampoline lives (set up by elfload). */
void signal_set_trampoline(uint64_t addr);
uint64_t signal_trampoline_addr(void);

/* Syscalls with signal semantics (signal.c). */
int64_t do_rt_sigaction(int sig, uint64_t act, uint64_t oact,
                        uint64_t sigsetsize);
int64_t do_rt_sigprocmask(int how, uint64_t set, uint64_t oset,
                          uint64_t sigsetsize);
int64_t do_rt_sigreturn(CPUARMState *env);
int64_t do_sigaltstack(CPUARMState *env, uint64_t ss, uint64_t oss);
int64_t do_rt_sigsuspend(uint64_t set, uint64_t sigsetsize);
int64_t do_rt_sigpending(uint64_t set, uint64_t sigsetsize);
int64_t do_rt_sigtimedwait(uint64_t set, uint64_t info, uint64_t ts,
                           uint64_t sigsetsize);
/* The guest's disposition of sig is to ignore it (for EINTR restarts). */
bool signal_is_ignored(int sig);
/* Reset handlers to SIG_DFL (execve), keeping ignored ones. */
void signal_prepare_exec(void);
/* Default action of a signal that kills: does not return. */
G_NORETURN void signal_die(int sig);

/* ------------------------------------------------------------------ */
/* The CPU loop and syscalls                                           */

/* TARGET_NR_read ... */
enum {
#define SYSCALL_NR(n, name) TARGET_NR_##name = n,
#include "syscall-nr.h"
#undef SYSCALL_NR
};

/* Returned by a syscall that restored all registers (rt_sigreturn). */
#define TARGET_ERESTARTSYS 512
#define TARGET_ESIGRETURN 4096

G_NORETURN void cpu_loop(ARMCPU *cpu);
/* Run one syscall: number and arguments from env, result in x0. */
void syscall_dispatch(CPUARMState *env);
int64_t do_syscall(CPUARMState *env, int nr, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);

/* The areas; each returns true and sets *ret if it handled nr. */
bool do_syscall_file(CPUARMState *env, int nr, const uint64_t *a,
                     int64_t *ret);
bool do_syscall_mem(CPUARMState *env, int nr, const uint64_t *a,
                    int64_t *ret);
bool do_syscall_proc(CPUARMState *env, int nr, const uint64_t *a,
                     int64_t *ret);
bool do_syscall_sock(CPUARMState *env, int nr, const uint64_t *a,
                     int64_t *ret);
bool do_syscall_time(CPUARMState *env, int nr, const uint64_t *a,
                     int64_t *ret);

/* -errno of a host call that returned -1 (EINTR becomes a restart). */
int64_t host_ret(long r);
/* Name of syscall nr, or NULL. */
const char *syscall_name(int nr);
/* -strace: print the call, then its result. */
void strace_print_call(int nr, const uint64_t *a);
void strace_print_ret(int nr, int64_t ret);

/*
 * A guest iovec array as a host one (g_free it), each buffer checked for
 * access; NULL with *err set on failure.
 */
struct iovec *lock_iovec(uint64_t addr, uint64_t count, int access,
                         int64_t *err);

/* Open flags: guest (generic) <-> host (x86-64). */
int target_to_host_open_flags(int flags);
int host_to_target_open_flags(int flags);
/* A path the guest names, with /proc/self/exe mapped to the program. */
const char *path_remap(const char *path);

/* Exit the whole process after printing -d tb_stats. */
G_NORETURN void user_exit_group(int status);
/* A new guest thread (clone with CLONE_VM): tid or -errno. */
int64_t do_clone_thread(CPUARMState *env, uint64_t flags, uint64_t newsp,
                        uint64_t ptid, uint64_t ctid, uint64_t tls);
/* A guest thread's exit syscall. */
G_NORETURN void do_thread_exit(CPUARMState *env, int status);
int64_t do_execve(const char *path, uint64_t argv, uint64_t envp);

#endif /* KESTREL_LINUX_USER_H */

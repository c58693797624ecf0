/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ELF loader: an AArch64 ELF64 program (ET_EXEC or ET_DYN), its
 * PT_INTERP when it has one, and the initial stack the kernel would
 * build:
 *
 *     sp ->  argc
 *            argv[0..argc-1], NULL
 *            envp[...], NULL
 *            auxv pairs, AT_NULL
 *            ... padding, 16 random bytes, "aarch64", strings
 *            execfn string                      <- near stack top
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "user.h"

#define ET_DYN_BASE 0x5500000000ull
#define DEFAULT_STACK_SIZE (8ull << 20)

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif
#define TARGET_MINSIGSTKSZ 5120

typedef struct LoadedImage {
    uint64_t bias;
    uint64_t entry;
    uint64_t phdr;
    uint64_t phnum;
    uint64_t end;           /* highest address of any segment */
    char *interp;           /* PT_INTERP path, or NULL */
} LoadedImage;

int elf_probe_file(const char *path)
{
    unsigned char buf[sizeof(Elf64_Ehdr)];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return -errno;
    }
    n = read(fd, buf, sizeof(buf));
    close(fd);
    if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
        return 3;
    }
    if (n < (ssize_t)sizeof(buf) || memcmp(buf, ELFMAG, SELFMAG)) {
        return 0;
    }
    if (buf[EI_CLASS] == ELFCLASS64 &&
        ((Elf64_Ehdr *)buf)->e_machine == EM_AARCH64) {
        return 1;
    }
    return 2;
}

static bool read_at(int fd, void *buf, size_t len, off_t off)
{
    return pread(fd, buf, len, off) == (ssize_t)len;
}

static bool check_ehdr(const Elf64_Ehdr *eh, ssize_t n, const char *path,
                       GError **errp)
{
    const char *why = NULL;

    if (n < 4 || memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
        why = "not an ELF file";
    } else if (n < (ssize_t)sizeof(*eh) ||
               eh->e_ident[EI_CLASS] != ELFCLASS64) {
        why = "not a 64-bit ELF file";
    } else if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        why = "not a little-endian ELF file";
    } else if (eh->e_machine != EM_AARCH64) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: not an AArch64 program (ELF machine %u)", path,
                    eh->e_machine);
        return false;
    } else if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        why = "not an executable or shared object";
    } else if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
               eh->e_phnum > 256) {
        why = "bad program headers";
    }
    if (why) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %s", path,
                    why);
        return false;
    }
    return true;
}

static int elf_prot(uint32_t pflags)
{
    return ((pflags & PF_R) ? PROT_READ : 0) |
           ((pflags & PF_W) ? PROT_WRITE : 0) |
           ((pflags & PF_X) ? PROT_EXEC : 0);
}

/* Map one PT_LOAD at bias; zero its bss. */
static bool map_segment(int fd, const Elf64_Phdr *ph, uint64_t bias,
                        const char *path, GError **errp)
{
    uint64_t vaddr = ph->p_vaddr + bias;
    uint64_t page = vaddr & GUEST_PAGE_MASK;
    uint64_t file_end = vaddr + ph->p_filesz;
    uint64_t mem_end = vaddr + ph->p_memsz;
    uint64_t zero_from = GUEST_PAGE_ALIGN(file_end);
    int prot = elf_prot(ph->p_flags);
    int64_t r;

    if ((ph->p_offset & ~GUEST_PAGE_MASK) != (vaddr & ~GUEST_PAGE_MASK)) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: segment offset and address are not congruent",
                    path);
        return false;
    }
    if (ph->p_filesz) {
        r = target_mmap(page, file_end - page, prot | PROT_WRITE,
                        MAP_PRIVATE | MAP_FIXED, fd,
                        ph->p_offset & GUEST_PAGE_MASK);
        if (r < 0) {
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "%s: cannot map segment: %s", path, g_strerror(-r));
            return false;
        }
        /* The rest of the last file page is bss: zero it. */
        if (mem_end > file_end && zero_from > file_end) {
            memset(g2h(file_end), 0, zero_from - file_end);
        }
        target_mprotect(page, file_end - page, prot);
    } else {
        zero_from = page;
    }
    if (mem_end > zero_from) {
        r = target_mmap(zero_from, mem_end - zero_from, prot,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (r < 0) {
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                        "%s: cannot map bss: %s", path, g_strerror(-r));
            return false;
        }
    }
    return true;
}

/* Choose a load bias and reserve the image's span. */
static bool place_image(const Elf64_Ehdr *eh, uint64_t lo, uint64_t hi,
                        bool is_interp, uint64_t *bias, const char *path,
                        GError **errp)
{
    uint64_t len = GUEST_PAGE_ALIGN(hi) - (lo & GUEST_PAGE_MASK);
    uint64_t at = lo & GUEST_PAGE_MASK;
    int64_t r;

    *bias = 0;
    if (eh->e_type == ET_DYN) {
        uint64_t base = MIN(ET_DYN_BASE, guest_space_size / 4);

        at = mmap_find_free(is_interp ? 0 : base, len);
        if (!at) {
            goto nomem;
        }
        *bias = at - (lo & GUEST_PAGE_MASK);
    }
    r = target_mmap(at, len, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (r >= 0) {
        return true;
    }
nomem:
    g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                "%s: no room for the image at 0x%" G_GINT64_MODIFIER "x",
                path, at);
    return false;
}

static bool load_elf_image(const char *path, bool is_interp,
                           LoadedImage *img, GError **errp)
{
    g_autofree Elf64_Phdr *ph = NULL;
    Elf64_Ehdr eh;
    uint64_t lo = UINT64_MAX, hi = 0;
    bool ok = false;
    ssize_t n;
    int fd;

    memset(img, 0, sizeof(*img));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: %s", path, g_strerror(errno));
        return false;
    }
    memset(&eh, 0, sizeof(eh));
    n = pread(fd, &eh, sizeof(eh), 0);
    if (!check_ehdr(&eh, n, path, errp)) {
        goto out;
    }
    ph = g_new(Elf64_Phdr, eh.e_phnum);
    if (!read_at(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff)) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: truncated program headers", path);
        goto out;
    }
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz) {
            lo = MIN(lo, ph[i].p_vaddr);
            hi = MAX(hi, ph[i].p_vaddr + ph[i].p_memsz);
        }
        if (ph[i].p_type == PT_INTERP && !is_interp && !img->interp &&
            ph[i].p_filesz > 1 && ph[i].p_filesz < 4096) {
            img->interp = g_malloc0(ph[i].p_filesz + 1);
            if (!read_at(fd, img->interp, ph[i].p_filesz, ph[i].p_offset)) {
                g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                            "%s: truncated PT_INTERP", path);
                goto out;
            }
        }
    }
    if (lo >= hi || hi > guest_space_size) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: no loadable segment fits the guest space", path);
        goto out;
    }
    if (!place_image(&eh, lo, hi, is_interp, &img->bias, path, errp)) {
        goto out;
    }
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz &&
            !map_segment(fd, &ph[i], img->bias, path, errp)) {
            goto out;
        }
    }
    /* The program headers as mapped: PT_PHDR, or inside a PT_LOAD. */
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_PHDR) {
            img->phdr = ph[i].p_vaddr + img->bias;
        }
    }
    for (int i = 0; i < eh.e_phnum && !img->phdr; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset <= eh.e_phoff &&
            eh.e_phoff < ph[i].p_offset + ph[i].p_filesz) {
            img->phdr = ph[i].p_vaddr + img->bias +
                        (eh.e_phoff - ph[i].p_offset);
        }
    }
    img->phnum = eh.e_phnum;
    img->entry = eh.e_entry + img->bias;
    img->end = hi + img->bias;
    ok = true;
out:
    close(fd);
    if (!ok) {
        g_clear_pointer(&img->interp, g_free);
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* The initial stack                                                   */

typedef struct StackBuilder {
    uint64_t sp;             /* grows down */
    uint64_t limit;
} StackBuilder;

static uint64_t push_bytes(StackBuilder *sb, const void *data, size_t len)
{
    sb->sp -= len;
    memcpy(g2h(sb->sp), data, len);
    return sb->sp;
}

static uint64_t push_string(StackBuilder *sb, const char *s)
{
    return push_bytes(sb, s, strlen(s) + 1);
}

static size_t strv_bytes(char **v, size_t *count)
{
    size_t bytes = 0;

    *count = 0;
    for (; v && *v; v++) {
        bytes += strlen(*v) + 1;
        (*count)++;
    }
    return bytes;
}

static bool build_stack(StackBuilder *sb, char **argv, char **envp,
                        const char *execfn, const ImageInfo *info,
                        ARMCPU *cpu, GError **errp)
{
    size_t argc, envc, bytes;
    uint64_t execfn_at, platform_at, random_at, *argv_at, *envp_at;
    uint8_t random[16];
    GArray *vec;
    uint64_t sp;
    size_t words;

    bytes = strv_bytes(argv, &argc) + strv_bytes(envp, &envc);
    if (bytes + strlen(execfn) + 4096 + (argc + envc) * 8 >
        (sb->sp - sb->limit) / 4) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                    "arguments and environment do not fit the stack");
        return false;
    }
    sb->sp -= 8;    /* a NULL word at the very top, as Linux has */
    execfn_at = push_string(sb, execfn);
    argv_at = g_new(uint64_t, argc + 1);
    envp_at = g_new(uint64_t, envc + 1);
    for (size_t i = envc; i-- > 0;) {
        envp_at[i] = push_string(sb, envp[i]);
    }
    for (size_t i = argc; i-- > 0;) {
        argv_at[i] = push_string(sb, argv[i]);
    }
    platform_at = push_string(sb, "aarch64");
    sb->sp &= ~15ull;
    for (size_t i = 0; i < sizeof(random); i++) {
        random[i] = g_random_int() & 0xff;
    }
    random_at = push_bytes(sb, random, sizeof(random));

    vec = g_array_new(false, false, sizeof(uint64_t));
#define AUX(k, v)                                                      \
    do {                                                               \
        uint64_t kv_[2] = { (k), (v) };                                \
        g_array_append_vals(vec, kv_, 2);                              \
    } while (0)
    AUX(AT_PHDR, info->phdr);
    AUX(AT_PHENT, sizeof(Elf64_Phdr));
    AUX(AT_PHNUM, info->phnum);
    AUX(AT_PAGESZ, GUEST_PAGE_SIZE);
    AUX(AT_BASE, info->interp_base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, info->prog_entry);
    AUX(AT_UID, getuid());
    AUX(AT_EUID, geteuid());
    AUX(AT_GID, getgid());
    AUX(AT_EGID, getegid());
    AUX(AT_HWCAP, cpu->hwcap);
    AUX(AT_HWCAP2, cpu->hwcap2);
    AUX(AT_CLKTCK, sysconf(_SC_CLK_TCK));
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random_at);
    AUX(AT_EXECFN, execfn_at);
    AUX(AT_PLATFORM, platform_at);
    AUX(AT_MINSIGSTKSZ, TARGET_MINSIGSTKSZ);
    AUX(AT_NULL, 0);
#undef AUX

    /* argc, argv + NULL, envp + NULL, auxv: keep sp 16-byte aligned. */
    words = 1 + argc + 1 + envc + 1 + vec->len;
    sp = (sb->sp - words * 8) & ~15ull;
    sb->sp = sp;
    {
        uint64_t *w = g2h(sp);

        *w++ = argc;
        memcpy(w, argv_at, argc * 8);
        w += argc;
        *w++ = 0;
        memcpy(w, envp_at, envc * 8);
        w += envc;
        *w++ = 0;
        memcpy(w, vec->data, vec->len * 8);
    }
    g_array_free(vec, true);
    g_free(argv_at);
    g_free(envp_at);
    return true;
}

/* ------------------------------------------------------------------ */
/* The sigreturn trampoline                                            */

/* A page holding "mov x8, #139 (rt_sigreturn); svc #0". */
static bool map_trampoline(GError **errp)
{
    static const uint32_t code[] = { 0xd2801168, 0xd4000001 };
    uint64_t at = mmap_find_free(0, GUEST_PAGE_SIZE);
    int64_t r;

    r = at ? target_mmap(at, GUEST_PAGE_SIZE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
           : -ENOMEM;
    if (r < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                    "cannot map the signal trampoline");
        return false;
    }
    memcpy(g2h(at), code, sizeof(code));
    target_mprotect(at, GUEST_PAGE_SIZE, PROT_READ | PROT_EXEC);
    signal_set_trampoline(at);
    return true;
}

/* ------------------------------------------------------------------ */

/* The interpreter: under the sysroot first, then as named. */
static char *find_interp(const char *interp, GError **errp)
{
    if (user_opts.sysroot) {
        char *p = g_build_filename(user_opts.sysroot, interp, NULL);

        if (access(p, R_OK) == 0) {
            return p;
        }
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "ELF interpreter %s not found (tried %s)", interp, p);
        g_free(p);
        return NULL;
    }
    if (access(interp, R_OK) == 0) {
        return g_strdup(interp);
    }
    g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                "ELF interpreter %s not found (tried %s; use -L SYSROOT)",
                interp, interp);
    return NULL;
}

static bool map_stack(ImageInfo *info, GError **errp)
{
    uint64_t size = user_opts.stack_size ? user_opts.stack_size
                                         : DEFAULT_STACK_SIZE;
    uint64_t top = guest_space_size - GUEST_PAGE_SIZE;
    uint64_t bottom;
    int64_t r;

    size = GUEST_PAGE_ALIGN(size);
    if (size > guest_space_size / 4) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                    "stack size %" G_GUINT64_FORMAT " is too large", size);
        return false;
    }
    bottom = top - size;
    r = target_mmap(bottom, size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (r < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                    "cannot map the stack: %s", g_strerror(-r));
        return false;
    }
    info->stack_limit = bottom;
    info->stack_top = top;
    /* mmap(NULL) goes below the stack, leaving room for it to be big. */
    mmap_set_top(bottom - MAX(size, 256ull << 20));
    return true;
}

bool elf_load_program(const char *path, char **argv, char **envp,
                      ImageInfo *info, ARMCPU *cpu, GError **errp)
{
    LoadedImage prog, interp;
    StackBuilder sb;
    bool ok = false;

    memset(info, 0, sizeof(*info));
    if (!map_stack(info, errp) || !load_elf_image(path, false, &prog, errp)) {
        return false;
    }
    info->load_bias = prog.bias;
    info->prog_entry = info->entry = prog.entry;
    info->phdr = prog.phdr;
    info->phnum = prog.phnum;
    info->start_brk = prog.end;
    if (prog.interp) {
        g_autofree char *ipath = find_interp(prog.interp, errp);

        if (!ipath || !load_elf_image(ipath, true, &interp, errp)) {
            goto out;
        }
        info->interp_base = interp.bias;
        info->entry = interp.entry;
        g_free(interp.interp);
    }
    target_set_brk(info->start_brk);
    if (!map_trampoline(errp)) {
        goto out;
    }
    sb.sp = info->stack_top;
    sb.limit = info->stack_limit;
    if (!build_stack(&sb, argv, envp, path, info, cpu, errp)) {
        goto out;
    }
    info->stack_top = sb.sp;
    ok = true;
out:
    g_free(prog.interp);
    return ok;
}

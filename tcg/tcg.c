/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bring-up of the translator: options, code buffer, backend, prologue,
 * the translation IR context; statistics.
 *
 * Usage (what main does for -accel tcg,tb-size=64,backend=interp):
 *
 *     TCGOptions opts = { 0 };
 *     if (!tcg_parse_accel_opts(arg, &opts, &err) ||
 *         !tcg_init(&opts, &err)) {
 *         print err->message, exit 1
 *     }
 *
 * tcg_init may be called again (tests switch backends): every TB is
 * dropped and the buffer remapped, but the IR context, and with it the
 * globals frontends created, survives.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kestrel/log.h"
#include "tb-internal.h"

TBContext tb_ctx;
pthread_mutex_t tb_ctx_lock = PTHREAD_MUTEX_INITIALIZER;
__thread bool tb_lock_held;

static const TCGBackend *tcg_find_backend(const char *name, GError **errp)
{
#if defined(__x86_64__)
    if (!strcmp(name, "jit")) {
        return &tcg_backend_x86_64;
    }
#endif
    if (!strcmp(name, "interp")) {
        return &tcg_backend_interp;
    }
#if defined(__x86_64__)
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "unknown TCG backend '%s' (jit, interp)", name);
#else
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "unknown TCG backend '%s' (interp; no JIT for this host)",
                name);
#endif
    return NULL;
}

/* Room for the prologue: generous, it is tiny next to any buffer. */
#define TCG_PROLOGUE_MAX (16 * 1024)

/* Emit the prologue at the start of the buffer; returns its size. */
static size_t tcg_emit_prologue(void)
{
    IRContext *s = &tb_ctx.ir;
    CodeBuffer *cb = &tb_ctx.cb;
    size_t n;

    ir_context_reset(s);
    s->code_buf = s->code_ptr = cb->rw;
    s->code_highwater = cb->rw + TCG_PROLOGUE_MAX;
    s->rx_diff = cb->rx_diff;
    n = tb_ctx.backend->emit_prologue(s, &tb_ctx.epilogue_rx);
    g_assert(n <= TCG_PROLOGUE_MAX);
    return n;
}

/* The IR context outlives tcg_init: frontends may set globals up first. */
static void tcg_ir_ready_locked(void)
{
    if (!tb_ctx.ir_ready) {
        ir_context_init(&tb_ctx.ir);
        tb_ctx.ir.optimize = true;
        tb_ctx.ir_ready = true;
    }
}

bool tcg_init(const TCGOptions *opts, GError **errp)
{
    static const TCGOptions defaults;
    const TCGBackend *backend;
    size_t mib;

    if (!opts) {
        opts = &defaults;
    }
    backend = tcg_find_backend(opts->backend ? opts->backend : "jit", errp);
    if (!backend) {
        return false;
    }
    mib = opts->tb_size_mib ? opts->tb_size_mib : CODE_BUFFER_DEFAULT_MIB;
    if (mib > CODE_BUFFER_MAX_MIB) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "tb-size %zu MiB is too large (max %d)", mib,
                    CODE_BUFFER_MAX_MIB);
        return false;
    }

    tb_lock();
    if (tb_ctx.initialized) {
        tb_flush_locked();
        code_buffer_unmap(&tb_ctx.cb);
        tb_ctx.initialized = false;
    }
    if (!code_buffer_map(&tb_ctx.cb, mib << 20, !opts->no_split_wx, errp)) {
        tb_unlock();
        return false;
    }
    tcg_ir_ready_locked();
    tb_ctx.backend = backend;
    tb_ctx.no_chain = opts->no_chain;
    tb_jmp_cache_bits = opts->jmp_cache_bits ? opts->jmp_cache_bits : 12;
    tb_ctx.icount = opts->icount;
    code_buffer_init_regions(&tb_ctx.cb, tcg_emit_prologue());
    tb_maint_init();
    tb_ctx.initialized = true;
    tb_unlock();
    return true;
}

/* The child's copy of the code buffer, made while the lock is held. */
static int fork_snapshot_fd = -1;

void tcg_fork_prepare(void)
{
    tb_lock();
    if (tb_ctx.initialized) {
        fork_snapshot_fd = code_buffer_snapshot(&tb_ctx.cb);
    }
}

void tcg_fork_parent(void)
{
    if (fork_snapshot_fd >= 0) {
        close(fork_snapshot_fd);
        fork_snapshot_fd = -1;
    }
    tb_unlock();
}

bool tcg_fork_child(const TCGOptions *opts, GError **errp)
{
    int fd = fork_snapshot_fd;

    /* Held by this thread at the fork; no other thread exists now. */
    pthread_mutex_init(&tb_ctx_lock, NULL);
    tb_lock_held = false;
    /*
     * Keep what the parent translated (a shell's subshells run the same
     * code) in the copy tcg_fork_prepare made, rather than start afresh.
     */
    fork_snapshot_fd = -1;
    if (tb_ctx.initialized && code_buffer_adopt(&tb_ctx.cb, fd)) {
        return true;
    }
    return tcg_init(opts, errp);
}

const char *tcg_backend_name(void)
{
    return tb_ctx.backend ? tb_ctx.backend->name : NULL;
}

IRContext *tcg_ir_context(void)
{
    tb_lock();
    tcg_ir_ready_locked();
    tb_unlock();
    return &tb_ctx.ir;
}

const TBCacheStats *tcg_stats(void)
{
    return &tb_ctx.stats;
}

/* ------------------------------------------------------------------ */
/* -accel tcg,...                                                      */

static bool parse_tb_size(const char *val, size_t *out, GError **errp)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(val, &end, 10);
    if (!*val || *end || errno || v < 1 || val[0] == '-') {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-accel tcg,tb-size: invalid size '%s' "
                    "(a whole number of MiB, at least 1)", val);
        return false;
    }
    if (v > CODE_BUFFER_MAX_MIB) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-accel tcg,tb-size: size '%s' too large (max %d)",
                    val, CODE_BUFFER_MAX_MIB);
        return false;
    }
    *out = v;
    return true;
}

static bool parse_backend(const char *val, const char **out, GError **errp)
{
    /* Keep pointers to our own strings: arg may not outlive opts. */
    if (!strcmp(val, "jit")) {
        *out = "jit";
    } else if (!strcmp(val, "interp")) {
        *out = "interp";
    } else {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-accel tcg,backend: unknown backend '%s' "
                    "(jit, interp)", val);
        return false;
    }
    return true;
}

/* on/off (QEMU's boolean spelling); *out = (value is off) if invert. */
static bool parse_on_off(const char *key, const char *val, bool *out,
                         bool invert, GError **errp)
{
    bool on;

    if (!strcmp(val, "on") || !strcmp(val, "yes") || !strcmp(val, "true")) {
        on = true;
    } else if (!strcmp(val, "off") || !strcmp(val, "no") ||
               !strcmp(val, "false")) {
        on = false;
    } else {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-accel tcg,%s: '%s' is not on or off", key, val);
        return false;
    }
    *out = invert ? !on : on;
    return true;
}

static bool parse_thread(const char *val, TCGThreadMode *out,
                         GError **errp)
{
    if (!strcmp(val, "single")) {
        *out = TCG_THREAD_SINGLE;
    } else if (!strcmp(val, "multi")) {
        *out = TCG_THREAD_MULTI;
    } else {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-accel tcg,thread: unknown mode '%s' "
                    "(single, multi)", val);
        return false;
    }
    return true;
}

static bool parse_prop(const char *item, TCGOptions *opts, GError **errp)
{
    const char *eq = strchr(item, '=');
    g_autofree char *key = eq ? g_strndup(item, eq - item)
                              : g_strdup(item);

    if (!strcmp(key, "tb-size") && eq) {
        return parse_tb_size(eq + 1, &opts->tb_size_mib, errp);
    }
    if (!strcmp(key, "backend") && eq) {
        return parse_backend(eq + 1, &opts->backend, errp);
    }
    if (!strcmp(key, "split-wx") && eq) {
        return parse_on_off(key, eq + 1, &opts->no_split_wx, true, errp);
    }
    if (!strcmp(key, "thread") && eq) {
        return parse_thread(eq + 1, &opts->thread, errp);
    }
    if ((!strcmp(key, "tb-size") || !strcmp(key, "backend") ||
         !strcmp(key, "split-wx") || !strcmp(key, "thread")) && !eq) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-accel tcg,%s: missing value", key);
        return false;
    }
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                "-accel: unknown property '%s'", key);
    return false;
}

bool tcg_parse_accel_opts(const char *arg, TCGOptions *opts, GError **errp)
{
    g_auto(GStrv) items = g_strsplit(arg ? arg : "", ",", -1);
    char **p = items;

    /* The accelerator name comes first and is optional here. */
    if (*p && !strchr(*p, '=')) {
        if (strcmp(*p, "tcg") != 0) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "-accel: unknown accelerator '%s'", *p);
            return false;
        }
        p++;
    }
    for (; *p; p++) {
        if (**p && !parse_prop(*p, opts, errp)) {
            return false;
        }
    }
    return true;
}

void tcg_print_stats(FILE *f)
{
    const TBCacheStats *st = &tb_ctx.stats;
    double per_insn = st->guest_insns ?
                      (double)st->code_bytes / st->guest_insns : 0.0;

    fprintf(f, "TB cache (%s backend, %zu MiB):\n",
            tcg_backend_name() ? tcg_backend_name() : "none",
            tb_ctx.cb.size >> 20);
    fprintf(f, "  translations          %" PRIu64 "\n", st->translations);
    fprintf(f, "  guest insns           %" PRIu64 "\n", st->guest_insns);
    fprintf(f, "  code bytes            %" PRIu64 "\n", st->code_bytes);
    fprintf(f, "  host bytes/guest insn %.1f\n", per_insn);
    fprintf(f, "  flushes               %" PRIu64 "\n", st->flushes);
    fprintf(f, "  evictions             %" PRIu64 "\n", st->evictions);
    fprintf(f, "  invalidations         %" PRIu64 "\n", st->invalidations);
    fprintf(f, "  smaller retranslations %" PRIu64 "\n",
            st->retranslations_smaller);
    fprintf(f, "  jump-cache misses     %" PRIu64 " (of them %" PRIu64
            " from indirect branches)\n", st->hash_lookups,
            st->lookup_misses);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small harness for the IR and backend unit tests: build one IR program,
 * generate code for it with each backend, run it on a test CPU state and
 * read the results back.  Independent of the TB cache, so the backends can
 * be tested on their own.
 *
 *     h_init();                               // once, from group setup
 *     const void *code[H_NB_CFG];
 *     h_rewind();                             // reuse the code buffer
 *     if (h_compile_all(build, opaque, 0, code)) {
 *         for (int c = 0; c < H_NB_CFG; c++) {
 *             memcpy(H.env, &input, sizeof(input));
 *             h_run(c, code[c]);
 *             ... compare H.env with the expected state ...
 *         }
 *     }
 *     h_end_test();                           // fails if h_fail was called
 *
 * The test CPU is laid out like a real one (CPUState, CPUNegState, then
 * env).  Globals r0..r47 (i64) and w0..w47 (i32) are bound to env->r[]
 * and env->w[].  Each configuration (interpreter, JIT, JIT with the host
 * features it may use forced off) owns a slice of one RWX buffer: its
 * prologue, then the code of the programs compiled since h_rewind().
 *
 * Everything is static (header only): each test binary has its own copy.
 */
#ifndef KESTREL_TESTS_UNIT_HARNESS_H
#define KESTREL_TESTS_UNIT_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>
#include <glib.h>

#include "kestrel/cpu.h"
#include "kestrel/ir.h"
#include "backend.h"
#if __has_include("kestrel/host-cpu.h")
#include "kestrel/host-cpu.h"
#define H_HAVE_HOST_CPU 1
#endif

/* ------------------------------------------------------------------ */
/* The test CPU                                                        */

#define H_NR64 48
#define H_NR32 48

typedef struct TestEnv {
    uint64_t r[H_NR64];     /* globals r0..r47 (i64) */
    uint32_t w[H_NR32];     /* globals w0..w47 (i32) */
    uint8_t scratch[64];    /* target of host ld/st tests, not a global */
    uint64_t spare[8];      /* free for helpers */
} TestEnv;

typedef struct TestCPU {
    CPUState cpu;
    CPUNegState neg;        /* immediately before env */
    TestEnv env;
} TestCPU;

_Static_assert(offsetof(TestCPU, env) ==
               offsetof(TestCPU, neg) + sizeof(CPUNegState),
               "env follows neg");

#define H_OFS_R(i) ((int32_t)(offsetof(TestEnv, r) + 8 * (i)))
#define H_OFS_W(i) ((int32_t)(offsetof(TestEnv, w) + 4 * (i)))

/* ------------------------------------------------------------------ */
/* Configurations                                                      */

enum {
    H_INTERP,       /* tcg_backend_interp */
    H_JIT,          /* tcg_backend_x86_64, all host features */
    H_JIT_BASE,     /* tcg_backend_x86_64, baseline x86-64 only */
    H_NB_CFG,
};

static const char *const h_cfg_names[H_NB_CFG] = {
    "interp", "jit", "jit-base",
};

static inline const TCGBackend *h_backend(int cfg)
{
    return cfg == H_INTERP ? &tcg_backend_interp : &tcg_backend_x86_64;
}

/* Flags for h_compile. */
enum {
    H_OPT = 1 << 0,     /* run ir_optimize before code generation */
    H_NO_EXIT = 1 << 1, /* do not append exit_tb 0 */
};

#define H_BUF_SIZE (24u << 20)
#define H_MARGIN (64u << 10)    /* code_highwater below the slice end */
#define H_MAX_PRINT 12          /* failures printed per test */

typedef void (*HBuildFn)(IRContext *s, void *opaque);

typedef struct Harness {
    uint8_t *buf;
    uint8_t *start[H_NB_CFG];   /* first byte after the prologue */
    uint8_t *end[H_NB_CFG];     /* end of the configuration's slice */
    uint8_t *pos[H_NB_CFG];     /* next free byte */
    IRContext ctx;
    IRTemp r[H_NR64], w[H_NR32];
    TestCPU *cpu;
    TestEnv *env;

    /* Copied into the context for every program. */
    IRMemMode mem_mode;
    uintptr_t guest_base;
    uint64_t (*ld_slow)(void *env, uint64_t addr, MemOpIdx oi,
                        uintptr_t retaddr);
    void (*st_slow)(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                    uintptr_t retaddr);
    void (*ld128_slow)(void *env, uint64_t addr, MemOpIdx oi,
                       uintptr_t retaddr, uint64_t out[2]);
    void (*st128_slow)(void *env, uint64_t addr, uint64_t lo, uint64_t hi,
                       MemOpIdx oi, uintptr_t retaddr);

    /* Of the last program compiled. */
    int last_size;
    uint32_t last_nb_insns;
    uint32_t last_insn_end[IR_MAX_INSNS];

    unsigned errors;            /* h_fail calls in the current test */
    bool base_features_forced;  /* H_JIT_BASE really differs from H_JIT */
    bool inited;
} Harness;

static Harness H;

/* ------------------------------------------------------------------ */
/* Failures                                                            */

static inline void h_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static inline void h_fail(const char *fmt, ...)
{
    va_list ap;
    char *msg;

    H.errors++;
    if (H.errors > H_MAX_PRINT) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    print_error("FAIL: %s\n", msg);
    g_free(msg);
}

/* End of a test: fail it if anything was reported with h_fail. */
static inline void h_end_test(void)
{
    unsigned n = H.errors;

    H.errors = 0;
    if (n > H_MAX_PRINT) {
        print_error("... %u failures in all\n", n);
    }
    if (n) {
        fail_msg("%u check(s) failed", n);
    }
}

/* ------------------------------------------------------------------ */
/* Host features                                                       */

/*
 * Force the JIT onto its baseline code paths (no BMI1/BMI2/LZCNT/POPCNT/
 * MOVBE...) for the H_JIT_BASE configuration, and restore afterwards.
 */
static unsigned h_saved_features;

static inline void h_cfg_enter(int cfg)
{
#ifdef H_HAVE_HOST_CPU
    host_cpu_detect();
    h_saved_features = host_cpu_features;
    if (cfg == H_JIT_BASE) {
        host_cpu_features = 0;
        H.base_features_forced = h_saved_features != 0;
    }
#endif
}

static inline void h_cfg_leave(int cfg)
{
#ifdef H_HAVE_HOST_CPU
    host_cpu_features = h_saved_features;
#endif
}

/* ------------------------------------------------------------------ */
/* Set up                                                              */

static inline void h_reset_mem_mode(void)
{
    H.mem_mode = IR_MEM_DIRECT;
    H.guest_base = 0;
    H.ld_slow = NULL;
    H.st_slow = NULL;
    H.ld128_slow = NULL;
    H.st128_slow = NULL;
}

/* Map the code buffer, create the globals, emit each prologue. */
static inline void h_init(void)
{
    size_t slice = H_BUF_SIZE / H_NB_CFG;

    if (H.inited) {
        return;
    }
    H.buf = mmap(NULL, H_BUF_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (H.buf == MAP_FAILED) {
        fprintf(stderr, "harness: cannot map an RWX buffer\n");
        abort();
    }
    H.cpu = aligned_alloc(64, (sizeof(TestCPU) + 63) & ~(size_t)63);
    memset(H.cpu, 0, sizeof(TestCPU));
    H.cpu->cpu.env = &H.cpu->env;
    H.cpu->cpu.neg = &H.cpu->neg;
    H.cpu->neg.cpu = &H.cpu->cpu;
    H.env = &H.cpu->env;

    ir_context_init(&H.ctx);
    for (int i = 0; i < H_NR64; i++) {
        H.r[i] = ir_global_new(&H.ctx, IR_I64, H_OFS_R(i),
                               g_strdup_printf("r%d", i));
    }
    for (int i = 0; i < H_NR32; i++) {
        H.w[i] = ir_global_new(&H.ctx, IR_I32, H_OFS_W(i),
                               g_strdup_printf("w%d", i));
    }
    h_reset_mem_mode();

    for (int c = 0; c < H_NB_CFG; c++) {
        uint8_t *p = H.buf + c * slice;
        const void *epilogue = NULL;
        size_t n;

        H.ctx.code_buf = H.ctx.code_ptr = p;
        H.ctx.code_highwater = p + slice - H_MARGIN;
        H.ctx.rx_diff = 0;
        h_cfg_enter(c);
        n = h_backend(c)->emit_prologue(&H.ctx, &epilogue);
        h_cfg_leave(c);
        H.start[c] = p + ((n + 63) & ~(size_t)63);
        H.end[c] = p + slice;
        H.pos[c] = H.start[c];
    }
    H.inited = true;
}

static inline int h_group_setup(void **state)
{
    h_init();
    return 0;
}

/* Forget every program compiled so far; their code is overwritten. */
static inline void h_rewind(void)
{
    for (int c = 0; c < H_NB_CFG; c++) {
        H.pos[c] = H.start[c];
    }
}

/* ------------------------------------------------------------------ */
/* Compile and run                                                     */

static inline bool h_verify(IRContext *s, const char *when)
{
    GError *err = NULL;

    if (ir_verify(s, &err)) {
        return true;
    }
    h_fail("ir_verify (%s): %s", when, err->message);
    g_error_free(err);
    return false;
}

/* Dump the current IR to stderr (for debugging a failing test). */
static inline void h_dump(const char *title)
{
    fprintf(stderr, "---- %s\n", title);
    ir_dump(&H.ctx, stderr);
}

/* Start a program: an empty TB in H.ctx, set up as the harness says. */
static inline IRContext *h_begin(void)
{
    IRContext *s = &H.ctx;

    ir_context_reset(s);
    s->mem_mode = H.mem_mode;
    s->guest_base = H.guest_base;
    s->ld_slow = H.ld_slow;
    s->st_slow = H.st_slow;
    s->ld128_slow = H.ld128_slow;
    s->st128_slow = H.st128_slow;
    s->insn_start_words = 1;
    s->optimize = false;
    return s;
}

/*
 * Finish the program in H.ctx (from h_begin) and generate code for it
 * with configuration cfg.  Returns the code, or NULL after h_fail.
 */
static inline const void *h_finish(int cfg, unsigned flags, const char *what)
{
    IRContext *s = &H.ctx;
    uint8_t *start;
    int n;

    if (!(flags & H_NO_EXIT)) {
        ir_exit_tb(s, 0);
    }
    if (!h_verify(s, what)) {
        return NULL;
    }
    if (flags & H_OPT) {
        ir_optimize(s);
        if (!h_verify(s, "after ir_optimize")) {
            return NULL;
        }
    }
    start = (uint8_t *)(((uintptr_t)H.pos[cfg] + 63) & ~(uintptr_t)63);
    if (start >= H.end[cfg] - H_MARGIN) {
        h_fail("%s: harness code slice of %s full", what, h_cfg_names[cfg]);
        return NULL;
    }
    s->code_buf = s->code_ptr = start;
    s->code_highwater = H.end[cfg] - H_MARGIN;
    s->rx_diff = 0;
    memset(s->gen_insn_end_off, 0, sizeof(s->gen_insn_end_off));
    h_cfg_enter(cfg);
    n = h_backend(cfg)->gen_code(s);
    h_cfg_leave(cfg);
    if (n <= 0) {
        h_fail("%s: gen_code on %s returned %d", what, h_cfg_names[cfg], n);
        return NULL;
    }
    H.pos[cfg] = start + n;
    H.last_size = n;
    H.last_nb_insns = s->nb_insns;
    memcpy(H.last_insn_end, s->gen_insn_end_off, sizeof(H.last_insn_end));
    return start;
}

/* Build a program with fn and generate code for it with cfg. */
static inline const void *h_compile(int cfg, HBuildFn fn, void *opaque,
                                    unsigned flags, const char *what)
{
    IRContext *s = h_begin();

    fn(s, opaque);
    return h_finish(cfg, flags, what);
}

/* The same for every configuration; false if any failed. */
static inline bool h_compile_all(HBuildFn fn, void *opaque,
                                 unsigned flags, const char *what,
                                 const void *code[H_NB_CFG])
{
    bool ok = true;

    for (int c = 0; c < H_NB_CFG; c++) {
        code[c] = h_compile(c, fn, opaque, flags, what);
        ok &= code[c] != NULL;
    }
    return ok;
}

/* Run code with H.env; returns the exit_tb value. */
static inline uintptr_t h_run(int cfg, const void *code)
{
    return h_backend(cfg)->exec(H.env, code);
}

/* ------------------------------------------------------------------ */
/* Comparing CPU states                                                */

/*
 * Compare H.env with *exp field by field; on a difference, h_fail with
 * what, the configuration and every differing field.  True if equal.
 */
static inline bool h_check_env(const TestEnv *exp, int cfg,
                               const char *what)
{
    const TestEnv *got = H.env;
    GString *msg;

    if (memcmp(exp, got, sizeof(TestEnv)) == 0) {
        return true;
    }
    msg = g_string_new(NULL);
    g_string_append_printf(msg, "%s [%s]:", what, h_cfg_names[cfg]);
    for (int i = 0; i < H_NR64; i++) {
        if (exp->r[i] != got->r[i]) {
            g_string_append_printf(msg, " r%d expected 0x%" G_GINT64_MODIFIER
                                   "x got 0x%" G_GINT64_MODIFIER "x;", i,
                                   exp->r[i], got->r[i]);
        }
    }
    for (int i = 0; i < H_NR32; i++) {
        if (exp->w[i] != got->w[i]) {
            g_string_append_printf(msg, " w%d expected 0x%x got 0x%x;", i,
                                   exp->w[i], got->w[i]);
        }
    }
    for (size_t i = 0; i < sizeof(exp->scratch); i++) {
        if (exp->scratch[i] != got->scratch[i]) {
            g_string_append_printf(msg, " scratch[%zu] expected 0x%02x got "
                                   "0x%02x;", i, exp->scratch[i],
                                   got->scratch[i]);
        }
    }
    for (int i = 0; i < 8; i++) {
        if (exp->spare[i] != got->spare[i]) {
            g_string_append_printf(msg, " spare[%d] expected 0x%"
                                   G_GINT64_MODIFIER "x got 0x%"
                                   G_GINT64_MODIFIER "x;", i, exp->spare[i],
                                   got->spare[i]);
        }
    }
    h_fail("%s", msg->str);
    g_string_free(msg, TRUE);
    return false;
}

/* ------------------------------------------------------------------ */
/* Random numbers (xorshift64*, fixed seeds: failures reproduce)       */

typedef struct HRand {
    uint64_t s;
} HRand;

static inline HRand h_rand_init(uint64_t seed)
{
    HRand r = { seed * 0x9E3779B97F4A7C15ull + 0x1234567ull };

    return r;
}

static inline uint64_t h_rand(HRand *r)
{
    uint64_t x = r->s;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, n), n > 0 (the bias is irrelevant here). */
static inline uint64_t h_rand_below(HRand *r, uint64_t n)
{
    return h_rand(r) % n;
}

static inline unsigned h_bits(IRType t)
{
    return t == IR_I32 ? 32 : 64;
}

static inline uint64_t h_mask(IRType t)
{
    return t == IR_I32 ? 0xffffffffull : ~0ull;
}

/* Sign-extend the low `bits` bits of v. */
static inline uint64_t h_sext(uint64_t v, unsigned bits)
{
    if (bits >= 64) {
        return v;
    }
    return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

static const uint64_t h_edges64[] = {
    0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0xfffffffffffffffeull, 0x8000000000000001ull, 0x7ffffffffffffffeull,
    0xffffffff80000000ull, 0xffffffff7fffffffull, 0x00000000fffffffeull,
    0x80000001, 31, 32, 33, 63, 64, 65, 0x0123456789abcdefull,
};
#define H_NB_EDGES G_N_ELEMENTS(h_edges64)

/* Edge value i, truncated to the width of t. */
static inline uint64_t h_edge(IRType t, unsigned i)
{
    return h_edges64[i % H_NB_EDGES] & h_mask(t);
}

/*
 * A random value of type t with a distribution that exercises corner
 * cases: full-width noise, small magnitudes of both signs, single bits and
 * their neighbours, sparse and dense masks, edge values.
 */
static inline uint64_t h_rand_value(HRand *r, IRType t)
{
    uint64_t v;
    unsigned w = h_bits(t);

    switch (h_rand_below(r, 10)) {
    case 0:
    case 1:
    case 2:
    case 3:
        v = h_rand(r);
        break;
    case 4:
        v = h_rand_below(r, 600) - 300;
        break;
    case 5:
        v = (1ull << h_rand_below(r, w)) + h_rand_below(r, 3) - 1;
        break;
    case 6:
        v = h_rand(r) & h_rand(r) & h_rand(r);
        break;
    case 7:
        v = h_rand(r) | h_rand(r) | h_rand(r);
        break;
    case 8:
        v = h_sext(h_rand(r), 1 + h_rand_below(r, w));
        break;
    default:
        v = h_edge(t, h_rand_below(r, H_NB_EDGES));
        break;
    }
    return v & h_mask(t);
}

/* A random (but fixed-seed) background for every field of env. */
static inline void h_fill_env(TestEnv *e, HRand *r)
{
    for (int i = 0; i < H_NR64; i++) {
        e->r[i] = h_rand(r);
    }
    for (int i = 0; i < H_NR32; i++) {
        e->w[i] = (uint32_t)h_rand(r);
    }
    for (size_t i = 0; i < sizeof(e->scratch); i++) {
        e->scratch[i] = (uint8_t)h_rand(r);
    }
    for (int i = 0; i < 8; i++) {
        e->spare[i] = h_rand(r);
    }
}

/* The global of type t in slot i (r[i] or w[i]). */
static inline IRTemp h_global(IRType t, unsigned i)
{
    return t == IR_I32 ? H.w[i] : H.r[i];
}

/* Write/read the env field of global slot i of type t. */
static inline void h_env_set(TestEnv *e, IRType t, unsigned i, uint64_t v)
{
    if (t == IR_I32) {
        e->w[i] = (uint32_t)v;
    } else {
        e->r[i] = v;
    }
}

static inline uint64_t h_env_get(const TestEnv *e, IRType t, unsigned i)
{
    return t == IR_I32 ? e->w[i] : e->r[i];
}

/* ------------------------------------------------------------------ */
/* The C reference for the IR's arithmetic (see ir.h's op semantics)   */

static inline const char *h_cond_name(IRCond c)
{
    static const char *const names[IR_COND_COUNT] = {
        "never", "always", "eq", "ne", "lt", "ge", "le", "gt",
        "ltu", "geu", "leu", "gtu",
    };
    return c < IR_COND_COUNT ? names[c] : "?";
}

/* Written here, independently of ir_cond_eval. */
static inline bool h_ref_cond(IRCond c, IRType t, uint64_t a, uint64_t b)
{
    unsigned w = h_bits(t);
    uint64_t ua = a & h_mask(t), ub = b & h_mask(t);
    int64_t sa = (int64_t)h_sext(ua, w), sb = (int64_t)h_sext(ub, w);

    switch (c) {
    case IR_COND_NEVER:
        return false;
    case IR_COND_ALWAYS:
        return true;
    case IR_COND_EQ:
        return ua == ub;
    case IR_COND_NE:
        return ua != ub;
    case IR_COND_LT:
        return sa < sb;
    case IR_COND_GE:
        return sa >= sb;
    case IR_COND_LE:
        return sa <= sb;
    case IR_COND_GT:
        return sa > sb;
    case IR_COND_LTU:
        return ua < ub;
    case IR_COND_GEU:
        return ua >= ub;
    case IR_COND_LEU:
        return ua <= ub;
    case IR_COND_GTU:
        return ua > ub;
    default:
        abort();
    }
}

static inline uint64_t h_ref_bswap(uint64_t v, unsigned bytes)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < bytes; i++) {
        r = (r << 8) | ((v >> (8 * i)) & 0xff);
    }
    return r;
}

static inline unsigned h_ref_clz(uint64_t v, unsigned w)
{
    unsigned n = 0;

    for (int i = w - 1; i >= 0 && !((v >> i) & 1); i--) {
        n++;
    }
    return n;
}

static inline unsigned h_ref_ctz(uint64_t v, unsigned w)
{
    unsigned n = 0;

    for (unsigned i = 0; i < w && !((v >> i) & 1); i++) {
        n++;
    }
    return n;
}

static inline unsigned h_ref_ctpop(uint64_t v)
{
    unsigned n = 0;

    for (; v; v &= v - 1) {
        n++;
    }
    return n;
}

static inline uint64_t h_len_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

/*
 * Evaluate one op: in[] holds the inputs (each truncated to its type),
 * carg[] the constant arguments after the inputs (cond, pos, len), out[]
 * receives the outputs truncated to their type.  t is the op's type.
 * Covers every value-computing op (not memory, control flow or calls).
 */
static inline void h_ref_op(IROpcode opc, IRType t, const uint64_t *in,
                            const uint64_t *carg, uint64_t *out)
{
    unsigned w = h_bits(t);
    uint64_t m = h_mask(t);
    uint64_t a = in[0] & m, b = in[1] & m;
    int64_t sa = (int64_t)h_sext(a, w), sb = (int64_t)h_sext(b, w);
    int64_t smin = w == 32 ? INT32_MIN : INT64_MIN;
    unsigned n = (unsigned)(b % w);
    uint64_t r = 0;

    switch (opc) {
    case IR_OP_mov:
        r = a;
        break;
    case IR_OP_add:
        r = a + b;
        break;
    case IR_OP_sub:
        r = a - b;
        break;
    case IR_OP_mul:
        r = a * b;
        break;
    case IR_OP_mulu2:
        if (w == 32) {
            uint64_t p = a * b;
            out[0] = p & m;
            out[1] = p >> 32;
        } else {
            unsigned __int128 p = (unsigned __int128)a * b;
            out[0] = (uint64_t)p;
            out[1] = (uint64_t)(p >> 64);
        }
        return;
    case IR_OP_muls2:
        if (w == 32) {
            int64_t p = sa * sb;
            out[0] = (uint64_t)p & m;
            out[1] = ((uint64_t)p >> 32) & m;
        } else {
            __int128 p = (__int128)sa * sb;
            out[0] = (uint64_t)p;
            out[1] = (uint64_t)((unsigned __int128)p >> 64);
        }
        return;
    case IR_OP_divs:
        if (sb == 0) {
            r = 0;
        } else if (sa == smin && sb == -1) {
            r = (uint64_t)smin;
        } else {
            r = (uint64_t)(sa / sb);
        }
        break;
    case IR_OP_divu:
        r = b ? a / b : 0;
        break;
    case IR_OP_rems:
        if (sb == 0) {
            r = a;
        } else if (sa == smin && sb == -1) {
            r = 0;
        } else {
            r = (uint64_t)(sa % sb);
        }
        break;
    case IR_OP_remu:
        r = b ? a % b : a;
        break;
    case IR_OP_and:
        r = a & b;
        break;
    case IR_OP_or:
        r = a | b;
        break;
    case IR_OP_xor:
        r = a ^ b;
        break;
    case IR_OP_andc:
        r = a & ~b;
        break;
    case IR_OP_orc:
        r = a | ~b;
        break;
    case IR_OP_eqv:
        r = ~(a ^ b);
        break;
    case IR_OP_nand:
        r = ~(a & b);
        break;
    case IR_OP_nor:
        r = ~(a | b);
        break;
    case IR_OP_not:
        r = ~a;
        break;
    case IR_OP_neg:
        r = -a;
        break;
    case IR_OP_shl:
        r = a << n;
        break;
    case IR_OP_shr:
        r = a >> n;
        break;
    case IR_OP_sar:
        r = (uint64_t)(sa >> n);
        break;
    case IR_OP_rotl:
        r = n ? (a << n) | (a >> (w - n)) : a;
        break;
    case IR_OP_rotr:
        r = n ? (a >> n) | (a << (w - n)) : a;
        break;
    case IR_OP_ext8s:
        r = h_sext(a, 8);
        break;
    case IR_OP_ext8u:
        r = a & 0xff;
        break;
    case IR_OP_ext16s:
        r = h_sext(a, 16);
        break;
    case IR_OP_ext16u:
        r = a & 0xffff;
        break;
    case IR_OP_ext32s:
        r = h_sext(a, 32);
        break;
    case IR_OP_ext32u:
        r = a & 0xffffffff;
        break;
    case IR_OP_ext_i32_i64:
        r = h_sext(in[0] & 0xffffffff, 32);
        break;
    case IR_OP_extu_i32_i64:
        r = in[0] & 0xffffffff;
        break;
    case IR_OP_extrl_i64_i32:
        r = in[0] & 0xffffffff;
        break;
    case IR_OP_extrh_i64_i32:
        r = in[0] >> 32;
        break;
    case IR_OP_extract:
        r = (a >> carg[0]) & h_len_mask(carg[1]);
        break;
    case IR_OP_sextract:
        r = h_sext((a >> carg[0]) & h_len_mask(carg[1]), carg[1]);
        break;
    case IR_OP_deposit: {
        uint64_t dm = h_len_mask(carg[1]) << carg[0];
        r = (a & ~dm) | ((b << carg[0]) & dm);
        break;
    }
    case IR_OP_extract2:
        if (carg[0] == 0) {
            r = a;
        } else if (w == 32) {
            r = ((b << 32) | a) >> carg[0];
        } else {
            r = (a >> carg[0]) | (b << (64 - carg[0]));
        }
        break;
    case IR_OP_bswap16:
        r = h_ref_bswap(a, 2);
        break;
    case IR_OP_bswap32:
        r = h_ref_bswap(a, 4);
        break;
    case IR_OP_bswap64:
        r = h_ref_bswap(a, 8);
        break;
    case IR_OP_clz:
        r = a ? h_ref_clz(a, w) : b;
        break;
    case IR_OP_ctz:
        r = a ? h_ref_ctz(a, w) : b;
        break;
    case IR_OP_ctpop:
        r = h_ref_ctpop(a);
        break;
    case IR_OP_add2:
    case IR_OP_sub2: {
        uint64_t al = in[0] & m, ah = in[1] & m;
        uint64_t bl = in[2] & m, bh = in[3] & m;
        uint64_t lo, hi;

        if (opc == IR_OP_add2) {
            lo = (al + bl) & m;
            hi = ah + bh + (lo < al);
        } else {
            lo = (al - bl) & m;
            hi = ah - bh - (al < bl);
        }
        out[0] = lo;
        out[1] = hi & m;
        return;
    }
    case IR_OP_setcond:
        r = h_ref_cond((IRCond)carg[0], t, a, b) ? 1 : 0;
        break;
    case IR_OP_negsetcond:
        r = h_ref_cond((IRCond)carg[0], t, a, b) ? ~0ull : 0;
        break;
    case IR_OP_movcond:
        r = h_ref_cond((IRCond)carg[0], t, a, b) ? in[2] : in[3];
        break;
    default:
        fprintf(stderr, "h_ref_op: no reference for op %d\n", opc);
        abort();
    }
    out[0] = r & m;
}

/* ------------------------------------------------------------------ */
/* Helpers for helpers                                                 */

/*
 * Nonzero if the stack was not 16-byte aligned at the call into the
 * function that calls this (its frame pointer: after push rbp, rbp is
 * 16-aligned iff rsp was at the call).
 */
#define H_STACK_MISALIGNED() \
    (((uintptr_t)__builtin_frame_address(0)) & 15)

#ifdef __x86_64__
/* Overwrite every caller-saved register with garbage. */
static inline void h_trash_caller_saved(void)
{
    __asm__ volatile("mov $0x5a5a5a5a5a5a5a5a, %%rax\n\t"
                     "mov %%rax, %%rcx\n\t"
                     "mov %%rax, %%rdx\n\t"
                     "mov %%rax, %%rsi\n\t"
                     "mov %%rax, %%rdi\n\t"
                     "mov %%rax, %%r8\n\t"
                     "mov %%rax, %%r9\n\t"
                     "mov %%rax, %%r10\n\t"
                     "mov %%rax, %%r11\n\t"
                     "movq %%rax, %%xmm0\n\t"
                     "movq %%rax, %%xmm1\n\t"
                     "movq %%rax, %%xmm15\n\t"
                     :
                     :
                     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
                       "r11", "xmm0", "xmm1", "xmm15", "cc", "memory");
}
#else
static inline void h_trash_caller_saved(void)
{
}
#endif

#endif /* KESTREL_TESTS_UNIT_HARNESS_H */

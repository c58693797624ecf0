/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Integer data-processing instructions with exact results and flags:
 * add/sub with carry and flags at every overflow edge, logical with
 * flags, conditional compare, the conditional-select family under all
 * sixteen conditions, bitfield moves, extract, shifts, multiply and
 * divide (by zero too), bit counting and reversal, CRC32/CRC32C.
 *
 * Freestanding (no libc), general registers only.
 * NZCV values below are the 4-bit field: N=8 Z=4 C=2 V=1.
 */
#include "tcg-test.h"

#define N_ 8
#define Z_ 4
#define C_ 2
#define V_ 1

typedef struct {
    uint64_t r, f;
} RF;

/* Three-operand instruction, flags in and out. */
#define DEF3(fn, tmpl)                                                    \
    static RF fn(uint64_t a, uint64_t b, uint64_t fin)                    \
    {                                                                     \
        RF o;                                                             \
        __asm__ volatile("msr nzcv, %2\n\t" tmpl "\n\tmrs %1, nzcv"       \
                         : "=&r"(o.r), "=&r"(o.f)                         \
                         : "r"(fin << 28), "r"(a), "r"(b)                 \
                         : "cc");                                         \
        o.f >>= 28;                                                       \
        return o;                                                         \
    }

DEF3(adds_x, "adds %x0, %x3, %x4")
DEF3(adds_w, "adds %w0, %w3, %w4")
DEF3(subs_x, "subs %x0, %x3, %x4")
DEF3(subs_w, "subs %w0, %w3, %w4")
DEF3(adcs_x, "adcs %x0, %x3, %x4")
DEF3(adcs_w, "adcs %w0, %w3, %w4")
DEF3(sbcs_x, "sbcs %x0, %x3, %x4")
DEF3(sbcs_w, "sbcs %w0, %w3, %w4")
DEF3(adc_x, "adc %x0, %x3, %x4")
DEF3(sbc_w, "sbc %w0, %w3, %w4")
DEF3(negs_x, "negs %x0, %x4")
DEF3(ngcs_w, "ngcs %w0, %w4")
DEF3(ands_x, "ands %x0, %x3, %x4")
DEF3(ands_w, "ands %w0, %w3, %w4")
DEF3(bics_x, "bics %x0, %x3, %x4")
DEF3(bics_w, "bics %w0, %w3, %w4")
DEF3(adds_lsl4, "adds %x0, %x3, %x4, lsl #4")
DEF3(subs_asr63, "subs %x0, %x3, %x4, asr #63")
DEF3(subs_sxtw2, "subs %x0, %x3, %w4, sxtw #2")
DEF3(adds_uxtb, "adds %w0, %w3, %w4, uxtb #1")
DEF3(add_sxth, "add %x0, %x3, %w4, sxth")
DEF3(sub_uxtw, "sub %x0, %x3, %w4, uxtw #3")
DEF3(adds_imm, "adds %x0, %x3, #0xfff")
DEF3(subs_imm12, "subs %w0, %w3, #1, lsl #12")
DEF3(cmn_imm, "cmn %w3, #1\n\tcset %x0, eq")
DEF3(cmp_imm, "cmp %x3, #4095\n\tcset %x0, hi")
DEF3(tst_imm, "tst %x3, #0x8000000000000000\n\tcset %x0, ne")
DEF3(ands_imm_w, "ands %w0, %w3, #0x0f0f0f0f")
DEF3(and_imm55, "and %x0, %x3, #0x5555555555555555")
DEF3(orr_imm, "orr %x0, %x3, #0x00ff00ff00ff00ff")
DEF3(eor_imm, "eor %w0, %w3, #0xfffffffe")
DEF3(orn_x, "orn %x0, %x3, %x4, ror #8")
DEF3(eon_w, "eon %w0, %w3, %w4, lsr #4")
DEF3(ccmp_eq, "ccmp %x3, %x4, #5, eq")
DEF3(ccmn_eq, "ccmn %x3, %x4, #0, eq")
DEF3(ccmp_ne_imm, "ccmp %x3, #31, #2, ne")
DEF3(ccmp_ge_w, "ccmp %w3, %w4, #0, ge")
DEF3(ccmp_nv, "ccmp %x3, %x4, #15, nv")
DEF3(ccmp_al, "ccmp %x3, %x4, #15, al")
DEF3(ccmn_lt_imm_w, "ccmn %w3, #3, #8, lt")

typedef RF (*Op3)(uint64_t, uint64_t, uint64_t);

typedef struct {
    const char *name;
    Op3 fn;
    uint64_t a, b, fin, r, f;
} FlagCase;

#define MIN64 0x8000000000000000ull
#define MAX64 0x7fffffffffffffffull
#define ALL64 0xffffffffffffffffull

static const FlagCase flag_cases[] = {
    { "adds x 0+0", adds_x, 0, 0, 0, 0, Z_ },
    { "adds x 1+-1", adds_x, 1, ALL64, 0, 0, Z_ | C_ },
    { "adds x max+1", adds_x, MAX64, 1, 0, MIN64, N_ | V_ },
    { "adds x min+min", adds_x, MIN64, MIN64, 0, 0, Z_ | C_ | V_ },
    { "adds x -1+-1", adds_x, ALL64, ALL64, 0, ALL64 - 1, N_ | C_ },
    { "adds x 1+2 clears", adds_x, 1, 2, 15, 3, 0 },
    { "adds w max+1", adds_w, 0x7fffffff, 1, 0, 0x80000000, N_ | V_ },
    { "adds w wrap, high bits ignored", adds_w, 0x12345678ffffffffull, 1,
      0, 0, Z_ | C_ },
    { "adds w min+min", adds_w, 0x80000000, 0xffffffff80000000ull, 0, 0,
      Z_ | C_ | V_ },
    { "subs x 0-0", subs_x, 0, 0, 0, 0, Z_ | C_ },
    { "subs x 0-1", subs_x, 0, 1, 0, ALL64, N_ },
    { "subs x 1-0", subs_x, 1, 0, 0, 1, C_ },
    { "subs x min-1", subs_x, MIN64, 1, 0, MAX64, C_ | V_ },
    { "subs x max- -1", subs_x, MAX64, ALL64, 0, MIN64, N_ | V_ },
    { "subs x 3-5", subs_x, 3, 5, 0, ALL64 - 1, N_ },
    { "subs x 5-5", subs_x, 5, 5, 15, 0, Z_ | C_ },
    { "subs w min-1", subs_w, 0x80000000, 1, 0, 0x7fffffff, C_ | V_ },
    { "subs w 0-1", subs_w, 0xffffffff00000000ull, 1, 0, 0xffffffff, N_ },
    { "adcs x -1+0+C", adcs_x, ALL64, 0, C_, 0, Z_ | C_ },
    { "adcs x max+0+C", adcs_x, MAX64, 0, C_, MIN64, N_ | V_ },
    { "adcs x -1+-1+C", adcs_x, ALL64, ALL64, C_, ALL64, N_ | C_ },
    { "adcs x 1+2+0", adcs_x, 1, 2, N_ | Z_ | V_, 3, 0 },
    { "adcs x 0+0+C", adcs_x, 0, 0, C_, 1, 0 },
    { "adcs x -1+0+0", adcs_x, ALL64, 0, 0, ALL64, N_ },
    { "adcs w -1+-1+C", adcs_w, 0xffffffff, 0xffffffff, C_, 0xffffffff,
      N_ | C_ },
    { "adcs w max+0+C", adcs_w, 0x7fffffff, 0, C_, 0x80000000, N_ | V_ },
    { "sbcs x 5-3 C=1", sbcs_x, 5, 3, C_, 2, C_ },
    { "sbcs x 5-3 C=0", sbcs_x, 5, 3, 0, 1, C_ },
    { "sbcs x 0-0 C=0", sbcs_x, 0, 0, 0, ALL64, N_ },
    { "sbcs x 3-2 C=0", sbcs_x, 3, 2, 0, 0, Z_ | C_ },
    { "sbcs x min-0 C=1", sbcs_x, MIN64, 0, C_, MIN64, N_ | C_ },
    { "sbcs x min-0 C=0", sbcs_x, MIN64, 0, 0, MAX64, C_ | V_ },
    { "sbcs x 0- -1 C=0", sbcs_x, 0, ALL64, 0, 0, Z_ },
    { "sbcs x max- -1 C=1", sbcs_x, MAX64, ALL64, C_, MIN64, N_ | V_ },
    { "sbcs w 0-0 C=0", sbcs_w, 0, 0, 0, 0xffffffff, N_ },
    { "sbcs w min-0 C=0", sbcs_w, 0x80000000, 0, 0, 0x7fffffff, C_ | V_ },
    { "adc x keeps flags", adc_x, ALL64, 1, C_ | N_, 1, C_ | N_ },
    { "sbc w keeps flags", sbc_w, 0, 0, Z_, 0xffffffff, Z_ },
    { "negs x min", negs_x, 0, MIN64, 0, MIN64, N_ | V_ },
    { "negs x 0", negs_x, 0, 0, 0, 0, Z_ | C_ },
    { "negs x 1", negs_x, 0, 1, 0, ALL64, N_ },
    { "ngcs w 0 C=0", ngcs_w, 0, 0, 0, 0xffffffff, N_ },
    { "ngcs w 0 C=1", ngcs_w, 0, 0, C_, 0, Z_ | C_ },
    { "ands x sign", ands_x, MIN64, ALL64, 15, MIN64, N_ },
    { "ands x zero", ands_x, 0xf0, 0x0f, 3, 0, Z_ },
    { "ands w sign", ands_w, 0x180000000ull, 0x80000000, 0, 0x80000000, N_ },
    { "bics x", bics_x, 0xff, 0xff, 0, 0, Z_ },
    { "bics w", bics_w, 0xfffffff0, 0x7ffffff0, 0, 0x80000000, N_ },
    { "adds x lsl #4", adds_lsl4, 0x10, 0x0fffffffffffffffull, 0, 0, Z_ | C_ },
    { "subs x asr #63", subs_asr63, 5, MIN64, 0, 6, 0 },
    { "subs x sxtw #2", subs_sxtw2, 0, 0xfffffffffull, 0, 4, 0 },
    { "adds w uxtb #1", adds_uxtb, 0xfffffe02, 0x3ff, 0, 0, Z_ | C_ },
    { "add x sxth", add_sxth, 0x10000, 0x18000, 15, 0x8000, 15 },
    { "sub x uxtw #3", sub_uxtw, 0, 0xffffffff00000001ull, 0,
      ALL64 - 7, 0 },
    { "adds x #0xfff", adds_imm, ALL64 - 0xffe, 0, 0, 0, Z_ | C_ },
    { "subs w #1, lsl 12", subs_imm12, 0x1000, 0, 0, 0, Z_ | C_ },
    { "cmn w #1", cmn_imm, 0xffffffff, 0, 0, 1, Z_ | C_ },
    { "cmp x #4095 hi", cmp_imm, 4096, 0, 0, 1, C_ },
    { "cmp x #4095 eq", cmp_imm, 4095, 0, 0, 0, Z_ | C_ },
    { "tst x sign", tst_imm, MIN64 | 1, 0, 0, 1, N_ },
    { "ands w #0x0f0f0f0f", ands_imm_w, 0xf0f0f0f0, 0, 0, 0, Z_ },
    { "and x #0x5555..", and_imm55, ALL64, 0, 9, 0x5555555555555555ull, 9 },
    { "orr x #0x00ff00ff..", orr_imm, 0x1200340056007800ull, 0, 0,
      0x12ff34ff56ff78ffull, 0 },
    { "eor w #0xfffffffe", eor_imm, 0xffffffff00000001ull, 0, 0,
      0xffffffff, 0 },
    { "orn x ror #8", orn_x, 0, 0x00000000000000ffull, 0,
      0x00ffffffffffffffull, 0 },
    { "eon w lsr #4", eon_w, 0x0f, 0xf0, 0, 0xffffffff, 0 },
    { "ccmp eq taken", ccmp_eq, 1, 2, Z_, 0, N_ },
    { "ccmp eq not taken", ccmp_eq, 1, 2, 0, 0, Z_ | V_ },
    { "ccmn eq taken", ccmn_eq, 1, ALL64, Z_, 0, Z_ | C_ },
    { "ccmn eq not taken", ccmn_eq, 1, ALL64, N_, 0, 0 },
    { "ccmp ne #31 taken", ccmp_ne_imm, 31, 0, 0, 0, Z_ | C_ },
    { "ccmp ne #31 not taken", ccmp_ne_imm, 31, 0, Z_, 0, C_ },
    { "ccmp w ge taken", ccmp_ge_w, 0x80000000, 1, N_ | V_, 0, C_ | V_ },
    { "ccmp w ge not taken", ccmp_ge_w, 0x80000000, 1, N_, 0, 0 },
    { "ccmp nv is always", ccmp_nv, 2, 2, 0, 0, Z_ | C_ },
    { "ccmp al is always", ccmp_al, 2, 3, 0, 0, N_ },
    { "ccmn w lt taken", ccmn_lt_imm_w, 0xfffffffd, 0, N_, 0, Z_ | C_ },
    { "ccmn w lt not taken", ccmn_lt_imm_w, 0xfffffffd, 0, 0, 0, N_ },
};

/* Compare only the result register when the template produced one. */
static void test_flag_cases(void)
{
    for (unsigned i = 0; i < sizeof(flag_cases) / sizeof(flag_cases[0]);
         i++) {
        const FlagCase *c = &flag_cases[i];
        RF o = c->fn(c->a, c->b, c->fin);
        int is_cmp = c->fn == ccmp_eq || c->fn == ccmn_eq ||
                     c->fn == ccmp_ne_imm || c->fn == ccmp_ge_w ||
                     c->fn == ccmp_nv || c->fn == ccmp_al ||
                     c->fn == ccmn_lt_imm_w;
        TLine l = { .len = 0 };

        if (!is_cmp) {
            tl_str(&l, c->name);
            tl_str(&l, " result");
            l.buf[l.len] = 0;
            check_u64(l.buf, o.r, c->r);
            l.len = 0;
        }
        tl_str(&l, c->name);
        tl_str(&l, " nzcv");
        l.buf[l.len] = 0;
        check_u64(l.buf, o.f, c->f);
    }
}

/* A random sweep of adds/subs/adcs/sbcs against a C model. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    /* Bias towards edge values. */
    switch (x & 15) {
    case 0: return 0;
    case 1: return ALL64;
    case 2: return MIN64;
    case 3: return MAX64;
    case 4: return (x >> 8) & 0xffffffff;
    case 5: return 0x80000000;
    case 6: return 0x7fffffff;
    default: return x * 0x2545f4914f6cdd1dull;
    }
}

static uint64_t model_addc(uint64_t a, uint64_t b, int cin, int bits,
                           uint64_t *flags)
{
    uint64_t mask = bits == 64 ? ALL64 : 0xffffffffull;
    uint64_t sign = bits == 64 ? MIN64 : 0x80000000ull;
    uint64_t x = a & mask, y = b & mask, r, c;

    r = (x + y + cin) & mask;
    if (bits == 64) {
        c = (uint64_t)(((unsigned __int128)x + y + cin) >> 64);
    } else {
        c = (x + y + cin) >> 32;
    }
    *flags = ((r & sign) ? N_ : 0) | (r == 0 ? Z_ : 0) | (c ? C_ : 0) |
             ((~(x ^ y) & (x ^ r) & sign) ? V_ : 0);
    return r;
}

static void test_random_addsub(void)
{
    int bad = 0;

    for (int i = 0; i < 2000; i++) {
        uint64_t a = rnd(), b = rnd(), fin = rnd() & 15, mf, mr;
        int cin = (fin & C_) ? 1 : 0;
        RF o;

        o = adcs_x(a, b, fin);
        mr = model_addc(a, b, cin, 64, &mf);
        bad += !(o.r == mr && o.f == mf);
        o = sbcs_x(a, b, fin);
        mr = model_addc(a, ~b, cin, 64, &mf);
        bad += !(o.r == mr && o.f == mf);
        o = adcs_w(a, b, fin);
        mr = model_addc(a, b, cin, 32, &mf);
        bad += !(o.r == mr && o.f == mf);
        o = sbcs_w(a, b, fin);
        mr = model_addc(a, ~b, cin, 32, &mf);
        bad += !(o.r == mr && o.f == mf);
        o = adds_x(a, b, fin);
        mr = model_addc(a, b, 0, 64, &mf);
        bad += !(o.r == mr && o.f == mf);
        o = subs_x(a, b, fin);
        mr = model_addc(a, ~b, 1, 64, &mf);
        bad += !(o.r == mr && o.f == mf);
        o = adds_w(a, b, fin);
        mr = model_addc(a, b, 0, 32, &mf);
        bad += !(o.r == mr && o.f == mf);
        o = subs_w(a, b, fin);
        mr = model_addc(a, ~b, 1, 32, &mf);
        bad += !(o.r == mr && o.f == mf);
    }
    check_u64("random adds/subs/adcs/sbcs x/w vs model: mismatches", bad, 0);
}

/*
 * Conditional select family and b.cond for all 16 conditions under all
 * 16 flag values.
 */
typedef struct {
    uint64_t csel, csinc, csinv, csneg, cset, csetm, bcond, csel_w;
} CondOut;

#define DEFCOND(cc)                                                       \
    static CondOut cond_##cc(uint64_t nzcv, uint64_t a, uint64_t b)       \
    {                                                                     \
        CondOut o;                                                        \
        __asm__ volatile(                                                 \
            "msr nzcv, %[f]\n\t"                                          \
            "csel %[r0], %[a], %[b], " #cc "\n\t"                         \
            "csinc %[r1], %[a], %[b], " #cc "\n\t"                        \
            "csinv %[r2], %[a], %[b], " #cc "\n\t"                        \
            "csneg %[r3], %[a], %[b], " #cc "\n\t"                        \
            "csel %w[r7], %w[a], %w[b], " #cc "\n\t"                      \
            : [r0] "=&r"(o.csel), [r1] "=&r"(o.csinc),                    \
              [r2] "=&r"(o.csinv), [r3] "=&r"(o.csneg),                   \
              [r7] "=&r"(o.csel_w)                                        \
            : [f] "r"(nzcv << 28), [a] "r"(a), [b] "r"(b)                 \
            : "cc");                                                      \
        __asm__ volatile(                                                 \
            "msr nzcv, %[f]\n\t"                                          \
            "cset %[r4], " #cc "\n\t"                                     \
            "csetm %[r5], " #cc "\n\t"                                    \
            "mov %[r6], #0\n\t"                                           \
            "b." #cc " 1f\n\t"                                            \
            "b 2f\n"                                                      \
            "1:\tmov %[r6], #1\n"                                         \
            "2:\n"                                                        \
            : [r4] "=&r"(o.cset), [r5] "=&r"(o.csetm), [r6] "=&r"(o.bcond)\
            : [f] "r"(nzcv << 28)                                         \
            : "cc");                                                      \
        return o;                                                         \
    }

DEFCOND(eq) DEFCOND(ne) DEFCOND(cs) DEFCOND(cc) DEFCOND(mi) DEFCOND(pl)
DEFCOND(vs) DEFCOND(vc) DEFCOND(hi) DEFCOND(ls) DEFCOND(ge) DEFCOND(lt)
DEFCOND(gt) DEFCOND(le)

/* cset/csetm/cinc with al/nv are not encodable; b.al and b.nv are. */
static CondOut cond_al(uint64_t nzcv, uint64_t a, uint64_t b)
{
    CondOut o;

    __asm__ volatile(
        "msr nzcv, %[f]\n\t"
        "csel %[r0], %[a], %[b], al\n\t"
        "csinc %[r1], %[a], %[b], al\n\t"
        "csinv %[r2], %[a], %[b], al\n\t"
        "csneg %[r3], %[a], %[b], al\n\t"
        "csel %w[r7], %w[a], %w[b], al\n\t"
        "mov %[r6], #0\n\t"
        "b.al 1f\n\t"
        "b 2f\n"
        "1:\tmov %[r6], #1\n"
        "2:\n"
        : [r0] "=&r"(o.csel), [r1] "=&r"(o.csinc), [r2] "=&r"(o.csinv),
          [r3] "=&r"(o.csneg), [r6] "=&r"(o.bcond), [r7] "=&r"(o.csel_w)
        : [f] "r"(nzcv << 28), [a] "r"(a), [b] "r"(b)
        : "cc");
    o.cset = 1;
    o.csetm = ALL64;
    return o;
}

static CondOut cond_nv(uint64_t nzcv, uint64_t a, uint64_t b)
{
    CondOut o;

    __asm__ volatile(
        "msr nzcv, %[f]\n\t"
        "csel %[r0], %[a], %[b], nv\n\t"
        "csinc %[r1], %[a], %[b], nv\n\t"
        "csinv %[r2], %[a], %[b], nv\n\t"
        "csneg %[r3], %[a], %[b], nv\n\t"
        "csel %w[r7], %w[a], %w[b], nv\n\t"
        "mov %[r6], #0\n\t"
        "b.nv 1f\n\t"
        "b 2f\n"
        "1:\tmov %[r6], #1\n"
        "2:\n"
        : [r0] "=&r"(o.csel), [r1] "=&r"(o.csinc), [r2] "=&r"(o.csinv),
          [r3] "=&r"(o.csneg), [r6] "=&r"(o.bcond), [r7] "=&r"(o.csel_w)
        : [f] "r"(nzcv << 28), [a] "r"(a), [b] "r"(b)
        : "cc");
    o.cset = 1;
    o.csetm = ALL64;
    return o;
}

static int cond_model(int cc, unsigned f)
{
    int n = !!(f & N_), z = !!(f & Z_), c = !!(f & C_), v = !!(f & V_);

    switch (cc) {
    case 0: return z;
    case 1: return !z;
    case 2: return c;
    case 3: return !c;
    case 4: return n;
    case 5: return !n;
    case 6: return v;
    case 7: return !v;
    case 8: return c && !z;
    case 9: return !(c && !z);
    case 10: return n == v;
    case 11: return n != v;
    case 12: return !z && n == v;
    case 13: return !(!z && n == v);
    default: return 1;
    }
}

static void test_conditions(void)
{
    static CondOut (*const fns[16])(uint64_t, uint64_t, uint64_t) = {
        cond_eq, cond_ne, cond_cs, cond_cc, cond_mi, cond_pl, cond_vs,
        cond_vc, cond_hi, cond_ls, cond_ge, cond_lt, cond_gt, cond_le,
        cond_al, cond_nv,
    };
    static const char *const names[16] = {
        "eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
        "hi", "ls", "ge", "lt", "gt", "le", "al", "nv",
    };
    const uint64_t a = 0x1111222233334444ull, b = 0x00000000fffffffeull;

    for (int cc = 0; cc < 16; cc++) {
        int bad = 0;

        for (unsigned f = 0; f < 16; f++) {
            CondOut o = fns[cc](f, a, b);
            int t = cond_model(cc, f);

            bad += o.csel != (t ? a : b);
            bad += o.csinc != (t ? a : b + 1);
            bad += o.csinv != (t ? a : ~b);
            bad += o.csneg != (t ? a : -b);
            bad += o.csel_w != (t ? (a & 0xffffffff) : (b & 0xffffffff));
            bad += o.cset != (uint64_t)t;
            bad += o.csetm != (t ? ALL64 : 0);
            bad += o.bcond != (uint64_t)t;
        }
        TLine l = { .len = 0 };
        tl_str(&l, "csel/csinc/csinv/csneg/cset/csetm/b.cond ");
        tl_str(&l, names[cc]);
        tl_str(&l, " x16 flags: mismatches");
        l.buf[l.len] = 0;
        check_u64(l.buf, bad, 0);
    }
}

/* One-input instructions. */
#define DEF1(fn, tmpl)                                                    \
    static uint64_t fn(uint64_t a)                                        \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile(tmpl : "=&r"(r) : "r"(a));                       \
        return r;                                                         \
    }
/* Two inputs, result register preloaded with d (for bfi/bfxil). */
#define DEF2(fn, tmpl)                                                    \
    static uint64_t fn(uint64_t d, uint64_t a, uint64_t b)                \
    {                                                                     \
        __asm__ volatile(tmpl : "+r"(d) : "r"(a), "r"(b));                \
        return d;                                                         \
    }

DEF1(ubfx_x, "ubfx %x0, %x1, #8, #16")
DEF1(sbfx_x, "sbfx %x0, %x1, #8, #16")
DEF1(sbfx_x_top, "sbfx %x0, %x1, #60, #4")
DEF1(ubfx_w, "ubfx %w0, %w1, #28, #4")
DEF1(sbfx_w, "sbfx %w0, %w1, #28, #4")
DEF1(ubfiz_x, "ubfiz %x0, %x1, #4, #8")
DEF1(sbfiz_x, "sbfiz %x0, %x1, #4, #8")
DEF1(sbfiz_w, "sbfiz %w0, %w1, #31, #1")
DEF1(lsl_x, "lsl %x0, %x1, #4")
DEF1(lsr_x, "lsr %x0, %x1, #60")
DEF1(asr_x, "asr %x0, %x1, #63")
DEF1(asr_w, "asr %w0, %w1, #4")
DEF1(ror_x, "ror %x0, %x1, #8")
DEF1(ror_w, "ror %w0, %w1, #4")
DEF1(sxtb_x, "sxtb %x0, %w1")
DEF1(sxth_w, "sxth %w0, %w1")
DEF1(sxtw_x, "sxtw %x0, %w1")
DEF1(uxtb_w, "uxtb %w0, %w1")
DEF1(uxth_w, "uxth %w0, %w1")
DEF1(mov_w, "mov %w0, %w1")
DEF1(clz_x, "clz %x0, %x1")
DEF1(clz_w, "clz %w0, %w1")
DEF1(cls_x, "cls %x0, %x1")
DEF1(cls_w, "cls %w0, %w1")
DEF1(rbit_x, "rbit %x0, %x1")
DEF1(rbit_w, "rbit %w0, %w1")
DEF1(rev_x, "rev %x0, %x1")
DEF1(rev_w, "rev %w0, %w1")
DEF1(rev16_x, "rev16 %x0, %x1")
DEF1(rev16_w, "rev16 %w0, %w1")
DEF1(rev32_x, "rev32 %x0, %x1")
DEF1(movz_movk, "movz %x0, #0x1234, lsl #48\n\tmovk %x0, #0xbeef, lsl #16\n\t"
                "movk %x0, #0x5678")
DEF1(movn_x, "movn %x0, #0x1234, lsl #16")
DEF1(movn_w, "movn %w0, #0x1234, lsl #16")
DEF1(mov_m1, "mov %x0, #-1")
DEF1(movk_w, "mov %x0, #-1\n\tmovk %w0, #0x1234, lsl #16")

DEF2(bfi_x, "bfi %x0, %x1, #16, #8")
DEF2(bfxil_x, "bfxil %x0, %x1, #4, #8")
DEF2(bfi_w, "bfi %w0, %w1, #24, #8")
DEF2(bfc_x, "bfxil %x0, xzr, #0, #12")
DEF2(extr_x, "extr %x0, %x1, %x2, #16")
DEF2(extr_w, "extr %w0, %w1, %w2, #8")
DEF2(extr_x0, "extr %x0, %x1, %x2, #0")
DEF2(lslv_x, "lsl %x0, %x1, %x2")
DEF2(lslv_w, "lsl %w0, %w1, %w2")
DEF2(lsrv_x, "lsr %x0, %x1, %x2")
DEF2(asrv_w, "asr %w0, %w1, %w2")
DEF2(asrv_x, "asr %x0, %x1, %x2")
DEF2(rorv_x, "ror %x0, %x1, %x2")
DEF2(rorv_w, "ror %w0, %w1, %w2")
DEF2(mul_x, "mul %x0, %x1, %x2")
DEF2(mul_w, "mul %w0, %w1, %w2")
DEF2(madd_x, "madd %x0, %x1, %x2, %x0")
DEF2(msub_x, "msub %x0, %x1, %x2, %x0")
DEF2(mneg_w, "mneg %w0, %w1, %w2")
DEF2(smull_x, "smull %x0, %w1, %w2")
DEF2(umull_x, "umull %x0, %w1, %w2")
DEF2(smulh_x, "smulh %x0, %x1, %x2")
DEF2(umulh_x, "umulh %x0, %x1, %x2")
DEF2(smaddl_x, "smaddl %x0, %w1, %w2, %x0")
DEF2(umsubl_x, "umsubl %x0, %w1, %w2, %x0")
DEF2(smsubl_x, "smsubl %x0, %w1, %w2, %x0")
DEF2(umaddl_x, "umaddl %x0, %w1, %w2, %x0")
DEF2(udiv_x, "udiv %x0, %x1, %x2")
DEF2(sdiv_x, "sdiv %x0, %x1, %x2")
DEF2(udiv_w, "udiv %w0, %w1, %w2")
DEF2(sdiv_w, "sdiv %w0, %w1, %w2")
DEF2(crc32b, "crc32b %w0, %w0, %w1")
DEF2(crc32h, "crc32h %w0, %w0, %w1")
DEF2(crc32w, "crc32w %w0, %w0, %w1")
DEF2(crc32x, "crc32x %w0, %w0, %x1")
DEF2(crc32cb, "crc32cb %w0, %w0, %w1")
DEF2(crc32ch, "crc32ch %w0, %w0, %w1")
DEF2(crc32cw, "crc32cw %w0, %w0, %w1")
DEF2(crc32cx, "crc32cx %w0, %w0, %x1")

#define A 0x0123456789abcdefull

static void test_bitfield(void)
{
    check_u64("ubfx x #8,#16", ubfx_x(A), 0xabcd);
    check_u64("sbfx x #8,#16", sbfx_x(A), 0xffffffffffffabcdull);
    check_u64("sbfx x #60,#4", sbfx_x_top(A), 0);
    check_u64("ubfx w #28,#4", ubfx_w(A), 8);
    check_u64("sbfx w #28,#4 zero-extends", sbfx_w(A), 0xfffffff8);
    check_u64("ubfiz x #4,#8", ubfiz_x(A), 0xef0);
    check_u64("sbfiz x #4,#8", sbfiz_x(A), 0xfffffffffffffef0ull);
    check_u64("sbfiz w #31,#1", sbfiz_w(1), 0x80000000);
    check_u64("bfi x #16,#8", bfi_x(ALL64, A, 0), 0xffffffffffefffffull);
    check_u64("bfxil x #4,#8", bfxil_x(0, A, 0), 0xde);
    check_u64("bfi w #24,#8 (clears high)", bfi_w(ALL64, 0x5a, 0),
              0x5affffff);
    check_u64("bfxil xzr (bfc)", bfc_x(ALL64, 0, 0), 0xfffffffffffff000ull);
    check_u64("lsl x #4", lsl_x(A), 0x123456789abcdef0ull);
    check_u64("lsr x #60", lsr_x(0xf000000000000000ull), 0xf);
    check_u64("asr x #63", asr_x(MIN64), ALL64);
    check_u64("asr w #4", asr_w(0x80000000), 0xf8000000);
    check_u64("ror x #8", ror_x(A), 0xef0123456789abcdull);
    check_u64("ror w #4", ror_w(0xffffffff00000001ull), 0x10000000);
    check_u64("sxtb x", sxtb_x(0x180), 0xffffffffffffff80ull);
    check_u64("sxth w", sxth_w(0x8000), 0xffff8000);
    check_u64("sxtw x", sxtw_x(0x80000000), 0xffffffff80000000ull);
    check_u64("uxtb w", uxtb_w(0x1ff), 0xff);
    check_u64("uxth w", uxth_w(0xffffffffffffffffull), 0xffff);
    check_u64("mov w zero-extends", mov_w(ALL64), 0xffffffff);
    check_u64("extr x #16", extr_x(0, A, 0xfedcba9876543210ull),
              0xcdeffedcba987654ull);
    check_u64("extr w #8", extr_w(0, 0x89abcdef, 0x76543210), 0xef765432);
    check_u64("extr x #0", extr_x0(0, A, 0x42), 0x42);
    check_u64("lslv x 68", lslv_x(0, A, 68), 0x123456789abcdef0ull);
    check_u64("lslv w 33", lslv_w(0, 0x80000001, 33), 2);
    check_u64("lsrv x 64+63", lsrv_x(0, MIN64, 127), 1);
    check_u64("asrv w 31", asrv_w(0, 0x80000000, 31), 0xffffffff);
    check_u64("asrv x -1 (63)", asrv_x(0, 0x4000000000000000ull, ALL64), 0);
    check_u64("rorv x 72", rorv_x(0, A, 72), 0xef0123456789abcdull);
    check_u64("rorv w 36", rorv_w(0, 0x12345678, 36), 0x81234567);
    check_u64("movz/movk", movz_movk(0), 0x12340000beef5678ull);
    check_u64("movn x", movn_x(0), 0xffffffffedcbffffull);
    check_u64("movn w", movn_w(0), 0xedcbffff);
    check_u64("mov x #-1", mov_m1(0), ALL64);
    check_u64("movk w clears high", movk_w(0), 0x1234ffff);
}

static void test_muldiv(void)
{
    check_u64("mul x", mul_x(0, A, 0x10), 0x123456789abcdef0ull);
    check_u64("mul w", mul_w(0, 0x10000, 0x10000), 0);
    check_u64("mul w low", mul_w(0, 0xffffffff, 0xffffffff), 1);
    check_u64("madd x", madd_x(5, 3, 4), 17);
    check_u64("msub x", msub_x(5, 3, 4), (uint64_t)-7);
    check_u64("mneg w", mneg_w(0, 3, 4), 0xfffffff4);
    check_u64("smull", smull_x(0, 0xfffffffe, 3), (uint64_t)-6);
    check_u64("umull", umull_x(0, 0xffffffff, 0xffffffff),
              0xfffffffe00000001ull);
    check_u64("smulh min*min", smulh_x(0, MIN64, MIN64),
              0x4000000000000000ull);
    check_u64("smulh -1*-1", smulh_x(0, ALL64, ALL64), 0);
    check_u64("smulh -1*1", smulh_x(0, ALL64, 1), ALL64);
    check_u64("umulh max*max", umulh_x(0, ALL64, ALL64), ALL64 - 1);
    check_u64("umulh A*A", umulh_x(0, A, A), 0x14b66dc33f6acull);
    check_u64("smaddl", smaddl_x(10, 0xfffffffe, 3), 4);
    check_u64("umsubl", umsubl_x(10, 0xffffffff, 2), 0xfffffffe0000000cull);
    check_u64("smsubl", smsubl_x(10, 0xffffffff, 0xffffffff), 9);
    check_u64("umaddl ignores high", umaddl_x(1, 0xffffffff00000002ull,
              0xffffffff00000003ull), 7);
    check_u64("udiv x", udiv_x(0, 100, 7), 14);
    check_u64("udiv x by 0", udiv_x(0, 100, 0), 0);
    check_u64("udiv x max/1", udiv_x(0, ALL64, 1), ALL64);
    check_u64("sdiv x -100/7", sdiv_x(0, (uint64_t)-100, 7), (uint64_t)-14);
    check_u64("sdiv x 7/-2", sdiv_x(0, 7, (uint64_t)-2), (uint64_t)-3);
    check_u64("sdiv x min/-1", sdiv_x(0, MIN64, ALL64), MIN64);
    check_u64("sdiv x by 0", sdiv_x(0, MIN64, 0), 0);
    check_u64("udiv w", udiv_w(0, 0xffffffff, 2), 0x7fffffff);
    check_u64("udiv w by 0", udiv_w(0, 5, 0xffffffff00000000ull), 0);
    check_u64("sdiv w -1/2", sdiv_w(0, 0xffffffff, 2), 0);
    check_u64("sdiv w min/-1", sdiv_w(0, 0x80000000, 0xffffffff),
              0x80000000);
    check_u64("sdiv w by 0", sdiv_w(0, 0x80000000, 0), 0);
    check_u64("sdiv w -7/2", sdiv_w(0, 0xfffffff9, 2), 0xfffffffd);
}

static void test_bits(void)
{
    check_u64("clz x 0", clz_x(0), 64);
    check_u64("clz x 1", clz_x(1), 63);
    check_u64("clz x min", clz_x(MIN64), 0);
    check_u64("clz w 0", clz_w(0xffffffff00000000ull), 32);
    check_u64("clz w 1", clz_w(0xffffffff00000001ull), 31);
    check_u64("cls x 0", cls_x(0), 63);
    check_u64("cls x -1", cls_x(ALL64), 63);
    check_u64("cls x 0x4000..", cls_x(0x4000000000000000ull), 0);
    check_u64("cls x 1", cls_x(1), 62);
    check_u64("cls x min", cls_x(MIN64), 0);
    check_u64("cls w 0xffff0000", cls_w(0xffff0000), 15);
    check_u64("cls w 0", cls_w(0xffffffff00000000ull), 31);
    check_u64("rbit x 1", rbit_x(1), MIN64);
    check_u64("rbit x A", rbit_x(A), 0xf7b3d591e6a2c480ull);
    check_u64("rbit w 1", rbit_w(1), 0x80000000);
    check_u64("rev x", rev_x(A), 0xefcdab8967452301ull);
    check_u64("rev w", rev_w(A), 0xefcdab89);
    check_u64("rev16 x", rev16_x(A), 0x23016745ab89efcdull);
    check_u64("rev16 w", rev16_w(A), 0xab89efcd);
    check_u64("rev32 x", rev32_x(A), 0x67452301efcdab89ull);
}

static uint32_t crc_model(uint32_t crc, uint64_t data, int bytes,
                          uint32_t poly)
{
    for (int i = 0; i < bytes; i++) {
        crc ^= (uint32_t)(data >> (8 * i)) & 0xff;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ ((crc & 1) ? poly : 0);
        }
    }
    return crc;
}

static void test_crc(void)
{
    static const char msg[] = "123456789";
    uint64_t c = 0xffffffff, cc = 0xffffffff;
    int bad = 0;

    for (int i = 0; i < 9; i++) {
        c = crc32b(c, (uint8_t)OPAQUE(msg[i]), 0);
        cc = crc32cb(cc, (uint8_t)OPAQUE(msg[i]), 0);
    }
    check_u64("crc32b \"123456789\"", ~c & 0xffffffff, 0xcbf43926);
    check_u64("crc32cb \"123456789\"", ~cc & 0xffffffff, 0xe3069283);
    /* Only the low bits of the data register count. */
    check_u64("crc32b ignores high data bits",
              crc32b(0x12345678, 0xffffff00, 0), crc32b(0x12345678, 0, 0));
    for (int i = 0; i < 200; i++) {
        uint64_t d = rnd();
        uint32_t s = (uint32_t)rnd();

        bad += crc32b(s, d, 0) != crc_model(s, d, 1, 0xedb88320);
        bad += crc32h(s, d, 0) != crc_model(s, d, 2, 0xedb88320);
        bad += crc32w(s, d, 0) != crc_model(s, d, 4, 0xedb88320);
        bad += crc32x(s, d, 0) != crc_model(s, d, 8, 0xedb88320);
        bad += crc32cb(s, d, 0) != crc_model(s, d, 1, 0x82f63b78);
        bad += crc32ch(s, d, 0) != crc_model(s, d, 2, 0x82f63b78);
        bad += crc32cw(s, d, 0) != crc_model(s, d, 4, 0x82f63b78);
        bad += crc32cx(s, d, 0) != crc_model(s, d, 8, 0x82f63b78);
    }
    check_u64("crc32{b,h,w,x} crc32c{b,h,w,x} random vs model: mismatches",
              bad, 0);
    check_u64("crc32x zero", crc32x(0, 0, 0), 0);
    check_u64("crc32w 0xffffffff/0", crc32w(0xffffffff, 0, 0),
              crc_model(0xffffffff, 0, 4, 0xedb88320));
}

/* adr/adrp and the w-register forms' writes through xzr. */
static void test_misc(void)
{
    static uint64_t target = 0x55;
    uint64_t a1, a2, p;

    __asm__ volatile("adr %0, 1f\n\tnop\n1:\tadr %1, 1b\n\t"
                     "adrp %2, %3\n\tadd %2, %2, :lo12:%3"
                     : "=&r"(a1), "=&r"(a2), "=&r"(p)
                     : "S"(&target));
    check_u64("adr forward == adr backward", a1, a2);
    check_u64("adrp+add == &var", p, (uint64_t)&target);
    check_u64("load via adrp", *(volatile uint64_t *)p, 0x55);
    uint64_t z;
    __asm__ volatile("mov %0, #7\n\tadds xzr, %0, #1\n\tcsinc %0, xzr, xzr, ne"
                     : "=&r"(z) : : "cc");
    check_u64("adds xzr sets flags, csinc xzr", z, 0);
}

int main(int argc, char **argv)
{
    test_flag_cases();
    test_random_addsub();
    test_conditions();
    test_bitfield();
    test_muldiv();
    test_bits();
    test_crc();
    test_misc();
    return t_done();
}

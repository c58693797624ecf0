/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end execution: toy guest programs run through frontend, IR,
 * optimizer, backend, TB cache and exec loop, with exact expected guest
 * state.  Every test runs on both backends (tcg_init may be called again
 * to switch); KESTREL_TEST_BACKEND=jit|interp restricts to one.
 *
 * The ALU tests compare against a C model of the IR semantics (ir.h), on
 * edge values and random ones, for every op in every toy form.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kestrel/log.h"
#include "toy.h"

#define RAM_BASE TOY_DEFAULT_RAM_BASE
#define RAM_SIZE (4ull << 20)
#define DATA (RAM_BASE + 0x200000) /* scratch data area */

static const char *cur_backend;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static ToyMachine *run_asm(ToyAsm *a, int expect)
{
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    int r;

    toy_asm_load(a, m);
    r = toy_machine_run(m);
    if (r != expect) {
        fail_msg("[%s] run returned %d, expected %d (pc=0x%" PRIx64 ")",
                 cur_backend, r, expect, toy_env(m)->pc);
    }
    return m;
}

static uint64_t reg(ToyMachine *m, int r)
{
    return toy_env(m)->regs[r];
}

static uint64_t ld64(ToyMachine *m, uint64_t addr)
{
    uint64_t v;

    memcpy(&v, toy_machine_ptr(m, addr, 8), 8);
    return v;
}

/* ------------------------------------------------------------------ */
/* Programs                                                            */

static void test_sum_loop(void **state)
{
    ToyAsm a;
    ToyMachine *m;
    int top;

    toy_asm_init(&a, RAM_BASE);
    top = toy_label_new(&a);
    toy_movi(&a, 1, 0);          /* sum */
    toy_li(&a, 2, 100000);       /* i */
    toy_bind(&a, top);
    toy_add(&a, 1, 1, 2);
    toy_subi(&a, 2, 2, 1);
    toy_bne(&a, 2, 0, top);
    toy_hlt(&a);
    m = run_asm(&a, EXCP_HLT);
    assert_int_equal(reg(m, 1), 100000ull * 100001 / 2);
    assert_int_equal(reg(m, 2), 0);
    assert_int_equal(toy_env(m)->pc, toy_asm_pc(&a));
    toy_machine_free(m);
    toy_asm_free(&a);
}

static void test_fibonacci(void **state)
{
    ToyAsm a;
    ToyMachine *m;
    int top, done;

    toy_asm_init(&a, RAM_BASE);
    top = toy_label_new(&a);
    done = toy_label_new(&a);
    toy_movi(&a, 1, 0);  /* f(n) */
    toy_movi(&a, 2, 1);  /* f(n+1) */
    toy_movi(&a, 3, 90); /* n */
    toy_bind(&a, top);
    toy_beq(&a, 3, 0, done);
    toy_add(&a, 4, 1, 2);
    toy_mov(&a, 1, 2);
    toy_mov(&a, 2, 4);
    toy_subi(&a, 3, 3, 1);
    toy_jmp(&a, top);
    toy_bind(&a, done);
    toy_hlt(&a);
    m = run_asm(&a, EXCP_HLT);
    assert_int_equal(reg(m, 1), 2880067194370816120ull);
    toy_machine_free(m);
    toy_asm_free(&a);
}

/* memset 4 KiB bytewise, memcpy it 8 bytes at a time, sum the copy. */
static void test_memcpy_memset(void **state)
{
    ToyAsm a;
    ToyMachine *m;
    int l1, l2, l3;
    uint64_t sum = 0;
    const uint8_t *dst;

    toy_asm_init(&a, RAM_BASE);
    l1 = toy_label_new(&a);
    l2 = toy_label_new(&a);
    l3 = toy_label_new(&a);
    toy_li(&a, 1, DATA);          /* src */
    toy_li(&a, 2, DATA + 0x2000); /* dst */
    toy_li(&a, 3, 4096);
    toy_movi(&a, 4, 0);
    toy_bind(&a, l1);             /* src[i] = i * 7 + 3 */
    toy_muli(&a, 5, 4, 7);
    toy_addi(&a, 5, 5, 3);
    toy_add(&a, 6, 1, 4);
    toy_st(&a, MO_8, 5, 6, 0);
    toy_addi(&a, 4, 4, 1);
    toy_bltu(&a, 4, 3, l1);
    toy_movi(&a, 4, 0);
    toy_bind(&a, l2);             /* copy */
    toy_add(&a, 6, 1, 4);
    toy_ld(&a, MO_64, 7, 6, 0);
    toy_add(&a, 6, 2, 4);
    toy_st(&a, MO_64, 7, 6, 0);
    toy_addi(&a, 4, 4, 8);
    toy_bltu(&a, 4, 3, l2);
    toy_movi(&a, 4, 0);
    toy_movi(&a, 8, 0);
    toy_bind(&a, l3);             /* sum of bytes of dst */
    toy_add(&a, 6, 2, 4);
    toy_ld(&a, MO_8, 7, 6, 0);
    toy_add(&a, 8, 8, 7);
    toy_addi(&a, 4, 4, 1);
    toy_bltu(&a, 4, 3, l3);
    toy_hlt(&a);
    m = run_asm(&a, EXCP_HLT);
    dst = toy_machine_ptr(m, DATA + 0x2000, 4096);
    for (unsigned i = 0; i < 4096; i++) {
        if (dst[i] != (uint8_t)(i * 7 + 3)) {
            fail_msg("[%s] dst[%u] = %u", cur_backend, i, dst[i]);
        }
        sum += (uint8_t)(i * 7 + 3);
    }
    assert_int_equal(reg(m, 8), sum);
    toy_machine_free(m);
    toy_asm_free(&a);
}

static uint32_t crc32_ref(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffff;

    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
        }
    }
    return ~crc;
}

/* Bitwise CRC-32 with 32-bit ops, movc and setc/nsetc. */
static void test_crc32(void **state)
{
    ToyAsm a;
    ToyMachine *m;
    uint8_t buf[1024];
    int byte, bit;

    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(i * 131 + (i >> 3));
    }
    toy_asm_init(&a, RAM_BASE);
    byte = toy_label_new(&a);
    bit = toy_label_new(&a);
    toy_li(&a, 1, DATA);
    toy_li(&a, 2, DATA + sizeof(buf));
    toy_li(&a, 3, 0xffffffff);   /* crc */
    toy_li(&a, 9, 0xedb88320);
    toy_bind(&a, byte);
    toy_ld(&a, MO_UB, 4, 1, 0);
    toy_xorw(&a, 3, 3, 4);
    toy_movi(&a, 5, 8);
    toy_bind(&a, bit);
    toy_andiw(&a, 6, 3, 1);      /* -(crc & 1) & poly */
    toy_negw(&a, 6, 6);
    toy_andw(&a, 6, 6, 9);
    toy_shriw(&a, 3, 3, 1);
    toy_xorw(&a, 3, 3, 6);
    toy_subi(&a, 5, 5, 1);
    toy_bne(&a, 5, 0, bit);
    toy_addi(&a, 1, 1, 1);
    toy_bltu(&a, 1, 2, byte);
    toy_notw(&a, 3, 3);
    toy_hlt(&a);
    m = toy_machine_new(RAM_BASE, RAM_SIZE);
    toy_machine_load(m, DATA, buf, sizeof(buf));
    toy_asm_load(&a, m);
    assert_int_equal(toy_machine_run(m), EXCP_HLT);
    assert_int_equal(reg(m, 3), crc32_ref(buf, sizeof(buf)));
    toy_machine_free(m);
    toy_asm_free(&a);
}

/* FizzBuzz-like classification: nested conditional branches. */
static void test_nested_branches(void **state)
{
    ToyAsm a;
    ToyMachine *m;
    int top, not3, not5, next, only3;
    uint64_t c15 = 0, c3 = 0, c5 = 0, other = 0;

    for (uint64_t i = 1; i <= 3000; i++) {
        if (i % 3 == 0) {
            if (i % 5 == 0) {
                c15++;
            } else {
                c3++;
            }
        } else if (i % 5 == 0) {
            c5++;
        } else {
            other += i;
        }
    }
    toy_asm_init(&a, RAM_BASE);
    top = toy_label_new(&a);
    not3 = toy_label_new(&a);
    not5 = toy_label_new(&a);
    next = toy_label_new(&a);
    only3 = toy_label_new(&a);
    toy_movi(&a, 1, 1);
    toy_li(&a, 2, 3000);
    toy_bind(&a, top);
    toy_remui(&a, 3, 1, 3);
    toy_remui(&a, 4, 1, 5);
    toy_bne(&a, 3, 0, not3);
    toy_bne(&a, 4, 0, only3);
    toy_addi(&a, 10, 10, 1);
    toy_jmp(&a, next);
    toy_bind(&a, only3);
    toy_addi(&a, 11, 11, 1);
    toy_jmp(&a, next);
    toy_bind(&a, not3);
    toy_bne(&a, 4, 0, not5);
    toy_addi(&a, 12, 12, 1);
    toy_jmp(&a, next);
    toy_bind(&a, not5);
    toy_add(&a, 13, 13, 1);
    toy_bind(&a, next);
    toy_addi(&a, 1, 1, 1);
    toy_bge(&a, 2, 1, top);
    toy_hlt(&a);
    m = run_asm(&a, EXCP_HLT);
    assert_int_equal(reg(m, 10), c15);
    assert_int_equal(reg(m, 11), c3);
    assert_int_equal(reg(m, 12), c5);
    assert_int_equal(reg(m, 13), other);
    toy_machine_free(m);
    toy_asm_free(&a);
}

/*
 * Indirect jumps: a jump table of four functions called through jalr in a
 * loop, plus a recursive function (stack in RAM, call/ret).
 */
static void test_indirect(void **state)
{
    ToyAsm a;
    ToyMachine *m;
    int f[4], table, top, fact, base_case, after;
    uint64_t expect = 0;

    toy_asm_init(&a, RAM_BASE);
    for (int i = 0; i < 4; i++) {
        f[i] = toy_label_new(&a);
    }
    table = toy_label_new(&a);
    top = toy_label_new(&a);
    fact = toy_label_new(&a);
    base_case = toy_label_new(&a);
    after = toy_label_new(&a);

    toy_la(&a, 1, table);
    toy_movi(&a, 2, 0);          /* i */
    toy_movi(&a, 3, 0);          /* acc */
    toy_bind(&a, top);
    toy_andi(&a, 4, 2, 3);       /* table[i & 3] */
    toy_shli(&a, 4, 4, 3);
    toy_add(&a, 4, 4, 1);
    toy_ld(&a, MO_64, 5, 4, 0);
    toy_jalr(&a, TOY_LR, 5, 0);
    toy_addi(&a, 2, 2, 1);
    toy_movi(&a, 6, 1000);
    toy_bltu(&a, 2, 6, top);
    /* r7 = fact(15) via recursion, sp = r14 */
    toy_li(&a, 14, DATA + 0x10000);
    toy_movi(&a, 8, 15);
    toy_call(&a, fact);
    toy_jmp(&a, after);

    toy_bind(&a, f[0]);          /* acc += i */
    toy_add(&a, 3, 3, 2);
    toy_ret(&a);
    toy_bind(&a, f[1]);          /* acc ^= i << 7 */
    toy_shli(&a, 9, 2, 7);
    toy_xor(&a, 3, 3, 9);
    toy_ret(&a);
    toy_bind(&a, f[2]);          /* acc *= 3 */
    toy_muli(&a, 3, 3, 3);
    toy_ret(&a);
    toy_bind(&a, f[3]);          /* acc -= 5 */
    toy_subi(&a, 3, 3, 5);
    toy_ret(&a);

    toy_bind(&a, fact);          /* r7 = r8! */
    toy_movi(&a, 9, 1);
    toy_bgeu(&a, 9, 8, base_case);
    toy_subi(&a, 14, 14, 16);
    toy_st(&a, MO_64, TOY_LR, 14, 0);
    toy_st(&a, MO_64, 8, 14, 8);
    toy_subi(&a, 8, 8, 1);
    toy_call(&a, fact);
    toy_ld(&a, MO_64, 8, 14, 8);
    toy_ld(&a, MO_64, TOY_LR, 14, 0);
    toy_addi(&a, 14, 14, 16);
    toy_mul(&a, 7, 7, 8);
    toy_ret(&a);
    toy_bind(&a, base_case);
    toy_movi(&a, 7, 1);
    toy_ret(&a);

    toy_bind(&a, table);
    for (int i = 0; i < 4; i++) {
        toy_emit(&a, 0);         /* patched below */
    }
    toy_bind(&a, after);
    toy_hlt(&a);
    toy_asm_finish(&a);
    for (int i = 0; i < 4; i++) {
        uint64_t addr = toy_label_addr(&a, f[i]);
        size_t off = toy_label_addr(&a, table) - RAM_BASE + 8 * i;

        memcpy(a.buf->data + off, &addr, 8);
    }
    for (uint64_t i = 0; i < 1000; i++) {
        switch (i & 3) {
        case 0:
            expect += i;
            break;
        case 1:
            expect ^= i << 7;
            break;
        case 2:
            expect *= 3;
            break;
        default:
            expect -= 5;
            break;
        }
    }
    m = run_asm(&a, EXCP_HLT);
    assert_int_equal(reg(m, 3), expect);
    assert_int_equal(reg(m, 7), 1307674368000ull);
    assert_int_equal(reg(m, 14), DATA + 0x10000);
    toy_machine_free(m);
    toy_asm_free(&a);
}

/* ------------------------------------------------------------------ */
/* The C model of the ALU ops                                          */

static uint64_t sext(uint64_t v, unsigned bits)
{
    return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

static unsigned popcount(uint64_t v)
{
    return (unsigned)__builtin_popcountll(v);
}

/* Binary op idx at width bits (32 or 64) on a, b; result zero-extended. */
static uint64_t ref_bin(unsigned idx, unsigned bits, uint64_t a, uint64_t b)
{
    uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull;
    uint64_t smin = 1ull << (bits - 1);
    int64_t sa = (int64_t)sext(a & mask, bits);
    int64_t sb = (int64_t)sext(b & mask, bits);
    unsigned sh;
    uint64_t r;

    a &= mask;
    b &= mask;
    sh = b & (bits - 1);
    switch (idx) {
    case TOY_BIN_add: r = a + b; break;
    case TOY_BIN_sub: r = a - b; break;
    case TOY_BIN_mul: r = a * b; break;
    case TOY_BIN_mulhu:
        r = (uint64_t)(((unsigned __int128)a * b) >> bits);
        break;
    case TOY_BIN_mulhs:
        r = (uint64_t)(((__int128)sa * sb) >> bits);
        break;
    case TOY_BIN_divs:
        r = b == 0 ? 0 : (a == smin && sb == -1) ? smin
                                                  : (uint64_t)(sa / sb);
        break;
    case TOY_BIN_divu: r = b == 0 ? 0 : a / b; break;
    case TOY_BIN_rems:
        r = b == 0 ? a : (a == smin && sb == -1) ? 0 : (uint64_t)(sa % sb);
        break;
    case TOY_BIN_remu: r = b == 0 ? a : a % b; break;
    case TOY_BIN_and: r = a & b; break;
    case TOY_BIN_or: r = a | b; break;
    case TOY_BIN_xor: r = a ^ b; break;
    case TOY_BIN_andc: r = a & ~b; break;
    case TOY_BIN_orc: r = a | ~b; break;
    case TOY_BIN_eqv: r = ~(a ^ b); break;
    case TOY_BIN_nand: r = ~(a & b); break;
    case TOY_BIN_nor: r = ~(a | b); break;
    case TOY_BIN_shl: r = a << sh; break;
    case TOY_BIN_shr: r = a >> sh; break;
    case TOY_BIN_sar: r = (uint64_t)(sa >> sh); break;
    case TOY_BIN_rotl:
        r = sh ? (a << sh) | (a >> (bits - sh)) : a;
        break;
    case TOY_BIN_rotr:
        r = sh ? (a >> sh) | (a << (bits - sh)) : a;
        break;
    case TOY_BIN_clz:
        r = a == 0 ? b : (uint64_t)(__builtin_clzll(a) - (64 - bits));
        break;
    case TOY_BIN_ctz:
        r = a == 0 ? b : (uint64_t)__builtin_ctzll(a);
        break;
    default:
        g_assert_not_reached();
    }
    return r & mask;
}

static uint64_t ref_un(unsigned idx, unsigned bits, uint64_t a)
{
    uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull;
    uint64_t r;

    a &= mask;
    switch (idx) {
    case TOY_UN_not: r = ~a; break;
    case TOY_UN_neg: r = -a; break;
    case TOY_UN_ext8s: r = sext(a, 8); break;
    case TOY_UN_ext8u: r = (uint8_t)a; break;
    case TOY_UN_ext16s: r = sext(a, 16); break;
    case TOY_UN_ext16u: r = (uint16_t)a; break;
    case TOY_UN_ext32s: r = sext(a, 32); break;
    case TOY_UN_ext32u: r = (uint32_t)a; break;
    case TOY_UN_bswap16: r = GUINT16_SWAP_LE_BE((uint16_t)a); break;
    case TOY_UN_bswap32: r = GUINT32_SWAP_LE_BE((uint32_t)a); break;
    case TOY_UN_bswap64: r = GUINT64_SWAP_LE_BE(a); break;
    case TOY_UN_ctpop: r = popcount(a); break;
    default:
        g_assert_not_reached();
    }
    return r & mask;
}

static const char *const bin_names[] = {
#define BIN_NAME(n, op) #n,
    TOY_BIN_OPS(BIN_NAME)
#undef BIN_NAME
};
static const char *const un_names[] = {
#define UN_NAME(n, op, w) #n,
    TOY_UN_OPS(UN_NAME)
#undef UN_NAME
};
static const bool un_has_w[] = {
#define UN_W(n, op, w) w,
    TOY_UN_OPS(UN_W)
#undef UN_W
};

static const uint64_t edge_vals[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x8000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~1ull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x00000000ffff0000ull,
};
#define NB_RANDOM 6
#define NB_VALS (G_N_ELEMENTS(edge_vals) + NB_RANDOM)
static const int32_t imm_vals[] = {
    0, 1, -1, 2, 5, 31, 32, 63, 64, -7, 0x7fffffff, INT32_MIN, 0x1234,
};

static uint64_t vals[NB_VALS];

static void init_vals(void)
{
    GRand *r = g_rand_new_with_seed(20261121);

    memcpy(vals, edge_vals, sizeof(edge_vals));
    for (unsigned i = G_N_ELEMENTS(edge_vals); i < NB_VALS; i++) {
        vals[i] = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
    }
    g_rand_free(r);
}

/* One expected result: what the guest computed into slot. */
typedef struct Check {
    const char *what;
    uint64_t a, b, expect;
} Check;

typedef struct CheckList {
    ToyAsm a;
    GArray *checks;
} CheckList;

static void cl_init(CheckList *cl)
{
    toy_asm_init(&cl->a, RAM_BASE);
    toy_li(&cl->a, 10, DATA);
    cl->checks = g_array_new(FALSE, FALSE, sizeof(Check));
}

/* Store r3 into the next result slot, expecting `expect`. */
static void cl_result(CheckList *cl, const char *what, uint64_t a,
                      uint64_t b, uint64_t expect)
{
    Check c = { what, a, b, expect };
    unsigned slot = cl->checks->len;

    toy_st(&cl->a, MO_64, 3, 10, (int32_t)(slot * 8));
    g_array_append_val(cl->checks, c);
}

static void cl_run(CheckList *cl)
{
    ToyMachine *m;
    unsigned bad = 0;

    toy_hlt(&cl->a);
    g_assert(DATA + 8 * cl->checks->len < RAM_BASE + RAM_SIZE);
    g_assert(RAM_BASE + toy_asm_len(&cl->a) < DATA);
    m = run_asm(&cl->a, EXCP_HLT);
    for (unsigned i = 0; i < cl->checks->len; i++) {
        Check *c = &g_array_index(cl->checks, Check, i);
        uint64_t got = ld64(m, DATA + 8 * i);

        if (got != c->expect) {
            if (bad++ < 20) {
                print_error("[%s] %s a=0x%" PRIx64 " b=0x%" PRIx64
                            ": got 0x%" PRIx64 " expected 0x%" PRIx64 "\n",
                            cur_backend, c->what, c->a, c->b, got,
                            c->expect);
            }
        }
    }
    toy_machine_free(m);
    toy_asm_free(&cl->a);
    g_array_unref(cl->checks);
    if (bad) {
        fail_msg("%u of %u results wrong", bad, cl->checks->len);
    }
}

static void test_alu_binary(void **state)
{
    CheckList cl;
    static char names[TOY_BIN_COUNT][4][16];

    cl_init(&cl);
    for (unsigned k = 0; k < TOY_BIN_COUNT; k++) {
        snprintf(names[k][0], 16, "%s", bin_names[k]);
        snprintf(names[k][1], 16, "%sw", bin_names[k]);
        snprintf(names[k][2], 16, "%si", bin_names[k]);
        snprintf(names[k][3], 16, "%siw", bin_names[k]);
    }
    for (unsigned i = 0; i < NB_VALS; i++) {
        toy_li(&cl.a, 1, vals[i]);
        for (unsigned j = 0; j < NB_VALS; j++) {
            toy_li(&cl.a, 2, vals[j]);
            for (unsigned k = 0; k < TOY_BIN_COUNT; k++) {
                toy_emit_raw(&cl.a, TOY_OPC_BIN + k, 3, 1, 2, 0);
                cl_result(&cl, names[k][0], vals[i], vals[j],
                          ref_bin(k, 64, vals[i], vals[j]));
                toy_emit_raw(&cl.a, TOY_OPC_BINW + k, 3, 1, 2, 0);
                cl_result(&cl, names[k][1], vals[i], vals[j],
                          ref_bin(k, 32, vals[i], vals[j]));
            }
        }
        for (unsigned j = 0; j < G_N_ELEMENTS(imm_vals); j++) {
            int32_t imm = imm_vals[j];

            for (unsigned k = 0; k < TOY_BIN_COUNT; k++) {
                toy_emit_raw(&cl.a, TOY_OPC_BINI + k, 3, 1, 0, imm);
                cl_result(&cl, names[k][2], vals[i], (uint64_t)imm,
                          ref_bin(k, 64, vals[i], (uint64_t)(int64_t)imm));
                toy_emit_raw(&cl.a, TOY_OPC_BINIW + k, 3, 1, 0, imm);
                cl_result(&cl, names[k][3], vals[i], (uint32_t)imm,
                          ref_bin(k, 32, vals[i], (uint32_t)imm));
            }
        }
    }
    cl_run(&cl);
}

/* Same op with the destination aliasing a source. */
static void test_alu_alias(void **state)
{
    CheckList cl;

    cl_init(&cl);
    for (unsigned i = 0; i < 8; i++) {
        for (unsigned k = 0; k < TOY_BIN_COUNT; k++) {
            uint64_t a = vals[NB_VALS - 1 - i], b = vals[i + 3];

            toy_li(&cl.a, 3, a);
            toy_li(&cl.a, 2, b);
            toy_emit_raw(&cl.a, TOY_OPC_BIN + k, 3, 3, 2, 0);
            cl_result(&cl, bin_names[k], a, b, ref_bin(k, 64, a, b));
            toy_li(&cl.a, 3, b);
            toy_li(&cl.a, 1, a);
            toy_emit_raw(&cl.a, TOY_OPC_BIN + k, 3, 1, 3, 0);
            cl_result(&cl, bin_names[k], a, b, ref_bin(k, 64, a, b));
            toy_li(&cl.a, 3, a);
            toy_emit_raw(&cl.a, TOY_OPC_BIN + k, 3, 3, 3, 0);
            cl_result(&cl, bin_names[k], a, a, ref_bin(k, 64, a, a));
        }
    }
    cl_run(&cl);
}

static void test_alu_unary(void **state)
{
    CheckList cl;
    static char wnames[TOY_UN_COUNT][16];

    cl_init(&cl);
    for (unsigned k = 0; k < TOY_UN_COUNT; k++) {
        snprintf(wnames[k], 16, "%sw", un_names[k]);
    }
    for (unsigned i = 0; i < NB_VALS; i++) {
        toy_li(&cl.a, 1, vals[i]);
        for (unsigned k = 0; k < TOY_UN_COUNT; k++) {
            toy_emit_raw(&cl.a, TOY_OPC_UN + k, 3, 1, 0, 0);
            cl_result(&cl, un_names[k], vals[i], 0, ref_un(k, 64, vals[i]));
            if (un_has_w[k]) {
                toy_emit_raw(&cl.a, TOY_OPC_UNW + k, 3, 1, 0, 0);
                cl_result(&cl, wnames[k], vals[i], 0,
                          ref_un(k, 32, vals[i]));
            }
        }
    }
    cl_run(&cl);
}

static bool cond_eval(IRCond c, unsigned bits, uint64_t a, uint64_t b)
{
    uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull;
    int64_t sa = (int64_t)sext(a & mask, bits);
    int64_t sb = (int64_t)sext(b & mask, bits);

    a &= mask;
    b &= mask;
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return sa < sb;
    case IR_COND_GE: return sa >= sb;
    case IR_COND_LE: return sa <= sb;
    case IR_COND_GT: return sa > sb;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    default: g_assert_not_reached();
    }
}

static const char *const cond_names[IR_COND_COUNT] = {
    "never", "always", "eq", "ne", "lt", "ge", "le", "gt",
    "ltu", "geu", "leu", "gtu",
};

/* setc, nsetc, setci, setcw, movc, movcw, and brcond via bcc. */
static void test_conditions(void **state)
{
    CheckList cl;
    static const uint64_t cv[] = {
        0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
        0x80000000, 0xffffffff, 0x100000001ull, 5,
    };
    static char names[IR_COND_COUNT][6][24];

    cl_init(&cl);
    for (unsigned c = 0; c < IR_COND_COUNT; c++) {
        static const char *const kinds[] = {
            "setc", "nsetc", "setcw", "movc", "movcw", "bcc",
        };
        for (unsigned k = 0; k < 6; k++) {
            snprintf(names[c][k], 24, "%s.%s", kinds[k], cond_names[c]);
        }
    }
    toy_li(&cl.a, 5, 0x1111111111111111ull);
    toy_li(&cl.a, 6, 0x2222222222222222ull);
    for (unsigned i = 0; i < G_N_ELEMENTS(cv); i++) {
        for (unsigned j = 0; j < G_N_ELEMENTS(cv); j++) {
            uint64_t x = cv[i], y = cv[j];

            toy_li(&cl.a, 1, x);
            toy_li(&cl.a, 2, y);
            for (unsigned c = 0; c < IR_COND_COUNT; c++) {
                bool t64 = cond_eval(c, 64, x, y);
                bool t32 = cond_eval(c, 32, x, y);
                int skip = toy_label_new(&cl.a);

                toy_setc(&cl.a, c, 3, 1, 2);
                cl_result(&cl, names[c][0], x, y, t64);
                toy_nsetc(&cl.a, c, 3, 1, 2);
                cl_result(&cl, names[c][1], x, y, t64 ? ~0ull : 0);
                toy_setcw(&cl.a, c, 3, 1, 2);
                cl_result(&cl, names[c][2], x, y, t32);
                toy_mov(&cl.a, 3, 6);
                toy_movc(&cl.a, c, 3, 1, 2, 5);
                cl_result(&cl, names[c][3], x, y,
                          t64 ? 0x1111111111111111ull
                              : 0x2222222222222222ull);
                toy_mov(&cl.a, 3, 6);
                toy_movcw(&cl.a, c, 3, 1, 2, 5);
                cl_result(&cl, names[c][4], x, y,
                          t32 ? 0x11111111ull : 0x22222222ull);
                toy_movi(&cl.a, 3, 1);
                toy_bcc(&cl.a, c, 1, 2, skip);
                toy_movi(&cl.a, 3, 0);
                toy_bind(&cl.a, skip);
                cl_result(&cl, names[c][5], x, y, t64);
            }
        }
        for (unsigned c = 0; c < IR_COND_COUNT; c++) {
            for (unsigned j = 0; j < G_N_ELEMENTS(imm_vals); j++) {
                toy_li(&cl.a, 1, cv[i]);
                toy_setci(&cl.a, c, 3, 1, imm_vals[j]);
                cl_result(&cl, "setci", cv[i], (uint64_t)imm_vals[j],
                          cond_eval(c, 64, cv[i],
                                    (uint64_t)(int64_t)imm_vals[j]));
                toy_nsetci(&cl.a, c, 3, 1, imm_vals[j]);
                cl_result(&cl, "nsetci", cv[i], (uint64_t)imm_vals[j],
                          cond_eval(c, 64, cv[i],
                                    (uint64_t)(int64_t)imm_vals[j])
                              ? ~0ull : 0);
            }
        }
    }
    cl_run(&cl);
}

static uint64_t ref_deposit(uint64_t a, uint64_t b, unsigned pos,
                            unsigned len)
{
    uint64_t m = (len == 64 ? ~0ull : (1ull << len) - 1) << pos;

    return (a & ~m) | ((b << pos) & m);
}

static void test_fields(void **state)
{
    CheckList cl;
    static const unsigned pl[][2] = {
        { 0, 1 }, { 0, 8 }, { 0, 32 }, { 0, 63 }, { 0, 64 }, { 1, 1 },
        { 3, 5 }, { 8, 8 }, { 16, 16 }, { 31, 2 }, { 32, 32 }, { 33, 7 },
        { 40, 24 }, { 60, 4 }, { 63, 1 }, { 12, 40 },
    };

    cl_init(&cl);
    for (unsigned i = 0; i < NB_VALS; i += 3) {
        uint64_t x = vals[i], y = vals[NB_VALS - 1 - i];

        toy_li(&cl.a, 1, x);
        toy_li(&cl.a, 2, y);
        for (unsigned k = 0; k < G_N_ELEMENTS(pl); k++) {
            unsigned pos = pl[k][0], len = pl[k][1];
            uint64_t m = len == 64 ? ~0ull : (1ull << len) - 1;

            toy_extract(&cl.a, 3, 1, pos, len);
            cl_result(&cl, "extract", x, pos << 8 | len, (x >> pos) & m);
            toy_sextract(&cl.a, 3, 1, pos, len);
            cl_result(&cl, "sextract", x, pos << 8 | len,
                      sext((x >> pos) & m, len));
            toy_deposit(&cl.a, 3, 1, 2, pos, len);
            cl_result(&cl, "deposit", x, y, ref_deposit(x, y, pos, len));
        }
        for (unsigned pos = 0; pos < 64; pos += 7) {
            toy_extract2(&cl.a, 3, 1, 2, pos);
            cl_result(&cl, "extract2", x, y,
                      pos ? (x >> pos) | (y << (64 - pos)) : x);
        }
        toy_mov(&cl.a, 3, 1);
        toy_movk(&cl.a, 3, 0xbeef, 2);
        cl_result(&cl, "movk", x, 2,
                  (x & ~(0xffffull << 32)) | (0xbeefull << 32));
        toy_mov(&cl.a, 3, 1);
        toy_movhi(&cl.a, 3, 0xcafef00d);
        cl_result(&cl, "movhi", x, 0, (uint32_t)x | 0xcafef00dull << 32);
        toy_moviu(&cl.a, 3, 0x89abcdef);
        cl_result(&cl, "moviu", 0, 0, 0x89abcdefull);
        toy_movi(&cl.a, 3, (int32_t)0x89abcdef);
        cl_result(&cl, "movi", 0, 0, 0xffffffff89abcdefull);
    }
    cl_run(&cl);
}

/* Loads and stores of every size, sign and byte order. */
static void test_memops(void **state)
{
    static const uint8_t pattern[16] = {
        0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8,
        0x09, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70,
    };
    const uint64_t src = DATA - 0x1000; /* below the result slots */
    const uint64_t init = 0x0123456789abcdefull;
    CheckList cl;
    ToyAsm *a = &cl.a;
    uint64_t lo, hi;

    memcpy(&lo, pattern, 8);
    memcpy(&hi, pattern + 8, 8);
    cl_init(&cl);
    toy_li(a, 1, src);
    toy_li(a, 4, lo);
    toy_st(a, MO_64, 4, 1, 0);
    toy_li(a, 4, hi);
    toy_st(a, MO_64, 4, 1, 8);
    for (unsigned off = 0; off < 8; off++) {
        for (unsigned size = 0; size < 4; size++) {
            unsigned n = 1u << size;
            uint64_t le = 0, be = 0, v;
            uint8_t b[8];

            for (unsigned k = 0; k < n; k++) {
                le |= (uint64_t)pattern[off + k] << (8 * k);
                be = be << 8 | pattern[off + k];
            }
            toy_ld(a, size, 3, 1, off);
            cl_result(&cl, "ld u le", off, size, le);
            if (size < 3) {
                toy_ld(a, size | MO_SIGN, 3, 1, off);
                cl_result(&cl, "ld s le", off, size, sext(le, 8 * n));
                toy_ldw(a, size, 3, 1, off);
                cl_result(&cl, "ldw u", off, size, le);
                if (size < 2) {
                    toy_ldw(a, size | MO_SIGN, 3, 1, off);
                    cl_result(&cl, "ldw s", off, size,
                              (uint32_t)sext(le, 8 * n));
                }
            }
            if (size > 0) {
                toy_ld(a, size | MO_BE, 3, 1, off);
                cl_result(&cl, "ld u be", off, size, be);
                if (size < 3) {
                    toy_ld(a, size | MO_BE | MO_SIGN, 3, 1, off);
                    cl_result(&cl, "ld s be", off, size, sext(be, 8 * n));
                }
            }
            if (off + n > 8) {
                continue;
            }
            /* Store the value back big-endian into a known word. */
            toy_li(a, 4, init);
            toy_st(a, MO_64, 4, 1, 32);
            toy_ld(a, size, 3, 1, off);
            toy_st(a, size | (size ? MO_BE : 0), 3, 1, 32 + off);
            toy_ld(a, MO_64, 3, 1, 32);
            memcpy(b, &init, 8);
            for (unsigned k = 0; k < n; k++) {
                b[off + k] = (uint8_t)(le >> (8 * (n - 1 - k)));
            }
            memcpy(&v, b, 8);
            cl_result(&cl, "st be", off, size, v);
            if (size == 3) {
                continue;
            }
            /* Through an i32 value, little-endian. */
            toy_st(a, MO_64, 4, 1, 48);
            toy_ld(a, size, 3, 1, off);
            toy_stw(a, size, 3, 1, 48 + off);
            toy_ld(a, MO_64, 3, 1, 48);
            memcpy(b, &init, 8);
            for (unsigned k = 0; k < n; k++) {
                b[off + k] = (uint8_t)(le >> (8 * k));
            }
            memcpy(&v, b, 8);
            cl_result(&cl, "stw le", off, size, v);
        }
    }
    /* 128-bit */
    toy_li(a, 4, 0x1122334455667788ull);
    toy_li(a, 5, 0x99aabbccddeeff00ull);
    toy_st128(a, 4, 5, 1, 64);
    toy_ld(a, MO_64, 3, 1, 72);
    cl_result(&cl, "st128 hi", 0, 0, 0x99aabbccddeeff00ull);
    toy_ld(a, MO_64, 3, 1, 64);
    cl_result(&cl, "st128 lo", 0, 0, 0x1122334455667788ull);
    toy_ld128(a, 6, 3, 1, 0);
    cl_result(&cl, "ld128 hi", 0, 0, hi);
    toy_mov(a, 3, 6);
    cl_result(&cl, "ld128 lo", 0, 0, lo);
    /* Unaligned accesses that cross a page boundary. */
    toy_li(a, 1, src - 0x1000 - 3);
    toy_li(a, 4, 0x0807060504030201ull);
    toy_st(a, MO_64, 4, 1, 0);
    toy_ld(a, MO_64, 3, 1, 0);
    cl_result(&cl, "ld64 cross", 0, 0, 0x0807060504030201ull);
    toy_ld(a, MO_32 | MO_BE, 3, 1, 1);
    cl_result(&cl, "ld32be cross", 0, 0, 0x02030405);
    toy_ld(a, MO_16 | MO_SIGN, 3, 1, 2);
    cl_result(&cl, "ld16s cross", 0, 0, 0x0403);
    toy_li(a, 4, 0x1122334455667788ull);
    toy_li(a, 5, 0x99aabbccddeeff00ull);
    toy_st128(a, 4, 5, 1, -5);
    toy_ld128(a, 6, 3, 1, -5);
    cl_result(&cl, "ld128 cross hi", 0, 0, 0x99aabbccddeeff00ull);
    toy_mov(a, 3, 6);
    cl_result(&cl, "ld128 cross lo", 0, 0, 0x1122334455667788ull);
    cl_run(&cl);
}

/* ------------------------------------------------------------------ */
/* Random programs against a C model of the toy                        */

/* Execute one non-memory, non-jump insn on regs; false if not modelled. */
static bool ref_insn(uint64_t *r, ToyInsn i)
{
    unsigned op = i.op;

    if (op >= TOY_OPC_BIN && op < TOY_OPC_UN) {
        unsigned k = (op - TOY_OPC_BIN) % TOY_BIN_COUNT;
        unsigned form = (op - TOY_OPC_BIN) / TOY_BIN_COUNT;
        uint64_t b = form & 1 ? (uint64_t)(int64_t)i.imm : r[i.rb];

        if (form == 3) {
            b = (uint32_t)i.imm;
        }
        r[i.rd] = ref_bin(k, form & 2 ? 32 : 64, r[i.ra], b);
        return true;
    }
    if (op >= TOY_OPC_UN && op < TOY_OPC_UN + TOY_UN_COUNT) {
        r[i.rd] = ref_un(op - TOY_OPC_UN, 64, r[i.ra]);
        return true;
    }
    if (op >= TOY_OPC_UNW && op < TOY_OPC_UNW + TOY_UN_COUNT) {
        r[i.rd] = ref_un(op - TOY_OPC_UNW, 32, r[i.ra]);
        return true;
    }
    switch (op) {
    case TOY_OP_SETC:
        r[i.rd] = cond_eval(i.imm, 64, r[i.ra], r[i.rb]);
        return true;
    case TOY_OP_NSETC:
        r[i.rd] = cond_eval(i.imm, 64, r[i.ra], r[i.rb]) ? ~0ull : 0;
        return true;
    case TOY_OP_SETCW:
        r[i.rd] = cond_eval(i.imm, 32, r[i.ra], r[i.rb]);
        return true;
    case TOY_OP_MOVC:
        if (cond_eval((i.imm >> 8) & 0xff, 64, r[i.ra], r[i.rb])) {
            r[i.rd] = r[i.imm & 0xff];
        }
        return true;
    case TOY_OP_EXTRACT:
    case TOY_OP_SEXTRACT:
    case TOY_OP_DEPOSIT: {
        unsigned pos = i.imm & 0xff, len = (i.imm >> 8) & 0xff;
        uint64_t m = len == 64 ? ~0ull : (1ull << len) - 1;
        uint64_t x = (r[i.ra] >> pos) & m;

        r[i.rd] = op == TOY_OP_EXTRACT ? x
                  : op == TOY_OP_SEXTRACT ? sext(x, len)
                  : ref_deposit(r[i.ra], r[i.rb], pos, len);
        return true;
    }
    case TOY_OP_MOV:
        r[i.rd] = r[i.ra];
        return true;
    default:
        return false;
    }
}

/* A random valid modelled instruction (no memory, no branch). */
static uint64_t random_insn(GRand *g)
{
    unsigned rd = g_rand_int_range(g, 0, 16);
    unsigned ra = g_rand_int_range(g, 0, 16);
    unsigned rb = g_rand_int_range(g, 0, 16);
    int32_t imm = g_rand_boolean(g) ? g_rand_int_range(g, -70, 70)
                                    : (int32_t)g_rand_int(g);
    unsigned kind = g_rand_int_range(g, 0, 10);
    unsigned pos, len;

    switch (kind) {
    case 0: case 1: case 2: case 3:
        return toy_encode(TOY_OPC_BIN + g_rand_int_range(g, 0, 4 *
                          TOY_BIN_COUNT), rd, ra, rb, imm);
    case 4: {
        unsigned k = g_rand_int_range(g, 0, TOY_UN_COUNT);
        bool w = g_rand_boolean(g) && un_has_w[k];

        return toy_encode((w ? TOY_OPC_UNW : TOY_OPC_UN) + k, rd, ra, 0, 0);
    }
    case 5: {
        static const uint8_t ops[] = {
            TOY_OP_SETC, TOY_OP_NSETC, TOY_OP_SETCW,
        };
        return toy_encode(ops[g_rand_int_range(g, 0, 3)], rd, ra, rb,
                          g_rand_int_range(g, 0, IR_COND_COUNT));
    }
    case 6:
        return toy_encode(TOY_OP_MOVC, rd, ra, rb,
                          g_rand_int_range(g, 0, 16) |
                          g_rand_int_range(g, 0, IR_COND_COUNT) << 8);
    case 7:
        len = g_rand_int_range(g, 1, 65);
        pos = g_rand_int_range(g, 0, 65 - len);
        return toy_encode(TOY_OP_EXTRACT + g_rand_int_range(g, 0, 3), rd,
                          ra, rb, (int32_t)(pos | len << 8));
    default:
        return toy_encode(TOY_OP_MOV, rd, ra, 0, 0);
    }
}

/*
 * Straight-line runs of random ALU insns over all 16 registers, with
 * forward conditional branches between them, checked against ref_insn.
 */
static void test_random_programs(void **state)
{
    GRand *g = g_rand_new_with_seed(0x70795eed);

    for (unsigned p = 0; p < 150; p++) {
        uint64_t r[TOY_NREGS], init[TOY_NREGS];
        GArray *prog = g_array_new(FALSE, FALSE, sizeof(uint64_t));
        ToyAsm a;
        ToyMachine *m;
        unsigned n = g_rand_int_range(g, 20, 300);

        for (unsigned k = 0; k < n; k++) {
            uint64_t w;

            if (g_rand_int_range(g, 0, 16) == 0 && k + 5 < n) {
                w = toy_encode(TOY_OP_BCC,
                               g_rand_int_range(g, 2, IR_COND_COUNT),
                               g_rand_int_range(g, 0, 16),
                               g_rand_int_range(g, 0, 16),
                               8 * g_rand_int_range(g, 1, 5));
            } else {
                w = random_insn(g);
            }
            g_array_append_val(prog, w);
        }
        toy_asm_init(&a, RAM_BASE);
        for (int k = 0; k < TOY_NREGS; k++) {
            init[k] = g_rand_boolean(g) ? vals[g_rand_int_range(g, 0,
                                                                NB_VALS)]
                                        : (uint64_t)g_rand_int(g) << 32 |
                                              g_rand_int(g);
            toy_li(&a, k, init[k]);
        }
        for (unsigned k = 0; k < n; k++) {
            toy_emit(&a, g_array_index(prog, uint64_t, k));
        }
        toy_hlt(&a);

        memcpy(r, init, sizeof(r));
        for (unsigned k = 0; k < n; k++) {
            ToyInsn i = toy_decode(g_array_index(prog, uint64_t, k));

            if (i.op == TOY_OP_BCC) {
                if (cond_eval(i.rd, 64, r[i.ra], r[i.rb])) {
                    k += i.imm / 8 - 1;
                }
            } else if (!ref_insn(r, i)) {
                g_assert_not_reached();
            }
        }
        m = run_asm(&a, EXCP_HLT);
        for (int k = 0; k < TOY_NREGS; k++) {
            if (reg(m, k) != r[k]) {
                char buf[80];

                for (unsigned j = 0; j < n; j++) {
                    uint64_t w = g_array_index(prog, uint64_t, j);

                    toy_disas(0, w, buf, sizeof(buf));
                    print_error("  %3u: %s\n", j, buf);
                }
                fail_msg("[%s] program %u: r%d = 0x%" PRIx64 ", expected "
                         "0x%" PRIx64, cur_backend, p, k, reg(m, k), r[k]);
            }
        }
        toy_machine_free(m);
        toy_asm_free(&a);
        g_array_unref(prog);
    }
    g_rand_free(g);
}

/* ------------------------------------------------------------------ */
/* Fuzzing: arbitrary encodings never crash, and both backends agree    */

#define FUZZ_AREA 0x10000 /* code and data the fuzz programs touch */

typedef struct FuzzOutcome {
    int last;                 /* last exit code */
    bool timed_out;
    uint64_t regs[TOY_NREGS];
    uint64_t pc;
    uint32_t ram_crc;
    unsigned exits;
} FuzzOutcome;

static void fuzz_program(GRand *g, ToyAsm *a, uint64_t *regs)
{
    static uint8_t defined[256];
    static unsigned nb_defined;
    unsigned n = g_rand_int_range(g, 32, 256);

    if (!nb_defined) {
        for (unsigned op = 0; op < 256; op++) {
            if (toy_opcode_name(op)) {
                defined[nb_defined++] = op;
            }
        }
    }
    for (int k = 0; k < TOY_NREGS; k++) {
        regs[k] = g_rand_boolean(g)
                  ? RAM_BASE + (g_rand_int_range(g, 0, FUZZ_AREA) & ~7)
                  : vals[g_rand_int_range(g, 0, NB_VALS)];
    }
    for (unsigned k = 0; k < n; k++) {
        uint8_t op = g_rand_int_range(g, 0, 10) ? defined[g_rand_int_range(
                         g, 0, nb_defined)] : (uint8_t)g_rand_int(g);
        unsigned f[3];
        int32_t imm;

        for (int j = 0; j < 3; j++) {
            f[j] = g_rand_int_range(g, 0, 20) ? g_rand_int_range(g, 0, 16)
                                              : (uint8_t)g_rand_int(g);
        }
        switch (op) {
        case TOY_OP_BCC:
        case TOY_OP_JMP:
        case TOY_OP_JAL:
            imm = 8 * g_rand_int_range(g, -8, 9);
            break;
        case TOY_OP_LD: case TOY_OP_ST: case TOY_OP_LDW: case TOY_OP_STW:
        case TOY_OP_LD128: case TOY_OP_ST128:
            f[2] = g_rand_int_range(g, 0, 32);
            imm = g_rand_int_range(g, -64, 512);
            break;
        default:
            imm = g_rand_boolean(g) ? g_rand_int_range(g, -300, 300)
                                    : (int32_t)g_rand_int(g);
            break;
        }
        if (op == TOY_OP_BCC && f[0] >= IR_COND_COUNT &&
            g_rand_int_range(g, 0, 4)) {
            f[0] %= IR_COND_COUNT;
        }
        toy_emit_raw(a, op, f[0], f[1], f[2], imm);
    }
    toy_hlt(a);
}

static void fuzz_run(ToyAsm *a, const uint64_t *regs, FuzzOutcome *o)
{
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    uint64_t end = a->base + toy_asm_len(a);

    memset(o, 0, sizeof(*o));
    toy_asm_load(a, m);
    memcpy(toy_env(m)->regs, regs, sizeof(o->regs));
    for (o->exits = 0; o->exits < 16; o->exits++) {
        uint64_t pc;

        o->last = toy_machine_run_timeout(m, 50000);
        pc = toy_env(m)->pc;
        if (o->last == EXCP_INTERRUPT) {
            o->timed_out = true;
            break;
        }
        assert_true(o->last == EXCP_HLT || o->last == TOY_EXCP_UNDEF ||
                    o->last == TOY_EXCP_BUS || o->last == TOY_EXCP_ECALL);
        if (o->last == EXCP_HLT || pc < a->base || pc >= end) {
            break;
        }
        if (o->last != TOY_EXCP_ECALL) {
            toy_env(m)->pc = pc + 8; /* skip the faulting insn */
        }
    }
    memcpy(o->regs, toy_env(m)->regs, sizeof(o->regs));
    o->pc = toy_env(m)->pc;
    o->ram_crc = crc32_ref(toy_machine_ptr(m, RAM_BASE, FUZZ_AREA),
                           FUZZ_AREA);
    toy_machine_free(m);
}

/*
 * Random encodings, SMC included (registers point into the program):
 * every run ends in a guest exception or hlt, and the JIT and the
 * interpreter end in the same state.
 */
static void test_fuzz_differential(void **state)
{
    static const char *const backends[] = { "jit", "interp" };
    GRand *g = g_rand_new_with_seed(0xf022);
    unsigned compared = 0;

    for (unsigned p = 0; p < 60; p++) {
        FuzzOutcome o[2];
        uint64_t regs[TOY_NREGS];
        ToyAsm a;

        toy_asm_init(&a, RAM_BASE);
        fuzz_program(g, &a, regs);
        for (int b = 0; b < 2; b++) {
            g_autoptr(GError) err = NULL;

            if (!toy_tcg_init(backends[b], 0, &err)) {
                fail_msg("%s", err->message);
            }
            fuzz_run(&a, regs, &o[b]);
        }
        if (!o[0].timed_out && !o[1].timed_out) {
            compared++;
            if (o[0].last != o[1].last || o[0].pc != o[1].pc ||
                o[0].exits != o[1].exits ||
                o[0].ram_crc != o[1].ram_crc ||
                memcmp(o[0].regs, o[1].regs, sizeof(o[0].regs))) {
                char buf[80];

                for (size_t j = 0; j < toy_asm_len(&a); j += 8) {
                    uint64_t w;

                    memcpy(&w, a.buf->data + j, 8);
                    toy_disas(RAM_BASE + j, w, buf, sizeof(buf));
                    print_error("  %05zx: %s\n", j, buf);
                }
                for (int k = 0; k < TOY_NREGS; k++) {
                    print_error("  r%-2d init 0x%016" PRIx64 " jit 0x%016"
                                PRIx64 " interp 0x%016" PRIx64 "\n", k,
                                regs[k], o[0].regs[k], o[1].regs[k]);
                }
                fail_msg("fuzz program %u: jit (exit %d pc 0x%" PRIx64
                         " exits %u ram %08x) != interp (exit %d pc 0x%"
                         PRIx64 " exits %u ram %08x)", p, o[0].last,
                         o[0].pc, o[0].exits, o[0].ram_crc, o[1].last,
                         o[1].pc, o[1].exits, o[1].ram_crc);
            }
        }
        toy_asm_free(&a);
    }
    g_rand_free(g);
    {
        g_autoptr(GError) err = NULL;

        assert_true(toy_tcg_init(cur_backend, 0, &err));
    }
    print_message("fuzz: %u of 60 programs compared\n", compared);
}

static void test_bus_fault(void **state);

/* The backends must cope with IR the optimizer has not seen. */
static void test_unoptimized(void **state)
{
    IRContext *s = tcg_ir_context();

    s->optimize = false;
    test_alu_binary(state);
    test_conditions(state);
    test_random_programs(state);
    test_bus_fault(state);
    s->optimize = true;
}

/* The same programs with chaining off (-d nochain). */
static void test_nochain(void **state)
{
    int saved = kestrel_log_mask;

    kestrel_log_mask |= LOG_NOCHAIN;
    test_indirect(state);
    test_nested_branches(state);
    kestrel_log_mask = saved;
}

/* ------------------------------------------------------------------ */
/* Exceptions                                                          */

static void test_div_edges(void **state)
{
    ToyAsm a;
    ToyMachine *m;

    toy_asm_init(&a, RAM_BASE);
    toy_li(&a, 1, 0x8000000000000000ull);
    toy_movi(&a, 2, -1);
    toy_movi(&a, 0, 0);
    toy_divs(&a, 3, 1, 2);       /* INT64_MIN / -1 */
    toy_rems(&a, 4, 1, 2);
    toy_divs(&a, 5, 1, 0);       /* / 0 */
    toy_rems(&a, 6, 1, 0);
    toy_divu(&a, 7, 2, 0);
    toy_remu(&a, 8, 2, 0);
    toy_li(&a, 9, 0x80000000);
    toy_divsw(&a, 10, 9, 2);     /* INT32_MIN / -1 */
    toy_remsw(&a, 11, 9, 2);
    toy_divuw(&a, 12, 2, 0);
    toy_remuw(&a, 13, 2, 0);
    toy_movi(&a, 14, -7);
    toy_divsi(&a, 14, 14, 2);    /* truncates toward zero: -3 */
    toy_remsi(&a, 1, 14, 2);     /* -3 % 2 = -1 */
    toy_hlt(&a);
    m = run_asm(&a, EXCP_HLT);
    assert_int_equal(reg(m, 3), 0x8000000000000000ull);
    assert_int_equal(reg(m, 4), 0);
    assert_int_equal(reg(m, 5), 0);
    assert_int_equal(reg(m, 6), 0x8000000000000000ull);
    assert_int_equal(reg(m, 7), 0);
    assert_int_equal(reg(m, 8), ~0ull);
    assert_int_equal(reg(m, 10), 0x80000000ull);
    assert_int_equal(reg(m, 11), 0);
    assert_int_equal(reg(m, 12), 0);
    assert_int_equal(reg(m, 13), 0xffffffffull);
    assert_int_equal(reg(m, 14), (uint64_t)-3);
    assert_int_equal(reg(m, 1), (uint64_t)-1);
    toy_machine_free(m);
    toy_asm_free(&a);
}

static void test_undef(void **state)
{
    const uint64_t bad[] = {
        0,                                          /* opcode 0 */
        0xff,                                       /* unassigned */
        toy_encode(TOY_OPC_BIN, 16, 1, 2, 0),       /* rd out of range */
        toy_encode(TOY_OPC_UNW + TOY_UN_bswap64, 1, 2, 0, 0),
        toy_encode(TOY_OP_LD, 1, 2, MO_64 | MO_SIGN, 0),
        toy_encode(TOY_OP_ST, 1, 2, MO_8 | MO_SIGN, 0),
        toy_encode(TOY_OP_EXTRACT, 1, 2, 0, 60 | 8 << 8),
        toy_encode(TOY_OP_SETC, 1, 2, 3, IR_COND_COUNT),
        toy_encode(TOY_OP_BCC, IR_COND_COUNT, 1, 2, 8),
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        ToyAsm a;
        ToyMachine *m;
        uint64_t at;

        toy_asm_init(&a, RAM_BASE);
        toy_movi(&a, 1, 11);
        toy_movi(&a, 2, 22);
        at = toy_asm_pc(&a);
        toy_emit(&a, bad[i]);
        toy_movi(&a, 1, 33);
        toy_hlt(&a);
        m = run_asm(&a, TOY_EXCP_UNDEF);
        assert_int_equal(toy_env(m)->pc, at);
        assert_int_equal(reg(m, 1), 11);
        assert_int_equal(reg(m, 2), 22);
        /* Raising again from the same pc: the TB is cached now. */
        assert_int_equal(toy_machine_run(m), TOY_EXCP_UNDEF);
        assert_int_equal(toy_env(m)->pc, at);
        /* Skip it and carry on. */
        toy_env(m)->pc += 8;
        assert_int_equal(toy_machine_run(m), EXCP_HLT);
        assert_int_equal(reg(m, 1), 33);
        toy_machine_free(m);
        toy_asm_free(&a);
    }
}

/*
 * A load from an unmapped address in the middle of a TB: pc is the load,
 * registers written earlier in the TB are visible, later ones are not.
 */
static void test_bus_fault(void **state)
{
    static const struct {
        bool store;
        uint64_t addr;
    } cases[] = {
        { false, 0x4000 },                       /* below RAM */
        { false, RAM_BASE + RAM_SIZE },          /* just above */
        { false, RAM_BASE + RAM_SIZE - 4 },      /* straddles the end */
        { true, 0xdead0000 },
        { true, RAM_BASE + RAM_SIZE - 1 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        ToyAsm a;
        ToyMachine *m;
        uint64_t at;

        toy_asm_init(&a, RAM_BASE);
        toy_li(&a, 5, cases[i].addr);
        toy_movi(&a, 1, 100);
        toy_addi(&a, 1, 1, 23);  /* 123, still a temp in the same TB */
        toy_movi(&a, 2, 456);
        toy_mul(&a, 6, 1, 2);
        at = toy_asm_pc(&a);
        if (cases[i].store) {
            toy_st(&a, MO_64, 2, 5, 0);
        } else {
            toy_ld(&a, MO_64, 3, 5, 0);
        }
        toy_movi(&a, 1, 999);
        toy_movi(&a, 4, 1);
        toy_hlt(&a);
        m = run_asm(&a, TOY_EXCP_BUS);
        assert_int_equal(toy_env(m)->pc, at);
        assert_int_equal(toy_env(m)->fault_addr, cases[i].addr);
        assert_int_equal(reg(m, 1), 123);
        assert_int_equal(reg(m, 2), 456);
        assert_int_equal(reg(m, 6), 123 * 456);
        assert_int_equal(reg(m, 3), 0);
        assert_int_equal(reg(m, 4), 0);
        /* Point the access at RAM and resume at the faulting insn. */
        toy_env(m)->regs[5] = DATA;
        assert_int_equal(toy_machine_run(m), EXCP_HLT);
        assert_int_equal(reg(m, 1), 999);
        assert_int_equal(reg(m, 4), 1);
        toy_machine_free(m);
        toy_asm_free(&a);
    }
}

/* Jumping outside RAM or to a misaligned pc: fetch fault at the target. */
static void test_fetch_fault(void **state)
{
    static const uint64_t targets[] = {
        0x100, RAM_BASE + RAM_SIZE, RAM_BASE + 4,
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(targets); i++) {
        ToyAsm a;
        ToyMachine *m;

        toy_asm_init(&a, RAM_BASE);
        toy_movi(&a, 1, 7);
        toy_li(&a, 2, targets[i]);
        toy_jr(&a, 2, 0);
        m = run_asm(&a, TOY_EXCP_BUS);
        assert_int_equal(toy_env(m)->pc, targets[i]);
        assert_int_equal(toy_env(m)->fault_addr, targets[i]);
        assert_int_equal(reg(m, 1), 7);
        toy_machine_free(m);
        toy_asm_free(&a);
    }
}

static void test_ecall_out(void **state)
{
    ToyAsm a;
    ToyMachine *m;
    uint64_t after;

    toy_asm_init(&a, RAM_BASE);
    toy_movi(&a, 1, 5);
    toy_out(&a, 1);
    toy_addi(&a, 1, 1, 1);
    toy_out(&a, 1);
    toy_ecall(&a, 42);
    after = toy_asm_pc(&a);
    toy_li(&a, 2, 0xabcdef0123ull);
    toy_out(&a, 2);
    toy_hlt(&a);
    m = run_asm(&a, TOY_EXCP_ECALL);
    assert_int_equal(toy_env(m)->pc, after);
    assert_int_equal(toy_env(m)->ecall_num, 42);
    assert_int_equal(m->out->len, 2);
    assert_int_equal(toy_machine_run(m), EXCP_HLT);
    assert_int_equal(m->out->len, 3);
    assert_int_equal(g_array_index(m->out, uint64_t, 0), 5);
    assert_int_equal(g_array_index(m->out, uint64_t, 1), 6);
    assert_int_equal(g_array_index(m->out, uint64_t, 2), 0xabcdef0123ull);
    /* hlt left pc after it; running on hits the zeroed RAM: undef. */
    assert_int_equal(toy_machine_run(m), TOY_EXCP_UNDEF);
    assert_int_equal(toy_env(m)->pc, toy_asm_pc(&a));
    toy_machine_free(m);
    toy_asm_free(&a);
}

/* A store that rewrites the next instruction of the same TB. */
static void test_smc_same_tb(void **state)
{
    ToyAsm a;
    ToyMachine *m;
    uint64_t patch_at;

    toy_asm_init(&a, RAM_BASE);
    toy_li(&a, 1, toy_encode(TOY_OP_MOVI, 3, 0, 0, 2222));
    patch_at = toy_asm_pc(&a) + 3 * 8;
    toy_li(&a, 2, patch_at);
    toy_movi(&a, 4, 1);
    toy_st(&a, MO_64, 1, 2, 0);
    toy_movi(&a, 3, 1111);       /* overwritten by the store above */
    toy_movi(&a, 5, 1);
    toy_hlt(&a);
    g_assert(toy_asm_pc(&a) - 24 == patch_at);
    m = run_asm(&a, EXCP_HLT);
    assert_int_equal(reg(m, 3), 2222);
    assert_int_equal(reg(m, 4), 1);
    assert_int_equal(reg(m, 5), 1);
    toy_machine_free(m);
    toy_asm_free(&a);
}

/* ------------------------------------------------------------------ */

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sum_loop),
    cmocka_unit_test(test_fibonacci),
    cmocka_unit_test(test_memcpy_memset),
    cmocka_unit_test(test_crc32),
    cmocka_unit_test(test_nested_branches),
    cmocka_unit_test(test_indirect),
    cmocka_unit_test(test_alu_binary),
    cmocka_unit_test(test_alu_alias),
    cmocka_unit_test(test_alu_unary),
    cmocka_unit_test(test_conditions),
    cmocka_unit_test(test_fields),
    cmocka_unit_test(test_memops),
    cmocka_unit_test(test_random_programs),
    cmocka_unit_test(test_nochain),
    cmocka_unit_test(test_div_edges),
    cmocka_unit_test(test_undef),
    cmocka_unit_test(test_bus_fault),
    cmocka_unit_test(test_fetch_fault),
    cmocka_unit_test(test_ecall_out),
    cmocka_unit_test(test_smc_same_tb),
    cmocka_unit_test(test_unoptimized), /* last: it toggles optimize */
};

/* Switches backends itself: run once, after the per-backend groups. */
static const struct CMUnitTest cross_tests[] = {
    cmocka_unit_test(test_fuzz_differential),
};

int main(void)
{
    static const char *const all[] = { "jit", "interp" };
    const char *only = getenv("KESTREL_TEST_BACKEND");
    int failed = 0;

    init_vals();
    for (unsigned i = 0; i < G_N_ELEMENTS(all); i++) {
        g_autoptr(GError) err = NULL;
        char name[64];

        if (only && strcmp(only, all[i]) != 0) {
            continue;
        }
        if (!toy_tcg_init(all[i], 0, &err)) {
            fprintf(stderr, "tcg_init(%s): %s\n", all[i], err->message);
            return 1;
        }
        cur_backend = all[i];
        tcg_ir_context()->optimize = true;
        snprintf(name, sizeof(name), "exec/%s", all[i]);
        failed += _cmocka_run_group_tests(name, tests, G_N_ELEMENTS(tests),
                                          NULL, NULL);
    }
    if (!only) {
        failed += cmocka_run_group_tests_name("exec/jit-vs-interp",
                                              cross_tests, NULL, NULL);
    }
    return failed ? 1 : 0;
}

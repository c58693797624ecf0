/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcg-bench: how fast the translator translates and how fast the code it
 * makes runs, on each backend, with toy guest programs.
 *
 *     tcg-bench [-b jit|interp|both] [-n iterations]
 *
 * Translation: 16k TBs of 8 instructions (mixed ALU, memory, a branch),
 * translated through tb_gen_code after a flush, -n times: guest
 * instructions translated per second and host bytes per guest insn.
 * Execution: a few kernels (arithmetic loop, memory loop, branchy
 * Collatz, direct and indirect calls, bitwise CRC-32) timed end to end,
 * guest instructions per second from each kernel's known instruction
 * count; -n scales their trip counts.  With both backends, the last
 * column is the JIT-over-interpreter speed-up, and results are checked
 * to agree.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toy.h"

#define RAM_BASE TOY_DEFAULT_RAM_BASE
#define RAM_SIZE (8ull << 20)
#define DATA (RAM_BASE + 0x400000)

/* ------------------------------------------------------------------ */
/* Kernels                                                             */

typedef struct Kernel {
    const char *name;
    void (*emit)(ToyAsm *a);
    /* Guest instructions executed for trip count n. */
    uint64_t (*insns)(uint64_t n);
    uint64_t trips;            /* for -n 1 */
} Kernel;

/* r9 = trip count on entry; results in r7. */
static void k_alu(ToyAsm *a)
{
    int loop = toy_label_new(a);

    toy_movi(a, 1, 1);
    toy_movi(a, 2, 3);
    toy_bind(a, loop);
    toy_add(a, 1, 1, 2);
    toy_xor(a, 3, 3, 1);
    toy_shli(a, 4, 3, 3);
    toy_sub(a, 2, 2, 4);
    toy_mul(a, 5, 1, 3);
    toy_rotli(a, 6, 5, 13);
    toy_add(a, 7, 7, 6);
    toy_subi(a, 9, 9, 1);
    toy_bne(a, 9, 0, loop);
    toy_hlt(a);
}

static uint64_t k_alu_insns(uint64_t n)
{
    return 2 + 9 * n + 1;
}

/* n passes of read-modify-write over 64 KiB. */
static void k_mem(ToyAsm *a)
{
    int outer = toy_label_new(a), inner = toy_label_new(a);

    toy_li(a, 8, DATA);
    toy_li(a, 2, DATA + 65536);
    toy_bind(a, outer);
    toy_mov(a, 1, 8);
    toy_bind(a, inner);
    toy_ld(a, MO_64, 4, 1, 0);
    toy_add(a, 7, 7, 4);
    toy_st(a, MO_64, 7, 1, 0);
    toy_addi(a, 1, 1, 8);
    toy_bltu(a, 1, 2, inner);
    toy_subi(a, 9, 9, 1);
    toy_bne(a, 9, 0, outer);
    toy_hlt(a);
}

static uint64_t k_mem_insns(uint64_t n)
{
    return 2 + n * (1 + 8192 * 5 + 2) + 1;
}

/* Collatz steps of 1..n: r7 = total steps. */
static void k_collatz(ToyAsm *a)
{
    int outer = toy_label_new(a), step = toy_label_new(a);
    int even = toy_label_new(a), done = toy_label_new(a);

    toy_movi(a, 10, 1);
    toy_movi(a, 1, 1);
    toy_bind(a, outer);
    toy_mov(a, 2, 1);
    toy_bind(a, step);
    toy_beq(a, 2, 10, done);
    toy_addi(a, 7, 7, 1);
    toy_andi(a, 3, 2, 1);
    toy_beq(a, 3, 0, even);
    toy_muli(a, 2, 2, 3);
    toy_addi(a, 2, 2, 1);
    toy_jmp(a, step);
    toy_bind(a, even);
    toy_shri(a, 2, 2, 1);
    toy_jmp(a, step);
    toy_bind(a, done);
    toy_addi(a, 1, 1, 1);
    toy_bgeu(a, 9, 1, outer);
    toy_hlt(a);
}

static uint64_t k_collatz_insns(uint64_t n)
{
    uint64_t total = 2 + 1;

    for (uint64_t i = 1; i <= n; i++) {
        uint64_t x = i;

        total += 1 + 1 + 2;     /* mov, final beq, addi bgeu */
        while (x != 1) {
            if (x & 1) {
                total += 7;
                x = 3 * x + 1;
            } else {
                total += 6;
                x >>= 1;
            }
        }
    }
    return total;
}

/* A direct call and an indirect call per trip. */
static void k_calls(ToyAsm *a)
{
    int loop = toy_label_new(a), f = toy_label_new(a);
    int g = toy_label_new(a), end = toy_label_new(a);

    toy_la(a, 8, g);
    toy_bind(a, loop);
    toy_call(a, f);
    toy_jalr(a, TOY_LR, 8, 0);
    toy_subi(a, 9, 9, 1);
    toy_bne(a, 9, 0, loop);
    toy_jmp(a, end);
    toy_bind(a, f);
    toy_addi(a, 1, 1, 1);
    toy_ret(a);
    toy_bind(a, g);
    toy_xor(a, 7, 7, 1);
    toy_ret(a);
    toy_bind(a, end);
    toy_hlt(a);
}

static uint64_t k_calls_insns(uint64_t n)
{
    return 2 + 8 * n + 2;
}

/* Bitwise CRC-32 over n bytes of (zeroed, then running) memory. */
static void k_crc(ToyAsm *a)
{
    int byte = toy_label_new(a), bit = toy_label_new(a);

    toy_li(a, 1, DATA);
    toy_add(a, 2, 1, 9);
    toy_li(a, 7, 0xffffffff);
    toy_li(a, 10, 0xedb88320);
    toy_bind(a, byte);
    toy_ld(a, MO_UB, 4, 1, 0);
    toy_xorw(a, 7, 7, 4);
    toy_movi(a, 5, 8);
    toy_bind(a, bit);
    toy_andiw(a, 6, 7, 1);
    toy_negw(a, 6, 6);
    toy_andw(a, 6, 6, 10);
    toy_shriw(a, 7, 7, 1);
    toy_xorw(a, 7, 7, 6);
    toy_subi(a, 5, 5, 1);
    toy_bne(a, 5, 0, bit);
    toy_addi(a, 1, 1, 1);
    toy_bltu(a, 1, 2, byte);
    toy_hlt(a);
}

static uint64_t k_crc_insns(uint64_t n)
{
    return 4 + n * (3 + 8 * 7 + 2) + 1;
}

static const Kernel kernels[] = {
    { "alu loop", k_alu, k_alu_insns, 20000000 },
    { "memory loop", k_mem, k_mem_insns, 200 },
    { "branchy (collatz)", k_collatz, k_collatz_insns, 300000 },
    { "calls (direct+indirect)", k_calls, k_calls_insns, 3000000 },
    { "crc32 bitwise", k_crc, k_crc_insns, 1000000 },
};
#define NB_KERNELS G_N_ELEMENTS(kernels)

/* ------------------------------------------------------------------ */
/* Measurements                                                        */

typedef struct BackendResult {
    double tr_insns_per_s;
    double tr_bytes_per_insn;
    double tr_us_per_tb;
    double exec_s[NB_KERNELS];
    double exec_mips[NB_KERNELS];
    uint64_t result[NB_KERNELS];
} BackendResult;

#define TR_TBS 16384
#define TR_TB_INSNS 8

/* 16k blocks of 7 mixed insns and a never-taken branch to the next. */
static void emit_translation_corpus(ToyAsm *a)
{
    for (unsigned b = 0; b < TR_TBS; b++) {
        unsigned k = b * 7;

        toy_emit_raw(a, TOY_OPC_BIN + k % TOY_BIN_COUNT, 1 + k % 7,
                     2 + k % 5, 3 + k % 11, 0);
        toy_emit_raw(a, TOY_OPC_BINI + (k + 3) % TOY_BIN_COUNT, 4, 1, 0,
                     (int32_t)(k * 2654435761u));
        toy_ld(a, MO_64, 5, 8, (int32_t)(b % 512) * 8);
        toy_emit_raw(a, TOY_OPC_BINW + (k + 5) % TOY_BIN_COUNT, 6, 5, 4, 0);
        toy_st(a, MO_32, 6, 8, (int32_t)(b % 512) * 8);
        toy_emit_raw(a, TOY_OPC_UN + k % TOY_UN_COUNT, 7, 6, 0, 0);
        toy_setc(a, IR_COND_LTU, 9, 7, 1);
        toy_emit_raw(a, TOY_OP_BCC, IR_COND_NE, 9, 9, 8);
    }
}

static void bench_translation(BackendResult *r, unsigned iters)
{
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    const TBCacheStats *st = tcg_stats();
    uint64_t insns = 0, bytes = 0, tbs = 0;
    double secs = 0;
    ToyAsm a;

    toy_asm_init(&a, RAM_BASE);
    emit_translation_corpus(&a);
    toy_asm_load(&a, m);
    /* One untimed pass: the first touch of the code buffer faults. */
    for (unsigned it = 0; it <= iters; it++) {
        TBCacheStats before;
        gint64 t0;

        tb_flush();
        if (it == 0) {
            for (unsigned b = 0; b < TR_TBS; b++) {
                tb_gen_code(toy_cpu_state(m),
                            RAM_BASE + b * TR_TB_INSNS * 8, 0, 0, 0);
            }
            continue;
        }
        before = *st;
        t0 = g_get_monotonic_time();
        for (unsigned b = 0; b < TR_TBS; b++) {
            tb_gen_code(toy_cpu_state(m), RAM_BASE + b * TR_TB_INSNS * 8,
                        0, 0, 0);
        }
        secs += (g_get_monotonic_time() - t0) / 1e6;
        insns += st->guest_insns - before.guest_insns;
        bytes += st->code_bytes - before.code_bytes;
        tbs += st->translations - before.translations;
    }
    r->tr_insns_per_s = insns / secs;
    r->tr_bytes_per_insn = (double)bytes / insns;
    r->tr_us_per_tb = secs * 1e6 / tbs;
    toy_machine_free(m);
    toy_asm_free(&a);
}

static void bench_kernel(BackendResult *r, unsigned k, unsigned iters)
{
    const Kernel *kn = &kernels[k];
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    uint64_t n = kn->trips * iters;
    gint64 t0;
    ToyAsm a;
    int ret;

    toy_asm_init(&a, RAM_BASE);
    kn->emit(&a);
    toy_asm_load(&a, m);
    toy_env(m)->regs[9] = n;
    t0 = g_get_monotonic_time();
    ret = toy_machine_run(m);
    r->exec_s[k] = (g_get_monotonic_time() - t0) / 1e6;
    if (ret != EXCP_HLT) {
        fprintf(stderr, "tcg-bench: %s stopped with exception %d at pc "
                "0x%" PRIx64 "\n", kn->name, ret, toy_env(m)->pc);
        exit(2);
    }
    r->exec_mips[k] = kn->insns(n) / r->exec_s[k] / 1e6;
    r->result[k] = toy_env(m)->regs[7];
    toy_machine_free(m);
    toy_asm_free(&a);
}

static void run_backend(const char *name, BackendResult *r, unsigned iters)
{
    g_autoptr(GError) err = NULL;

    if (!toy_tcg_init(name, 0, &err)) {
        fprintf(stderr, "tcg-bench: %s\n", err->message);
        exit(1);
    }
    bench_translation(r, iters);
    for (unsigned k = 0; k < NB_KERNELS; k++) {
        bench_kernel(r, k, iters);
    }
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f, "Usage: tcg-bench [-b jit|interp|both] [-n iterations]\n");
}

int main(int argc, char **argv)
{
    static const char *const names[] = { "jit", "interp" };
    BackendResult res[2];
    bool use[2] = { true, true };
    unsigned iters = 1;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "-b") && i + 1 < argc) {
            const char *b = argv[++i];

            use[0] = !strcmp(b, "jit") || !strcmp(b, "both");
            use[1] = !strcmp(b, "interp") || !strcmp(b, "both");
            if (!use[0] && !use[1]) {
                fprintf(stderr, "tcg-bench: -b: unknown backend '%s'\n", b);
                return 1;
            }
        } else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);

            if (*end || v < 1 || v > 1000) {
                fprintf(stderr, "tcg-bench: -n: invalid count '%s'\n",
                        argv[i]);
                return 1;
            }
            iters = (unsigned)v;
        } else {
            fprintf(stderr, "tcg-bench: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 1;
        }
    }

    for (int b = 0; b < 2; b++) {
        if (use[b]) {
            run_backend(names[b], &res[b], iters);
        }
    }

    printf("translation (%d TBs x %d insns, x%u):\n", TR_TBS, TR_TB_INSNS,
           iters);
    printf("  %-8s %16s %14s %14s\n", "backend", "guest insns/s",
           "host B/insn", "us per TB");
    for (int b = 0; b < 2; b++) {
        if (use[b]) {
            printf("  %-8s %16.0f %14.1f %14.2f\n", names[b],
                   res[b].tr_insns_per_s, res[b].tr_bytes_per_insn,
                   res[b].tr_us_per_tb);
        }
    }

    printf("\nexecution (x%u):\n", iters);
    printf("  %-24s", "kernel");
    for (int b = 0; b < 2; b++) {
        if (use[b]) {
            printf(" %10s-ms %8s-MIPS", names[b], names[b]);
        }
    }
    if (use[0] && use[1]) {
        printf(" %8s", "jit/int");
    }
    printf("\n");
    for (unsigned k = 0; k < NB_KERNELS; k++) {
        printf("  %-24s", kernels[k].name);
        for (int b = 0; b < 2; b++) {
            if (use[b]) {
                printf(" %13.1f %13.1f", res[b].exec_s[k] * 1e3,
                       res[b].exec_mips[k]);
            }
        }
        if (use[0] && use[1]) {
            printf(" %7.1fx", res[1].exec_s[k] / res[0].exec_s[k]);
            if (res[0].result[k] != res[1].result[k]) {
                printf("  RESULTS DIFFER (0x%" PRIx64 " vs 0x%" PRIx64 ")",
                       res[0].result[k], res[1].result[k]);
            }
        }
        printf("\n");
    }
    return 0;
}

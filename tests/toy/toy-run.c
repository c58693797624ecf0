/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-toy: the `make run` demo until a real board boots.  Runs a
 * built-in toy guest program through the translator (JIT by default) and
 * prints what it computed, checked against the same computation done on
 * the host, then the TB cache statistics:
 *
 *   1. a sieve of Eratosthenes (primes below 100000),
 *   2. CRC-32 of 256 KiB of guest-generated pseudo-random bytes,
 *   3. self-modifying code: a routine rewritten in place five times.
 *
 *     kestrel-toy [-accel tcg,backend=interp,tb-size=N] [-d op,out_asm]
 *                 [-D logfile]
 *
 * Exit status: 0 if every result matched, 1 on a bad option or a
 * mismatch, 2 if the guest stopped unexpectedly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kestrel/log.h"
#include "toy.h"

#define RAM_BASE TOY_DEFAULT_RAM_BASE
#define RAM_SIZE (4ull << 20)
#define SIEVE_N 100000
#define SIEVE_FLAGS (RAM_BASE + 0x100000)
#define CRC_BUF (RAM_BASE + 0x200000)
#define CRC_LEN (256 * 1024)
#define SMC_AT (RAM_BASE + 0x3000)

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: kestrel-toy [options]\n"
            "Run the built-in toy guest demo (sieve, CRC-32, "
            "self-modifying code).\n\n"
            "  -accel tcg[,backend=jit|interp][,tb-size=MiB]\n"
            "                 translator backend and code buffer size\n"
            "  -d item,...    log items (-d help lists them)\n"
            "  -D file        write the log to file instead of stderr\n"
            "  -h, -help      print this help\n");
}

/* ------------------------------------------------------------------ */
/* The guest program                                                   */

/* Sieve: out(count), out(largest), out(sum). */
static void emit_sieve(ToyAsm *a)
{
    int outer = toy_label_new(a), inner = toy_label_new(a);
    int next = toy_label_new(a), count = toy_label_new(a);
    int loop = toy_label_new(a), skip = toy_label_new(a);

    toy_li(a, 8, SIEVE_FLAGS);
    toy_li(a, 9, SIEVE_N);
    toy_movi(a, 10, 1);
    toy_movi(a, 1, 2);
    toy_bind(a, outer);
    toy_mul(a, 4, 1, 1);
    toy_bltu(a, 9, 4, count);
    toy_add(a, 2, 8, 1);
    toy_ld(a, MO_UB, 3, 2, 0);
    toy_bne(a, 3, 0, next);
    toy_bind(a, inner);
    toy_bltu(a, 9, 4, next);
    toy_add(a, 2, 8, 4);
    toy_st(a, MO_8, 10, 2, 0);
    toy_add(a, 4, 4, 1);
    toy_jmp(a, inner);
    toy_bind(a, next);
    toy_addi(a, 1, 1, 1);
    toy_jmp(a, outer);

    toy_bind(a, count);
    toy_movi(a, 1, 2);
    toy_movi(a, 5, 0);
    toy_movi(a, 6, 0);
    toy_movi(a, 7, 0);
    toy_bind(a, loop);
    toy_add(a, 2, 8, 1);
    toy_ld(a, MO_UB, 3, 2, 0);
    toy_bne(a, 3, 0, skip);
    toy_addi(a, 5, 5, 1);
    toy_mov(a, 6, 1);
    toy_add(a, 7, 7, 1);
    toy_bind(a, skip);
    toy_addi(a, 1, 1, 1);
    toy_bgeu(a, 9, 1, loop);
    toy_out(a, 5);
    toy_out(a, 6);
    toy_out(a, 7);
}

/* xorshift64 bytes into CRC_BUF, then bitwise CRC-32: out(crc). */
static void emit_crc(ToyAsm *a)
{
    int gen = toy_label_new(a), byte = toy_label_new(a);
    int bit = toy_label_new(a);

    toy_li(a, 1, CRC_BUF);
    toy_li(a, 2, CRC_BUF + CRC_LEN);
    toy_li(a, 3, 0x2545f4914f6cdd1dull);
    toy_bind(a, gen);
    toy_shli(a, 4, 3, 13);
    toy_xor(a, 3, 3, 4);
    toy_shri(a, 4, 3, 7);
    toy_xor(a, 3, 3, 4);
    toy_shli(a, 4, 3, 17);
    toy_xor(a, 3, 3, 4);
    toy_st(a, MO_64, 3, 1, 0);
    toy_addi(a, 1, 1, 8);
    toy_bltu(a, 1, 2, gen);

    toy_li(a, 1, CRC_BUF);
    toy_li(a, 3, 0xffffffff);
    toy_li(a, 9, 0xedb88320);
    toy_bind(a, byte);
    toy_ld(a, MO_UB, 4, 1, 0);
    toy_xorw(a, 3, 3, 4);
    toy_movi(a, 5, 8);
    toy_bind(a, bit);
    toy_andiw(a, 6, 3, 1);
    toy_negw(a, 6, 6);
    toy_andw(a, 6, 6, 9);
    toy_shriw(a, 3, 3, 1);
    toy_xorw(a, 3, 3, 6);
    toy_subi(a, 5, 5, 1);
    toy_bne(a, 5, 0, bit);
    toy_addi(a, 1, 1, 1);
    toy_bltu(a, 1, 2, byte);
    toy_notw(a, 3, 3);
    toy_out(a, 3);
}

/*
 * For k = 2..6: write "muli r3, r3, k; jr r15" at SMC_AT and call it;
 * out(r3) after each call.
 */
static void emit_smc(ToyAsm *a)
{
    int loop = toy_label_new(a);

    toy_li(a, 9, SMC_AT);
    toy_li(a, 11, toy_encode(TOY_OPC_BINI + TOY_BIN_mul, 3, 3, 0, 0));
    toy_li(a, 12, toy_encode(TOY_OP_JR, 0, TOY_LR, 0, 0));
    toy_st(a, MO_64, 12, 9, 8);
    toy_movi(a, 3, 1);
    toy_movi(a, 2, 2);
    toy_movi(a, 6, 6);
    toy_bind(a, loop);
    toy_shli(a, 5, 2, 32);
    toy_or(a, 5, 5, 11);
    toy_st(a, MO_64, 5, 9, 0);
    toy_jalr(a, TOY_LR, 9, 0);
    toy_out(a, 3);
    toy_addi(a, 2, 2, 1);
    toy_bgeu(a, 6, 2, loop);
}

/* ------------------------------------------------------------------ */
/* The same on the host                                                */

static void host_sieve(uint64_t *count, uint64_t *largest, uint64_t *sum)
{
    uint8_t *composite = g_malloc0(SIEVE_N + 1);

    *count = *largest = *sum = 0;
    for (uint64_t i = 2; i * i <= SIEVE_N; i++) {
        for (uint64_t j = i * i; !composite[i] && j <= SIEVE_N; j += i) {
            composite[j] = 1;
        }
    }
    for (uint64_t i = 2; i <= SIEVE_N; i++) {
        if (!composite[i]) {
            (*count)++;
            *largest = i;
            *sum += i;
        }
    }
    g_free(composite);
}

static uint32_t host_crc(void)
{
    uint64_t x = 0x2545f4914f6cdd1dull;
    uint32_t crc = 0xffffffff;

    for (unsigned i = 0; i < CRC_LEN / 8; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        for (int b = 0; b < 8; b++) {
            crc ^= (uint8_t)(x >> (8 * b));
            for (int k = 0; k < 8; k++) {
                crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
            }
        }
    }
    return ~crc;
}

/* ------------------------------------------------------------------ */

static bool report(const char *what, uint64_t got, uint64_t want)
{
    printf("  %-34s %12" PRIu64 "  %s\n", what, got,
           got == want ? "ok" : "MISMATCH");
    if (got != want) {
        printf("  %-34s %12" PRIu64 "  (expected)\n", "", want);
    }
    return got == want;
}

static bool parse_args(int argc, char **argv, TCGOptions *opts)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
        g_autoptr(GError) err = NULL;

        if (!strcmp(opt, "-h") || !strcmp(opt, "-help") ||
            !strcmp(opt, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(opt, "-accel") && strcmp(opt, "-d") && strcmp(opt, "-D")) {
            fprintf(stderr, "kestrel-toy: unknown option '%s'\n", opt);
            return false;
        }
        if (!arg) {
            fprintf(stderr, "kestrel-toy: option '%s' needs an argument\n",
                    opt);
            return false;
        }
        i++;
        if (!strcmp(opt, "-accel")) {
            if (!tcg_parse_accel_opts(arg, opts, &err)) {
                fprintf(stderr, "kestrel-toy: %s\n", err->message);
                return false;
            }
        } else if (!strcmp(opt, "-d")) {
            int mask;

            if (!strcmp(arg, "help")) {
                log_print_help(stdout);
                exit(0);
            }
            mask = log_parse_items(arg, &err);
            if (mask < 0) {
                fprintf(stderr, "kestrel-toy: -d: %s\n", err->message);
                return false;
            }
            kestrel_log_mask = mask;
        } else if (!log_set_file(arg, &err)) {
            fprintf(stderr, "kestrel-toy: -D: %s\n", err->message);
            return false;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    TCGOptions opts = { 0 };
    g_autoptr(GError) err = NULL;
    uint64_t count, largest, sum, fact = 1;
    ToyMachine *m;
    ToyAsm a;
    gint64 t0, t1;
    bool ok = true;
    int r;

    if (!parse_args(argc, argv, &opts)) {
        return 1;
    }
    if (!tcg_init(&opts, &err)) {
        fprintf(stderr, "kestrel-toy: -accel: %s\n", err->message);
        return 1;
    }
    toy_tcg_setup();

    m = toy_machine_new(RAM_BASE, RAM_SIZE);
    toy_asm_init(&a, RAM_BASE);
    emit_sieve(&a);
    emit_crc(&a);
    emit_smc(&a);
    toy_hlt(&a);
    g_assert(toy_asm_pc(&a) <= SMC_AT);
    toy_asm_load(&a, m);

    printf("kestrel-toy: %zu-instruction toy program, %s backend\n",
           toy_asm_len(&a) / TOY_INSN_SIZE, tcg_backend_name());
    t0 = g_get_monotonic_time();
    r = toy_machine_run(m);
    t1 = g_get_monotonic_time();
    if (r != EXCP_HLT || m->out->len != 9) {
        fprintf(stderr, "kestrel-toy: guest stopped with exception %d at "
                "pc 0x%" PRIx64 " after %u results\n", r, toy_env(m)->pc,
                m->out->len);
        return 2;
    }

    host_sieve(&count, &largest, &sum);
    printf("\nsieve of Eratosthenes up to %d:\n", SIEVE_N);
    ok &= report("primes", g_array_index(m->out, uint64_t, 0), count);
    ok &= report("largest prime", g_array_index(m->out, uint64_t, 1),
                 largest);
    ok &= report("sum of primes", g_array_index(m->out, uint64_t, 2), sum);
    printf("\nCRC-32 of %d KiB of xorshift64 bytes:\n", CRC_LEN / 1024);
    printf("  %-34s   0x%08" PRIx64 "  %s\n", "crc32",
           g_array_index(m->out, uint64_t, 3),
           g_array_index(m->out, uint64_t, 3) == host_crc() ? "ok"
                                                            : "MISMATCH");
    ok &= g_array_index(m->out, uint64_t, 3) == host_crc();
    printf("\nself-modifying code (muli r3, r3, k rewritten at 0x%llx):\n",
           (unsigned long long)SMC_AT);
    for (unsigned k = 2; k <= 6; k++) {
        char what[40];

        fact *= k;
        snprintf(what, sizeof(what), "after k = %u (%u!)", k, k);
        ok &= report(what, g_array_index(m->out, uint64_t, 2 + k), fact);
    }
    printf("  %-34s %12" PRIu64 "\n", "stores into code pages",
           m->smc_stores);

    printf("\nran in %.1f ms\n", (t1 - t0) / 1000.0);
    tcg_print_stats(stdout);
    toy_machine_free(m);
    toy_asm_free(&a);
    if (!ok) {
        printf("kestrel-toy: results do not match the host\n");
        return 1;
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AArch64 Advanced SIMD floating point on the real translator and both
 * backends:
 *
 *  - reference cases (test-a64-simd-fp-cases.h, generated from
 *    qemu-aarch64-static by a64-vec-ref.py from a64_vec_cases_simd_fp.py):
 *    every vector and scalar SIMD FP instruction over ordinary and special
 *    operands (NaNs, infinities, denormals, ties, integer limits), under
 *    several FPCR settings (rounding modes, FZ, DN, AHP), with the FPSR of
 *    each instruction checked separately;
 *  - unallocated and half-precision encodings raise UDEF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "a64-vec-harness.h"
#include "test-a64-simd-fp-cases.h"

static void test_reference_cases(void **state)
{
    assert_int_equal(vh_run_cases(a64_vec_cases, G_N_ELEMENTS(a64_vec_cases),
                                  a64_vec_default), 0);
}

static void test_reference_undef(void **state)
{
    assert_int_equal(vh_check_undef(a64_vec_undef, a64_vec_nundef), 0);
}

static void test_unallocated(void **state)
{
    ARMCPU *cpu = vh_new_cpu();
    static const uint32_t bad[] = {
        0x0e62d420, /* fadd v0.1d: double needs Q = 1 */
        0x4e421420, /* fadd v0.8h (FEAT_FP16) */
        0x4ea2dc20, /* three same U = 0, a = 1, opcode 11011 */
        0x6e70f820, /* fmaxv with sz = 1 */
        0x2e30f820, /* fmaxv v0.2s (Q = 0) */
        0x0e30c820, /* fmaxnmv h0, v1.4h (FEAT_FP16) */
        0x5e30d820, /* faddp h0, v1.2h (FEAT_FP16) */
        0x0fc21820, /* fmla v0.1d, v1.1d, v2.d[1] */
        0x4fe21820, /* fmla .2d by element with L = 1 */
        0x4f021020, /* fmla v0.8h, v1.8h, v2.h[0] (FEAT_FP16) */
        0x0ef9b820, /* fcvtzs v0.4h, v1.4h (FEAT_FP16) */
        0x2e216820, /* fcvtxn with sz = 0 */
        0x0f10e420, /* scvtf v0.4h, v1.4h, #16 (FEAT_FP16) */
        0x0f70e420, /* scvtf v0.1d, v1.1d, #16 */
        0x4f08e420, /* scvtf with immh = 0001 */
        0x2ee1f820, /* fsqrt v0.1d */
        0x4ea1f820, /* frecpx has no vector form */
        0x0ee1c820, /* urecpe with sz = 1 */
    };
    static const uint32_t good[] = {
        0x0ea1c820, /* urecpe v0.2s, v1.2s */
        0x2ea1f820, /* fsqrt v0.2s, v1.2s */
        0x6e30f820, /* fmaxv s0, v1.4s */
        0x4fc21820, /* fmla v0.2d, v1.2d, v2.d[1] */
        0x2e616820, /* fcvtxn v0.2s, v1.2d */
        0x4f70e420, /* scvtf v0.2d, v1.2d, #16 */
        0x5ea1f820, /* frecpx s0, s1 */
    };

    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        assert_int_equal(vh_run(cpu, &good[i], 1), EXCP_SWI);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        if (vh_run(cpu, &bad[i], 1) != EXCP_UDEF) {
            print_error("0x%08x did not raise UDEF\n", bad[i]);
            fail();
        }
        assert_int_equal(cpu->env.pc, VH_CODE_BASE);
    }
    aarch64_cpu_free(cpu);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_cases),
        cmocka_unit_test(test_reference_undef),
        cmocka_unit_test(test_unallocated),
    };

    return vh_main(argc, argv, "a64-simd-fp", tests, G_N_ELEMENTS(tests));
}

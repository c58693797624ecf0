/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AArch64 CPU models, creation, and the CPUArchOps the exec loop calls.
 *
 * Models differ only in their identification (MIDR) and in the optional
 * v8.x features the translator checks (ARMCPUModel); ID registers and the
 * Linux hwcaps are derived from the same feature bits, so a program never
 * sees a feature advertised that would UDEF.
 *
 * User mode: EL0 only, no MMU (guest memory is IR_MEM_DIRECT, host address
 * = guest_base + guest address), TB flags are always 0.
 */
#include <inttypes.h>
#include <string.h>

#include "kestrel/tb.h"
#include "a64-gdb.h"
#include "cpu-internal.h"
#include "translate.h"

/*
 * FP/SIMD features advertised (hwcap, ID_AA64ISAR0/PFR0).  Flip each one
 * here when translate-simd.c / translate-fp.c implement it: a feature
 * advertised but missing makes programs take SIGILL.
 */
A64OptionalFeatures aarch64_optional_features = {
    .aes = true,
    .pmull = true,
    .sha1 = true,
    .sha2 = true,
    .fp16 = false,
};
IRContext *a64_ir;
__thread uintptr_t aarch64_helper_retaddr;

static const ARMCPUModel a64_models[] = {
    {
        .name = "max",
        .desc = "all features Kestrel implements (ARMv8.1 LSE, CRC32)",
        .midr = 0x410fd083,     /* looks like a Cortex-A72 r0p3 */
        .crc32 = true,
        .lse = true,
    },
    {
        .name = "cortex-a57",
        .desc = "ARM Cortex-A57 (ARMv8.0, CRC32, no crypto)",
        .midr = 0x411fd070,
        .crc32 = true,
    },
    {
        .name = "cortex-a72",
        .desc = "ARM Cortex-A72 (ARMv8.0, CRC32, no crypto)",
        .midr = 0x410fd083,
        .crc32 = true,
    },
};

/* Cache type: 64-byte lines, VIPT I-cache (a Cortex-A57's value). */
#define A64_CTR_EL0 0x8444c004ull
/* DC ZVA blocks of 2^4 words = 64 bytes, allowed. */
#define A64_DCZID_EL0 0x4ull

static const ARMCPUModel *a64_find_model(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(a64_models); i++) {
        if (!strcmp(a64_models[i].name, name)) {
            return &a64_models[i];
        }
    }
    return NULL;
}

void aarch64_cpu_list(FILE *f)
{
    fprintf(f, "Available CPUs:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(a64_models); i++) {
        fprintf(f, "  %-12s %s\n", a64_models[i].name, a64_models[i].desc);
    }
}

/* ------------------------------------------------------------------ */
/* ID registers and hwcaps                                             */

static uint64_t a64_isar0(const ARMCPU *cpu)
{
    const A64OptionalFeatures *o = &aarch64_optional_features;
    uint64_t v = 0;

    if (o->aes) {
        v |= (o->pmull ? 2ull : 1ull) << 4;
    }
    if (o->sha1) {
        v |= 1ull << 8;
    }
    if (o->sha2) {
        v |= 1ull << 12;
    }
    if (cpu->model->crc32) {
        v |= 1ull << 16;
    }
    if (cpu->model->lse) {
        v |= 2ull << 20;
    }
    return v;
}

static uint64_t a64_pfr0(void)
{
    /* EL0: AArch64 only.  FP/AdvSIMD: 0 = implemented, 1 = with FP16. */
    uint64_t v = 1;

    if (aarch64_optional_features.fp16) {
        v |= 1ull << 16 | 1ull << 20;
    }
    return v;
}

bool aarch64_read_id_reg(ARMCPU *cpu, unsigned op0, unsigned op1,
                         unsigned crn, unsigned crm, unsigned op2,
                         uint64_t *val)
{
    /* Linux emulates MRS of the ID space op0=3, op1=0, CRn=0 at EL0. */
    if (op0 != 3 || op1 != 0 || crn != 0) {
        return false;
    }
    *val = 0;
    switch (crm << 3 | op2) {
    case 0 << 3 | 0: /* MIDR_EL1 */
        *val = cpu->model->midr;
        break;
    case 0 << 3 | 5: /* MPIDR_EL1: RES1 bit 31, affinity hidden */
        *val = 0x80000000ull;
        break;
    case 4 << 3 | 0: /* ID_AA64PFR0_EL1 */
        *val = a64_pfr0();
        break;
    case 6 << 3 | 0: /* ID_AA64ISAR0_EL1 */
        *val = a64_isar0(cpu);
        break;
    default:         /* REVIDR, other ID registers: 0 (as Linux) */
        break;
    }
    return true;
}

uint64_t aarch64_ctr_el0(void)
{
    return A64_CTR_EL0;
}

uint64_t aarch64_dczid_el0(void)
{
    return A64_DCZID_EL0;
}

static void a64_set_hwcaps(ARMCPU *cpu)
{
    const A64OptionalFeatures *o = &aarch64_optional_features;
    uint64_t h = ARM_HWCAP_FP | ARM_HWCAP_ASIMD | ARM_HWCAP_CPUID;

    if (cpu->model->crc32) {
        h |= ARM_HWCAP_CRC32;
    }
    if (cpu->model->lse) {
        h |= ARM_HWCAP_ATOMICS;
    }
    /* Optional SIMD features: off until translate-simd.c sets them. */
    if (o->aes) {
        h |= ARM_HWCAP_AES;
    }
    if (o->aes && o->pmull) {
        h |= ARM_HWCAP_PMULL;
    }
    if (o->sha1) {
        h |= ARM_HWCAP_SHA1;
    }
    if (o->sha2) {
        h |= ARM_HWCAP_SHA2;
    }
    if (o->fp16) {
        h |= ARM_HWCAP_FPHP | ARM_HWCAP_ASIMDHP;
    }
    cpu->hwcap = h;
    cpu->hwcap2 = 0;
}

/* ------------------------------------------------------------------ */
/* NZCV                                                                */

uint32_t aarch64_nzcv_read(const CPUARMState *env)
{
    return (env->NF & 0x80000000u) | (env->ZF == 0) << 30 |
           (env->CF != 0) << 29 | (env->VF & 0x80000000u) >> 3;
}

void aarch64_nzcv_write(CPUARMState *env, uint32_t nzcv)
{
    env->NF = nzcv & 0x80000000u;
    env->ZF = !(nzcv & (1u << 30));
    env->CF = (nzcv >> 29) & 1;
    env->VF = (nzcv << 3) & 0x80000000u;
}

/* ------------------------------------------------------------------ */
/* CPUArchOps                                                          */

static ARMCPU *a64_cpu(CPUState *cs)
{
    return (ARMCPU *)cs;
}

static void a64_get_tb_cpu_state(CPUState *cs, uint64_t *pc,
                                 uint64_t *cs_base, uint32_t *flags)
{
    *pc = a64_cpu(cs)->env.pc;
    *cs_base = 0;
    *flags = 0;
}

G_NORETURN static void a64_fetch_fault(CPUState *cs, int excp, uint64_t pc,
                                       uint32_t ec)
{
    CPUARMState *env = &a64_cpu(cs)->env;

    env->exception.syndrome = ec << 26 | 1u << 25;
    env->exception.vaddr = pc;
    env->exception.is_write = false;
    env->pc = pc;
    cs->exception_index = excp;
    cpu_loop_exit(cs);
}

static uint64_t a64_get_code_phys(CPUState *cs, uint64_t pc)
{
    IRContext *s = a64_ir;
    uint32_t insn;

    if (pc & 3) {
        a64_fetch_fault(cs, EXCP_UNALIGNED, pc, EC_PCALIGNMENT);
    }
    if (aarch64_fetch_code) {
        if (!aarch64_fetch_code(cs, pc, &insn)) {
            a64_fetch_fault(cs, EXCP_PREFETCH_ABORT, pc,
                            EC_INSNABORT_SAME_EL);
        }
    } else if (s->mem_mode != IR_MEM_DIRECT) {
        a64_fetch_fault(cs, EXCP_PREFETCH_ABORT, pc, EC_INSNABORT_SAME_EL);
    }
    return pc;
}

static void a64_restore_state(CPUState *cs, TranslationBlock *tb,
                              const uint64_t *data)
{
    a64_cpu(cs)->env.pc = data[0];
}

static void a64_synchronize_from_tb(CPUState *cs, const TranslationBlock *tb)
{
    a64_cpu(cs)->env.pc = tb->pc;
}

static const CPUArchOps a64_cpu_ops = {
    .name = "aarch64",
    .insn_start_words = 1,
    .get_tb_cpu_state = a64_get_tb_cpu_state,
    /* env->tb_flags stays 0 in user mode: the lookup reads it directly. */
    .tb_pc_offset = offsetof(CPUARMState, pc),
    .tb_flags_offset = offsetof(CPUARMState, tb_flags),
    .get_code_phys = a64_get_code_phys,
    .translate = a64_translate,
    .restore_state = a64_restore_state,
    .synchronize_from_tb = a64_synchronize_from_tb,
    .gdb = &a64_gdb_user_ops,
};

/* ------------------------------------------------------------------ */
/* Creation                                                            */

/* User mode never looks at the TLB; point every index at a dead entry. */
static TLBEntry a64_tlb_dummy = {
    .addr_read = ~0ull, .addr_write = ~0ull, .addr_code = ~0ull,
};

ARMCPU *aarch64_cpu_create(const char *model, bool user_only, GError **errp)
{
    const ARMCPUModel *m = a64_find_model(model ? model : "max");
    IRContext *s = tcg_ir_context();
    ARMCPU *cpu;

    if (!m) {
        GString *names = g_string_new(NULL);

        for (size_t i = 0; i < G_N_ELEMENTS(a64_models); i++) {
            g_string_append_printf(names, "%s%s", i ? ", " : "",
                                   a64_models[i].name);
        }
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unknown CPU model '%s' (valid: %s)", model, names->str);
        g_string_free(names, TRUE);
        return NULL;
    }
    a64_ir = s;
    a64_translate_init(s);
    if (user_only) {
        s->mem_mode = IR_MEM_DIRECT;
    }

    cpu = g_new0(ARMCPU, 1);
    cpu->model = m;
    cpu->user_only = user_only;
    cpu_init_common(&cpu->parent, &cpu->neg, &cpu->env, &a64_cpu_ops);
    for (int i = 0; i < IR_NB_MMU_MODES; i++) {
        cpu->neg.tlb[i].mask = 0;
        cpu->neg.tlb[i].table = &a64_tlb_dummy;
    }
    cpu->env.exclusive_addr = ~0ull;
    aarch64_nzcv_write(&cpu->env, 0);
    a64_set_hwcaps(cpu);
    return cpu;
}

void aarch64_cpu_free(ARMCPU *cpu)
{
    if (!cpu) {
        return;
    }
    cpu_destroy_common(&cpu->parent);
    g_free(cpu);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AArch64 CPU, system mode: creation, reset, PSTATE and the banked
 * stack pointers, taking exceptions and interrupts, ERET, WFI, and the
 * CPUArchOps the system-mode exec loop calls.
 *
 * Exceptions.  Generated code and helpers raise a guest exception by
 * setting cs->exception_index (EXCP_* of cpu.h) with the syndrome (ESR
 * layout, "same EL" EC for aborts) and address in env->exception, and
 * unwinding (cpu_loop_exit).  The vCPU loop hands it to do_interrupt,
 * which picks the target EL, fixes the EC for an exception from a lower
 * EL, and enters the vector: VBAR_ELx + {0x000 current EL with SP_EL0,
 * 0x200 current EL with SP_ELx, 0x400 lower EL AArch64} + {0 sync, 0x80
 * IRQ, 0x100 FIQ}.  HVC and SMC reach do_interrupt too: with the PSCI
 * conduit they are PSCI calls (psci.c) and return to the next insn.
 *
 * MMU indexes are the EL (0..3): index 0 is EL0 in the EL1&0 regime,
 * also used by LDTR/STTR at EL1.  Stage 2 aborts (mmu-s2.c) carry
 * exception.target_el = 2, which raises the target EL.  Not emulated:
 * AArch32, SError (and HCR_EL2.VSE), exception routing by HCR_EL2.TGE,
 * E2H, debug exceptions, PAN.  Virtual IRQ and FIQ come from HCR_EL2.VI
 * and VF only (no GICv3 virtual CPU interface).
 */
#include <inttypes.h>
#include <string.h>

#include "kestrel/log.h"
#include "kestrel/memory.h"
#include "kestrel/sysemu.h"
#include "kestrel/tb.h"
#include "kestrel/tlb.h"
#include "a64-gdb.h"
#include "cpu-sys.h"
#include "translate.h"

void (*arm_psci_cpu_on_hook)(CPUState *cs);

static GPtrArray *a64_sys_cpus;

static ARMCPU *a64_cpu(CPUState *cs)
{
    return (ARMCPU *)cs;
}

/* ------------------------------------------------------------------ */
/* PSTATE and stack pointers                                           */

/* Index into sp_el[] of the SP selected by a PSTATE value. */
static unsigned a64_sp_index(uint32_t pstate)
{
    return (pstate & PSTATE_SP) ? (pstate >> PSTATE_EL_SHIFT) & 3 : 0;
}

void a64_pstate_write(CPUARMState *env, uint32_t pstate)
{
    unsigned old = a64_sp_index(env->pstate), new = a64_sp_index(pstate);

    if (old != new) {
        env->sp_el[old] = env->xregs[31];
        env->xregs[31] = env->sp_el[new];
    }
    env->pstate = pstate;
    a64_rebuild_tb_flags(env);
}

uint64_t a64_sp_read(CPUARMState *env, unsigned el)
{
    return a64_sp_index(env->pstate) == el ? env->xregs[31]
                                           : env->sp_el[el];
}

void a64_sp_write(CPUARMState *env, unsigned el, uint64_t val)
{
    if (a64_sp_index(env->pstate) == el) {
        env->xregs[31] = val;
    } else {
        env->sp_el[el] = val;
    }
}

G_NORETURN void a64_raise_udef(CPUARMState *env, uintptr_t ra)
{
    a64_raise_syndrome(env, syn_uncategorized(), ra);
}

G_NORETURN void a64_raise_syndrome(CPUARMState *env, uint32_t syndrome,
                                   uintptr_t ra)
{
    CPUState *cs = env_cpu(env);

    env->exception.syndrome = syndrome;
    env->exception.vaddr = 0;
    env->exception.is_write = false;
    cs->exception_index = EXCP_UDEF;
    cpu_loop_exit_restore(cs, ra);
}

/* ------------------------------------------------------------------ */
/* Taking exceptions                                                   */

static const char *a64_excp_name(int excp)
{
    static const char *const names[] = {
        [EXCP_UDEF] = "UNDEF", [EXCP_SWI] = "SVC",
        [EXCP_PREFETCH_ABORT] = "Prefetch Abort",
        [EXCP_DATA_ABORT] = "Data Abort", [EXCP_BKPT] = "Breakpoint",
        [EXCP_UNALIGNED] = "Alignment", [EXCP_HVC] = "HVC",
        [EXCP_SMC] = "SMC", [EXCP_IRQ] = "IRQ", [EXCP_FIQ] = "FIQ",
    };

    if (excp > 0 && excp < (int)G_N_ELEMENTS(names) && names[excp]) {
        return names[excp];
    }
    return "unknown";
}

/* EL an IRQ (fiq false) or FIQ is routed to. */
static unsigned a64_irq_target_el(ARMCPU *cpu, bool fiq)
{
    CPUARMState *env = &cpu->env;

    if (cpu->has_el3 && (env->scr_el3 & (fiq ? SCR_FIQ : SCR_IRQ))) {
        return 3;
    }
    if (cpu->has_el2 && (env->hcr_el2 & (fiq ? HCR_FMO : HCR_IMO))) {
        return 2;
    }
    return 1;
}

/* True if the exception EC reports FAR_ELx. */
static bool a64_ec_has_far(uint32_t ec)
{
    return ec == EC_INSNABORT_SAME_EL || ec == EC_INSNABORT_LOWER_EL ||
           ec == EC_DATAABORT_SAME_EL || ec == EC_DATAABORT_LOWER_EL ||
           ec == EC_PCALIGNMENT;
}

static void a64_enter_vector(ARMCPU *cpu, int excp, unsigned target,
                             unsigned offset)
{
    CPUARMState *env = &cpu->env;
    unsigned cur = a64_current_el(env);
    uint32_t syn = env->exception.syndrome;
    uint32_t ec = syn >> 26;
    uint64_t vbase;

    if (cur == target) {
        offset += (env->pstate & PSTATE_SP) ? 0x200 : 0;
    } else {
        offset += 0x400;
        if (ec == EC_INSNABORT_SAME_EL || ec == EC_DATAABORT_SAME_EL) {
            ec -= 1;
            syn = (syn & 0x03ffffffu) | ec << 26;
        }
    }
    if (excp != EXCP_IRQ && excp != EXCP_FIQ) {
        env->esr_el[target] = syn;
        if (a64_ec_has_far(ec)) {
            env->far_el[target] = env->exception.vaddr;
        }
    }
    env->spsr_el[target] = env->pstate | aarch64_nzcv_read(env);
    env->elr_el[target] = env->pc;
    a64_pstate_write(env, target << PSTATE_EL_SHIFT | PSTATE_SP |
                          PSTATE_DAIF);
    env->exclusive_addr = ~0ull;
    vbase = env->vbar_el[target] & ~0x7ffull;
    env->pc = vbase + offset;
    if (log_enabled(LOG_INT)) {
        log_printf("Taking exception %d [%s] on CPU %d\n"
                   "...from EL%u to EL%u\n"
                   "...with ESR 0x%x/0x%08x\n"
                   "...with FAR 0x%" PRIx64 "\n"
                   "...with ELR 0x%" PRIx64 "\n"
                   "...to EL%u PC 0x%" PRIx64 " PSTATE 0x%x\n",
                   excp, a64_excp_name(excp), cpu->parent.cpu_index, cur,
                   target, ec, syn, env->far_el[target],
                   env->elr_el[target], target, env->pc,
                   env->pstate | aarch64_nzcv_read(env));
    }
}

/* HVC/SMC: PSCI, or the exception, or UDEF when the EL is absent. */
static bool a64_hvc_smc(ARMCPU *cpu, bool smc, unsigned *target)
{
    CPUARMState *env = &cpu->env;
    unsigned cur = a64_current_el(env);

    if (cpu->psci_conduit == (smc ? ARM_PSCI_SMC : ARM_PSCI_HVC)) {
        if (a64_psci_call(cpu, smc)) {
            return false;
        }
        if (smc ? !cpu->has_el3 : !cpu->has_el2) {
            /* Nothing above us: the conduit answers every call, as the
             * firmware QEMU stands in for would. */
            env->xregs[0] = (uint64_t)-1;   /* NOT_SUPPORTED */
            return false;
        }
    }
    if (smc ? !cpu->has_el3 : !cpu->has_el2 && cur < 2) {
        /* UNDEFINED: report at the HVC/SMC itself. */
        env->pc -= 4;
        env->exception.syndrome = syn_uncategorized();
        *target = cur ? cur : 1;
        return true;
    }
    *target = smc ? 3 : (cur > 2 ? cur : 2);
    return true;
}

static void a64_do_interrupt(CPUState *cs)
{
    ARMCPU *cpu = a64_cpu(cs);
    CPUARMState *env = &cpu->env;
    int excp = cs->exception_index;
    unsigned cur = a64_current_el(env);
    unsigned target = cur ? cur : 1;
    unsigned min_el = env->exception.target_el;

    env->exception.target_el = 0;
    switch (excp) {
    case EXCP_IRQ:
    case EXCP_FIQ:
        target = a64_irq_target_el(cpu, excp == EXCP_FIQ);
        if (target < cur) {
            target = cur;
        }
        a64_enter_vector(cpu, excp, target, excp == EXCP_IRQ ? 0x80
                                                            : 0x100);
        break;
    case EXCP_HVC:
    case EXCP_SMC:
        if (a64_hvc_smc(cpu, excp == EXCP_SMC, &target)) {
            a64_enter_vector(cpu, excp, target, 0);
        }
        break;
    default:
        /* Stage 2 faults (mmu-s2.c) go to EL2. */
        a64_enter_vector(cpu, excp, MAX(target, min_el), 0);
        break;
    }
    cs->exception_index = EXCP_NONE;
}

/* Whether an interrupt of this kind can be taken now. */
static bool a64_irq_unmasked(ARMCPU *cpu, bool fiq)
{
    CPUARMState *env = &cpu->env;
    unsigned cur = a64_current_el(env);
    unsigned target = a64_irq_target_el(cpu, fiq);

    if (target < cur) {
        return false;
    }
    if (target > cur) {
        return true;
    }
    return !(env->pstate & (fiq ? PSTATE_F : PSTATE_I));
}

/*
 * Virtual IRQ/FIQ (HCR_EL2.VI/VF, routed by IMO/FMO): taken to EL1 from
 * EL1 or EL0 only, masked there by PSTATE.I/F.
 */
static bool a64_virq_unmasked(ARMCPU *cpu, bool fiq)
{
    CPUARMState *env = &cpu->env;
    uint64_t hcr = env->hcr_el2;

    return a64_current_el(env) <= 1 && !(hcr & HCR_TGE) &&
           (hcr & (fiq ? HCR_FMO : HCR_IMO)) &&
           !(env->pstate & (fiq ? PSTATE_F : PSTATE_I));
}

void a64_virq_update(ARMCPU *cpu)
{
    CPUState *cs = &cpu->parent;
    uint64_t hcr = cpu->env.hcr_el2;
    int want = ((hcr & HCR_VI) ? CPU_INTERRUPT_VIRQ : 0) |
               ((hcr & HCR_VF) ? CPU_INTERRUPT_VFIQ : 0);
    int lines = CPU_INTERRUPT_VIRQ | CPU_INTERRUPT_VFIQ;

    if ((cs->interrupt_request & lines) == want) {
        return;
    }
    cpu_reset_interrupt(cs, lines & ~want);
    if (want) {
        cpu_interrupt(cs, want);
    }
}

static bool a64_exec_interrupt(CPUState *cs, int request)
{
    ARMCPU *cpu = a64_cpu(cs);
    int excp;

    if (cpu->powered_off) {
        return false;
    }
    if ((request & CPU_INTERRUPT_FIQ) && a64_irq_unmasked(cpu, true)) {
        excp = EXCP_FIQ;
    } else if ((request & CPU_INTERRUPT_HARD) &&
               a64_irq_unmasked(cpu, false)) {
        excp = EXCP_IRQ;
    } else if ((request & CPU_INTERRUPT_VFIQ) &&
               a64_virq_unmasked(cpu, true)) {
        a64_enter_vector(cpu, EXCP_FIQ, 1, 0x100);
        return true;
    } else if ((request & CPU_INTERRUPT_VIRQ) &&
               a64_virq_unmasked(cpu, false)) {
        a64_enter_vector(cpu, EXCP_IRQ, 1, 0x80);
        return true;
    } else {
        return false;
    }
    cs->exception_index = excp;
    a64_do_interrupt(cs);
    return true;
}

/* ------------------------------------------------------------------ */
/* ERET, PSTATE writes, WFI                                            */

static void a64_eret(CPUARMState *env)
{
    ARMCPU *cpu = a64_env_cpu(env);
    unsigned cur = a64_current_el(env);
    uint64_t spsr = env->spsr_el[cur];
    unsigned el = (spsr >> PSTATE_EL_SHIFT) & 3;
    uint32_t keep = PSTATE_DAIF | PSTATE_SP | 3u << PSTATE_EL_SHIFT;

    if ((spsr & PSTATE_nRW) || el > cur || (el == 2 && !cpu->has_el2) ||
        (el == 0 && (spsr & PSTATE_SP))) {
        /* Illegal return: stay, set PSTATE.IL (no AArch32 here). */
        log_mask(LOG_GUEST_ERROR, "aarch64: illegal ERET to SPSR 0x%"
                 PRIx64 "\n", spsr);
        env->pstate |= PSTATE_IL;
        env->pc = env->elr_el[cur];
        return;
    }
    aarch64_nzcv_write(env, (uint32_t)spsr & 0xf0000000u);
    a64_pstate_write(env, (uint32_t)spsr & keep);
    env->exclusive_addr = ~0ull;
    env->pc = env->elr_el[cur];
    log_mask(LOG_INT, "Exception return from AArch64 EL%u to AArch64 EL%u "
             "PC 0x%" PRIx64 "\n", cur, el, env->pc);
}

static void a64_msr_pstate(CPUARMState *env, uint32_t op, uint32_t imm,
                           uintptr_t ra)
{
    uint32_t daif = (imm & 0xf) << 6;

    (void)ra;
    switch (op) {
    case 5:         /* SPSel */
        a64_pstate_write(env, (env->pstate & ~PSTATE_SP) | (imm & 1));
        break;
    case 3 << 3 | 6: /* DAIFSet */
        env->pstate |= daif;
        break;
    case 3 << 3 | 7: /* DAIFClr */
        env->pstate &= ~daif;
        break;
    default:
        g_assert_not_reached();
    }
}

G_NORETURN static void a64_wfi(CPUARMState *env)
{
    CPUState *cs = env_cpu(env);

    if (a64_current_el(env) == 0 && !(env->sctlr_el[1] & SCTLR_NTWI)) {
        /* Trapped to EL1: EC 0x01, IL, CV with cond 0b1110, TI = WFI.
         * The translator set pc past the WFI; the trap reports the WFI. */
        env->pc -= 4;
        a64_raise_syndrome(env, 0x01u << 26 | 1u << 25 | 1u << 24 |
                           0xeu << 20, 0);
    }
    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

/* RAM behind addr for helpers; data abort if unmapped or not RAM. */
static void *a64_sys_host_addr(CPUARMState *env, uint64_t addr,
                               unsigned size, bool is_write, uintptr_t ra)
{
    CPUState *cs = env_cpu(env);
    int idx = (int)a64_current_el(env);
    void *p = tlb_probe_host(cs, addr, size,
                             is_write ? MMU_DATA_STORE : MMU_DATA_LOAD, idx,
                             ra);

    if (!p) {
        /* Exclusives/atomics on MMIO: an external abort. */
        env->exception.syndrome = (uint32_t)EC_DATAABORT_SAME_EL << 26 |
                                  1u << 25 | (is_write ? 1u << 6 : 0) |
                                  0x10;
        env->exception.vaddr = addr;
        env->exception.is_write = is_write;
        cs->exception_index = EXCP_DATA_ABORT;
        cpu_loop_exit_restore(cs, ra);
    }
    return p;
}

static const A64SysHooks a64_sys_hooks_impl = {
    .sysreg_read = a64_sysreg_read,
    .sysreg_write = a64_sysreg_write,
    .eret = a64_eret,
    .msr_pstate = a64_msr_pstate,
    .wfi = a64_wfi,
    .host_addr = a64_sys_host_addr,
};

/* ------------------------------------------------------------------ */
/* CPUArchOps                                                          */

static bool a64_fp_traps(CPUARMState *env)
{
    unsigned fpen = (env->cpacr_el1 >> 20) & 3;
    unsigned el = a64_current_el(env);

    if (el > 1) {
        return false;
    }
    return fpen == 0 || fpen == 2 || (fpen == 1 && el == 0);
}

/* The TB mode flags the current state asks for (see tb_flags). */
static uint32_t a64_compute_tb_flags(CPUARMState *env)
{
    uint32_t f = A64_TBF_SYS | a64_current_el(env);

    if (a64_fp_traps(env)) {
        f |= A64_TBF_FPTRAP;
    }
    /* EL0 and EL1 share SCTLR_EL1. */
    if (env->sctlr_el[MAX(a64_current_el(env), 1u)] & SCTLR_A) {
        f |= A64_TBF_ALIGN;
    }
    return f;
}

void a64_rebuild_tb_flags(CPUARMState *env)
{
    env->tb_flags = a64_compute_tb_flags(env);
}

static void a64_sys_get_tb_cpu_state(CPUState *cs, uint64_t *pc,
                                     uint64_t *cs_base, uint32_t *flags)
{
    CPUARMState *env = &a64_cpu(cs)->env;

#ifdef KESTREL_IR_VERIFY
    /* A missed a64_rebuild_tb_flags would run code of the wrong mode. */
    g_assert(env->tb_flags == a64_compute_tb_flags(env));
#endif
    *pc = env->pc;
    *cs_base = 0;
    *flags = env->tb_flags;
}

static uint64_t a64_sys_get_code_phys(CPUState *cs, uint64_t pc)
{
    CPUARMState *env = &a64_cpu(cs)->env;

    if (pc & 3) {
        env->exception.syndrome = (uint32_t)EC_PCALIGNMENT << 26 | 1u << 25;
        env->exception.vaddr = pc;
        env->exception.is_write = false;
        cs->exception_index = EXCP_UNALIGNED;
        cpu_loop_exit(cs);
    }
    return get_page_addr_code(cs, pc, (int)a64_current_el(env));
}

static bool a64_sys_fetch(CPUState *cs, uint64_t pc, uint32_t *insn)
{
    CPUARMState *env = &a64_cpu(cs)->env;

    *insn = cpu_ldl_code(cs, pc, (int)a64_current_el(env));
    return true;
}

static int a64_sys_mmu_index(CPUState *cs, bool ifetch)
{
    (void)ifetch;
    return (int)a64_current_el(&a64_cpu(cs)->env);
}

static void a64_sys_restore_state(CPUState *cs, TranslationBlock *tb,
                                  const uint64_t *data)
{
    (void)tb;
    a64_cpu(cs)->env.pc = data[0];
}

static void a64_sys_synchronize_from_tb(CPUState *cs,
                                        const TranslationBlock *tb)
{
    a64_cpu(cs)->env.pc = tb->pc;
}

static void a64_dump_state(CPUState *cs, FILE *f)
{
    CPUARMState *env = &a64_cpu(cs)->env;
    uint32_t nzcv = aarch64_nzcv_read(env);
    unsigned el = a64_current_el(env);

    fprintf(f, " PC=%016" PRIx64 "  SP=%016" PRIx64 "\n", env->pc,
            env->xregs[31]);
    for (int i = 0; i < 31; i++) {
        fprintf(f, "X%02d=%016" PRIx64 "%s", i, env->xregs[i],
                (i % 4 == 3) ? "\n" : " ");
    }
    fprintf(f, "\nPSTATE=%08x %c%c%c%c EL%u%c DAIF=%x%s\n",
            env->pstate | nzcv, nzcv >> 31 & 1 ? 'N' : '-',
            nzcv >> 30 & 1 ? 'Z' : '-', nzcv >> 29 & 1 ? 'C' : '-',
            nzcv >> 28 & 1 ? 'V' : '-', el,
            (env->pstate & PSTATE_SP) ? 'h' : 't',
            (env->pstate >> 6) & 0xf,
            a64_cpu(cs)->powered_off ? " (powered off)" : "");
    fprintf(f, "SCTLR_EL1=%016" PRIx64 " TCR_EL1=%016" PRIx64
            " VBAR_EL1=%016" PRIx64 "\n", env->sctlr_el[1], env->tcr_el[1],
            env->vbar_el[1]);
    fprintf(f, "TTBR0_EL1=%016" PRIx64 " TTBR1_EL1=%016" PRIx64 "\n",
            env->ttbr0_el[1], env->ttbr1_el[1]);
    fprintf(f, "ELR_EL1=%016" PRIx64 " SPSR_EL1=%08" PRIx64
            " ESR_EL1=%08" PRIx64 " FAR_EL1=%016" PRIx64 "\n",
            env->elr_el[1], env->spsr_el[1], env->esr_el[1],
            env->far_el[1]);
    fprintf(f, "FPCR=%08x FPSR=%08x\n", env->fpcr, env->fpsr);
}

static const CPUArchOps a64_sys_cpu_ops = {
    .name = "aarch64",
    .insn_start_words = 1,
    .get_tb_cpu_state = a64_sys_get_tb_cpu_state,
    .tb_pc_offset = offsetof(CPUARMState, pc),
    .tb_flags_offset = offsetof(CPUARMState, tb_flags),
    .get_code_phys = a64_sys_get_code_phys,
    .translate = a64_translate,
    .restore_state = a64_sys_restore_state,
    .synchronize_from_tb = a64_sys_synchronize_from_tb,
    .exec_interrupt = a64_exec_interrupt,
    .tlb_fill = a64_tlb_fill,
    .do_unaligned_access = a64_do_unaligned_access,
    .do_interrupt = a64_do_interrupt,
    .mmu_index = a64_sys_mmu_index,
    .dump_state = a64_dump_state,
    .dump_mmu = a64_dump_mmu,
    .gdb = &a64_gdb_sys_ops,
};

/* ------------------------------------------------------------------ */
/* Reset, power, creation                                              */

static void a64_reset_cb(void *opaque)
{
    aarch64_cpu_reset(opaque);
}

void aarch64_cpu_reset(ARMCPU *cpu)
{
    CPUState *cs = &cpu->parent;
    CPUARMState *env = &cpu->env;
    unsigned el = cpu->reset_el;

    if (el == 3 && !cpu->has_el3) {
        el = cpu->has_el2 ? 2 : 1;
    }
    if (el == 2 && !cpu->has_el2) {
        el = 1;
    }
    if (el < 1) {
        el = 1;
    }
    /* Everything after `exception` is system state: clear it. */
    memset(&env->pstate, 0, sizeof(*env) - offsetof(CPUARMState, pstate));
    memset(env->xregs, 0, sizeof(env->xregs));
    memset(env->vregs, 0, sizeof(env->vregs));
    env->fpcr = env->fpsr = 0;
    env->tpidr_el0 = env->tpidrro_el0 = 0;
    env->exclusive_addr = ~0ull;
    aarch64_nzcv_write(env, 0);
    /* SCTLR RES1 bits as Cortex-A cores reset them; MMU and caches off. */
    env->sctlr_el[1] = 0x30d00800ull;
    env->sctlr_el[2] = 0x30c50830ull;
    env->sctlr_el[3] = 0x30c50830ull;
    env->oslsr_el1 = 0xa;       /* OSLM = 0b10, OSLK = 1 */
    env->pstate = el << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF;
    if (el < 3 && cpu->has_el3) {
        env->scr_el3 = SCR_RW | 1;      /* lower ELs AArch64, non-secure */
    }
    if (el < 2 && cpu->has_el2) {
        env->hcr_el2 = HCR_RW;
    }
    env->pc = cpu->reset_pc;
    a64_rebuild_tb_flags(env);
    a64_gt_reset(cpu);
    cpu->powered_off = cpu->start_powered_off;
    cs->halted = cpu->powered_off;
    cs->stopped = cpu->powered_off;
    cs->exception_index = EXCP_NONE;
    cpu_reset_interrupt(cs, CPU_INTERRUPT_VIRQ | CPU_INTERRUPT_VFIQ);
    tlb_flush(cs);
}

ARMCPU *a64_sys_cpu_by_mpidr(uint64_t mpidr)
{
    for (guint i = 0; a64_sys_cpus && i < a64_sys_cpus->len; i++) {
        ARMCPU *c = g_ptr_array_index(a64_sys_cpus, i);

        if ((c->mpidr & 0xff00ffffffull) == (mpidr & 0xff00ffffffull)) {
            return c;
        }
    }
    return NULL;
}

void a64_cpu_power_on(ARMCPU *cpu, unsigned el, uint64_t entry,
                      uint64_t context_id)
{
    CPUState *cs = &cpu->parent;
    bool saved = cpu->start_powered_off;
    int saved_el = cpu->reset_el;
    uint64_t saved_pc = cpu->reset_pc;

    cpu->start_powered_off = false;
    cpu->reset_el = (int)el;
    cpu->reset_pc = entry;
    aarch64_cpu_reset(cpu);
    cpu->start_powered_off = saved;
    cpu->reset_el = saved_el;
    cpu->reset_pc = saved_pc;
    cpu->env.xregs[0] = context_id;
    if (arm_psci_cpu_on_hook) {
        arm_psci_cpu_on_hook(cs);
    } else {
        cpu_interrupt(cs, CPU_INTERRUPT_EXITTB);
    }
}

void a64_cpu_power_off_self(ARMCPU *cpu)
{
    CPUState *cs = &cpu->parent;

    cpu->powered_off = true;
    cs->halted = true;
    __atomic_store_n(&cs->stopped, true, __ATOMIC_RELEASE);
}

ARMCPU *aarch64_cpu_create_system(const char *model, AddressSpace *as,
                                  GError **errp)
{
    ARMCPU *cpu = aarch64_cpu_create(model, false, errp);
    IRContext *s;

    if (!cpu) {
        return NULL;
    }
    s = a64_ir;
    s->mem_mode = IR_MEM_SOFTMMU;
    softmmu_install_hooks(s);
    a64_sys_hooks = &a64_sys_hooks_impl;
    aarch64_fetch_code = a64_sys_fetch;
    cpu->parent.ops = &a64_sys_cpu_ops;
    tlb_init(&cpu->parent, as);
    cpu->parent.as = as;
    cpu->reset_el = 1;
    cpu->psci_conduit = ARM_PSCI_HVC;
    cpu->mpidr = 0x80000000ull | (uint64_t)(cpu->parent.cpu_index & 0xff) |
                 (uint64_t)((cpu->parent.cpu_index >> 8) & 0xff) << 8;
    a64_gt_init(cpu);
    if (!a64_sys_cpus) {
        a64_sys_cpus = g_ptr_array_new();
    }
    g_ptr_array_add(a64_sys_cpus, cpu);
    system_register_reset(a64_reset_cb, cpu);
    aarch64_cpu_reset(cpu);
    return cpu;
}

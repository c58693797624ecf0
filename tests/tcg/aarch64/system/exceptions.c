// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exceptions.c - synchronous exceptions taken to EL1 with exact
 * ESR_EL1 / ELR_EL1 / SPSR_EL1 / FAR_EL1, the vector used, PSCI through
 * HVC, and an ERET to EL0 that comes back through SVC and traps.
 *
 * MMU off throughout.  Expected values follow the ARM ARM (ESR encodings
 * of D17.2.37 ESR_EL1) and were confirmed under qemu-system-aarch64.
 */
#include "sys.h"

struct rec {
    int vec;
    uint64_t esr, elr, spsr, far, sp_el0;
};

static struct rec recs[8];
static int nrec;

static int handler(struct frame *f, int vec)
{
    unsigned ec = f->esr >> 26;
    struct rec *r = &recs[nrec < 8 ? nrec : 7];

    if (vec == VEC_LOW64_SYNC && f->esr == ESR(EC_SVC64, 0)) {
        return 0;                       /* the end of run_el0 */
    }
    r->vec = vec;
    r->esr = f->esr;
    r->elr = f->elr;
    r->spsr = f->spsr;
    r->far = f->far;
    r->sp_el0 = f->sp_el0;
    nrec++;
    switch (ec) {
    case EC_UNKNOWN:
    case EC_BRK64:
    case EC_SYSREG:
    case EC_WFX:
    case EC_DABT_CUR:
        f->elr += 4;                    /* skip the instruction */
        break;
    case EC_PC_ALIGN:
        f->elr = f->x[30];              /* back to the caller */
        break;
    case EC_SVC64:
        f->x[0] += 1;                   /* seen by the caller */
        break;
    default:
        return 0;
    }
    return 1;
}

/* The instructions under test, at known labels. */
void do_svc(uint64_t nzcv);
void do_svc_sp0(uint64_t nzcv, uint64_t sp0);
void do_brk(void);
void do_udf(void);
void do_pc_align(void);
uint64_t do_unaligned_load(uint64_t addr);
uint64_t el0_prog(uint64_t arg);
extern char svc_insn[], svc_sp0_insn[], brk_insn[], udf_insn[];
extern char pc_target[], ldr_insn[];
extern char el0_udf[], el0_mrs[], el0_wfi[], el0_svc[];

__asm__(
    ".text\n"
    ".globl do_svc\n"
    "do_svc: msr nzcv, x0\n"
    ".globl svc_insn\n"
    "svc_insn: svc #0x1234\n"
    "    msr nzcv, xzr\n"
    "    ret\n"
    ".globl do_svc_sp0\n"
    "do_svc_sp0: msr sp_el0, x1\n"
    "    msr spsel, #0\n"
    "    msr nzcv, x0\n"
    ".globl svc_sp0_insn\n"
    "svc_sp0_insn: svc #0x55\n"
    "    msr spsel, #1\n"
    "    msr nzcv, xzr\n"
    "    ret\n"
    ".globl do_brk\n"
    "do_brk: msr nzcv, xzr\n"
    ".globl brk_insn\n"
    "brk_insn: brk #0x42\n"
    "    ret\n"
    ".globl do_udf\n"
    "do_udf: msr nzcv, xzr\n"
    ".globl udf_insn\n"
    "udf_insn: .inst 0x00000077\n"      /* udf #0x77 */
    "    ret\n"
    ".globl do_pc_align\n"
    "do_pc_align: stp x29, x30, [sp, #-16]!\n"
    "    msr nzcv, xzr\n"
    "    adr x1, pc_target\n"
    "    add x1, x1, #2\n"
    "    blr x1\n"
    "    ldp x29, x30, [sp], #16\n"
    "    ret\n"
    ".globl pc_target\n"
    "pc_target: nop\n"
    "    ret\n"
    ".globl do_unaligned_load\n"
    "do_unaligned_load: mov x1, x0\n"
    "    mov x0, #0\n"
    "    msr nzcv, xzr\n"
    ".globl ldr_insn\n"
    "ldr_insn: ldr x0, [x1]\n"
    "    ret\n"
    /* EL0 code: its own section (EL0-executable pages with the MMU on). */
    ".section .el0.text, \"ax\"\n"
    ".globl el0_prog\n"
    "el0_prog: mov x1, #0x20000000\n"
    "    msr nzcv, x1\n"
    ".globl el0_udf\n"
    "el0_udf: mrs x2, CurrentEL\n"      /* UNDEFINED at EL0 */
    ".globl el0_mrs\n"
    "el0_mrs: mrs x3, daif\n"           /* traps: SCTLR_EL1.UMA = 0 */
    ".globl el0_wfi\n"
    "el0_wfi: wfi\n"                    /* traps: SCTLR_EL1.nTWI = 0 */
    ".globl el0_svc\n"
    "el0_svc: svc #7\n"
    "    add x0, x0, #100\n"
    "    svc #0\n"
    "    .text\n");

static uint64_t el0_stack[512] __attribute__((section(".el0.data"),
                                              aligned(16)));
static uint64_t align_buf[4];

static void check_rec(const char *what, int i, int vec, uint64_t esr,
                      uint64_t elr, uint64_t spsr)
{
    char buf[80];
    const char *parts[4] = { "vector", "esr", "elr", "spsr" };
    uint64_t got[4] = { recs[i].vec * 0x80, recs[i].esr, recs[i].elr,
                        recs[i].spsr };
    uint64_t want[4] = { vec * 0x80, esr, elr, spsr };

    for (int k = 0; k < 4; k++) {
        char *p = buf;
        for (const char *s = what; *s; s++) {
            *p++ = *s;
        }
        *p++ = ' ';
        for (const char *s = parts[k]; *s; s++) {
            *p++ = *s;
        }
        *p = 0;
        check_eq(buf, got[k], want[k]);
    }
}

static void test_el1(void)
{
    nrec = 0;
    do_svc(0x60000000);
    check_rec("svc #0x1234 at EL1h", 0, VEC_CUR_SPX_SYNC,
              ESR(EC_SVC64, 0x1234), (uint64_t)svc_insn + 4, 0x600003c5);

    nrec = 0;
    do_svc_sp0(0x90000000, (uint64_t)&el0_stack[256]);
    check_rec("svc #0x55 at EL1t", 0, VEC_CUR_SP0_SYNC,
              ESR(EC_SVC64, 0x55), (uint64_t)svc_sp0_insn + 4, 0x900003c4);
    check_eq("svc at EL1t: SP_EL0 in the frame", recs[0].sp_el0,
             (uint64_t)&el0_stack[256]);

    nrec = 0;
    do_brk();
    check_rec("brk #0x42", 0, VEC_CUR_SPX_SYNC, ESR(EC_BRK64, 0x42),
              (uint64_t)brk_insn, 0x3c5);

    nrec = 0;
    do_udf();
    check_rec("udf #0x77", 0, VEC_CUR_SPX_SYNC, ESR(EC_UNKNOWN, 0),
              (uint64_t)udf_insn, 0x3c5);

    nrec = 0;
    do_pc_align();
    check_rec("blr to pc+2", 0, VEC_CUR_SPX_SYNC, ESR(EC_PC_ALIGN, 0),
              (uint64_t)pc_target + 2, 0x3c5);
    check_eq("blr to pc+2 far", recs[0].far, (uint64_t)pc_target + 2);

    /* SCTLR_EL1.A: an unaligned 8-byte load is an alignment fault. */
    nrec = 0;
    write_sysreg(read_sysreg(sctlr_el1) | 2, sctlr_el1);
    isb();
    do_unaligned_load((uint64_t)align_buf + 1);
    write_sysreg(read_sysreg(sctlr_el1) & ~2UL, sctlr_el1);
    isb();
    check_rec("unaligned ldr with SCTLR.A", 0, VEC_CUR_SPX_SYNC,
              ESR(EC_DABT_CUR, 0x21), (uint64_t)ldr_insn, 0x3c5);
    check_eq("unaligned ldr far", recs[0].far, (uint64_t)align_buf + 1);
    check_eq("exceptions counted", nrec, 1);
}

static void test_psci(void)
{
    uint64_t v = psci_call(PSCI_VERSION, 0, 0, 0);

    note("PSCI version %u.%u", (unsigned)(v >> 16), (unsigned)(v & 0xffff));
    check_true("PSCI version >= 1.0", v >= 0x10000 && v < 0x80000000);
    check_eq("PSCI_FEATURES(SYSTEM_OFF)",
             (uint32_t)psci_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0), 0);
    check_eq("PSCI unknown function: NOT_SUPPORTED",
             (uint32_t)psci_call(0x840000ffUL, 0, 0, 0), 0xffffffffu);
}

static void test_el0(void)
{
    uint64_t ret;

    nrec = 0;
    ret = run_el0((void *)el0_prog, 41, &el0_stack[512]);
    check_eq("EL0 round trip result", ret, 41 + 1 + 100);
    check_eq("EL0 exceptions", nrec, 4);
    check_rec("EL0 mrs CurrentEL", 0, VEC_LOW64_SYNC, ESR(EC_UNKNOWN, 0),
              (uint64_t)el0_udf, 0x20000000);
    /* op0=3 op2=1 op1=3 CRn=4 Rt=3 CRm=2, read */
    check_rec("EL0 mrs daif", 1, VEC_LOW64_SYNC,
              ESR(EC_SYSREG, 0x32d065), (uint64_t)el0_mrs, 0x20000000);
    check_rec("EL0 wfi", 2, VEC_LOW64_SYNC, ESR(EC_WFX, 0x1e00000),
              (uint64_t)el0_wfi, 0x20000000);
    check_rec("EL0 svc #7", 3, VEC_LOW64_SYNC, ESR(EC_SVC64, 7),
              (uint64_t)el0_svc + 4, 0x20000000);
    check_eq("DAIF restored after EL0", read_sysreg(daif), 0x3c0);
    check_eq("back at EL1", read_sysreg(CurrentEL), 4);
}

int main(void)
{
    puts_("# exceptions: synchronous exceptions at EL1 and from EL0\n");
    exc_handler = handler;
    test_el1();
    test_psci();
    test_el0();
    return finish();
}

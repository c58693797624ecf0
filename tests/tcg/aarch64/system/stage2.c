// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stage2.c - a tiny hypervisor: stage 2 translation seen from EL2.
 * Needs -M virt,virtualization=on (entered at EL2; PSCI over SMC).
 *
 * EL2 runs with its MMU off.  It gives EL1 pt.c's stage 1 identity map
 * (4K granule) and builds stage 2 tables: 40-bit IPA, 4K granule,
 * starting at level 1 with two concatenated tables (1024 entries):
 *   IPA 0x00_0000_0000  1 GiB Device block -> PA 0 (the UART)
 *   IPA 0x00_4000_0000  level 2 table:
 *                         0x40000000  level 3, identity (the image)
 *                         0x40600000  level 3, s2_l3_test (per test)
 *                         the rest    2 MiB identity blocks
 *   IPA 0x80_4000_0000  1 GiB block -> PA 0x40000000 (second table)
 * EL1 code ("the guest", asm routines below) runs through both stages,
 * entered by guest_run and leaving with HVC #0.  Stage 2 aborts come to
 * the EL2 vectors, which record ESR_EL2, FAR_EL2, HPFAR_EL2 and ELR_EL2
 * and either fix the tables and retry or skip the instruction.
 *
 * Checked: values through both stages; stage 2 translation fault (ISV
 * load syndrome), permission fault on write (ISV with SAS/SRT/SF, WnR)
 * fixed and resumed; the ISS of stores and loads of every form (ISV=0
 * for pairs, writeback and SIMD&FP; literal loads from an execute-only
 * page); access flag fault; a fault on the stage 1 walk (S1PTW); an
 * instruction abort on stage 2 XN; VMID switches with TLBI
 * IPAS2E1IS/VMALLE1IS/VMALLS12E1IS; AT S12E1R/W, S12E0R, S1E1R (PAR_EL1
 * attribute combining), AT S1E1R at EL1 faulting on its walk (to EL2);
 * a virtual IRQ through HCR_EL2.VI; a 64K-granule stage 2; HCR_EL2.PTW.
 * The expected values are the ARM ARM's, confirmed under Debian's
 * qemu-system-aarch64.
 */
#include "sys.h"

#define DATA_PA(n)      (0x40a00000UL + (n) * 4096UL)
#define TVA(n)          (TEST_VA + (n) * 4096UL)
#define TEST_IPA(n)     (0x40600000UL + (n) * 4096UL)
#define HIGH_IPA        0x8040000000UL      /* -> PA 0x40000000 */

/* Stage 2 descriptors. */
#define S2_VALID        1UL
#define S2_TABLE        3UL
#define S2_PAGE         3UL
#define S2_MEM_NORMAL   (0xfUL << 2)    /* outer and inner write-back */
#define S2_MEM_DEVICE   (0x1UL << 2)    /* Device-nGnRE */
#define S2_RD           (1UL << 6)
#define S2_WR           (2UL << 6)
#define S2_SH_INNER     (3UL << 8)
#define S2_AF           (1UL << 10)
#define S2_XN           (1UL << 54)
#define S2_NORMAL_RW    (S2_MEM_NORMAL | S2_SH_INNER | S2_AF | S2_RD | S2_WR)

/* HCR_EL2 and VTCR_EL2. */
#define HCR_VM          (1UL << 0)
#define HCR_PTW         (1UL << 2)
#define HCR_IMO         (1UL << 4)
#define HCR_VI          (1UL << 7)
#define HCR_RW          (1UL << 31)
#define VTCR_VALUE      (24 | (1UL << 6) | (1UL << 8) | (1UL << 10) | \
                         (3UL << 12) | (2UL << 16) | (1UL << 31))
#define VMID(n)         ((uint64_t)(n) << 48)

/* ESR_EL2 data abort ISS fields. */
#define ISV             (1UL << 24)
#define SAS(n)          ((uint64_t)(n) << 22)
#define SSE             (1UL << 21)
#define SRT(n)          ((uint64_t)(n) << 16)
#define SF              (1UL << 15)
#define AR              (1UL << 14)
#define S1PTW           (1UL << 7)
#define WNR             (1UL << 6)
#define FSC_TRANS(l)    (0x04 + (l))
#define FSC_AF(l)       (0x08 + (l))
#define FSC_PERM(l)     (0x0c + (l))

static uint64_t s2_l1[1024] __attribute__((aligned(8192)));
static uint64_t s2_l2[512] __attribute__((aligned(4096)));
static uint64_t s2_l3_img[512] __attribute__((aligned(4096)));
static uint64_t s2_l3_test[512] __attribute__((aligned(4096)));
/* VMID 2: its own level 1 and 2, and level 3 for the test pages. */
static uint64_t s2b_l1[1024] __attribute__((aligned(8192)));
static uint64_t s2b_l2[512] __attribute__((aligned(4096)));
static uint64_t s2b_l3_test[512] __attribute__((aligned(4096)));
/* VMID 3: 64K granule, starting at level 2 (2048 entries). */
static uint64_t s2c_l2[2048] __attribute__((aligned(16384)));
static uint64_t s2c_l3[8192] __attribute__((aligned(65536)));
static uint64_t guest_stack[1024] __attribute__((aligned(16)));

/* The registers the EL2 vector saves; the handler may edit elr. */
struct gframe {
    uint64_t x[31];
    uint64_t elr, spsr, esr, far, hpfar;
};

/* Abort handling: fixer returns 1 to retry, 0 to skip the insn. */
static int (*fixer)(struct gframe *f);
static struct {
    uint64_t esr, far, hpfar, elr;
} flt[16];
static int nflt;

uint64_t guest_run(void *fn, uint64_t a0, uint64_t a1, void *sp);
int el2_sync(struct gframe *f);
void el2_unexpected(struct gframe *f);

/* Guest routines (EL1), and the addresses of their faulting insns. */
uint64_t g_ld64(uint64_t addr);
uint64_t g_st64(uint64_t addr, uint64_t val);
uint64_t g_ldr_w5(uint64_t addr);
uint64_t g_str_x7(uint64_t addr, uint64_t val);
uint64_t g_st_forms(uint64_t addr);
uint64_t g_ld_forms(uint64_t addr);
uint64_t g_rwx_fn(void);
uint64_t g_rwx_lit(void);
extern char g_rwx_lit_insn[], g_rwx_lit_pool[];
uint64_t g_virq(volatile uint32_t *count);
uint64_t g_at(uint64_t va);
extern char g_at_insn[];
extern char g_ldr_w5_insn[], g_str_x7_insn[], g_st_forms_insn[];
extern char g_ld_forms_insn[], g_ld64_insn[];

__asm__(
    /* ---- EL2 entry: stack, bss, vectors; then el2_main ---- */
    "    .text\n"
    "    .globl el2_entry\n"
    "el2_entry:\n"
    "    ldr x1, =__stack_top\n"
    "    mov sp, x1\n"
    "    ldr x1, =__bss_start\n"
    "    ldr x2, =__bss_end\n"
    "1:  cmp x1, x2\n"
    "    b.hs 2f\n"
    "    str xzr, [x1], #8\n"
    "    b 1b\n"
    "2:  ldr x1, =el2_vectors\n"
    "    msr vbar_el2, x1\n"
    "    ldr x1, =vectors\n"
    "    msr vbar_el1, x1\n"
    "    isb\n"
    "    bl el2_main\n"
    "    bl power_off\n"
    /* ---- guest_run(fn, a0, a1, sp): ERET to fn at EL1h ---- */
    "    .globl guest_run\n"
    "guest_run:\n"
    "    ldr x9, =el2_ctx\n"
    "    stp x19, x20, [x9, #0]\n"
    "    stp x21, x22, [x9, #16]\n"
    "    stp x23, x24, [x9, #32]\n"
    "    stp x25, x26, [x9, #48]\n"
    "    stp x27, x28, [x9, #64]\n"
    "    stp x29, x30, [x9, #80]\n"
    "    mov x10, sp\n"
    "    str x10, [x9, #96]\n"
    "    msr elr_el2, x0\n"
    "    mov x10, #0x3c5\n"              /* EL1h, DAIF masked */
    "    msr spsr_el2, x10\n"
    "    msr sp_el1, x3\n"
    "    mov x0, x1\n"
    "    mov x1, x2\n"
    "    ldr x30, =guest_exit\n"
    "    eret\n"
    "guest_exit:\n"
    "    hvc #0\n"
    "guest_done:\n"                     /* from the vector, x0 = result */
    "    ldr x9, =el2_ctx\n"
    "    ldp x19, x20, [x9, #0]\n"
    "    ldp x21, x22, [x9, #16]\n"
    "    ldp x23, x24, [x9, #32]\n"
    "    ldp x25, x26, [x9, #48]\n"
    "    ldp x27, x28, [x9, #64]\n"
    "    ldp x29, x30, [x9, #80]\n"
    "    ldr x10, [x9, #96]\n"
    "    mov sp, x10\n"
    "    ret\n"
    "    .ltorg\n"
    /* ---- EL2 vectors: lower EL sync saves a gframe ---- */
    "    .macro SAVE_ALL\n"
    "    sub sp, sp, #288\n"
    "    stp x0, x1, [sp, #0]\n"
    "    stp x2, x3, [sp, #16]\n"
    "    stp x4, x5, [sp, #32]\n"
    "    stp x6, x7, [sp, #48]\n"
    "    stp x8, x9, [sp, #64]\n"
    "    stp x10, x11, [sp, #80]\n"
    "    stp x12, x13, [sp, #96]\n"
    "    stp x14, x15, [sp, #112]\n"
    "    stp x16, x17, [sp, #128]\n"
    "    stp x18, x19, [sp, #144]\n"
    "    stp x20, x21, [sp, #160]\n"
    "    stp x22, x23, [sp, #176]\n"
    "    stp x24, x25, [sp, #192]\n"
    "    stp x26, x27, [sp, #208]\n"
    "    stp x28, x29, [sp, #224]\n"
    "    mrs x0, elr_el2\n"
    "    stp x30, x0, [sp, #240]\n"
    "    mrs x0, spsr_el2\n"
    "    mrs x1, esr_el2\n"
    "    stp x0, x1, [sp, #256]\n"
    "    mrs x0, far_el2\n"
    "    mrs x1, hpfar_el2\n"
    "    stp x0, x1, [sp, #272]\n"
    "    mov x0, sp\n"
    "    .endm\n"
    "    .balign 0x800\n"
    "el2_vectors:\n"
    "    .rept 8\n"                      /* current EL: unexpected */
    "    .balign 0x80\n"
    "    SAVE_ALL\n"
    "    bl el2_unexpected\n"
    "    .endr\n"
    "    .balign 0x80\n"                 /* lower EL AArch64 sync */
    "    b el2_lower_sync\n"
    "    .rept 7\n"
    "    .balign 0x80\n"
    "    SAVE_ALL\n"
    "    bl el2_unexpected\n"
    "    .endr\n"
    "el2_lower_sync:\n"
    "    SAVE_ALL\n"
    "    bl el2_sync\n"
    "    cbnz w0, 3f\n"
    "    ldp x0, x1, [sp, #248]\n"       /* elr, spsr */
    "    msr elr_el2, x0\n"
    "    msr spsr_el2, x1\n"
    "    ldp x0, x1, [sp, #0]\n"
    "    ldp x2, x3, [sp, #16]\n"
    "    ldp x4, x5, [sp, #32]\n"
    "    ldp x6, x7, [sp, #48]\n"
    "    ldp x8, x9, [sp, #64]\n"
    "    ldp x10, x11, [sp, #80]\n"
    "    ldp x12, x13, [sp, #96]\n"
    "    ldp x14, x15, [sp, #112]\n"
    "    ldp x16, x17, [sp, #128]\n"
    "    ldp x18, x19, [sp, #144]\n"
    "    ldp x20, x21, [sp, #160]\n"
    "    ldp x22, x23, [sp, #176]\n"
    "    ldp x24, x25, [sp, #192]\n"
    "    ldp x26, x27, [sp, #208]\n"
    "    ldp x28, x29, [sp, #224]\n"
    "    ldr x30, [sp, #240]\n"
    "    add sp, sp, #288\n"
    "    eret\n"
    "3:  ldr x0, [sp, #0]\n"            /* HVC #0: the guest's result */
    "    b guest_done\n"
    /* ---- guest routines (EL1) ---- */
    "    .globl g_ld64, g_ld64_insn\n"
    "g_ld64:\n"
    "g_ld64_insn:\n"
    "    ldr x0, [x0]\n"
    "    ret\n"
    "    .globl g_st64\n"
    "g_st64:\n"
    "    str x1, [x0]\n"
    "    mov x0, #0\n"
    "    ret\n"
    "    .globl g_ldr_w5, g_ldr_w5_insn\n"
    "g_ldr_w5:\n"
    "    mov x5, #0\n"
    "g_ldr_w5_insn:\n"
    "    ldr w5, [x0]\n"
    "    mov x0, x5\n"
    "    ret\n"
    "    .globl g_str_x7, g_str_x7_insn\n"
    "g_str_x7:\n"
    "    mov x7, x1\n"
    "g_str_x7_insn:\n"
    "    str x7, [x0, #0x20]\n"
    "    mov x0, #0\n"
    "    ret\n"
    /* Stores of each form to a read-only page: each faults. */
    "    .globl g_st_forms, g_st_forms_insn\n"
    "g_st_forms:\n"
    "    mov x3, #0x33\n"
    "    mov x4, #0x44\n"
    "    mov x9, #0x99\n"
    "    mov x2, #8\n"
    "    mov x6, x0\n"
    "g_st_forms_insn:\n"
    "    strb w3, [x0]\n"
    "    strh w9, [x0, x2]\n"
    "    stur w4, [x0, #4]\n"
    "    str x3, [x0, #16]\n"
    "    stp x3, x4, [x0]\n"
    "    str x3, [x6, #8]!\n"
    "    stlr w4, [x0]\n"
    "    str w9, [x0], #4\n"
    "    ret\n"
    /* Loads of each form from a page with no access. */
    "    .globl g_ld_forms, g_ld_forms_insn\n"
    "g_ld_forms:\n"
    "    mov x12, #16\n"
    "g_ld_forms_insn:\n"
    "    ldrsh x4, [x0]\n"
    "    ldrsb w2, [x0, #1]\n"
    "    ldar x8, [x0]\n"
    "    ldr w11, [x0, x12]\n"
    "    ldursw x10, [x0, #4]\n"
    "    ldrh w13, [x0, #2]\n"
    "    ldp x1, x2, [x0]\n"
    "    ldr x3, [x0, #8]!\n"
    "    ldr d0, [x0, #8]\n"
    "    mov x0, #0\n"
    "    ret\n"
    /* AT S1E1R at EL1: returns PAR_EL1. */
    "    .globl g_at, g_at_insn\n"
    "g_at:\n"
    "g_at_insn:\n"
    "    at s1e1r, x0\n"
    "    isb\n"
    "    mrs x0, par_el1\n"
    "    ret\n"
    /* ISR_EL1, wait for a virtual IRQ with IRQs unmasked, ISR_EL1. */
    "    .globl g_virq\n"
    "g_virq:\n"
    "    mrs x1, isr_el1\n"
    "    msr daifclr, #2\n"
    "    mov x2, #1000\n"
    "4:  ldr w3, [x0]\n"
    "    cbnz w3, 5f\n"
    "    subs x2, x2, #1\n"
    "    b.ne 4b\n"
    "5:  msr daifset, #2\n"
    "    mrs x4, isr_el1\n"
    "    orr x0, x1, x4, lsl #8\n"
    "    orr x0, x0, x3, lsl #16\n"
    "    ret\n"
    "    .ltorg\n"
    /* A function in .rwx (executable at EL1 in stage 1). */
    "    .pushsection .rwx, \"aw\"\n"
    "    .globl g_rwx_fn\n"
    "g_rwx_fn:\n"
    "    mov x0, #0x5a\n"
    "    ret\n"
    /* Literal loads, for a page that stage 2 makes execute-only. */
    "    .globl g_rwx_lit, g_rwx_lit_insn, g_rwx_lit_pool\n"
    "g_rwx_lit:\n"
    "    mov x5, #1\n"
    "    mov x6, #2\n"
    "g_rwx_lit_insn:\n"
    "    ldr x5, g_rwx_lit_pool\n"
    "    ldrsw x6, g_rwx_lit_pool\n"
    "    add x0, x5, x6\n"
    "    ret\n"
    "    .balign 8\n"
    "g_rwx_lit_pool:\n"
    "    .quad 0x1234\n"
    "    .popsection\n"
    "    .bss\n"
    "    .balign 16\n"
    "el2_ctx:\n"
    "    .skip 112\n"
    "    .text\n");

/* ------------------------------------------------------------------ */
/* EL2 side                                                            */

void el2_unexpected(struct gframe *f)
{
    printf_("not ok - unexpected exception at EL2: esr 0x%lx elr 0x%lx "
            "far 0x%lx\n", f->esr, f->elr, f->far);
    test_failures++;
    finish();
    power_off();
}

int el2_sync(struct gframe *f)
{
    unsigned ec = f->esr >> 26;

    if (ec == EC_HVC64 && (f->esr & 0xffff) == 0) {
        return 1;
    }
    if (ec == EC_HVC64 && (f->esr & 0xffff) == 1) {
        /* The guest's IRQ handler asks to drop the virtual IRQ. */
        write_sysreg(read_sysreg(hcr_el2) & ~HCR_VI, hcr_el2);
        return 0;
    }
    if (ec != EC_DABT_LOW && ec != EC_IABT_LOW) {
        el2_unexpected(f);
    }
    flt[nflt & 15].esr = f->esr;
    flt[nflt & 15].far = f->far;
    flt[nflt & 15].hpfar = f->hpfar;
    flt[nflt & 15].elr = f->elr;
    nflt++;
    if (!fixer || !fixer(f)) {
        f->elr += 4;
    }
    return 0;
}

static uint64_t guest(void *fn, uint64_t a0, uint64_t a1)
{
    return guest_run(fn, a0, a1, &guest_stack[1024]);
}

/* Stage 2 TLB maintenance after changing the entry of ipa. */
static void s2_tlbi_ipa(uint64_t ipa)
{
    __asm__ volatile("dsb ishst; tlbi ipas2e1is, %0; dsb ish; "
                     "tlbi vmalle1is; dsb ish; isb"
                     : : "r"(ipa >> 12) : "memory");
}

static void s2_tlbi_vmall(void)
{
    __asm__ volatile("dsb ishst; tlbi vmalls12e1is; dsb ish; isb"
                     : : : "memory");
}

static void s2_build(void)
{
    for (uint64_t i = 0; i < 512; i++) {
        s2_l3_img[i] = (0x40000000UL + (i << 12)) | S2_NORMAL_RW | S2_PAGE;
        s2_l2[i] = (0x40000000UL + (i << 21)) | S2_NORMAL_RW | S2_VALID;
        s2_l3_test[i] = 0;
        s2b_l3_test[i] = 0;
    }
    s2_l2[0] = (uint64_t)s2_l3_img | S2_TABLE;
    s2_l2[3] = (uint64_t)s2_l3_test | S2_TABLE;
    s2_l1[0] = 0 | S2_MEM_DEVICE | S2_AF | S2_RD | S2_WR | S2_XN | S2_VALID;
    s2_l1[1] = (uint64_t)s2_l2 | S2_TABLE;
    s2_l1[HIGH_IPA >> 30] = 0x40000000UL | S2_NORMAL_RW | S2_VALID;
    for (int i = 0; i < 512; i++) {
        s2b_l2[i] = s2_l2[i];
    }
    s2b_l2[3] = (uint64_t)s2b_l3_test | S2_TABLE;
    s2b_l1[0] = s2_l1[0];
    s2b_l1[1] = (uint64_t)s2b_l2 | S2_TABLE;
}

static void el1_mmu_setup(void)
{
    mmu_build_4k();
    write_sysreg(MAIR_VALUE, mair_el1);
    write_sysreg(mmu_tcr_4k(), tcr_el1);
    write_sysreg(mmu_ttbr0_4k(), ttbr0_el1);
    write_sysreg(3UL << 20, cpacr_el1);
    write_sysreg(0x33ffUL, cptr_el2);   /* RES1 bits; FP/SIMD not trapped */
    /* RES1 bits, M, C, I; no alignment checks. */
    write_sysreg(0x30d00800UL | 1 | (1 << 2) | (1 << 12), sctlr_el1);
    write_sysreg(VTCR_VALUE, vtcr_el2);
    write_sysreg((uint64_t)s2_l1 | VMID(1), vttbr_el2);
    write_sysreg(HCR_VM | HCR_RW, hcr_el2);
    isb();
    s2_tlbi_vmall();
}

static void stage1_map(int n, uint64_t ipa)
{
    pt_test[n] = ipa | PTE_NORMAL | PTE_AP_EL1_RW | PTE_PXN | PTE_UXN |
                 PTE_TABLE;
    tlbi_all();
}

static volatile uint64_t *pa64(uint64_t pa)
{
    return (volatile uint64_t *)pa;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void test_basic(void)
{
    /* VA -> IPA in the second concatenated table -> PA. */
    stage1_map(0, HIGH_IPA + (DATA_PA(0) - 0x40000000UL));
    *pa64(DATA_PA(0)) = 0x1111;
    check_eq("load through both stages (concatenated level 1)",
             guest(g_ld64, TVA(0), 0), 0x1111);
    guest(g_st64, TVA(0) + 8, 0x2222);
    check_eq("store through both stages", *pa64(DATA_PA(0) + 8), 0x2222);
    /* A level 3 stage 2 page: IPA and PA differ. */
    s2_l3_test[1] = DATA_PA(5) | S2_NORMAL_RW | S2_PAGE;
    stage1_map(1, TEST_IPA(1));
    *pa64(DATA_PA(5) + 16) = 0x5555;
    check_eq("load through a stage 2 level 3 page",
             guest(g_ld64, TVA(1) + 16, 0), 0x5555);
    check_eq("no abort so far", nflt, 0);
}

static void check_fault(const char *what, int i, uint64_t esr, uint64_t far,
                        uint64_t ipa, void *elr)
{
    printf_("# %s\n", what);
    check_eq("  ESR_EL2", flt[i].esr, esr);
    check_eq("  FAR_EL2", flt[i].far, far);
    check_eq("  HPFAR_EL2", flt[i].hpfar, (ipa >> 12) << 4);
    check_eq("  ELR_EL2", flt[i].elr, (uint64_t)elr);
}

static int fix_test_page(struct gframe *f)
{
    uint64_t ipa = (f->hpfar >> 4) << 12;
    int n = (int)((ipa - TEST_IPA(0)) >> 12);

    if (ipa < TEST_IPA(0) || n >= 512) {
        return 0;
    }
    s2_l3_test[n] = DATA_PA(n) | S2_NORMAL_RW | S2_PAGE;
    s2_tlbi_ipa(ipa);
    return 1;
}

static void test_translation_fault(void)
{
    stage1_map(2, TEST_IPA(2));
    *pa64(DATA_PA(2) + 0x18) = 0xfeedf00d;
    nflt = 0;
    fixer = fix_test_page;
    check_eq("load after a fixed stage 2 translation fault",
             guest(g_ldr_w5, TVA(2) + 0x18, 0), 0xfeedf00d);
    fixer = NULL;
    check_eq("one abort", nflt, 1);
    check_fault("stage 2 translation fault, LDR W5", 0,
                ESR(EC_DABT_LOW, ISV | SAS(2) | SRT(5) | FSC_TRANS(3)),
                TVA(2) + 0x18, TEST_IPA(2), g_ldr_w5_insn);
}

static void test_permission_fault(void)
{
    stage1_map(3, TEST_IPA(3));
    s2_l3_test[3] = DATA_PA(3) | S2_NORMAL_RW | S2_PAGE;
    s2_l3_test[3] &= ~S2_WR;
    s2_tlbi_ipa(TEST_IPA(3));
    *pa64(DATA_PA(3)) = 0x3333;
    nflt = 0;
    check_eq("load from a stage 2 read-only page",
             guest(g_ld64, TVA(3), 0), 0x3333);
    fixer = fix_test_page;
    guest(g_str_x7, TVA(3), 0x7777777777UL);
    fixer = NULL;
    check_eq("store after a fixed stage 2 permission fault",
             *pa64(DATA_PA(3) + 0x20), 0x7777777777UL);
    check_eq("one abort", nflt, 1);
    check_fault("stage 2 permission fault, STR X7", 0,
                ESR(EC_DABT_LOW, ISV | SAS(3) | SRT(7) | SF | WNR |
                    FSC_PERM(3)),
                TVA(3) + 0x20, TEST_IPA(3), g_str_x7_insn);
}

/* Store forms on a read-only page, load forms on a no-access page. */
static void test_syndromes(void)
{
    static const uint64_t st[] = {
        ISV | SAS(0) | SRT(3) | WNR | FSC_PERM(3),          /* STRB W3 */
        ISV | SAS(1) | SRT(9) | WNR | FSC_PERM(3),          /* STRH reg */
        ISV | SAS(2) | SRT(4) | WNR | FSC_PERM(3),          /* STUR W4 */
        ISV | SAS(3) | SRT(3) | SF | WNR | FSC_PERM(3),     /* STR X3 */
        WNR | FSC_PERM(3),                                  /* STP */
        WNR | FSC_PERM(3),                                  /* pre-index */
        ISV | SAS(2) | SRT(4) | AR | WNR | FSC_PERM(3),     /* STLR W4 */
        WNR | FSC_PERM(3),                                  /* post-index */
    };
    static const uint64_t ld[] = {
        ISV | SAS(1) | SSE | SRT(4) | SF | FSC_PERM(3),     /* LDRSH X4 */
        ISV | SAS(0) | SSE | SRT(2) | FSC_PERM(3),          /* LDRSB W2 */
        ISV | SAS(3) | SRT(8) | SF | AR | FSC_PERM(3),      /* LDAR X8 */
        ISV | SAS(2) | SRT(11) | FSC_PERM(3),               /* LDR W11 reg */
        ISV | SAS(2) | SSE | SRT(10) | SF | FSC_PERM(3),    /* LDURSW */
        ISV | SAS(1) | SRT(13) | FSC_PERM(3),               /* LDRH W13 */
        FSC_PERM(3),                                        /* LDP */
        FSC_PERM(3),                                        /* pre-index */
        FSC_PERM(3),                                        /* LDR D0 */
    };
    char name[48];

    stage1_map(4, TEST_IPA(4));
    s2_l3_test[4] = DATA_PA(4) | S2_MEM_NORMAL | S2_AF | S2_RD | S2_PAGE;
    stage1_map(5, TEST_IPA(5));
    s2_l3_test[5] = DATA_PA(5) | S2_MEM_NORMAL | S2_AF | S2_PAGE;
    s2_tlbi_vmall();
    nflt = 0;
    guest(g_st_forms, TVA(4) + 0x40, 0);
    check_eq("stores: 8 aborts", nflt, 8);
    for (int i = 0; i < 8 && i < nflt; i++) {
        memcpy(name, "store form 0: ESR_EL2", 22);
        name[11] = (char)('0' + i);
        check_eq(name, flt[i].esr, ESR(EC_DABT_LOW, st[i]));
        check_eq("  ELR_EL2", flt[i].elr, (uint64_t)g_st_forms_insn + 4 * i);
    }
    nflt = 0;
    guest(g_ld_forms, TVA(5) + 0x40, 0);
    check_eq("loads: 9 aborts", nflt, 9);
    for (int i = 0; i < 9 && i < nflt; i++) {
        memcpy(name, "load form 0: ESR_EL2", 21);
        name[10] = (char)('0' + i);
        check_eq(name, flt[i].esr, ESR(EC_DABT_LOW, ld[i]));
        check_eq("  ELR_EL2", flt[i].elr, (uint64_t)g_ld_forms_insn + 4 * i);
    }
}

static void test_access_flag(void)
{
    stage1_map(6, TEST_IPA(6));
    s2_l3_test[6] = (DATA_PA(6) | S2_NORMAL_RW | S2_PAGE) & ~S2_AF;
    s2_tlbi_ipa(TEST_IPA(6));
    *pa64(DATA_PA(6) + 8) = 0x6666;
    nflt = 0;
    fixer = fix_test_page;
    check_eq("load after a fixed stage 2 access flag fault",
             guest(g_ldr_w5, TVA(6) + 8, 0), 0x6666);
    fixer = NULL;
    check_eq("one abort", nflt, 1);
    check_fault("stage 2 access flag fault", 0,
                ESR(EC_DABT_LOW, ISV | SAS(2) | SRT(5) | FSC_AF(3)),
                TVA(6) + 8, TEST_IPA(6), g_ldr_w5_insn);
}

/* pt_test (the stage 1 level 3 table of TEST_VA) unmapped at stage 2. */
static uint64_t *pt_test_s2(void)
{
    return &s2_l3_img[((uint64_t)pt_test - 0x40000000UL) >> 12];
}

static int fix_pt_test(struct gframe *f)
{
    (void)f;
    *pt_test_s2() |= S2_VALID;
    s2_tlbi_ipa((uint64_t)pt_test);
    return 1;
}

static void test_s1ptw(void)
{
    *pt_test_s2() &= ~S2_VALID;
    s2_tlbi_ipa((uint64_t)pt_test);
    nflt = 0;
    fixer = fix_pt_test;
    check_eq("load after a fixed fault on the stage 1 walk",
             guest(g_ld64, TVA(0), 0), 0x1111);
    fixer = NULL;
    check_eq("one abort", nflt, 1);
    check_fault("stage 2 fault on the stage 1 walk (S1PTW)", 0,
                ESR(EC_DABT_LOW, S1PTW | FSC_TRANS(3)), TVA(0),
                (uint64_t)pt_test, g_ld64_insn);
}

/* HCR_EL2.PTW: pt_test in stage 2 Device memory; the walk faults. */
static void test_ptw(void)
{
    uint64_t saved = *pt_test_s2();

    *pt_test_s2() = (saved & ~(0xfUL << 2)) | S2_MEM_DEVICE;
    s2_tlbi_ipa((uint64_t)pt_test);
    check_eq("PTW clear: the walk may read Device memory",
             guest(g_ld64, TVA(0), 0), 0x1111);
    write_sysreg(HCR_VM | HCR_RW | HCR_PTW, hcr_el2);
    isb();
    s2_tlbi_vmall();
    nflt = 0;
    guest(g_ld64, TVA(0), 0);
    check_eq("PTW set: one abort", nflt, 1);
    check_fault("HCR_EL2.PTW: stage 1 walk into stage 2 Device memory", 0,
                ESR(EC_DABT_LOW, S1PTW | FSC_PERM(3)), TVA(0),
                (uint64_t)pt_test, g_ld64_insn);
    write_sysreg(HCR_VM | HCR_RW, hcr_el2);
    *pt_test_s2() = saved;
    s2_tlbi_ipa((uint64_t)pt_test);
}

static uint64_t *rwx_s2(void)
{
    return &s2_l3_img[((uint64_t)g_rwx_fn - 0x40000000UL) >> 12];
}

static int fix_rwx(struct gframe *f)
{
    (void)f;
    *rwx_s2() &= ~S2_XN;
    s2_tlbi_ipa((uint64_t)g_rwx_fn);
    return 1;
}

static void test_exec(void)
{
    *rwx_s2() |= S2_XN;
    s2_tlbi_ipa((uint64_t)g_rwx_fn);
    nflt = 0;
    fixer = fix_rwx;
    check_eq("call after a fixed stage 2 execute-never fault",
             guest(g_rwx_fn, 0, 0), 0x5a);
    fixer = NULL;
    check_eq("one abort", nflt, 1);
    check_fault("stage 2 XN instruction abort", 0,
                ESR(EC_IABT_LOW, FSC_PERM(3)), (uint64_t)g_rwx_fn,
                (uint64_t)g_rwx_fn, g_rwx_fn);
    /* Execute-only at stage 2: the literal loads fault (and are skipped). */
    *rwx_s2() &= ~(S2_RD | S2_WR);
    s2_tlbi_ipa((uint64_t)g_rwx_fn);
    nflt = 0;
    check_eq("execute-only page: literal loads skipped",
             guest(g_rwx_lit, 0, 0), 3);
    *rwx_s2() |= S2_RD | S2_WR;
    s2_tlbi_ipa((uint64_t)g_rwx_fn);
    check_eq("two aborts", nflt, 2);
    check_fault("LDR X5 (literal), execute-only page", 0,
                ESR(EC_DABT_LOW, ISV | SAS(3) | SRT(5) | SF | FSC_PERM(3)),
                (uint64_t)g_rwx_lit_pool, (uint64_t)g_rwx_lit_pool,
                g_rwx_lit_insn);
    check_fault("LDRSW X6 (literal), execute-only page", 1,
                ESR(EC_DABT_LOW, ISV | SAS(2) | SSE | SRT(6) | SF |
                    FSC_PERM(3)),
                (uint64_t)g_rwx_lit_pool, (uint64_t)g_rwx_lit_pool,
                g_rwx_lit_insn + 4);
}

static void vmid(int n)
{
    write_sysreg((uint64_t)(n == 1 ? s2_l1 : s2b_l1) | VMID(n), vttbr_el2);
    isb();
}

static void test_vmid(void)
{
    stage1_map(7, TEST_IPA(7));
    s2_l3_test[7] = DATA_PA(7) | S2_NORMAL_RW | S2_PAGE;
    s2b_l3_test[7] = DATA_PA(8) | S2_NORMAL_RW | S2_PAGE;
    *pa64(DATA_PA(7)) = 0x7777;
    *pa64(DATA_PA(8)) = 0x8888;
    *pa64(DATA_PA(9)) = 0x9999;
    *pa64(DATA_PA(10)) = 0xaaaa;
    s2_tlbi_vmall();
    check_eq("VMID 1", guest(g_ld64, TVA(7), 0), 0x7777);
    vmid(2);
    check_eq("VMID 2: its own stage 2", guest(g_ld64, TVA(7), 0), 0x8888);
    vmid(1);
    check_eq("VMID 1 again", guest(g_ld64, TVA(7), 0), 0x7777);
    s2_l3_test[7] = DATA_PA(9) | S2_NORMAL_RW | S2_PAGE;
    s2_tlbi_ipa(TEST_IPA(7));
    check_eq("VMID 1 after TLBI IPAS2E1IS+VMALLE1IS",
             guest(g_ld64, TVA(7), 0), 0x9999);
    vmid(2);
    check_eq("VMID 2 unchanged", guest(g_ld64, TVA(7), 0), 0x8888);
    s2b_l3_test[7] = DATA_PA(10) | S2_NORMAL_RW | S2_PAGE;
    s2_tlbi_vmall();
    check_eq("VMID 2 after TLBI VMALLS12E1IS",
             guest(g_ld64, TVA(7), 0), 0xaaaa);
    vmid(1);
    check_eq("VMID 1 after VMID 2's TLBI", guest(g_ld64, TVA(7), 0),
             0x9999);
}

static uint64_t at(int op, uint64_t va)
{
    switch (op) {
    case 0:
        __asm__ volatile("at s12e1r, %0" : : "r"(va) : "memory");
        break;
    case 1:
        __asm__ volatile("at s12e1w, %0" : : "r"(va) : "memory");
        break;
    case 2:
        __asm__ volatile("at s12e0r, %0" : : "r"(va) : "memory");
        break;
    default:
        __asm__ volatile("at s1e1r, %0" : : "r"(va) : "memory");
        break;
    }
    isb();
    return read_sysreg(par_el1);
}

static void test_at(void)
{
    uint64_t par;

    par = at(0, TVA(0) + 0x123);
    check_eq("AT S12E1R: PAR_EL1", par, 0xff00000040a00b80UL);
    par = at(3, TVA(0) + 0x123);
    check_eq("AT S1E1R: PAR_EL1 (the IPA)", par, 0xff00008040a00b80UL);
    /* Stage 1 Device: SH as in the descriptor; combined: Outer. */
    check_eq("AT S1E1R, Device: PAR_EL1", at(3, UART_BASE), 0x9000a00);
    check_eq("AT S12E1R, Device: PAR_EL1", at(0, UART_BASE), 0x9000b00);
    s2_l3_test[12] = DATA_PA(12) | S2_NORMAL_RW | S2_PAGE;
    s2_l3_test[12] = (s2_l3_test[12] & ~(0xfUL << 2)) | (0x5UL << 2);
    stage1_map(12, TEST_IPA(12));
    check_eq("AT S12E1R, stage 2 Normal NC: PAR_EL1", at(0, TVA(12)),
             0x4400000040a0cb00UL);
    s2_l3_test[12] = (s2_l3_test[12] & ~(0xfUL << 2)) | (0xaUL << 2);
    s2_tlbi_ipa(TEST_IPA(12));
    check_eq("AT S12E1R, stage 2 Normal WT: PAR_EL1", at(0, TVA(12)),
             0xbb00000040a0cb80UL);
    s2_l3_test[12] = (s2_l3_test[12] & ~(0xfUL << 2)) | (0x2UL << 2);
    s2_tlbi_ipa(TEST_IPA(12));
    check_eq("AT S12E1R, stage 2 Device-nGRE: PAR_EL1", at(0, TVA(12)),
             0x0800000040a0cb00UL);
    stage1_map(11, TEST_IPA(11));
    par = at(0, TVA(11));
    check_eq("AT S12E1R, stage 2 fault: PAR_EL1", par,
             0x800 | (1 << 9) | (FSC_TRANS(3) << 1) | 1);
    par = at(1, TVA(4));
    check_eq("AT S12E1W, stage 2 read-only: PAR_EL1", par,
             0x800 | (1 << 9) | (FSC_PERM(3) << 1) | 1);
    par = at(2, TVA(0));
    check_eq("AT S12E0R, stage 1 permission fault: PAR_EL1", par,
             0x800 | (FSC_PERM(3) << 1) | 1);
    *pt_test_s2() &= ~S2_VALID;
    s2_tlbi_ipa((uint64_t)pt_test);
    par = at(0, TVA(0));
    check_eq("AT S12E1R, S1PTW: PAR_EL1", par,
             0x800 | (1 << 9) | (1 << 8) | (FSC_TRANS(3) << 1) | 1);
    *pt_test_s2() |= S2_VALID;
    s2_tlbi_ipa((uint64_t)pt_test);
    /* AT S1E1R at EL1, its walk faulting at stage 2: taken to EL2. */
    *pt_test_s2() &= ~S2_VALID;
    s2_tlbi_ipa((uint64_t)pt_test);
    nflt = 0;
    fixer = fix_pt_test;
    check_eq("AT S1E1R at EL1 after the fixed S1PTW fault: PAR_EL1",
             guest(g_at, TVA(0) + 0x10, 0), 0xff00008040a00b80UL);
    fixer = NULL;
    check_eq("one abort", nflt, 1);
    check_fault("AT S1E1R at EL1, stage 2 fault on its walk", 0,
                ESR(EC_DABT_LOW, (1UL << 8) | S1PTW | WNR | FSC_TRANS(3)),
                TVA(0) + 0x10, (uint64_t)pt_test, g_at_insn);
}

static volatile uint32_t virq_count;

/* EL1: the virtual IRQ; HVC #1 has EL2 clear HCR_EL2.VI. */
static int el1_irq(struct frame *f, int vec)
{
    (void)f;
    if (vec != VEC_CUR_SPX_IRQ) {
        return 0;
    }
    virq_count++;
    __asm__ volatile("hvc #1" : : : "memory");
    return 1;
}

static void test_virq(void)
{
    exc_handler = el1_irq;
    write_sysreg(HCR_VM | HCR_RW | HCR_IMO | HCR_VI, hcr_el2);
    isb();
    check_eq("virtual IRQ: ISR_EL1 before | after << 8 | taken << 16",
             guest(g_virq, (uint64_t)&virq_count, 0), 0x10080);
    check_eq("HCR_EL2.VI cleared", read_sysreg(hcr_el2) & HCR_VI, 0);
    write_sysreg(HCR_VM | HCR_RW, hcr_el2);
    isb();
    exc_handler = NULL;
}

/* VTCR_EL2 for the 64K granule: T0SZ 24, SL0 1 (level 2), TG0 64K. */
#define VTCR_64K        (24 | (1UL << 6) | (1UL << 8) | (1UL << 10) | \
                         (3UL << 12) | (1UL << 14) | (2UL << 16) | (1UL << 31))

static void test_64k(void)
{
    const uint64_t blk = 1UL << 29, pg = 1UL << 16;

    for (uint64_t i = 0; i < 8192; i++) {
        s2c_l3[i] = (0x40000000UL + i * pg) | S2_NORMAL_RW | S2_PAGE;
    }
    /* IPA 0x40600000 (64K) -> PA 0x40b00000; IPA 0x40620000 unmapped. */
    s2c_l3[(TEST_IPA(0) - 0x40000000UL) / pg] =
        0x40b00000UL | S2_NORMAL_RW | S2_PAGE;
    s2c_l3[(TEST_IPA(0x20) - 0x40000000UL) / pg] = 0;
    s2c_l2[0] = 0 | S2_MEM_DEVICE | S2_AF | S2_RD | S2_WR | S2_XN |
                S2_VALID;
    s2c_l2[0x40000000UL / blk] = (uint64_t)s2c_l3 | S2_TABLE;
    s2c_l2[HIGH_IPA / blk] = 0x40000000UL | S2_NORMAL_RW | S2_VALID;
    *pa64(0x40b07000UL) = 0xc0c0;
    stage1_map(0x20, TEST_IPA(0x20));
    write_sysreg(VTCR_64K, vtcr_el2);
    write_sysreg((uint64_t)s2c_l2 | VMID(3), vttbr_el2);
    isb();
    s2_tlbi_vmall();
    check_eq("64K granule: load through a stage 2 64K page",
             guest(g_ld64, TVA(7), 0), 0xc0c0);
    check_eq("64K granule: load through a 512M block",
             guest(g_ld64, TVA(0), 0), 0x1111);
    nflt = 0;
    guest(g_ldr_w5, TVA(0x20) + 4, 0);
    check_eq("one abort", nflt, 1);
    check_fault("64K granule: translation fault at level 3", 0,
                ESR(EC_DABT_LOW, ISV | SAS(2) | SRT(5) | FSC_TRANS(3)),
                TVA(0x20) + 4, TEST_IPA(0x20), g_ldr_w5_insn);
    write_sysreg(VTCR_VALUE, vtcr_el2);
    vmid(1);
    s2_tlbi_vmall();
    check_eq("4K granule again", guest(g_ld64, TVA(0), 0), 0x1111);
}

void el2_main(void);
void el2_main(void)
{
    psci_use_smc = 1;
    check_eq("entered at EL2", read_sysreg(CurrentEL), 8);
    s2_build();
    el1_mmu_setup();
    test_basic();
    test_translation_fault();
    test_permission_fault();
    test_syndromes();
    test_access_flag();
    test_s1ptw();
    test_exec();
    test_vmid();
    test_at();
    test_virq();
    test_64k();
    test_ptw();
    finish();
}

/* Entered at EL1: the board has no EL2 for us. */
int main(void);
int main(void)
{
    check_true("entered at EL2 (needs -M virt,virtualization=on)", 0);
    return finish();
}

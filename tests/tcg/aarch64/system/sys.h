/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sys.h - the tiny bare-metal runtime of the system-mode test programs.
 *
 * The programs run on the `virt` board, loaded by -kernel as an arm64
 * Image (start.S holds the header), at EL1 with the MMU off.  They print
 * on the PL011 at 0x09000000, check exact values themselves ("ok N - ..."
 * or "not ok N - ...: got X, want Y"), end with "PASS" or "FAIL <count>"
 * and power the board off with PSCI SYSTEM_OFF through HVC.
 */
#ifndef TESTS_TCG_AARCH64_SYSTEM_SYS_H
#define TESTS_TCG_AARCH64_SYSTEM_SYS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define UART_BASE       0x09000000UL
#define GICD_BASE       0x08000000UL
#define GICC_BASE       0x08010000UL    /* GICv2 CPU interface */
#define GICR_BASE       0x080a0000UL    /* GICv3 redistributor of CPU 0 */

/* The PSCI functions used (SMC32 calling convention IDs). */
#define PSCI_VERSION            0x84000000UL
#define PSCI_FEATURES           0x8400000aUL
#define PSCI_SYSTEM_OFF         0x84000008UL

/* Exception classes (ESR_ELx.EC) and the IL bit. */
#define EC_UNKNOWN      0x00
#define EC_WFX          0x01
#define EC_SVC64        0x15
#define EC_HVC64        0x16
#define EC_SYSREG       0x18
#define EC_IABT_LOW     0x20
#define EC_IABT_CUR     0x21
#define EC_PC_ALIGN     0x22
#define EC_DABT_LOW     0x24
#define EC_DABT_CUR     0x25
#define EC_BRK64        0x3c
#define ESR_IL          (1UL << 25)
#define ESR(ec, iss)    (((uint64_t)(ec) << 26) | ESR_IL | (iss))
#define ESR_WNR         (1UL << 6)

/* Vector indices passed to the handler: offset from VBAR_EL1 / 0x80. */
enum {
    VEC_CUR_SP0_SYNC = 0, VEC_CUR_SP0_IRQ = 1,
    VEC_CUR_SPX_SYNC = 4, VEC_CUR_SPX_IRQ = 5,
    VEC_LOW64_SYNC = 8, VEC_LOW64_IRQ = 9,
};

/* The registers saved by the vectors (start.S), editable by handlers. */
struct frame {
    uint64_t x[31];
    uint64_t sp_el0;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
};

/*
 * An exception handler returns 1 when it handled the exception (after
 * editing the frame: elr to resume elsewhere), 0 to report it as
 * unexpected, which fails the test and powers off.
 */
typedef int (*exc_handler_fn)(struct frame *f, int vec);
extern exc_handler_fn exc_handler;

#define read_sysreg(r) ({ uint64_t v_; \
    __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(v, r) do { uint64_t v_ = (v); \
    __asm__ volatile("msr " #r ", %0" : : "r"(v_) : "memory"); } while (0)
#define isb()   __asm__ volatile("isb" : : : "memory")
#define dsb()   __asm__ volatile("dsb sy" : : : "memory")

static inline uint32_t mmio_read32(uint64_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t val)
{
    *(volatile uint32_t *)addr = val;
}

static inline void mmio_write8(uint64_t addr, uint8_t val)
{
    *(volatile uint8_t *)addr = val;
}

/* lib.c */
void putc_(char c);
void puts_(const char *s);
void printf_(const char *fmt, ...);
uint64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
void power_off(void) __attribute__((noreturn));
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* Checks: each prints one "ok"/"not ok" line. */
int check_eq(const char *what, uint64_t got, uint64_t want);
int check_true(const char *what, int cond);
void note(const char *fmt, ...);
int finish(void);              /* prints PASS / FAIL n, returns the count */
extern int test_failures;

/* start.S */
/*
 * run_el0: ERET to fn at EL0 (AArch64, SP_EL0 = sp, x0 = arg, PSTATE
 * flags = 0, interrupts unmasked); returns the x0 of the "svc #0" with
 * which the EL0 code ends (el0_return, called by the default SVC 0
 * handling in exc_dispatch).
 */
uint64_t run_el0(void *fn, uint64_t arg, void *sp);
/* Nonzero: psci_call uses SMC (EL2 programs under virtualization=on). */
extern uint8_t psci_use_smc;
void el0_return(uint64_t val) __attribute__((noreturn));
extern char __image_start[], __text_end[], __el0_text_start[];
extern char __el0_text_end[], __el0_data_start[], __el0_data_end[];
extern char __image_end[], __rwx_start[], __rwx_end[];

/* pt.c: the 4K-granule identity map (see the comment there). */
#define PTE_TABLE       3UL             /* table, or page at level 3 */
#define PTE_BLOCK       1UL
#define PTE_ATTR(i)     ((uint64_t)(i) << 2)
#define PTE_AP_EL1_RW   (0UL << 6)
#define PTE_AP_ALL_RW   (1UL << 6)
#define PTE_AP_EL1_RO   (2UL << 6)
#define PTE_AP_ALL_RO   (3UL << 6)
#define PTE_SH_INNER    (3UL << 8)
#define PTE_AF          (1UL << 10)
#define PTE_NG          (1UL << 11)
#define PTE_PXN         (1UL << 53)
#define PTE_UXN         (1UL << 54)
#define PTE_NORMAL      (PTE_ATTR(1) | PTE_SH_INNER | PTE_AF)
#define PTE_DEVICE      (PTE_ATTR(0) | PTE_AF | PTE_PXN | PTE_UXN)
#define MAIR_VALUE      0x44ff00UL      /* 0 device, 1 WB, 2 non-cacheable */
#define TEST_VA         0x40400000UL    /* 512 test pages, pt_test[] */
extern uint64_t pt_test[512];
void mmu_build_4k(void);
void mmu_enable(uint64_t tcr, uint64_t ttbr0);
void mmu_disable(void);
uint64_t mmu_ttbr0_4k(void);
uint64_t pt_image_attrs(uint64_t pa);     /* rights of an image page */
uint64_t mmu_tcr_4k(void);
void tlbi_va(uint64_t va);
void tlbi_all(void);

#endif

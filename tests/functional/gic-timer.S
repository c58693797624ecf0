/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bare-metal guest for -M virt: the virtual timer (PPI, INTID 27) fires
 * through the GIC (GICV3 = 0: GICv2 MMIO CPU interface, 1: GICv3 with
 * ICC_* system registers) and is taken as an IRQ at EL1.  The handler
 * prints "I0K": I = IRQ taken, 0 = IAR returned INTID 27, K = running
 * priority idle again after EOI (X otherwise), then powers off (PSCI).
 * An arm64 Image header lets -kernel load it.
 */
    .text
    .globl _start
_start:
    b       code
    .long   0
    .quad   0               /* text_offset */
    .quad   0x10000         /* image_size */
    .quad   0xa             /* flags: 4K, anywhere */
    .quad   0, 0, 0
    .long   0x644d5241      /* "ARM\x64" */
    .long   0
code:
    adr     x1, vectors
    msr     vbar_el1, x1
    isb
    mov     x20, #0x09000000        /* PL011 */
    mov     w3, #0x301
    str     w3, [x20, #0x30]        /* UARTCR: UARTEN, TXE, RXE */
.if GICV3
    mov     x2, #0x08000000
    mov     w3, #0x13
    str     w3, [x2]                /* GICD_CTLR: ARE, G0, G1 */
    movz    x2, #0x080a, lsl #16    /* GICR RD_base of CPU 0 */
    str     wzr, [x2, #0x14]        /* GICR_WAKER: awake */
    add     x2, x2, #0x10000        /* SGI_base */
    mov     w3, #-1
    str     w3, [x2, #0x80]         /* IGROUPR0: group 1 */
    mov     w3, #(1 << 27)
    str     w3, [x2, #0x100]        /* ISENABLER0 */
    mov     w3, #0xa0
    strb    w3, [x2, #0x41b]        /* IPRIORITYR INTID 27 */
    mov     x3, #7
    msr     S3_0_C12_C12_5, x3      /* ICC_SRE_EL1 */
    isb
    mov     x3, #0xf0
    msr     S3_0_C4_C6_0, x3        /* ICC_PMR_EL1 */
    mov     x3, #1
    msr     S3_0_C12_C12_7, x3      /* ICC_IGRPEN1_EL1 */
.else
    mov     x2, #0x08000000
    mov     w3, #1
    str     w3, [x2]                /* GICD_CTLR */
    mov     w3, #(1 << 27)
    str     w3, [x2, #0x100]        /* ISENABLER0 */
    mov     w3, #0xa0
    strb    w3, [x2, #0x41b]
    movz    x21, #0x0801, lsl #16   /* GICC */
    mov     w3, #0xf0
    str     w3, [x21, #4]           /* GICC_PMR */
    mov     w3, #1
    str     w3, [x21]               /* GICC_CTLR */
.endif
    mov     x3, #1000
    msr     cntv_tval_el0, x3
    mov     x3, #1
    msr     cntv_ctl_el0, x3
    isb
    msr     daifclr, #2
1:  wfi
    b       1b

putc:   /* w0 */
    str     w0, [x20]
    ret

    .balign 2048
vectors:
    .fill   0x280, 1, 0
irq:
.if GICV3
    mrs     x5, S3_0_C12_C12_0      /* ICC_IAR1_EL1 */
.else
    ldr     w5, [x21, #0xc]         /* GICC_IAR */
.endif
    msr     cntv_ctl_el0, xzr
    isb
    mov     w0, #'I'
    bl      putc
    add     w0, w5, #('0' - 27)     /* '0' if INTID 27 */
    bl      putc
.if GICV3
    msr     S3_0_C12_C12_1, x5      /* ICC_EOIR1_EL1 */
    mrs     x6, S3_0_C12_C11_3      /* ICC_RPR_EL1 */
.else
    str     w5, [x21, #0x10]
    ldr     w6, [x21, #0x14]
.endif
    cmp     x6, #0xff
    mov     w0, #'K'
    mov     w1, #'X'
    csel    w0, w0, w1, eq
    bl      putc
    mov     w0, #'\n'
    bl      putc
    movz    x0, #0x8400, lsl #16
    add     x0, x0, #8              /* PSCI SYSTEM_OFF */
    hvc     #0
2:  b       2b

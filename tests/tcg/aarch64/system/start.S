/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * start.S - arm64 Image header, entry, exception vectors and the EL0
 * round trip of the system-mode test programs.
 *
 * The header (Documentation/arm64/booting.rst layout) asks for a
 * text_offset of 0x80000, so a loader puts us at RAM + 0x80000 =
 * 0x40080000 on `virt`, where the program is linked.  Entry: EL1, MMU
 * off, x0 = device tree address (unused).  A program that wants EL2
 * (run with -M virt,virtualization=on) defines el2_entry: entered at
 * EL2, we jump there instead (nothing set up); PSCI then goes over SMC
 * once it sets psci_use_smc.
 */
#define FRAME_SIZE 288

    .section .text.head, "ax"
    .globl _head
_head:
    b       _start                  /* code0 */
    .long   0                       /* code1 */
    .quad   0x80000                 /* text_offset */
    .quad   __image_size            /* image_size, with bss */
    .quad   0xa                     /* LE, 4K pages, anywhere in RAM */
    .quad   0, 0, 0
    .ascii  "ARM\x64"               /* magic */
    .long   0

_start:
    msr     daifset, #0xf
    mov     x19, x0
    adr     x1, _head
    ldr     x2, =_head
    cmp     x1, x2
    b.ne    bad_load
    mrs     x1, CurrentEL
    cmp     x1, #8                  /* EL2: the program's el2_entry */
    b.eq    at_el2
    cmp     x1, #4                  /* EL1 */
    b.ne    bad_el
    ldr     x1, =__stack_top
    mov     sp, x1
    ldr     x1, =__bss_start        /* clear bss */
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  ldr     x1, =vectors
    msr     vbar_el1, x1
    /* Little-endian, MMU and caches off, no alignment checks,
     * EL0 WFI/WFE/DAIF/DC ZVA trap, EL0 may read CTR_EL0. */
    ldr     x1, =0x30d08800
    msr     sctlr_el1, x1
    mov     x1, #(3 << 20)          /* FP/SIMD not trapped */
    msr     cpacr_el1, x1
    isb
    mov     x0, x19
    bl      main
    bl      power_off

    .weak   el2_entry
at_el2:
    ldr     x1, =el2_entry
    cbz     x1, bad_el
    br      x1

/* Wrong load address or EL: say so on the UART without any stack. */
bad_load:
    adr     x1, msg_load
    b       early_fail
bad_el:
    adr     x1, msg_el
early_fail:
    ldr     x2, =0x09000000
3:  ldrb    w3, [x1], #1
    cbz     w3, 4f
    str     w3, [x2]
    b       3b
4:  ldr     x0, =0x84000008         /* PSCI SYSTEM_OFF */
    hvc     #0
5:  wfi
    b       5b
msg_load:
    .asciz  "FAIL 1 - not loaded at 0x40080000 (text_offset ignored?)\n"
msg_el:
    .asciz  "FAIL 1 - not entered at EL1 (or EL2 with el2_entry)\n"
    .ltorg

/* ---- exception vectors ------------------------------------------------ */
.macro VEC idx
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\idx
    b       exc_common
.endm

    .balign 0x800
    .globl vectors
vectors:
    VEC 0
    VEC 1
    VEC 2
    VEC 3
    VEC 4
    VEC 5
    VEC 6
    VEC 7
    VEC 8
    VEC 9
    VEC 10
    VEC 11
    VEC 12
    VEC 13
    VEC 14
    VEC 15

exc_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #256]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #272]
    mov     x0, sp
    bl      exc_dispatch
    ldp     x2, x3, [sp, #256]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #240]
    msr     sp_el0, x2
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    add     sp, sp, #FRAME_SIZE
    eret

/* ---- EL0 round trip --------------------------------------------------- */
    .text
    .globl run_el0
run_el0:                            /* x0 = fn, x1 = arg, x2 = sp */
    ldr     x9, =el1_ctx
    stp     x19, x20, [x9, #0]
    stp     x21, x22, [x9, #16]
    stp     x23, x24, [x9, #32]
    stp     x25, x26, [x9, #48]
    stp     x27, x28, [x9, #64]
    stp     x29, x30, [x9, #80]
    mov     x10, sp
    mrs     x11, daif
    stp     x10, x11, [x9, #96]
    msr     sp_el0, x2
    msr     elr_el1, x0
    msr     spsr_el1, xzr           /* EL0t, NZCV and DAIF clear */
    mov     x0, x1
    eret

    .globl el0_return
el0_return:                         /* x0 = value for run_el0's caller */
    ldr     x9, =el1_ctx
    ldp     x19, x20, [x9, #0]
    ldp     x21, x22, [x9, #16]
    ldp     x23, x24, [x9, #32]
    ldp     x25, x26, [x9, #48]
    ldp     x27, x28, [x9, #64]
    ldp     x29, x30, [x9, #80]
    ldp     x10, x11, [x9, #96]
    mov     sp, x10
    msr     daif, x11
    ret

    .globl psci_call
psci_call:
    ldr     x9, =psci_use_smc
    ldrb    w9, [x9]
    cbnz    w9, 1f
    hvc     #0
    ret
1:  smc     #0
    ret
    .ltorg

    .bss
    .globl psci_use_smc
psci_use_smc:
    .skip   1
    .balign 16
el1_ctx:
    .skip   112

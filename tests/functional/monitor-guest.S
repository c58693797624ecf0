/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bare-metal guest for the monitor tests (hmp.sh, qmp.py) on -M virt:
 * sets x0..x30 to known values (xN = 0x1111 * N, x30 = 0x30303030),
 * prints "READY" on the PL011, then spins at `spin` forever, so that
 * info registers and x/xp have exact answers.  `data` holds four known
 * words.  An arm64 Image header lets -kernel load it.
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
    mov     x20, #0x09000000        /* PL011 */
    mov     w3, #0x301
    str     w3, [x20, #0x30]        /* UARTCR: UARTEN, TXE, RXE */
    adr     x1, msg
1:  ldrb    w2, [x1], #1
    cbz     w2, 2f
    str     w2, [x20]               /* UARTDR */
    b       1b
2:  adr     x1, data
    mov     sp, x1
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    mov     x\n, #(0x1111 * \n)
    .endr
    .irp n, 16,17,18,19,20,21,22,23,24,25,26,27,28,29
    movz    x\n, #(0x1111 * \n & 0xffff)
    movk    x\n, #(0x1111 * \n >> 16), lsl #16
    .endr
    movz    x30, #0x3030
    movk    x30, #0x3030, lsl #16
spin:
    b       spin

    .balign 16
data:
    .long   0xdeadbeef, 0x01234567, 0x89abcdef, 0x00c0ffee
msg:
    .asciz  "READY\n"

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Branches, in assembly: cbz/cbnz and tbz/tbnz on X and W registers
 * (W forms must ignore the high half), bl/blr/br/ret and the link
 * register (blr x30 reads x30 before writing it), ret to another register,
 * a jump table, a counted b.cond loop, and recursion.
 *
 * Freestanding, no libc: prints "ok N" / "not ok N" per check and exits
 * with the number of failures.
 */
    .text
    .globl _start
    .type _start, %function

/* CHECK n: compare x0 (got) with x1 (want), report test n. */
.macro CHECK n
    mov x2, #\n
    bl check
.endm

_start:
    mov x28, #0                     /* failures */
    mov x27, #0                     /* checks */

    /* 1-2: cbz x */
    mov x3, #0
    mov x0, #0
    cbz x3, 1f
    mov x0, #1
1:  mov x1, #0
    CHECK 1
    mov x3, #4
    mov x0, #0
    cbz x3, 1f
    mov x0, #2
1:  mov x1, #2
    CHECK 2

    /* 3-4: cbz/cbnz w ignore the high half */
    mov x3, #0x100000000
    mov x0, #0
    cbz w3, 1f
    mov x0, #1
1:  mov x1, #0
    CHECK 3
    mov x0, #0
    cbnz w3, 1f
    mov x0, #4
1:  mov x1, #4
    CHECK 4

    /* 5: cbnz x on the high half */
    mov x0, #0
    cbnz x3, 1f
    mov x0, #1
1:  mov x1, #0
    CHECK 5

    /* 6-9: tbz/tbnz */
    mov x3, #0x8000000000000000
    mov x0, #0
    tbz x3, #63, 1f
    mov x0, #6
1:  mov x1, #6
    CHECK 6
    mov x0, #0
    tbnz x3, #63, 1f
    mov x0, #1
1:  mov x1, #0
    CHECK 7
    mov x3, #0x100000000
    mov x0, #0
    tbnz x3, #32, 1f
    mov x0, #1
1:  mov x1, #0
    CHECK 8
    mov x3, #0xfffffffe
    mov x0, #0
    tbz w3, #0, 1f
    mov x0, #1
1:  mov x1, #0
    CHECK 9

    /* 10: bl sets x30 to the next instruction */
    bl 1f
2:  b 3f
1:  mov x0, x30
    adr x1, 2b
    ret
3:  CHECK 10

    /* 11: blr through a register */
    adr x4, ret_42
    mov x0, #0
    blr x4
    mov x1, #42
    CHECK 11

    /* 12-13: blr x30 jumps to the old x30 and links past itself */
    adr x30, 1f
    blr x30
2:  b 3f
1:  mov x0, x30
    adr x1, 2b
    ret
3:  CHECK 12
    mov x0, #1
    mov x1, #1
    CHECK 13

    /* 14: ret to another register */
    adr x5, 1f
    mov x0, #0
    ret x5
    mov x0, #99
1:  mov x1, #0
    CHECK 14

    /* 15-18: jump table with br */
    mov x6, #0
4:  adr x7, jtab
    ldrsw x8, [x7, x6, lsl #2]
    add x8, x7, x8
    br x8
jt_done:
    add x6, x6, #1
    cmp x6, #4
    b.ne 4b
    b 5f
jt0: mov x0, #10
    b 6f
jt1: mov x0, #11
    b 6f
jt2: mov x0, #12
    b 6f
jt3: mov x0, #13
6:  add x1, x6, #10
    mov x2, x6
    add x2, x2, #15
    bl check
    b jt_done
    .balign 4
jtab:
    .word jt0 - jtab
    .word jt1 - jtab
    .word jt2 - jtab
    .word jt3 - jtab
5:

    /* 19: counted loop with b.cond backwards: 1 + 2 + ... + 100 */
    mov x0, #0
    mov x3, #100
1:  add x0, x0, x3
    subs x3, x3, #1
    b.gt 1b
    mov x1, #5050
    CHECK 19

    /* 20: recursion: fib(20) */
    mov x0, #20
    bl fib
    mov x1, #6765
    CHECK 20

    /* 21: conditional branch on a w compare that differs from x */
    mov x3, #0x1ffffffff
    mov x0, #0
    cmp w3, #0
    b.lt 1f
    mov x0, #1
1:  mov x1, #0
    CHECK 21

    /* summary: exit(failures) */
    adr x1, msg_done
    adr x2, msg_done_end
    sub x2, x2, x1
    mov x0, #1
    mov x8, #64
    svc #0
    mov x0, x28
    mov x8, #94
    svc #0
    brk #0

ret_42:
    mov x0, #42
    ret

/* fib(x0) -> x0, naive recursion */
fib:
    cmp x0, #2
    b.lo 9f
    stp x29, x30, [sp, #-32]!
    mov x29, sp
    str x19, [sp, #16]
    sub x19, x0, #1
    mov x0, x19
    bl fib
    mov x1, x0
    sub x0, x19, #1
    mov x19, x1
    bl fib
    add x0, x0, x19
    ldr x19, [sp, #16]
    ldp x29, x30, [sp], #32
9:  ret

/* check: x0 got, x1 want, x2 test number; prints a line. */
check:
    stp x29, x30, [sp, #-48]!
    mov x29, sp
    stp x0, x1, [sp, #16]
    add x27, x27, #1
    adrp x9, line
    add x9, x9, :lo12:line
    cmp x0, x1
    b.eq 1f
    add x28, x28, #1
    mov w10, #'n'
    strb w10, [x9], #1
    mov w10, #'o'
    strb w10, [x9], #1
    mov w10, #'t'
    strb w10, [x9], #1
    mov w10, #' '
    strb w10, [x9], #1
1:  mov w10, #'o'
    strb w10, [x9], #1
    mov w10, #'k'
    strb w10, [x9], #1
    mov w10, #' '
    strb w10, [x9], #1
    /* two decimal digits */
    mov x11, #10
    udiv x12, x2, x11
    msub x13, x12, x11, x2
    cbz x12, 2f
    add w12, w12, #'0'
    strb w12, [x9], #1
2:  add w13, w13, #'0'
    strb w13, [x9], #1
    mov w10, #'\n'
    strb w10, [x9], #1
    adrp x1, line
    add x1, x1, :lo12:line
    sub x2, x9, x1
    mov x0, #1
    mov x8, #64
    svc #0
    ldp x0, x1, [sp, #16]
    ldp x29, x30, [sp], #48
    ret

msg_done:
    .ascii "done\n"
msg_done_end:

    .data
line:
    .space 32

# SPDX-License-Identifier: GPL-2.0-or-later
"""
Shared machinery of the A64 reference generators (a64-ref.py,
a64-simd-ref.py, a64-vec-ref.py): assemble a test snippet inside a
driver program with the Debian cross binutils, run it under
qemu-aarch64-static, read back what the driver writes to stdout, and
format the parts of the generated C headers the three have in common.
The scripts keep their case lists, their driver layouts and the C
structures they emit.

Driver fragments are lists of assembly lines; a driver joins them with
the case's data and code.  Nothing here writes into the source tree:
all files go to the temporary directory the caller passes.
"""

import os
import struct
import subprocess

AS = 'aarch64-linux-gnu-as'
LD = 'aarch64-linux-gnu-ld'
OBJCOPY = 'aarch64-linux-gnu-objcopy'
QEMU = 'qemu-aarch64-static'

M64 = 2**64 - 1
M128 = 2**128 - 1


def fnv1a(data):
    """FNV-1a 64 of data, as the unit tests compute it over guest memory."""
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & M64
    return h


# -- assembling and running ---------------------------------------------
def link_program(tmp, name, src, asflags=()):
    """Assemble and statically link src in tmp; return the executable."""
    s = os.path.join(tmp, name + '.s')
    o = os.path.join(tmp, name + '.o')
    exe = os.path.join(tmp, name)
    with open(s, 'w') as f:
        f.write(src)
    subprocess.run([AS] + list(asflags) + [s, '-o', o], check=True)
    subprocess.run([LD, '-static', o, '-o', exe], check=True)
    return exe


def run_program(tmp, name, src, cpu='max', asflags=()):
    """Build src and run it under QEMU as cpu; return its stdout bytes."""
    exe = link_program(tmp, name, src, asflags)
    return subprocess.run([QEMU, '-cpu', cpu, exe], check=True,
                          capture_output=True).stdout


def assemble_code(tmp, name, asm, asflags=()):
    """The case's code alone (what the unit test runs), as bytes."""
    cs = os.path.join(tmp, name + '-code.s')
    with open(cs, 'w') as f:
        f.write('    .text\n' + asm + '\n')
    co = cs + '.o'
    subprocess.run([AS] + list(asflags) + [cs, '-o', co], check=True)
    cb = cs + '.bin'
    subprocess.run([OBJCOPY, '-O', 'binary', '-j', '.text', co, cb],
                   check=True)
    with open(cb, 'rb') as f:
        return f.read()


# -- driver fragments ---------------------------------------------------
def quads(vals):
    """One .quad directive per value."""
    return '\n'.join('    .quad 0x%x' % v for v in vals)


def ldp_x(base):
    """Load x0..x26 from the 27 quads at [base]."""
    out = ['    ldp x%d, x%d, [%s, #%d]' % (i, i + 1, base, 8 * i)
           for i in range(0, 26, 2)]
    return out + ['    ldr x26, [%s, #208]' % base]


def stp_x(base):
    """Store x0..x26 to the 27 quads at [base]."""
    out = ['    stp x%d, x%d, [%s, #%d]' % (i, i + 1, base, 8 * i)
           for i in range(0, 26, 2)]
    return out + ['    str x26, [%s, #208]' % base]


def ldp_q(base):
    """Load q0..q31 from [base], advancing base past them."""
    return ['    ldp q%d, q%d, [%s], #32' % (i, i + 1, base)
            for i in range(0, 32, 2)]


def stp_q(base):
    """Store q0..q31 to [base], advancing base past them."""
    return ['    stp q%d, q%d, [%s], #32' % (i, i + 1, base)
            for i in range(0, 32, 2)]


def sys_write(addr, length):
    """write(1, addr, length); addr and length are immediate operands."""
    return ['    mov x0, #1',
            '    mov x1, #%s' % addr,
            '    mov x2, #%s' % length,
            '    mov x8, #64',
            '    svc #0']


SYS_EXIT0 = ['    mov x0, #0',
             '    mov x8, #93',
             '    svc #0']


def _mmap(addr, length, prot):
    return ['    mov x0, #%s' % addr,
            '    mov x1, #%s' % length,
            '    mov x2, #%d' % prot,
            '    mov x3, #0x32',          # MAP_PRIVATE|FIXED|ANONYMOUS
            '    mov x4, #-1',
            '    mov x5, #0',
            '    mov x8, #222',
            '    svc #0']


# Map the code page at 0x10000 (rwx) and the data area 0x20000..0x40000,
# fill the data with byte i = (i * 13 + 7) & 0xff, and copy the case's
# code (code_start..code_end) to 0x10000.
FLAT_SETUP = (_mmap('0x10000', '0x10000', 7) +
              _mmap('0x20000', '0x20000', 3) +
              ['    mov x0, #0x20000',
               '    mov x1, #0',
               '1:  mov x2, #13',
               '    mul x3, x1, x2',
               '    add x3, x3, #7',
               '    strb w3, [x0, x1]',
               '    add x1, x1, #1',
               '    cmp x1, #0x20000',
               '    b.lo 1b',
               '    adr x1, code_start',
               '    adr x2, code_end',
               '    mov x0, #0x10000',
               '2:  ldr w3, [x1], #4',
               '    str w3, [x0], #4',
               '    cmp x1, x2',
               '    b.lo 2b'])


def flat_driver(vregs):
    """
    Driver of a64-ref.py (vregs False) and a64-simd-ref.py (vregs True):
    the case runs at 0x10000 with the flat data area set up; inputs are
    31 quads (x0..x26, sp, x29, x30, unused), preceded by 32 V register
    pairs when vregs.  The output written to stdout is the 31 quads
    x0..x26, sp, x29, x30 and NZCV (FPSR when vregs) at offset 0, then
    (vregs only) V0..V31 at 256, then the first 4 KiB of the data area.
    Format with (inputs, code) or (vinputs, inputs, code).
    """
    flag = 'fpsr' if vregs else 'nzcv'
    lines = ['', '    .text', '    .global _start', '_start:']
    lines += FLAT_SETUP
    if vregs:
        lines += ['    adr x27, vinputs'] + ldp_q('x27')
    lines += ['    adr x28, ret_label',
              '    adr x27, inputs',
              '    ldr x0, [x27, #27 * 8]',
              '    mov sp, x0']
    lines += ldp_x('x27')
    lines += ['    ldp x29, x30, [x27, #224]']
    if vregs:
        lines += ['    msr fpsr, xzr']
    lines += ['    msr nzcv, xzr',
              '    mov x27, #0x10000',
              '    br x27',
              'ret_label:',
              '    mov x28, #0x30000']
    lines += stp_x('x28')
    lines += ['    mov x27, sp',
              '    str x27, [x28, #216]',
              '    stp x29, x30, [x28, #224]',
              '    mrs x27, %s' % flag,
              '    str x27, [x28, #240]']
    if vregs:
        lines += ['    add x27, x28, #256'] + stp_q('x27')
    lines += sys_write('0x30000', 768 if vregs else 248)
    lines += sys_write('0x20000', '0x1000')
    lines += SYS_EXIT0
    if vregs:
        lines += ['    .p2align 4', 'vinputs:', '%s']
    else:
        lines += ['    .p2align 3']
    lines += ['inputs:', '%s',
              '    .p2align 2',
              'code_start:', '%s',
              '    br x28',
              'code_end:', '']
    return '\n'.join(lines)


# -- C header output ----------------------------------------------------
def header_start(generator):
    """The first lines of a generated header; generator is its command."""
    return ['/* SPDX-License-Identifier: GPL-2.0-or-later */',
            '/* Generated by tests/unit/%s from '
            'qemu-aarch64-static: do not edit. */' % generator, '']


def code_words(code):
    """Little-endian instruction words of the bytes code."""
    return struct.unpack('<%dI' % (len(code) // 4), code)


def word_rows(words):
    """Initialiser rows of six 32-bit words each."""
    return ['    ' + ', '.join('0x%08x' % w for w in words[i:i + 6]) + ','
            for i in range(0, len(words), 6)]


def code_array(ident, words):
    """static const uint32_t ident[] holding words."""
    return (['static const uint32_t %s[] = {' % ident] + word_rows(words) +
            ['};'])


def value_rows(vals, fmt, per=3, indent='        '):
    """Initialiser rows of per values each, each value as fmt."""
    return [indent + ' '.join(fmt % v for v in vals[i:i + per])
            for i in range(0, len(vals), per)]


def case_start(ctype, var, name, code_ident, ncode):
    """Opening lines of a case struct: its name and code fields."""
    return ['static const %s %s = {' % (ctype, var),
            '    .name = "%s",' % name,
            '    .code = %s,' % code_ident,
            '    .ncode = %d,' % ncode]


def case_table(ctype, ident, vars_):
    """static const ctype *const ident[] pointing at every case struct."""
    return (['static const %s *const %s[] = {' % (ctype, ident)] +
            ['    &%s,' % v for v in vars_] + ['};'])

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
decodegen.py: turn an instruction pattern file (.decode) into a C decoder.

Usage (meson runs it; see frontend/aarch64/meson.build):

    decodegen.py -o decode-a64-int.c.inc a64-int.decode
    decodegen.py --table -o a64-decoders.c.inc a64-int.decode a64-fp.decode

The first form writes, for a64-int.decode, the function

    bool decode_a64_int(DisasContext *ctx, uint32_t insn);

plus the argument structs (arg_*) and static prototypes of every
trans_NAME(DisasContext *ctx, arg_X *a) it calls.  The translate file that
implements the trans_ functions includes the output once, after its own
includes.  decode_NAME returns false when no pattern matched or when every
matching trans_ function returned false: the caller raises UNDEF.

The second form writes prototypes of decode_NAME for each file named, and
the array `a64_decoders[]` (in the order given) the translator tries one
after the other.

Syntax (one statement per line; '#' starts a comment; a line ending in
'\\' continues on the next):

  Bit tokens, most significant bit first, 32 bits in all:
      0 1         fixed bits (a token may hold several: 100010)
      . -         bits the pattern does not fix (free, or filled by a
                  format)
      name:N      an N-bit unsigned field at this position
      name:sN     an N-bit field, sign-extended

  %name  SEG... [!function=FN]
      A named field built from segments POS:LEN (unsigned) or POS:sLEN
      (signed), concatenated with the first segment most significant.
      !function=FN passes the value through `int FN(DisasContext *ctx,
      int x)`, which the including file defines (static).

  &name  field...
      An argument set: the struct `arg_name` with one int per field.
      Patterns naming the same set share one trans_ signature.

  @name  TOKENS...
      A format: bit tokens (32 bits; '.' for what patterns fill in) and
      the same options as a pattern (&set, field=..., %field).  A pattern
      using @name gets the format's fixed bits, fields and set.

  NAME  TOKENS... [@format] [&set] [field=%named] [%named] [field=CONST]
      A pattern: calls trans_NAME(ctx, &a) when (insn & mask) == bits.
      Without a set (its own or its format's), the pattern gets the struct
      arg_NAME holding its fields; patterns sharing a name must then have
      the same fields.  `%named` alone means `named=%named`.  Fields of
      the set no token fills are 0.

  {  ...  }
      A group: its members may overlap; they are tried in order, and the
      first whose trans_ returns true wins (a false return falls through
      to the next member).  Outside groups, two patterns that can match
      the same word are an error.  Groups may nest.

Decoding is a tree of switches on the bits every remaining candidate
fixes, ending in short lists of mask tests, so cost grows with the depth
of the encoding space, not with the number of patterns.
"""

import argparse
import os
import re
import sys

INSN_BITS = 32


class DecodeError(Exception):
    pass


class Field:
    """A named (possibly multi-segment) field."""

    def __init__(self, name, segs, func=None):
        self.name = name
        self.segs = segs          # [(pos, len, signed)]
        self.func = func

    def c_expr(self):
        parts = []
        shift = 0
        for pos, ln, sgn in reversed(self.segs):
            if sgn and (pos, ln, sgn) == self.segs[0]:
                e = 'sextract32(insn, %d, %d)' % (pos, ln)
            else:
                e = 'extract32(insn, %d, %d)' % (pos, ln)
            if shift:
                e = '(int)((uint32_t)%s << %d)' % (e, shift)
            parts.append(e)
            shift += ln
        expr = ' | '.join(reversed(parts)) if len(parts) > 1 else parts[0]
        if self.func:
            expr = '%s(ctx, %s)' % (self.func, expr)
        return expr

    def key(self):
        return (tuple(self.segs), self.func)


class Pattern:
    def __init__(self, name, lineno):
        self.name = name
        self.lineno = lineno
        self.mask = 0
        self.bits = 0
        self.fields = {}      # name -> Field or int (constant)
        self.argset = None    # name of &set, or None (own struct)
        self.order = []       # field names in order of appearance


class Group:
    def __init__(self, lineno):
        self.lineno = lineno
        self.members = []

    @property
    def mask(self):
        """Bits every member fixes to the same value."""
        m = (1 << INSN_BITS) - 1
        for x in self.members:
            m &= x.mask
        if self.members:
            b0 = self.members[0].bits
            for x in self.members:
                m &= ~(x.bits ^ b0)
        return m

    @property
    def bits(self):
        return self.members[0].bits & self.mask if self.members else 0


class Parser:
    def __init__(self, path):
        self.path = path
        self.fields = {}
        self.argsets = {}     # name -> [field names]
        self.formats = {}     # name -> Pattern
        self.root = Group(0)
        self.stack = [self.root]
        self.patterns = []

    def err(self, lineno, msg):
        raise DecodeError('%s:%d: %s' % (self.path, lineno, msg))

    def parse(self):
        with open(self.path) as f:
            lines = f.read().split('\n')
        buf, start = '', 0
        for i, raw in enumerate(lines, 1):
            line = raw.split('#', 1)[0].rstrip()
            if not buf:
                start = i
            if line.endswith('\\'):
                buf += line[:-1] + ' '
                continue
            buf += line
            if buf.strip():
                self.statement(start, buf.split())
            buf = ''
        if len(self.stack) != 1:
            self.err(self.stack[-1].lineno, 'unclosed group')

    def statement(self, ln, toks):
        head = toks[0]
        if head == '{':
            if len(toks) != 1:
                self.err(ln, "'{' must stand alone")
            g = Group(ln)
            self.stack[-1].members.append(g)
            self.stack.append(g)
        elif head == '}':
            if len(toks) != 1 or len(self.stack) == 1:
                self.err(ln, "unbalanced '}'")
            g = self.stack.pop()
            if not g.members:
                self.err(ln, 'empty group')
        elif head.startswith('%'):
            self.field_def(ln, head[1:], toks[1:])
        elif head.startswith('&'):
            name = head[1:]
            self.check_ident(ln, name)
            if name in self.argsets:
                self.err(ln, 'argument set &%s defined twice' % name)
            for t in toks[1:]:
                self.check_ident(ln, t)
            self.argsets[name] = toks[1:]
        elif head.startswith('@'):
            name = head[1:]
            self.check_ident(ln, name)
            p = Pattern(name, ln)
            self.pattern_body(ln, p, toks[1:], is_format=True)
            self.formats[name] = p
        else:
            self.check_ident(ln, head)
            p = Pattern(head, ln)
            self.pattern_body(ln, p, toks[1:], is_format=False)
            self.stack[-1].members.append(p)
            self.patterns.append(p)

    def check_ident(self, ln, name):
        if not re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', name):
            self.err(ln, 'bad name %r' % name)

    def field_def(self, ln, name, toks):
        self.check_ident(ln, name)
        segs, func = [], None
        for t in toks:
            m = re.fullmatch(r'(\d+):(s?)(\d+)', t)
            if m:
                pos, ln_ = int(m.group(1)), int(m.group(3))
                if ln_ < 1 or pos + ln_ > INSN_BITS:
                    self.err(ln, 'segment %s out of range' % t)
                segs.append((pos, ln_, m.group(2) == 's'))
            elif t.startswith('!function='):
                func = t[len('!function='):]
                self.check_ident(ln, func)
            else:
                self.err(ln, 'bad field token %r' % t)
        if not segs:
            self.err(ln, 'field %%%s has no segments' % name)
        if any(s[2] for s in segs[1:]):
            self.err(ln, 'only the first segment may be signed')
        if name in self.fields:
            self.err(ln, 'field %%%s defined twice' % name)
        self.fields[name] = Field(name, segs, func)

    def add_field(self, ln, p, name, val):
        if name in p.fields:
            self.err(ln, 'field %s given twice' % name)
        p.fields[name] = val
        p.order.append(name)

    def pattern_body(self, ln, p, toks, is_format):
        pos = INSN_BITS
        fmt = None
        for t in toks:
            if re.fullmatch(r'[01.\-]+', t):
                for ch in t:
                    pos -= 1
                    if pos < 0:
                        self.err(ln, 'more than %d bits' % INSN_BITS)
                    if ch in '01':
                        p.mask |= 1 << pos
                        p.bits |= int(ch) << pos
                continue
            m = re.fullmatch(r'([A-Za-z_]\w*):(s?)(\d+)', t)
            if m:
                width = int(m.group(3))
                pos -= width
                if width < 1 or pos < 0:
                    self.err(ln, 'field %s does not fit' % t)
                self.add_field(ln, p, m.group(1),
                               Field(m.group(1),
                                     [(pos, width, m.group(2) == 's')]))
                continue
            if t.startswith('@'):
                if is_format or fmt is not None:
                    self.err(ln, 'one format per pattern')
                fmt = self.formats.get(t[1:])
                if fmt is None:
                    self.err(ln, 'unknown format %s' % t)
                continue
            if t.startswith('&'):
                if p.argset is not None:
                    self.err(ln, 'one argument set per pattern')
                if t[1:] not in self.argsets:
                    self.err(ln, 'unknown argument set %s' % t)
                p.argset = t[1:]
                continue
            if t.startswith('%'):
                t = t[1:] + '=' + t
            m = re.fullmatch(r'([A-Za-z_]\w*)=(%?)(-?\w+)', t)
            if m:
                name, ref, val = m.groups()
                if ref:
                    if val not in self.fields:
                        self.err(ln, 'unknown field %%%s' % val)
                    self.add_field(ln, p, name, self.fields[val])
                else:
                    try:
                        self.add_field(ln, p, name, int(val, 0))
                    except ValueError:
                        self.err(ln, 'bad constant %r' % val)
                continue
            self.err(ln, 'bad token %r' % t)
        if pos != 0:
            self.err(ln, '%d bits, expected %d' % (INSN_BITS - pos,
                                                   INSN_BITS))
        if fmt is not None:
            if (p.bits ^ fmt.bits) & p.mask & fmt.mask:
                self.err(ln, 'fixed bits conflict with @%s' % fmt.name)
            p.mask |= fmt.mask
            p.bits |= fmt.bits
            for n in fmt.order:
                self.add_field(ln, p, n, fmt.fields[n])
            if p.argset is None:
                p.argset = fmt.argset
        if p.argset is not None and not is_format:
            allowed = set(self.argsets[p.argset])
            for n in p.fields:
                if n not in allowed:
                    self.err(ln, 'field %s is not in &%s' % (n, p.argset))


def overlaps(a, b):
    return ((a.bits ^ b.bits) & a.mask & b.mask) == 0


def check_disjoint(parser, items):
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            a, b = items[i], items[j]
            if overlaps(a, b):
                la = getattr(a, 'name', 'group')
                lb = getattr(b, 'name', 'group')
                parser.err(b.lineno, '%s overlaps %s (line %d); put them '
                           'in a { group }' % (lb, la, a.lineno))


class Emitter:
    def __init__(self, parser, fname):
        self.p = parser
        self.fname = fname
        self.out = []
        self.structs = {}     # struct name -> [fields]
        self.trans = {}       # trans name -> struct name
        self.extract_fns = {} # key -> function name
        self.labels = 0

    def w(self, s=''):
        self.out.append(s)

    def struct_of(self, pat):
        if pat.argset is not None:
            return 'arg_' + pat.argset, self.p.argsets[pat.argset]
        return 'arg_' + pat.name, sorted(pat.fields)

    def collect(self):
        for name, fields in self.p.argsets.items():
            self.structs['arg_' + name] = fields
        for pat in self.p.patterns:
            sname, fields = self.struct_of(pat)
            if pat.argset is None:
                old = self.structs.get(sname)
                if old is not None and old != fields:
                    self.p.err(pat.lineno, 'pattern %s: fields differ from '
                               'an earlier %s' % (pat.name, pat.name))
                self.structs[sname] = fields
            old = self.trans.get(pat.name)
            if old is not None and old != sname:
                self.p.err(pat.lineno, 'trans_%s called with two argument '
                           'structs (%s, %s)' % (pat.name, old, sname))
            self.trans[pat.name] = sname

    def extractor(self, pat):
        """Name of a function filling the pattern's struct from insn."""
        sname, _ = self.struct_of(pat)
        items = []
        for n in sorted(pat.fields):
            v = pat.fields[n]
            items.append((n, v.key() if isinstance(v, Field) else v))
        key = (sname, tuple(items))
        fn = self.extract_fns.get(key)
        if fn is None:
            fn = 'decode_%s_extract_%d' % (self.fname, len(self.extract_fns))
            self.extract_fns[key] = fn
            self.extract_src.append((fn, sname, pat))
        return fn

    def emit_header(self, src):
        self.w('/* SPDX-License-Identifier: GPL-2.0-or-later */')
        self.w('/* Generated by scripts/decodegen.py from %s: do not edit. */'
               % os.path.basename(src))
        self.w()
        self.w('#include <stdbool.h>')
        self.w('#include <stdint.h>')
        self.w()
        self.w('#ifndef DECODEGEN_BITOPS')
        self.w('#define DECODEGEN_BITOPS')
        self.w('static inline int extract32(uint32_t v, int pos, int len)')
        self.w('{')
        self.w('    return (int)((v >> pos) & (0xffffffffu >> (32 - len)));')
        self.w('}')
        self.w()
        self.w('static inline int sextract32(uint32_t v, int pos, int len)')
        self.w('{')
        self.w('    return (int32_t)(v << (32 - len - pos)) >> (32 - len);')
        self.w('}')
        self.w('#endif')
        self.w()

    def emit_structs(self):
        for sname in sorted(self.structs):
            fields = self.structs[sname]
            self.w('typedef struct {')
            if not fields:
                self.w('    int unused_;')
            for f in fields:
                self.w('    int %s;' % f)
            self.w('} %s;' % sname)
            self.w()
        for t in sorted(self.trans):
            self.w('static bool trans_%s(DisasContext *ctx, %s *a);'
                   % (t, self.trans[t]))
        self.w()

    def emit_extractors(self):
        for fn, sname, pat in self.extract_src:
            self.w('static void %s(DisasContext *ctx, %s *a, uint32_t insn)'
                   % (fn, sname))
            self.w('{')
            self.w('    (void)ctx;')
            self.w('    (void)insn;')
            for n in sorted(pat.fields):
                v = pat.fields[n]
                if isinstance(v, Field):
                    self.w('    a->%s = %s;' % (n, v.c_expr()))
                else:
                    self.w('    a->%s = %d;' % (n, v))
            self.w('}')
            self.w()

    # -- decision tree --------------------------------------------------

    def emit_pattern(self, pat, ind, known):
        sname, _ = self.struct_of(pat)
        fn = self.extractor(pat)
        need = pat.mask & ~known
        cond = None
        if need:
            cond = '(insn & 0x%08x) == 0x%08x' % (need, pat.bits & need)
        pad = '    ' * ind
        if cond:
            self.w('%sif (%s) {' % (pad, cond))
            pad2 = pad + '    '
        else:
            self.w('%s{' % pad)
            pad2 = pad + '    '
        self.w('%s%s u_%s = { 0 };' % (pad2, sname, pat.name.lower()))
        self.w('%s%s(ctx, &u_%s, insn);' % (pad2, fn, pat.name.lower()))
        self.w('%sif (trans_%s(ctx, &u_%s)) {' % (pad2, pat.name,
                                                  pat.name.lower()))
        self.w('%s    return true;' % pad2)
        self.w('%s}' % pad2)
        self.w('%s}' % pad)

    def emit_group(self, g, ind, known):
        pad = '    ' * ind
        need = g.mask & ~known
        if need:
            self.w('%sif ((insn & 0x%08x) == 0x%08x) {'
                   % (pad, need, g.bits & need))
        else:
            self.w('%s{' % pad)
        for m in g.members:
            self.emit_item(m, ind + 1, known | g.mask)
        self.w('%s}' % pad)

    def emit_item(self, it, ind, known):
        if isinstance(it, Group):
            self.emit_group(it, ind, known)
        else:
            self.emit_pattern(it, ind, known)

    def emit_tree(self, items, ind, known):
        """Items are pairwise disjoint: switch on bits they all fix."""
        common = (1 << INSN_BITS) - 1
        for it in items:
            common &= it.mask
        common &= ~known
        if len(items) <= 2 or not common:
            for it in items:
                self.emit_item(it, ind, known)
            return
        buckets = {}
        for it in items:
            buckets.setdefault(it.bits & common, []).append(it)
        if len(buckets) == 1:
            (only,) = buckets.values()
            pad = '    ' * ind
            v = next(iter(buckets))
            self.w('%sif ((insn & 0x%08x) == 0x%08x) {' % (pad, common, v))
            self.emit_tree(only, ind + 1, known | common)
            self.w('%s}' % pad)
            return
        pad = '    ' * ind
        self.w('%sswitch (insn & 0x%08x) {' % (pad, common))
        for v in sorted(buckets):
            self.w('%scase 0x%08x:' % (pad, v))
            self.emit_tree(buckets[v], ind + 1, known | common)
            self.w('%s    break;' % pad)
        self.w('%s}' % pad)

    def emit(self, src):
        self.collect()
        self.extract_src = []
        body = []
        saved = self.out
        self.out = body
        self.w('bool decode_%s(DisasContext *ctx, uint32_t insn)'
               % self.fname)
        self.w('{')
        self.emit_tree(self.p.root.members, 1, 0)
        self.w('    return false;')
        self.w('}')
        self.out = saved
        self.emit_header(src)
        self.emit_structs()
        self.emit_extractors()
        self.w('bool decode_%s(DisasContext *ctx, uint32_t insn);'
               % self.fname)
        self.w()
        self.out.extend(body)
        return '\n'.join(self.out) + '\n'


def decoder_name(path):
    base = os.path.basename(path)
    if base.endswith('.decode'):
        base = base[:-len('.decode')]
    return re.sub(r'\W', '_', base)


def validate(parser):
    def walk(g, top):
        if top:
            check_disjoint(parser, g.members)
        for m in g.members:
            if isinstance(m, Group):
                walk(m, False)
    walk(parser.root, True)


def gen_table(paths):
    out = ['/* SPDX-License-Identifier: GPL-2.0-or-later */',
           '/* Generated by scripts/decodegen.py --table: do not edit. */',
           '']
    names = [decoder_name(p) for p in paths]
    for n in names:
        out.append('bool decode_%s(DisasContext *ctx, uint32_t insn);' % n)
    out.append('')
    out.append('static A64DecodeFn *const a64_decoders[] = {')
    for n in names:
        out.append('    decode_%s,' % n)
    out.append('};')
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--table', action='store_true',
                    help='write the table of decoders instead')
    ap.add_argument('inputs', nargs='+')
    args = ap.parse_args()
    try:
        if args.table:
            text = gen_table(args.inputs)
        else:
            if len(args.inputs) != 1:
                raise DecodeError('one .decode file at a time')
            src = args.inputs[0]
            p = Parser(src)
            p.parse()
            validate(p)
            text = Emitter(p, decoder_name(src)).emit(src)
    except (DecodeError, OSError) as e:
        print('decodegen: %s' % e, file=sys.stderr)
        return 1
    with open(args.output, 'w') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IR builder, its text form and its verifier.
 *
 * Everything here is guest- and host-independent: frontends call the
 * builder, passes walk IRContext.ops, backends read it.  See
 * include/kestrel/ir.h for the op semantics.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "kestrel/ir.h"
#include "ir-eval.h"

const IROpDef ir_op_defs[IR_OP_COUNT] = {
#define IR_DEF_TABLE(n, o, i, c, f) [IR_OP_##n] = { #n, o, i, c, f },
    IR_OPS(IR_DEF_TABLE)
#undef IR_DEF_TABLE
};

static const char *const cond_names[IR_COND_COUNT] = {
    [IR_COND_NEVER] = "never", [IR_COND_ALWAYS] = "always",
    [IR_COND_EQ] = "eq",       [IR_COND_NE] = "ne",
    [IR_COND_LT] = "lt",       [IR_COND_GE] = "ge",
    [IR_COND_LE] = "le",       [IR_COND_GT] = "gt",
    [IR_COND_LTU] = "ltu",     [IR_COND_GEU] = "geu",
    [IR_COND_LEU] = "leu",     [IR_COND_GTU] = "gtu",
};

/* ------------------------------------------------------------------ */
/* Conditions                                                          */

IRCond ir_cond_invert(IRCond c)
{
    static const IRCond inv[IR_COND_COUNT] = {
        [IR_COND_NEVER] = IR_COND_ALWAYS, [IR_COND_ALWAYS] = IR_COND_NEVER,
        [IR_COND_EQ] = IR_COND_NE,        [IR_COND_NE] = IR_COND_EQ,
        [IR_COND_LT] = IR_COND_GE,        [IR_COND_GE] = IR_COND_LT,
        [IR_COND_LE] = IR_COND_GT,        [IR_COND_GT] = IR_COND_LE,
        [IR_COND_LTU] = IR_COND_GEU,      [IR_COND_GEU] = IR_COND_LTU,
        [IR_COND_LEU] = IR_COND_GTU,      [IR_COND_GTU] = IR_COND_LEU,
    };
    return inv[c];
}

IRCond ir_cond_swap(IRCond c)
{
    static const IRCond swp[IR_COND_COUNT] = {
        [IR_COND_NEVER] = IR_COND_NEVER, [IR_COND_ALWAYS] = IR_COND_ALWAYS,
        [IR_COND_EQ] = IR_COND_EQ,       [IR_COND_NE] = IR_COND_NE,
        [IR_COND_LT] = IR_COND_GT,       [IR_COND_GE] = IR_COND_LE,
        [IR_COND_LE] = IR_COND_GE,       [IR_COND_GT] = IR_COND_LT,
        [IR_COND_LTU] = IR_COND_GTU,     [IR_COND_GEU] = IR_COND_LEU,
        [IR_COND_LEU] = IR_COND_GEU,     [IR_COND_GTU] = IR_COND_LTU,
    };
    return swp[c];
}

bool ir_cond_eval(IRCond c, IRType t, uint64_t a, uint64_t b)
{
    return ir_eval_cond(c, t == IR_I32 ? 32 : 64, a, b);
}

/* ------------------------------------------------------------------ */
/* Context, temps, labels                                              */

static IRTemp temp_alloc(IRContext *s, IRType type, IRTempKind kind)
{
    IRTempDesc *t;

    if (s->nb_temps == s->cap_temps) {
        s->cap_temps = s->cap_temps ? s->cap_temps * 2 : 256;
        s->temps = g_renew(IRTempDesc, s->temps, s->cap_temps);
    }
    t = &s->temps[s->nb_temps];
    memset(t, 0, sizeof(*t));
    t->type = type;
    t->kind = kind;
    t->reg = -1;
    return s->nb_temps++;
}

#define IR_CONST_TAB_MIN 256

void ir_context_init(IRContext *s)
{
    memset(s, 0, sizeof(*s));
    s->const_tab = g_new0(IRConstEntry, IR_CONST_TAB_MIN);
    s->const_mask = IR_CONST_TAB_MIN - 1;
    s->const_stamp = 2;
    s->env = temp_alloc(s, IR_I64, IR_TEMP_FIXED);
    s->temps[s->env].name = "env";
    s->nb_globals = s->nb_temps;
    s->insn_start_words = 1;
    s->optimize = true;
}

void ir_context_destroy(IRContext *s)
{
    for (unsigned i = 0; i < IR_SCRATCH_COUNT; i++) {
        g_free(s->scratch[i].ptr);
    }
    g_free(s->const_tab);
    g_free(s->temps);
    g_free(s->ops);
    memset(s, 0, sizeof(*s));
}

void ir_context_reset(IRContext *s)
{
    s->nb_temps = s->nb_globals;
    s->nb_ops = 0;
    s->nb_labels = 0;
    s->nb_insns = 0;
    /* Forget every constant at once; on wrap-around, for real. */
    s->const_count = 0;
    s->const_stamp += 2;
    if (s->const_stamp == 0) {
        memset(s->const_tab, 0, (s->const_mask + 1) * sizeof(IRConstEntry));
        s->const_stamp = 2;
    }
    /* Per-TB allocator state of globals must not leak into the next TB. */
    for (uint32_t i = 0; i < s->nb_globals; i++) {
        IRTempDesc *t = &s->temps[i];
        t->reg = -1;
        t->val_loc = 0;
        t->mem_coherent = false;
        t->mem_allocated = false;
        t->spill_offset = 0;
        t->opt_state = 0;
    }
}

void *ir_scratch_grow(IRContext *s, unsigned slot, size_t bytes)
{
    IRScratch *b = &s->scratch[slot];
    size_t size = MAX(bytes, MAX(b->size * 2, 256));

    g_assert(slot < IR_SCRATCH_COUNT);
    b->ptr = g_realloc(b->ptr, size);
    b->size = size;
    return b->ptr;
}

void *ir_scratch0(IRContext *s, unsigned slot, size_t bytes)
{
    void *p = ir_scratch(s, slot, bytes);

    memset(p, 0, bytes);
    return p;
}

uintptr_t ir_mem_slow_fn(const IRContext *s, IROpcode opc)
{
    switch (opc) {
    case IR_OP_qemu_ld:
        return (uintptr_t)s->ld_slow;
    case IR_OP_qemu_st:
        return (uintptr_t)s->st_slow;
    case IR_OP_qemu_ld128:
        return (uintptr_t)s->ld128_slow;
    case IR_OP_qemu_st128:
        return (uintptr_t)s->st128_slow;
    default:
        g_assert_not_reached();
    }
}

IRTemp ir_global_new(IRContext *s, IRType type, int32_t offset,
                     const char *name)
{
    IRTemp t;

    /* Globals stay contiguous after env so a reset can keep them. */
    g_assert(s->nb_temps == s->nb_globals);
    t = temp_alloc(s, type, IR_TEMP_GLOBAL);
    s->temps[t].mem_offset = offset;
    s->temps[t].name = name;
    s->nb_globals = s->nb_temps;
    return t;
}

IRTemp ir_temp_new(IRContext *s, IRType type)
{
    return temp_alloc(s, type, IR_TEMP_NORMAL);
}

static inline uint32_t const_hash(int64_t v, IRType type)
{
    uint64_t h = ((uint64_t)v ^ type) * 0x9e3779b97f4a7c15ull;

    return (uint32_t)(h >> 32);
}

/* Double the constant table, keeping this TB's entries. */
static void const_tab_grow(IRContext *s)
{
    uint32_t old_n = s->const_mask + 1, n = old_n * 2;
    IRConstEntry *old = s->const_tab;

    s->const_tab = g_new0(IRConstEntry, n);
    s->const_mask = n - 1;
    for (uint32_t i = 0; i < old_n; i++) {
        IRConstEntry *e = &old[i];
        uint32_t h;

        if ((e->stamp & ~1u) != s->const_stamp) {
            continue;
        }
        h = const_hash(e->val, e->stamp & 1) & s->const_mask;
        while (s->const_tab[h].stamp & ~1u) {
            h = (h + 1) & s->const_mask;
        }
        s->const_tab[h] = *e;
    }
    g_free(old);
}

IRTemp ir_const(IRContext *s, IRType type, int64_t v)
{
    uint32_t stamp = s->const_stamp | type;
    uint32_t h;
    IRTemp t;

    if (type == IR_I32) {
        v = (int32_t)v;
    }
    /* Linear probing; at most half full, so a free entry ends the run. */
    for (h = const_hash(v, type) & s->const_mask;
         (s->const_tab[h].stamp & ~1u) == s->const_stamp;
         h = (h + 1) & s->const_mask) {
        if (s->const_tab[h].stamp == stamp && s->const_tab[h].val == v) {
            return s->const_tab[h].temp;
        }
    }
    t = temp_alloc(s, type, IR_TEMP_CONST);
    s->temps[t].val = v;
    s->const_tab[h] = (IRConstEntry){ .val = v, .temp = t, .stamp = stamp };
    if (++s->const_count * 2 > s->const_mask + 1) {
        const_tab_grow(s);
    }
    return t;
}

IRTemp ir_const_i32(IRContext *s, int32_t v)
{
    return ir_const(s, IR_I32, v);
}

IRTemp ir_const_i64(IRContext *s, int64_t v)
{
    return ir_const(s, IR_I64, v);
}

IRLabel ir_label_new(IRContext *s)
{
    return s->nb_labels++;
}

/* ------------------------------------------------------------------ */
/* Emitting ops                                                        */

static IROp *op_alloc(IRContext *s)
{
    if (s->nb_ops == s->cap_ops) {
        s->cap_ops = s->cap_ops ? s->cap_ops * 2 : 1024;
        s->ops = g_renew(IROp, s->ops, s->cap_ops);
    }
    return &s->ops[s->nb_ops++];
}

static void op_init(IROp *op, IROpcode opc, IRType type)
{
    const IROpDef *def = &ir_op_defs[opc];

    memset(op, 0, sizeof(*op));
    op->opc = opc;
    op->type = type;
    op->nb_oargs = def->nb_oargs;
    op->nb_iargs = def->nb_iargs;
    op->nb_cargs = def->nb_cargs;
}

IROp *ir_emit(IRContext *s, IROpcode opc, IRType type, const uint64_t *args)
{
    IROp *op = op_alloc(s);
    unsigned n;

    op_init(op, opc, type);
    n = op->nb_oargs + op->nb_iargs + op->nb_cargs;
    memcpy(op->args, args, n * sizeof(uint64_t));
    return op;
}

IROp *ir_insert_before(IRContext *s, uint32_t idx, IROpcode opc,
                       IRType type, unsigned nargs)
{
    IROp *op;

    g_assert(idx <= s->nb_ops);
    op_alloc(s);
    memmove(&s->ops[idx + 1], &s->ops[idx],
            (s->nb_ops - 1 - idx) * sizeof(IROp));
    op = &s->ops[idx];
    op_init(op, opc, type);
    (void)nargs;
    return op;
}

void ir_op_remove(IRContext *s, uint32_t idx)
{
    op_init(&s->ops[idx], IR_OP_nop, IR_I64);
}

void ir_insn_start(IRContext *s, uint64_t w0, uint64_t w1, uint64_t w2)
{
    ir_emit(s, IR_OP_insn_start, IR_I64, IR_A(w0, w1, w2));
    s->nb_insns++;
}

void ir_call(IRContext *s, const IRHelperInfo *info, IRTemp ret,
             const IRTemp *args)
{
    IROp *op = op_alloc(s);
    unsigned k = 0;

    g_assert(info->nb_args <= IR_MAX_HELPER_ARGS);
    op_init(op, IR_OP_call,
            info->ret_type == IR_VOID ? IR_I64 : (IRType)info->ret_type);
    op->nb_oargs = info->ret_type == IR_VOID ? 0 : 1;
    op->nb_iargs = info->nb_args;
    op->nb_cargs = 1;
    if (op->nb_oargs) {
        op->args[k++] = ret;
    }
    for (unsigned i = 0; i < info->nb_args; i++) {
        op->args[k++] = args[i];
    }
    op->args[k] = (uintptr_t)info;
}

/* ------------------------------------------------------------------ */
/* Text form                                                           */

const char *ir_temp_name(IRContext *s, IRTemp t, char *buf, size_t len)
{
    const IRTempDesc *d;

    if (t >= s->nb_temps) {
        snprintf(buf, len, "<bad temp %u>", t);
        return buf;
    }
    d = &s->temps[t];
    switch (d->kind) {
    case IR_TEMP_FIXED:
    case IR_TEMP_GLOBAL:
        snprintf(buf, len, "%s", d->name ? d->name : "global");
        break;
    case IR_TEMP_CONST:
        if (d->type == IR_I32) {
            snprintf(buf, len, "$0x%" PRIx32, (uint32_t)d->val);
        } else {
            snprintf(buf, len, "$0x%" PRIx64, (uint64_t)d->val);
        }
        break;
    default:
        snprintf(buf, len, "tmp%u", t - s->nb_globals);
        break;
    }
    return buf;
}

static void dump_memop(FILE *f, MemOp mop)
{
    static const char *const sizes[] = { "b", "w", "l", "q", "o" };
    unsigned a = memop_align_bits(mop);

    fprintf(f, "%s%s%s", mop & MO_SIGN ? "s" : "u",
            sizes[mop & MO_SIZE], mop & MO_BSWAP ? "_be" : "");
    if (mop & MO_AMASK) {
        fprintf(f, "+al%u", 1u << a);
    }
}

static void dump_cargs(IRContext *s, FILE *f, const IROp *op,
                       const uint64_t *c)
{
    switch (op->opc) {
    case IR_OP_set_label:
    case IR_OP_br:
        fprintf(f, "$L%" PRIu64, c[0]);
        break;
    case IR_OP_brcond:
        fprintf(f, "%s,$L%" PRIu64, cond_names[c[0]], c[1]);
        break;
    case IR_OP_setcond:
    case IR_OP_negsetcond:
    case IR_OP_movcond:
        fprintf(f, "%s", cond_names[c[0]]);
        break;
    case IR_OP_ld:
    case IR_OP_st:
        fprintf(f, "%" PRId64 ",", (int64_t)c[0]);
        dump_memop(f, (MemOp)c[1]);
        break;
    case IR_OP_qemu_ld:
    case IR_OP_qemu_st:
    case IR_OP_qemu_ld128:
    case IR_OP_qemu_st128:
        dump_memop(f, get_memop((MemOpIdx)c[0]));
        fprintf(f, ",mmu%u", get_mmuidx((MemOpIdx)c[0]));
        break;
    case IR_OP_call:
        fprintf(f, "%s", ((const IRHelperInfo *)(uintptr_t)c[0])->name);
        break;
    case IR_OP_exit_tb:
    case IR_OP_insn_start:
        for (unsigned i = 0; i < op->nb_cargs; i++) {
            if (op->opc == IR_OP_insn_start && i >= s->insn_start_words) {
                break;
            }
            fprintf(f, "%s0x%" PRIx64, i ? "," : "", c[i]);
        }
        break;
    default:
        for (unsigned i = 0; i < op->nb_cargs; i++) {
            fprintf(f, "%s%" PRIu64, i ? "," : "", c[i]);
        }
        break;
    }
}

void ir_dump_op(IRContext *s, FILE *f, const IROp *op)
{
    const IROpDef *def = &ir_op_defs[op->opc];
    unsigned nt = op->nb_oargs + op->nb_iargs;
    char buf[64];
    /* Ops whose names already say their types get no suffix. */
    bool typed = !(def->flags & (IR_OPF_BB_END | IR_OPF_EXIT)) &&
                 op->opc != IR_OP_insn_start && op->opc != IR_OP_mb &&
                 op->opc != IR_OP_call && !strstr(def->name, "_i");

    if (op->opc == IR_OP_insn_start) {
        fprintf(f, " ----");
    } else if (typed) {
        fprintf(f, " %s_%s", def->name, op->type == IR_I32 ? "i32" : "i64");
    } else {
        fprintf(f, " %s", def->name);
    }
    fprintf(f, " ");
    for (unsigned i = 0; i < nt; i++) {
        fprintf(f, "%s%s", i ? "," : "",
                ir_temp_name(s, (IRTemp)op->args[i], buf, sizeof(buf)));
    }
    if (op->nb_cargs) {
        fprintf(f, "%s", nt ? "," : "");
        dump_cargs(s, f, op, &op->args[nt]);
    }
    if (op->life) {
        fprintf(f, "  ");
        for (unsigned i = 0; i < nt; i++) {
            if (op->life & IR_LIFE_DEAD(i)) {
                fprintf(f, " dead:%u", i);
            }
            if (i < 16 && (op->life & IR_LIFE_SYNC(i))) {
                fprintf(f, " sync:%u", i);
            }
        }
    }
    fprintf(f, "\n");
}

void ir_dump(IRContext *s, FILE *f)
{
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const IROp *op = &s->ops[i];

        if (op->opc == IR_OP_nop) {
            continue;
        }
        ir_dump_op(s, f, op);
    }
}

/* ------------------------------------------------------------------ */
/* Verifier                                                            */

typedef struct Verify {
    IRContext *s;
    GError **errp;
    uint32_t idx;
    uint8_t *defined;   /* per temp: written at some earlier op */
    uint8_t *label_set; /* per label: times set */
} Verify;

static bool vfail(Verify *v, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool vfail(Verify *v, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    const IROp *op = &v->s->ops[v->idx];

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(v->errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "IR op %u (%s): %s", v->idx, ir_op_defs[op->opc].name, msg);
    return false;
}

/* Expected type of temp argument i of op, or -1 for "op->type". */
static int arg_type(const IROp *op, unsigned i)
{
    switch (op->opc) {
    case IR_OP_ld:
    case IR_OP_qemu_ld:
        return i == 0 ? op->type : IR_I64;
    case IR_OP_st:
    case IR_OP_qemu_st:
        return i == 0 ? op->type : IR_I64;
    case IR_OP_qemu_ld128:
    case IR_OP_qemu_st128:
    case IR_OP_goto_ptr:
        return IR_I64;
    case IR_OP_ext_i32_i64:
    case IR_OP_extu_i32_i64:
        return i == 0 ? IR_I64 : IR_I32;
    case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32:
        return i == 0 ? IR_I32 : IR_I64;
    case IR_OP_call: {
        const IRHelperInfo *info =
            (const IRHelperInfo *)(uintptr_t)op->args[op->nb_oargs +
                                                       op->nb_iargs];
        if (i < op->nb_oargs) {
            return info->ret_type;
        }
        return info->arg_types[i - op->nb_oargs];
    }
    default:
        return op->type;
    }
}

static bool verify_cargs(Verify *v, const IROp *op)
{
    const uint64_t *c = &op->args[op->nb_oargs + op->nb_iargs];
    unsigned width = op->type == IR_I32 ? 32 : 64;

    switch (op->opc) {
    case IR_OP_br:
    case IR_OP_set_label:
        if (c[0] >= v->s->nb_labels) {
            return vfail(v, "label %" PRIu64 " does not exist", c[0]);
        }
        break;
    case IR_OP_brcond:
        if (c[1] >= v->s->nb_labels) {
            return vfail(v, "label %" PRIu64 " does not exist", c[1]);
        }
        /* fall through */
    case IR_OP_setcond:
    case IR_OP_negsetcond:
    case IR_OP_movcond:
        if (c[0] >= IR_COND_COUNT) {
            return vfail(v, "bad condition %" PRIu64, c[0]);
        }
        break;
    case IR_OP_extract:
    case IR_OP_sextract:
    case IR_OP_deposit:
        if (c[1] == 0 || c[0] + c[1] > width) {
            return vfail(v, "field pos %" PRIu64 " len %" PRIu64
                         " outside %u bits", c[0], c[1], width);
        }
        break;
    case IR_OP_extract2:
        if (c[0] >= width) {
            return vfail(v, "extract2 position %" PRIu64, c[0]);
        }
        break;
    case IR_OP_goto_tb:
        if (c[0] > 1) {
            return vfail(v, "goto_tb slot %" PRIu64, c[0]);
        }
        break;
    case IR_OP_qemu_ld:
    case IR_OP_qemu_st:
        if ((get_memop((MemOpIdx)c[0]) & MO_SIZE) > MO_64 ||
            memop_size(get_memop((MemOpIdx)c[0])) * 8 > width) {
            return vfail(v, "access size too large for the type");
        }
        break;
    case IR_OP_ld:
    case IR_OP_st:
        if (memop_size((MemOp)c[1]) * 8 > width) {
            return vfail(v, "access size too large for the type");
        }
        break;
    default:
        break;
    }
    return true;
}

static bool verify_op(Verify *v, const IROp *op)
{
    IRContext *s = v->s;
    const IROpDef *def = &ir_op_defs[op->opc];
    unsigned nt = op->nb_oargs + op->nb_iargs;
    char buf[64];

    if (op->opc >= IR_OP_COUNT) {
        return vfail(v, "unknown opcode");
    }
    if (op->opc != IR_OP_call &&
        (op->nb_oargs != def->nb_oargs || op->nb_iargs != def->nb_iargs ||
         op->nb_cargs != def->nb_cargs)) {
        return vfail(v, "wrong number of arguments");
    }
    if (op->type >= IR_TYPE_COUNT) {
        return vfail(v, "bad type %u", op->type);
    }
    if ((def->flags & IR_OPF_I64_ONLY) && op->type != IR_I64) {
        return vfail(v, "op is only defined on i64");
    }
    for (unsigned i = 0; i < nt; i++) {
        IRTemp t = (IRTemp)op->args[i];
        int want;

        if (t >= s->nb_temps) {
            return vfail(v, "argument %u: temp %u does not exist", i, t);
        }
        want = arg_type(op, i);
        if (s->temps[t].type != want) {
            return vfail(v, "argument %u (%s) is %s, expected %s", i,
                         ir_temp_name(s, t, buf, sizeof(buf)),
                         s->temps[t].type == IR_I32 ? "i32" : "i64",
                         want == IR_I32 ? "i32" : "i64");
        }
    }
    /* Inputs first: an op may read and write the same temp. */
    for (unsigned i = op->nb_oargs; i < nt; i++) {
        IRTemp t = (IRTemp)op->args[i];

        if (s->temps[t].kind == IR_TEMP_NORMAL && !v->defined[t]) {
            return vfail(v, "argument %u (%s) used before definition", i,
                         ir_temp_name(s, t, buf, sizeof(buf)));
        }
    }
    for (unsigned i = 0; i < op->nb_oargs; i++) {
        IRTemp t = (IRTemp)op->args[i];

        if (s->temps[t].kind == IR_TEMP_CONST ||
            s->temps[t].kind == IR_TEMP_FIXED) {
            return vfail(v, "output %u (%s) is not writable", i,
                         ir_temp_name(s, t, buf, sizeof(buf)));
        }
        v->defined[t] = 1;
    }
    if (op->opc == IR_OP_discard) {
        v->defined[op->args[0]] = 1;
    }
    if (!verify_cargs(v, op)) {
        return false;
    }
    if (op->opc == IR_OP_set_label && v->label_set[op->args[0]]++) {
        return vfail(v, "label %" PRIu64 " set twice", op->args[0]);
    }
    return true;
}

bool ir_verify(IRContext *s, GError **errp)
{
    Verify v = { .s = s, .errp = errp };
    bool ok = true;

    v.defined = ir_scratch0(s, IR_SCRATCH_VERIFY_DEFINED, s->nb_temps);
    v.label_set = ir_scratch0(s, IR_SCRATCH_VERIFY_LABELS, s->nb_labels + 1);
    for (v.idx = 0; v.idx < s->nb_ops && ok; v.idx++) {
        ok = verify_op(&v, &s->ops[v.idx]);
    }
    if (ok) {
        /* Every label branched to must be set somewhere. */
        for (v.idx = 0; v.idx < s->nb_ops && ok; v.idx++) {
            const IROp *op = &s->ops[v.idx];
            uint64_t l;

            if (op->opc == IR_OP_br) {
                l = op->args[0];
            } else if (op->opc == IR_OP_brcond) {
                l = op->args[3];
            } else {
                continue;
            }
            if (!v.label_set[l]) {
                ok = vfail(&v, "branch to label %" PRIu64
                           " which is never set", l);
            }
        }
    }
    return ok;
}

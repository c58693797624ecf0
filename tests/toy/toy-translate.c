/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Toy frontend: decode toy instructions (see toy.h) into IR, one IR op
 * per instruction where the ISA allows.  A TB ends at a branch, at a page
 * boundary, after an exception-raising instruction, or at max_insns.
 *
 * Direct branches to the TB's own page end with goto_tb so the TB cache
 * can chain them; others set pc and look up the next TB through
 * helper_lookup_tb_ptr + goto_ptr, as indirect branches do.
 */
#include "toy.h"

#include <inttypes.h>
#include <stddef.h>

#include "kestrel/log.h"

/* The translation context's view of the CPU: r0..r15 and pc. */
static IRTemp cpu_r[TOY_NREGS];
static IRTemp cpu_pc;
static IRContext *toy_ir_ready;

static const char *const toy_reg_names[TOY_NREGS] = {
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

void toy_translate_init(IRContext *s)
{
    /* A context re-initialised in place has only env left. */
    if (toy_ir_ready == s && s->nb_globals > TOY_NREGS) {
        return;
    }
    for (int i = 0; i < TOY_NREGS; i++) {
        cpu_r[i] = ir_global_new(s, IR_I64, offsetof(ToyEnv, regs[i]),
                                 toy_reg_names[i]);
    }
    cpu_pc = ir_global_new(s, IR_I64, offsetof(ToyEnv, pc), "pc");
    toy_ir_ready = s;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static void helper_toy_raise(void *env, uint64_t excp, uint64_t arg)
{
    CPUState *cpu = env_cpu(env);
    ToyEnv *e = env;

    if (excp == TOY_EXCP_ECALL) {
        e->ecall_num = (int64_t)arg;
    }
    cpu->exception_index = (int)excp;
    cpu_loop_exit(cpu);
}

static void helper_toy_hlt(void *env)
{
    CPUState *cpu = env_cpu(env);

    cpu->exception_index = EXCP_HLT;
    cpu_loop_exit(cpu);
}

static void helper_toy_out(void *env, uint64_t val)
{
    ToyCPU *c = toy_cpu_from_env(env);

    g_array_append_val(c->machine->out, val);
}

static const IRHelperInfo helper_info_toy_raise = {
    .func = (void *)helper_toy_raise,
    .name = "toy_raise",
    .flags = IR_CALL_NO_WRITE_GLOBALS,
    .nb_args = 3,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64, IR_I64, IR_I64 },
};

static const IRHelperInfo helper_info_toy_hlt = {
    .func = (void *)helper_toy_hlt,
    .name = "toy_hlt",
    .flags = IR_CALL_NO_WRITE_GLOBALS,
    .nb_args = 1,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64 },
};

static const IRHelperInfo helper_info_toy_out = {
    .func = (void *)helper_toy_out,
    .name = "toy_out",
    .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS |
             IR_CALL_NO_RAISE,
    .nb_args = 2,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64, IR_I64 },
};

/* ------------------------------------------------------------------ */
/* Decoder                                                             */

typedef struct ToyDC {
    IRContext *s;
    TranslationBlock *tb;
    uint64_t pc;        /* of the instruction being translated */
    bool ended;         /* the instruction ended the TB */
} ToyDC;

static const IROpcode toy_bin_irop[TOY_BIN_COUNT] = {
#define TOY_BIN_IROP(n, op) IR_OP_##op,
    TOY_BIN_OPS(TOY_BIN_IROP)
#undef TOY_BIN_IROP
};

static const IROpcode toy_un_irop[TOY_UN_COUNT] = {
#define TOY_UN_IROP(n, op, w) IR_OP_##op,
    TOY_UN_OPS(TOY_UN_IROP)
#undef TOY_UN_IROP
};

static const bool toy_un_has_w[TOY_UN_COUNT] = {
#define TOY_UN_W(n, op, w) w,
    TOY_UN_OPS(TOY_UN_W)
#undef TOY_UN_W
};

static bool reg_ok(unsigned r)
{
    return r < TOY_NREGS;
}

/* A 32-bit copy of register r. */
static IRTemp src32(IRContext *s, unsigned r)
{
    IRTemp t = ir_temp_new(s, IR_I32);

    ir_extrl_i64_i32(s, t, cpu_r[r]);
    return t;
}

static void gen_set_pc(IRContext *s, uint64_t pc)
{
    ir_movi(s, cpu_pc, (int64_t)pc);
}

static void gen_lookup_and_goto_ptr(ToyDC *dc)
{
    IRContext *s = dc->s;

    if (dc->tb->cflags & CF_NO_CHAIN) {
        ir_exit_tb(s, 0);
    } else {
        IRTemp ptr = ir_temp_new(s, IR_I64);

        ir_call(s, &helper_info_lookup_tb_ptr, ptr, (IRTemp[]){ s->env });
        ir_goto_ptr(s, ptr);
    }
}

/* End the TB with a jump to dest through exit slot n. */
static void gen_goto(ToyDC *dc, unsigned n, uint64_t dest)
{
    IRContext *s = dc->s;
    TranslationBlock *tb = dc->tb;

    if ((dest & TARGET_PAGE_MASK) == (tb->pc & TARGET_PAGE_MASK) &&
        !(tb->cflags & CF_NO_CHAIN)) {
        ir_goto_tb(s, n);
        gen_set_pc(s, dest);
        ir_exit_tb(s, (uintptr_t)tb | n);
    } else {
        gen_set_pc(s, dest);
        gen_lookup_and_goto_ptr(dc);
    }
}

/* Raise excp with pc already set; ends the TB. */
static void gen_raise(ToyDC *dc, int excp, int64_t arg)
{
    IRContext *s = dc->s;

    ir_call(s, &helper_info_toy_raise, 0,
            (IRTemp[]){ s->env, ir_const_i64(s, excp),
                        ir_const_i64(s, arg) });
    /* Not reached; keeps the TB well formed for the verifier. */
    ir_exit_tb(s, 0);
    dc->ended = true;
}

static bool trans_undef(ToyDC *dc)
{
    gen_set_pc(dc->s, dc->pc);
    gen_raise(dc, TOY_EXCP_UNDEF, 0);
    return true;
}

static bool trans_bin(ToyDC *dc, ToyInsn i, unsigned idx, unsigned flags)
{
    IRContext *s = dc->s;
    bool w = flags & TOY_F_W;
    IRType ty = w ? IR_I32 : IR_I64;
    IROpcode opc = toy_bin_irop[idx];
    IRTemp a, b, d;

    if (!reg_ok(i.rd) || !reg_ok(i.ra) ||
        (!(flags & TOY_F_IMM) && !reg_ok(i.rb))) {
        return false;
    }
    a = w ? src32(s, i.ra) : cpu_r[i.ra];
    if (flags & TOY_F_IMM) {
        b = ir_const(s, ty, i.imm);
    } else {
        b = w ? src32(s, i.rb) : cpu_r[i.rb];
    }
    d = w ? ir_temp_new(s, IR_I32) : cpu_r[i.rd];
    if (opc == IR_OP_mulu2 || opc == IR_OP_muls2) {
        IRTemp lo = ir_temp_new(s, ty);

        ir_emit(s, opc, ty, IR_A(lo, d, a, b));
    } else {
        ir_emit(s, opc, ty, IR_A(d, a, b));
    }
    if (w) {
        ir_extu_i32_i64(s, cpu_r[i.rd], d);
    }
    return true;
}

static bool trans_un(ToyDC *dc, ToyInsn i, unsigned idx, bool w)
{
    IRContext *s = dc->s;
    IRTemp d;

    if (!reg_ok(i.rd) || !reg_ok(i.ra) || (w && !toy_un_has_w[idx])) {
        return false;
    }
    if (!w) {
        ir_emit(s, toy_un_irop[idx], IR_I64, IR_A(cpu_r[i.rd], cpu_r[i.ra]));
        return true;
    }
    d = ir_temp_new(s, IR_I32);
    ir_emit(s, toy_un_irop[idx], IR_I32, IR_A(d, src32(s, i.ra)));
    ir_extu_i32_i64(s, cpu_r[i.rd], d);
    return true;
}

static bool trans_setc(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;
    bool imm = i.op == TOY_OP_SETCI || i.op == TOY_OP_NSETCI;
    bool neg = i.op == TOY_OP_NSETC || i.op == TOY_OP_NSETCI;
    bool w = i.op == TOY_OP_SETCW;
    unsigned cond = imm ? i.rb : (unsigned)i.imm;
    IROpcode opc = neg ? IR_OP_negsetcond : IR_OP_setcond;
    IRTemp b;

    if (!reg_ok(i.rd) || !reg_ok(i.ra) || (!imm && !reg_ok(i.rb)) ||
        cond >= IR_COND_COUNT) {
        return false;
    }
    if (w) {
        IRTemp d = ir_temp_new(s, IR_I32);

        ir_emit(s, opc, IR_I32,
                IR_A(d, src32(s, i.ra), src32(s, i.rb), cond));
        ir_extu_i32_i64(s, cpu_r[i.rd], d);
        return true;
    }
    b = imm ? ir_const_i64(s, i.imm) : cpu_r[i.rb];
    ir_emit(s, opc, IR_I64, IR_A(cpu_r[i.rd], cpu_r[i.ra], b, cond));
    return true;
}

static bool trans_movc(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;
    unsigned rc = i.imm & 0xff;
    unsigned cond = (i.imm >> 8) & 0xff;
    IRTemp d;

    if (!reg_ok(i.rd) || !reg_ok(i.ra) || !reg_ok(i.rb) || !reg_ok(rc) ||
        cond >= IR_COND_COUNT || (i.imm >> 16) != 0) {
        return false;
    }
    if (i.op == TOY_OP_MOVC) {
        ir_movcond(s, (IRCond)cond, cpu_r[i.rd], cpu_r[i.ra], cpu_r[i.rb],
                   cpu_r[rc], cpu_r[i.rd]);
        return true;
    }
    d = ir_temp_new(s, IR_I32);
    ir_movcond(s, (IRCond)cond, d, src32(s, i.ra), src32(s, i.rb),
               src32(s, rc), src32(s, i.rd));
    ir_extu_i32_i64(s, cpu_r[i.rd], d);
    return true;
}

static bool trans_field(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;
    unsigned pos = i.imm & 0xff;
    unsigned len = (i.imm >> 8) & 0xff;

    if (!reg_ok(i.rd) || !reg_ok(i.ra)) {
        return false;
    }
    if (i.op == TOY_OP_EXTRACT2) {
        if (!reg_ok(i.rb) || i.imm < 0 || i.imm > 63) {
            return false;
        }
        ir_extract2(s, cpu_r[i.rd], cpu_r[i.ra], cpu_r[i.rb], pos);
        return true;
    }
    if ((i.imm >> 16) != 0 || len < 1 || pos + len > 64) {
        return false;
    }
    switch (i.op) {
    case TOY_OP_EXTRACT:
        ir_extract(s, cpu_r[i.rd], cpu_r[i.ra], pos, len);
        return true;
    case TOY_OP_SEXTRACT:
        ir_sextract(s, cpu_r[i.rd], cpu_r[i.ra], pos, len);
        return true;
    default:
        if (!reg_ok(i.rb)) {
            return false;
        }
        ir_deposit(s, cpu_r[i.rd], cpu_r[i.ra], cpu_r[i.rb], pos, len);
        return true;
    }
}

static bool trans_movi(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;
    IRTemp d;

    if (!reg_ok(i.rd)) {
        return false;
    }
    d = cpu_r[i.rd];
    switch (i.op) {
    case TOY_OP_MOVI:
        ir_movi(s, d, i.imm);
        return true;
    case TOY_OP_MOVIU:
        ir_movi(s, d, (uint32_t)i.imm);
        return true;
    case TOY_OP_MOVHI:
        ir_deposit(s, d, d, ir_const_i64(s, (uint32_t)i.imm), 32, 32);
        return true;
    case TOY_OP_MOVK:
        if (i.rb > 3 || i.imm < 0 || i.imm > 0xffff) {
            return false;
        }
        ir_deposit(s, d, d, ir_const_i64(s, i.imm), 16 * i.rb, 16);
        return true;
    default: /* mov */
        if (!reg_ok(i.ra)) {
            return false;
        }
        ir_mov(s, d, cpu_r[i.ra]);
        return true;
    }
}

/* Valid MemOp for ld/st (w: through an i32 value). */
static bool memop_ok(MemOp mop, bool store, bool w)
{
    unsigned size = mop & MO_SIZE;

    if (mop & ~(MO_SIZE | MO_SIGN | MO_BSWAP)) {
        return false;
    }
    if (size > (w ? MO_32 : MO_64) || (size == MO_8 && (mop & MO_BSWAP))) {
        return false;
    }
    if ((mop & MO_SIGN) && (store || size == (w ? MO_32 : MO_64))) {
        return false;
    }
    return true;
}

static IRTemp gen_addr(IRContext *s, ToyInsn i)
{
    IRTemp addr = ir_temp_new(s, IR_I64);

    ir_addi(s, addr, cpu_r[i.ra], i.imm);
    return addr;
}

static bool trans_ldst(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;
    bool store = i.op == TOY_OP_ST || i.op == TOY_OP_STW;
    bool w = i.op == TOY_OP_LDW || i.op == TOY_OP_STW;
    MemOp mop = (MemOp)i.rb;
    IRTemp addr, v;

    if (!reg_ok(i.rd) || !reg_ok(i.ra) || !memop_ok(mop, store, w)) {
        return false;
    }
    addr = gen_addr(s, i);
    if (store) {
        v = w ? src32(s, i.rd) : cpu_r[i.rd];
        ir_qemu_st(s, v, addr, TOY_MMU_IDX, mop);
        return true;
    }
    v = ir_temp_new(s, w ? IR_I32 : IR_I64);
    ir_qemu_ld(s, v, addr, TOY_MMU_IDX, mop);
    if (w) {
        ir_extu_i32_i64(s, cpu_r[i.rd], v);
    } else {
        ir_mov(s, cpu_r[i.rd], v);
    }
    return true;
}

static bool trans_ldst128(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;
    IRTemp addr, lo, hi;

    if (!reg_ok(i.rd) || !reg_ok(i.ra) || !reg_ok(i.rb) ||
        (i.op == TOY_OP_LD128 && i.rd == i.rb)) {
        return false;
    }
    addr = gen_addr(s, i);
    if (i.op == TOY_OP_ST128) {
        ir_qemu_st128(s, cpu_r[i.rd], cpu_r[i.rb], addr, TOY_MMU_IDX,
                      MO_128);
        return true;
    }
    lo = ir_temp_new(s, IR_I64);
    hi = ir_temp_new(s, IR_I64);
    ir_qemu_ld128(s, lo, hi, addr, TOY_MMU_IDX, MO_128);
    ir_mov(s, cpu_r[i.rd], lo);
    ir_mov(s, cpu_r[i.rb], hi);
    return true;
}

static bool trans_bcc(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;
    IRLabel taken;

    if (i.rd >= IR_COND_COUNT || !reg_ok(i.ra) || !reg_ok(i.rb)) {
        return false;
    }
    taken = ir_label_new(s);
    ir_brcond(s, (IRCond)i.rd, cpu_r[i.ra], cpu_r[i.rb], taken);
    gen_goto(dc, 0, dc->pc + TOY_INSN_SIZE);
    ir_set_label(s, taken);
    gen_goto(dc, 1, dc->pc + (int64_t)i.imm);
    dc->ended = true;
    return true;
}

static bool trans_jmp(ToyDC *dc, ToyInsn i)
{
    if (i.op == TOY_OP_JAL) {
        if (!reg_ok(i.rd)) {
            return false;
        }
        ir_movi(dc->s, cpu_r[i.rd], (int64_t)(dc->pc + TOY_INSN_SIZE));
    }
    gen_goto(dc, 0, dc->pc + (int64_t)i.imm);
    dc->ended = true;
    return true;
}

static bool trans_jr(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;
    IRTemp dest;

    if (!reg_ok(i.ra) || (i.op == TOY_OP_JALR && !reg_ok(i.rd))) {
        return false;
    }
    dest = gen_addr(s, i);
    if (i.op == TOY_OP_JALR) {
        ir_movi(s, cpu_r[i.rd], (int64_t)(dc->pc + TOY_INSN_SIZE));
    }
    ir_mov(s, cpu_pc, dest);
    gen_lookup_and_goto_ptr(dc);
    dc->ended = true;
    return true;
}

static bool trans_sys(ToyDC *dc, ToyInsn i)
{
    IRContext *s = dc->s;

    switch (i.op) {
    case TOY_OP_NOP:
        return true;
    case TOY_OP_HLT:
        gen_set_pc(s, dc->pc + TOY_INSN_SIZE);
        ir_call(s, &helper_info_toy_hlt, 0, (IRTemp[]){ s->env });
        ir_exit_tb(s, 0);
        dc->ended = true;
        return true;
    case TOY_OP_OUT:
        if (!reg_ok(i.ra)) {
            return false;
        }
        ir_call(s, &helper_info_toy_out, 0,
                (IRTemp[]){ s->env, cpu_r[i.ra] });
        return true;
    default: /* ecall */
        gen_set_pc(s, dc->pc + TOY_INSN_SIZE);
        gen_raise(dc, TOY_EXCP_ECALL, i.imm);
        return true;
    }
}

static bool trans_misc(ToyDC *dc, ToyInsn i)
{
    switch (i.op) {
    case TOY_OP_NOP:
    case TOY_OP_HLT:
    case TOY_OP_OUT:
    case TOY_OP_ECALL:
        return trans_sys(dc, i);
    case TOY_OP_MOVI:
    case TOY_OP_MOVIU:
    case TOY_OP_MOVHI:
    case TOY_OP_MOVK:
    case TOY_OP_MOV:
        return trans_movi(dc, i);
    case TOY_OP_SETC:
    case TOY_OP_SETCI:
    case TOY_OP_NSETC:
    case TOY_OP_NSETCI:
    case TOY_OP_SETCW:
        return trans_setc(dc, i);
    case TOY_OP_MOVC:
    case TOY_OP_MOVCW:
        return trans_movc(dc, i);
    case TOY_OP_EXTRACT:
    case TOY_OP_SEXTRACT:
    case TOY_OP_DEPOSIT:
    case TOY_OP_EXTRACT2:
        return trans_field(dc, i);
    case TOY_OP_LD:
    case TOY_OP_ST:
    case TOY_OP_LDW:
    case TOY_OP_STW:
        return trans_ldst(dc, i);
    case TOY_OP_LD128:
    case TOY_OP_ST128:
        return trans_ldst128(dc, i);
    case TOY_OP_BCC:
        return trans_bcc(dc, i);
    case TOY_OP_JMP:
    case TOY_OP_JAL:
        return trans_jmp(dc, i);
    case TOY_OP_JR:
    case TOY_OP_JALR:
        return trans_jr(dc, i);
    default:
        return false;
    }
}

/* Translate one instruction; false if it is undefined. */
static bool toy_trans_insn(ToyDC *dc, ToyInsn i)
{
    unsigned op = i.op;

    if (op >= TOY_OPC_BIN && op < TOY_OPC_UN) {
        static const unsigned form_flags[4] = {
            0, TOY_F_IMM, TOY_F_W, TOY_F_IMM | TOY_F_W,
        };
        unsigned k = op - TOY_OPC_BIN;

        return trans_bin(dc, i, k % TOY_BIN_COUNT,
                         form_flags[k / TOY_BIN_COUNT]);
    }
    if (op >= TOY_OPC_UN && op < TOY_OPC_UN + TOY_UN_COUNT) {
        return trans_un(dc, i, op - TOY_OPC_UN, false);
    }
    if (op >= TOY_OPC_UNW && op < TOY_OPC_UNW + TOY_UN_COUNT) {
        return trans_un(dc, i, op - TOY_OPC_UNW, true);
    }
    return trans_misc(dc, i);
}

/* ------------------------------------------------------------------ */
/* TB                                                                  */

static uint64_t toy_fetch(ToyMachine *m, uint64_t pc)
{
    const uint8_t *p = m->ram + (pc - m->ram_base);
    uint64_t w = 0;

    for (int k = 0; k < 8; k++) {
        w |= (uint64_t)p[k] << (8 * k);
    }
    return w;
}

static void toy_log_insn(uint64_t pc, uint64_t w)
{
    char buf[80];

    toy_disas(pc, w, buf, sizeof(buf));
    log_printf("0x%08" PRIx64 ":  %016" PRIx64 "  %s\n", pc, w, buf);
}

void toy_translate(CPUState *cpu, IRContext *s, TranslationBlock *tb,
                   int max_insns)
{
    ToyCPU *c = toy_cpu_from_cs(cpu);
    ToyMachine *m = c->machine;
    ToyDC dc = { .s = s, .tb = tb, .pc = tb->pc };
    unsigned n = 0;

    if (max_insns <= 0 || max_insns > IR_MAX_INSNS) {
        max_insns = IR_MAX_INSNS;
    }
    if (log_enabled(LOG_IN_ASM)) {
        log_printf("IN: toy TB at 0x%" PRIx64 "\n", tb->pc);
    }
    ir_gen_tb_start(s, tb);
    for (;;) {
        /* get_code_phys checked the first pc; RAM is whole pages. */
        uint64_t w = toy_fetch(m, dc.pc);

        if (log_enabled(LOG_IN_ASM)) {
            toy_log_insn(dc.pc, w);
        }
        ir_insn_start(s, dc.pc, 0, 0);
        n++;
        if (!toy_trans_insn(&dc, toy_decode(w))) {
            trans_undef(&dc);
        }
        dc.pc += TOY_INSN_SIZE;
        if (dc.ended) {
            break;
        }
        if (n >= (unsigned)max_insns || !(dc.pc & ~TARGET_PAGE_MASK)) {
            gen_goto(&dc, 0, dc.pc);
            break;
        }
    }
    tb->size = (uint32_t)(dc.pc - tb->pc);
    tb->icount = (uint16_t)n;
    ir_gen_tb_end(s, tb);
    if (log_enabled(LOG_IN_ASM)) {
        log_printf("\n");
    }
}

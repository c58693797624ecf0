/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AArch64 CPU as GDB sees it: the target description (the standard
 * org.gnu.gdb.aarch64.core and .fpu features, with the vector union
 * types GDB's own description uses, so `p $v0.d.u` works) and register
 * access into CPUARMState by GDB number (a64-gdb.h).  All values are
 * little-endian, as the guest is.
 */
#include <string.h>

#include "a64-gdb.h"

/* ------------------------------------------------------------------ */
/* Target description                                                  */

static const char a64_fpu_types[] =
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
    "<vector id=\"v2i\" type=\"int64\" count=\"2\"/>"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
    "<vector id=\"v4i\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v8f\" type=\"ieee_half\" count=\"8\"/>"
    "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>"
    "<vector id=\"v8i\" type=\"int16\" count=\"8\"/>"
    "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
    "<vector id=\"v16i\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>"
    "<vector id=\"v1i\" type=\"int128\" count=\"1\"/>"
    "<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/>"
    "<field name=\"u\" type=\"v2u\"/><field name=\"s\" type=\"v2i\"/>"
    "</union>"
    "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/>"
    "<field name=\"u\" type=\"v4u\"/><field name=\"s\" type=\"v4i\"/>"
    "</union>"
    "<union id=\"vnh\"><field name=\"f\" type=\"v8f\"/>"
    "<field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/>"
    "</union>"
    "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/>"
    "<field name=\"s\" type=\"v16i\"/></union>"
    "<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/>"
    "<field name=\"s\" type=\"v1i\"/></union>"
    "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/>"
    "<field name=\"s\" type=\"vns\"/><field name=\"h\" type=\"vnh\"/>"
    "<field name=\"b\" type=\"vnb\"/><field name=\"q\" type=\"vnq\"/>"
    "</union>";

static char *a64_build_xml(void)
{
    GString *x = g_string_new("<?xml version=\"1.0\"?>"
                              "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
                              "<target><architecture>aarch64</architecture>"
                              "<feature name=\"org.gnu.gdb.aarch64.core\">");

    for (int i = 0; i < 31; i++) {
        g_string_append_printf(x, "<reg name=\"x%d\" bitsize=\"64\"/>", i);
    }
    g_string_append(x, "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
                       "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
                       "<reg name=\"cpsr\" bitsize=\"32\"/></feature>"
                       "<feature name=\"org.gnu.gdb.aarch64.fpu\">");
    g_string_append(x, a64_fpu_types);
    for (int i = 0; i < 32; i++) {
        g_string_append_printf(x, "<reg name=\"v%d\" bitsize=\"128\" "
                               "type=\"aarch64v\"/>", i);
    }
    g_string_append(x, "<reg name=\"fpsr\" bitsize=\"32\"/>"
                       "<reg name=\"fpcr\" bitsize=\"32\"/></feature>"
                       "</target>");
    return g_string_free(x, false);
}

const char *a64_gdb_xml(CPUState *cs, const char *annex)
{
    static char *xml;   /* built once, kept for the process */

    if (strcmp(annex, "target.xml") != 0) {
        return NULL;
    }
    if (!xml) {
        xml = a64_build_xml();
    }
    return xml;
}

/* ------------------------------------------------------------------ */
/* Registers                                                           */

static void put_le(GByteArray *buf, uint64_t v, int size)
{
    uint8_t b[8];

    for (int i = 0; i < size; i++) {
        b[i] = (uint8_t)(v >> (8 * i));
    }
    g_byte_array_append(buf, b, (guint)size);
}

static uint64_t get_le(const uint8_t *b, int size)
{
    uint64_t v = 0;

    for (int i = size - 1; i >= 0; i--) {
        v = v << 8 | b[i];
    }
    return v;
}

int a64_gdb_read_register(CPUState *cs, GByteArray *buf, int n)
{
    CPUARMState *env = &((ARMCPU *)cs)->env;

    if (n >= 0 && n <= A64_GDB_PC) {
        /* x0..x30, sp (xregs[31] is the current SP), pc */
        put_le(buf, n == A64_GDB_PC ? env->pc : env->xregs[n], 8);
        return 8;
    }
    if (n == A64_GDB_CPSR) {
        put_le(buf, aarch64_nzcv_read(env) | env->pstate, 4);
        return 4;
    }
    if (n >= A64_GDB_V0 && n < A64_GDB_V0 + 32) {
        put_le(buf, env->vregs[n - A64_GDB_V0][0], 8);
        put_le(buf, env->vregs[n - A64_GDB_V0][1], 8);
        return 16;
    }
    if (n == A64_GDB_FPSR || n == A64_GDB_FPCR) {
        put_le(buf, n == A64_GDB_FPSR ? env->fpsr : env->fpcr, 4);
        return 4;
    }
    return 0;
}

static int a64_write_cpsr(CPUARMState *env, uint32_t v,
                          void (*pstate_write)(CPUARMState *, uint32_t))
{
    uint32_t rest = v & 0x0fffffffu;

    aarch64_nzcv_write(env, v & 0xf0000000u);
    if (rest != env->pstate && pstate_write) {
        pstate_write(env, rest);
    }
    return 4;
}

int a64_gdb_write_register(CPUState *cs, const uint8_t *buf, int len, int n,
                           void (*pstate_write)(CPUARMState *env,
                                                uint32_t pstate))
{
    CPUARMState *env = &((ARMCPU *)cs)->env;

    if (n >= 0 && n <= A64_GDB_PC && len >= 8) {
        if (n == A64_GDB_PC) {
            env->pc = get_le(buf, 8);
        } else {
            env->xregs[n] = get_le(buf, 8);
        }
        return 8;
    }
    if (n == A64_GDB_CPSR && len >= 4) {
        return a64_write_cpsr(env, (uint32_t)get_le(buf, 4), pstate_write);
    }
    if (n >= A64_GDB_V0 && n < A64_GDB_V0 + 32 && len >= 16) {
        env->vregs[n - A64_GDB_V0][0] = get_le(buf, 8);
        env->vregs[n - A64_GDB_V0][1] = get_le(buf + 8, 8);
        return 16;
    }
    if ((n == A64_GDB_FPSR || n == A64_GDB_FPCR) && len >= 4) {
        uint32_t v = (uint32_t)get_le(buf, 4);

        if (n == A64_GDB_FPSR) {
            env->fpsr = v;
        } else {
            env->fpcr = v;
        }
        return 4;
    }
    return 0;
}

static int a64_gdb_write_user(CPUState *cs, const uint8_t *buf, int len,
                              int n)
{
    return a64_gdb_write_register(cs, buf, len, n, NULL);
}

const CPUGdbOps a64_gdb_user_ops = {
    .xml = a64_gdb_xml,
    .num_regs = A64_GDB_NUM_REGS,
    .read_register = a64_gdb_read_register,
    .write_register = a64_gdb_write_user,
};

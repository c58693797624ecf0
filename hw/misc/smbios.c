/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMBIOS structures for the firmware (DMTF DSP0134 3.x), the set QEMU
 * gives its arm virt board: system (type 1), chassis (3), one processor
 * per CPU (4), the RAM as an array (16), a device (17) and a mapped
 * range (19), boot status (32), end of table (127).  EDK2's
 * SmbiosPlatformDxe installs them; it adds its own BIOS (type 0).
 *
 * Each structure is a formatted area (header: type, length, handle)
 * followed by its strings, each NUL-terminated, and one more NUL; a
 * string field holds the 1-based number of its string, 0 for none.
 * Handles are 0x0000 (type 1), 0x0300 (type 3), 0x0400 + n (type 4),
 * 0x1000, 0x1100, 0x1300, 0x2000, 0x7f00, as QEMU numbers them.
 *
 * Not emulated: caches (type 7), -smbios options, SMBIOS 2.x anchors.
 */
#include "hw/misc/smbios.h"

#include <string.h>

#include <glib.h>

#define MAX_STRINGS 4

/* A formatted area under construction, and its strings. */
typedef struct SmbiosStruct {
    uint8_t f[0x30];
    const char *str[MAX_STRINGS];
    int nstr;
} SmbiosStruct;

static void st_begin(SmbiosStruct *t, uint8_t type, uint8_t len,
                     uint16_t handle)
{
    memset(t, 0, sizeof(*t));
    g_assert(len <= sizeof(t->f));
    t->f[0] = type;
    t->f[1] = len;
    t->f[2] = (uint8_t)handle;
    t->f[3] = (uint8_t)(handle >> 8);
}

static void st_u8(SmbiosStruct *t, unsigned off, uint8_t v)
{
    t->f[off] = v;
}

static void st_le(SmbiosStruct *t, unsigned off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        t->f[off + i] = (uint8_t)(v >> (8 * i));
    }
}

/* A string field: its number, or 0 for NULL or "". */
static void st_str(SmbiosStruct *t, unsigned off, const char *s)
{
    if (s && s[0]) {
        g_assert(t->nstr < MAX_STRINGS);
        t->str[t->nstr++] = s;
        t->f[off] = (uint8_t)t->nstr;
    }
}

static void st_end(GByteArray *out, const SmbiosStruct *t)
{
    static const uint8_t nul[2];

    g_byte_array_append(out, t->f, t->f[1]);
    for (int i = 0; i < t->nstr; i++) {
        g_byte_array_append(out, (const uint8_t *)t->str[i],
                            strlen(t->str[i]) + 1);
    }
    /* The set ends with an extra NUL; with no strings, two. */
    g_byte_array_append(out, nul, t->nstr ? 1 : 2);
}

/* ------------------------------------------------------------------ */
/* The structures                                                      */

static void add_system(GByteArray *out, const SmbiosInfo *in)
{
    SmbiosStruct t;

    st_begin(&t, 1, 0x1b, 0x0000);
    st_str(&t, 0x04, in->manufacturer);
    st_str(&t, 0x05, in->product);
    st_str(&t, 0x06, in->version);
    st_u8(&t, 0x18, 0x06);              /* woken by the power switch */
    st_end(out, &t);
}

static void add_chassis(GByteArray *out, const SmbiosInfo *in)
{
    SmbiosStruct t;

    st_begin(&t, 3, 0x16, 0x0300);
    st_str(&t, 0x04, in->manufacturer);
    st_u8(&t, 0x05, 0x01);              /* type: other */
    st_str(&t, 0x06, in->version);
    st_u8(&t, 0x09, 0x03);              /* boot-up, power, thermal: safe */
    st_u8(&t, 0x0a, 0x03);
    st_u8(&t, 0x0b, 0x03);
    st_u8(&t, 0x0c, 0x02);              /* security: unknown */
    st_end(out, &t);
}

static void add_processor(GByteArray *out, const SmbiosInfo *in, int n)
{
    g_autofree char *socket = g_strdup_printf("CPU %d", n);
    SmbiosStruct t;

    st_begin(&t, 4, 0x2a, 0x0400 + n);
    st_str(&t, 0x04, socket);
    st_u8(&t, 0x05, 0x03);              /* central processor */
    st_u8(&t, 0x06, 0xfe);              /* family: see family 2 */
    st_str(&t, 0x07, in->manufacturer);
    st_str(&t, 0x10, in->version);
    st_le(&t, 0x14, 2000, 2);           /* max speed, MHz (as QEMU) */
    st_le(&t, 0x16, 2000, 2);           /* current speed */
    st_u8(&t, 0x18, 0x41);              /* populated, enabled */
    st_u8(&t, 0x19, 0x01);              /* upgrade: other */
    st_le(&t, 0x1a, 0xffff, 2);         /* no L1, L2, L3 structures */
    st_le(&t, 0x1c, 0xffff, 2);
    st_le(&t, 0x1e, 0xffff, 2);
    st_u8(&t, 0x23, 1);                 /* cores, enabled, threads */
    st_u8(&t, 0x24, 1);
    st_u8(&t, 0x25, 1);
    st_le(&t, 0x26, 0x0004, 2);         /* 64-bit capable */
    st_le(&t, 0x28, 0x0101, 2);         /* family 2: ARMv8 */
    st_end(out, &t);
}

static void add_memory(GByteArray *out, const SmbiosInfo *in)
{
    uint64_t kib = in->ram_size >> 10, mib = in->ram_size >> 20;
    uint64_t start = in->ram_base >> 10, end = start + kib - 1;
    SmbiosStruct t;

    st_begin(&t, 16, 0x17, 0x1000);     /* physical memory array */
    st_u8(&t, 0x04, 0x01);              /* location: other */
    st_u8(&t, 0x05, 0x03);              /* use: system memory */
    st_u8(&t, 0x06, 0x06);              /* multi-bit ECC (as QEMU) */
    st_le(&t, 0x07, kib < 0x80000000u ? kib : 0x80000000u, 4);
    st_le(&t, 0x0b, 0xfffe, 2);         /* no error information */
    st_le(&t, 0x0d, 1, 2);              /* one device */
    st_le(&t, 0x0f, kib < 0x80000000u ? 0 : kib << 10, 8);
    st_end(out, &t);

    st_begin(&t, 17, 0x28, 0x1100);     /* memory device */
    st_le(&t, 0x04, 0x1000, 2);
    st_le(&t, 0x06, 0xfffe, 2);
    st_le(&t, 0x08, 0xffff, 2);         /* widths unknown */
    st_le(&t, 0x0a, 0xffff, 2);
    st_le(&t, 0x0c, mib < 0x7fff ? mib : 0x7fff, 2);
    st_u8(&t, 0x0e, 0x09);              /* DIMM */
    st_str(&t, 0x10, "DIMM 0");
    st_u8(&t, 0x12, 0x07);              /* RAM */
    st_le(&t, 0x13, 0x0002, 2);         /* detail: other */
    st_str(&t, 0x17, in->manufacturer);
    st_le(&t, 0x1c, mib < 0x7fff ? 0 : mib, 4);
    st_end(out, &t);

    st_begin(&t, 19, 0x1f, 0x1300);     /* memory array mapped address */
    st_le(&t, 0x04, end < 0xffffffffu ? start : 0xffffffffu, 4);
    st_le(&t, 0x08, end < 0xffffffffu ? end : 0xffffffffu, 4);
    st_le(&t, 0x0c, 0x1000, 2);
    st_u8(&t, 0x0e, 1);                 /* partition width */
    st_le(&t, 0x0f, end < 0xffffffffu ? 0 : in->ram_base, 8);
    st_le(&t, 0x17, end < 0xffffffffu ? 0
                    : in->ram_base + in->ram_size - 1, 8);
    st_end(out, &t);
}

uint8_t *smbios_build_tables(const SmbiosInfo *info, size_t *len)
{
    GByteArray *out = g_byte_array_new();
    SmbiosStruct t;

    add_system(out, info);
    add_chassis(out, info);
    for (int i = 0; i < info->nb_cpus; i++) {
        add_processor(out, info, i);
    }
    add_memory(out, info);
    st_begin(&t, 32, 0x0b, 0x2000);     /* boot: no errors */
    st_end(out, &t);
    st_begin(&t, 127, 0x04, 0x7f00);
    st_end(out, &t);
    *len = out->len;
    return g_byte_array_free(out, false);
}

void smbios_build_anchor(size_t tables_len, uint8_t out[24])
{
    uint8_t sum = 0;

    memset(out, 0, 24);
    memcpy(out, "_SM3_", 5);
    out[6] = 24;                        /* entry point length */
    out[7] = 3;                         /* SMBIOS 3.0.0 */
    out[8] = 0;
    out[10] = 1;                        /* entry point revision */
    for (int i = 0; i < 4; i++) {
        out[12 + i] = (uint8_t)(tables_len >> (8 * i));
    }
    for (int i = 0; i < 24; i++) {
        sum += out[i];
    }
    out[5] = (uint8_t)-sum;
}

bool smbios_add_fw_cfg(FWCfgState *fw, const SmbiosInfo *info)
{
    size_t len;
    g_autofree uint8_t *tables = smbios_build_tables(info, &len);
    uint8_t anchor[24];

    smbios_build_anchor(len, anchor);
    return fw_cfg_add_file(fw, "etc/smbios/smbios-tables", tables, len) &&
           fw_cfg_add_file(fw, "etc/smbios/smbios-anchor", anchor, 24);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz the gdb stub's packet parser and command dispatch (gdbstub/
 * packet.c, gdbstub.c) over a fake target: two vCPUs with ten 8-byte
 * registers, 64 KiB of memory at 0x1000, breakpoints that always
 * succeed, and resumes that stop again at once.  Every reply the stub
 * sends must be well framed ($...#cs with a correct checksum, or a
 * lone ack).
 *
 * As a plain program (make check) it runs built-in seeds and then
 * mutations of them from a fixed PRNG seed, for -n N iterations
 * (default 2000000, about a second); built with -DKESTREL_LIBFUZZER it is
 * a libFuzzer target instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FAKE_REGS 10
#define MEM_BASE 0x1000
#define MEM_SIZE 0x10000

typedef struct FakeCPU {
    CPUState cs;
    uint64_t regs[FAKE_REGS];
} FakeCPU;

static FakeCPU fake_cpus[2];
static uint8_t fake_mem[MEM_SIZE];
static GdbSession sess;

/* ------------------------------------------------------------------ */
/* The fake CPU                                                        */

static const char *fake_xml(CPUState *cs, const char *annex)
{
    return strcmp(annex, "target.xml") ? NULL
           : "<?xml version=\"1.0\"?><target><architecture>fake"
             "</architecture></target>";
}

static int fake_read_reg(CPUState *cs, GByteArray *buf, int n)
{
    FakeCPU *c = (FakeCPU *)cs;

    if (n < 0 || n >= FAKE_REGS) {
        return 0;
    }
    g_byte_array_append(buf, (const guint8 *)&c->regs[n], 8);
    return 8;
}

static int fake_write_reg(CPUState *cs, const uint8_t *buf, int len, int n)
{
    FakeCPU *c = (FakeCPU *)cs;

    if (n < 0 || n >= FAKE_REGS || len < 8) {
        return 0;
    }
    memcpy(&c->regs[n], buf, 8);
    return 8;
}

static const CPUGdbOps fake_gdb_ops = {
    .xml = fake_xml,
    .num_regs = FAKE_REGS,
    .read_register = fake_read_reg,
    .write_register = fake_write_reg,
};

static const CPUArchOps fake_arch_ops = {
    .name = "fake",
    .gdb = &fake_gdb_ops,
};

/* ------------------------------------------------------------------ */
/* The fake target                                                     */

static int t_nb_cpus(void *opaque)
{
    return 2;
}

static CPUState *t_cpu(void *opaque, int i)
{
    return &fake_cpus[i].cs;
}

static int t_mem_rw(void *opaque, CPUState *cpu, uint64_t addr,
                    uint8_t *buf, size_t len, bool write)
{
    if (addr < MEM_BASE || addr - MEM_BASE > MEM_SIZE ||
        len > MEM_SIZE - (addr - MEM_BASE)) {
        return -EFAULT;
    }
    if (write) {
        memcpy(fake_mem + (addr - MEM_BASE), buf, len);
    } else {
        memcpy(buf, fake_mem + (addr - MEM_BASE), len);
    }
    return 0;
}

static int t_bp(void *opaque, int type, uint64_t addr, uint64_t len)
{
    return type == GDB_BP_HW ? -ENOSYS : 0;
}

static void t_remove_all(void *opaque)
{
}

static void t_resume(void *opaque, const GdbAction *act, int n)
{
    /* Stop again at once, sometimes with a watchpoint hit. */
    fake_cpus[1].cs.watchpoint_hit_flags = act[0] == GDB_ACT_STEP ? 0 : 2;
    fake_cpus[1].cs.watchpoint_hit_addr = 0x1234;
    gdb_session_report_stop(&sess, &fake_cpus[1].cs, GDB_SIGNAL_TRAP);
}

static void t_interrupt(void *opaque)
{
    gdb_session_report_stop(&sess, &fake_cpus[0].cs, GDB_SIGNAL_INT);
}

static void t_nop(void *opaque)
{
}

static bool t_offsets(void *opaque, uint64_t *text, uint64_t *data)
{
    *text = *data = 0x400000;
    return true;
}

/* Check what the stub sends: acks or whole, well-summed packets. */
static void t_write(void *opaque, const uint8_t *buf, size_t len)
{
    uint8_t sum = 0;
    size_t i;

    if (len == 1 && (buf[0] == '+' || buf[0] == '-')) {
        return;
    }
    if (len < 4 || buf[0] != '$' || buf[len - 3] != '#') {
        fprintf(stderr, "fuzz-gdb-packet: malformed reply\n");
        abort();
    }
    for (i = 1; i < len - 3; i++) {
        sum += buf[i];
    }
    if (gdb_hex_digit(buf[len - 2]) * 16 + gdb_hex_digit(buf[len - 1]) !=
        sum) {
        fprintf(stderr, "fuzz-gdb-packet: bad reply checksum\n");
        abort();
    }
}

static const GdbTargetOps fake_ops = {
    .nb_cpus = t_nb_cpus,
    .cpu = t_cpu,
    .mem_rw = t_mem_rw,
    .insert_bp = t_bp,
    .remove_bp = t_bp,
    .remove_all_bps = t_remove_all,
    .resume = t_resume,
    .interrupt = t_interrupt,
    .kill = t_nop,
    .detach = t_nop,
    .offsets = t_offsets,
    .write = t_write,
};

static void fake_init(void)
{
    for (int i = 0; i < 2; i++) {
        memset(&fake_cpus[i], 0, sizeof(fake_cpus[i]));
        fake_cpus[i].cs.ops = &fake_arch_ops;
        fake_cpus[i].cs.cpu_index = i;
    }
}

/* ------------------------------------------------------------------ */
/* Driving                                                             */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;

    if (!ready) {
        fake_init();
        ready = true;
    }
    gdb_session_init(&sess, &fake_ops, NULL, size & 1);
    gdb_session_input(&sess, data, size);
    /* The same bytes again, mid-stream, in no-ack mode. */
    sess.no_ack = true;
    gdb_session_input(&sess, data, size);
    gdb_session_destroy(&sess);
    return 0;
}

#ifndef KESTREL_LIBFUZZER
static const char *const seeds[] = {
    "+$qSupported:multiprocess+;swbreak+#00",
    "$?#3f", "$g#67", "$G0011223344556677#00", "$p3#a3",
    "$P3=0102030405060708#00",
    "$m1000,40#00", "$M1000,4:deadbeef#00", "$X1000,3:a}]b#00",
    "$Z0,1000,4#00", "$z0,1000,4#00", "$Z2,1234,8#00", "$Z1,0,4#00",
    "$vCont?#49", "$vCont;s:1;c#00", "$vCont;C05:2#00", "$c#63", "$s#73",
    "$C05#00", "$S0b;1000#00", "$Hg2#00", "$Hc-1#00", "$Hgp1.2#00",
    "$T1#00", "$qfThreadInfo#bb", "$qsThreadInfo#c8", "$qC#b4",
    "$qAttached:1#00", "$qOffsets#4b", "$qThreadExtraInfo,1#00",
    "$qXfer:features:read:target.xml:0,10#00", "$QStartNoAckMode#b0",
    "$vMustReplyEmpty#3a", "$D#44", "$k#6b", "\x03", "-", "$#00",
    "$g#ff", "$}#00", "$m#6d",
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

/* A seed (or two spliced), then a few byte-level mutations. */
static size_t mutate(uint8_t *buf, size_t cap)
{
    const char *a = seeds[rng() % G_N_ELEMENTS(seeds)];
    const char *b = seeds[rng() % G_N_ELEMENTS(seeds)];
    size_t n = 0;
    int edits = (int)(rng() % 6);

    for (const char *p = a; *p && n < cap; p++) {
        buf[n++] = (uint8_t)*p;
    }
    if (rng() % 3 == 0) {
        for (const char *p = b; *p && n < cap; p++) {
            buf[n++] = (uint8_t)*p;
        }
    }
    for (int i = 0; i < edits && n > 0; i++) {
        size_t at = rng() % n;

        switch (rng() % 4) {
        case 0:
            buf[at] = (uint8_t)rng();
            break;
        case 1:
            buf[at] = "$#}*:;,=-0123456789abcdefp.\x03"[rng() % 28];
            break;
        case 2:
            if (n < cap) {
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = (uint8_t)rng();
                n++;
            }
            break;
        default:
            memmove(buf + at, buf + at + 1, n - at - 1);
            n--;
            break;
        }
    }
    return n;
}

/* A packet with a correct checksum, so the dispatcher sees it. */
static size_t reframe(uint8_t *buf, size_t n, size_t cap)
{
    uint8_t sum = 0;

    if (n < 2 || buf[0] != '$' || n + 3 > cap) {
        return n;
    }
    for (size_t i = 1; i < n; i++) {
        if (buf[i] == '#' || buf[i] == '$' || buf[i] == '}') {
            buf[i] = 'x';
        }
        sum += buf[i];
    }
    n += (size_t)snprintf((char *)buf + n, cap - n, "#%02x", sum);
    return n;
}

int main(int argc, char **argv)
{
    long iters = 2000000;
    static uint8_t buf[2 * GDB_MAX_PACKET + 64];

    if (argc == 3 && !strcmp(argv[1], "-n")) {
        iters = strtol(argv[2], NULL, 0);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++) {
        LLVMFuzzerTestOneInput((const uint8_t *)seeds[i], strlen(seeds[i]));
    }
    /* An oversized packet and a long run of escapes. */
    memset(buf, 'm', sizeof(buf));
    buf[0] = '$';
    LLVMFuzzerTestOneInput(buf, sizeof(buf));
    memset(buf, '}', sizeof(buf));
    LLVMFuzzerTestOneInput(buf, sizeof(buf));
    for (long it = 0; it < iters; it++) {
        size_t n = mutate(buf, 256);

        if (it & 1) {
            n = reframe(buf, n, sizeof(buf));
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("fuzz-gdb-packet: %ld inputs, no crash\n", iters);
    return 0;
}
#endif

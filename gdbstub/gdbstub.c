/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GDB remote protocol session: acks, command dispatch and stop
 * replies, over a GdbTargetOps (system.c, user.c, or a test's fake).
 *
 * All-stop mode only, one thread per vCPU, thread id = cpu_index + 1.
 * Every malformed request gets an error reply (E22: bad arguments,
 * E14: memory not accessible) and the session goes on; requests we do
 * not know get the empty reply, which tells GDB "not supported".
 *
 *     GdbSession s;
 *     gdb_session_init(&s, &my_ops, me, false);
 *     gdb_session_input(&s, bytes, n);          // replies via ops->write
 *     ... the target stops: gdb_session_report_stop(&s, cpu, 5);
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "internal.h"

#define REPLY_EINVAL "E22"
#define REPLY_EFAULT "E14"

typedef struct GdbCmd {
    const char *name;   /* prefix of the packet */
    void (*fn)(GdbSession *s, const char *args, size_t len);
} GdbCmd;

/* ------------------------------------------------------------------ */
/* Sending                                                             */

void gdb_session_send(GdbSession *s, const char *payload, size_t len)
{
    g_string_truncate(s->last, 0);
    gdb_packet_frame(s->last, (const uint8_t *)payload, len);
    s->ops->write(s->opaque, (const uint8_t *)s->last->str, s->last->len);
}

static void reply(GdbSession *s, const char *str)
{
    gdb_session_send(s, str, strlen(str));
}

static void reply_gstring(GdbSession *s, GString *g)
{
    gdb_session_send(s, g->str, g->len);
}

static void reply_errno(GdbSession *s, int err)
{
    char buf[8];

    snprintf(buf, sizeof(buf), "E%02x", (unsigned)(err < 0 ? -err : err)
             & 0xff);
    reply(s, buf);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */

static int nb_cpus(GdbSession *s)
{
    return s->ops->nb_cpus(s->opaque);
}

static CPUState *cpu_at(GdbSession *s, int i)
{
    return i >= 0 && i < nb_cpus(s) ? s->ops->cpu(s->opaque, i) : NULL;
}

static int thread_id(GdbSession *s, int i)
{
    CPUState *cpu = cpu_at(s, i);

    return cpu ? cpu->cpu_index + 1 : 0;
}

/* Index of thread id tid (> 0), or -1. */
static int find_thread(GdbSession *s, int64_t tid)
{
    for (int i = 0; i < nb_cpus(s); i++) {
        if (thread_id(s, i) == tid) {
            return i;
        }
    }
    return -1;
}

/*
 * Parse a thread id: "-1" (all: -1), "0" (any: 0), "N" or "pP.N"
 * (multiprocess form, accepted anyway).  False if malformed.
 */
static bool parse_thread(const char **p, int64_t *tid)
{
    uint64_t v;

    if ((*p)[0] == '-' && (*p)[1] == '1') {
        *p += 2;
        *tid = -1;
        return true;
    }
    if (**p == 'p') {
        (*p)++;
        if (**p == '-' && (*p)[1] == '1') {
            *p += 2;
        } else if (!gdb_parse_hex(p, &v)) {
            return false;
        }
        if (**p != '.') {
            *tid = -1;
            return true;
        }
        (*p)++;
        return parse_thread(p, tid);
    }
    if (!gdb_parse_hex(p, &v) || v > INT32_MAX) {
        return false;
    }
    *tid = (int64_t)v;
    return true;
}

/* The cpu an 'any'/'all' or unknown selection means: the stopped one. */
static int sel_cpu(GdbSession *s, int idx)
{
    if (idx >= 0 && idx < nb_cpus(s)) {
        return idx;
    }
    return s->stop_cpu >= 0 && s->stop_cpu < nb_cpus(s) ? s->stop_cpu : 0;
}

static CPUState *g_cpu(GdbSession *s)
{
    return cpu_at(s, sel_cpu(s, s->g_cpu));
}

/* ------------------------------------------------------------------ */
/* Stop replies                                                        */

static void append_stop(GdbSession *s, GString *g, CPUState *cpu, int sig)
{
    g_string_append_printf(g, "T%02x", sig & 0xff);
    if (cpu && cpu->watchpoint_hit_flags) {
        int f = cpu->watchpoint_hit_flags;

        g_string_append_printf(g, "%s:%" PRIx64 ";",
                               f == 3 ? "awatch" : f == 1 ? "rwatch"
                                                          : "watch",
                               cpu->watchpoint_hit_addr);
        cpu->watchpoint_hit_flags = 0;
    }
    g_string_append_printf(g, "thread:%x;", cpu ? cpu->cpu_index + 1 : 1);
}

void gdb_session_report_stop(GdbSession *s, CPUState *cpu, int sig)
{
    g_autoptr(GString) g = g_string_new(NULL);

    for (int i = 0; cpu && i < nb_cpus(s); i++) {
        if (cpu_at(s, i) == cpu) {
            s->stop_cpu = i;
        }
    }
    s->g_cpu = s->c_cpu = s->stop_cpu;
    s->running = false;
    s->last_sig = sig;
    append_stop(s, g, cpu, sig);
    reply_gstring(s, g);
}

void gdb_session_report_exit(GdbSession *s, int status)
{
    char buf[8];

    snprintf(buf, sizeof(buf), "W%02x", status & 0xff);
    s->running = false;
    reply(s, buf);
}

void gdb_session_report_signaled(GdbSession *s, int sig)
{
    char buf[8];

    snprintf(buf, sizeof(buf), "X%02x", sig & 0xff);
    s->running = false;
    reply(s, buf);
}

static void cmd_stop_reason(GdbSession *s, const char *a, size_t len)
{
    g_autoptr(GString) g = g_string_new(NULL);

    append_stop(s, g, g_cpu(s), s->last_sig);
    reply_gstring(s, g);
}

/* ------------------------------------------------------------------ */
/* Registers                                                           */

static const CPUGdbOps *gdb_ops(CPUState *cpu)
{
    return cpu ? cpu->ops->gdb : NULL;
}

static void cmd_read_regs(GdbSession *s, const char *a, size_t len)
{
    CPUState *cpu = g_cpu(s);
    const CPUGdbOps *g = gdb_ops(cpu);
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autoptr(GString) out = g_string_new(NULL);

    if (!g) {
        reply(s, REPLY_EINVAL);
        return;
    }
    for (int n = 0; n < g->num_regs; n++) {
        g->read_register(cpu, buf, n);
    }
    gdb_hex_append(out, buf->data, buf->len);
    reply_gstring(s, out);
}

static void cmd_write_regs(GdbSession *s, const char *a, size_t len)
{
    CPUState *cpu = g_cpu(s);
    const CPUGdbOps *g = gdb_ops(cpu);
    size_t nbytes = len / 2;
    g_autofree uint8_t *buf = g_malloc(nbytes + 1);
    size_t off = 0;

    if (!g || (len & 1) || !gdb_hex_decode(a, nbytes, buf)) {
        reply(s, REPLY_EINVAL);
        return;
    }
    /* GDB may send fewer registers than it knows: write what came. */
    for (int n = 0; n < g->num_regs && off < nbytes; n++) {
        int used = g->write_register(cpu, buf + off, (int)(nbytes - off), n);

        if (used <= 0) {
            break;
        }
        off += (size_t)used;
    }
    reply(s, "OK");
}

static void cmd_read_reg(GdbSession *s, const char *a, size_t len)
{
    CPUState *cpu = g_cpu(s);
    const CPUGdbOps *g = gdb_ops(cpu);
    g_autoptr(GByteArray) buf = g_byte_array_new();
    g_autoptr(GString) out = g_string_new(NULL);
    uint64_t n;

    if (!g || !gdb_parse_hex(&a, &n) || *a) {
        reply(s, REPLY_EINVAL);
        return;
    }
    if (n >= (uint64_t)g->num_regs ||
        g->read_register(cpu, buf, (int)n) <= 0) {
        /* Unknown register: E.. makes GDB show it as unavailable. */
        reply(s, REPLY_EINVAL);
        return;
    }
    gdb_hex_append(out, buf->data, buf->len);
    reply_gstring(s, out);
}

static void cmd_write_reg(GdbSession *s, const char *a, size_t len)
{
    CPUState *cpu = g_cpu(s);
    const CPUGdbOps *g = gdb_ops(cpu);
    g_autoptr(GByteArray) cur = g_byte_array_new();
    uint8_t buf[64];
    size_t hexlen;
    uint64_t n;

    if (!g || !gdb_parse_hex(&a, &n) || *a++ != '=') {
        reply(s, REPLY_EINVAL);
        return;
    }
    hexlen = strlen(a);
    /* The value must have the register's exact size. */
    if ((hexlen & 1) || hexlen / 2 > sizeof(buf) ||
        !gdb_hex_decode(a, hexlen / 2, buf) ||
        n >= (uint64_t)g->num_regs ||
        g->read_register(cpu, cur, (int)n) != (int)(hexlen / 2)) {
        reply(s, REPLY_EINVAL);
        return;
    }
    g->write_register(cpu, buf, (int)(hexlen / 2), (int)n);
    reply(s, "OK");
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */

/* "ADDR,LEN" then sep (or the end if sep is 0); false if malformed. */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len,
                           char sep)
{
    if (!gdb_parse_hex(p, addr) || **p != ',') {
        return false;
    }
    (*p)++;
    if (!gdb_parse_hex(p, len) || **p != sep) {
        return false;
    }
    if (sep) {
        (*p)++;
    }
    return true;
}

static void cmd_read_mem(GdbSession *s, const char *a, size_t len)
{
    uint64_t addr, n;
    g_autofree uint8_t *buf = NULL;
    g_autoptr(GString) out = NULL;
    int r;

    if (!parse_addr_len(&a, &addr, &n, 0)) {
        reply(s, REPLY_EINVAL);
        return;
    }
    /* The reply must fit in PacketSize: return less, as allowed. */
    n = MIN(n, (uint64_t)GDB_MAX_PACKET / 2);
    buf = g_malloc(n + 1);
    r = n ? s->ops->mem_rw(s->opaque, g_cpu(s), addr, buf, n, false) : 0;
    if (r < 0) {
        reply(s, REPLY_EFAULT);
        return;
    }
    out = g_string_new(NULL);
    gdb_hex_append(out, buf, n);
    reply_gstring(s, out);
}

static void write_mem(GdbSession *s, uint64_t addr, uint8_t *buf, size_t n)
{
    int r = n ? s->ops->mem_rw(s->opaque, g_cpu(s), addr, buf, n, true) : 0;

    reply(s, r < 0 ? REPLY_EFAULT : "OK");
}

static void cmd_write_mem_hex(GdbSession *s, const char *a, size_t len)
{
    uint64_t addr, n;
    g_autofree uint8_t *buf = NULL;

    if (!parse_addr_len(&a, &addr, &n, ':') || n > GDB_MAX_PACKET ||
        strlen(a) != n * 2) {
        reply(s, REPLY_EINVAL);
        return;
    }
    buf = g_malloc(n + 1);
    if (!gdb_hex_decode(a, n, buf)) {
        reply(s, REPLY_EINVAL);
        return;
    }
    write_mem(s, addr, buf, n);
}

static void cmd_write_mem_bin(GdbSession *s, const char *a, size_t len)
{
    const char *start = a;
    uint64_t addr, n;
    g_autofree uint8_t *buf = NULL;

    /* The data is binary (may hold NULs): its size comes from len. */
    if (!parse_addr_len(&a, &addr, &n, ':') ||
        n != len - (size_t)(a - start)) {
        reply(s, REPLY_EINVAL);
        return;
    }
    buf = g_memdup2(a, n + 1);
    write_mem(s, addr, buf, n);
}

/* ------------------------------------------------------------------ */
/* Breakpoints                                                         */

static void cmd_breakpoint(GdbSession *s, const char *a, size_t len,
                           bool insert)
{
    uint64_t type, addr, kind;
    int r;

    /* Z type,addr,kind[;cond...]: conditions are not supported. */
    if (!gdb_parse_hex(&a, &type) || *a++ != ',' ||
        !gdb_parse_hex(&a, &addr) || *a++ != ',' ||
        !gdb_parse_hex(&a, &kind) || *a) {
        reply(s, REPLY_EINVAL);
        return;
    }
    if (type > GDB_WP_ACCESS) {
        reply(s, "");
        return;
    }
    r = insert ? s->ops->insert_bp(s->opaque, (int)type, addr, kind)
               : s->ops->remove_bp(s->opaque, (int)type, addr, kind);
    if (r == -ENOSYS) {
        reply(s, "");
    } else if (r < 0) {
        reply_errno(s, r);
    } else {
        reply(s, "OK");
    }
}

static void cmd_insert_bp(GdbSession *s, const char *a, size_t len)
{
    cmd_breakpoint(s, a, len, true);
}

static void cmd_remove_bp(GdbSession *s, const char *a, size_t len)
{
    cmd_breakpoint(s, a, len, false);
}

/* ------------------------------------------------------------------ */
/* Resuming                                                            */

static void resume(GdbSession *s, GdbAction *act)
{
    int n = nb_cpus(s);

    s->running = true;
    s->ops->resume(s->opaque, act, n);
}

/* c [addr] / s [addr] (addr: resume there; rarely used). */
static void resume_simple(GdbSession *s, const char *a, GdbAction what)
{
    int n = nb_cpus(s);
    g_autofree GdbAction *act = g_new0(GdbAction, MAX(n, 1));
    int idx = sel_cpu(s, s->c_cpu);
    uint64_t addr;

    if (*a) {
        const CPUGdbOps *g = gdb_ops(cpu_at(s, idx));
        uint8_t pc[8];

        /* Register 32 is pc in the AArch64 core description. */
        if (!gdb_parse_hex(&a, &addr) || *a || !g) {
            reply(s, REPLY_EINVAL);
            return;
        }
        for (int i = 0; i < 8; i++) {
            pc[i] = (uint8_t)(addr >> (8 * i));
        }
        g->write_register(cpu_at(s, idx), pc, 8, 32);
    }
    for (int i = 0; i < n; i++) {
        act[i] = what == GDB_ACT_STEP ? GDB_ACT_NONE : GDB_ACT_CONTINUE;
    }
    if (idx < n) {
        act[idx] = what;
    }
    resume(s, act);
}

static void cmd_continue(GdbSession *s, const char *a, size_t len)
{
    resume_simple(s, a, GDB_ACT_CONTINUE);
}

static void cmd_step(GdbSession *s, const char *a, size_t len)
{
    resume_simple(s, a, GDB_ACT_STEP);
}

/* C sig[;addr] / S sig[;addr]: signals are not delivered; addr unused. */
static void cmd_continue_sig(GdbSession *s, const char *a, size_t len)
{
    uint64_t sig;

    if (!gdb_parse_hex(&a, &sig)) {
        reply(s, REPLY_EINVAL);
        return;
    }
    s->resume_sig = (int)(sig & 0xff);
    resume_simple(s, "", GDB_ACT_CONTINUE);
}

static void cmd_step_sig(GdbSession *s, const char *a, size_t len)
{
    uint64_t sig;

    if (!gdb_parse_hex(&a, &sig)) {
        reply(s, REPLY_EINVAL);
        return;
    }
    s->resume_sig = (int)(sig & 0xff);
    resume_simple(s, "", GDB_ACT_STEP);
}

/* One vCont action "c", "s", "Cxx", "Sxx" up to ':' or ';'. */
static bool parse_vcont_action(GdbSession *s, const char **p,
                               GdbAction *what)
{
    char c = **p;
    uint64_t sig;

    (*p)++;
    if (c == 'c' || c == 's') {
        *what = c == 'c' ? GDB_ACT_CONTINUE : GDB_ACT_STEP;
        return true;
    }
    if ((c == 'C' || c == 'S') && gdb_parse_hex(p, &sig)) {
        *what = c == 'C' ? GDB_ACT_CONTINUE : GDB_ACT_STEP;
        s->resume_sig = (int)(sig & 0xff);
        return true;
    }
    return false;
}

/* Apply one action to its thread(s): the first match wins. */
static bool vcont_apply(GdbSession *s, GdbAction *act, int n,
                        GdbAction what, int64_t tid)
{
    int idx;

    if (tid <= 0) {
        for (int i = 0; i < n; i++) {
            if (act[i] == GDB_ACT_NONE) {
                act[i] = what;
            }
        }
        return true;
    }
    idx = find_thread(s, tid);
    if (idx < 0) {
        return false;
    }
    if (act[idx] == GDB_ACT_NONE) {
        act[idx] = what;
    }
    return true;
}

static void cmd_vcont(GdbSession *s, const char *a, size_t len)
{
    int n = nb_cpus(s);
    g_autofree GdbAction *act = g_new0(GdbAction, MAX(n, 1));
    bool any = false;

    s->resume_sig = 0;
    while (*a == ';') {
        GdbAction what;
        int64_t tid = -1;

        a++;
        if (!parse_vcont_action(s, &a, &what) ||
            (*a == ':' && (a++, !parse_thread(&a, &tid))) ||
            (*a && *a != ';') || !vcont_apply(s, act, n, what, tid)) {
            reply(s, REPLY_EINVAL);
            return;
        }
        any = true;
    }
    if (!any || *a) {
        reply(s, REPLY_EINVAL);
        return;
    }
    resume(s, act);
}

static void cmd_v(GdbSession *s, const char *a, size_t len)
{
    if (!strcmp(a, "Cont?")) {
        reply(s, "vCont;c;C;s;S");
    } else if (g_str_has_prefix(a, "Cont;")) {
        cmd_vcont(s, a + 4, len - 4);
    } else if (g_str_has_prefix(a, "Kill")) {
        reply(s, "OK");
        s->ops->kill(s->opaque);
    } else {
        /* vMustReplyEmpty, vFile, vRun...: not supported. */
        reply(s, "");
    }
}

/* ------------------------------------------------------------------ */
/* Thread selection                                                    */

static void cmd_set_thread(GdbSession *s, const char *a, size_t len)
{
    char op = *a++;
    int64_t tid;
    int idx;

    if ((op != 'g' && op != 'c') || !parse_thread(&a, &tid) || *a) {
        reply(s, REPLY_EINVAL);
        return;
    }
    idx = tid <= 0 ? -1 : find_thread(s, tid);
    if (tid > 0 && idx < 0) {
        reply(s, REPLY_EINVAL);
        return;
    }
    if (op == 'g') {
        s->g_cpu = idx;
    } else {
        s->c_cpu = idx;
    }
    reply(s, "OK");
}

static void cmd_thread_alive(GdbSession *s, const char *a, size_t len)
{
    int64_t tid;

    if (!parse_thread(&a, &tid) || *a || tid <= 0 ||
        find_thread(s, tid) < 0) {
        reply(s, REPLY_EINVAL);
        return;
    }
    reply(s, "OK");
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */

static void q_supported(GdbSession *s, const char *a)
{
    char buf[128];

    snprintf(buf, sizeof(buf), "PacketSize=%x;qXfer:features:read+;"
             "QStartNoAckMode+;vContSupported+;multiprocess-",
             GDB_MAX_PACKET);
    reply(s, buf);
}

static void q_thread_info(GdbSession *s, bool first)
{
    g_autoptr(GString) g = g_string_new(NULL);

    if (first) {
        s->thread_iter = 0;
    }
    if (s->thread_iter >= nb_cpus(s)) {
        reply(s, "l");
        return;
    }
    /* All threads in one reply: a handful of vCPUs fits easily. */
    g_string_append_c(g, 'm');
    for (; s->thread_iter < nb_cpus(s); s->thread_iter++) {
        g_string_append_printf(g, "%s%x", g->len > 1 ? "," : "",
                               thread_id(s, s->thread_iter));
    }
    reply_gstring(s, g);
}

static void q_thread_extra(GdbSession *s, const char *a)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *text = NULL;
    int64_t tid;
    int idx;

    if (!parse_thread(&a, &tid) || *a || (idx = find_thread(s, tid)) < 0) {
        reply(s, REPLY_EINVAL);
        return;
    }
    text = g_strdup_printf("CPU#%d [%s]", cpu_at(s, idx)->cpu_index,
                           s->running ? "running" : "halted");
    gdb_hex_append(out, (const uint8_t *)text, strlen(text));
    reply_gstring(s, out);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void q_xfer_features(GdbSession *s, const char *a)
{
    const char *colon = strchr(a, ':');
    g_autofree char *annex = NULL;
    const CPUGdbOps *g = gdb_ops(g_cpu(s));
    const char *xml;
    uint64_t off, n;
    size_t total;
    g_autoptr(GString) out = NULL;

    if (!colon) {
        reply(s, REPLY_EINVAL);
        return;
    }
    annex = g_strndup(a, colon - a);
    a = colon + 1;
    if (!parse_addr_len(&a, &off, &n, 0)) {
        reply(s, REPLY_EINVAL);
        return;
    }
    xml = g && g->xml ? g->xml(g_cpu(s), annex) : NULL;
    if (!xml) {
        reply(s, "E00");
        return;
    }
    total = strlen(xml);
    n = MIN(n, (uint64_t)GDB_MAX_PACKET / 2);
    out = g_string_new(NULL);
    if (off >= total) {
        g_string_append_c(out, 'l');
    } else {
        size_t chunk = MIN((size_t)n, total - (size_t)off);

        g_string_append_c(out, off + chunk < total ? 'm' : 'l');
        g_string_append_len(out, xml + off, (gssize)chunk);
    }
    reply_gstring(s, out);
}

static void q_offsets(GdbSession *s)
{
    uint64_t text, data;
    char buf[64];

    if (!s->ops->offsets || !s->ops->offsets(s->opaque, &text, &data)) {
        reply(s, "");
        return;
    }
    snprintf(buf, sizeof(buf), "Text=%" PRIx64 ";Data=%" PRIx64 ";Bss=%"
             PRIx64, text, data, data);
    reply(s, buf);
}

static void cmd_query(GdbSession *s, const char *a, size_t len)
{
    char buf[32];

    if (g_str_has_prefix(a, "Supported")) {
        q_supported(s, a);
    } else if (g_str_has_prefix(a, "Xfer:features:read:")) {
        q_xfer_features(s, a + strlen("Xfer:features:read:"));
    } else if (!strcmp(a, "fThreadInfo") || !strcmp(a, "sThreadInfo")) {
        q_thread_info(s, a[0] == 'f');
    } else if (g_str_has_prefix(a, "ThreadExtraInfo,")) {
        q_thread_extra(s, a + strlen("ThreadExtraInfo,"));
    } else if (!strcmp(a, "C")) {
        snprintf(buf, sizeof(buf), "QC%x",
                 thread_id(s, sel_cpu(s, s->stop_cpu)));
        reply(s, buf);
    } else if (g_str_has_prefix(a, "Attached")) {
        /* System mode: we did not create the "process": detach leaves
         * it running.  User mode: we started it (kill on quit). */
        reply(s, s->user_mode ? "0" : "1");
    } else if (!strcmp(a, "Offsets")) {
        q_offsets(s);
    } else if (g_str_has_prefix(a, "Symbol")) {
        reply(s, "OK");
    } else {
        reply(s, "");
    }
}

static void cmd_set(GdbSession *s, const char *a, size_t len)
{
    if (!strcmp(a, "StartNoAckMode")) {
        reply(s, "OK");
        /* The OK itself is still acknowledged; then no more acks. */
        s->no_ack = true;
    } else {
        reply(s, "");
    }
}

/* ------------------------------------------------------------------ */
/* Detach and kill                                                     */

static void cmd_detach(GdbSession *s, const char *a, size_t len)
{
    s->ops->remove_all_bps(s->opaque);
    reply(s, "OK");
    s->running = false;
    s->ops->detach(s->opaque);
}

static void cmd_kill(GdbSession *s, const char *a, size_t len)
{
    s->ops->kill(s->opaque);
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

static const GdbCmd gdb_cmds[] = {
    { "?", cmd_stop_reason },
    { "g", cmd_read_regs },
    { "G", cmd_write_regs },
    { "p", cmd_read_reg },
    { "P", cmd_write_reg },
    { "m", cmd_read_mem },
    { "M", cmd_write_mem_hex },
    { "X", cmd_write_mem_bin },
    { "Z", cmd_insert_bp },
    { "z", cmd_remove_bp },
    { "c", cmd_continue },
    { "s", cmd_step },
    { "C", cmd_continue_sig },
    { "S", cmd_step_sig },
    { "v", cmd_v },
    { "H", cmd_set_thread },
    { "T", cmd_thread_alive },
    { "q", cmd_query },
    { "Q", cmd_set },
    { "D", cmd_detach },
    { "k", cmd_kill },
};

void gdb_session_handle_packet(GdbSession *s, const char *pkt, size_t len)
{
    if (len == 0) {
        reply(s, "");
        return;
    }
    if (s->running) {
        /* All-stop: GDB only talks to a running target with Ctrl-C. */
        reply(s, "E10");
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(gdb_cmds); i++) {
        if (pkt[0] == gdb_cmds[i].name[0]) {
            gdb_cmds[i].fn(s, pkt + 1, len - 1);
            return;
        }
    }
    reply(s, "");
}

static void send_ack(GdbSession *s, char c)
{
    uint8_t b = (uint8_t)c;

    if (!s->no_ack) {
        s->ops->write(s->opaque, &b, 1);
    }
}

static void handle_event(GdbSession *s, GdbRxEvent ev)
{
    switch (ev) {
    case GDB_EV_PACKET:
        send_ack(s, '+');
        gdb_session_handle_packet(s, (const char *)s->rx.buf, s->rx.len);
        break;
    case GDB_EV_BAD_CSUM:
        send_ack(s, '-');
        break;
    case GDB_EV_TOO_LONG:
        send_ack(s, '+');
        reply(s, "E01");
        break;
    case GDB_EV_NAK:
        if (!s->no_ack && s->last->len) {
            s->ops->write(s->opaque, (const uint8_t *)s->last->str,
                          s->last->len);
        }
        break;
    case GDB_EV_INTERRUPT:
        if (s->running) {
            s->ops->interrupt(s->opaque);
        }
        break;
    case GDB_EV_ACK:
    case GDB_EV_NONE:
        break;
    }
}

void gdb_session_input(GdbSession *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        handle_event(s, gdb_parser_feed(&s->rx, buf[i]));
    }
}

void gdb_session_init(GdbSession *s, const GdbTargetOps *ops, void *opaque,
                      bool user_mode)
{
    memset(s, 0, sizeof(*s));
    s->ops = ops;
    s->opaque = opaque;
    s->user_mode = user_mode;
    s->last = g_string_new(NULL);
    s->g_cpu = s->c_cpu = -1;
    s->stop_cpu = 0;
    s->last_sig = GDB_SIGNAL_TRAP;
    gdb_parser_init(&s->rx);
}

void gdb_session_destroy(GdbSession *s)
{
    if (s->last) {
        g_string_free(s->last, true);
    }
    s->last = NULL;
}

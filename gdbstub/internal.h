/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdb stub's parts and what they tell each other.
 *
 *     packet.c   framing: $data#cs parsing, acks, escapes, Ctrl-C; and
 *                building replies (hex, escapes, checksum)
 *     gdbstub.c  the session: command dispatch, stop replies; it knows
 *                the machine only through GdbTargetOps
 *     socket.c   "tcp::PORT", "unix:PATH", "PORT" specs -> listening fd
 *     cpus.c     GdbTargetOps parts both glue layers share (vCPU list,
 *                breakpoints on every vCPU); needs tcg/debug.c
 *     system.c   GdbTargetOps for system mode (main loop, vm_stop)
 *     user.c     GdbTargetOps for linux-user (blocking, per stop)
 *
 * packet.c and gdbstub.c need nothing but glib and the CPU's gdb
 * register ops, so tests and the fuzzer drive them with a fake target.
 */
#ifndef KESTREL_GDBSTUB_INTERNAL_H
#define KESTREL_GDBSTUB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "kestrel/cpu.h"
#include "kestrel/gdbstub.h"

/* Largest packet payload we accept (advertised as PacketSize). */
#define GDB_MAX_PACKET 4096

/* ------------------------------------------------------------------ */
/* packet.c: framing                                                   */

typedef enum GdbRxState {
    GDB_RX_IDLE,        /* between packets */
    GDB_RX_DATA,        /* after '$' */
    GDB_RX_ESCAPE,      /* after '}' inside data */
    GDB_RX_CSUM1,       /* after '#' */
    GDB_RX_CSUM2,
} GdbRxState;

typedef enum GdbRxEvent {
    GDB_EV_NONE,        /* byte consumed, nothing complete */
    GDB_EV_PACKET,      /* a packet with a good checksum: p->buf */
    GDB_EV_BAD_CSUM,    /* answer '-' */
    GDB_EV_TOO_LONG,    /* answer '+' then an error reply */
    GDB_EV_ACK,         /* '+' */
    GDB_EV_NAK,         /* '-': resend the last reply */
    GDB_EV_INTERRUPT,   /* 0x03 outside a packet */
} GdbRxEvent;

typedef struct GdbParser {
    GdbRxState state;
    uint8_t buf[GDB_MAX_PACKET + 1];    /* unescaped payload, NUL ended */
    size_t len;
    bool overflow;      /* the payload did not fit */
    uint8_t sum;        /* running checksum of the raw payload */
    uint8_t rx_sum;     /* checksum as sent */
    bool bad_hex;       /* a checksum digit was not hex */
} GdbParser;

void gdb_parser_init(GdbParser *p);
/* Feed one received byte. */
GdbRxEvent gdb_parser_feed(GdbParser *p, uint8_t c);

/* Frame payload as $payload#cs into out (escaping #$}*). */
void gdb_packet_frame(GString *out, const uint8_t *payload, size_t len);
/* Append bytes as hex / parse hex into bytes (false on a bad digit). */
void gdb_hex_append(GString *out, const uint8_t *buf, size_t len);
bool gdb_hex_decode(const char *hex, size_t nbytes, uint8_t *out);
int gdb_hex_digit(int c);
/*
 * Parse a hex number at *p (at most 16 digits), advancing *p; false if
 * there is no digit or it is too long.
 */
bool gdb_parse_hex(const char **p, uint64_t *val);

/* ------------------------------------------------------------------ */
/* gdbstub.c: the session                                              */

/* Resume actions per CPU. */
typedef enum GdbAction {
    GDB_ACT_NONE,       /* not named: stays as the default says */
    GDB_ACT_CONTINUE,
    GDB_ACT_STEP,
} GdbAction;

/* Breakpoint kinds of the Z/z packets. */
enum {
    GDB_BP_SW = 0,
    GDB_BP_HW = 1,
    GDB_WP_WRITE = 2,
    GDB_WP_READ = 3,
    GDB_WP_ACCESS = 4,
};

typedef struct GdbTargetOps {
    int (*nb_cpus)(void *opaque);
    CPUState *(*cpu)(void *opaque, int index);
    /* Debug access to cpu's virtual memory: 0 or -errno. */
    int (*mem_rw)(void *opaque, CPUState *cpu, uint64_t addr, uint8_t *buf,
                  size_t len, bool write);
    /* Z/z types: 0, -ENOSYS (not supported: empty reply) or -errno. */
    int (*insert_bp)(void *opaque, int type, uint64_t addr, uint64_t len);
    int (*remove_bp)(void *opaque, int type, uint64_t addr, uint64_t len);
    void (*remove_all_bps)(void *opaque);
    /* Resume with act[cpu index]; a stop is reported later. */
    void (*resume)(void *opaque, const GdbAction *act, int n);
    /* Ctrl-C: stop, then report (gdb_session_report_stop). */
    void (*interrupt)(void *opaque);
    /* 'k': end the emulator. */
    void (*kill)(void *opaque);
    /* 'D': everything was removed; resume and forget GDB. */
    void (*detach)(void *opaque);
    /* User mode (qOffsets): where the program was loaded. */
    bool (*offsets)(void *opaque, uint64_t *text, uint64_t *data);
    /* Send bytes to GDB. */
    void (*write)(void *opaque, const uint8_t *buf, size_t len);
} GdbTargetOps;

typedef struct GdbSession {
    const GdbTargetOps *ops;
    void *opaque;
    GdbParser rx;
    GString *last;          /* last framed reply, for '-' */
    bool no_ack;            /* QStartNoAckMode */
    bool running;           /* resumed: a stop reply is owed */
    bool user_mode;         /* qOffsets, qAttached */
    int g_cpu;              /* Hg: registers, memory (cpu index) */
    int c_cpu;              /* Hc: s / c without vCont */
    int stop_cpu;           /* last reported stop */
    int thread_iter;        /* qsThreadInfo position */
    int last_sig;           /* of the last stop reply ('?') */
    int resume_sig;         /* C/S/vCont signal (user mode delivers it) */
} GdbSession;

void gdb_session_init(GdbSession *s, const GdbTargetOps *ops, void *opaque,
                      bool user_mode);
void gdb_session_destroy(GdbSession *s);
/* Bytes from GDB. */
void gdb_session_input(GdbSession *s, const uint8_t *buf, size_t len);
/* Handle one complete payload (exposed for tests and the fuzzer). */
void gdb_session_handle_packet(GdbSession *s, const char *pkt, size_t len);
/*
 * The target stopped: send the stop reply for cpu (signal sig; cpu's
 * watchpoint hit, if any, is reported and cleared).
 */
void gdb_session_report_stop(GdbSession *s, CPUState *cpu, int sig);
/* The program ended: W<status> / X<sig>. */
void gdb_session_report_exit(GdbSession *s, int status);
void gdb_session_report_signaled(GdbSession *s, int sig);
/* Send a payload (framed); used for replies and stop reports. */
void gdb_session_send(GdbSession *s, const char *payload, size_t len);

/* GDB signal numbers we report. */
enum {
    GDB_SIGNAL_0 = 0,
    GDB_SIGNAL_INT = 2,
    GDB_SIGNAL_TRAP = 5,
};

/* ------------------------------------------------------------------ */
/* socket.c                                                            */

/*
 * Listen on spec ("tcp::PORT", "tcp:HOST:PORT", "unix:PATH", "PORT"):
 * the fd, or -1 with *errp.  *desc gets a description for messages.
 */
int gdb_socket_listen(const char *spec, char **desc, GError **errp);
/* Accept one client (blocking), TCP_NODELAY; -1 on error. */
int gdb_socket_accept(int listen_fd);
/*
 * Send all of buf to fd, retrying on EINTR; gives up quietly on an
 * error or hang-up, which the reading side then notices.
 */
void gdb_socket_write_all(int fd, const uint8_t *buf, size_t len);

/* ------------------------------------------------------------------ */
/* cpus.c: GdbTargetOps members for system.c and user.c                */

int gdb_cpus_count(void *opaque);
CPUState *gdb_cpus_get(void *opaque, int index);
/* On every vCPU; a failed insert is undone on the vCPUs that took it. */
int gdb_cpus_insert_bp(void *opaque, int type, uint64_t addr, uint64_t len);
/* From every vCPU; the first error, after trying them all. */
int gdb_cpus_remove_bp(void *opaque, int type, uint64_t addr, uint64_t len);
/* Breakpoints, watchpoints and single-step off on every vCPU. */
void gdb_cpus_remove_all_bps(void *opaque);
/* Single-step the vCPUs whose act[] is GDB_ACT_STEP, clear the others. */
void gdb_cpus_set_steps(const GdbAction *act, int n);

#endif /* KESTREL_GDBSTUB_INTERNAL_H */

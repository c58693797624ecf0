/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GDB remote protocol framing.
 *
 *     $<payload>#<two hex digits: sum of the payload bytes mod 256>
 *
 * answered with '+' (good) or '-' (resend) unless no-ack mode is on.
 * Inside a payload, '}' escapes the next byte (sent xor 0x20); the
 * checksum covers the bytes as sent.  A 0x03 byte between packets is
 * Ctrl-C.  Anything else between packets is noise and ignored, as GDB's
 * own stubs do.  The parser is a byte-at-a-time state machine with a
 * fixed buffer: an oversized packet is read to its end and reported as
 * such, so the stream stays in sync whatever arrives.
 */
#include <string.h>

#include "internal.h"

void gdb_parser_init(GdbParser *p)
{
    memset(p, 0, sizeof(*p));
    p->state = GDB_RX_IDLE;
}

int gdb_hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static void rx_store(GdbParser *p, uint8_t c)
{
    if (p->len < GDB_MAX_PACKET) {
        p->buf[p->len++] = c;
    } else {
        p->overflow = true;
    }
}

static GdbRxEvent rx_idle(GdbParser *p, uint8_t c)
{
    switch (c) {
    case '$':
        p->state = GDB_RX_DATA;
        p->len = 0;
        p->sum = 0;
        p->overflow = false;
        p->bad_hex = false;
        return GDB_EV_NONE;
    case '+':
        return GDB_EV_ACK;
    case '-':
        return GDB_EV_NAK;
    case 0x03:
        return GDB_EV_INTERRUPT;
    default:
        return GDB_EV_NONE;
    }
}

/* The second checksum digit arrived: judge the packet. */
static GdbRxEvent rx_finish(GdbParser *p)
{
    p->state = GDB_RX_IDLE;
    p->buf[p->len] = 0;
    if (p->bad_hex || p->rx_sum != p->sum) {
        return GDB_EV_BAD_CSUM;
    }
    return p->overflow ? GDB_EV_TOO_LONG : GDB_EV_PACKET;
}

static void rx_csum_digit(GdbParser *p, uint8_t c, int shift)
{
    int d = gdb_hex_digit(c);

    if (d < 0) {
        p->bad_hex = true;
        d = 0;
    }
    p->rx_sum |= (uint8_t)(d << shift);
}

GdbRxEvent gdb_parser_feed(GdbParser *p, uint8_t c)
{
    switch (p->state) {
    case GDB_RX_IDLE:
        return rx_idle(p, c);
    case GDB_RX_DATA:
        if (c == '#') {
            p->state = GDB_RX_CSUM1;
            p->rx_sum = 0;
            return GDB_EV_NONE;
        }
        if (c == '$') {
            /* A new packet in the middle: GDB gave up on the old one. */
            return rx_idle(p, c);
        }
        p->sum += c;
        if (c == '}') {
            p->state = GDB_RX_ESCAPE;
        } else {
            rx_store(p, c);
        }
        return GDB_EV_NONE;
    case GDB_RX_ESCAPE:
        p->sum += c;
        rx_store(p, c ^ 0x20);
        p->state = GDB_RX_DATA;
        return GDB_EV_NONE;
    case GDB_RX_CSUM1:
        rx_csum_digit(p, c, 4);
        p->state = GDB_RX_CSUM2;
        return GDB_EV_NONE;
    case GDB_RX_CSUM2:
        rx_csum_digit(p, c, 0);
        return rx_finish(p);
    }
    p->state = GDB_RX_IDLE;
    return GDB_EV_NONE;
}

/* ------------------------------------------------------------------ */
/* Building replies                                                    */

void gdb_packet_frame(GString *out, const uint8_t *payload, size_t len)
{
    uint8_t sum = 0;

    g_string_append_c(out, '$');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = payload[i];

        if (c == '$' || c == '#' || c == '}' || c == '*') {
            g_string_append_c(out, '}');
            sum += '}';
            c ^= 0x20;
        }
        g_string_append_c(out, (char)c);
        sum += c;
    }
    g_string_append_printf(out, "#%02x", sum);
}

void gdb_hex_append(GString *out, const uint8_t *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        g_string_append_c(out, digits[buf[i] >> 4]);
        g_string_append_c(out, digits[buf[i] & 15]);
    }
}

bool gdb_hex_decode(const char *hex, size_t nbytes, uint8_t *out)
{
    for (size_t i = 0; i < nbytes; i++) {
        int hi = gdb_hex_digit((unsigned char)hex[2 * i]);
        int lo = hi < 0 ? -1 : gdb_hex_digit((unsigned char)hex[2 * i + 1]);

        if (lo < 0) {
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool gdb_parse_hex(const char **p, uint64_t *val)
{
    const char *s = *p;
    uint64_t v = 0;
    int n = 0;
    int d;

    while ((d = gdb_hex_digit((unsigned char)*s)) >= 0) {
        if (++n > 16) {
            return false;
        }
        v = v << 4 | (uint64_t)d;
        s++;
    }
    if (n == 0) {
        return false;
    }
    *val = v;
    *p = s;
    return true;
}

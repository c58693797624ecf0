/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ARM PrimeCell PL011 UART (DDI0183, revision r1p5).
 *
 * What the board sees:
 *  + one MMIO region of 4 KiB (s->iomem): the UART registers and the
 *    PrimeCell peripheral/cell ID registers; accesses of 1 to 4 bytes
 *  + one IRQ output, UARTINTR: the OR of the masked interrupt status
 *  + one character backend (Chardev): bytes the guest transmits go to
 *    it, bytes it delivers fill the receive FIFO
 *
 * Emulated: the 32-entry receive FIFO (1 entry when LCR_H.FEN is clear)
 * with the IFLS receive trigger level; the RX, RT and TX interrupts with
 * IMSC/RIS/MIS/ICR; internal loopback (CR.LBE).
 *
 * Not emulated: baud rate timing (IBRD/FBRD/LCR_H are stored and read
 * back, nothing more); the transmit FIFO (a written byte leaves at once,
 * so the FIFO always reads empty and the TX interrupt is raised after
 * every write); modem lines (FR reports CTS/DSR/DCD inactive, their
 * interrupts never fire); framing, parity and break errors and overrun
 * (the backend only hands over what the FIFO can take); DMA (DMACR is
 * stored only); IrDA.  The receive timeout is modelled as zero-length:
 * RT is raised as soon as a batch of input leaves data in the FIFO, and
 * cleared when the FIFO is emptied or through ICR.
 */
#include "hw/char/pl011.h"

#include "kestrel/log.h"

/* Register offsets (DDI0183 table 3-1). */
enum {
    PL011_DR = 0x000,
    PL011_RSR = 0x004,      /* read: RSR; write: ECR (clears errors) */
    PL011_FR = 0x018,
    PL011_ILPR = 0x020,
    PL011_IBRD = 0x024,
    PL011_FBRD = 0x028,
    PL011_LCR_H = 0x02c,
    PL011_CR = 0x030,
    PL011_IFLS = 0x034,
    PL011_IMSC = 0x038,
    PL011_RIS = 0x03c,
    PL011_MIS = 0x040,
    PL011_ICR = 0x044,
    PL011_DMACR = 0x048,
    PL011_ID_BASE = 0xfe0,  /* PeriphID0..3, PCellID0..3 */
};

/* FR bits. */
enum {
    FR_CTS = 1 << 0,
    FR_DSR = 1 << 1,
    FR_DCD = 1 << 2,
    FR_BUSY = 1 << 3,
    FR_RXFE = 1 << 4,
    FR_TXFF = 1 << 5,
    FR_RXFF = 1 << 6,
    FR_TXFE = 1 << 7,
    FR_RI = 1 << 8,
};

/* Interrupt bits (IMSC, RIS, MIS, ICR). */
enum {
    INT_RI = 1 << 0,
    INT_CTS = 1 << 1,
    INT_DCD = 1 << 2,
    INT_DSR = 1 << 3,
    INT_RX = 1 << 4,
    INT_TX = 1 << 5,
    INT_RT = 1 << 6,
    INT_FE = 1 << 7,
    INT_PE = 1 << 8,
    INT_BE = 1 << 9,
    INT_OE = 1 << 10,
    INT_ALL = 0x7ff,
};

#define LCR_H_FEN (1 << 4)
#define CR_UARTEN (1 << 0)
#define CR_LBE (1 << 7)
#define CR_TXE (1 << 8)
#define CR_RXE (1 << 9)

/* PeriphID0..3 (part 0x011, ARM, revision r1p5) and the PrimeCell ID. */
static const uint8_t pl011_id[8] = {
    0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* ------------------------------------------------------------------ */
/* FIFO and interrupts                                                 */

static void pl011_update(PL011State *s)
{
    irq_set(s->irq, (s->ris & s->imsc) != 0);
}

static unsigned pl011_fifo_depth(PL011State *s)
{
    return (s->lcr_h & LCR_H_FEN) ? PL011_FIFO_DEPTH : 1;
}

/* Entries that raise RX: IFLS.RXIFLSEL as eighths of the FIFO. */
static unsigned pl011_rx_trigger(PL011State *s)
{
    static const unsigned eighths[8] = { 1, 2, 4, 6, 7, 7, 7, 7 };

    if (!(s->lcr_h & LCR_H_FEN)) {
        return 1;
    }
    return eighths[(s->ifls >> 3) & 7] * PL011_FIFO_DEPTH / 8;
}

static void pl011_rx_update(PL011State *s)
{
    if (s->rx_count >= pl011_rx_trigger(s)) {
        s->ris |= INT_RX;
    } else {
        s->ris &= ~INT_RX;
    }
    if (s->rx_count == 0) {
        s->ris &= ~INT_RT;
    }
}

static void pl011_rx_push(PL011State *s, uint16_t v)
{
    if (s->rx_count >= pl011_fifo_depth(s)) {
        s->rsr |= INT_OE >> 7;      /* RSR.OE is bit 3 */
        s->ris |= INT_OE;
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % PL011_FIFO_DEPTH] = v;
    s->rx_count++;
}

static uint32_t pl011_read_dr(PL011State *s)
{
    uint32_t v;

    if (s->rx_count == 0) {
        return 0;
    }
    v = s->rx_fifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % PL011_FIFO_DEPTH;
    s->rx_count--;
    s->rsr = (v >> 8) & 0xf;
    pl011_rx_update(s);
    pl011_update(s);
    if (s->chr) {
        chardev_accept_input(s->chr);
    }
    return v;
}

static void pl011_write_dr(PL011State *s, uint32_t v)
{
    uint8_t ch = v;

    if ((s->cr & (CR_UARTEN | CR_TXE)) != (CR_UARTEN | CR_TXE)) {
        /* Early consoles write before anyone enabled the UART. */
        log_mask(LOG_GUEST_ERROR,
                 "pl011: data written with UARTEN/TXE clear (CR=0x%x)\n",
                 s->cr);
    }
    if (s->cr & CR_LBE) {
        pl011_rx_push(s, ch);
        s->ris |= INT_RT;
        pl011_rx_update(s);
    } else if (s->chr) {
        chardev_write(s->chr, &ch, 1);
    }
    s->ris |= INT_TX;
    pl011_update(s);
}

static uint32_t pl011_read_fr(PL011State *s)
{
    uint32_t fr = FR_TXFE;

    if (s->rx_count == 0) {
        fr |= FR_RXFE;
    }
    if (s->rx_count >= pl011_fifo_depth(s)) {
        fr |= FR_RXFF;
    }
    return fr;
}

/* ------------------------------------------------------------------ */
/* Registers                                                           */

static uint32_t pl011_read_reg(PL011State *s, uint64_t off)
{
    switch (off) {
    case PL011_DR:
        return pl011_read_dr(s);
    case PL011_RSR:
        return s->rsr;
    case PL011_FR:
        return pl011_read_fr(s);
    case PL011_ILPR:
        return s->ilpr;
    case PL011_IBRD:
        return s->ibrd;
    case PL011_FBRD:
        return s->fbrd;
    case PL011_LCR_H:
        return s->lcr_h;
    case PL011_CR:
        return s->cr;
    case PL011_IFLS:
        return s->ifls;
    case PL011_IMSC:
        return s->imsc;
    case PL011_RIS:
        return s->ris;
    case PL011_MIS:
        return s->ris & s->imsc;
    case PL011_DMACR:
        return s->dmacr;
    }
    if (off >= PL011_ID_BASE && off < PL011_MMIO_SIZE) {
        return pl011_id[(off - PL011_ID_BASE) >> 2];
    }
    log_mask(LOG_GUEST_ERROR, "pl011: read of bad offset 0x%03x\n",
             (unsigned)off);
    return 0;
}

static void pl011_write_lcr_h(PL011State *s, uint32_t v)
{
    /* Turning the FIFO off or on empties it (as the TRM advises). */
    if ((s->lcr_h ^ v) & LCR_H_FEN) {
        s->rx_count = 0;
        s->rx_head = 0;
    }
    s->lcr_h = v & 0xff;
    pl011_rx_update(s);
    pl011_update(s);
    if (s->chr) {
        chardev_accept_input(s->chr);
    }
}

static void pl011_write_cr(PL011State *s, uint32_t v)
{
    bool was_rx = (s->cr & (CR_UARTEN | CR_RXE)) == (CR_UARTEN | CR_RXE);

    s->cr = v & 0xff87;
    if (!was_rx && (s->cr & (CR_UARTEN | CR_RXE)) ==
        (CR_UARTEN | CR_RXE) && s->chr) {
        chardev_accept_input(s->chr);
    }
}

static void pl011_write_reg(PL011State *s, uint64_t off, uint32_t v)
{
    switch (off) {
    case PL011_DR:
        pl011_write_dr(s, v);
        return;
    case PL011_RSR:
        s->rsr = 0;
        return;
    case PL011_FR:
        return;             /* read-only; writes ignored */
    case PL011_ILPR:
        s->ilpr = v & 0xff;
        return;
    case PL011_IBRD:
        s->ibrd = v & 0xffff;
        return;
    case PL011_FBRD:
        s->fbrd = v & 0x3f;
        return;
    case PL011_LCR_H:
        pl011_write_lcr_h(s, v);
        return;
    case PL011_CR:
        pl011_write_cr(s, v);
        return;
    case PL011_IFLS:
        s->ifls = v & 0x3f;
        pl011_rx_update(s);
        break;
    case PL011_IMSC:
        s->imsc = v & INT_ALL;
        break;
    case PL011_ICR:
        s->ris &= ~(v & INT_ALL);
        break;
    case PL011_DMACR:
        s->dmacr = v & 7;
        if (v & 3) {
            log_mask(LOG_UNIMP, "pl011: DMA not emulated\n");
        }
        return;
    default:
        log_mask(LOG_GUEST_ERROR,
                 "pl011: write of bad offset 0x%03x (0x%x)\n",
                 (unsigned)off, v);
        return;
    }
    pl011_update(s);
}

/* Narrow accesses see the addressed bytes of the 32-bit register. */
static uint64_t pl011_read(void *opaque, uint64_t addr, unsigned size)
{
    PL011State *s = opaque;
    unsigned shift = (addr & 3) * 8;
    uint32_t v = pl011_read_reg(s, addr & ~3ull) >> shift;

    return size >= 4 ? v : v & ((1u << (size * 8)) - 1);
}

static void pl011_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    PL011State *s = opaque;

    if (addr & 3) {
        log_mask(LOG_GUEST_ERROR,
                 "pl011: unaligned write at 0x%03x ignored\n",
                 (unsigned)addr);
        return;
    }
    pl011_write_reg(s, addr, val);
}

static const MemoryRegionOps pl011_ops = {
    .read = pl011_read,
    .write = pl011_write,
    .min_access = 1,
    .max_access = 4,
};

/* ------------------------------------------------------------------ */
/* Backend                                                             */

static int pl011_can_receive(void *opaque)
{
    PL011State *s = opaque;

    if ((s->cr & (CR_UARTEN | CR_RXE)) != (CR_UARTEN | CR_RXE)) {
        return 0;
    }
    return pl011_fifo_depth(s) - s->rx_count;
}

static void pl011_receive(void *opaque, const uint8_t *buf, int len)
{
    PL011State *s = opaque;

    for (int i = 0; i < len; i++) {
        pl011_rx_push(s, buf[i]);
    }
    if (s->rx_count) {
        s->ris |= INT_RT;
    }
    pl011_rx_update(s);
    pl011_update(s);
}

void pl011_reset(void *opaque)
{
    PL011State *s = opaque;

    s->rsr = 0;
    s->ilpr = 0;
    s->ibrd = 0;
    s->fbrd = 0;
    s->lcr_h = 0;
    s->cr = CR_RXE | CR_TXE;
    s->ifls = 0x12;
    s->imsc = 0;
    s->ris = 0;
    s->dmacr = 0;
    s->rx_head = 0;
    s->rx_count = 0;
    pl011_update(s);
}

void pl011_init(PL011State *s, Chardev *chr, IRQLine *irq)
{
    memory_region_init_io(&s->iomem, "pl011", PL011_MMIO_SIZE, &pl011_ops,
                          s);
    s->irq = irq;
    s->chr = chr;
    pl011_reset(s);
    if (chr) {
        chardev_set_handlers(chr, pl011_can_receive, pl011_receive, s);
    }
}

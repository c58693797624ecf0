/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block-aware monitor commands (monitor-block.c), which the system
 * binaries' main registers: `info block` and query-block.
 */
#ifndef KESTREL_SOFTMMU_MONITOR_BLOCK_H
#define KESTREL_SOFTMMU_MONITOR_BLOCK_H

void monitor_block_register(void);

#endif /* KESTREL_SOFTMMU_MONITOR_BLOCK_H */

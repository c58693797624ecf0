/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What memory.c and tlb.c tell each other.  Not for use outside softmmu/.
 */
#ifndef KESTREL_SOFTMMU_INTERNAL_H
#define KESTREL_SOFTMMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/*
 * tlb.c: does guest physical page `page` (page aligned) hold translated
 * code?  memory.c asks before writing RAM, so that DMA and
 * address_space_write invalidate the TBs there.
 */
bool tlb_phys_page_has_code(uint64_t page);

/*
 * tlb.c: the memory map changed (a region was added, removed, enabled or
 * disabled): drop every vCPU's TLB, whose entries cache host addresses
 * and region kinds.
 */
void tlb_memory_map_changed(void);

#endif /* KESTREL_SOFTMMU_INTERNAL_H */

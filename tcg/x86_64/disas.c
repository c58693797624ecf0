/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host code disassembly for -d out_asm, through capstone. */
#include <inttypes.h>
#include <stdio.h>

#include <capstone/capstone.h>

#include "x86_64/lower.h"

void x86_disas(FILE *f, const void *code_rx, size_t size)
{
    csh handle;
    cs_insn *insn;
    size_t count;

    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
        fprintf(f, "  (capstone unavailable)\n");
        return;
    }
    count = cs_disasm(handle, code_rx, size, (uintptr_t)code_rx, 0, &insn);
    for (size_t i = 0; i < count; i++) {
        fprintf(f, "  0x%016" PRIx64 ":  %-8s %s\n", insn[i].address,
                insn[i].mnemonic, insn[i].op_str);
    }
    if (count > 0) {
        uint64_t end = insn[count - 1].address + insn[count - 1].size;
        if (end < (uintptr_t)code_rx + size) {
            fprintf(f, "  0x%016" PRIx64 ":  (%" PRIu64 " bytes not decoded)\n",
                    end, (uintptr_t)code_rx + size - end);
        }
        cs_free(insn, count);
    } else if (size > 0) {
        fprintf(f, "  (%zu bytes not decoded)\n", size);
    }
    cs_close(&handle);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host CPU feature detection: see include/kestrel/host-cpu.h. */
#include "kestrel/host-cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

unsigned host_cpu_features;
static bool host_cpu_detected;

void host_cpu_detect(void)
{
    unsigned features = 0;

    if (host_cpu_detected) {
        return;
    }
    host_cpu_detected = true;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    unsigned max = __get_cpuid_max(0, 0);

    if (max >= 1) {
        __cpuid(1, a, b, c, d);
        if (c & (1u << 23)) {
            features |= HOST_CPU_POPCNT;
        }
        if (c & (1u << 22)) {
            features |= HOST_CPU_MOVBE;
        }
    }
    if (max >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        if (b & (1u << 3)) {
            features |= HOST_CPU_BMI1;
        }
        if (b & (1u << 8)) {
            features |= HOST_CPU_BMI2;
        }
    }
    if (__get_cpuid_max(0x80000000u, 0) >= 0x80000001u) {
        __cpuid(0x80000001u, a, b, c, d);
        if (c & (1u << 5)) {
            features |= HOST_CPU_LZCNT;
        }
    }
#endif
    host_cpu_features = features;
}

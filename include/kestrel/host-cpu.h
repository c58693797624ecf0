/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host CPU features the JIT may use.
 *
 * host_cpu_detect() fills host_cpu_features from cpuid once; later calls
 * do nothing, so a test can detect, then clear bits to force the
 * backend's fallback paths:
 *
 *     host_cpu_detect();
 *     host_cpu_features &= ~(HOST_CPU_BMI2 | HOST_CPU_POPCNT);
 *
 * The code generator reads the variable for every TB it generates.
 */
#ifndef KESTREL_HOST_CPU_H
#define KESTREL_HOST_CPU_H

#include <stdbool.h>

enum {
    HOST_CPU_BMI1 = 1u << 0,   /* andn, tzcnt (cpuid 7.ebx[3]) */
    HOST_CPU_BMI2 = 1u << 1,   /* shlx/shrx/sarx, rorx (cpuid 7.ebx[8]) */
    HOST_CPU_LZCNT = 1u << 2,  /* lzcnt (cpuid 0x80000001.ecx[5]) */
    HOST_CPU_POPCNT = 1u << 3, /* popcnt (cpuid 1.ecx[23]) */
    HOST_CPU_MOVBE = 1u << 4,  /* movbe (cpuid 1.ecx[22]) */
};

/* HOST_CPU_* bits; valid after host_cpu_detect(). */
extern unsigned host_cpu_features;

/* Query cpuid and set host_cpu_features; only the first call does. */
void host_cpu_detect(void);

static inline bool host_cpu_has(unsigned feature)
{
    return (host_cpu_features & feature) != 0;
}

#endif /* KESTREL_HOST_CPU_H */

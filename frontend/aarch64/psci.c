/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PSCI 1.0 firmware emulated in the CPU, through HVC or SMC (the conduit
 * the board puts in the device tree, ARMCPU.psci_conduit): what Linux
 * uses to start secondary CPUs, power off and reboot.
 *
 * Functions: PSCI_VERSION, PSCI_FEATURES, CPU_ON, CPU_OFF, AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET, in their SMC32 and (where
 * defined) SMC64 forms.  Others in the PSCI range return NOT_SUPPORTED;
 * a call outside the range is not PSCI (the caller takes the HVC/SMC
 * exception or UNDEF).  CPU_SUSPEND is not offered.
 */
#include <inttypes.h>

#include "kestrel/log.h"
#include "kestrel/sysemu.h"
#include "cpu-sys.h"

enum {
    PSCI_VERSION = 0x84000000,
    PSCI_CPU_OFF = 0x84000002,
    PSCI_CPU_ON = 0x84000003,
    PSCI_AFFINITY_INFO = 0x84000004,
    PSCI_MIGRATE_INFO_TYPE = 0x84000006,
    PSCI_SYSTEM_OFF = 0x84000008,
    PSCI_SYSTEM_RESET = 0x84000009,
    PSCI_FEATURES = 0x8400000a,
    PSCI_64 = 0x40000000,       /* SMC64 bit */
};

enum {
    PSCI_SUCCESS = 0,
    PSCI_NOT_SUPPORTED = -1,
    PSCI_INVALID_PARAMS = -2,
    PSCI_ALREADY_ON = -4,
};

static bool a64_psci_is_call(uint64_t fn)
{
    uint32_t f = (uint32_t)fn & ~(uint32_t)PSCI_64;

    return (fn >> 32) == 0 && f >= 0x84000000u && f <= 0x8400001fu;
}

static int64_t a64_psci_cpu_on(ARMCPU *cpu, uint64_t target,
                               uint64_t entry, uint64_t ctx)
{
    ARMCPU *t = a64_sys_cpu_by_mpidr(target);

    if (!t) {
        return PSCI_INVALID_PARAMS;
    }
    if (!t->powered_off) {
        return PSCI_ALREADY_ON;
    }
    a64_cpu_power_on(t, a64_current_el(&cpu->env), entry, ctx);
    return PSCI_SUCCESS;
}

static int64_t a64_psci_features(uint32_t fn)
{
    switch (fn & ~(uint32_t)PSCI_64) {
    case PSCI_VERSION:
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON:
    case PSCI_AFFINITY_INFO:
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

bool a64_psci_call(ARMCPU *cpu, bool is_smc)
{
    CPUARMState *env = &cpu->env;
    uint64_t fn = env->xregs[0];
    bool is64 = fn & PSCI_64;
    int64_t ret;
    ARMCPU *t;

    if (!a64_psci_is_call(fn)) {
        return false;
    }
    log_mask(LOG_INT, "PSCI call 0x%" PRIx64 " via %s on CPU %d\n", fn,
             is_smc ? "SMC" : "HVC", cpu->parent.cpu_index);
    switch ((uint32_t)fn & ~(uint32_t)PSCI_64) {
    case PSCI_VERSION:
        ret = 0x10000;          /* 1.0 */
        break;
    case PSCI_FEATURES:
        ret = a64_psci_features((uint32_t)env->xregs[1]);
        break;
    case PSCI_CPU_ON:
        ret = a64_psci_cpu_on(cpu, env->xregs[1],
                              is64 ? env->xregs[2]
                                   : (uint32_t)env->xregs[2],
                              env->xregs[3]);
        break;
    case PSCI_AFFINITY_INFO:
        t = a64_sys_cpu_by_mpidr(env->xregs[1]);
        ret = !t ? PSCI_INVALID_PARAMS : t->powered_off ? 1 : 0;
        break;
    case PSCI_MIGRATE_INFO_TYPE:
        ret = 2;                /* no Trusted OS */
        break;
    case PSCI_CPU_OFF:
        a64_cpu_power_off_self(cpu);
        return true;
    case PSCI_SYSTEM_OFF:
        system_shutdown_request(SHUTDOWN_GUEST_POWEROFF);
        a64_cpu_power_off_self(cpu);
        return true;
    case PSCI_SYSTEM_RESET:
        /* The reset pauses every CPU and resets them; just return. */
        system_reset_request();
        ret = PSCI_SUCCESS;
        break;
    default:
        ret = PSCI_NOT_SUPPORTED;
        break;
    }
    env->xregs[0] = (uint64_t)ret;
    return true;
}

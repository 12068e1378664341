/*
 * Optional CPU protections, switched on at boot where the CPU has them:
 *   SMEP: the kernel cannot execute user pages;
 *   SMAP: the kernel cannot read or write user pages except between stac
 *         and clac (arch/x86_64/uaccess.c does that around user copies).
 * QEMU's "-cpu max" (tools/qemu-run's default) has both.
 */
#ifndef ARCH_X86_64_CPU_FEATURES_H
#define ARCH_X86_64_CPU_FEATURES_H

#include <stdbool.h>

#define CR4_SMEP (1ul << 20)
#define CR4_SMAP (1ul << 21)
#define CPUID_7_EBX_SMEP (1u << 7)
#define CPUID_7_EBX_SMAP (1u << 20)
#define CPUID_1_ECX_RDRAND (1u << 30)

/* Set once by cpu_features_init(), before other CPUs start; read-only then. */
extern bool cpu_smep_enabled;
extern bool cpu_smap_enabled;
extern bool cpu_has_rdrand;

/* Boot CPU: detects the features and sets the CR4 bits. The APs copy the
 * boot CPU's CR4 when they start (arch/x86_64/smp.c). */
void cpu_features_init(void);

#endif

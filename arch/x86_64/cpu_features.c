/* SMEP and SMAP detection and switch-on; see cpu_features.h. */
#include "arch/x86_64/cpu_features.h"

#include "arch/x86_64/cpu.h"
#include "kernel/printk.h"

bool cpu_smep_enabled;
bool cpu_smap_enabled;
bool cpu_has_rdrand;

void cpu_features_init(void)
{
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    uint32_t max_leaf = a;
    cpuid(1, 0, &a, &b, &c, &d);
    cpu_has_rdrand = c & CPUID_1_ECX_RDRAND;
    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        cpu_smep_enabled = b & CPUID_7_EBX_SMEP;
        cpu_smap_enabled = b & CPUID_7_EBX_SMAP;
    }
    uint64_t cr4 = read_cr4();
    if (cpu_smep_enabled)
        cr4 |= CR4_SMEP;
    if (cpu_smap_enabled)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
    printk("cpu: SMEP %s, SMAP %s\n", cpu_smep_enabled ? "on" : "absent",
           cpu_smap_enabled ? "on" : "absent");
}

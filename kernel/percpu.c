/* Per-CPU areas; see kernel/percpu.h. */
#include "kernel/percpu.h"

#include "arch/x86_64/cpu.h"

#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

struct cpu cpus[MAX_CPUS];
int cpu_count = 1;
cpumask_t cpus_online = 1;

void percpu_init_cpu(int id)
{
    struct cpu *cpu = &cpus[id];
    cpu->self = cpu;
    cpu->id = id;
    wrmsr(MSR_GS_BASE, (uint64_t)cpu);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

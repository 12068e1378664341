/*
 * Per-CPU data. Each CPU has one struct cpu; its GS base points at it, so
 * this_cpu() is a single %gs-relative load, valid from the first line of
 * kmain (percpu_init_boot_cpu) or ap_main.
 *
 * Rules:
 *  - a CPU writes only its own struct cpu, except the fields marked
 *    "any CPU", which are atomics;
 *  - code that uses this_cpu() across more than one access must not migrate:
 *    run with preemption or interrupts off.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/percpu_arch.h"

#define MAX_CPUS 64

/* A set of CPUs by id: bit i is cpus[i]. MAX_CPUS fits in one word. */
typedef uint64_t cpumask_t;
#define CPUMASK_ALL(n) ((n) >= 64 ? ~0ull : (1ull << (n)) - 1)

/* The number of CPUs in 'mask' (no libgcc: __builtin_popcount needs it). */
static inline int cpumask_weight(cpumask_t mask)
{
    int n = 0;
    for (; mask; mask &= mask - 1)
        n++;
    return n;
}

struct thread;

struct cpu {
    struct cpu *self;        /* %gs:0, for this_cpu() */
    /* Read by the syscall entry code (arch/x86_64/syscall_entry.asm) at
     * these fixed offsets: */
    uint64_t syscall_kernel_rsp; /* %gs:8, top of the current thread's kernel stack */
    uint64_t syscall_user_rsp;   /* %gs:16, scratch: the user rsp during entry */
    int id;                  /* 0 .. cpu_count-1; 0 is the boot CPU */
    uint32_t apic_id;
    bool online;             /* any CPU: set once by the CPU itself */
    struct thread *current;  /* the thread running here */
    struct thread *idle;     /* this CPU's idle thread */
    int preempt_count;       /* > 0: no preemption on this CPU */
#ifdef DEBUG
    int locks_held;          /* spinlocks and pt_locks held here (kernel/spinlock.h) */
#endif
    bool need_resched;       /* the tick asks for a switch at the next chance */
    uint64_t ticks;          /* timer interrupts taken */
    uint64_t switches;       /* any CPU reads: context switches done here (/proc/stat) */
    uint64_t quiescent_states; /* any CPU reads: context switches, idle, user ticks */
    uint64_t switched_tsc;   /* the TSC at its last context switch; written by this
                                CPU only, read by others as a recent value (the
                                idle time of /proc/stat) */
    void *arch;              /* arch-private (GDT/TSS live in arch/x86_64) */
};

_Static_assert(__builtin_offsetof(struct cpu, syscall_kernel_rsp) == 8, "syscall_entry.asm");
_Static_assert(__builtin_offsetof(struct cpu, syscall_user_rsp) == 16, "syscall_entry.asm");

extern struct cpu cpus[MAX_CPUS];
extern int cpu_count;        /* CPUs brought online so far; grows only at boot */
extern cpumask_t cpus_online; /* any CPU reads; bit set by each CPU as it comes up */

static inline struct cpu *this_cpu(void)
{
    return arch_percpu_read_ptr(__builtin_offsetof(struct cpu, self));
}

static inline int this_cpu_id(void)
{
    return this_cpu()->id;
}

/* Points GS at cpus[id] on the calling CPU. */
void percpu_init_cpu(int id);

#endif

/*
 * Late self-tests; see kernel/selftest.h.
 *   lock-recursion       take a spinlock twice on one CPU
 *   lock-foreign-unlock  release, on CPU 0, a lock that CPU 1 holds
 *   panic-smp            panic while every other CPU spins with interrupts
 *                        off: the NMIs must still stop them
 */
#include "kernel/selftest.h"

#include "arch/x86_64/cpu.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"
#include "lib/string.h"

static struct spinlock selftest_lock = SPINLOCK_INIT("selftest");
static int spinners_ready;

static void take_lock_and_keep_it(void *arg)
{
    (void)arg;
    spin_lock(&selftest_lock);
    __atomic_store_n(&spinners_ready, 1, __ATOMIC_RELEASE);
    for (;;)
        halt(); /* keep the lock, and the preemption count it raised */
}

static void spin_with_irqs_off(void *arg)
{
    (void)arg;
    irq_disable();
    __atomic_fetch_add(&spinners_ready, 1, __ATOMIC_RELEASE);
    for (;;)
        cpu_relax();
}

void selftest_run_late(const char *name)
{
    if (strcmp(name, "lock-recursion") == 0) {
        printk("prune: selftest=lock-recursion: expect a KERNEL PANIC naming both call sites\n");
        spin_lock(&selftest_lock);
        spin_lock(&selftest_lock);
    } else if (strcmp(name, "lock-foreign-unlock") == 0 && cpu_count > 1) {
        printk("prune: selftest=lock-foreign-unlock: expect a KERNEL PANIC\n");
        thread_create_on(1, "lock-holder", take_lock_and_keep_it, NULL);
        while (!__atomic_load_n(&spinners_ready, __ATOMIC_ACQUIRE))
            cpu_relax();
        spin_unlock(&selftest_lock);
    } else if (strcmp(name, "panic-smp") == 0) {
        for (int cpu = 1; cpu < cpu_count; cpu++)
            thread_create_on(cpu, "spinner", spin_with_irqs_off, NULL);
        while (__atomic_load_n(&spinners_ready, __ATOMIC_ACQUIRE) < cpu_count - 1)
            cpu_relax();
        panic("selftest=panic-smp: %d other CPU(s) spin with interrupts off", cpu_count - 1);
    }
}

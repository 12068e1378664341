/* The system call table and dispatcher; see kernel/syscall.h. */
#include "kernel/syscall.h"

#include <stdbool.h>

#include "kernel/arch_hooks.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"

extern const struct syscall_entry __syscalls_start[], __syscalls_end[];

/* Built once by syscall_init(), read-only afterwards. */
static const struct syscall_entry *table[SYS_MAX];

/* Numbers already reported as unknown: below SYS_MAX a bitmap (atomic bit
 * operations); above, the first UNKNOWN_HIGH_MAX such numbers (the lock);
 * later ones are not logged. */
#define UNKNOWN_HIGH_MAX 16
static uint64_t unknown_logged[SYS_MAX / 64];
static uint64_t unknown_high[UNKNOWN_HIGH_MAX];
static int unknown_high_count;
static struct spinlock unknown_lock = SPINLOCK_INIT("unknown_syscall");

/* True the first time 'nr' is seen here (and while there is room to remember it). */
static bool unknown_first_time(uint64_t nr)
{
    if (nr < SYS_MAX) {
        uint64_t bit = 1ull << (nr % 64);
        return !(__atomic_fetch_or(&unknown_logged[nr / 64], bit, __ATOMIC_RELAXED) & bit);
    }
    spin_lock(&unknown_lock);
    bool first = unknown_high_count < UNKNOWN_HIGH_MAX;
    for (int i = 0; i < unknown_high_count; i++)
        if (unknown_high[i] == nr)
            first = false;
    if (first)
        unknown_high[unknown_high_count++] = nr;
    spin_unlock(&unknown_lock);
    return first;
}

void syscall_init(void)
{
    for (const struct syscall_entry *e = __syscalls_start; e < __syscalls_end; e++) {
        if (e->nr >= SYS_MAX)
            panic("syscall %s: number %u out of range", e->name, e->nr);
        if (table[e->nr])
            panic("syscall %u registered twice: %s and %s", e->nr, table[e->nr]->name, e->name);
        table[e->nr] = e;
    }
}

struct trap_frame *current_user_frame(void)
{
    struct thread *t = current_thread();
    return (struct trap_frame *)((char *)t->stack + KSTACK_SIZE) - 1;
}

/* -ENOSYS, with one log line per unknown number. */
static long unknown_syscall(uint64_t nr)
{
    if (unknown_first_time(nr)) {
        struct process *p = current_process();
        printk("prune: unknown syscall %ld (pid %d, %s)\n", (long)nr, p ? p->pid : 0,
               p ? p->name : "?");
    }
    return -ENOSYS;
}

void syscall_dispatch(struct trap_frame *tf)
{
    uint64_t nr = tf->rax;
    const struct syscall_entry *e = nr < SYS_MAX ? table[nr] : NULL;
    if (e)
        tf->rax = (uint64_t)e->fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
    else
        tf->rax = (uint64_t)unknown_syscall(nr);
    user_return_work(tf);
}

/*
 * The out-of-memory killer: what happens when user memory runs out.
 *
 * Rules:
 *  O1 User memory (data pages, copy-on-write copies, shared pages, user
 *     page tables) comes from frame_alloc_user() (mm/frame.h), which
 *     refuses to go below a reserve of free frames; the kernel's own
 *     allocations may use the reserve. So while a victim dies, the system
 *     calls of every process (a writev's iovec array, a wait4) still get
 *     their small allocations.
 *  O2 A user allocation that fails is retried after oom_retry(), with no
 *     lock held: the map lock and table locks are dropped first, since the
 *     victim's exit and the waiters need them.
 *  O3 One decision at a time: a caller that finds another deciding waits
 *     for that decision and retries.
 *  O4 The victim is the live process that holds the most memory: resident
 *     pages plus page-table pages (Linux's oom_badness() without swap), PID
 *     1 only when no other process holds any. A process that shares the
 *     caller's address space (a vfork child) is not chosen for it: its
 *     death would free nothing.
 *  O5 A process already killed but still alive is waited for (up to
 *     OOM_WAIT_MS) instead of choosing another: its memory is on its way
 *     back. After a kill, the decider waits the same way for its victim to
 *     become a zombie (every thread gone, its address space dropped).
 *  O6 Before it chooses a victim, the decider reclaims the page tables that
 *     hold no data (zero-only PTE tables: mm/pt_ref.h, R7 to R9), from the
 *     address space with the most page-table pages first, and waits until
 *     they are back in the allocator; if it got any, the caller retries
 *     with no kill. A kernel thread (no process to kill) gets this step
 *     too.
 * See docs/reliability.md.
 */
#ifndef KERNEL_OOM_H
#define KERNEL_OOM_H

#include <stdbool.h>

/* How long a decision waits for a dying victim, in milliseconds. */
#define OOM_WAIT_MS 5000

/*
 * A user-memory allocation of the calling thread failed (O2): reclaims
 * page tables (O6), else chooses a victim (O4) and kills it. Returns true
 * if the caller should retry (memory was freed, or another decision was
 * made meanwhile); false if the caller's own process was chosen or is
 * dying (it has been killed: give up with -ENOMEM; the thread dies on its
 * way back to user mode), or if a kernel thread's allocation found no
 * table to reclaim. Thread context, no lock held, interrupts on.
 */
bool oom_retry(void);

#endif

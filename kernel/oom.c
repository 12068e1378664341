/* The out-of-memory killer; rules O1..O5 in kernel/oom.h. */
#include "kernel/oom.h"

#include "kernel/process.h"
#include "kernel/wait.h"
#include "lib/format.h"
#include "mm/as.h"
#include "mm/layout.h"
#include "mm/pt_ref.h"

/* O3: set while a decision is being made; its waiters sleep on oom_done. */
static bool oom_busy;
static struct wait_queue oom_done = WAIT_QUEUE_INIT("oom_done");

#define OOM_POLL_MS 10

/* What the victim search knows and finds out. */
struct victim_search {
    struct process *self;            /* the caller's process */
    struct address_space *self_as;   /* the caller's address space */
    bool dying;                      /* another process is killed but alive (O5) */
    long most;                       /* the highest score seen: the victim's */
};

/* The memory 'p' holds, in pages (O4); proc_lock held (process_find_max). */
static long badness(struct process *p, void *arg)
{
    struct victim_search *s = arg;
    if (p->live_threads == 0 || !p->as)
        return 0;
    if (p != s->self && p->as == s->self_as)
        return 0; /* O4: shares the caller's memory */
    long pages = (long)((as_rss_bytes(p->as) + as_pgtable_bytes(p->as)) >> PAGE_SHIFT);
    if (__atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE)) {
        if (pages && p != s->self)
            s->dying = true;
        return 0;
    }
    long score = p->pid == 1 ? (pages ? 1 : 0) : pages; /* O4: PID 1 last */
    if (score > s->most)
        s->most = score;
    return score;
}

/* Sleeps until 'done(p)' or OOM_WAIT_MS have passed, polling (O5). */
static void wait_for(bool (*done)(struct process *p), struct process *p)
{
    for (int waited = 0; waited < OOM_WAIT_MS && !done(p); waited += OOM_POLL_MS)
        sleep_ms(OOM_POLL_MS);
}

static bool is_dead(struct process *p)
{
    return __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != PROC_ALIVE;
}

/* True once no killed process other than 'self' still holds memory. */
static bool no_one_dying(struct process *self)
{
    struct victim_search s = {.self = self, .self_as = current_thread()->as};
    struct process *victim = process_find_max(badness, &s);
    if (victim)
        process_put(victim);
    return !s.dying;
}

/* Makes one decision (O4, O5); returns oom_retry()'s answer. */
static bool decide(struct process *self)
{
    struct victim_search s = {.self = self, .self_as = current_thread()->as};
    struct process *victim = process_find_max(badness, &s);
    if (s.dying) {
        if (victim)
            process_put(victim);
        wait_for(no_one_dying, self);
        return true;
    }
    if (!victim || victim == self) {
        process_oom_kill(self, victim ? "it holds the most memory" : "no other process to kill");
        if (victim)
            process_put(victim);
        return false;
    }
    char why[80];
    format(why, sizeof(why), "it holds %ld kB, the most; for pid %d (%s)",
           s.most << (PAGE_SHIFT - 10), self->pid, self->name);
    process_oom_kill(victim, why);
    wait_for(is_dead, victim);
    process_put(victim);
    return true;
}

bool oom_retry(void)
{
    struct process *self = current_process();
    if (current_killed())
        return false;
    if (__atomic_exchange_n(&oom_busy, true, __ATOMIC_ACQUIRE)) {
        wait_event(&oom_done, !__atomic_load_n(&oom_busy, __ATOMIC_ACQUIRE) || current_killed());
        return !current_killed();
    }
    bool retry = pt_reclaim_for_memory() || (self && decide(self)); /* O6, then O4 */
    __atomic_store_n(&oom_busy, false, __ATOMIC_RELEASE);
    wake_up_all(&oom_done);
    return retry;
}

/* Page-table event recording; see mm/pt_trace.h. */
#include "mm/pt_trace.h"

#include "kernel/boot_hook.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

struct pt_event {
    uint64_t tsc;
    uint64_t arg;   /* va, grace period, CPU mask */
    uint8_t type;
    uint8_t level;
};

/* One CPU's ring (T2): events [head - count, head) modulo PT_TRACE_RING. */
struct trace_ring {
    struct spinlock lock;
    struct pt_event *events;
    uint32_t head, count;
    uint64_t lost;             /* dropped since the last read */
    uint32_t sample_tick[2];   /* walks, faults: counts toward the next sample */
    bool walk_sampled;         /* the walk in progress here was recorded */
};

bool pt_trace_on;
static struct trace_ring rings[MAX_CPUS];
static struct spinlock read_lock = SPINLOCK_INIT("pttrace read"); /* one reader at a time */
static struct spinlock switch_lock = SPINLOCK_INIT("pttrace switch");
static bool rings_ready; /* T3; switch_lock */

static const char *const event_names[] = {
    [PT_EV_ALLOC] = "alloc", [PT_EV_EMPTY] = "empty", [PT_EV_UNLINK] = "unlink",
    [PT_EV_QUEUED] = "queued", [PT_EV_FREED] = "freed", [PT_EV_GP_START] = "gp_start",
    [PT_EV_GP_END] = "gp_end", [PT_EV_IPI_SEND] = "ipi_send", [PT_EV_IPI_ACK] = "ipi_ack",
    [PT_EV_WALK_ENTER] = "walk_enter", [PT_EV_WALK_LEAVE] = "walk_leave",
    [PT_EV_FAULT] = "fault",
};

/* Appends to this CPU's ring, dropping its oldest event when full. */
static void push(struct trace_ring *r, enum pt_event_type type, int level, uint64_t arg)
{
    uint64_t flags = spin_lock_irqsave(&r->lock);
    if (r->events) {
        r->events[r->head % PT_TRACE_RING] = (struct pt_event){
            .tsc = time_cycles(), .arg = arg, .type = (uint8_t)type, .level = (uint8_t)level};
        r->head++;
        if (r->count == PT_TRACE_RING)
            r->lost++;
        else
            r->count++;
    }
    spin_unlock_irqrestore(&r->lock, flags);
}

void pt_trace_record(enum pt_event_type type, int level, uint64_t arg)
{
    push(&rings[this_cpu_id()], type, level, arg);
}

void pt_trace_record_sampled(enum pt_event_type type, uint64_t arg)
{
    uint64_t flags = irq_save(); /* this CPU's sampling state */
    struct trace_ring *r = &rings[this_cpu_id()];
    if (type == PT_EV_WALK_LEAVE) {
        if (r->walk_sampled)
            push(r, type, 0, arg);
        r->walk_sampled = false;
    } else {
        uint32_t *tick = &r->sample_tick[type == PT_EV_FAULT];
        bool take = ++*tick >= PT_TRACE_SAMPLE;
        if (take) {
            *tick = 0;
            push(r, type, 0, arg);
        }
        if (type == PT_EV_WALK_ENTER)
            r->walk_sampled = take;
    }
    irq_restore(flags);
}

int pt_trace_switch(bool on)
{
    spin_lock(&switch_lock);
    for (int cpu = 0; on && !rings_ready && cpu < cpu_count; cpu++) {
        struct pt_event *events = kmalloc(PT_TRACE_RING * sizeof(struct pt_event));
        if (!events) {
            spin_unlock(&switch_lock);
            return -ENOMEM;
        }
        rings[cpu].lock = (struct spinlock)SPINLOCK_INIT("pttrace ring");
        uint64_t flags = spin_lock_irqsave(&rings[cpu].lock);
        rings[cpu].events = events;
        spin_unlock_irqrestore(&rings[cpu].lock, flags);
    }
    rings_ready = rings_ready || on;
    __atomic_store_n(&pt_trace_on, on, __ATOMIC_RELAXED);
    spin_unlock(&switch_lock);
    return 0;
}

/* The CPU whose oldest recorded event is the oldest of all, or -1. */
static int oldest_cpu(void)
{
    int best = -1;
    uint64_t best_tsc = UINT64_MAX;
    for (int cpu = 0; cpu < cpu_count; cpu++) {
        struct trace_ring *r = &rings[cpu];
        uint64_t flags = spin_lock_irqsave(&r->lock);
        if (r->count) {
            uint64_t tsc = r->events[(r->head - r->count) % PT_TRACE_RING].tsc;
            if (tsc < best_tsc) {
                best_tsc = tsc;
                best = cpu;
            }
        }
        spin_unlock_irqrestore(&r->lock, flags);
    }
    return best;
}

/* The line of event 'e' recorded on 'cpu'. */
static int format_event(char *line, size_t size, int cpu, const struct pt_event *e)
{
    int n = format(line, size, "%d %lu %s", cpu, e->tsc, event_names[e->type]);
    switch (e->type) {
    case PT_EV_ALLOC: case PT_EV_EMPTY: case PT_EV_UNLINK: case PT_EV_QUEUED: case PT_EV_FREED:
        return n + format(line + n, size - (size_t)n, " level=%d va=0x%lx\n", e->level, e->arg);
    case PT_EV_GP_START: case PT_EV_GP_END:
        return n + format(line + n, size - (size_t)n, " gp=%lu\n", e->arg);
    case PT_EV_IPI_SEND: case PT_EV_IPI_ACK:
        return n + format(line + n, size - (size_t)n, " cpus=0x%lx\n", e->arg);
    case PT_EV_FAULT:
        return n + format(line + n, size - (size_t)n, " va=0x%lx\n", e->arg);
    default:
        return n + format(line + n, size - (size_t)n, "\n");
    }
}

size_t pt_trace_read(char *buf, size_t size)
{
    size_t done = 0;
    char line[96];
    spin_lock(&read_lock);
    while (rings_ready) {
        int cpu = oldest_cpu();
        if (cpu < 0)
            break;
        struct trace_ring *r = &rings[cpu];
        uint64_t flags = spin_lock_irqsave(&r->lock);
        struct pt_event e = r->events[(r->head - r->count) % PT_TRACE_RING];
        int n = r->lost ? format(line, sizeof(line), "%d %lu lost count=%lu\n", cpu, e.tsc,
                                 r->lost)
                        : format_event(line, sizeof(line), cpu, &e);
        bool fits = done + (size_t)n <= size;
        if (fits && r->lost)
            r->lost = 0;
        else if (fits)
            r->count--;
        spin_unlock_irqrestore(&r->lock, flags);
        if (!fits)
            break;
        for (int i = 0; i < n; i++)
            buf[done + (size_t)i] = line[i];
        done += (size_t)n;
    }
    spin_unlock(&read_lock);
    return done;
}

/* "pttrace=on" on the command line: recording from the start of PID 1. */
static void pt_trace_boot(const char *value)
{
    if (strcmp(value, "on") != 0) {
        printk("pttrace=%s: unknown (on); recording stays off\n", value);
        return;
    }
    if (pt_trace_switch(true))
        printk("pttrace: no memory for the rings; recording stays off\n");
}
BOOT_HOOK("pttrace", pt_trace_boot);

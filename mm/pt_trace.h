/*
 * pttrace: a record of what happens to page-table pages, with TSC
 * timestamps, for seeing a table's life and the strategies' costs
 * (docs/pt-lifecycle.md, "Seeing it"; make trace draws it).
 *
 * Each CPU records into its own ring of PT_TRACE_RING events; when a ring
 * is full the oldest event is dropped and counted. Recording is off until
 * "pttrace=on" on the command line or "on" written to /proc/pttrace
 * ("off" stops it). Reading /proc/pttrace takes the recorded events out
 * (as Linux's trace_pipe does), oldest first across CPUs, one line each:
 *
 *   <cpu> <tsc> <event> <key>=<value>...
 *
 *   event      keys          recorded by
 *   alloc      level va      pt_init_page: a table is made
 *   empty      level va      pt_put: its count reached 0 (under the parent's lock)
 *   unlink     level va      pt_gather_add: its parent's entry was cleared
 *   queued     level va      pt_gather_finish: it waits for the strategy
 *   freed      level va      forget_table: it is no longer a table
 *   gp_start   gp            a grace period starts (kernel/rcu.c)
 *   gp_end     gp            it ends
 *   ipi_send   cpus          smp_call_function sends IPIs (a CPU mask, hex)
 *   ipi_ack    cpus          every one of them has run the call (waiting calls)
 *   walk_enter            a lockless walk begins (pt_walk_begin), 1 in PT_TRACE_SAMPLE
 *   walk_leave            that sampled walk ends (pt_walk_end)
 *   fault      va            a user page fault, 1 in PT_TRACE_SAMPLE
 *   lost       count         events this CPU dropped since the last read
 *
 * Rules:
 *  T1 With recording off, each trace point costs one load and one branch
 *     predicted not taken (pt_trace_on is read relaxed: an event around the
 *     moment it is switched may be kept or not).
 *  T2 A ring is written only by its own CPU, with interrupts off (events
 *     come from interrupt handlers too), and read under its lock; the lock
 *     is taken with interrupts off, so an event may be recorded from any
 *     context, even under a pt_lock or a spinlock.
 *  T3 Rings are allocated at the first switch-on and never freed.
 */
#ifndef MM_PT_TRACE_H
#define MM_PT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_TRACE_RING 65536 /* events per CPU (24 bytes each) */
#define PT_TRACE_SAMPLE 256 /* walks and faults: one recorded in this many */

enum pt_event_type {
    PT_EV_ALLOC, PT_EV_EMPTY, PT_EV_UNLINK, PT_EV_QUEUED, PT_EV_FREED,
    PT_EV_GP_START, PT_EV_GP_END, PT_EV_IPI_SEND, PT_EV_IPI_ACK,
    PT_EV_WALK_ENTER, PT_EV_WALK_LEAVE, PT_EV_FAULT,
};

extern bool pt_trace_on; /* T1 */

void pt_trace_record(enum pt_event_type type, int level, uint64_t arg);
void pt_trace_record_sampled(enum pt_event_type type, uint64_t arg);

/* Records an event if recording is on (T1). 'level' 0 if none. */
static inline void pt_trace(enum pt_event_type type, int level, uint64_t arg)
{
    if (__builtin_expect(__atomic_load_n(&pt_trace_on, __ATOMIC_RELAXED), 0))
        pt_trace_record(type, level, arg);
}

/* Records one in PT_TRACE_SAMPLE events of this type on this CPU. */
static inline void pt_trace_sampled(enum pt_event_type type, uint64_t arg)
{
    if (__builtin_expect(__atomic_load_n(&pt_trace_on, __ATOMIC_RELAXED), 0))
        pt_trace_record_sampled(type, arg);
}

/* Switches recording on (allocating the rings the first time: -ENOMEM if
 * there is no memory) or off. Thread context. */
int pt_trace_switch(bool on);

/* Takes recorded events out as text lines into buf (whole lines only);
 * returns the bytes written, 0 when nothing is recorded. Thread context. */
size_t pt_trace_read(char *buf, size_t size);

#endif

/* The text of the /proc files; see fs/proc_text.h. */
#include "fs/proc_text.h"

#include <stdarg.h>

#include "lib/format.h"
#include "lib/string.h"

#define PAGE_BYTES 4096
#define MAPS_NAME_COLUMN 73 /* 25 + 6 * sizeof(void *) - 1, then a space */

void proc_printf(struct proc_buf *b, const char *fmt, ...)
{
    size_t at = b->len < b->size ? b->len : b->size;
    va_list ap;
    va_start(ap, fmt);
    b->len += format_v(b->buf + at, b->size - at, fmt, ap);
    va_end(ap);
}

void proc_put(struct proc_buf *b, const void *bytes, size_t n)
{
    if (b->len < b->size) {
        size_t room = b->size - b->len - 1; /* keep the NUL */
        memcpy(b->buf + b->len, bytes, n < room ? n : room);
        b->buf[b->len + (n < room ? n : room)] = '\0';
    }
    b->len += n;
}

/* Linux's task_state() names. */
static const char *state_name(char state)
{
    switch (state) {
    case 'R':
        return "R (running)";
    case 'S':
        return "S (sleeping)";
    case 'T':
        return "T (stopped)";
    default:
        return "Z (zombie)";
    }
}

/* "Name:\t" + proc_task_name(): at most 15 bytes, '\n' and '\\' escaped. */
static void put_name(struct proc_buf *b, const char *name)
{
    proc_printf(b, "Name:\t");
    for (int i = 0; i < 15 && name[i]; i++) {
        char c = name[i];
        if (c == '\n')
            proc_printf(b, "\\n");
        else if (c == '\\')
            proc_printf(b, "\\\\");
        else
            proc_printf(b, "%c", c);
    }
    proc_printf(b, "\n");
}

/* One "Vm...:\t%8lu kB" line. */
static void put_kb(struct proc_buf *b, const char *field, uint64_t bytes)
{
    proc_printf(b, "%s:\t%8lu kB\n", field, bytes >> 10);
}

void proc_text_status(struct proc_buf *b, const struct proc_status *s)
{
    put_name(b, s->name);
    proc_printf(b, "Umask:\t0022\nState:\t%s\n", state_name(s->state));
    proc_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", s->tgid, s->pid,
                s->ppid);
    proc_printf(b, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\n");
    proc_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n", s->tgid,
                s->pid, s->pgid, s->sid);
    if (s->has_mm) {
        const struct proc_vm *vm = &s->vm;
        put_kb(b, "VmPeak", vm->size);
        put_kb(b, "VmSize", vm->size);
        put_kb(b, "VmLck", 0);
        put_kb(b, "VmPin", 0);
        put_kb(b, "VmHWM", vm->rss);
        put_kb(b, "VmRSS", vm->rss);
        put_kb(b, "RssAnon", vm->rss);
        put_kb(b, "RssFile", 0);
        put_kb(b, "RssShmem", 0);
        put_kb(b, "VmData", vm->data);
        put_kb(b, "VmStk", vm->stack);
        put_kb(b, "VmExe", vm->exec);
        put_kb(b, "VmLib", 0);
        put_kb(b, "VmPTE", vm->pte);
        put_kb(b, "VmSwap", 0);
    }
    proc_printf(b, "Threads:\t%d\n", s->threads);
}

void proc_text_stat(struct proc_buf *b, const struct proc_status *s)
{
    bool mm = s->has_mm;
    /* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
     * majflt cmajflt utime stime cutime cstime priority nice num_threads
     * itrealvalue starttime vsize rss rsslim */
    proc_printf(b, "%d (%.15s) %c %d %d %d 0 -1 0 0 0 0 0 %lu 0 0 0 20 0 %d 0 %lu %lu %lu %s",
                s->pid, s->name, s->state, s->ppid, s->pgid, s->sid, s->utime_ticks, s->threads,
                s->start_ticks, s->vm.size, mm ? s->vm.rss / PAGE_BYTES : 0,
                "18446744073709551615");
    /* startcode endcode startstack kstkesp kstkeip signal blocked sigignore
     * sigcatch wchan nswap cnswap exit_signal processor rt_priority policy
     * delayacct_blkio_ticks guest_time cguest_time */
    proc_printf(b, " 0 0 0 0 0 0 0 0 0 0 0 0 17 %d 0 0 0 0 0", s->cpu);
    /* start_data end_data start_brk arg_start arg_end env_start env_end
     * exit_code */
    if (mm)
        proc_printf(b, " 0 0 %lu %lu %lu %lu %lu", s->start_brk, s->arg_start, s->arg_end,
                    s->env_start, s->env_end);
    else
        proc_printf(b, " 0 0 0 0 0 0 0");
    proc_printf(b, " %d\n", s->state == 'Z' ? s->exit_code : 0);
}

void proc_text_statm(struct proc_buf *b, const struct proc_vm *vm)
{
    proc_printf(b, "%lu %lu 0 %lu 0 %lu 0\n", vm->size / PAGE_BYTES, vm->rss / PAGE_BYTES,
                vm->exec / PAGE_BYTES, (vm->data + vm->stack) / PAGE_BYTES);
}

/* One meminfo line: show_val_kb(), the name padded to 16 columns and the
 * number to 8. */
static void put_meminfo(struct proc_buf *b, const char *name, uint64_t bytes)
{
    proc_printf(b, "%s:%*s%8lu kB\n", name, (int)(15 - strlen(name)), "", bytes >> 10);
}

void proc_text_meminfo(struct proc_buf *b, const struct proc_meminfo *m)
{
    static const char *const zero_after_cached[] = {
        "SwapCached", "Active", "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)",
        "Inactive(file)", "Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Zswap",
        "Zswapped", "Dirty", "Writeback",
    };
    put_meminfo(b, "MemTotal", m->total);
    put_meminfo(b, "MemFree", m->free);
    put_meminfo(b, "MemAvailable", m->available);
    put_meminfo(b, "Buffers", 0);
    put_meminfo(b, "Cached", m->shmem);
    for (size_t i = 0; i < sizeof(zero_after_cached) / sizeof(zero_after_cached[0]); i++)
        put_meminfo(b, zero_after_cached[i], 0);
    put_meminfo(b, "AnonPages", 0);
    put_meminfo(b, "Mapped", 0);
    put_meminfo(b, "Shmem", m->shmem);
    put_meminfo(b, "KReclaimable", 0);
    put_meminfo(b, "Slab", 0);
    put_meminfo(b, "SReclaimable", 0);
    put_meminfo(b, "SUnreclaim", 0);
    put_meminfo(b, "KernelStack", m->kernel_stacks);
    put_meminfo(b, "PageTables", m->page_tables);
    put_meminfo(b, "SecPageTables", 0);
    put_meminfo(b, "CommitLimit", m->total);
    put_meminfo(b, "Committed_AS", m->total - m->free);
}

void proc_text_maps_line(struct proc_buf *b, uint64_t start, uint64_t end, uint32_t prot,
                         bool shared, uint64_t offset, const char *name)
{
    size_t at = b->len;
    proc_printf(b, "%08lx-%08lx %c%c%c%c %08lx 00:00 0 ", start, end, prot & 1 ? 'r' : '-',
                prot & 2 ? 'w' : '-', prot & 4 ? 'x' : '-', shared ? 's' : 'p', offset);
    if (name) {
        size_t used = b->len - at;
        int pad = used < MAPS_NAME_COLUMN ? (int)(MAPS_NAME_COLUMN - used) : 0;
        proc_printf(b, "%*s%s", pad, "", name);
    }
    proc_printf(b, "\n");
}

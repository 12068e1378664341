/* The text of the /proc files; see fs/proc_text.h. */
#include "fs/proc_text.h"

#include <stdarg.h>

#include "lib/format.h"

/* Text appended to buf[0, size); len counts the full length, even past size. */
struct text {
    char *buf;
    size_t size, len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
    size_t at = t->len < t->size ? t->len : t->size;
    va_list ap;
    va_start(ap, fmt);
    t->len += format_v(t->buf + at, t->size - at, fmt, ap);
    va_end(ap);
}

/* Linux's task_state() names. */
static const char *state_name(char state)
{
    switch (state) {
    case 'R':
        return "R (running)";
    case 'S':
        return "S (sleeping)";
    default:
        return "Z (zombie)";
    }
}

size_t proc_text_status(char *buf, size_t size, const struct proc_status *s)
{
    struct text t = {buf, size, 0};
    add(&t, "Name:\t");
    /* proc_task_name(): at most 15 bytes, '\n' and '\\' escaped */
    for (int i = 0; i < 15 && s->name[i]; i++) {
        char c = s->name[i];
        if (c == '\n')
            add(&t, "\\n");
        else if (c == '\\')
            add(&t, "\\\\");
        else
            add(&t, "%c", c);
    }
    add(&t, "\nState:\t%s\n", state_name(s->state));
    add(&t, "Tgid:\t%d\nPid:\t%d\nPPid:\t%d\n", s->tgid, s->pid, s->ppid);
    add(&t, "VmRSS:\t%8lu kB\n", s->rss_bytes >> 10);
    add(&t, "VmPTE:\t%8lu kB\n", s->pte_bytes >> 10);
    add(&t, "Threads:\t%d\n", s->threads);
    return t.len;
}

size_t proc_text_meminfo(char *buf, size_t size, const struct proc_meminfo *m)
{
    struct text t = {buf, size, 0};
    /* show_val_kb(): the name padded to 16 columns, the number to 8 */
    add(&t, "MemTotal:       %8lu kB\n", m->total >> 10);
    add(&t, "MemFree:        %8lu kB\n", m->free >> 10);
    add(&t, "MemAvailable:   %8lu kB\n", m->free >> 10);
    add(&t, "Shmem:          %8lu kB\n", m->shmem >> 10);
    add(&t, "PageTables:     %8lu kB\n", m->page_tables >> 10);
    return t.len;
}

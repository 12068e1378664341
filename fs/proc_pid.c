/*
 * /proc/<pid>/: the files of one process (fs/procfs.h, P2..P5). Each
 * function gets the process through the reference its open file holds and
 * reads the rest through the process's own rules (kernel/process.h): its
 * family and threads under proc_lock (process_info()), its memory through
 * a reference on its address space (process_as_get()), its fds through
 * process_fd_get().
 */
#include "fs/proc_files.h"

#include "fs/cwd.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "kernel/process.h"
#include "kernel/time.h"
#include "kernel/user_stack.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/kmalloc.h"
#include "mm/pt_dump.h"

#define NS_PER_TICK ((uint64_t)NSEC_PER_SEC / USER_CLK_TCK)
#define PROC_ARGS_MAX (128u << 10) /* bytes of cmdline or environ shown */

/* Sums up the regions of 'as' (Linux's task_mem()). */
static void vm_figures(struct address_space *as, struct proc_vm *vm)
{
    *vm = (struct proc_vm){.rss = as_rss_bytes(as), .pte = as_pgtable_bytes(as)};
    read_lock(&as->map_lock);
    for (uint32_t i = 0; i < as->vmas.count; i++) {
        const struct vma *v = as->vmas.v[i];
        uint64_t len = v->end - v->start;
        vm->size += len;
        if (v->flags & VMA_GROWSDOWN)
            vm->stack += len;
        else if ((v->prot & PROT_WRITE) && !(v->flags & VMA_SHARED))
            vm->data += len;
        else if ((v->prot & PROT_EXEC) && !(v->prot & PROT_WRITE))
            vm->exec += len;
    }
    read_unlock(&as->map_lock);
}

/* What status and stat show of p. */
static void gather(struct process *p, struct proc_status *s)
{
    struct process_info info;
    process_info(p, &info);
    *s = (struct proc_status){
        .name = p->name,
        .state = info.state,
        .tgid = p->pid,
        .pid = p->pid,
        .ppid = info.ppid,
        .pgid = info.pgid,
        .sid = info.sid,
        .threads = info.threads,
        .utime_ticks = info.cpu_ns / NS_PER_TICK,
        .start_ticks = p->start_ns / NS_PER_TICK,
        .exit_code = info.exit_status,
    };
    struct address_space *as = process_as_get(p);
    if (!as)
        return;
    s->has_mm = true;
    vm_figures(as, &s->vm);
    s->start_brk = as->start_brk;
    s->brk = as->brk;
    s->arg_start = as->strings.arg_start;
    s->arg_end = as->strings.arg_end;
    s->env_start = as->strings.env_start;
    s->env_end = as->strings.env_end;
    as_put(as);
}

void proc_pid_stat_text(struct process *p, struct proc_buf *b)
{
    struct proc_status s;
    gather(p, &s);
    proc_text_stat(b, &s);
}

void proc_pid_status_text(struct process *p, struct proc_buf *b)
{
    struct proc_status s;
    gather(p, &s);
    proc_text_status(b, &s);
}

void proc_pid_statm_text(struct process *p, struct proc_buf *b)
{
    struct proc_vm vm = {0};
    struct address_space *as = process_as_get(p);
    if (as) {
        vm_figures(as, &vm);
        as_put(as);
    }
    proc_text_statm(b, &vm);
}

/* The bytes [start, end) of p's memory (at most PROC_ARGS_MAX), as read;
 * nothing for a zombie or a range that cannot be read. */
static void put_memory(struct process *p, uint64_t start, uint64_t end, struct proc_buf *b)
{
    struct address_space *as = process_as_get(p);
    if (!as)
        return;
    size_t len = end > start ? end - start : 0;
    if (len > PROC_ARGS_MAX)
        len = PROC_ARGS_MAX;
    char *buf = len ? kmalloc(len) : NULL;
    if (buf) {
        size_t got = as_access(as, start, buf, len, false, false);
        proc_put(b, buf, got);
        kfree(buf);
    }
    as_put(as);
}

/* argv as execve put it (kernel/user_stack.h): NUL-separated, as Linux's
 * get_mm_cmdline() reads [arg_start, arg_end). */
void proc_pid_cmdline_text(struct process *p, struct proc_buf *b)
{
    struct address_space *as = process_as_get(p);
    if (!as)
        return;
    struct user_stack_strings where = as->strings;
    as_put(as);
    put_memory(p, where.arg_start, where.arg_end, b);
}

void proc_pid_environ_text(struct process *p, struct proc_buf *b)
{
    struct address_space *as = process_as_get(p);
    if (!as)
        return;
    struct user_stack_strings where = as->strings;
    as_put(as);
    put_memory(p, where.env_start, where.env_end, b);
}

void proc_pid_comm_text(struct process *p, struct proc_buf *b)
{
    proc_printf(b, "%.15s\n", p->name);
}

/* One line per region (show_map_vma()); the heap and the stack named as
 * Linux names them, shared anonymous memory as "/dev/zero (deleted)". */
void proc_pid_maps_text(struct process *p, struct proc_buf *b)
{
    struct address_space *as = process_as_get(p);
    if (!as)
        return;
    read_lock(&as->map_lock);
    for (uint32_t i = 0; i < as->vmas.count; i++) {
        const struct vma *v = as->vmas.v[i];
        const char *name = NULL;
        if (v->start <= as->brk && v->end >= as->start_brk && as->brk > as->start_brk)
            name = "[heap]";
        else if (v->flags & VMA_GROWSDOWN)
            name = "[stack]";
        else if (v->object)
            name = "/dev/zero (deleted)";
        proc_text_maps_line(b, v->start, v->end, v->prot, v->flags & VMA_SHARED,
                            v->object ? v->pgoff << 12 : 0, name);
    }
    read_unlock(&as->map_lock);
    as_put(as);
}

/* Copies string s into buf[0, size): its length or -ENAMETOOLONG. */
static int put_target(const char *s, char *buf, size_t size)
{
    size_t n = strlen(s);
    if (n > size)
        return -ENAMETOOLONG;
    memcpy(buf, s, n);
    return (int)n;
}

int proc_pid_exe_target(struct process *p, int fd, char *buf, size_t size)
{
    (void)fd;
    int n = -ENOENT;
    spin_lock(&proc_lock); /* p->exe and p->state: kernel/process.h */
    if (p->state == PROC_ALIVE && p->exe)
        n = put_target(p->exe, buf, size);
    spin_unlock(&proc_lock);
    return n;
}

int proc_pid_cwd_target(struct process *p, int fd, char *buf, size_t size)
{
    (void)fd;
    struct process_info info;
    process_info(p, &info);
    return info.state == 'Z' ? -ENOENT : process_cwd_path(p, buf, size);
}

int proc_pid_fd_target(struct process *p, int fd, char *buf, size_t size)
{
    struct file *f = process_fd_get(p, fd);
    if (!f)
        return -ENOENT;
    int n = file_describe(f, buf, size);
    file_put(f);
    return n;
}

int proc_pid_next_fd(struct process *p, int after)
{
    for (int fd = after + 1; fd < FD_MAX; fd++) {
        struct file *f = process_fd_get(p, fd);
        if (f) {
            file_put(f);
            return fd;
        }
    }
    return -1;
}

/* ptdump and ptdump_full: mm/pt_dump.h, over the address space held since
 * open (P3; none for a zombie: empty). */
size_t proc_pid_ptdump_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len)
{
    return o->as ? pt_dump_read(o->as, false, pos, buf, len) : 0;
}

size_t proc_pid_ptdump_full_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len)
{
    return o->as ? pt_dump_read(o->as, true, pos, buf, len) : 0;
}

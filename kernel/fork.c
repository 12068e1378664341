/*
 * fork, vfork and clone. See docs/userspace.md ("Processes and threads").
 *
 * The child starts as a copy of the caller's user registers (the struct
 * trap_frame at the top of its kernel stack) with rax = 0, so both return
 * from the same system call: the parent with the child's id, the child
 * with 0. What else is shared or copied depends on the flags:
 *  - CLONE_THREAD (with CLONE_VM and CLONE_SIGHAND): a new thread of the
 *    calling process, as pthread_create makes them;
 *  - otherwise a new process, a child of the caller, with a copy-on-write
 *    copy of the address space (as_fork) or, with CLONE_VM, the same one
 *    (vfork), and a copy of the file table.
 * CLONE_VFORK makes the caller sleep until the new thread has called execve
 * or exited (with CLONE_THREAD too). CLONE_SETTLS sets the new thread's TLS
 * base, refused (-EPERM) outside user space as arch_prctl does. A new
 * process reports to its parent with the signal in CSIGNAL (wait4 tells
 * the children that do not use SIGCHLD apart). It starts with a copy of
 * the caller's signal actions (also with CLONE_SIGHAND, which Linux would
 * share between the two processes), its blocked mask, and in its process
 * group and session. Other flags used by musl and glibc (CLONE_FS,
 * CLONE_FILES, CLONE_SYSVSEM, CLONE_DETACHED) are accepted; the rest get
 * -EINVAL. clone3 takes the same flags from a struct clone_args.
 */
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/uaccess.h"
#include "fs/cwd.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/kmalloc.h"

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_CHILD_SETTID 0x01000000

#define CLONE_SUPPORTED                                                                     \
    (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK |            \
     CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |                    \
     CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID)

/* A new process for clone without CLONE_THREAD: its address space and file
 * table, linked as a child of 'parent'. Sets *as (a reference the caller
 * drops once the first thread holds its own). NULL without memory. */
static struct process *new_child_process(struct process *parent, uint64_t flags,
                                         struct address_space **as)
{
    struct process *child = process_alloc(parent->name);
    if (!child)
        return NULL;
    struct address_space *cur = current_thread()->as;
    if (flags & CLONE_VM) {
        as_get(cur);
        *as = cur;
    } else {
        *as = as_fork(cur);
    }
    child->files = fd_table_fork(parent->files);
    if (parent->exe) { /* the parent's own: execve in it runs only in this thread */
        size_t n = strlen(parent->exe) + 1;
        child->exe = kmalloc(n);
        if (child->exe)
            memcpy(child->exe, parent->exe, n);
    }
    if (!*as || !child->files || (parent->exe && !child->exe)) {
        if (*as)
            as_put(*as);
        if (child->files)
            fd_table_destroy(child->files);
        process_put(child);
        return NULL;
    }
    cwd_fork(parent, child);
    child->as = *as;
    child->exit_signal = (int)(flags & CSIGNAL);
    signal_copy_actions(child, parent);
    return child;
}

static long do_clone(uint64_t flags, uint64_t newsp, uint64_t parent_tid, uint64_t child_tid,
                     uint64_t tls)
{
    if (flags & ~(uint64_t)CLONE_SUPPORTED)
        return -EINVAL;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if ((flags & CLONE_SETTLS) && !user_addr_ok(tls))
        return -EPERM;
    struct thread *self = current_thread();
    struct process *parent = self->proc;
    if (signal_pending())
        return -ERESTARTNOINTR; /* a signal first, then the fork again (Linux) */

    struct trap_frame frame = *current_user_frame();
    frame.rax = 0;
    if (newsp)
        frame.rsp = newsp;
    uint64_t fs_base = (flags & CLONE_SETTLS) ? tls : self->fs_base;

    struct process *p = parent;
    struct address_space *as = self->as;
    bool new_process = !(flags & CLONE_THREAD);
    if (new_process) {
        p = new_child_process(parent, flags, &as);
        if (!p)
            return -ENOMEM;
    }
    int tid = new_process ? p->pid : process_alloc_id();
    struct thread *t = user_thread_create(p, as, tid, &frame, fs_base);
    if (new_process)
        as_put(as); /* the thread holds its own reference */
    if (!t) {
        if (new_process) {
            fd_table_destroy(p->files);
            cwd_release(p);
            process_put(p);
        }
        return -ENOMEM;
    }
    fpu_save(t->fpu); /* the caller's registers are live in this CPU */
    if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) { /* Linux keeps the alternate */
        t->sig.altstack_sp = self->sig.altstack_sp;       /* stack unless the new thread */
        t->sig.altstack_size = self->sig.altstack_size;   /* shares the memory for good */
        t->sig.altstack_flags = self->sig.altstack_flags;
    }
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = child_tid;
    /* As on Linux, a bad tid pointer is ignored: the child exists already. */
    if (flags & CLONE_PARENT_SETTID)
        (void)put_user_u32(parent_tid, (uint32_t)tid);
    if (flags & CLONE_CHILD_SETTID) {
        uint32_t v = (uint32_t)tid;
        (void)as_access(as, child_tid, &v, sizeof(v), true, false);
    }
    if (new_process)
        process_link(p, parent);
    if (flags & CLONE_VFORK)
        vfork_start_and_wait(t);
    else
        sched_add_new(t);
    return tid;
}

static long sys_clone(uint64_t flags, uint64_t newsp, uint64_t parent_tid, uint64_t child_tid,
                      uint64_t tls)
{
    return do_clone(flags, newsp, parent_tid, child_tid, tls);
}
SYSCALL(SYS_clone, sys_clone);

static long sys_fork(void)
{
    return do_clone(SIGCHLD, 0, 0, 0, 0);
}
SYSCALL(SYS_fork, sys_fork);

static long sys_vfork(void)
{
    return do_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}
SYSCALL(SYS_vfork, sys_vfork);

/* clone3's argument block (Linux's struct clone_args, up to version 2). */
struct clone_args {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64
#define CLONE_ARGS_PAGE 4096

/*
 * clone3(args, size): Linux's checks on the block (-EINVAL for a size
 * below version 0, -E2BIG beyond a page or for non-zero bytes past the
 * version this kernel knows), on the exit signal and on the stack (base
 * and size, both or neither); set_tid, pidfds and cgroups are not
 * supported (-EINVAL). The stack grows down from stack + stack_size.
 */
static long sys_clone3(uint64_t uargs, uint64_t size)
{
    struct clone_args args = {0};
    if (size < CLONE_ARGS_SIZE_VER0)
        return -EINVAL;
    if (size > CLONE_ARGS_PAGE)
        return -E2BIG;
    for (uint64_t at = sizeof(args); at < size; at++) {
        uint8_t byte;
        if (copy_from_user(&byte, uargs + at, 1))
            return -EFAULT;
        if (byte)
            return -E2BIG;
    }
    if (copy_from_user(&args, uargs, size < sizeof(args) ? size : sizeof(args)))
        return -EFAULT;
    if ((args.flags & (CSIGNAL | CLONE_DETACHED)) || (args.exit_signal & ~(uint64_t)CSIGNAL))
        return -EINVAL;
    if ((args.flags & CLONE_THREAD) && args.exit_signal)
        return -EINVAL;
    if (args.set_tid || args.set_tid_size || args.cgroup)
        return -EINVAL;
    if (!args.stack != !args.stack_size || !user_range_ok(args.stack, args.stack_size))
        return -EINVAL;
    uint64_t sp = args.stack ? args.stack + args.stack_size : 0;
    return do_clone(args.flags | args.exit_signal, sp, args.parent_tid, args.child_tid, args.tls);
}
SYSCALL(SYS_clone3, sys_clone3);

/*
 * The per-process and per-thread settings the C libraries ask for at
 * start-up and after: prctl, set_robust_list and get_robust_list, rseq.
 * See docs/userspace.md.
 */
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/syscall.h"
#include "lib/string.h"

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

/*
 * prctl(option, ...): the name (PR_SET_NAME/PR_GET_NAME: the process's,
 * 16 bytes with the NUL, what /proc/self/status shows), the signal to get
 * when the parent exits (PR_SET_PDEATHSIG), and the answers of a process
 * that dumps core and gains no privileges (PR_GET_DUMPABLE 1,
 * PR_SET_NO_NEW_PRIVS accepted: every process is root anyway). Every other
 * option gives -EINVAL, as Linux does for one it does not know.
 */
static long sys_prctl(uint64_t option, uint64_t arg2, uint64_t arg3, uint64_t arg4,
                      uint64_t arg5)
{
    struct process *p = current_process();
    switch (option) {
    case PR_SET_NAME: {
        char name[PROC_NAME_LEN];
        long n = strncpy_from_user(name, arg2, sizeof(name));
        if (n == -EFAULT)
            return -EFAULT;
        if (n < 0)
            n = sizeof(name) - 1; /* cut, as Linux does */
        name[n] = '\0';
        memcpy(p->name, name, (size_t)n + 1);
        return 0;
    }
    case PR_GET_NAME:
        return copy_to_user(arg2, p->name, PROC_NAME_LEN) ? -EFAULT : 0;
    case PR_SET_PDEATHSIG:
        if (arg2 > NSIG)
            return -EINVAL;
        __atomic_store_n(&p->pdeath_signal, (int)arg2, __ATOMIC_RELAXED);
        return 0;
    case PR_GET_PDEATHSIG:
        return put_user_u32(arg2, (uint32_t)__atomic_load_n(&p->pdeath_signal, __ATOMIC_RELAXED))
                   ? -EFAULT : 0;
    case PR_GET_DUMPABLE:
        return 1;
    case PR_SET_DUMPABLE:
        return arg2 <= 1 ? 0 : -EINVAL;
    case PR_SET_NO_NEW_PRIVS:
        return arg2 == 1 && !arg3 && !arg4 && !arg5 ? 0 : -EINVAL;
    case PR_GET_NO_NEW_PRIVS:
        return arg2 || arg3 || arg4 || arg5 ? -EINVAL : 0;
    default:
        return -EINVAL;
    }
}
SYSCALL(SYS_prctl, sys_prctl);

#define ROBUST_LIST_HEAD_SIZE 24 /* struct robust_list_head */

/* set_robust_list(head, len): kept and reported back; prune does not walk
 * the list at exit (robust mutexes of a thread that dies holding them are
 * not released for the others). */
static long sys_set_robust_list(uint64_t head, uint64_t len)
{
    if (len != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    current_thread()->robust_list = head;
    return 0;
}
SYSCALL(SYS_set_robust_list, sys_set_robust_list);

/* get_robust_list(tid, head_ptr, len_ptr): tid 0 is the caller. */
static long sys_get_robust_list(uint64_t tid, uint64_t uhead, uint64_t ulen)
{
    uint64_t head;
    if ((int)tid == 0) {
        head = current_thread()->robust_list;
    } else {
        spin_lock(&proc_lock);
        struct process *owner;
        struct thread *t = thread_find_locked((int)tid, &owner);
        head = t ? t->robust_list : 0;
        spin_unlock(&proc_lock);
        if (!t)
            return -ESRCH;
    }
    if (put_user_u64(uhead, head) || put_user_u64(ulen, ROBUST_LIST_HEAD_SIZE))
        return -EFAULT;
    return 0;
}
SYSCALL(SYS_get_robust_list, sys_get_robust_list);

/* rseq: restartable sequences are not supported. Linux's answer for a
 * kernel without them; glibc then runs without (its start-up asks). */
static long sys_rseq(void)
{
    return -ENOSYS;
}
SYSCALL(SYS_rseq, sys_rseq);

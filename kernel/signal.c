/* Signals: names, the kernel's own kills and the signal system calls; see
 * kernel/signal.h. */
#include "kernel/signal.h"

#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/syscall.h"

static const char *const signal_names[] = {
    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
};

const char *signal_name(int sig)
{
    if (sig > 0 && sig < (int)(sizeof(signal_names) / sizeof(signal_names[0])) &&
        signal_names[sig])
        return signal_names[sig];
    return "signal";
}

void user_fault_signal(struct trap_frame *tf, int sig, uint64_t addr)
{
    struct process *p = current_process();
    printk("prune: pid %d (%s) killed by %s: %s (vector %lu, error 0x%lx) at address 0x%lx, "
           "rip 0x%lx, rsp 0x%lx\n",
           p->pid, p->name, signal_name(sig), trap_name(tf->vector), tf->vector,
           tf->error_code, addr, tf->rip, tf->rsp);
    process_kill(p, sig);
}

void process_oom_kill(struct process *p, const char *why)
{
    if (!__atomic_load_n(&p->kill_signal, __ATOMIC_ACQUIRE))
        printk("prune: out of memory: pid %d (%s) killed by SIGKILL (%s)\n", p->pid, p->name,
               why);
    process_kill(p, SIGKILL);
}

/* The bit of 'sig' in a sigset. */
static uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

/* True if the default action of 'sig' is to ignore it. */
static bool default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH ||
           sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Sends 'sig' (1..64) to p: its action decides. The caller holds a
 * reference on p (or p is its own process). */
static void send_signal(struct process *p, int sig)
{
    if (sig != SIGKILL && (p->sigactions[sig - 1].handler == SIG_IGN ||
                           (p->sigactions[sig - 1].handler == SIG_DFL && default_ignored(sig))))
        return;
    process_kill(p, sig);
}

/* kill(pid, sig): pid > 0 that process (a zombie not yet reaped too: the
 * signal changes nothing then, as on Linux); 0 or -1 or < -1 (no process
 * groups or permissions in prune): the caller's own process. sig 0 checks
 * only. */
static long sys_kill(uint64_t pid_arg, uint64_t sig_arg)
{
    int pid = (int)pid_arg, sig = (int)sig_arg;
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (pid <= 0) {
        if (sig)
            send_signal(current_process(), sig);
        return 0;
    }
    struct process *p = process_find(pid);
    if (!p)
        return -ESRCH;
    if (sig)
        send_signal(p, sig);
    process_put(p);
    return 0;
}
SYSCALL(SYS_kill, sys_kill);

/* tgkill(tgid, tid, sig) and tkill(tid, sig): the signal goes to the whole
 * process (its action is process-wide anyway). */
static long signal_thread(int tgid, int tid, int sig)
{
    if (sig < 0 || sig > NSIG || tid <= 0)
        return -EINVAL;
    struct process *p = process_find_thread(tid);
    if (!p)
        return -ESRCH;
    long ret = -ESRCH;
    if (tgid <= 0 || p->pid == tgid) {
        if (sig)
            send_signal(p, sig);
        ret = 0;
    }
    process_put(p);
    return ret;
}

static long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig)
{
    if ((int)tgid <= 0)
        return -EINVAL;
    return signal_thread((int)tgid, (int)tid, (int)sig);
}
SYSCALL(SYS_tgkill, sys_tgkill);

static long sys_tkill(uint64_t tid, uint64_t sig)
{
    return signal_thread(0, (int)tid, (int)sig);
}
SYSCALL(SYS_tkill, sys_tkill);

static long sys_rt_sigaction(uint64_t sig_arg, uint64_t act, uint64_t oldact, uint64_t setsize)
{
    int sig = (int)sig_arg;
    if (setsize != SIGSET_SIZE || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    struct process *p = current_process();
    struct k_sigaction old = p->sigactions[sig - 1], new;
    if (act && copy_from_user(&new, act, sizeof(new)))
        return -EFAULT;
    if (oldact && copy_to_user(oldact, &old, sizeof(old)))
        return -EFAULT;
    if (act)
        p->sigactions[sig - 1] = new;
    return 0;
}
SYSCALL(SYS_rt_sigaction, sys_rt_sigaction);

static long sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oldset, uint64_t setsize)
{
    if (setsize != SIGSET_SIZE)
        return -EINVAL;
    struct thread *t = current_thread();
    uint64_t old = t->sigmask, new = 0;
    if (set) {
        if (copy_from_user(&new, set, sizeof(new)))
            return -EFAULT;
        if (how == SIG_BLOCK)
            new = old | new;
        else if (how == SIG_UNBLOCK)
            new = old & ~new;
        else if (how != SIG_SETMASK)
            return -EINVAL;
        new &= ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
    }
    if (oldset && copy_to_user(oldset, &old, sizeof(old)))
        return -EFAULT;
    if (set)
        t->sigmask = new;
    return 0;
}
SYSCALL(SYS_rt_sigprocmask, sys_rt_sigprocmask);

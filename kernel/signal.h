/*
 * Signals: their numbers (Linux x86_64), what rt_sigaction stores, and the
 * ways the kernel itself sends one (kernel/signal.c). Every signal has its
 * default action (terminate, or ignore for SIGCHLD, SIGCONT, SIGURG,
 * SIGWINCH and the stop signals, as there is no job control) unless the
 * process set SIG_IGN; handlers are stored and reported back, never called;
 * the blocked mask is kept per thread and delays nothing. See
 * docs/userspace.md.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stdint.h>

#include "arch/x86_64/trap.h"

#define NSIG 64

/* Signal numbers (Linux x86_64). */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28

/* rt_sigaction's special handlers, rt_sigprocmask's 'how', and the size
 * of the kernel's sigset_t (64 signals). */
#define SIG_DFL 0
#define SIG_IGN 1
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_SIZE 8

/* What rt_sigaction stores (musl's struct k_sigaction). */
struct k_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

struct process;

/* "SIGSEGV" for 11, and so on ("signal" for a number without a name). */
const char *signal_name(int sig);

/* A user-mode exception 'sig' in the current thread (trap.c): the
 * process dies with it; prints one "prune: pid N (name) killed by ..."
 * line. Returns (the thread dies on its way back to user mode). */
void user_fault_signal(struct trap_frame *tf, int sig, uint64_t addr);

/* The out-of-memory killer chose p (kernel/oom.h): p dies with SIGKILL;
 * prints one "prune: out of memory: ..." line, naming 'why'. The caller
 * holds a reference on p. */
void process_oom_kill(struct process *p, const char *why);

#endif

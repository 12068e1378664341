/*
 * kill() and tgkill() racing with the exit and reaping of their target must
 * never reach another process. The test forks short-lived children in a
 * loop and reaps each one; killer processes keep signalling the newest
 * child: SIGUSR1 to an even pid, SIGUSR2 to an odd one (tgkill every other
 * time). A child may die of the signal meant for it; one that dies of the
 * other parity's signal was hit by a kill aimed at the child before it,
 * which had been reaped and whose memory the kernel had given to the new
 * one (a pid lookup whose result is used after the lock is dropped).
 * Also: kill and tgkill of a zombie not yet reaped succeed, as on Linux.
 * usage: test_kill_reap_race [SECONDS [KILLERS]] (3 s, 4 killers: a longer
 * run is a soak test).
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: 20 */
#include "ut.h"

#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define MAX_KILLERS 8
/* Killers yield now and then: the forking parent gets a CPU sooner, and
 * with more threads runnable per CPU a killer is more often preempted
 * between the kernel's lookup of its target and its use (4 killers that
 * yield every 16 kills caught the bug in 9 of 9 three-second runs at -smp 4;
 * 2 killers that never yield, in 2 of 5). */
#define YIELD_EVERY 16

/* Shared with the killers (MAP_SHARED). */
struct shared {
    atomic_int target; /* the newest child's pid (0: none yet) */
    atomic_int stop;
    atomic_long sent[MAX_KILLERS];
};

static struct shared *sh;

/* The signal a kill aimed at 'pid' carries. */
static int signal_for(pid_t pid)
{
    return pid % 2 == 0 ? SIGUSR1 : SIGUSR2;
}

/* A killer: signals the newest child until told to stop. */
static _Noreturn void killer(int k)
{
    long n = 0;
    while (!atomic_load(&sh->stop)) {
        pid_t pid = atomic_load(&sh->target);
        if (pid <= 0)
            continue;
        if (n++ & 1)
            syscall(SYS_tgkill, pid, pid, signal_for(pid));
        else
            kill(pid, signal_for(pid));
        if (n % YIELD_EVERY == 0)
            sched_yield();
    }
    atomic_store(&sh->sent[k], n);
    _exit(0);
}

/* Forks and reaps children for 'seconds' while the killers run; returns
 * how many died of a signal aimed at another pid (each one printed). */
static long fork_and_reap(int seconds, long *forks, long *others)
{
    long wrong = 0;
    long t0 = now_ms();
    while (now_ms() - t0 < seconds * 1000L) {
        pid_t c = fork();
        if (c == 0)
            _exit(0);
        if (c < 0) {
            printf("FAIL fork: %s\n", ut_errname(errno));
            ut_failures++;
            break;
        }
        atomic_store(&sh->target, c);
        (*forks)++;
        int status;
        if (wait4(c, &status, 0, NULL) != c) {
            printf("FAIL wait4: %s\n", ut_errname(errno));
            ut_failures++;
            break;
        }
        if (WIFSIGNALED(status) && WTERMSIG(status) == signal_for(c + 1)) {
            if (wrong++ < 10)
                printf("WRONG: child %d killed by signal %d, meant for pid %d\n", (int)c,
                       WTERMSIG(status), (int)c - 1);
        } else if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) &&
                   !(WIFSIGNALED(status) && WTERMSIG(status) == signal_for(c))) {
            (*others)++;
            printf("child %d: %s\n", (int)c, ut_status_text(status));
        }
    }
    return wrong;
}

/* A child that has exited but is not reaped is still there for kill and
 * tgkill (signal 0 and a real one: nothing happens, 0 is returned). */
static void signal_zombie(void)
{
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    pause_ms(200); /* long enough to be a zombie; a live child passes too */
    EXPECT_ERRNO("kill of a zombie, signal 0", kill(c, 0), 0);
    EXPECT_ERRNO("kill of a zombie, SIGUSR1", kill(c, SIGUSR1), 0);
    EXPECT_ERRNO("tgkill of a zombie", syscall(SYS_tgkill, c, c, 0), 0);
    int status = 0;
    CHECK(wait4(c, &status, 0, NULL) == c && WIFEXITED(status));
    EXPECT_ERRNO("kill once reaped", kill(c, 0), ESRCH);
    EXPECT_ERRNO("tgkill once reaped", syscall(SYS_tgkill, c, c, 0), ESRCH);
}

int main(int argc, char **argv)
{
    ut_start();
    int seconds = argc > 1 ? atoi(argv[1]) : 3;
    int nk = argc > 2 ? atoi(argv[2]) : 4;
    if (nk < 1 || nk > MAX_KILLERS)
        nk = 4;
    signal_zombie();
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        printf("FAIL mmap: %s\n", ut_errname(errno));
        return 1;
    }
    pid_t killers[MAX_KILLERS];
    for (int k = 0; k < nk; k++) {
        killers[k] = fork();
        if (killers[k] == 0)
            killer(k);
    }
    long forks = 0, others = 0;
    long wrong = fork_and_reap(seconds, &forks, &others);
    atomic_store(&sh->stop, 1);
    long sent = 0;
    for (int k = 0; k < nk; k++) {
        wait4(killers[k], NULL, 0, NULL);
        sent += atomic_load(&sh->sent[k]);
    }
    printf("# %ld forks, %ld kills sent, %ld wrong, %ld other\n", forks, sent, wrong, others);
    printf("children killed by a signal meant for another pid: %ld\n", wrong);
    printf("children that ended otherwise: %ld\n", others);
    CHECK(wrong == 0 && others == 0);
    return ut_finish("test_kill_reap_race");
}

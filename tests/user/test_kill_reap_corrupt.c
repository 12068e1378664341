/*
 * A kill() or tgkill() aimed at a process that is reaped meanwhile must not
 * write into memory the kernel has reused for someone else. As in
 * test_kill_reap_race, killers keep signalling the newest of a stream of
 * short-lived children; bystander processes meanwhile map fresh anonymous
 * pages, fault them in by reading, and check that they stay all zero for a
 * while: a signal number stored into a freed process structure whose frame
 * became one of their pages shows up there.
 * usage: test_kill_reap_corrupt [SECONDS [KILLERS [BYSTANDERS]]] (3 s, 2
 * killers, 2 bystanders: a longer run is a soak test).
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: 20 */
#include "ut.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define MAX_HELPERS 16
#define BYSTANDER_PAGES 64
#define PAGE 4096
#define YIELD_EVERY 16 /* as in test_kill_reap_race */

/* Shared with the helpers (MAP_SHARED). */
struct shared {
    atomic_int target; /* the newest child's pid (0: none yet) */
    atomic_int stop;
    atomic_long rounds[MAX_HELPERS];
};

static struct shared *sh;

/* A killer: signals the newest child until told to stop. */
static _Noreturn void killer(void)
{
    long n = 0;
    while (!atomic_load(&sh->stop)) {
        pid_t pid = atomic_load(&sh->target);
        if (pid <= 0)
            continue;
        int sig = pid % 2 == 0 ? SIGUSR1 : SIGUSR2;
        if (n++ & 1)
            syscall(SYS_tgkill, pid, pid, sig);
        else
            kill(pid, sig);
        if (n % YIELD_EVERY == 0)
            sched_yield();
    }
    _exit(0);
}

/* A bystander: fresh zero pages, read and re-checked until told to stop.
 * Exits 1 if any word was not zero (the first ones are printed). */
static _Noreturn void bystander(int b)
{
    long rounds = 0, bad = 0;
    size_t len = BYSTANDER_PAGES * PAGE;
    while (!atomic_load(&sh->stop)) {
        volatile uint32_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            _exit(2);
        for (int pg = 0; pg < BYSTANDER_PAGES; pg++)
            (void)m[pg * PAGE / 4]; /* fault in, read only */
        for (int pass = 0; pass < 3; pass++) {
            for (size_t i = 0; i < len / 4; i++)
                if (m[i] && bad++ < 10)
                    printf("CORRUPT: bystander %d: fresh zero page %zu offset %#zx holds %#x\n",
                           b, i * 4 / PAGE, i * 4 % PAGE, m[i]);
            sched_yield();
        }
        munmap((void *)m, len);
        rounds++;
    }
    atomic_store(&sh->rounds[b], rounds);
    _exit(bad ? 1 : 0);
}

/* Forks and reaps children for 'seconds'; returns how many died of a
 * signal aimed at another pid. */
static long fork_and_reap(int seconds, long *forks)
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
        wait4(c, &status, 0, NULL);
        if (WIFSIGNALED(status) && WTERMSIG(status) == (c % 2 == 0 ? SIGUSR2 : SIGUSR1))
            wrong++;
        sched_yield();
    }
    return wrong;
}

int main(int argc, char **argv)
{
    ut_start();
    int seconds = argc > 1 ? atoi(argv[1]) : 3;
    int nk = argc > 2 ? atoi(argv[2]) : 2;
    int nb = argc > 3 ? atoi(argv[3]) : 2;
    if (nk < 1 || nb < 1 || nk + nb > MAX_HELPERS)
        nk = nb = 2;
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    if (ut_failures)
        return ut_finish("test_kill_reap_corrupt");
    pid_t helpers[MAX_HELPERS];
    for (int i = 0; i < nk + nb; i++) {
        helpers[i] = fork();
        if (helpers[i] == 0) {
            if (i < nk)
                killer();
            bystander(i - nk);
        }
    }
    long forks = 0;
    long wrong = fork_and_reap(seconds, &forks);
    atomic_store(&sh->stop, 1);
    int corrupt = 0;
    long rounds = 0;
    for (int i = 0; i < nk + nb; i++) {
        int status = 0;
        wait4(helpers[i], &status, 0, NULL);
        if (i >= nk) {
            rounds += atomic_load(&sh->rounds[i - nk]);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                corrupt++;
                printf("bystander %d: %s\n", i - nk, ut_status_text(status));
            }
        }
    }
    printf("# %ld forks, %ld bystander rounds\n", forks, rounds);
    printf("children killed by a signal meant for another pid: %ld\n", wrong);
    printf("bystanders that found a fresh page not zero: %d\n", corrupt);
    CHECK(wrong == 0 && corrupt == 0);
    return ut_finish("test_kill_reap_corrupt");
}

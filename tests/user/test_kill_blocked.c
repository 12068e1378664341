/*
 * A process whose threads are all blocked (futex wait, private and shared,
 * nanosleep, wait4 on a live child, read of fd 0) or spinning in user mode is
 * killed by its parent: the parent sees it killed by that signal within
 * two seconds. Also: SIGTERM (default action), tgkill of one blocked thread
 * (the whole process dies), a parent blocked in vfork, and only spinners.
 * Under the test harness fd 0 may be /dev/null, where read returns at once:
 * that thread then waits on a futex instead.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* From Linux's <linux/futex.h>, which musl does not ship. */
#define FUTEX_WAIT 0
#define FUTEX_WAIT_PRIVATE 128

#define PROMPT_MS 2000

/* Shared between the test and the child it kills (MAP_SHARED). */
struct shared {
    atomic_int ready;     /* threads about to block */
    atomic_int tid;       /* a blocked thread's tid, for tgkill */
    atomic_int grandchild;
    uint32_t word;        /* a shared futex word, never changed */
};

static struct shared *sh;
static uint32_t private_word;

/* The blocking calls, each made for ever. */
static _Noreturn void wait_forever_private(void)
{
    for (;;)
        syscall(SYS_futex, &private_word, FUTEX_WAIT_PRIVATE, 0, NULL);
}

static _Noreturn void wait_forever_shared(void)
{
    for (;;)
        syscall(SYS_futex, &sh->word, FUTEX_WAIT, sh->word, NULL);
}

static _Noreturn void sleep_forever(void)
{
    for (;;)
        pause_ms(1000 * 1000);
}

static _Noreturn void wait_child_forever(pid_t pid)
{
    for (;;)
        wait4(pid, NULL, 0, NULL);
}

static _Noreturn void spin_forever(void)
{
    volatile unsigned long n = 0;
    for (;;)
        n++;
}

static void *futex_private_thread(void *arg)
{
    (void)arg;
    atomic_store(&sh->tid, (int)syscall(SYS_gettid));
    atomic_fetch_add(&sh->ready, 1);
    wait_forever_private();
}

static void *futex_shared_thread(void *arg)
{
    (void)arg;
    atomic_fetch_add(&sh->ready, 1);
    wait_forever_shared();
}

static void *sleep_thread(void *arg)
{
    (void)arg;
    atomic_fetch_add(&sh->ready, 1);
    sleep_forever();
}

/* A grandchild of the test: says who it is, ends once its parent is gone
 * (or after 10 s). */
static _Noreturn void outlive_parent(pid_t parent)
{
    atomic_store(&sh->grandchild, getpid());
    for (int i = 0; i < 1000 && getppid() == parent; i++)
        pause_ms(10);
    _exit(0);
}

static void *wait_thread(void *arg)
{
    (void)arg;
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid == 0)
        outlive_parent(me);
    atomic_fetch_add(&sh->ready, 1);
    wait_child_forever(pid);
}

static void *read_thread(void *arg)
{
    (void)arg;
    char c;
    atomic_fetch_add(&sh->ready, 1);
    read(0, &c, 1);
    wait_forever_private();
}

static void *spin_thread(void *arg)
{
    (void)arg;
    atomic_fetch_add(&sh->ready, 1);
    spin_forever();
}

static int start(void *(*fn)(void *))
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, NULL) != 0)
        _exit(3);
    return 1;
}

/* The child: one thread of each blocking kind plus spinners; the main
 * thread blocks too. */
static int all_blockers(int spinners)
{
    int n = 0;
    n += start(futex_private_thread);
    n += start(futex_shared_thread);
    n += start(sleep_thread);
    n += start(wait_thread);
    n += start(read_thread);
    for (int i = 0; i < spinners; i++)
        n += start(spin_thread);
    return n;
}

/*
 * Forks a child running setup() (which returns how many threads will say
 * ready, or says it all itself and blocks), lets the main thread block too,
 * waits until all are blocked,
 * sends sig (to one thread with tgkill if to_thread), and checks how the
 * child ended and how fast.
 */
static void kill_case(const char *what, int (*setup)(void), int sig, int to_thread)
{
    atomic_store(&sh->ready, 0);
    atomic_store(&sh->tid, 0);
    atomic_store(&sh->grandchild, 0);
    pid_t pid = fork();
    if (pid == 0) {
        sh->word = (uint32_t)setup() + 1; /* tells the parent how many */
        atomic_fetch_add(&sh->ready, 1);
        wait_forever_private();
    }
    if (pid < 0) {
        printf("FAIL fork: %s\n", ut_errname(errno));
        ut_failures++;
        return;
    }
    long deadline = now_ms() + 10000;
    while (!(sh->word && atomic_load(&sh->ready) == (int)sh->word) && now_ms() < deadline)
        pause_ms(1);
    int ready = sh->word && atomic_load(&sh->ready) == (int)sh->word;
    pause_ms(100); /* let the last ones reach their blocking call */
    long t0 = now_ms();
    if (to_thread)
        syscall(SYS_tgkill, pid, atomic_load(&sh->tid), sig);
    else
        kill(pid, sig);
    int status = 0;
    pid_t got = wait4(pid, &status, 0, NULL);
    long elapsed = now_ms() - t0;
    int promptly = elapsed < PROMPT_MS;
    printf("%s: %s, every thread ready: %s, promptly: %s\n", what,
           got == pid ? ut_status_text(status) : "wait4 failed", ready ? "yes" : "no",
           promptly ? "yes" : "no");
    printf("# %s: %ld ms\n", what, elapsed);
    CHECK(got == pid && WIFSIGNALED(status) && WTERMSIG(status) == sig);
    CHECK(ready && promptly);
    pid_t grandchild = atomic_load(&sh->grandchild);
    if (grandchild > 0) {
        /* Ours (to reap) only where orphans come to us, as to PID 1. */
        kill(grandchild, SIGKILL);
        wait4(grandchild, NULL, 0, NULL);
    }
    sh->word = 0;
}

static int blockers_and_two_spinners(void)
{
    return all_blockers(2);
}

static int four_spinners(void)
{
    int n = 0;
    for (int i = 0; i < 4; i++)
        n += start(spin_thread);
    return n;
}

/* vfork: the child sleeps until its parent is gone, so the parent stays
 * blocked in vfork. */
static int blocked_in_vfork(void)
{
    pid_t me = getpid();
    sh->word = 1;
    atomic_fetch_add(&sh->ready, 1);
    if (vfork() == 0)
        outlive_parent(me);
    _exit(4); /* not reached: the parent is killed in vfork */
}

int main(void)
{
    ut_start();
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    if (ut_failures)
        return ut_finish("test_kill_blocked");
    kill_case("blocked threads and spinners, SIGKILL", blockers_and_two_spinners, SIGKILL, 0);
    kill_case("blocked threads and spinners, SIGTERM", blockers_and_two_spinners, SIGTERM, 0);
    kill_case("tgkill SIGKILL to a thread in futex wait", blockers_and_two_spinners, SIGKILL, 1);
    kill_case("four spinners, SIGKILL", four_spinners, SIGKILL, 0);
    kill_case("parent blocked in vfork, SIGKILL", blocked_in_vfork, SIGKILL, 0);
    return ut_finish("test_kill_blocked");
}

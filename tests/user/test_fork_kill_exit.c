/*
 * Processes forking, exiting and being killed, all at once. SPAWNERS
 * processes fork children without pause, up to SLOTS alive each, and each
 * child has a fate drawn at random: exit at once; fork a grandchild and exit
 * (the orphan goes to PID 1, which this test is on prune, or to this test as
 * a subreaper on Linux); start two threads, one spinning, one calling
 * _exit (exit_group); spin a little; sleep a little. Each fate has its own
 * exit code. Meanwhile two killer threads of each spawner send its children
 * SIGKILL or a signal whose default action is to be ignored (SIGURG,
 * SIGWINCH, SIGCHLD, SIGCONT), by kill or by tgkill, and the spawner kills
 * some children itself right after fork. Every child must end with its
 * fate's exit code or be killed by SIGKILL, every orphan must exit 0, every
 * spawner must exit 0, and nothing may hang (HANG_MS after the end).
 *
 * The killers signal only children that are not yet reaped: on Linux a
 * reaped pid may go to any process of the machine. With "reap" (prune only,
 * where no pid is given twice) they also race with the reaping.
 * Usage: test_fork_kill_exit [SECONDS [reap]] (default RUN_SECONDS).
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: 20 reap */
#include "ut.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#define RUN_SECONDS 2
#define SPAWNERS 3
#define KILLERS 2 /* threads per spawner */
#define SLOTS 8   /* children alive at once, per spawner */
#define HANG_MS 20000

enum fate { EXIT_AT_ONCE, ORPHAN_GRANDCHILD, EXIT_GROUP_FROM_THREAD, SPIN, SLEEP, FATES };
#define FATE_CODE(fate) (10 + (fate))

/* What a spawner did, in MAP_SHARED memory the test prints at the end. */
struct tally {
    atomic_long forks, signals, killed, exited, wrong;
};

/* One spawner's children: a pid is set by the spawner after fork and
 * cleared when the child is reaped. Without "reap", reap_lock is held for
 * writing around the reaping and for reading around each signal. */
struct slot {
    atomic_int pid;
    enum fate fate;
};
static struct slot slots[SLOTS];
static pthread_rwlock_t reap_lock = PTHREAD_RWLOCK_INITIALIZER;
static atomic_bool stop_killing;
static bool race_reap;
static struct tally *tally;

/* xorshift64 */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Spins for about 'us' microseconds. */
static void spin_us(long us)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do
        clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000000 + (now.tv_nsec - start.tv_nsec) / 1000 < us);
}

/* Spins until the process ends. */
static void *spin_forever(void *arg)
{
    spin_us(LONG_MAX);
    return arg;
}

static void *exit_group_now(void *arg)
{
    _exit(FATE_CODE(*(enum fate *)arg));
}

/* A child's life. */
static _Noreturn void live(enum fate fate, uint64_t random)
{
    static enum fate my_fate;
    my_fate = fate;
    switch (fate) {
    case ORPHAN_GRANDCHILD:
        if (fork() == 0) {
            spin_us((long)(random % 500));
            _exit(0);
        }
        break;
    case EXIT_GROUP_FROM_THREAD: {
        pthread_t a, b;
        pthread_create(&a, NULL, spin_forever, NULL);
        pthread_create(&b, NULL, exit_group_now, &my_fate);
        for (;;)
            pause_ms(1000);
    }
    case SPIN:
        spin_us((long)(random % 2000));
        break;
    case SLEEP:
        pause_ms((long)(random % 50));
        break;
    default:
        break;
    }
    _exit(FATE_CODE(fate));
}

/* A killer thread: signals random children until told to stop. */
static void *killer(void *arg)
{
    static const int ignored[] = { SIGURG, SIGWINCH, SIGCHLD, SIGCONT };
    uint64_t random = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ull + 1;
    while (!atomic_load(&stop_killing)) {
        uint64_t r = next_random(&random);
        struct slot *s = &slots[r % SLOTS];
        int sig = (r >> 8) % 2 ? SIGKILL : ignored[(r >> 9) % 4];
        if (!race_reap)
            pthread_rwlock_rdlock(&reap_lock);
        int pid = atomic_load(&s->pid);
        if (pid > 0) {
            if ((r >> 16) % 2)
                kill(pid, sig);
            else
                syscall(SYS_tgkill, pid, pid, sig);
            atomic_fetch_add(&tally->signals, 1);
        }
        if (!race_reap)
            pthread_rwlock_unlock(&reap_lock);
        if ((r >> 24) % 8 == 0)
            pause_ms(1); /* leave CPUs to the spawner and its children */
    }
    return NULL;
}

/* Checks how the child in slot s ended; returns false if it should not have. */
static bool ended_as_expected(int index, const struct slot *s, int pid, int status)
{
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
        atomic_fetch_add(&tally->killed, 1);
        return true;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == FATE_CODE(s->fate)) {
        atomic_fetch_add(&tally->exited, 1);
        return true;
    }
    printf("FAIL spawner %d: child %d (fate %d) %s, expected exit %d or SIGKILL\n", index, pid,
           s->fate, ut_status_text(status), FATE_CODE(s->fate));
    atomic_fetch_add(&tally->wrong, 1);
    return false;
}

/* Reaps one child if one has ended (waits for one if 'block'); returns
 * false if the child ended as it should not have. */
static bool reap_one(int index, bool block, int *live_children)
{
    int status;
    if (!race_reap)
        pthread_rwlock_wrlock(&reap_lock);
    pid_t pid = wait4(-1, &status, block ? 0 : WNOHANG, NULL);
    struct slot *s = NULL;
    for (int i = 0; pid > 0 && i < SLOTS && !s; i++)
        if (atomic_load(&slots[i].pid) == pid)
            s = &slots[i];
    if (s)
        atomic_store(&s->pid, 0);
    if (!race_reap)
        pthread_rwlock_unlock(&reap_lock);
    if (pid <= 0)
        return true;
    (*live_children)--;
    if (!s) {
        printf("FAIL spawner %d: wait4 gave %d, not a child of ours\n", index, (int)pid);
        return false;
    }
    return ended_as_expected(index, s, pid, status);
}

/* A spawner's life: forks children into free slots for 'seconds', while
 * its killer threads signal them, then reaps the last ones. Exits 0 if
 * every child ended as it should. */
static _Noreturn void spawn(int index, int seconds)
{
    uint64_t random = 0x51ed270b7a1d3c5bull * (uint64_t)(index + 1);
    pthread_t killers[KILLERS];
    for (int k = 0; k < KILLERS; k++)
        pthread_create(&killers[k], NULL, killer, (void *)(uintptr_t)(index * KILLERS + k + 1));
    bool ok = true;
    int live_children = 0;
    long end = now_ms() + seconds * 1000l;
    while (now_ms() < end) {
        for (int i = 0; i < SLOTS; i++) {
            if (atomic_load(&slots[i].pid) != 0)
                continue;
            uint64_t r = next_random(&random);
            slots[i].fate = (enum fate)(r % FATES);
            pid_t pid = fork();
            if (pid == 0)
                live(slots[i].fate, r >> 8);
            if (pid < 0) {
                printf("FAIL spawner %d: fork: %s\n", index, ut_errname(errno));
                ok = false;
                end = 0;
                break;
            }
            atomic_store(&slots[i].pid, pid);
            live_children++;
            atomic_fetch_add(&tally->forks, 1);
            if ((r >> 4) % 8 == 0) {
                kill(pid, SIGKILL);
                atomic_fetch_add(&tally->signals, 1);
            }
        }
        bool full = live_children == SLOTS;
        ok &= reap_one(index, false, &live_children);
        if (full && live_children == SLOTS)
            pause_ms(1);
    }
    while (live_children > 0)
        ok &= reap_one(index, true, &live_children);
    atomic_store(&stop_killing, true);
    for (int k = 0; k < KILLERS; k++)
        pthread_join(killers[k], NULL);
    _exit(ok ? 0 : 1);
}

/* True when running on prune rather than Linux. */
static bool on_prune(void)
{
    struct utsname u;
    return uname(&u) == 0 && strcmp(u.sysname, "prune") == 0;
}

int main(int argc, char **argv)
{
    ut_start();
    int seconds = argc > 1 ? atoi(argv[1]) : RUN_SECONDS;
    race_reap = argc > 2 && strcmp(argv[2], "reap") == 0;
    if (race_reap && !on_prune()) {
        printf("\"reap\" only on prune: on Linux a reaped pid may go to any process\n");
        return 2;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1); /* Linux: the orphans come to us */
    tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(tally != MAP_FAILED);
    if (tally == MAP_FAILED)
        return ut_finish("test_fork_kill_exit");

    pid_t spawners[SPAWNERS];
    for (int i = 0; i < SPAWNERS; i++) {
        spawners[i] = fork();
        if (spawners[i] == 0)
            spawn(i, seconds);
        CHECK(spawners[i] > 0);
    }
    /* Reap the spawners and the orphans, whichever ends first. */
    int spawners_left = SPAWNERS, orphans = 0;
    long deadline = now_ms() + seconds * 1000l + HANG_MS;
    for (;;) {
        int status;
        pid_t pid = wait4(-1, &status, WNOHANG, NULL);
        if (pid < 0)
            break; /* ECHILD: everybody reaped */
        if (pid == 0) {
            if (spawners_left > 0 && now_ms() > deadline) {
                printf("FAIL %d spawner(s) still running %d ms after the end\n", spawners_left,
                       HANG_MS);
                ut_failures++;
                for (int i = 0; i < SPAWNERS; i++)
                    if (spawners[i] > 0)
                        kill(spawners[i], SIGKILL);
                deadline = now_ms() + HANG_MS;
            }
            pause_ms(5);
            continue;
        }
        int index = -1;
        for (int i = 0; i < SPAWNERS; i++)
            if (spawners[i] == pid)
                index = i;
        if (index >= 0) {
            spawners[index] = 0;
            spawners_left--;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                printf("FAIL spawner %d %s\n", index, ut_status_text(status));
                ut_failures++;
            }
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("FAIL orphan %d %s\n", (int)pid, ut_status_text(status));
            ut_failures++;
        } else {
            orphans++;
        }
    }
    printf("# %ld forks, %ld signals sent; %ld children exited, %ld killed, %ld wrong; "
           "%d orphans reaped\n", atomic_load(&tally->forks), atomic_load(&tally->signals),
           atomic_load(&tally->exited), atomic_load(&tally->killed), atomic_load(&tally->wrong),
           orphans);
    CHECK(atomic_load(&tally->forks) > 0);
    return ut_finish("test_fork_kill_exit");
}

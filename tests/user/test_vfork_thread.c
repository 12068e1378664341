/*
 * clone(CLONE_THREAD | CLONE_VFORK) returns in the caller once the new
 * thread has exited, as on Linux: the caller waits on the new thread (not
 * on its own process, which would never finish). The thread sets a flag
 * before it exits and has its tid word cleared (CLONE_CHILD_CLEARTID): both
 * are seen when clone returns. Also a plain vfork, and CLONE_VFORK of a
 * process whose first thread exits while another thread of it goes on.
 * Each case runs in a child watched for 10 s, so a clone that never
 * returns fails the test instead of hanging it.
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: */
#include "ut.h"

#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define WATCH_MS 10000
#define STACK_SIZE (64 * 1024)

static char stack[STACK_SIZE] __attribute__((aligned(16)));
static char stack2[STACK_SIZE] __attribute__((aligned(16)));
static atomic_int flag;
static int child_tid = -1;

#define THREAD_FLAGS                                                                 \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
     CLONE_VFORK | CLONE_CHILD_CLEARTID)

/* The vfork thread: works a little, says so, exits (the thread only). */
static int short_thread(void *arg)
{
    (void)arg;
    pause_ms(50);
    atomic_store(&flag, 1);
    return 0;
}

static void vfork_thread_case(void)
{
    int r = clone(short_thread, stack + STACK_SIZE, THREAD_FLAGS, NULL, NULL, NULL, &child_tid);
    printf("clone(CLONE_THREAD | CLONE_VFORK) returned a tid: %s\n", r > 0 ? "yes" : "no");
    printf("the thread had set its flag: %s\n", atomic_load(&flag) ? "yes" : "no");
    printf("its tid word was cleared: %s\n", child_tid == 0 ? "yes" : "no");
    if (r <= 0 || !atomic_load(&flag) || child_tid != 0)
        _exit(1);
}

static void plain_vfork_case(void)
{
    atomic_store(&flag, 0);
    pid_t pid = vfork();
    if (pid == 0) {
        atomic_store(&flag, 1); /* the memory is shared until exit */
        _exit(7);
    }
    int status = 0;
    printf("vfork: the child had run: %s\n", atomic_load(&flag) ? "yes" : "no");
    printf("vfork: child %s\n",
           wait4(pid, &status, 0, NULL) == pid ? ut_status_text(status) : "not reaped");
    if (!atomic_load(&flag) || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
        _exit(1);
}

/* The second thread of the vfork child: outlives the first, then ends the
 * process. */
static int second_thread(void *arg)
{
    (void)arg;
    pause_ms(100);
    atomic_store(&flag, 2);
    syscall(SYS_exit_group, 5);
    return 0;
}

/* The vfork child's first thread: starts a second one, then exits alone. */
static int first_thread(void *arg)
{
    (void)arg;
    clone(second_thread, stack2 + STACK_SIZE,
          CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
          NULL);
    syscall(SYS_exit, 0);
    return 0;
}

static void first_thread_exits_case(void)
{
    atomic_store(&flag, 0);
    int pid = clone(first_thread, stack + STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
    int status = 0;
    pid_t got = wait4(pid, &status, 0, NULL);
    printf("vfork child whose first thread exits: clone returned, child %s\n",
           got == pid ? ut_status_text(status) : "not reaped");
    if (got != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 5)
        _exit(1);
}

/* Runs fn in a child process; fails if it does not exit 0 within WATCH_MS. */
static void watched(const char *what, void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status = 0;
    long deadline = now_ms() + WATCH_MS;
    pid_t got;
    while ((got = wait4(pid, &status, WNOHANG, NULL)) == 0 && now_ms() < deadline)
        pause_ms(10);
    if (got == 0) {
        kill(pid, SIGKILL);
        wait4(pid, &status, 0, NULL);
        printf("%s: did not finish in %d s\n", what, WATCH_MS / 1000);
        ut_failures++;
        return;
    }
    printf("%s: %s\n", what, ut_status_text(status));
    CHECK(got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    ut_start();
    watched("CLONE_THREAD | CLONE_VFORK", vfork_thread_case);
    watched("vfork", plain_vfork_case);
    watched("CLONE_VFORK, first thread exits", first_thread_exits_case);
    return ut_finish("test_vfork_thread");
}

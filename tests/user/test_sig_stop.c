/*
 * Stop and continue: SIGSTOP (and SIGTSTP, SIGTTIN, SIGTTOU without a
 * handler) stop every thread of a process, which wait4(WUNTRACED) reports
 * once as "stopped by S"; SIGCONT continues it, reported once to
 * wait4(WCONTINUED); a stopped process makes no progress and can still be
 * killed; SIGCONT runs its handler after continuing; SIGTSTP with a
 * handler runs it instead of stopping; a stop signal sent to a stopped
 * process's pending SIGCONT discards it, and the reverse. Each child is in
 * a process group of its own, as a shell's job is: SIGTSTP does nothing
 * to an orphaned group (one no parent in the session outside it can
 * continue), and the test's own group may be one (on prune it is PID 1's).
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <time.h>

/* Counters in shared memory: each thread of the child bumps its own. */
struct shared {
    atomic_long count[2];
    atomic_int cont_calls;
    atomic_int tstp_calls;
    atomic_int ready;     /* the child has set its handlers */
};
static struct shared *sh;

static void *count_forever(void *arg)
{
    atomic_long *c = arg;
    for (;;)
        atomic_fetch_add(c, 1);
    return NULL;
}

static void on_cont(int sig)
{
    (void)sig;
    atomic_fetch_add(&sh->cont_calls, 1);
}

/* fork() with the child in a group of its own (both sides set it, as a
 * shell does, so neither has to wait for the other). */
static pid_t fork_job(void)
{
    pid_t child = fork();
    if (child == 0)
        setpgid(0, 0);
    else if (child > 0)
        setpgid(child, child);
    return child;
}

static pid_t two_thread_counter(void)
{
    pid_t child = fork_job();
    if (child == 0) {
        signal(SIGCONT, on_cont);
        pthread_t t;
        pthread_create(&t, NULL, count_forever, &sh->count[1]);
        count_forever(&sh->count[0]);
    }
    return child;
}

static const char *wait_text(int status)
{
    static char text[48];
    if (WIFSTOPPED(status))
        snprintf(text, sizeof(text), "stopped by signal %d", WSTOPSIG(status));
    else if (WIFCONTINUED(status))
        snprintf(text, sizeof(text), "continued");
    else
        return ut_status_text(status);
    return text;
}

static int counting(void)
{
    long a = atomic_load(&sh->count[0]), b = atomic_load(&sh->count[1]);
    pause_ms(100);
    return atomic_load(&sh->count[0]) != a && atomic_load(&sh->count[1]) != b;
}

static void stop_and_continue(void)
{
    pid_t child = two_thread_counter();
    while (!atomic_load(&sh->count[1]))
        pause_ms(1);
    CHECK(counting());
    kill(child, SIGSTOP);
    int status;
    pid_t r = waitpid(child, &status, WUNTRACED);
    printf("SIGSTOP: %s\n", r == child ? wait_text(status) : "?");
    CHECK(r == child && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    int moving = counting();
    printf("both threads stopped: %s\n", moving ? "no" : "yes");
    CHECK(!moving);
    r = waitpid(child, &status, WUNTRACED | WNOHANG);
    printf("reported once: %s\n", r == 0 ? "yes" : "no");
    CHECK(r == 0);

    kill(child, SIGCONT);
    r = waitpid(child, &status, WCONTINUED);
    printf("SIGCONT: %s\n", r == child ? wait_text(status) : "?");
    CHECK(r == child && WIFCONTINUED(status));
    int again = counting();
    printf("counting again: %s, SIGCONT's handler ran: %s\n", again ? "yes" : "no",
           atomic_load(&sh->cont_calls) == 1 ? "yes" : "no");
    CHECK(again && atomic_load(&sh->cont_calls) == 1);
    r = waitpid(child, &status, WCONTINUED | WNOHANG);
    printf("reported once: %s\n", r == 0 ? "yes" : "no");
    CHECK(r == 0);

    kill(child, SIGTSTP);
    r = waitpid(child, &status, WUNTRACED);
    printf("SIGTSTP without a handler: %s\n", r == child ? wait_text(status) : "?");
    CHECK(r == child && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP);
    kill(child, SIGKILL);
    r = waitpid(child, &status, 0);
    printf("SIGKILL while stopped: %s\n", r == child ? wait_text(status) : "?");
    CHECK(r == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void on_tstp(int sig)
{
    (void)sig;
    atomic_fetch_add(&sh->tstp_calls, 1);
}

static void handled_stops(void)
{
    pid_t child = fork_job();
    if (child == 0) {
        signal(SIGTSTP, on_tstp);
        signal(SIGTTIN, SIG_IGN);
        atomic_store(&sh->ready, 1);
        for (;;)
            pause();
    }
    while (!atomic_load(&sh->ready))
        pause_ms(1);
    kill(child, SIGTSTP);
    kill(child, SIGTTIN);
    pause_ms(100);
    int status;
    pid_t r = waitpid(child, &status, WUNTRACED | WNOHANG);
    printf("SIGTSTP with a handler, SIGTTIN ignored: stopped %s, handler ran %d time\n",
           r == 0 ? "no" : "yes", atomic_load(&sh->tstp_calls));
    CHECK(r == 0 && atomic_load(&sh->tstp_calls) == 1);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

/* A stopped process that gets SIGSTOP again stays stopped until SIGCONT,
 * which drops that pending stop: it stays running. */
static void pending_rules(void)
{
    pid_t child = fork_job();
    if (child == 0) {
        for (;;)
            pause();
    }
    kill(child, SIGSTOP);
    int status;
    waitpid(child, &status, WUNTRACED);
    kill(child, SIGSTOP);
    kill(child, SIGCONT);
    pid_t r = waitpid(child, &status, WCONTINUED);
    printf("stopped, SIGSTOP again, then SIGCONT: %s\n", r == child ? wait_text(status) : "?");
    CHECK(r == child && WIFCONTINUED(status));
    pause_ms(50);
    r = waitpid(child, &status, WUNTRACED | WNOHANG);
    printf("and it stays running: %s\n", r == 0 ? "yes" : "no");
    CHECK(r == 0);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

int main(void)
{
    ut_start();
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    stop_and_continue();
    handled_stops();
    pending_rules();
    return ut_finish("test_sig_stop");
}

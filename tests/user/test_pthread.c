/*
 * Threads (musl's pthread_create: clone with CLONE_VM|CLONE_THREAD|
 * CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID): 4 threads wait on a
 * condition variable for a start signal, then add to a counter under a mutex;
 * the main thread waits on a second condition variable until all are done and
 * joins them. Each thread has its own TLS and thread id, and one process id.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#define NTHREADS 4
#define ADDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int started;  /* guarded by lock: the start signal was given */
static int finished; /* guarded by lock: threads that did all their adds */
static long counter; /* guarded by lock */
static __thread int my_index = -1; /* TLS: every thread has its own */

struct thread_info {
    int index;
    pid_t tid;
    pid_t pid;
    int tls_ok;
};

static void *worker(void *arg)
{
    struct thread_info *info = arg;
    my_index = info->index;
    info->tid = syscall(SYS_gettid);
    info->pid = getpid();

    pthread_mutex_lock(&lock);
    while (!started)
        pthread_cond_wait(&start_cond, &lock);
    pthread_mutex_unlock(&lock);

    for (int i = 0; i < ADDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        if (i % 1000 == 0)
            sched_yield();
    }
    info->tls_ok = my_index == info->index;

    pthread_mutex_lock(&lock);
    finished++;
    pthread_cond_signal(&done_cond);
    pthread_mutex_unlock(&lock);
    return info;
}

int main(void)
{
    ut_start();
    pthread_t threads[NTHREADS];
    struct thread_info info[NTHREADS];
    my_index = 99;
    for (int i = 0; i < NTHREADS; i++) {
        info[i] = (struct thread_info){ .index = i };
        CHECK(pthread_create(&threads[i], NULL, worker, &info[i]) == 0);
    }

    pthread_mutex_lock(&lock);
    started = 1;
    pthread_cond_broadcast(&start_cond);
    while (finished < NTHREADS)
        pthread_cond_wait(&done_cond, &lock);
    long total = counter;
    pthread_mutex_unlock(&lock);

    for (int i = 0; i < NTHREADS; i++) {
        void *ret = NULL;
        CHECK(pthread_join(threads[i], &ret) == 0);
        CHECK(ret == &info[i]);
        CHECK(info[i].tls_ok);
        CHECK(info[i].pid == getpid());
        CHECK(info[i].tid != getpid());
        for (int j = 0; j < i; j++)
            CHECK(info[i].tid != info[j].tid);
    }
    CHECK(my_index == 99);
    printf("%d threads, counter %ld (expected %d)\n", NTHREADS, total, NTHREADS * ADDS);
    CHECK(total == NTHREADS * ADDS);
    return ut_finish("test_pthread");
}

/*
 * The out-of-memory killer chooses the process that holds the memory, not
 * the one that asks: a child (the hog) takes nearly all free memory and
 * sleeps; then this process asks for more than is left. The hog must die
 * of SIGKILL and this process must get its memory and go on. Twice: with
 * one thread asking, then with four faulting at once, whose decisions must
 * not kill more than the hog either.
 * Not run on the host: the hog would fill the host's memory.
 */
/* prune-test: prune-only */
/* prune-test: deterministic-output */
#include "ut.h"
#include "proc_time.h"

#include <pthread.h>
#include <sys/mman.h>

#define PG 4096ul
#define THREADS 4

/* The hog stops taking memory once MemFree is below this share of
 * MemTotal (checked every 64 pages): well above the kernel's reserve (1/128
 * of RAM) and what 16 CPUs' frame caches hold, which MemFree counts as
 * free (2 MiB), below what the test then asks for. */
#define HOG_LEAVES_DIVISOR 16

static volatile int *hog_ready;

static void hog(void *arg)
{
    (void)arg;
    long total_kb = proc_kb("/proc/meminfo", "MemTotal");
    char *a = mmap(NULL, 1ul << 39, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    for (unsigned long off = 0, n = 0;; off += PG, n++) {
        if (n % 64 == 0 && proc_kb("/proc/meminfo", "MemFree") < total_kb / HOG_LEAVES_DIVISOR)
            break;
        a[off] = 1;
    }
    *hog_ready = 1;
    for (;;) {
        struct timespec second = {1, 0};
        nanosleep(&second, NULL);
    }
}

struct toucher {
    char *base;
    unsigned long bytes;
};

static void *touch(void *arg)
{
    struct toucher *t = arg;
    for (unsigned long off = 0; off < t->bytes; off += PG)
        t->base[off] = 1;
    return NULL;
}

/* One round: a new hog, then 'threads' threads that together ask for more
 * than is free. */
static void round_with(int threads)
{
    *hog_ready = 0;
    pid_t pid = fork();
    if (pid == 0) {
        hog(NULL);
        _exit(0);
    }
    int status = 0;
    while (!*hog_ready) {
        struct timespec ms10 = {0, 10 * 1000 * 1000};
        nanosleep(&ms10, NULL);
        if (waitpid(pid, &status, WNOHANG) == pid) {
            printf("FAIL the hog ended before it was ready: %s\n", ut_status_text(status));
            ut_failures++;
            return;
        }
    }
    printf("%d thread(s): the hog holds nearly all memory\n", threads);

    /* More than is free, less than the hog holds: only its death makes room. */
    unsigned long each = ((unsigned long)proc_kb("/proc/meminfo", "MemFree") * 1024 + (8ul << 20)) /
                         (unsigned long)threads;
    struct toucher t[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < threads; i++) {
        t[i].bytes = each;
        t[i].base = mmap(NULL, each, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(t[i].base != MAP_FAILED);
        CHECK(pthread_create(&th[i], NULL, touch, &t[i]) == 0);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    printf("%d thread(s): this process got more than was free\n", threads);

    CHECK(waitpid(pid, &status, 0) == pid);
    printf("%d thread(s): the hog: %s\n", threads, ut_status_text(status));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    for (int i = 0; i < threads; i++)
        munmap(t[i].base, each);
}

int main(void)
{
    ut_start();
    hog_ready = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(hog_ready != MAP_FAILED);
    round_with(1);
    round_with(THREADS);
    return ut_finish("test_oom_victim");
}

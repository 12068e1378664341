/*
 * fork and copy-on-write, 8 rounds: after fork, parent and child each write
 * their own pattern over shared-looking private memory (a global array, the
 * heap, the stack) and each must see only its own writes; pages one side
 * never wrote keep what they held at fork. Each round's child forks a
 * grandchild once more, so pages are shared three ways.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <time.h>

#define PG 4096
#define NPAGES 8
#define ROUNDS 8

static char global_pages[NPAGES * PG]; /* .bss */

/* True if every byte of page i of buf is value. */
static int page_is(const char *buf, int i, char value)
{
    for (int j = 0; j < PG; j++)
        if (buf[i * PG + j] != value)
            return 0;
    return 1;
}

static void fill_pages(char *buf, int first, int step, char value)
{
    for (int i = first; i < NPAGES; i += step)
        memset(buf + i * PG, value, PG);
}

static void pause_briefly(void)
{
    struct timespec ts = { 0, 2 * 1000 * 1000 };
    nanosleep(&ts, NULL);
}

/*
 * In a child: writes value over the even pages of each buffer, gives the
 * parent time to write its own, then checks that even pages hold value and odd
 * pages still hold before (what they held at fork). Returns the number of
 * wrong pages.
 */
static int child_side(char **bufs, int nbufs, char value, char before)
{
    for (int b = 0; b < nbufs; b++)
        fill_pages(bufs[b], 0, 2, value);
    pause_briefly();
    int wrong = 0;
    for (int b = 0; b < nbufs; b++)
        for (int i = 0; i < NPAGES; i++)
            wrong += !page_is(bufs[b], i, i % 2 ? before : value);
    return wrong;
}

static int run_round(int round, char **bufs, int nbufs)
{
    char before = 'A' + round;
    for (int b = 0; b < nbufs; b++)
        fill_pages(bufs[b], 0, 1, before);

    pid_t pid = fork();
    if (pid == 0) {
        int wrong = child_side(bufs, nbufs, 'a' + round, before);
        /* The grandchild sees the child's memory as it is now. */
        pid_t grandchild = fork();
        if (grandchild == 0)
            _exit(child_side(bufs, nbufs, '0' + round, before) ? 1 : 0);
        int status = 0;
        wait4(grandchild, &status, 0, NULL);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            wrong++;
        /* The grandchild's writes did not reach the child either. */
        for (int b = 0; b < nbufs; b++)
            for (int i = 0; i < NPAGES; i += 2)
                wrong += !page_is(bufs[b], i, 'a' + round);
        _exit(wrong ? 1 : 0);
    }
    CHECK(pid > 0);
    /* The parent writes every page while the child works on its copy. */
    for (int b = 0; b < nbufs; b++)
        fill_pages(bufs[b], 0, 1, 'P');
    int status = 0;
    CHECK(wait4(pid, &status, 0, NULL) == pid);
    int wrong = 0;
    for (int b = 0; b < nbufs; b++)
        for (int i = 0; i < NPAGES; i++)
            wrong += !page_is(bufs[b], i, 'P');
    printf("round %d: child %s, parent's pages %s\n", round, ut_status_text(status),
           wrong ? "changed by the child" : "its own");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && !wrong;
}

int main(void)
{
    ut_start();
    char stack_pages[NPAGES * PG];
    char *heap_pages = malloc(NPAGES * PG);
    CHECK(heap_pages != NULL);
    char *bufs[] = { global_pages, heap_pages, stack_pages };
    for (int round = 0; round < ROUNDS; round++)
        CHECK(run_round(round, bufs, 3));
    free(heap_pages);
    return ut_finish("test_fork_cow");
}

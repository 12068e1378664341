/*
 * sigaltstack: a handler installed with SA_ONSTACK runs on the alternate
 * stack (and sees SS_ONSTACK there, and EPERM if it tries to change it),
 * one without runs on the normal stack; a stack overflow's SIGSEGV can
 * only be handled there; SS_AUTODISARM disarms the stack while a handler
 * runs on it (which may then set another) and rt_sigreturn arms it again;
 * sizes below MINSIGSTKSZ give ENOMEM, unknown flags EINVAL.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <stdint.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

#define ALT_SIZE (64 * 1024)

static char *alt, *alt2;
static volatile int on_alt, flags_inside, change_errno;

static void on_usr1(int sig)
{
    (void)sig;
    char here;
    on_alt = &here >= alt && &here < alt + ALT_SIZE;
    stack_t now;
    sigaltstack(NULL, &now);
    flags_inside = now.ss_flags;
    stack_t other = {.ss_sp = alt2, .ss_size = ALT_SIZE, .ss_flags = 0};
    change_errno = sigaltstack(&other, NULL) < 0 ? errno : 0;
}

static void install(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void basics(void)
{
    alt = malloc(ALT_SIZE);
    alt2 = malloc(ALT_SIZE);
    stack_t ss = {.ss_sp = alt, .ss_size = 1024, .ss_flags = 0};
    EXPECT_ERRNO("sigaltstack of 1 KiB", sigaltstack(&ss, NULL), ENOMEM);
    ss.ss_size = ALT_SIZE;
    ss.ss_flags = 0x40;
    EXPECT_ERRNO("sigaltstack with flag 0x40", sigaltstack(&ss, NULL), EINVAL);
    ss.ss_flags = 0;
    EXPECT_ERRNO("sigaltstack of 64 KiB", sigaltstack(&ss, NULL), 0);
    stack_t old;
    sigaltstack(NULL, &old);
    printf("read back: same address and size %s, flags %d\n",
           old.ss_sp == alt && old.ss_size == ALT_SIZE ? "yes" : "no", old.ss_flags);
    CHECK(old.ss_sp == alt && old.ss_size == ALT_SIZE && old.ss_flags == 0);

    install(SIGUSR1, on_usr1, SA_ONSTACK);
    raise(SIGUSR1);
    printf("SA_ONSTACK: on the alternate stack %s, ss_flags SS_ONSTACK %s, changing it: %s\n",
           on_alt ? "yes" : "no", flags_inside == SS_ONSTACK ? "yes" : "no",
           ut_errname(change_errno));
    CHECK(on_alt && flags_inside == SS_ONSTACK && change_errno == EPERM);

    install(SIGUSR1, on_usr1, 0);
    raise(SIGUSR1);
    printf("without SA_ONSTACK: on the alternate stack %s\n", on_alt ? "yes" : "no");
    CHECK(!on_alt && change_errno == 0);

    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    printf("SS_DISABLE: flags SS_DISABLE %s\n", old.ss_flags == SS_DISABLE ? "yes" : "no");
    CHECK(old.ss_flags == SS_DISABLE);
}

static void autodisarm(void)
{
    stack_t ss = {.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = (int)SS_AUTODISARM};
    CHECK(sigaltstack(&ss, NULL) == 0);
    install(SIGUSR1, on_usr1, SA_ONSTACK);
    raise(SIGUSR1);
    stack_t after;
    sigaltstack(NULL, &after);
    printf("SS_AUTODISARM: on it %s, disarmed inside (SS_DISABLE) %s, changing it inside %s, "
           "armed again after %s\n",
           on_alt ? "yes" : "no", flags_inside == SS_DISABLE ? "yes" : "no",
           change_errno ? ut_errname(change_errno) : "ok",
           after.ss_sp == alt && (unsigned)after.ss_flags == SS_AUTODISARM ? "yes" : "no");
    CHECK(on_alt && flags_inside == SS_DISABLE && change_errno == 0 && after.ss_sp == alt &&
          (unsigned)after.ss_flags == SS_AUTODISARM);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
}

/* A stack overflow's SIGSEGV: the handler runs on the alternate stack. */
static void on_overflow(int sig)
{
    (void)sig;
    _exit(42);
}

static volatile int depth_limit = 1 << 30; /* never reached: the stack ends first */

static int recurse(volatile char *above, int depth)
{
    volatile char frame[4096];
    frame[0] = above ? above[0] + 1 : 0;
    if (depth >= depth_limit)
        return frame[0];
    return recurse(frame, depth + 1) + frame[1];
}

static void overflow(void *arg)
{
    (void)arg;
    stack_t ss = {.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    install(SIGSEGV, on_overflow, SA_ONSTACK);
    recurse(NULL, 0);
}

static void overflow_nowhere(void *arg)
{
    (void)arg;
    install(SIGSEGV, on_overflow, 0);
    recurse(NULL, 0);
}

static void stack_overflow(void)
{
    int status = ut_run_child(overflow, NULL);
    printf("stack overflow with an alternate stack: %s\n", ut_status_text(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
    ut_expect_killed("stack overflow without one", overflow_nowhere, NULL, SIGSEGV);
}

int main(void)
{
    ut_start();
    basics();
    autodisarm();
    stack_overflow();
    return ut_finish("test_sigaltstack");
}

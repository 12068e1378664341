/*
 * Faults as signals: a SIGSEGV handler gets si_addr (the address touched)
 * and si_code (SEGV_MAPERR where nothing is mapped, SEGV_ACCERR where the
 * mapping forbids the access), the trap number, error code and address in
 * its ucontext, and leaves with siglongjmp; a handler that makes the page
 * accessible and returns lets the access run again. Division by zero
 * (SIGFPE, FPE_INTDIV), ud2 (SIGILL, ILL_ILLOPN), int3 (SIGTRAP) and a
 * non-canonical address (SIGSEGV from #GP) report Linux's codes and
 * addresses. A fault whose signal is blocked (inside its own handler) or
 * ignored kills the process.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

#define PG 4096

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void *volatile got_addr;
static volatile long got_rip, got_trapno, got_err, got_cr2;
static volatile int fix_page; /* the handler makes fix_at writable and returns */
static char *volatile fix_at;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    got_rip = uc->uc_mcontext.gregs[REG_RIP];
    got_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    got_err = uc->uc_mcontext.gregs[REG_ERR];
    got_cr2 = uc->uc_mcontext.gregs[REG_CR2];
    if (fix_page) {
        fix_page = 0;
        mprotect((void *)((uintptr_t)fix_at & ~(uintptr_t)(PG - 1)), PG, PROT_READ | PROT_WRITE);
        return;
    }
    siglongjmp(env, 1);
}

static void install(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static const char *code_name(int sig, int code)
{
    if (code == SI_KERNEL)
        return "SI_KERNEL";
    if (sig == SIGSEGV)
        return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGFPE)
        return code == FPE_INTDIV ? "FPE_INTDIV" : "?";
    if (sig == SIGILL)
        return code == ILL_ILLOPN ? "ILL_ILLOPN" : "?";
    return "?";
}

/* Touches p (a write if 'write') and reports the signal it gave. */
static void touch(const char *what, volatile char *p, int write, int want_code)
{
    got_sig = 0;
    if (sigsetjmp(env, 1) == 0) {
        if (write)
            *p = 1;
        else
            (void)*p;
    }
    int addr_ok = got_addr == (void *)p && got_cr2 == (long)p && got_trapno == 14 &&
                  !!(got_err & 2) == !!write;
    printf("%s: %s %s, si_addr and cr2 %s\n", what, got_sig == SIGSEGV ? "SIGSEGV" : "nothing",
           code_name(got_sig, got_code), addr_ok ? "right" : "wrong");
    CHECK(got_sig == SIGSEGV && got_code == want_code && addr_ok);
}

static void segv(void)
{
    install(SIGSEGV, 0);
    /* pages: read-write, read-only, a hole, read-write (so nothing mapped
     * later lands in the hole) */
    char *none = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *map = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(map != MAP_FAILED && none != MAP_FAILED);
    munmap(map + 2 * PG, PG);
    mprotect(map + PG, PG, PROT_READ);
    touch("write to an unmapped page", map + 2 * PG + 5, 1, SEGV_MAPERR);
    touch("read of an unmapped page", map + 2 * PG + 7, 0, SEGV_MAPERR);
    touch("write to a read-only page", map + PG + 9, 1, SEGV_ACCERR);
    touch("read of a PROT_NONE page", none + 11, 0, SEGV_ACCERR);
    touch("read of a kernel address", (char *)0xffffffff80000000ul, 0, SEGV_MAPERR);

    fix_at = map + PG + 100;
    fix_page = 1;
    got_sig = 0;
    *fix_at = 42;
    printf("a handler that mprotects the page and returns: the write %s\n",
           *fix_at == 42 && got_sig == SIGSEGV ? "ran again and stuck" : "failed");
    CHECK(*fix_at == 42 && got_sig == SIGSEGV);

    got_sig = 0;
    if (sigsetjmp(env, 1) == 0)
        (void)*(volatile char *)0x8000000000000000ul;
    printf("a non-canonical address: %s %s, si_addr %s\n", got_sig == SIGSEGV ? "SIGSEGV" : "?",
           code_name(got_sig, got_code), got_addr ? "set" : "0");
    CHECK(got_sig == SIGSEGV && got_code == SI_KERNEL && !got_addr);
}

static volatile int zero;

static void other_faults(void)
{
    install(SIGFPE, 0);
    got_sig = 0;
    if (sigsetjmp(env, 1) == 0)
        zero = 10 / zero;
    printf("divide by zero: %s %s, si_addr is the rip: %s\n", got_sig == SIGFPE ? "SIGFPE" : "?",
           code_name(got_sig, got_code), got_addr == (void *)got_rip ? "yes" : "no");
    CHECK(got_sig == SIGFPE && got_code == FPE_INTDIV && got_addr == (void *)got_rip);

    install(SIGILL, 0);
    got_sig = 0;
    if (sigsetjmp(env, 1) == 0)
        __asm__ volatile("ud2");
    printf("ud2: %s %s, si_addr is the rip: %s\n", got_sig == SIGILL ? "SIGILL" : "?",
           code_name(got_sig, got_code), got_addr == (void *)got_rip ? "yes" : "no");
    CHECK(got_sig == SIGILL && got_code == ILL_ILLOPN && got_addr == (void *)got_rip);

    install(SIGTRAP, 0);
    got_sig = 0;
    if (sigsetjmp(env, 1) == 0)
        __asm__ volatile("int3");
    printf("int3: %s %s, trap number %ld\n", got_sig == SIGTRAP ? "SIGTRAP" : "?",
           code_name(got_sig, got_code), got_trapno);
    CHECK(got_sig == SIGTRAP && got_code == SI_KERNEL && got_trapno == 3);
}

/* An address nothing maps (the compiler cannot see it is NULL + 16). */
static char *volatile low_address = (char *)16;

/* A SIGSEGV handler that faults again: SIGSEGV is blocked in it. */
static void fault_in_handler(int sig)
{
    (void)sig;
    *low_address = 1;
}

static void fault_while_blocked(void *arg)
{
    (void)arg;
    signal(SIGSEGV, fault_in_handler);
    *low_address = 1;
}

static void fault_while_ignored(void *arg)
{
    (void)arg;
    signal(SIGSEGV, SIG_IGN);
    *low_address = 1;
}

static void fault_masked(void *arg)
{
    (void)arg;
    signal(SIGFPE, fault_in_handler);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGFPE);
    sigprocmask(SIG_BLOCK, &set, NULL);
    zero = 10 / zero;
}

static void fatal(void)
{
    ut_expect_killed("a fault in the SIGSEGV handler", fault_while_blocked, NULL, SIGSEGV);
    ut_expect_killed("a fault with SIGSEGV ignored", fault_while_ignored, NULL, SIGSEGV);
    ut_expect_killed("divide by zero with SIGFPE blocked", fault_masked, NULL, SIGFPE);
}

int main(void)
{
    ut_start();
    segv();
    other_faults();
    fatal();
    return ut_finish("test_sig_segv");
}

/*
 * clone(CLONE_SETTLS) refuses a TLS base outside user space with EPERM, as
 * arch_prctl(ARCH_SET_FS) does (Linux: "tls >= TASK_SIZE_MAX"): such a base
 * would be loaded into the FS base MSR by the scheduler, and a
 * non-canonical one faults in kernel mode on real hardware. A base just
 * below the end of user space is taken. The child (a new process, no new
 * stack) exits at once without touching its TLS.
 * usage: test_clone_settls [BASE-HEX]: one more base to try (not checked).
 */
/* prune-test: deterministic-output */
/* prune-test: soak-args: */
#include "ut.h"

#include <sys/syscall.h>

#define CLONE_SETTLS 0x00080000ul
#define ARCH_SET_FS 0x1002

/* Raw clone(CLONE_SETTLS | SIGCHLD) with 'tls'; the child calls exit(0) at
 * once. Returns the raw result (pid, or -errno); reaps the child. */
static long clone_with_tls(unsigned long tls)
{
    register unsigned long r8 __asm__("r8") = tls;
    register unsigned long r10 __asm__("r10") = 0;
    long r;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "mov $60, %%eax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n\t"
                     "1:"
                     : "=a"(r)
                     : "a"((long)SYS_clone), "D"(CLONE_SETTLS | SIGCHLD), "S"(0ul), "d"(0ul),
                       "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    if (r > 0) {
        int status = 0;
        if (wait4((pid_t)r, &status, 0, NULL) != r || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            printf("FAIL: child with tls %#lx: %s\n", tls, ut_status_text(status));
            ut_failures++;
        }
    }
    return r;
}

/* Checks clone with 'tls' gives -want (0: a child). */
static void expect_clone(const char *what, unsigned long tls, int want)
{
    long r = clone_with_tls(tls);
    ut_expect_errno(what, r > 0 ? 0 : -1, r > 0 ? 0 : (int)-r, want);
}

int main(int argc, char **argv)
{
    ut_start();
    expect_clone("clone tls 0x8000000000000000 (non-canonical)", 0x8000000000000000ul, EPERM);
    expect_clone("clone tls 0xffff800000000000 (kernel half)", 0xffff800000000000ul, EPERM);
    expect_clone("clone tls 0xfffffffffffff000", 0xfffffffffffff000ul, EPERM);
    expect_clone("clone tls 0x7ffffffff000 (end of user space)", 0x7ffffffff000ul, EPERM);
    expect_clone("clone tls 0x7fffffffefff", 0x7fffffffefffl, 0);
    expect_clone("clone tls 0", 0, 0);
    EXPECT_ERRNO("arch_prctl(ARCH_SET_FS, 0x8000000000000000)",
                 syscall(SYS_arch_prctl, ARCH_SET_FS, 0x8000000000000000ul), EPERM);
    EXPECT_ERRNO("arch_prctl(ARCH_SET_FS, 0x7ffffffff000)",
                 syscall(SYS_arch_prctl, ARCH_SET_FS, 0x7ffffffff000ul), EPERM);
    if (argc > 1) {
        unsigned long tls = strtoul(argv[1], NULL, 16);
        long r = clone_with_tls(tls);
        printf("# clone with tls %#lx: %s\n", tls, r > 0 ? "a child" : ut_errname((int)-r));
    }
    return ut_finish("test_clone_settls");
}

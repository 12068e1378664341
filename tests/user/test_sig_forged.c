/*
 * rt_sigreturn with a forged frame kills the process with SIGSEGV, never
 * the kernel: a handler that puts a non-canonical rip, the kernel's code
 * segment or a kernel stack segment in its ucontext; a frame on an
 * unmapped page; an FPU image with MXCSR bits the CPU does not have. A
 * handler that grants itself IOPL 3 gets nothing (cli still faults), one
 * that sets the trap flag gets SIGTRAP after one instruction. And a frame
 * built by hand in Linux's layout (struct rt_sigframe) takes the process
 * where its rip says, with the registers it holds, on both kernels.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

enum forgery { RIP_NONCANONICAL, CS_KERNEL, SS_KERNEL, IOPL3, TRAP_FLAG, BAD_MXCSR };

static volatile int forgery;

static uint16_t user_segment(int ss)
{
    uint16_t sel;
    if (ss)
        __asm__ volatile("mov %%ss, %0" : "=r"(sel));
    else
        __asm__ volatile("mov %%cs, %0" : "=r"(sel));
    return sel;
}

static void forge(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    switch (forgery) {
    case RIP_NONCANONICAL:
        g[REG_RIP] = (greg_t)0x8000000000001000ull;
        break;
    case CS_KERNEL: /* REG_CSGSFS: cs, gs, fs, ss, 16 bits each */
        g[REG_CSGSFS] = (g[REG_CSGSFS] & ~0xffffll) | 0x08;
        break;
    case SS_KERNEL:
        g[REG_CSGSFS] = (g[REG_CSGSFS] & 0xffffffffffffll) | (0x10ll << 48);
        break;
    case IOPL3:
        g[REG_EFL] |= 0x3000;
        break;
    case TRAP_FLAG:
        g[REG_EFL] |= 0x100;
        break;
    case BAD_MXCSR:
        uc->uc_mcontext.fpregs->mxcsr = 0xffffffff;
        break;
    }
}

/* In a child: install the forging handler, raise the signal, then (for
 * IOPL 3) try cli. Only IOPL3 and TRAP_FLAG come back from the handler. */
static void forged_child(void *arg)
{
    forgery = (int)(intptr_t)arg;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = forge;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    if (forgery == IOPL3)
        __asm__ volatile("cli");
    _exit(0);
}

/* rt_sigreturn with rsp on an unmapped page. */
static void unmapped_frame(void *arg)
{
    (void)arg;
    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page, 4096);
    __asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall" : : "r"(page + 2048) : "memory");
    _exit(0);
}

/* Where a hand-made frame returns: exit_group(0) if rax, rbx and r15 hold
 * what the frame said, else exit_group(1). */
__asm__(".globl forged_landing\n"
        "forged_landing:\n\t"
        "xor %edi, %edi\n\t"
        "cmp $1234, %rax\n\tjne 1f\n\t"
        "cmp $5678, %rbx\n\tjne 1f\n\t"
        "cmp $4321, %r15\n\tjne 1f\n\t"
        "jmp 2f\n"
        "1: mov $1, %edi\n"
        "2: mov $231, %eax\n\t"
        "syscall\n\t"
        "ud2\n");
void forged_landing(void);

/* Linux's x86_64 rt_sigframe, as far as this test fills it. */
struct frame {
    uint64_t pretcode;
    uint64_t uc_flags;
    uint64_t uc_link;
    uint64_t ss_sp;
    int32_t ss_flags, pad;
    uint64_t ss_size;
    uint64_t gregs[23]; /* r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags,
                           csgsfs, err, trapno, oldmask, cr2 */
    uint64_t fpstate;
    uint64_t reserved[8];
    uint64_t sigmask;
};
_Static_assert(offsetof(struct frame, gregs) == 48, "uc_mcontext at 8 + 40");
_Static_assert(offsetof(struct frame, sigmask) == 304, "uc_sigmask at 8 + 296");

static uint64_t landing_stack[512];

static void handmade_frame(void *arg)
{
    (void)arg;
    static struct frame f __attribute__((aligned(16)));
    memset(&f, 0, sizeof(f));
    f.uc_flags = 0x6; /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS */
    f.ss_flags = 2;   /* SS_DISABLE */
    f.gregs[7] = 4321;                                /* r15 */
    f.gregs[11] = 5678;                               /* rbx */
    f.gregs[13] = 1234;                               /* rax */
    f.gregs[15] = (uint64_t)&landing_stack[500];      /* rsp */
    f.gregs[16] = (uint64_t)forged_landing;           /* rip */
    f.gregs[17] = 0x202;                              /* eflags: IF */
    f.gregs[18] = user_segment(0) | (uint64_t)user_segment(1) << 48;
    f.fpstate = 0; /* the initial FPU state */
    __asm__ volatile("lea 8(%0), %%rsp\n\tmov $15, %%eax\n\tsyscall" : : "r"(&f) : "memory");
    _exit(2);
}

int main(void)
{
    ut_start();
    ut_expect_killed("a non-canonical rip", forged_child, (void *)RIP_NONCANONICAL, SIGSEGV);
    ut_expect_killed("the kernel's code segment", forged_child, (void *)CS_KERNEL, SIGSEGV);
    ut_expect_killed("the kernel's stack segment", forged_child, (void *)SS_KERNEL, SIGSEGV);
    ut_expect_killed("IOPL 3 in eflags, then cli", forged_child, (void *)IOPL3, SIGSEGV);
    ut_expect_killed("the trap flag in eflags", forged_child, (void *)TRAP_FLAG, SIGTRAP);
    ut_expect_killed("MXCSR 0xffffffff in the FPU image", forged_child, (void *)BAD_MXCSR, SIGSEGV);
    ut_expect_killed("a frame on an unmapped page", unmapped_frame, NULL, SIGSEGV);
    int status = ut_run_child(handmade_frame, NULL);
    printf("a hand-made frame in Linux's layout: %s\n", ut_status_text(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return ut_finish("test_sig_forged");
}

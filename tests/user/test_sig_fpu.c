/*
 * The FPU state survives a handler that uses the FPU: the SSE registers,
 * MXCSR and the x87 stack hold the values of the interrupted code after
 * the handler clobbered them all, whether the signal came at a system
 * call or in the middle of a loop; a handler starts with a clean MXCSR
 * (0x1f80, Linux gives handlers the initial FPU state); and a handler that
 * changes xmm0 in its frame's FPU image (uc_mcontext.fpregs) changes what
 * the interrupted code finds, since rt_sigreturn loads that image.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>

static volatile unsigned handler_mxcsr;
static volatile int edit_frame;

/* Clobbers every SSE register, MXCSR and the x87 stack. */
static void clobber_fpu(void)
{
    unsigned mxcsr = 0x7f80; /* round toward zero, all exceptions masked */
    __asm__ volatile("ldmxcsr %0\n\t"
                     "pcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\t"
                     "pcmpeqd %%xmm2, %%xmm2\n\tpcmpeqd %%xmm3, %%xmm3\n\t"
                     "pcmpeqd %%xmm4, %%xmm4\n\tpcmpeqd %%xmm5, %%xmm5\n\t"
                     "pcmpeqd %%xmm6, %%xmm6\n\tpcmpeqd %%xmm7, %%xmm7\n\t"
                     "pcmpeqd %%xmm8, %%xmm8\n\tpcmpeqd %%xmm9, %%xmm9\n\t"
                     "pcmpeqd %%xmm10, %%xmm10\n\tpcmpeqd %%xmm11, %%xmm11\n\t"
                     "pcmpeqd %%xmm12, %%xmm12\n\tpcmpeqd %%xmm13, %%xmm13\n\t"
                     "pcmpeqd %%xmm14, %%xmm14\n\tpcmpeqd %%xmm15, %%xmm15\n\t"
                     "fninit\n\tfldpi\n\tfldpi\n\tfldpi"
                     :
                     : "m"(mxcsr)
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
                       "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
}

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    handler_mxcsr = m;
    clobber_fpu();
    if (edit_frame) {
        ucontext_t *uc = ucv;
        uc->uc_mcontext.fpregs->_xmm[0].element[0] = 0x600dbeef;
    }
}

/* The values the interrupted code keeps: xmm_i = i * 0x01010101 in every
 * lane, MXCSR 0x3f80 (round down), 1.0 and 2.0 on the x87 stack. */
uint32_t fpu_out[16 * 4];
unsigned fpu_out_mxcsr;
double fpu_out_x87[2];

/* Loads the values, runs 'body' (assembly that may be interrupted), then
 * stores what the registers hold. */
#define WITH_FPU_VALUES(body, ...)                                                         \
    do {                                                                                   \
        unsigned mx_ = 0x3f80;                                                             \
        __asm__ volatile("ldmxcsr %[mx]\n\t"                                               \
                         "fninit\n\tfld1\n\tfld1\n\tfadd %%st(0), %%st(0)\n\t"             \
                         "mov $0x01010101, %%eax\n\t"                                      \
                         "movd %%eax, %%xmm1\n\tpshufd $0, %%xmm1, %%xmm1\n\t"             \
                         "pxor %%xmm0, %%xmm0\n\t"                                         \
                         "movdqa %%xmm1, %%xmm2\n\tpaddd %%xmm1, %%xmm2\n\t"               \
                         "movdqa %%xmm2, %%xmm3\n\tpaddd %%xmm1, %%xmm3\n\t"               \
                         "movdqa %%xmm3, %%xmm4\n\tpaddd %%xmm1, %%xmm4\n\t"               \
                         "movdqa %%xmm4, %%xmm5\n\tpaddd %%xmm1, %%xmm5\n\t"               \
                         "movdqa %%xmm5, %%xmm6\n\tpaddd %%xmm1, %%xmm6\n\t"               \
                         "movdqa %%xmm6, %%xmm7\n\tpaddd %%xmm1, %%xmm7\n\t"               \
                         "movdqa %%xmm7, %%xmm8\n\tpaddd %%xmm1, %%xmm8\n\t"               \
                         "movdqa %%xmm8, %%xmm9\n\tpaddd %%xmm1, %%xmm9\n\t"               \
                         "movdqa %%xmm9, %%xmm10\n\tpaddd %%xmm1, %%xmm10\n\t"             \
                         "movdqa %%xmm10, %%xmm11\n\tpaddd %%xmm1, %%xmm11\n\t"            \
                         "movdqa %%xmm11, %%xmm12\n\tpaddd %%xmm1, %%xmm12\n\t"            \
                         "movdqa %%xmm12, %%xmm13\n\tpaddd %%xmm1, %%xmm13\n\t"            \
                         "movdqa %%xmm13, %%xmm14\n\tpaddd %%xmm1, %%xmm14\n\t"            \
                         "movdqa %%xmm14, %%xmm15\n\tpaddd %%xmm1, %%xmm15\n\t"            \
                         body                                                              \
                         "lea fpu_out(%%rip), %%rax\n\t"                                   \
                         "movdqu %%xmm0, 0(%%rax)\n\tmovdqu %%xmm1, 16(%%rax)\n\t"         \
                         "movdqu %%xmm2, 32(%%rax)\n\tmovdqu %%xmm3, 48(%%rax)\n\t"        \
                         "movdqu %%xmm4, 64(%%rax)\n\tmovdqu %%xmm5, 80(%%rax)\n\t"        \
                         "movdqu %%xmm6, 96(%%rax)\n\tmovdqu %%xmm7, 112(%%rax)\n\t"       \
                         "movdqu %%xmm8, 128(%%rax)\n\tmovdqu %%xmm9, 144(%%rax)\n\t"      \
                         "movdqu %%xmm10, 160(%%rax)\n\tmovdqu %%xmm11, 176(%%rax)\n\t"    \
                         "movdqu %%xmm12, 192(%%rax)\n\tmovdqu %%xmm13, 208(%%rax)\n\t"    \
                         "movdqu %%xmm14, 224(%%rax)\n\tmovdqu %%xmm15, 240(%%rax)\n\t"    \
                         "stmxcsr fpu_out_mxcsr(%%rip)\n\t"                                \
                         "lea fpu_out_x87(%%rip), %%rax\n\t"                               \
                         "fstpl 0(%%rax)\n\tfstpl 8(%%rax)\n\t"                            \
                         "mov $0x1f80, %%eax\n\tmov %%eax, fpu_out_mxcsr+4(%%rip)\n\t"     \
                         "ldmxcsr fpu_out_mxcsr+4(%%rip)"                                  \
                         : __VA_ARGS__                                                     \
                         : [mx] "m"(mx_)                                                   \
                         : "rax", "rcx", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",    \
                           "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",       \
                           "xmm12", "xmm13", "xmm14", "xmm15", "memory");                  \
    } while (0)

/* The values kept: 0 if all are as loaded (xmm0 may be expected0). */
static int check_values(uint32_t expected0)
{
    int bad = 0;
    for (int i = 0; i < 16; i++)
        for (int lane = 0; lane < 4; lane++) {
            uint32_t want = i == 0 ? (lane == 0 ? expected0 : 0) : (uint32_t)i * 0x01010101u;
            bad |= fpu_out[i * 4 + lane] != want;
        }
    bad |= fpu_out_mxcsr != 0x3f80;
    bad |= fpu_out_x87[0] != 2.0 || fpu_out_x87[1] != 1.0;
    return bad;
}

static void at_syscall(void)
{
    long pid = getpid(), tid = syscall(SYS_gettid);
    register long rdi __asm__("rdi") = pid;
    register long rsi __asm__("rsi") = tid;
    register long rdx __asm__("rdx") = SIGUSR1;
    WITH_FPU_VALUES("mov $234, %%eax\n\tsyscall\n\t", "+r"(rdi), "+r"(rsi), "+r"(rdx));
    int bad = check_values(0);
    printf("a handler at a system call: the FPU state %s, the handler started with MXCSR %#x\n",
           bad ? "changed" : "kept", handler_mxcsr);
    CHECK(!bad && handler_mxcsr == 0x1f80);

    edit_frame = 1;
    rdi = pid;
    rsi = tid;
    rdx = SIGUSR1;
    WITH_FPU_VALUES("mov $234, %%eax\n\tsyscall\n\t", "+r"(rdi), "+r"(rsi), "+r"(rdx));
    edit_frame = 0;
    bad = check_values(0x600dbeef);
    printf("a handler that edits xmm0 in its frame: the interrupted code sees it: %s\n",
           bad ? "no" : "yes");
    CHECK(!bad);
}

static volatile int stop_flag;

static void on_stop(int sig, siginfo_t *si, void *uc)
{
    on_usr1(sig, si, uc);
    stop_flag++;
}

static void in_a_loop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_stop;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t me = getpid();
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < 400; i++) {
            pause_ms(5);
            kill(me, SIGUSR1);
        }
        _exit(0);
    }
    /* spins until 20 signals have interrupted it */
    WITH_FPU_VALUES("1: cmpl $20, stop_flag(%%rip)\n\tjl 1b\n\t", );
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    int bad = check_values(0);
    printf("20 handlers that interrupted a loop: the FPU state %s\n", bad ? "changed" : "kept");
    CHECK(!bad);
}

int main(void)
{
    ut_start();
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    at_syscall();
    in_a_loop();
    return ut_finish("test_sig_fpu");
}

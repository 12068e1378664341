/* The signal frame: built for a handler, read back by rt_sigreturn; see
 * arch/x86_64/sigframe.h. */
#include "arch/x86_64/sigframe.h"

#include <stddef.h>

#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/signal.h"
#include "lib/string.h"
#include "mm/layout.h"

#define RED_ZONE 128          /* below rsp, the System V ABI's scratch area */
#define FPSTATE_ALIGN 64      /* Linux aligns the FPU image for xsave */

/* uc_flags: sigcontext.ss is meaningful and restored as it is. */
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

/* rflags bits (Intel SDM vol. 1, 3.4.3). */
#define RF_CF (1ul << 0)
#define RF_PF (1ul << 2)
#define RF_AF (1ul << 4)
#define RF_ZF (1ul << 6)
#define RF_SF (1ul << 7)
#define RF_TF (1ul << 8)
#define RF_DF (1ul << 10)
#define RF_OF (1ul << 11)
#define RF_RF (1ul << 16)
#define RF_AC (1ul << 18)
/* The bits rt_sigreturn takes from the frame (Linux's FIX_EFLAGS); IF,
 * IOPL, NT, VM and the rest keep the values the kernel gave. */
#define RFLAGS_FROM_USER (RF_AC | RF_OF | RF_DF | RF_TF | RF_SF | RF_ZF | RF_AF | RF_PF | RF_CF | RF_RF)

/* tf's registers in sigcontext order. */
static void save_registers(struct sigcontext_64 *sc, const struct trap_frame *tf)
{
    sc->r8 = tf->r8;
    sc->r9 = tf->r9;
    sc->r10 = tf->r10;
    sc->r11 = tf->r11;
    sc->r12 = tf->r12;
    sc->r13 = tf->r13;
    sc->r14 = tf->r14;
    sc->r15 = tf->r15;
    sc->rdi = tf->rdi;
    sc->rsi = tf->rsi;
    sc->rbp = tf->rbp;
    sc->rbx = tf->rbx;
    sc->rdx = tf->rdx;
    sc->rax = tf->rax;
    sc->rcx = tf->rcx;
    sc->rsp = tf->rsp;
    sc->rip = tf->rip;
    sc->eflags = tf->rflags;
    sc->cs = (uint16_t)tf->cs;
    sc->ss = (uint16_t)tf->ss;
}

/* The general registers of sc into tf (rflags, segments: the caller). */
static void restore_registers(struct trap_frame *tf, const struct sigcontext_64 *sc)
{
    tf->r8 = sc->r8;
    tf->r9 = sc->r9;
    tf->r10 = sc->r10;
    tf->r11 = sc->r11;
    tf->r12 = sc->r12;
    tf->r13 = sc->r13;
    tf->r14 = sc->r14;
    tf->r15 = sc->r15;
    tf->rdi = sc->rdi;
    tf->rsi = sc->rsi;
    tf->rbp = sc->rbp;
    tf->rbx = sc->rbx;
    tf->rdx = sc->rdx;
    tf->rax = sc->rax;
    tf->rcx = sc->rcx;
    tf->rsp = sc->rsp;
    tf->rip = sc->rip;
}

/* Where the frame goes (Linux's get_sigframe()): its address and the FPU
 * image's in *fpstate, or 0 if it would overflow the alternate stack. */
static uint64_t frame_address(const struct trap_frame *tf, const struct k_sigaction *ka,
                              const struct thread_signals *ts, uint64_t *fpstate,
                              bool *entering_altstack)
{
    uint64_t sp = tf->rsp - RED_ZONE;
    bool nested = signal_on_altstack(ts, tf->rsp);
    *entering_altstack = false;
    if ((ka->flags & SA_ONSTACK) && signal_altstack_state(ts, sp) == 0) {
        sp = ts->altstack_sp + ts->altstack_size;
        *entering_altstack = true;
    }
    *fpstate = ALIGN_DOWN(sp - FPU_STATE_SIZE, FPSTATE_ALIGN);
    sp = ALIGN_DOWN(*fpstate - sizeof(struct rt_sigframe), 16) - 8;
    bool fits = sp > ts->altstack_sp && sp - ts->altstack_sp <= ts->altstack_size;
    if ((nested || *entering_altstack) && !fits)
        return 0;
    return sp;
}

int sigframe_setup(struct trap_frame *tf, int sig, const struct siginfo *info,
                   const struct k_sigaction *ka, uint64_t saved_blocked,
                   struct thread_signals *ts)
{
    /* x86_64 has no kernel-provided return trampoline: the C library's
     * sa_restorer is required, as on Linux. iretq faults in the kernel on
     * a non-canonical rip, so the handler must be a user address. */
    if (!(ka->flags & SA_RESTORER) || !user_addr_ok(ka->handler))
        return -EFAULT;
    uint64_t fpstate;
    bool entering_altstack;
    uint64_t sp = frame_address(tf, ka, ts, &fpstate, &entering_altstack);
    if (!sp)
        return -EFAULT;

    struct rt_sigframe frame;
    memset(&frame, 0, sizeof(frame));
    frame.pretcode = ka->restorer;
    frame.uc.flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    frame.uc.stack = (struct user_stack){
        .sp = ts->altstack_sp,
        .flags = signal_altstack_state(ts, tf->rsp) | (int32_t)ts->altstack_flags,
        .size = ts->altstack_size,
    };
    struct sigcontext_64 *sc = &frame.uc.mcontext;
    save_registers(sc, tf);
    sc->trapno = ts->fault_vector;
    sc->err = ts->fault_error;
    sc->cr2 = ts->fault_addr;
    sc->oldmask = saved_blocked;
    sc->fpstate = fpstate;
    frame.uc.sigmask = saved_blocked;
    if (ka->flags & SA_SIGINFO)
        frame.info = *info;
    struct fpu_state fpu;
    fpu_save_live(&fpu);
    if (copy_to_user(fpstate, &fpu, sizeof(fpu)) || copy_to_user(sp, &frame, sizeof(frame)))
        return -EFAULT;

    fpu_load_initial();
    tf->rdi = (uint64_t)sig;
    tf->rsi = sp + offsetof(struct rt_sigframe, info);
    tf->rdx = sp + offsetof(struct rt_sigframe, uc);
    tf->rax = 0;
    tf->rip = ka->handler;
    tf->rsp = sp;
    tf->rflags &= ~(RF_DF | RF_RF | RF_TF);
    tf->cs = USER_CS;
    tf->ss = USER_DS;
    if (entering_altstack && (ts->altstack_flags & SS_AUTODISARM)) {
        ts->altstack_sp = ts->altstack_size = 0;
        ts->altstack_flags = 0;
    }
    return 0;
}

int sigframe_restore(struct trap_frame *tf, uint64_t *blocked, struct user_stack *stack)
{
    uint64_t frame = tf->rsp - sizeof(uint64_t);
    struct ucontext_64 uc;
    struct fpu_state fpu;
    const struct sigcontext_64 *sc = &uc.mcontext;
    if (copy_from_user(&uc, frame + offsetof(struct rt_sigframe, uc), sizeof(uc)))
        return -EFAULT;
    if (!user_addr_ok(sc->rip) || sc->cs != USER_CS || sc->ss != USER_DS)
        return -EFAULT;
    if (sc->fpstate) {
        if (copy_from_user(&fpu, sc->fpstate, sizeof(fpu)) || !fpu_user_state_ok(&fpu))
            return -EFAULT;
    } else {
        fpu_state_init(&fpu);
    }

    restore_registers(tf, sc);
    tf->rflags = (tf->rflags & ~RFLAGS_FROM_USER) | (sc->eflags & RFLAGS_FROM_USER);
    tf->cs = USER_CS;
    tf->ss = USER_DS;
    tf->error_code = TRAP_NO_ERROR_CODE; /* no longer in a system call: no restart */
    fpu_restore(&fpu);
    *blocked = uc.sigmask;
    *stack = uc.stack;
    return 0;
}

/* syscall/sysret set-up and user-mode frames; see syscall_arch.h. */
#include "arch/x86_64/syscall_arch.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "lib/string.h"

extern char syscall_entry[];

void syscall_init_cpu(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, STAR_VALUE);
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, SYSCALL_RFLAGS_MASK);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void user_frame_init(struct trap_frame *tf, uint64_t rip, uint64_t rsp)
{
    ASSERT(user_addr_ok(rip));
    memset(tf, 0, sizeof(*tf));
    tf->vector = T_SYSCALL;
    tf->error_code = TRAP_NO_ERROR_CODE;
    tf->rip = rip;
    tf->cs = USER_CS;
    tf->rflags = USER_RFLAGS_INITIAL;
    tf->rsp = rsp;
    tf->ss = USER_DS;
}

bool sysret_frame_ok(const struct trap_frame *tf)
{
    return user_addr_ok(tf->rip) && tf->cs == USER_CS && tf->ss == USER_DS &&
           tf->rcx == tf->rip && tf->r11 == tf->rflags &&
           !(tf->rflags & (RFLAGS_TF | RFLAGS_RF));
}

void arch_set_kernel_stack(uint64_t top)
{
    struct cpu *cpu = this_cpu();
    cpu->syscall_kernel_rsp = top;
    tss_set_rsp0(cpu->id, top);
}

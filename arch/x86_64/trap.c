/* Trap dispatch, exception reports and the trap self-tests; see arch/x86_64/trap.h. */
#include "arch/x86_64/trap.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/arch_hooks.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/signal.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/arch_hooks.h"

/* Unmapped in every address space prune builds (PML4 slot 510 stays empty);
 * the self-tests and tests/kernel/test_traps.c read it to fault. */
#define UNMAPPED_KERNEL_ADDR 0xffffff0000000000ul

/* Interrupt handlers by vector. Any CPU: written by trap_register(), read by
 * trap_dispatch(), one atomic pointer each. */
static trap_handler_t handlers[T_VECTORS];

static const struct {
    const char *name;
    const char *mnemonic;
} exceptions[T_EXCEPTIONS] = {
    [T_DE] = {"divide error", "#DE"},
    [T_DB] = {"debug", "#DB"},
    [T_NMI] = {"non-maskable interrupt", "NMI"},
    [T_BP] = {"breakpoint", "#BP"},
    [T_OF] = {"overflow", "#OF"},
    [T_BR] = {"bound range exceeded", "#BR"},
    [T_UD] = {"invalid opcode", "#UD"},
    [T_NM] = {"device not available", "#NM"},
    [T_DF] = {"double fault", "#DF"},
    [9] = {"coprocessor segment overrun", ""},
    [T_TS] = {"invalid TSS", "#TS"},
    [T_NP] = {"segment not present", "#NP"},
    [T_SS] = {"stack-segment fault", "#SS"},
    [T_GP] = {"general protection fault", "#GP"},
    [T_PF] = {"page fault", "#PF"},
    [T_MF] = {"x87 floating-point error", "#MF"},
    [T_AC] = {"alignment check", "#AC"},
    [T_MC] = {"machine check", "#MC"},
    [T_XM] = {"SIMD floating-point exception", "#XM"},
    [T_VE] = {"virtualization exception", "#VE"},
    [T_CP] = {"control protection", "#CP"},
    [T_VC] = {"VMM communication exception", "#VC"},
    [T_SX] = {"security exception", "#SX"},
};

const char *trap_name(uint64_t vector)
{
    if (vector >= T_EXCEPTIONS)
        return "interrupt";
    return exceptions[vector].name ? exceptions[vector].name : "reserved exception";
}

const char *trap_mnemonic(uint64_t vector)
{
    if (vector >= T_EXCEPTIONS || !exceptions[vector].mnemonic)
        return "";
    return exceptions[vector].mnemonic;
}

/* The vectors for which the CPU pushes an error code (isr.asm has the same list). */
static bool has_error_code(uint64_t vector)
{
    return vector == T_DF || (vector >= T_TS && vector <= T_PF) || vector == T_AC ||
           vector == T_CP || vector == T_VC || vector == T_SX;
}

void trap_register(int vector, trap_handler_t handler)
{
    ASSERT(vector == T_NMI || (vector >= T_EXCEPTIONS && vector < T_VECTORS));
    __atomic_store_n(&handlers[vector], handler, __ATOMIC_RELEASE);
}

/* Appends printf-style text to buf (of 'size' bytes) at *len, truncating. */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t size, size_t *len,
                                                         const char *fmt, ...)
{
    if (*len >= size - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = format_v(buf + *len, size - *len, fmt, ap);
    va_end(ap);
    *len += n;
    if (*len > size - 1)
        *len = size - 1;
}

/* Whether an exception vector was raised by an interrupt or "int n" rather
 * than by the CPU: the CPU pushed no error code, or raises no such vector. */
static bool raised_by_interrupt(const struct trap_frame *tf)
{
    return tf->vector == 9 || tf->vector == 15 || tf->error_code == TRAP_NO_ERROR_CODE;
}

/* The lines under "KERNEL PANIC" for an exception: error code (decoded for
 * #PF), CR2, and the IST stack the handler runs on. */
static void describe_exception(const struct trap_frame *tf, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    if (raised_by_interrupt(tf))
        append(buf, size, &len, "  raised by an interrupt or an int instruction, not by the "
               "CPU: an unmasked 8259 PIC sends IRQ 0-7 to vectors 8-15\n");
    else if (has_error_code(tf->vector))
        append(buf, size, &len, "  error code 0x%lx", tf->error_code);
    if (tf->vector == T_PF && !raised_by_interrupt(tf)) {
        uint64_t e = tf->error_code;
        append(buf, size, &len, ": %s, %s, %s%s%s\n  CR2: 0x%016lx (the address accessed)",
               e & PF_P ? "protection violation" : "page not present",
               e & PF_I ? "instruction fetch" : e & PF_W ? "write" : "read",
               e & PF_U ? "user mode" : "kernel mode",
               e & PF_RSVD ? ", reserved bit set in a paging entry" : "",
               e & PF_PK ? ", protection key" : "", read_cr2());
    }
    if (len && buf[len - 1] != '\n')
        append(buf, size, &len, "\n");
    uint64_t rsp = (uint64_t)__builtin_frame_address(0);
    int ist = ist_slot_of(rsp);
    if (ist)
        append(buf, size, &len, "  handler running on IST stack %d (%s), rsp 0x%lx\n", ist,
               ist == IST_DF ? "#DF" : ist == IST_NMI ? "NMI" : "#MC", rsp);
}

/* An exception nothing handled: report it and stop. */
__attribute__((noreturn)) static void exception_panic(const struct trap_frame *tf)
{
    char details[256];
    describe_exception(tf, details, sizeof(details));
    panic_regs(tf, details, "%s (%s, vector %lu) in kernel mode", trap_name(tf->vector),
               trap_mnemonic(tf->vector), tf->vector);
}

/* The signal, si_code and si_addr of a user-mode exception (Linux's
 * choices in arch/x86/kernel/traps.c and fault.c). */
static void exception_signal(const struct trap_frame *tf, int *sig, int *code, uint64_t *addr)
{
    *code = SI_KERNEL;
    *addr = 0;
    switch (tf->vector) {
    case T_DE:
        *sig = SIGFPE;
        *code = FPE_INTDIV;
        *addr = tf->rip;
        return;
    case T_MF:
    case T_XM:
        *sig = SIGFPE;
        *code = FPE_FLTINV;
        *addr = tf->rip;
        return;
    case T_DB:
        *sig = SIGTRAP;
        *code = TRAP_TRACE;
        *addr = tf->rip;
        return;
    case T_BP:
        *sig = SIGTRAP;
        return;
    case T_UD:
        *sig = SIGILL;
        *code = ILL_ILLOPN;
        *addr = tf->rip;
        return;
    case T_NP:
    case T_SS:
        *sig = SIGBUS;
        return;
    case T_AC:
        *sig = SIGBUS;
        *code = BUS_ADRALN;
        return;
    case T_PF: {
        struct address_space *as = current_as();
        *sig = SIGSEGV;
        *addr = read_cr2();
        *code = as && as_has_region(as, *addr) ? SEGV_ACCERR : SEGV_MAPERR;
        return;
    }
    default:
        *sig = SIGSEGV;
        return;
    }
}

/* A user-mode exception nothing resolved: its signal for the thread. */
static void user_exception(struct trap_frame *tf)
{
    int sig, code;
    uint64_t addr;
    if (tf->rflags & RFLAGS_IF)
        irq_enable(); /* as_has_region() takes the map lock */
    exception_signal(tf, &sig, &code, &addr);
    irq_disable();
    signal_fault(tf, sig, code, addr);
}

/*
 * A page fault at a user address, from user mode or from a user copy
 * (uaccess.h, which has a fix-up entry): lets the address space resolve it,
 * with interrupts on as they were before the fault. Returns true if the
 * access can be retried or a signal was sent (a user-mode fault that
 * cannot be resolved: SIGSEGV); false if the kernel should apply the
 * fix-up or panic.
 */
static bool user_page_fault(struct trap_frame *tf)
{
    uint64_t addr = read_cr2();
    struct address_space *as = current_as();
    bool from_user = tf->cs & 3;
    if (!as || addr >= USER_ADDR_END)
        return false;
    if (!from_user && !extable_search(tf->rip))
        return false; /* a kernel bug: only uaccess.c touches user memory */
    if (tf->rflags & RFLAGS_IF)
        irq_enable();
    int err = as_fault(as, addr, (uint32_t)tf->error_code);
    irq_disable();
    if (err == 0)
        return true;
    if (from_user) {
        if (err != -ENOMEM) /* -ENOMEM: the out-of-memory killer killed us */
            user_exception(tf);
        return true;
    }
    return false;
}

void trap_dispatch(struct trap_frame *tf)
{
    if (tf->vector == T_NMI && panic_in_progress()) {
        panic_note_cpu_stopped(); /* panic_stop_other_cpus() sent the NMI */
        cpu_halt_forever();
    }
    if (tf->vector >= T_EXCEPTIONS || tf->vector == T_NMI) {
        trap_handler_t handler = __atomic_load_n(&handlers[tf->vector], __ATOMIC_ACQUIRE);
        if (!handler && tf->vector >= T_EXCEPTIONS)
            panic_regs(tf, NULL, "unexpected interrupt, vector %lu (0x%lx): no handler",
                       tf->vector, tf->vector);
        if (handler) {
            handler(tf);
            if ((tf->cs & 3) && tf->vector != T_NMI)
                user_return_work(tf);
            return;
        }
    }
    if (tf->vector == T_PF && !raised_by_interrupt(tf) && user_page_fault(tf)) {
        if (tf->cs & 3)
            user_return_work(tf);
        return;
    }
    if (tf->cs & 3) {
        user_exception(tf);
        user_return_work(tf);
        return;
    }
    if (extable_fixup(tf))
        return;
    exception_panic(tf);
}

/* selftest=panic: a kernel-mode page fault with no fix-up. */
__attribute__((noinline, noreturn)) static void selftest_page_fault(void)
{
    printk("prune: selftest=panic: reading 0x%lx, expect a KERNEL PANIC\n",
           UNMAPPED_KERNEL_ADDR);
    (void)*(volatile uint64_t *)UNMAPPED_KERNEL_ADDR;
    panic("selftest=panic: reading 0x%lx did not fault", UNMAPPED_KERNEL_ADDR);
}

/*
 * selftest=double-fault: what a kernel stack overflow into an unmapped guard
 * page looks like. The push faults (#PF); delivering the #PF needs the same
 * bad stack, which faults again: a #DF, which the CPU delivers on the IST_DF
 * stack, so the report can still be printed.
 */
__attribute__((noinline, noreturn)) static void selftest_double_fault(void)
{
    printk("prune: selftest=double-fault: rsp = 0x%lx, then push\n", UNMAPPED_KERNEL_ADDR);
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "pushq $0" : : "r"(UNMAPPED_KERNEL_ADDR) : "memory");
    __builtin_unreachable();
}

/* Runs the self-test named by "selftest=" (if it is one of ours). */
static void run_selftest(const char *name)
{
    if (strcmp(name, "panic") == 0)
        selftest_page_fault();
    if (strcmp(name, "double-fault") == 0)
        selftest_double_fault();
}

void trap_init(void)
{
    gdt_init_cpu(0);
    idt_init();
    idt_load();
    const char *selftest = cmdline_get(&kernel_cmdline, "selftest");
    if (selftest)
        run_selftest(selftest);
}

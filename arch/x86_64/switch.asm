; Kernel thread context switch (see kernel/sched.c and docs/sched.md).
;
; Only the callee-saved registers of the System V ABI (rbx, rbp, r12..r15)
; and rsp need saving: switch_context() is an ordinary function call, so
; the compiler already assumes every other register is clobbered. rflags is
; not saved: the scheduler always switches with interrupts off and each
; thread restores its own interrupt flag after schedule() returns.
; The FS base, the kernel entry stack and the FPU state of user threads are
; switched in C, by switch_user_context() (kernel/sched.c).

global switch_context
global thread_trampoline
extern sched_thread_start

section .text

; struct thread *switch_context(struct thread *prev, uint64_t *save_rsp,
;                               uint64_t load_rsp)
; Pushes this thread's callee-saved registers, stores rsp in *save_rsp,
; switches to the stack at load_rsp and pops that thread's registers. It
; "returns" in the other thread, with rax = the thread that switched to it
; (the 'prev' of this call).
switch_context:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rsi], rsp
    mov rax, rdi
    mov rsp, rdx
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; Where a new thread's first switch_context() returns to (thread_alloc in
; kernel/thread.c builds that stack: six zero registers, this address, and
; rsp 16-byte aligned after the ret). rax = the thread switched away from.
thread_trampoline:
    mov rdi, rax
    call sched_thread_start         ; finishes the switch, enables interrupts,
    ud2                             ; runs fn(arg), thread_exit(): no return

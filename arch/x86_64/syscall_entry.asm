; The syscall instruction's entry point (MSR_LSTAR; see arch/x86_64/syscall.c
; and docs/userspace.md).
;
; The CPU has saved the user rip in rcx and rflags in r11, masked rflags
; with MSR_FMASK (IF, TF, DF, AC... clear) and loaded the kernel CS/SS; it
; has not switched stacks. We swapgs to reach struct cpu, switch to the top
; of the current thread's kernel stack (cpu->syscall_kernel_rsp) and build
; there the same struct trap_frame an interrupt from user mode builds
; (arch/x86_64/trap.h), with vector T_SYSCALL and the system call's number
; in error_code, where a restart after a signal finds it (kernel/signal.c).
; syscall_dispatch() runs with interrupts on and may change any field of
; the frame.
;
; The way back is sysretq when the frame allows it, else iretq (trap_exit):
; sysret loads rip from rcx and rflags from r11, and on Intel CPUs it faults
; *in kernel mode, on the user stack* if rcx is not canonical. So a frame
; whose rip is not a user address (execve, a changed context...), whose
; rcx and r11 are not its rip and rflags (a signal handler's entry, or
; rt_sigreturn: those registers must come back as they were) or whose
; CS/SS are not the standard user ones goes through iretq: sysret_frame_ok()
; (syscall_arch.c) decides, with the one user-address check of uaccess.h.

%define CPU_SYSCALL_KERNEL_RSP 8    ; offsetof(struct cpu, syscall_kernel_rsp)
%define CPU_SYSCALL_USER_RSP 16     ; offsetof(struct cpu, syscall_user_rsp)
%define USER_DS 0x1b
%define USER_CS 0x23
%define T_SYSCALL 0x100

%include "arch/x86_64/trap_frame.inc"

extern syscall_dispatch
extern sysret_frame_ok
extern trap_exit
global syscall_entry

section .text

syscall_entry:
    swapgs
    mov [gs:CPU_SYSCALL_USER_RSP], rsp
    mov rsp, [gs:CPU_SYSCALL_KERNEL_RSP]
    push qword USER_DS              ; ss
    push qword [gs:CPU_SYSCALL_USER_RSP] ; rsp
    push r11                        ; rflags
    push qword USER_CS              ; cs
    push rcx                        ; rip
    push rax                        ; error code: the call's number (Linux's orig_ax)
    push qword T_SYSCALL            ; vector
    PUSH_REGS
    mov rdi, rsp                    ; struct trap_frame *
    sti
    call syscall_dispatch           ; interrupts are off again when it returns

    mov rdi, rsp
    call sysret_frame_ok
    test al, al
    jz trap_exit                    ; not a safe sysret target
    POP_REGS                        ; rcx and r11 are overwritten below
    ; rsp now points at 'vector'; rip, rflags and rsp are above it.
    mov rcx, [rsp + TF_RIP - TF_REGS_SIZE]
    mov r11, [rsp + TF_RFLAGS - TF_REGS_SIZE]
    mov rsp, [rsp + TF_RSP - TF_REGS_SIZE]
    swapgs
    o64 sysret

; Interrupt and exception entry: one stub per vector, one common path.
; See struct trap_frame in arch/x86_64/trap.h and docs/traps.md.
;
; On entry the CPU has pushed (64-bit mode, always, after aligning RSP down
; to 16 bytes): SS, RSP, RFLAGS, CS, RIP, and for some exceptions an error
; code. Each stub makes the frame uniform: it pushes a 0 error code when the
; CPU pushed none, then the vector number, and jumps to isr_common, which
; pushes every general-purpose register and calls trap_dispatch(frame).
;
; A vector that has an error code when the CPU raises it can also arrive
; without one: from an interrupt (an unmasked 8259 PIC sends IRQ 0-7 to
; vectors 8-15) or an "int n". Its stub tells them apart by RSP: 5 words
; pushed leave RSP = 8 mod 16, 6 words leave it 16-byte aligned. Without one
; it pushes TRAP_NO_ERROR_CODE (-1), which no CPU error code can be.
;
; The stack stays 16-byte aligned at the call: the CPU frame with the error
; code (6 words), the vector (1) and 15 registers make 22 words.
;
; All gates are interrupt gates (IF is clear on entry).
;
; GS: in the kernel, GS base points at this CPU's struct cpu; in user mode it
; holds the program's value, and MSR_KERNEL_GS_BASE holds ours. An entry
; from user mode (CS has RPL 3) runs swapgs first, and the exit to user mode
; runs it again just before iretq. NMI, #DF and #MC are "paranoid": they can
; arrive anywhere, even between a syscall instruction and its swapgs, so
; they look at the GS base itself (kernel bases are negative) to decide.
;
; trap_exit is also how a new user thread first enters user mode (fork,
; clone, execve): its kernel stack ends with a struct trap_frame.

extern trap_dispatch
global isr_stub_table
global trap_exit
global trap_exit_to

section .text

; Vectors for which the CPU pushes an error code (Intel SDM vol. 3, 6.13).
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro ISR_STUB 1
isr_stub_%1:
%if HAS_ERROR_CODE(%1)
    test rsp, 8
    jz %%has_error_code
    push qword -1                   ; TRAP_NO_ERROR_CODE
%%has_error_code:
%else
    push qword 0
%endif
    push qword %1
    jmp isr_common
%endmacro

%assign v 0
%rep 256
    ISR_STUB v
%assign v v + 1
%endrep

%include "arch/x86_64/trap_frame.inc"

%define MSR_GS_BASE 0xc0000101
%define FRAME_CS (TF_CS - TF_REGS_SIZE) ; CS, before the registers are pushed

isr_common:
    cmp qword [rsp + 8], 2          ; vector: NMI
    je isr_paranoid
    cmp qword [rsp + 8], 8          ; #DF
    je isr_paranoid
    cmp qword [rsp + 8], 18         ; #MC
    je isr_paranoid
    test qword [rsp + FRAME_CS], 3
    jz .from_kernel
    swapgs
.from_kernel:
    PUSH_REGS
    cld                             ; the C ABI wants DF clear
    mov rdi, rsp                    ; struct trap_frame *
    call trap_dispatch
trap_exit:
    POP_REGS
    add rsp, 16                     ; vector and error code
    test qword [rsp + 8], 3         ; CS of the frame we return to
    jz .to_kernel
    swapgs
.to_kernel:
    iretq

; void trap_exit_to(struct trap_frame *tf): returns through tf, which is
; the top of the current kernel stack (a new user thread's first run).
trap_exit_to:
    cli
    mov rsp, rdi
    jmp trap_exit

; NMI, #DF, #MC: swapgs if the GS base is not a kernel address, and undo it
; on the way out. rbx (saved in the frame) remembers which.
isr_paranoid:
    PUSH_REGS
    cld
    xor ebx, ebx
    mov ecx, MSR_GS_BASE
    rdmsr
    test edx, edx
    js .kernel_gs
    swapgs
    mov ebx, 1
.kernel_gs:
    mov rdi, rsp
    call trap_dispatch
    test ebx, ebx
    jz .no_swap
    swapgs
.no_swap:
    POP_REGS
    add rsp, 16
    iretq

section .rodata
align 8
isr_stub_table:
%assign v 0
%rep 256
    dq isr_stub_ %+ v
%assign v v + 1
%endrep

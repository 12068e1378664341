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
; All gates are interrupt gates (IF is clear on entry). There is no swapgs
; yet: nothing runs in user mode.

extern trap_dispatch
global isr_stub_table

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

isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld                             ; the C ABI wants DF clear
    mov rdi, rsp                    ; struct trap_frame *
    call trap_dispatch
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                     ; vector and error code
    iretq

section .rodata
align 8
isr_stub_table:
%assign v 0
%rep 256
    dq isr_stub_ %+ v
%assign v v + 1
%endrep

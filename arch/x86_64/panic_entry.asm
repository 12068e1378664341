; panic(fmt, ...): the entry of kernel/panic.h's panic().
;
; It is assembly so that the report shows the caller's registers: C code
; would have changed some before it could look. The first panic saves every
; register into panic_caller_regs (a struct trap_frame, see
; arch/x86_64/trap.h), then jumps, not calls, to panic_report(): the argument
; registers and the stack (the variadic arguments) are exactly as the caller
; left them. A later panic jumps to panic_nested() and saves nothing.

extern panic_depth
extern panic_caller_regs
extern panic_report
extern panic_nested
global panic

; Word offsets in struct trap_frame.
%define TF(n) panic_caller_regs + (n) * 8
TF_R15    equ 0
TF_R14    equ 1
TF_R13    equ 2
TF_R12    equ 3
TF_R11    equ 4
TF_R10    equ 5
TF_R9     equ 6
TF_R8     equ 7
TF_RBP    equ 8
TF_RDI    equ 9
TF_RSI    equ 10
TF_RDX    equ 11
TF_RCX    equ 12
TF_RBX    equ 13
TF_RAX    equ 14
TF_VECTOR equ 15
TF_RIP    equ 17
TF_CS     equ 18
TF_RFLAGS equ 19
TF_RSP    equ 20
TF_SS     equ 21

section .text
panic:
    push rax
    pushfq
    cli
    mov eax, 1
    lock xadd [rel panic_depth], eax
    test eax, eax
    jnz .nested

    pop qword [rel TF(TF_RFLAGS)]   ; as they were before the cli
    pop qword [rel TF(TF_RAX)]
    mov [rel TF(TF_RBX)], rbx
    mov [rel TF(TF_RCX)], rcx
    mov [rel TF(TF_RDX)], rdx
    mov [rel TF(TF_RSI)], rsi
    mov [rel TF(TF_RDI)], rdi
    mov [rel TF(TF_RBP)], rbp
    mov [rel TF(TF_R8)], r8
    mov [rel TF(TF_R9)], r9
    mov [rel TF(TF_R10)], r10
    mov [rel TF(TF_R11)], r11
    mov [rel TF(TF_R12)], r12
    mov [rel TF(TF_R13)], r13
    mov [rel TF(TF_R14)], r14
    mov [rel TF(TF_R15)], r15
    mov qword [rel TF(TF_VECTOR)], -1 ; T_NONE: rip is a return address
    mov rax, [rsp]                  ; the return address, in the caller
    mov [rel TF(TF_RIP)], rax
    lea rax, [rsp + 8]              ; the caller's rsp after the call
    mov [rel TF(TF_RSP)], rax
    xor eax, eax
    mov ax, cs
    mov [rel TF(TF_CS)], rax
    mov ax, ss
    mov [rel TF(TF_SS)], rax
    mov rax, [rel TF(TF_RAX)]
    jmp panic_report

.nested:
    add rsp, 8                      ; the saved rflags
    pop rax
    jmp panic_nested

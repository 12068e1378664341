; Application processor start-up code (see docs/smp.md).
;
; The boot CPU copies the bytes from ap_trampoline_start to ap_trampoline_end
; to physical TRAMPOLINE_BASE (a page below 1 MiB), fills in the data block at
; its end, and sends INIT-SIPI-SIPI with vector TRAMPOLINE_BASE >> 12. The AP
; starts here in 16-bit real mode at CS:IP = (TRAMPOLINE_BASE >> 4):0000.
; It loads a temporary GDT, turns on PAE, loads the trampoline page tables
; (identity map of the first 2 MiB + the kernel half), writes the boot CPU's
; EFER (LME, NXE), sets CR0.PG and CR0.PE together (real mode straight to
; long mode), far-jumps into 64-bit code, takes its own stack and calls
; ap_entry(cpu_id) in the kernel. All addresses below are computed as
; TRAMPOLINE_BASE + (label - ap_trampoline_start): the code runs at a copy.

TRAMPOLINE_BASE equ 0x8000
%define T(label) (TRAMPOLINE_BASE + (label) - ap_trampoline_start)

global ap_trampoline_start, ap_trampoline_end, ap_trampoline_data

section .rodata
bits 16
ap_trampoline_start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    lgdt [T(tramp_gdtr)]

    mov eax, cr4
    or eax, 1 << 5                      ; PAE
    mov cr4, eax
    mov eax, [T(data_tramp_cr3)]
    mov cr3, eax
    mov ecx, 0xc0000080                 ; EFER: the boot CPU's value (LME, NXE)
    mov eax, [T(data_efer)]
    mov edx, [T(data_efer) + 4]
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1   ; PG, WP, PE
    mov cr0, eax
    jmp dword 0x08:T(long_mode)

bits 64
long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, [T(data_stack_top)]
    mov edi, [T(data_cpu_id)]
    xor ebp, ebp
    mov rax, [T(data_entry)]
    call rax
.hang:
    cli
    hlt
    jmp .hang

align 16
tramp_gdt:
    dq 0
    dq 0x00af9a000000ffff               ; 0x08: 64-bit code
    dq 0x00cf92000000ffff               ; 0x10: data
tramp_gdtr:
    dw tramp_gdtr - tramp_gdt - 1
    dd T(tramp_gdt)

; Filled in by the boot CPU for each AP (struct ap_trampoline_data in smp.c).
align 8
ap_trampoline_data:
data_tramp_cr3:  dq 0
data_efer:       dq 0
data_stack_top:  dq 0
data_entry:      dq 0
data_cpu_id:     dq 0
ap_trampoline_end:

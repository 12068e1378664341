; 32-bit entry from GRUB (multiboot2), switch to 64-bit long mode, jump to the
; higher half and call kmain(magic, mbi_phys). See docs/boot.md.
;
; On entry (multiboot2 spec): protected mode, paging off, EAX = magic,
; EBX = physical address of the boot information, no usable stack.
;
; Early page tables (all 2 MiB pages, replaced by mm/paging.c later):
;   PML4[0]   -> identity map of the first 4 GiB   (only for the jump below)
;   PML4[256] -> same 4 GiB at DIRECT_MAP_BASE     (phys_to_virt works early)
;   PML4[511] -> PDPT[510]: first 1 GiB at KERNEL_VMA (where the kernel runs)

KERNEL_VMA   equ 0xffffffff80000000
PTE_P        equ 1
PTE_W        equ 2
PTE_PS       equ 0x80
EFER_MSR     equ 0xc0000080
EFER_LME     equ 1 << 8
EFER_NXE     equ 1 << 11
COM1         equ 0x3f8

extern kmain
global _start32
global boot_pml4

%define PHYS(x) ((x) - KERNEL_VMA)

section .boot.text
bits 32
_start32:
    cli
    cld
    mov esp, PHYS(boot_stack_top)
    mov edi, eax                    ; multiboot2 magic, kept for kmain
    mov esi, ebx                    ; boot information, kept for kmain

    ; CPUID present? (ID flag in EFLAGS can be toggled)
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    cmp eax, ecx
    je no_long_mode

    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29               ; LM
    jz no_long_mode
    mov ebp, edx                    ; keep bit 20 (NX) for EFER below

    ; Zero the early tables (GRUB zero-fills .bss, but do not rely on it).
    push edi
    mov edi, PHYS(boot_tables_start)
    mov ecx, (boot_tables_end - boot_tables_start) / 4
    xor eax, eax
    rep stosd
    pop edi

    ; 2048 2 MiB pages: physical 0..4 GiB.
    xor ecx, ecx
.fill_pd:
    mov eax, ecx
    shl eax, 21
    or eax, PTE_P | PTE_W | PTE_PS
    mov [PHYS(boot_pd) + ecx * 8], eax
    mov eax, ecx
    shr eax, 11
    mov [PHYS(boot_pd) + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, 2048
    jb .fill_pd

    mov eax, PHYS(boot_pd) + (PTE_P | PTE_W)
    mov [PHYS(boot_pdpt_low)], eax
    add eax, 4096
    mov [PHYS(boot_pdpt_low) + 8], eax
    add eax, 4096
    mov [PHYS(boot_pdpt_low) + 16], eax
    add eax, 4096
    mov [PHYS(boot_pdpt_low) + 24], eax
    mov dword [PHYS(boot_pdpt_high) + 510 * 8], PHYS(boot_pd) + (PTE_P | PTE_W)

    mov eax, PHYS(boot_pdpt_low) + (PTE_P | PTE_W)
    mov [PHYS(boot_pml4)], eax
    mov [PHYS(boot_pml4) + 256 * 8], eax
    mov dword [PHYS(boot_pml4) + 511 * 8], PHYS(boot_pdpt_high) + (PTE_P | PTE_W)

    mov eax, PHYS(boot_pml4)
    mov cr3, eax
    mov eax, cr4
    or eax, 1 << 5                  ; PAE
    mov cr4, eax

    mov ecx, EFER_MSR
    rdmsr
    or eax, EFER_LME
    test ebp, 1 << 20
    jz .no_nx
    or eax, EFER_NXE
.no_nx:
    wrmsr

    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1   ; PG, WP, PE
    mov cr0, eax

    lgdt [PHYS(boot_gdtr)]
    jmp 0x08:PHYS(long_mode_low)

; The CPU cannot run prune: say so on the serial port and on the VGA screen.
no_long_mode:
    mov dx, COM1 + 3
    mov al, 0x03                    ; 8N1 (the divisor is left as firmware set it)
    out dx, al
    mov esi, PHYS(no_lm_msg)
    mov edi, 0xb8000
.print:
    lodsb
    test al, al
    jz .halt
    mov ah, al
    mov dx, COM1 + 5
.wait_tx:
    in al, dx
    test al, 0x20
    jz .wait_tx
    mov al, ah
    mov dx, COM1
    out dx, al
    mov byte [edi], al
    mov byte [edi + 1], 0x4f        ; white on red
    add edi, 2
    jmp .print
.halt:
    cli
    hlt
    jmp .halt

bits 64
long_mode_low:
    mov rax, long_mode_high
    jmp rax

section .text
long_mode_high:
    lgdt [boot_gdtr_high]
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top
    xor ebp, ebp                    ; end of the backtrace chain
    mov edi, edi                    ; magic (zero-extended)
    mov esi, esi                    ; boot information physical address
    call kmain
.hang:
    cli
    hlt
    jmp .hang

section .rodata
no_lm_msg: db "prune: this CPU has no 64-bit long mode (x86_64); prune cannot boot.", 13, 10, 0

align 16
boot_gdt:
    dq 0
    dq 0x00af9a000000ffff           ; 0x08: 64-bit code, ring 0
    dq 0x00cf92000000ffff           ; 0x10: data, ring 0
boot_gdt_end:

boot_gdtr:
    dw boot_gdt_end - boot_gdt - 1
    dd PHYS(boot_gdt)

align 8
boot_gdtr_high:
    dw boot_gdt_end - boot_gdt - 1
    dq boot_gdt

section .boot.bss nobits alloc write align=4096
boot_tables_start:
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4096 * 4
boot_tables_end:
boot_stack:     resb 16384
global boot_stack_top
boot_stack_top:

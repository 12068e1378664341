; Multiboot2 header: tells GRUB how to load prune (see docs/boot.md).
; It must sit 8-byte aligned in the first 32 KiB of the file; linker.ld puts
; the .multiboot2 section first.

MB2_MAGIC        equ 0xe85250d6
MB2_ARCH_I386    equ 0
KERNEL_VMA       equ 0xffffffff80000000

extern _start32

section .multiboot2 align=8
header_start:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd header_end - header_start
    dd (0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (header_end - header_start))) & 0xffffffff

; Information request (optional): cmdline, modules, memory map, framebuffer,
; ELF sections, old and new ACPI RSDP.
align 8
info_request:
    dw 1, 1
    dd info_request_end - info_request
    dd 1, 3, 6, 8, 9, 14, 15
info_request_end:

; Entry address: the physical address of the 32-bit entry point.
align 8
    dw 3, 0
    dd 12
    dd _start32 - KERNEL_VMA

; Framebuffer (optional, no preference): grub.cfg asks for text mode under
; BIOS, so a linear framebuffer is what we get under UEFI.
align 8
    dw 5, 1
    dd 20
    dd 0, 0, 0

; Modules (the initrd) page-aligned.
align 8
    dw 6, 0
    dd 8

; End tag.
align 8
    dw 0, 0
    dd 8
header_end:

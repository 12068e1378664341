/*
 * ELF64 executables for execve: the file format (x86_64 System V ABI and the
 * gABI), and elf_parse(), which checks a whole file image held in memory and
 * says what to map where. Pure: no allocation, no page tables, host-tested.
 *
 * Accepted: ELF64, little endian, x86_64, ET_EXEC (static, fixed addresses)
 * and ET_DYN without PT_INTERP (static-PIE, moved up by ELF_DYN_BASE).
 * Refused with -ENOEXEC: everything else, dynamic executables included.
 * See docs/elf.md.
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/errno.h"

/* The file header (gABI "ELF Header"), at offset 0 of the file. */
struct elf64_ehdr {
    uint8_t e_ident[16]; /* "\177ELF", class, data, version, OS ABI, ... */
    uint16_t e_type;     /* ET_EXEC, ET_DYN, ... */
    uint16_t e_machine;  /* EM_X86_64 */
    uint32_t e_version;  /* EV_CURRENT */
    uint64_t e_entry;    /* first instruction (virtual address) */
    uint64_t e_phoff;    /* file offset of the program header table */
    uint64_t e_shoff;    /* sections: not used to run a program */
    uint32_t e_flags;
    uint16_t e_ehsize;    /* sizeof(struct elf64_ehdr) */
    uint16_t e_phentsize; /* sizeof(struct elf64_phdr) */
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");

/* One program header: a segment of the file and how to place it in memory. */
struct elf64_phdr {
    uint32_t p_type;   /* PT_LOAD, PT_TLS, ... */
    uint32_t p_flags;  /* ELF_PF_R | ELF_PF_W | ELF_PF_X */
    uint64_t p_offset; /* where the segment's bytes start in the file */
    uint64_t p_vaddr;  /* where they go in memory */
    uint64_t p_paddr;  /* unused */
    uint64_t p_filesz; /* bytes taken from the file */
    uint64_t p_memsz;  /* bytes in memory; the rest (memsz - filesz) is zero */
    uint64_t p_align;  /* 0 or a power of two; vaddr == offset modulo it */
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_OSABI 7
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU 3
#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

/* User mappings must lie in [ELF_USER_MIN, ELF_USER_END): no page near NULL,
 * and Linux's TASK_SIZE (one guard page below the non-canonical hole). */
#define ELF_USER_MIN 0x10000ul
#define ELF_USER_END 0x00007ffffffff000ul

/* Where a static-PIE (ET_DYN) is moved: Linux's x86_64 ELF_ET_DYN_BASE
 * without randomization (2/3 of TASK_SIZE, page aligned), the address gdb
 * shows for PIEs. Rounded down to the largest PT_LOAD alignment. */
#define ELF_DYN_BASE 0x0000555555554000ul

#define ELF_MAX_PHNUM 64   /* program headers accepted in one file */
#define ELF_MAX_SEGMENTS 16 /* PT_LOADs with memsz > 0 */

/* Segment protections, the values of mmap's PROT_* on Linux. */
#define ELF_PROT_READ 1
#define ELF_PROT_WRITE 2
#define ELF_PROT_EXEC 4

/* One PT_LOAD with memsz > 0, load bias included. The bytes
 * [vaddr, vaddr + filesz) come from file [offset, offset + filesz); the rest
 * up to vaddr + memsz is zero. vaddr and offset agree modulo the page size. */
struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    uint32_t prot; /* ELF_PROT_* */
};

/* What elf_parse() found. All addresses are user addresses, bias included. */
struct elf_info {
    struct elf_segment seg[ELF_MAX_SEGMENTS]; /* ascending, no page shared */
    int nseg;
    uint64_t entry;     /* AT_ENTRY: inside an executable segment's file bytes */
    uint64_t phdr;      /* AT_PHDR: the program headers, inside a segment */
    uint16_t phnum;     /* AT_PHNUM */
    uint16_t phentsize; /* AT_PHENT: always sizeof(struct elf64_phdr) */
    bool dyn;           /* ET_DYN: moved by load_bias */
    uint64_t load_bias; /* 0 for ET_EXEC */
    uint64_t end;       /* end of the highest segment: where brk can start */
    bool has_tls;       /* PT_TLS present (musl finds it through AT_PHDR) */
    uint64_t tls_vaddr, tls_filesz, tls_memsz, tls_align; /* image inside a segment */
    bool exec_stack; /* PT_GNU_STACK has ELF_PF_X; absent means not (as on Linux) */
};

/*
 * Checks the ELF file image[0..len) and fills *out. Reads nothing outside the
 * image and keeps no pointer into it. Returns 0, or -ENOEXEC if the file is
 * not a static x86_64 ELF64 executable that fits in user space.
 */
int elf_parse(const void *image, size_t len, struct elf_info *out);

/* The same for a file of file_len bytes of which only the first head_len
 * are at 'head' (execve reads them from the tmpfs): its program headers
 * must lie there (else -ENOEXEC); segments are checked against file_len. */
int elf_parse_head(const void *head, size_t head_len, uint64_t file_len, struct elf_info *out);

#endif

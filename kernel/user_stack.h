/*
 * The initial user stack of a new program (x86_64 System V ABI, "Process
 * Initialization"), as Linux lays it out. From the entry %rsp upwards:
 *
 *   rsp ->  argc                      (16-byte aligned)
 *           argv[0..argc-1], NULL
 *           envp[0..envc-1], NULL
 *           auxv pairs (type, value) ..., AT_NULL 0
 *           padding to 16 bytes
 *           16 AT_RANDOM bytes
 *           argv strings, envp strings, the AT_EXECFN string
 *   stack_top
 *
 * user_stack_build() is pure: it writes this image into a kernel buffer
 * standing for the user addresses [stack_top - size, stack_top) and returns
 * the %rsp the program starts with. See docs/elf.md.
 */
#ifndef KERNEL_USER_STACK_H
#define KERNEL_USER_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/elf.h"
#include "kernel/errno.h"

/* Auxiliary vector types (Linux include/uapi/linux/auxvec.h). */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

#define USER_CLK_TCK 100 /* AT_CLKTCK: Linux's USER_HZ, what times() counts in */

/* Where the strings went: /proc/PID/cmdline reads [arg_start, arg_end),
 * environ [env_start, env_end) (Linux's mm->arg_start...). */
struct user_stack_strings {
    uint64_t arg_start, arg_end, env_start, env_end;
};

/* What the new program is told. Strings and vectors are kernel memory (the
 * caller copied them from the old program first); vectors end with NULL. */
struct user_stack_args {
    const char *const *argv;
    const char *const *envp;
    const char *execfn;         /* AT_EXECFN: the path given to execve */
    const uint8_t *random;      /* 16 bytes for AT_RANDOM (musl's canary) */
    const struct elf_info *elf; /* AT_PHDR, AT_PHENT, AT_PHNUM, AT_ENTRY */
    uint64_t hwcap;             /* AT_HWCAP: CPUID.1:EDX, as on Linux */
    uint32_t uid, euid, gid, egid;
    struct user_stack_strings *strings; /* out, if not NULL: where the strings went */
};

/*
 * Writes the initial stack for 'a' into buf[0..size), which stands for the
 * user addresses [stack_top - size, stack_top); stack_top must be 16-byte
 * aligned. Sets *rsp to the entry %rsp. Returns 0, or -E2BIG if the image
 * does not fit (buf may then be partly written).
 */
int user_stack_build(void *buf, size_t size, uint64_t stack_top,
                     const struct user_stack_args *a, uint64_t *rsp);

#endif

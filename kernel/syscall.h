/*
 * System calls: Linux x86_64 numbers, arguments and errno values.
 *
 * A handler is an ordinary C function taking up to six integer arguments
 * (rdi, rsi, rdx, r10, r8, r9) and returning a long: the result, or -errno.
 * User pointers are passed as uint64_t so they cannot be dereferenced by
 * mistake: only the functions of arch/x86_64/uaccess.h touch them. Each
 * file registers its own handlers next to their definition:
 *
 *     static long sys_getpid(void) { ... }
 *     SYSCALL(SYS_getpid, sys_getpid);
 *
 * SYSCALL() puts {number, name, handler} in the .syscalls section
 * (linker.ld); syscall_init() builds the dispatch table from it and panics
 * on a number registered twice. A number nobody registered returns -ENOSYS
 * and is logged once ("prune: unknown syscall N").
 *
 * Handlers run in the calling thread, interrupts on, preemptible, and may
 * sleep. current_user_frame() is the user's registers (fork, clone, execve
 * and arch_prctl read or change them); a handler that changes its rip, rsp
 * or rflags makes the thread return to user mode through iretq.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>

#include "arch/x86_64/trap.h"

/* Linux x86_64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_stat 4
#define SYS_fstat 5
#define SYS_lstat 6
#define SYS_poll 7
#define SYS_lseek 8
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_rt_sigreturn 15
#define SYS_ioctl 16
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_readv 19
#define SYS_writev 20
#define SYS_access 21
#define SYS_pipe 22
#define SYS_select 23
#define SYS_sched_yield 24
#define SYS_mremap 25
#define SYS_mincore 27
#define SYS_madvise 28
#define SYS_dup 32
#define SYS_dup2 33
#define SYS_pause 34
#define SYS_nanosleep 35
#define SYS_getpid 39
#define SYS_sendfile 40
#define SYS_clone 56
#define SYS_fork 57
#define SYS_vfork 58
#define SYS_execve 59
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_kill 62
#define SYS_uname 63
#define SYS_fcntl 72
#define SYS_fsync 74
#define SYS_fdatasync 75
#define SYS_truncate 76
#define SYS_ftruncate 77
#define SYS_getcwd 79
#define SYS_chdir 80
#define SYS_fchdir 81
#define SYS_rename 82
#define SYS_mkdir 83
#define SYS_rmdir 84
#define SYS_creat 85
#define SYS_link 86
#define SYS_unlink 87
#define SYS_symlink 88
#define SYS_readlink 89
#define SYS_chmod 90
#define SYS_fchmod 91
#define SYS_chown 92
#define SYS_fchown 93
#define SYS_lchown 94
#define SYS_umask 95
#define SYS_gettimeofday 96
#define SYS_sysinfo 99
#define SYS_getuid 102
#define SYS_getgid 104
#define SYS_geteuid 107
#define SYS_getegid 108
#define SYS_setpgid 109
#define SYS_getppid 110
#define SYS_getpgrp 111
#define SYS_setsid 112
#define SYS_getpgid 121
#define SYS_getsid 124
#define SYS_rt_sigpending 127
#define SYS_rt_sigtimedwait 128
#define SYS_rt_sigqueueinfo 129
#define SYS_rt_sigsuspend 130
#define SYS_sigaltstack 131
#define SYS_utime 132
#define SYS_statfs 137
#define SYS_fstatfs 138
#define SYS_prctl 157
#define SYS_arch_prctl 158
#define SYS_gettid 186
#define SYS_tkill 200
#define SYS_time 201
#define SYS_futex 202
#define SYS_sched_getaffinity 204
#define SYS_getdents64 217
#define SYS_set_tid_address 218
#define SYS_restart_syscall 219
#define SYS_clock_gettime 228
#define SYS_clock_getres 229
#define SYS_clock_nanosleep 230
#define SYS_exit_group 231
#define SYS_tgkill 234
#define SYS_utimes 235
#define SYS_waitid 247
#define SYS_openat 257
#define SYS_mkdirat 258
#define SYS_fchownat 260
#define SYS_futimesat 261
#define SYS_newfstatat 262
#define SYS_unlinkat 263
#define SYS_renameat 264
#define SYS_linkat 265
#define SYS_symlinkat 266
#define SYS_readlinkat 267
#define SYS_fchmodat 268
#define SYS_faccessat 269
#define SYS_pselect6 270
#define SYS_ppoll 271
#define SYS_set_robust_list 273
#define SYS_get_robust_list 274
#define SYS_utimensat 280
#define SYS_dup3 292
#define SYS_pipe2 293
#define SYS_rt_tgsigqueueinfo 297
#define SYS_prlimit64 302
#define SYS_process_vm_readv 310
#define SYS_process_vm_writev 311
#define SYS_renameat2 316
#define SYS_getrandom 318
#define SYS_copy_file_range 326
#define SYS_rseq 334
#define SYS_clone3 435
#define SYS_faccessat2 439
#define SYS_MAX 512 /* numbers at or above this always get -ENOSYS */

typedef long (*syscall_fn_t)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

struct syscall_entry {
    uint32_t nr;
    const char *name;
    syscall_fn_t fn;
};

/* Registers fn as the handler of system call nr (see the comment above). */
#define SYSCALL(nr_, fn_)                                                        \
    static const struct syscall_entry syscall_entry_##fn_                        \
        __attribute__((used, section(".syscalls"), aligned(8))) = {              \
            (nr_), #fn_, (syscall_fn_t)(void (*)(void))(fn_)}

/* Boot CPU, once, before the first user program: builds the table. */
void syscall_init(void);

/* The user registers of the calling thread, saved at the top of its kernel
 * stack by the system call or interrupt that entered the kernel. */
struct trap_frame *current_user_frame(void);

#endif

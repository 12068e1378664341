/*
 * Small system calls with little or no state of their own: uname,
 * sysinfo, getrandom, sched_yield and sched_getaffinity, the user and
 * group ids (everything runs as root), prlimit64, arch_prctl (the thread's
 * TLS base), and what the C libraries ask for at start-up and after:
 * prctl, set_robust_list and get_robust_list, rseq. See docs/userspace.md.
 */
#include <stdint.h>

#include "arch/x86_64/syscall_arch.h"
#include "arch/x86_64/uaccess.h"
#include "fs/fs_abi.h"
#include "fs/proc_sys.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "kernel/process.h"
#include "kernel/random.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/mm.h"

/* Linux's struct utsname: six NUL-terminated fields of 65 bytes. */
#define UTS_FIELD_LEN 65
struct utsname {
    char sysname[UTS_FIELD_LEN];
    char nodename[UTS_FIELD_LEN];
    char release[UTS_FIELD_LEN];
    char version[UTS_FIELD_LEN];
    char machine[UTS_FIELD_LEN];
    char domainname[UTS_FIELD_LEN];
};

/* What uname reports: prune, on purpose not "Linux" (a test printing
 * uname differs from Linux there). */
static const struct utsname prune_utsname = {
    .sysname = "prune",
    .nodename = "prune",
    .release = "0.4",
    .version = "#1 SMP prune",
    .machine = "x86_64",
    .domainname = "(none)",
};

static long sys_uname(uint64_t ubuf)
{
    return copy_to_user(ubuf, &prune_utsname, sizeof(prune_utsname));
}
SYSCALL(SYS_uname, sys_uname);

/* Linux's struct sysinfo (x86_64). */
#define SI_LOAD_SHIFT 16 /* fraction bits of 'loads' */
struct sysinfo {
    int64_t uptime;             /* seconds since boot, rounded up */
    uint64_t loads[3];          /* load averages (1, 5, 15 min), fixed point */
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs;
    uint16_t pad;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;          /* the unit of the memory fields, in bytes */
};
_Static_assert(sizeof(struct sysinfo) == 112, "Linux's struct sysinfo");

/* sysinfo(info): the figures of /proc/uptime, loadavg and meminfo
 * (fs/proc_sys.h), in bytes (mem_unit 1): total and free memory, shared
 * (Shmem), buffers (0); no swap, no high memory; the load averages with
 * SI_LOAD_SHIFT fraction bits; procs counts the threads, as Linux's
 * nr_threads. */
static long sys_sysinfo(uint64_t uinfo)
{
    uint64_t ns = time_monotonic_ns();
    struct proc_meminfo m;
    proc_memory(&m);
    struct process_counts c;
    process_counts(&c);
    struct sysinfo info = {
        .uptime = (int64_t)(ns / 1000000000 + (ns % 1000000000 ? 1 : 0)),
        .totalram = m.total,
        .freeram = m.free,
        .sharedram = m.shmem,
        .procs = c.threads < UINT16_MAX ? c.threads : UINT16_MAX,
        .mem_unit = 1,
    };
    sched_load_averages(info.loads);
    for (int i = 0; i < 3; i++)
        info.loads[i] <<= SI_LOAD_SHIFT - FSHIFT;
    return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}
SYSCALL(SYS_sysinfo, sys_sysinfo);

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM 0x2
#define GRND_INSECURE 0x4
/* Bytes generated per user copy; a kill is checked between chunks. */
#define GETRANDOM_CHUNK 256

/*
 * getrandom(buf, len, flags): prune's pool is always ready, so no flag ever
 * blocks. Returns the bytes written: fewer than asked if a fault or a kill
 * stops it midway (as on Linux), -EFAULT if the first byte faults.
 */
static long sys_getrandom(uint64_t ubuf, uint64_t len, uint64_t flags)
{
    uint32_t fl = (uint32_t)flags; /* an unsigned int in Linux */
    if (fl & ~(uint32_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((fl & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
        return -EINVAL;
    if (len > MAX_RW_COUNT)
        len = MAX_RW_COUNT;
    if (!user_range_ok(ubuf, len))
        return -EFAULT;
    unsigned char chunk[GETRANDOM_CHUNK];
    uint64_t done = 0;
    while (done < len) {
        if (done && current_killed())
            break;
        /* Never across a page boundary: a fault then means that no byte
         * of the chunk could be written, and 'done' is exact. */
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        uint64_t to_page_end = PAGE_SIZE - (ubuf + done) % PAGE_SIZE;
        if (n > to_page_end)
            n = to_page_end;
        random_bytes(chunk, n);
        if (copy_to_user(ubuf + done, chunk, n)) {
            if (!done)
                return -EFAULT;
            break;
        }
        done += n;
    }
    memset(chunk, 0, sizeof(chunk));
    return (long)done;
}
SYSCALL(SYS_getrandom, sys_getrandom);

static long sys_sched_yield(void)
{
    yield();
    return 0;
}
SYSCALL(SYS_sched_yield, sys_sched_yield);

/*
 * sched_getaffinity(pid, len, mask): every online CPU, since prune pins no
 * thread (sched_setaffinity is not supported). Linux's checks: 'len' must
 * hold a bit per CPU and be a multiple of 8 (-EINVAL); pid 0 is the
 * caller, else a thread id (-ESRCH). Returns the bytes written: the
 * kernel's mask, MAX_CPUS bits.
 */
static long sys_sched_getaffinity(uint64_t pid, uint64_t len, uint64_t umask)
{
    if (len * 8 < (uint64_t)cpu_count || (len & (sizeof(uint64_t) - 1)))
        return -EINVAL;
    if ((int)pid != 0) {
        struct process *owner;
        spin_lock(&proc_lock);
        bool found = thread_find_locked((int)pid, &owner) != NULL;
        spin_unlock(&proc_lock);
        if (!found)
            return -ESRCH;
    }
    cpumask_t mask = __atomic_load_n(&cpus_online, __ATOMIC_RELAXED);
    return copy_to_user(umask, &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}
SYSCALL(SYS_sched_getaffinity, sys_sched_getaffinity);

/* Every process runs as root: uid and gid 0, real and effective. */
static long sys_getuid(void) { return 0; }
SYSCALL(SYS_getuid, sys_getuid);
static long sys_geteuid(void) { return 0; }
SYSCALL(SYS_geteuid, sys_geteuid);
static long sys_getgid(void) { return 0; }
SYSCALL(SYS_getgid, sys_getgid);
static long sys_getegid(void) { return 0; }
SYSCALL(SYS_getegid, sys_getegid);

#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIM_NLIMITS 16
#define RLIM_INFINITY UINT64_MAX
#define NR_OPEN_MAX 1048576 /* Linux's fs.nr_open default */

struct rlimit64 {
    uint64_t rlim_cur;
    uint64_t rlim_max;
};

/* The limits every process has (Linux's defaults where prune has the
 * matching constraint, unlimited elsewhere). */
static struct rlimit64 default_limit(int resource)
{
    switch (resource) {
    case RLIMIT_STACK:
        return (struct rlimit64){8ul << 20, RLIM_INFINITY};
    case RLIMIT_NOFILE:
        return (struct rlimit64){1024, 1024};
    default:
        return (struct rlimit64){RLIM_INFINITY, RLIM_INFINITY};
    }
}

/*
 * prlimit64(pid, resource, new, old): reports the fixed limits above. A new
 * limit is checked as Linux does and then ignored: limits are not
 * enforced, so a later read still shows the defaults. Linux's order of
 * checks: reading 'new' (-EFAULT), the pid (0 is the caller; -ESRCH), the
 * resource and new limit (-EINVAL; -EPERM for more files than Linux's
 * nr_open), then writing 'old' (-EFAULT).
 */
static long sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t unew, uint64_t uold)
{
    struct rlimit64 wanted;
    if (unew && copy_from_user(&wanted, unew, sizeof(wanted)))
        return -EFAULT;
    if ((int)pid != 0) {
        struct process *target = process_find((int)pid);
        if (!target)
            return -ESRCH;
        process_put(target);
    }
    if ((uint32_t)resource >= RLIM_NLIMITS)
        return -EINVAL;
    if (unew && wanted.rlim_cur > wanted.rlim_max)
        return -EINVAL;
    if (unew && (uint32_t)resource == RLIMIT_NOFILE && wanted.rlim_max > NR_OPEN_MAX)
        return -EPERM;
    struct rlimit64 limit = default_limit((int)resource);
    if (uold && copy_to_user(uold, &limit, sizeof(limit)))
        return -EFAULT;
    return 0;
}
SYSCALL(SYS_prlimit64, sys_prlimit64);

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/* arch_prctl(code, addr): the TLS base. ARCH_SET_GS/GET_GS and the rest
 * are not supported (-EINVAL). */
static long sys_arch_prctl(uint64_t code, uint64_t addr)
{
    struct thread *t = current_thread();
    switch (code) {
    case ARCH_SET_FS:
        if (!user_addr_ok(addr))
            return -EPERM;
        t->fs_base = addr;
        arch_set_fs_base(addr);
        return 0;
    case ARCH_GET_FS:
        return put_user_u64(addr, t->fs_base);
    default:
        return -EINVAL;
    }
}
SYSCALL(SYS_arch_prctl, sys_arch_prctl);

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_SET_PTRACER 0x59616d61 /* "Yama" */

/*
 * prctl(option, ...): the name (PR_SET_NAME/PR_GET_NAME: the process's,
 * 16 bytes with the NUL, what /proc/self/status shows), the signal to get
 * when the parent exits (PR_SET_PDEATHSIG), and the answers of a process
 * that dumps core and gains no privileges (PR_GET_DUMPABLE 1,
 * PR_SET_NO_NEW_PRIVS accepted: every process is root anyway), and Yama's
 * PR_SET_PTRACER (process_set_ptracer(): who else may read this process's
 * memory). Every other option gives -EINVAL, as Linux does for one it does
 * not know.
 */
static long sys_prctl(uint64_t option, uint64_t arg2, uint64_t arg3, uint64_t arg4,
                      uint64_t arg5)
{
    struct process *p = current_process();
    switch (option) {
    case PR_SET_NAME: {
        char name[PROC_NAME_LEN];
        long n = strncpy_from_user(name, arg2, sizeof(name));
        if (n == -EFAULT)
            return -EFAULT;
        if (n < 0)
            n = sizeof(name) - 1; /* cut, as Linux does */
        name[n] = '\0';
        memcpy(p->name, name, (size_t)n + 1);
        return 0;
    }
    case PR_GET_NAME:
        return copy_to_user(arg2, p->name, PROC_NAME_LEN) ? -EFAULT : 0;
    case PR_SET_PDEATHSIG:
        if (arg2 > NSIG)
            return -EINVAL;
        __atomic_store_n(&p->pdeath_signal, (int)arg2, __ATOMIC_RELAXED);
        return 0;
    case PR_GET_PDEATHSIG:
        return put_user_u32(arg2, (uint32_t)__atomic_load_n(&p->pdeath_signal, __ATOMIC_RELAXED))
                   ? -EFAULT : 0;
    case PR_GET_DUMPABLE:
        return 1;
    case PR_SET_DUMPABLE:
        return arg2 <= 1 ? 0 : -EINVAL;
    case PR_SET_NO_NEW_PRIVS:
        return arg2 == 1 && !arg3 && !arg4 && !arg5 ? 0 : -EINVAL;
    case PR_GET_NO_NEW_PRIVS:
        return arg2 || arg3 || arg4 || arg5 ? -EINVAL : 0;
    case PR_SET_PTRACER:
        return process_set_ptracer(p, (long)arg2);
    default:
        return -EINVAL;
    }
}
SYSCALL(SYS_prctl, sys_prctl);

#define ROBUST_LIST_HEAD_SIZE 24 /* struct robust_list_head */

/* set_robust_list(head, len): kept and reported back; prune does not walk
 * the list at exit (robust mutexes of a thread that dies holding them are
 * not released for the others). */
static long sys_set_robust_list(uint64_t head, uint64_t len)
{
    if (len != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    current_thread()->robust_list = head;
    return 0;
}
SYSCALL(SYS_set_robust_list, sys_set_robust_list);

/* get_robust_list(tid, head_ptr, len_ptr): tid 0 is the caller. */
static long sys_get_robust_list(uint64_t tid, uint64_t uhead, uint64_t ulen)
{
    uint64_t head;
    if ((int)tid == 0) {
        head = current_thread()->robust_list;
    } else {
        spin_lock(&proc_lock);
        struct process *owner;
        struct thread *t = thread_find_locked((int)tid, &owner);
        head = t ? t->robust_list : 0;
        spin_unlock(&proc_lock);
        if (!t)
            return -ESRCH;
    }
    if (put_user_u64(uhead, head) || put_user_u64(ulen, ROBUST_LIST_HEAD_SIZE))
        return -EFAULT;
    return 0;
}
SYSCALL(SYS_get_robust_list, sys_get_robust_list);

/* rseq: restartable sequences are not supported. Linux's answer for a
 * kernel without them; glibc then runs without (its start-up asks). */
static long sys_rseq(void)
{
    return -ENOSYS;
}
SYSCALL(SYS_rseq, sys_rseq);

/*
 * /proc's system files (fs/procfs.h): meminfo, uptime, loadavg, stat,
 * cpuinfo, mounts, version, and the figures sysinfo(2) shares with them
 * (fs/proc_sys.h).
 */
#include "fs/proc_sys.h"

#include "arch/x86_64/cpu.h"
#include "fs/proc_files.h"
#include "fs/tmpfs.h"
#include "kernel/hwinfo.h"
#include "kernel/percpu.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/user_stack.h"
#include "mm/as.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/pt_ref.h"
#include "mm/pt_trace.h"

#define NS_PER_SEC ((uint64_t)NSEC_PER_SEC)
#define NS_PER_TICK (NS_PER_SEC / USER_CLK_TCK)

void proc_memory(struct proc_meminfo *m)
{
    *m = (struct proc_meminfo){
        .total = mm_total_bytes(),
        .free = mm_free_bytes(),
        .shmem = tmpfs_pages() * PAGE_SIZE, /* the tmpfs's file data */
        .page_tables = as_pgtable_bytes_total(),
    };
    /* tmpfs data can be dropped only by removing files: not available */
    m->available = m->free;
}

void proc_meminfo_text(struct proc_buf *b)
{
    struct proc_meminfo m;
    proc_memory(&m);
    proc_text_meminfo(b, &m);
}

/* "12345.67" of a time in nanoseconds, as Linux prints seconds. */
static void put_seconds(struct proc_buf *b, uint64_t ns)
{
    proc_printf(b, "%lu.%02lu", ns / NS_PER_SEC, ns % NS_PER_SEC / (NS_PER_SEC / 100));
}

/* "uptime idle": seconds since boot and the idle time summed over CPUs. */
void proc_uptime_text(struct proc_buf *b)
{
    uint64_t idle = 0;
    for (int c = 0; c < cpu_count; c++)
        idle += sched_idle_ns(c);
    put_seconds(b, time_monotonic_ns());
    proc_printf(b, " ");
    put_seconds(b, idle);
    proc_printf(b, "\n");
}

/* "0.52 0.31 0.12 running/threads last_pid" (loadavg_proc_show()). */
void proc_loadavg_text(struct proc_buf *b)
{
    uint64_t loads[3];
    sched_load_averages(loads);
    for (int i = 0; i < 3; i++) {
        uint64_t l = loads[i] + FIXED_1 / 200; /* rounded to 1/100 */
        proc_printf(b, "%lu.%02lu ", l >> FSHIFT, ((l & (FIXED_1 - 1)) * 100) >> FSHIFT);
    }
    struct process_counts c;
    process_counts(&c);
    proc_printf(b, "%d/%d %d\n", c.running, c.threads, c.last_pid);
}

/* One "cpu" line: busy time as user, the idle time, the rest 0. */
static void put_cpu_line(struct proc_buf *b, const char *name, uint64_t busy_ns, uint64_t idle)
{
    proc_printf(b, "%s %lu 0 0 %lu 0 0 0 0 0 0\n", name, busy_ns / NS_PER_TICK,
                idle / NS_PER_TICK);
}

void proc_stat_text(struct proc_buf *b)
{
    uint64_t now = time_monotonic_ns(), idle_all = 0, switches = 0;
    for (int c = 0; c < cpu_count; c++) {
        idle_all += sched_idle_ns(c);
        switches += __atomic_load_n(&cpus[c].switches, __ATOMIC_RELAXED);
    }
    uint64_t all = now * cpu_count;
    put_cpu_line(b, "cpu ", all > idle_all ? all - idle_all : 0, idle_all);
    for (int c = 0; c < cpu_count; c++) {
        char name[8] = "cpu";
        name[3] = c < 10 ? (char)('0' + c) : (char)('0' + c / 10);
        name[4] = c < 10 ? '\0' : (char)('0' + c % 10);
        name[5] = '\0';
        uint64_t idle = sched_idle_ns(c);
        put_cpu_line(b, name, now > idle ? now - idle : 0, idle);
    }
    struct process_counts pc;
    process_counts(&pc);
    int64_t boot = time_realtime_ns() - (int64_t)now;
    proc_printf(b, "intr 0\nctxt %lu\nbtime %ld\nprocesses %d\n", switches, (long)(boot / NSEC_PER_SEC),
                pc.last_pid);
    proc_printf(b, "procs_running %d\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
                pc.running);
}

/* CPUID feature bits and Linux's names for them (arch/x86/include/asm/
 * cpufeatures.h), in Linux's order: leaf 1 EDX, then 0x80000001 EDX, then
 * leaf 1 ECX, then 0x80000001 ECX. */
struct cpu_flag {
    uint8_t word; /* 0: 1.EDX, 1: 0x80000001.EDX, 2: 1.ECX, 3: 0x80000001.ECX */
    uint8_t bit;
    const char *name;
};

static const struct cpu_flag cpu_flags[] = {
    {0, 0, "fpu"},      {0, 1, "vme"},      {0, 2, "de"},         {0, 3, "pse"},
    {0, 4, "tsc"},      {0, 5, "msr"},      {0, 6, "pae"},        {0, 7, "mce"},
    {0, 8, "cx8"},      {0, 9, "apic"},     {0, 11, "sep"},       {0, 12, "mtrr"},
    {0, 13, "pge"},     {0, 14, "mca"},     {0, 15, "cmov"},      {0, 16, "pat"},
    {0, 17, "pse36"},   {0, 19, "clflush"}, {0, 23, "mmx"},       {0, 24, "fxsr"},
    {0, 25, "sse"},     {0, 26, "sse2"},    {0, 28, "ht"},        {1, 11, "syscall"},
    {1, 20, "nx"},      {1, 26, "pdpe1gb"}, {1, 27, "rdtscp"},    {1, 29, "lm"},
    {2, 0, "pni"},      {2, 1, "pclmulqdq"}, {2, 9, "ssse3"},     {2, 12, "fma"},
    {2, 13, "cx16"},    {2, 17, "pcid"},    {2, 19, "sse4_1"},    {2, 20, "sse4_2"},
    {2, 21, "x2apic"},  {2, 22, "movbe"},   {2, 23, "popcnt"},    {2, 24, "tsc_deadline_timer"},
    {2, 25, "aes"},     {2, 26, "xsave"},   {2, 28, "avx"},       {2, 29, "f16c"},
    {2, 30, "rdrand"},  {2, 31, "hypervisor"}, {3, 0, "lahf_lm"}, {3, 5, "abm"},
    {3, 6, "sse4a"},
};

/* One block per online CPU, read with CPUID on the calling CPU (prune
 * runs on machines whose CPUs are alike). */
void proc_cpuinfo_text(struct proc_buf *b)
{
    uint32_t a, bx, c, d, max, words[4] = {0};
    char vendor[13], brand[49];
    cpuid(0, 0, &max, &bx, &c, &d);
    __builtin_memcpy(vendor, &bx, 4);
    __builtin_memcpy(vendor + 4, &d, 4);
    __builtin_memcpy(vendor + 8, &c, 4);
    vendor[12] = '\0';
    cpuid(1, 0, &a, &bx, &words[2], &words[0]);
    cpuid(0x80000001, 0, &max, &bx, &words[3], &words[1]);
    hwinfo_cpu_brand(brand);
    uint32_t family = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
    if (family == 0xf)
        family += (a >> 20) & 0xff;
    if (family >= 6)
        model |= ((a >> 16) & 0xf) << 4;
    uint64_t khz = time_cycles_per_second() / 1000;
    for (int cpu = 0; cpu < cpu_count; cpu++) {
        proc_printf(b, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n",
                    cpu, vendor, family, model);
        proc_printf(b, "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: %lu.%03lu\n", brand,
                    a & 0xf, khz / 1000, khz % 1000);
        proc_printf(b, "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n",
                    cpu_count, cpu, cpu_count);
        proc_printf(b, "apicid\t\t: %u\nfpu\t\t: yes\nfpu_exception\t: yes\nwp\t\t: yes\nflags\t\t:",
                    cpus[cpu].apic_id);
        for (size_t i = 0; i < sizeof(cpu_flags) / sizeof(cpu_flags[0]); i++)
            if (words[cpu_flags[i].word] >> cpu_flags[i].bit & 1)
                proc_printf(b, " %s", cpu_flags[i].name);
        proc_printf(b, "\nbogomips\t: %lu.%02lu\nclflush size\t: 64\ncache_alignment\t: 64\n",
                    khz * 2 / 1000, khz * 2 % 1000 / 10);
        proc_printf(b, "address sizes\t: 48 bits physical, 48 bits virtual\npower management:\n\n");
    }
}

/* The file systems prune has: the initrd's tree at /, /proc and /dev. */
void proc_mounts_text(struct proc_buf *b)
{
    proc_printf(b, "rootfs / rootfs rw 0 0\n"
                   "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
                   "devtmpfs /dev devtmpfs rw,relatime,mode=755 0 0\n");
}

void proc_version_text(struct proc_buf *b)
{
    proc_printf(b, "prune version 0.4 (prune@prune) (gcc) #1 SMP prune\n");
}

/* prune's page-table files (mm/pt_ref.h, mm/pt_trace.h). */

void proc_ptstat_text(struct proc_buf *b)
{
    char text[1024];
    size_t n = pt_stat_text(text, sizeof(text));
    proc_put(b, text, n < sizeof(text) ? n : sizeof(text) - 1);
}

/* "1" (a newline may follow): frees every page table that holds no data,
 * in every process, now (mm/pt_ref.h, pt_drop_tables), as drop_caches does
 * for caches. Anything else: -EINVAL. */
long proc_drop_page_tables(const char *text, size_t len)
{
    if (len && text[len - 1] == '\n')
        len--;
    if (len != 1 || text[0] != '1')
        return -EINVAL;
    pt_drop_tables();
    return 0;
}

/* /proc/pttrace: the recorded events, taken out (mm/pt_trace.h). */
size_t proc_pttrace_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len)
{
    (void)o;
    (void)pos;
    return pt_trace_read(buf, len);
}

/* Writing "on" or "off" (a newline may follow) switches recording. */
long proc_pttrace_write(const char *text, size_t len)
{
    if (len && text[len - 1] == '\n')
        len--;
    bool on = len == 2 && memcmp(text, "on", 2) == 0;
    if (!on && !(len == 3 && memcmp(text, "off", 3) == 0))
        return -EINVAL;
    return pt_trace_switch(on);
}

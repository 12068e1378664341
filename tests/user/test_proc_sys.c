/*
 * The system files of /proc parsed as busybox parses them: uptime ("%lf
 * %lf", uptime and top), loadavg (three averages, running/total, the last
 * pid: top), stat (the "cpu  " line of ten numbers, one line per CPU,
 * ctxt, btime, processes, procs_running: top), meminfo (every field free
 * and top read, in Linux's order and "%-16s%8lu kB" layout), cpuinfo
 * (a "processor" block per CPU: nproc, top), mounts; and sysinfo(2)
 * agreeing with meminfo and uptime.
 */
/* prune-test: deterministic-output */
#include "ut.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sys/sysinfo.h>

static char buf[65536];

/* Reads a whole /proc file into buf (NUL-terminated): its length or -1. */
static long read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    long n;
    while (len + 1 < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
        len += n;
    buf[len] = '\0';
    close(fd);
    return (long)len;
}

/* The value in kB of meminfo's field 'name' in buf, at or after *from
 * (which moves past it: the fields must come in order); -1 if missing or
 * not in Linux's layout. */
static long meminfo_field(const char *name, const char **from)
{
    char key[40];
    snprintf(key, sizeof(key), "\n%s:", name);
    const char *at = strstr(*from - 1, key);
    if (!at)
        return -1;
    const char *value = at + 1 + strlen(name) + 1;
    size_t spaces = strspn(value, " ");
    size_t digits = strspn(value + spaces, "0123456789");
    /* the name and colon padded to 16 columns, then the number to 8 */
    if (strlen(name) + 1 + spaces + digits != 16 + 8 && digits <= 8)
        return -1;
    if (strncmp(value + spaces + digits, " kB\n", 4) != 0)
        return -1;
    *from = value;
    return strtol(value, NULL, 10);
}

static void check_meminfo(void)
{
    static const char *const fields[] = {
        "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached",
        "SwapTotal", "SwapFree", "Shmem", "SReclaimable", "PageTables",
    };
    CHECK(read_file("/proc/meminfo") > 0);
    const char *from = buf + 1;
    CHECK(strncmp(buf, "MemTotal:", 9) == 0);
    long value[sizeof(fields) / sizeof(fields[0])];
    bool ok = true;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        value[i] = i == 0 ? strtol(buf + 9, NULL, 10) : meminfo_field(fields[i], &from);
        if (value[i] < 0)
            printf("meminfo: %s missing, out of order or not in Linux's layout\n", fields[i]);
        ok &= value[i] >= 0;
    }
    printf("meminfo: the fields free and top read, in order: %d\n", ok);
    CHECK(ok);
    CHECK(value[1] <= value[0] && value[2] <= value[0]);

    struct sysinfo si;
    CHECK(sysinfo(&si) == 0);
    unsigned long long total_kb = (unsigned long long)si.totalram * si.mem_unit / 1024;
    unsigned long long free_kb = (unsigned long long)si.freeram * si.mem_unit / 1024;
    unsigned long long shared_kb = (unsigned long long)si.sharedram * si.mem_unit / 1024;
    /* free memory moves between the two reads: within 1/8 of the total */
    long long free_gap = (long long)free_kb - value[1];
    printf("sysinfo: totalram is MemTotal %d, freeram near MemFree %d, sharedram near Shmem %d, "
           "procs > 0 %d\n",
           total_kb == (unsigned long long)value[0],
           free_gap < value[0] / 8 && free_gap > -value[0] / 8,
           (long long)shared_kb - value[8] < value[0] / 8, si.procs > 0);
    CHECK(total_kb == (unsigned long long)value[0]);
    CHECK(free_gap < value[0] / 8 && free_gap > -value[0] / 8);
    CHECK(si.totalswap == 0 || si.totalswap * si.mem_unit / 1024 == (unsigned long)value[6]);
    CHECK(si.procs > 0);

    double up = 0, idle = 0;
    CHECK(read_file("/proc/uptime") > 0);
    int n = sscanf(buf, "%lf %lf", &up, &idle);
    printf("uptime: two numbers %d, sysinfo's uptime within 2 s %d\n", n == 2,
           si.uptime >= up - 2 && si.uptime <= up + 2);
    CHECK(n == 2 && up > 0 && idle >= 0);
    CHECK(si.uptime >= up - 2 && si.uptime <= up + 2);
}

static void check_loadavg_and_stat(void)
{
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CHECK(waitpid(child, NULL, 0) == child);
    CHECK(read_file("/proc/loadavg") > 0);
    double l1, l5, l15;
    int running = 0, total = 0, last = 0;
    int n = sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &total, &last);
    printf("loadavg: six fields %d, running in [1, total] %d, last pid >= the child's %d\n",
           n == 6, running >= 1 && running <= total, last >= child);
    CHECK(n == 6 && running >= 1 && running <= total && last >= child);

    CHECK(read_file("/proc/stat") > 0);
    unsigned long long t[10];
    n = sscanf(buf, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &t[0], &t[1],
               &t[2], &t[3], &t[4], &t[5], &t[6], &t[7], &t[8], &t[9]);
    int cpus = 0;
    for (const char *at = buf; (at = strstr(at, "\ncpu")); at++)
        cpus++;
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    const char *ctxt = strstr(buf, "\nctxt "), *btime = strstr(buf, "\nbtime ");
    const char *procs = strstr(buf, "\nprocesses "), *run = strstr(buf, "\nprocs_running ");
    printf("stat: cpu line of 10 %d, a line per CPU %d, ctxt btime processes procs_running "
           "%d\n",
           n == 10, cpus == nproc, ctxt && btime && procs && run && strstr(buf, "\nprocs_blocked "));
    CHECK(n == 10 && cpus == nproc && ctxt && btime && procs && run);
    CHECK(run && strtol(run + 15, NULL, 10) >= 1);
    CHECK(btime && strtoll(btime + 7, NULL, 10) > 1000000000);

    CHECK(read_file("/proc/cpuinfo") > 0);
    int blocks = 0;
    for (const char *at = buf; (at = strstr(at, "processor\t: ")); at++)
        blocks++;
    printf("cpuinfo: a block per CPU %d, model name %d\n", blocks == nproc,
           strstr(buf, "\nmodel name\t: ") != NULL);
    CHECK(blocks == nproc && strstr(buf, "\nmodel name\t: ") && strstr(buf, "\nflags\t\t: "));

    CHECK(read_file("/proc/mounts") > 0);
    printf("mounts: / and /proc %d\n", strstr(buf, " / ") && strstr(buf, "proc /proc proc "));
    CHECK(strstr(buf, " / ") && strstr(buf, "proc /proc proc "));
    CHECK(read_file("/proc/version") > 0 && strstr(buf, " version "));
}

int main(void)
{
    ut_start();
    check_meminfo();
    check_loadavg_and_stat();
    return ut_finish("test_proc_sys");
}

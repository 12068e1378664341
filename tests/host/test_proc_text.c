/*
 * Host tests of the /proc text (fs/proc_text.c): the lines are compared
 * byte for byte with what Linux 6.x prints (fs/proc/array.c, meminfo.c,
 * task_mmu.c).
 */
#include <string.h>

#include "tests/host/host_test.h"
#include "lib/format.c"
#include "lib/string.c"
#include "fs/proc_text.c"

HOST_TEST(status_has_linux_layout)
{
    struct proc_status s = {.name = "init", .state = 'R', .tgid = 1, .pid = 1, .ppid = 0,
                            .pgid = 1, .sid = 1, .threads = 4, .has_mm = true,
                            .vm = {.size = 3060 * 1024, .rss = 1234 * 1024, .data = 360 * 1024,
                                   .stack = 132 * 1024, .exec = 20 * 1024, .pte = 48 * 1024}};
    char buf[2048];
    struct proc_buf b = {buf, sizeof(buf), 0};
    proc_text_status(&b, &s);
    CHECK(b.len == strlen(buf));
    CHECK(strncmp(buf, "Name:\tinit\nUmask:\t0022\nState:\tR (running)\nTgid:\t1\nNgid:\t0\n"
                       "Pid:\t1\nPPid:\t0\nTracerPid:\t0\n", 81) == 0);
    CHECK(strstr(buf, "VmSize:\t    3060 kB\n") != NULL);
    CHECK(strstr(buf, "VmRSS:\t    1234 kB\nRssAnon:\t    1234 kB\n") != NULL);
    CHECK(strstr(buf, "VmData:\t     360 kB\nVmStk:\t     132 kB\nVmExe:\t      20 kB\n") != NULL);
    CHECK(strstr(buf, "VmPTE:\t      48 kB\n") != NULL);
    CHECK(strstr(buf, "\nThreads:\t4\n") != NULL);
}

HOST_TEST(zombie_status_has_no_vm_lines)
{
    struct proc_status s = {.name = "x", .state = 'Z', .tgid = 7, .pid = 7, .ppid = 1};
    char buf[2048];
    struct proc_buf b = {buf, sizeof(buf), 0};
    proc_text_status(&b, &s);
    CHECK(strstr(buf, "State:\tZ (zombie)\n") != NULL);
    CHECK(strstr(buf, "Vm") == NULL);
}

HOST_TEST(status_name_is_cut_and_escaped)
{
    struct proc_status s = {.name = "a\nb\\c-0123456789abcdef", .state = 'S'};
    char buf[2048];
    struct proc_buf b = {buf, sizeof(buf), 0};
    proc_text_status(&b, &s);
    const char *want = "Name:\ta\\nb\\\\c-012345678\n"; /* 15 bytes of the name */
    CHECK(strncmp(buf, want, strlen(want)) == 0);
    CHECK(strstr(buf, "State:\tS (sleeping)\n") != NULL);
}

HOST_TEST(stat_has_52_fields)
{
    struct proc_status s = {.name = "cat", .state = 'R', .tgid = 20, .pid = 20, .ppid = 19,
                            .pgid = 19, .sid = 5, .threads = 1, .has_mm = true,
                            .vm = {.size = 3133440, .rss = 413 * 4096}, .utime_ticks = 3,
                            .start_ticks = 2594165};
    char buf[1024];
    struct proc_buf b = {buf, sizeof(buf), 0};
    proc_text_stat(&b, &s);
    const char *want = "20 (cat) R 19 19 5 0 -1 0 0 0 0 0 3 0 0 0 20 0 1 0 2594165 3133440 413 "
                       "18446744073709551615 ";
    CHECK(strncmp(buf, want, strlen(want)) == 0);
    int fields = 1;
    for (const char *c = buf; *c; c++)
        fields += *c == ' ';
    CHECK(fields == 52);
    CHECK(buf[b.len - 1] == '\n');
}

HOST_TEST(statm_counts_pages)
{
    struct proc_vm vm = {.size = 765 * 4096, .rss = 436 * 4096, .exec = 5 * 4096,
                         .data = 100 * 4096, .stack = 23 * 4096};
    char buf[128];
    struct proc_buf b = {buf, sizeof(buf), 0};
    proc_text_statm(&b, &vm);
    CHECK(strcmp(buf, "765 436 0 5 0 123 0\n") == 0);
}

HOST_TEST(meminfo_has_linux_layout)
{
    struct proc_meminfo m = {.total = 16314404ull * 1024, .free = 512 * 1024,
                             .available = 512 * 1024, .page_tables = 37108 * 1024};
    char buf[4096];
    struct proc_buf b = {buf, sizeof(buf), 0};
    proc_text_meminfo(&b, &m);
    const char *want = "MemTotal:       16314404 kB\n"
                       "MemFree:             512 kB\n"
                       "MemAvailable:        512 kB\n"
                       "Buffers:               0 kB\n"
                       "Cached:                0 kB\n"
                       "SwapCached:            0 kB\n";
    CHECK(strncmp(buf, want, strlen(want)) == 0);
    CHECK(strstr(buf, "\nSwapTotal:             0 kB\nSwapFree:              0 kB\n") != NULL);
    CHECK(strstr(buf, "\nPageTables:        37108 kB\n") != NULL);
    CHECK(strstr(buf, "\nShmem:                 0 kB\n") != NULL);
}

HOST_TEST(maps_names_start_at_column_73)
{
    char buf[256];
    struct proc_buf b = {buf, sizeof(buf), 0};
    proc_text_maps_line(&b, 0x55fff4f5c000, 0x55fff4f7d000, 3, false, 0, "[heap]");
    CHECK(strcmp(buf, "55fff4f5c000-55fff4f7d000 rw-p 00000000 00:00 0"
                      "                          [heap]\n") == 0);
    b.len = 0;
    proc_text_maps_line(&b, 0x400000, 0x401000, 5, true, 0x2000, NULL);
    CHECK(strcmp(buf, "00400000-00401000 r-xs 00002000 00:00 0 \n") == 0);
}

HOST_TEST(short_buffer_is_cut_and_reports_the_full_length)
{
    struct proc_meminfo m = {.total = 1 << 20};
    char full[4096], cut[10];
    struct proc_buf bf = {full, sizeof(full), 0}, bc = {cut, sizeof(cut), 0}, bn = {NULL, 0, 0};
    proc_text_meminfo(&bf, &m);
    proc_text_meminfo(&bc, &m);
    proc_text_meminfo(&bn, &m);
    CHECK(bc.len == bf.len && bn.len == bf.len);
    CHECK(strncmp(cut, full, sizeof(cut) - 1) == 0 && cut[sizeof(cut) - 1] == '\0');
}

HOST_TEST_MAIN()

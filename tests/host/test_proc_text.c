/*
 * Host tests of the /proc text (fs/proc_text.c): the lines are compared
 * byte for byte with what Linux 6.x prints (fs/proc/array.c, meminfo.c).
 */
#include <string.h>

#include "tests/host/host_test.h"
#include "lib/format.c"
#include "fs/proc_text.c"

HOST_TEST(status_has_linux_layout)
{
    struct proc_status s = {.name = "init", .state = 'R', .tgid = 1, .pid = 1, .ppid = 0,
                            .threads = 4, .rss_bytes = 1234 * 1024, .pte_bytes = 48 * 1024};
    char buf[512];
    size_t n = proc_text_status(buf, sizeof(buf), &s);
    const char *want = "Name:\tinit\n"
                       "State:\tR (running)\n"
                       "Tgid:\t1\n"
                       "Pid:\t1\n"
                       "PPid:\t0\n"
                       "VmRSS:\t    1234 kB\n"
                       "VmPTE:\t      48 kB\n"
                       "Threads:\t4\n";
    CHECK(n == strlen(want));
    CHECK(strcmp(buf, want) == 0);
}

HOST_TEST(status_big_values_widen_the_column)
{
    struct proc_status s = {.name = "x", .state = 'S', .tgid = 7, .pid = 9, .ppid = 1,
                            .threads = 1, .rss_bytes = 123456789ull * 1024,
                            .pte_bytes = 1023};
    char buf[512];
    proc_text_status(buf, sizeof(buf), &s);
    CHECK(strstr(buf, "State:\tS (sleeping)\n") != NULL);
    CHECK(strstr(buf, "Tgid:\t7\nPid:\t9\nPPid:\t1\n") != NULL);
    CHECK(strstr(buf, "VmRSS:\t123456789 kB\n") != NULL);
    CHECK(strstr(buf, "VmPTE:\t       0 kB\n") != NULL); /* bytes round down */
}

HOST_TEST(status_name_is_cut_and_escaped)
{
    struct proc_status s = {.name = "a\nb\\c-0123456789abcdef", .state = 'Z'};
    char buf[512];
    proc_text_status(buf, sizeof(buf), &s);
    const char *want = "Name:\ta\\nb\\\\c-012345678\n"; /* 15 bytes of the name */
    CHECK(strncmp(buf, want, strlen(want)) == 0);
    CHECK(strstr(buf, "State:\tZ (zombie)\n") != NULL);
}

HOST_TEST(meminfo_has_linux_layout)
{
    struct proc_meminfo m = {.total = 16314404ull * 1024, .free = 512 * 1024,
                             .shmem = 2048 * 1024, .page_tables = 37108 * 1024};
    char buf[512];
    size_t n = proc_text_meminfo(buf, sizeof(buf), &m);
    const char *want = "MemTotal:       16314404 kB\n"
                       "MemFree:             512 kB\n"
                       "MemAvailable:        512 kB\n"
                       "Shmem:              2048 kB\n"
                       "PageTables:        37108 kB\n";
    CHECK(n == strlen(want));
    CHECK(strcmp(buf, want) == 0);
}

HOST_TEST(short_buffer_is_cut_and_reports_the_full_length)
{
    struct proc_meminfo m = {.total = 1 << 20};
    char full[512], cut[10];
    size_t n = proc_text_meminfo(full, sizeof(full), &m);
    CHECK(proc_text_meminfo(cut, sizeof(cut), &m) == n);
    CHECK(strncmp(cut, full, sizeof(cut) - 1) == 0 && cut[sizeof(cut) - 1] == '\0');
    CHECK(proc_text_meminfo(NULL, 0, &m) == n);
}

HOST_TEST_MAIN()

/* The in-kernel test runner; see tests/kernel/ktest.h. */
#include "tests/kernel/ktest.h"

#include "arch/x86_64/apic.h"
#include "drivers/poweroff.h"
#include "kernel/boot_hook.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/wait.h"
#include "lib/string.h"

extern const struct ktest __ktests_start[], __ktests_end[];

static int current_failures;

bool ktest_check(bool cond, const char *expr, const char *file, int line)
{
    if (!cond) {
        current_failures++;
        printk("    # %s:%d: expected %s\n", file, line, expr);
    }
    return cond;
}

/* Whether test t's name contains one of the comma-separated words of
 * 'filter' (or the filter is "all"). */
static bool selected(const struct ktest *t, const char *filter)
{
    if (strcmp(filter, "all") == 0)
        return true;
    char word[64];
    for (const char *w = filter; *w;) {
        size_t len = 0;
        while (w[len] && w[len] != ',')
            len++;
        if (len > 0 && len < sizeof(word)) {
            memcpy(word, w, len);
            word[len] = '\0';
            if (strstr(t->name, word))
                return true;
        }
        w += len + (w[len] == ',');
    }
    return false;
}

int ktest_run(const char *filter)
{
    int total = 0, failed = 0, number = 0;
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
        total += selected(t, filter);

    printk("KTAP version 1\n1..%d\n", total);
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (!selected(t, filter))
            continue;
        current_failures = 0;
        t->run();
        number++;
        if (current_failures)
            failed++;
        printk("%s %d %s\n", current_failures ? "not ok" : "ok", number, t->name);
    }
    printk("# ktest: %d passed, %d failed\n", total - failed, failed);
    return failed;
}

bool ktest_wait_for_count(int *counter, int target, int timeout_s)
{
    uint64_t end = sched_ticks() + (uint64_t)timeout_s * TIMER_HZ;
    while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < target) {
        if (sched_ticks() >= end)
            return false;
        sleep_ticks(1);
    }
    return true;
}

/* ktest=WORD on the command line: runs the tests, then ends the boot with
 * the verdict as QEMU's exit status. */
static void ktest_boot(const char *filter)
{
    int failed = ktest_run(*filter ? filter : "all");
    machine_exit(failed ? EXIT_TESTS_FAILED : 0);
}
BOOT_HOOK("ktest", ktest_boot);

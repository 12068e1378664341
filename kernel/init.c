/*
 * Starting user space: the first program (PID 1) and, with "leakcheck" on
 * the command line, the check that everything user space took was given
 * back. See docs/userspace.md.
 */
#include "kernel/init.h"

#include "drivers/poweroff.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/wait.h"
#include "lib/cmdline.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/pt_ref.h"

#define INIT_DEFAULT "/bin/init"

/* Prints the KTAP result of the leak check: frames and kmalloc bytes now
 * against the figures taken before PID 1 started. */
static void leak_check_report(uint64_t frames_before, uint64_t kmalloc_before)
{
    for (int i = 0; i < 100 && thread_detached_count(); i++)
        sleep_ms(10); /* the last user threads are being freed by their CPUs */
    pt_drain(); /* page tables still waiting for a grace period or an IPI */
    uint64_t frames_after = frame_free_count();
    uint64_t kmalloc_after = kmalloc_in_use();
    bool ok = frames_after == frames_before && kmalloc_after == kmalloc_before &&
              thread_detached_count() == 0;
    printk("KTAP version 1\n1..1\n%s 1 user-leak-check # free frames %lu before, %lu after; "
           "kmalloc objects in use %lu before, %lu after; %d user threads left\n",
           ok ? "ok" : "not ok", frames_before, frames_after, kmalloc_before, kmalloc_after,
           thread_detached_count());
}

void init_run(void)
{
    static const char *default_argv[] = { INIT_DEFAULT, NULL };
    const char **argv = kernel_cmdline.init_argc ? kernel_cmdline.init_argv : default_argv;
    if (!*argv[0])
        argv[0] = INIT_DEFAULT; /* "init= ARGS...": the default program, with ARGS */
    const char *path = argv[0];

    bool leakcheck = cmdline_get(&kernel_cmdline, "leakcheck") != NULL;
    uint64_t frames_before = frame_free_count();
    uint64_t kmalloc_before = kmalloc_in_use();
    int status = process_run_init(path, argv);
    if (leakcheck)
        leak_check_report(frames_before, kmalloc_before);
    printk("prune: exit status %d\n", status);
    machine_exit((uint8_t)status);
}

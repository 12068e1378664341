/*
 * Starting user space: the first program (PID 1) and, with "leakcheck" on
 * the command line, the check that everything user space took was given
 * back. See docs/userspace.md.
 */
#include "kernel/init.h"

#include "kernel/cmdline.h"
#include "kernel/poweroff.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/string.h"
#include "kernel/thread.h"
#include "kernel/wait.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/pt_ref.h"

#define INIT_DEFAULT "/bin/init"
#define INIT_MAX_ARGS 32

/* Splits 'text' (a copy the caller owns) at spaces into argv[first..];
 * returns the argc reached. */
static int split_words(char *text, const char **argv, int first)
{
    int argc = first;
    char *s = text;
    while (*s && argc < INIT_MAX_ARGS) {
        while (*s == ' ')
            *s++ = '\0';
        if (!*s)
            break;
        argv[argc++] = s;
        while (*s && *s != ' ')
            s++;
    }
    argv[argc] = NULL;
    return argc;
}

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
    static char args[CMDLINE_MAX];
    static const char *argv[INIT_MAX_ARGS + 1];
    const char *path = cmdline_get(&kernel_cmdline, "init");
    if (!path || !*path)
        path = INIT_DEFAULT;
    argv[0] = path;
    memcpy(args, kernel_cmdline.init_args, strnlen(kernel_cmdline.init_args, CMDLINE_MAX - 1));
    split_words(args, argv, 1);

    bool leakcheck = cmdline_get(&kernel_cmdline, "leakcheck") != NULL;
    uint64_t frames_before = frame_free_count();
    uint64_t kmalloc_before = kmalloc_in_use();
    int status = process_run_init(path, argv);
    if (leakcheck)
        leak_check_report(frames_before, kmalloc_before);
    printk("prune: exit status %d\n", status);
    machine_exit((uint8_t)status);
}

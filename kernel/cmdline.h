/*
 * The kernel command line: words separated by spaces, each "key=value" or a
 * bare "key" (value ""). Everything after "init=PATH" belongs to PID 1:
 * it is kept whole in init_args and not parsed as options.
 * Pure logic, unit-tested on the host (tests/host/test_cmdline.c).
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stddef.h>

#define CMDLINE_MAX 1024
#define CMDLINE_MAX_OPTIONS 32

struct cmdline_option {
    const char *key;
    const char *value;
};

struct cmdline {
    char text[CMDLINE_MAX]; /* a copy, cut into NUL-terminated keys and values */
    struct cmdline_option options[CMDLINE_MAX_OPTIONS];
    int count;
    const char *init_args; /* words after init=PATH, "" if none */
};

/* Parses 'text' into 'cl'. Extra options beyond CMDLINE_MAX_OPTIONS are dropped. */
void cmdline_parse(struct cmdline *cl, const char *text);

/* The value of the last 'key' option, "" for a bare key, NULL if absent. */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* The kernel's own command line, parsed at boot. */
extern struct cmdline kernel_cmdline;

#endif

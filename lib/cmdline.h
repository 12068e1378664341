/*
 * The kernel command line: words separated by spaces, tabs or newlines.
 * Each word is an option, "key=value" or a bare "key" (value ""), up to
 * "init=PATH", the last option: PATH and the words after it make PID 1's
 * argv, {PATH, ARGS...}; those words are not options.
 *
 * The one limit is the length: at most CMDLINE_MAX - 1 bytes, Linux's
 * COMMAND_LINE_SIZE on x86. The tables hold as many words as such a line
 * can have, so no option and no argument is ever dropped; a longer line is
 * refused whole (the kernel stops with a message), never cut.
 * Pure logic, unit-tested on the host (tests/host/test_cmdline.c).
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX 2048 /* bytes, with the final NUL */
/* The most words CMDLINE_MAX - 1 bytes hold: one byte and one separator each. */
#define CMDLINE_MAX_WORDS (CMDLINE_MAX / 2)

struct cmdline_option {
    const char *key;
    const char *value;
};

struct cmdline {
    char text[CMDLINE_MAX]; /* a copy, cut into NUL-terminated words */
    struct cmdline_option options[CMDLINE_MAX_WORDS]; /* the words up to init=PATH */
    int count;
    /* PID 1's argv: {PATH, ARGS..., NULL} from "init=PATH ARGS...", the
     * PATH possibly ""; {NULL} without init=. */
    const char *init_argv[CMDLINE_MAX_WORDS + 1];
    int init_argc;
};

/*
 * Parses the line 'text', 'length' bytes long (its strlen), into 'cl'.
 * Returns true; or false if the line is longer than CMDLINE_MAX - 1 bytes:
 * 'cl' then has no option and no init=, and 'text' is not read.
 */
bool cmdline_parse(struct cmdline *cl, const char *text, size_t length);

/* The value of the last 'key' option, "" for a bare key, NULL if absent. */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* The kernel's own command line, parsed at boot. */
extern struct cmdline kernel_cmdline;

#endif

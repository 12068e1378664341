/*
 * The "#!" line of a script, parsed as Linux's fs/binfmt_script.c does:
 * execve of a file that starts with "#!" runs the interpreter the line
 * names, with the line's one optional argument, then the script's path,
 * then the script's arguments after argv[0]:
 *     #!/bin/sh -e          execve("./s", {"s", "x"})
 *     runs /bin/sh with     {"/bin/sh", "-e", "./s", "x"}
 * The interpreter ends at the first blank (space or tab); the argument is
 * the rest of the line with blanks at both ends taken off: it may hold
 * blanks and is never split. Only the first SHEBANG_HEAD bytes of the file
 * are read: a line that does not end there is cut at that length, unless
 * the cut would fall inside the interpreter's name (then ENOEXEC).
 * Pure logic, unit-tested on the host (tests/host/test_shebang.c).
 */
#ifndef LIB_SHEBANG_H
#define LIB_SHEBANG_H

#include <stdbool.h>
#include <stddef.h>

#define SHEBANG_HEAD 256 /* bytes of a file read to find the line (Linux's BINPRM_BUF_SIZE) */

struct shebang {
    char line[SHEBANG_HEAD]; /* a copy of the head, cut into the two strings */
    const char *interp;      /* the interpreter's path */
    const char *arg;         /* its one optional argument, or NULL */
};

/*
 * Parses the first 'n' bytes of a file (n <= SHEBANG_HEAD; fewer if the
 * file is shorter). Returns 1 and fills *out if they start with "#!" and
 * name an interpreter; 0 if they do not start with "#!"; -ENOEXEC if the
 * line names no interpreter or the name is cut by the SHEBANG_HEAD limit.
 */
int shebang_parse(const char *head, size_t n, struct shebang *out);

#endif

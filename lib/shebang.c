/* The "#!" line of a script; see lib/shebang.h. */
#include "lib/shebang.h"

#include "kernel/errno.h"
#include "lib/string.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A blank or the end of a string: where the interpreter's name stops. */
static bool ends_name(char c)
{
    return is_blank(c) || c == '\0';
}

int shebang_parse(const char *head, size_t n, struct shebang *out)
{
    if (n < 2 || head[0] != '#' || head[1] != '!')
        return 0;
    /* The head as Linux reads it: SHEBANG_HEAD bytes, zeros past the file's
     * end, and the last one kept as the terminator. */
    memset(out->line, 0, sizeof(out->line));
    memcpy(out->line, head, n);
    char *last = out->line + SHEBANG_HEAD - 1;
    char *end = out->line;
    while (end <= last && *end != '\n')
        end++;
    if (end > last) {
        char *p = out->line + 2;
        while (p < last && is_blank(*p))
            p++;
        char *q = p;
        while (q < last && !ends_name(*q))
            q++;
        if (p == last || q == last)
            return -ENOEXEC; /* only blanks, or the name runs into the cut */
        end = last;
    }
    while (end > out->line + 2 && is_blank(end[-1]))
        end--;
    *end = '\0';
    char *name = out->line + 2;
    while (is_blank(*name))
        name++;
    if (*name == '\0')
        return -ENOEXEC;
    char *sep = name;
    while (!ends_name(*sep))
        sep++;
    out->interp = name;
    out->arg = NULL;
    if (*sep != '\0') {
        *sep = '\0';
        char *arg = sep + 1;
        while (is_blank(*arg))
            arg++;
        if (*arg != '\0')
            out->arg = arg;
    }
    return 1;
}

/* Kernel command line parser; see kernel/cmdline.h. */
#include "kernel/cmdline.h"

#include "kernel/string.h"

struct cmdline kernel_cmdline;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

void cmdline_parse(struct cmdline *cl, const char *text)
{
    size_t n = strnlen(text, CMDLINE_MAX - 1);
    memcpy(cl->text, text, n);
    cl->text[n] = '\0';
    cl->count = 0;
    cl->init_args = "";

    char *p = cl->text;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        char *word = p;
        while (*p && !is_space(*p))
            p++;
        char *word_end = p;
        if (*p)
            p++;
        *word_end = '\0';

        char *eq = strchr(word, '=');
        if (eq)
            *eq = '\0';
        if (cl->count < CMDLINE_MAX_OPTIONS) {
            cl->options[cl->count].key = word;
            cl->options[cl->count].value = eq ? eq + 1 : "";
            cl->count++;
        }
        if (strcmp(word, "init") == 0) {
            while (is_space(*p))
                p++;
            cl->init_args = p;
            break;
        }
    }
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
    for (int i = cl->count - 1; i >= 0; i--)
        if (strcmp(cl->options[i].key, key) == 0)
            return cl->options[i].value;
    return NULL;
}

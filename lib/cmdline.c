/* Kernel command line parser; see lib/cmdline.h. */
#include "lib/cmdline.h"

#include "kernel/panic.h"
#include "lib/string.h"

struct cmdline kernel_cmdline;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/*
 * Cuts the next word out of the text at *cursor: NUL-terminates it in place,
 * moves *cursor past it and returns it; NULL when no word is left. A word
 * takes at least one byte and one separator (or the end), so a line of n
 * bytes has at most (n + 1) / 2 words.
 */
static char *next_word(char **cursor)
{
    char *p = *cursor;
    while (is_space(*p))
        p++;
    if (!*p)
        return NULL;
    char *word = p;
    while (*p && !is_space(*p))
        p++;
    if (*p)
        *p++ = '\0';
    *cursor = p;
    return word;
}

/* Stores the option 'word' ("key=value" or "key", cut at its first '='). */
static void add_option(struct cmdline *cl, char *word)
{
    ASSERT(cl->count < CMDLINE_MAX_WORDS);
    char *eq = strchr(word, '=');
    if (eq)
        *eq = '\0';
    cl->options[cl->count].key = word;
    cl->options[cl->count].value = eq ? eq + 1 : "";
    cl->count++;
}

/* Appends 'word' to PID 1's argv, keeping it NULL-terminated. */
static void add_init_arg(struct cmdline *cl, const char *word)
{
    ASSERT(cl->init_argc < CMDLINE_MAX_WORDS);
    cl->init_argv[cl->init_argc++] = word;
    cl->init_argv[cl->init_argc] = NULL;
}

bool cmdline_parse(struct cmdline *cl, const char *text, size_t length)
{
    cl->count = 0;
    cl->init_argc = 0;
    cl->init_argv[0] = NULL;
    if (length > CMDLINE_MAX - 1)
        return false;
    memcpy(cl->text, text, length);
    cl->text[length] = '\0';

    char *cursor = cl->text;
    char *word;
    while (cl->init_argc == 0 && (word = next_word(&cursor))) {
        add_option(cl, word);
        if (strcmp(cl->options[cl->count - 1].key, "init") == 0)
            add_init_arg(cl, cl->options[cl->count - 1].value);
    }
    while ((word = next_word(&cursor)))
        add_init_arg(cl, word);
    return true;
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
    for (int i = cl->count - 1; i >= 0; i--)
        if (strcmp(cl->options[i].key, key) == 0)
            return cl->options[i].value;
    return NULL;
}

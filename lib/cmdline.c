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
 * Cuts the next word out of the text at *cursor, as Linux's next_arg()
 * does: NUL-terminates it in place, moves *cursor past it and returns it;
 * NULL when no word is left. Double quotes group blanks into a word and
 * are taken out where Linux takes them out: a quote opening the word and
 * the one ending it ("a b" is a b), and, in key="value", the quote after
 * the first '=' with the one ending the word (key=value). Other quotes stay.
 * An unclosed quote runs to the end of the line. A word takes at least one
 * byte and one separator (or the end), so a line of n bytes has at most
 * (n + 1) / 2 words.
 */
static char *next_word(char **cursor)
{
    char *p = *cursor;
    while (is_space(*p))
        p++;
    if (!*p)
        return NULL;
    bool quoted = *p == '"';
    if (quoted)
        p++;
    char *word = p;
    char *equals = NULL;
    bool in_quote = quoted;
    for (; *p && (in_quote || !is_space(*p)); p++) {
        if (*p == '=' && !equals)
            equals = p;
        if (*p == '"')
            in_quote = !in_quote;
    }
    char *end = p; /* one past the word's last byte */
    *cursor = *p ? p + 1 : p;
    *end = '\0';
    bool ends_in_quote = end > word && end[-1] == '"';
    if (equals && equals[1] == '"') {
        if (ends_in_quote && end - 1 > equals + 1)
            *--end = '\0';
        memmove(equals + 1, equals + 2, (size_t)(end - (equals + 2)) + 1);
    } else if (quoted && ends_in_quote) {
        end[-1] = '\0';
    }
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

/* KTAP reader; see tools/ktap_parse.h. */
#include "tools/ktap_parse.h"

#include <string.h>

void ktap_init(struct ktap_counts *c)
{
    memset(c, 0, sizeof(*c));
    c->planned = -1;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* True if the result line carries a "# SKIP" directive (case-insensitive). */
static bool has_skip(const char *line)
{
    const char *hash = strchr(line, '#');
    if (!hash)
        return false;
    hash++;
    while (*hash == ' ')
        hash++;
    return strncasecmp(hash, "skip", 4) == 0;
}

void ktap_feed_line(struct ktap_counts *c, const char *line)
{
    if (starts_with(line, "not ok ") || strcmp(line, "not ok") == 0) {
        c->failed++;
    } else if (starts_with(line, "ok ") || strcmp(line, "ok") == 0) {
        if (has_skip(line))
            c->skipped++;
        else
            c->passed++;
    } else if (starts_with(line, "1..")) {
        int n = 0;
        const char *p = line + 3;
        if (*p < '0' || *p > '9')
            return;
        while (*p >= '0' && *p <= '9')
            n = n * 10 + (*p++ - '0');
        if (*p == '\0' || *p == '\r' || *p == ' ')
            c->planned = n;
    } else if (starts_with(line, "Bail out!")) {
        c->bailed = true;
    }
}

int ktap_missing(const struct ktap_counts *c)
{
    int seen = c->passed + c->failed + c->skipped;
    return c->planned > seen ? c->planned - seen : 0;
}

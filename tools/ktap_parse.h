/*
 * A KTAP reader (https://docs.kernel.org/dev-tools/ktap.html), pure logic:
 * fed one line at a time, it counts the top-level results of one document.
 * Indented lines (subtests) and any other text (kernel messages) are ignored.
 * Unit-tested on the host by tests/host/test_ktap.c.
 */
#ifndef TOOLS_KTAP_PARSE_H
#define TOOLS_KTAP_PARSE_H

#include <stdbool.h>

struct ktap_counts {
    int planned;  /* N of the "1..N" plan, -1 if no plan was seen */
    int passed;   /* "ok" lines without a SKIP directive */
    int failed;   /* "not ok" lines */
    int skipped;  /* "ok ... # SKIP" lines */
    bool bailed;  /* a "Bail out!" line */
};

void ktap_init(struct ktap_counts *c);
/* Accounts for one line (without its newline; a trailing '\r' is ignored). */
void ktap_feed_line(struct ktap_counts *c, const char *line);
/* Results the plan announced but that never came (a crash midway): they
 * count as failures. 0 if there is no plan. */
int ktap_missing(const struct ktap_counts *c);

#endif

/*
 * Usage: ktap FILE...
 * Reads one KTAP document per file (serial logs of test boots, host test
 * output), prints a line per file and the total "N passed, N failed" (plus
 * ", N skipped" if any), and exits 1 if anything failed, was missing or
 * bailed out. A file with no plan at all counts as one failure.
 */
#include <stdio.h>
#include <string.h>

#include "tools/ktap_parse.h"

int main(int argc, char **argv)
{
    int passed = 0, failed = 0, skipped = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            perror(argv[i]);
            failed++;
            continue;
        }
        struct ktap_counts c;
        ktap_init(&c);
        char line[4096];
        while (fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\r\n")] = '\0';
            ktap_feed_line(&c, line);
        }
        fclose(f);
        int missing = ktap_missing(&c);
        int file_failed = c.failed + missing + (c.bailed || c.planned < 0);
        printf("%-40s %d passed, %d failed%s%s\n", argv[i], c.passed, file_failed,
               missing ? " (results missing)" : "", c.planned < 0 ? " (no KTAP plan)" : "");
        passed += c.passed;
        failed += file_failed;
        skipped += c.skipped;
    }
    if (skipped)
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

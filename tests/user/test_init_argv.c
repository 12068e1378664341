/*
 * PID 1's argv from the kernel command line: "init=/bin/test_init_argv 1 2
 * ... 40" gives 41 separate arguments, argv[i] = "i", as a shell gives them
 * on Linux. Run without arguments (by /bin/init), argc is 1.
 * tools/run-tests.sh also boots it after 40 kernel options and at the end of
 * a command line of 2,047 bytes, the longest prune takes.
 */
/* prune-test: deterministic-output */
/* prune-test: args: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 */
#include "ut.h"

#define ARGS_GIVEN 40 /* the arguments of the "args:" marker above */

int main(int argc, char **argv)
{
    ut_start();
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] \"%s\"\n", i, argv[i]);
    CHECK(argc == 1 || argc == ARGS_GIVEN + 1);
    for (int i = 1; i < argc; i++) {
        char want[16];
        snprintf(want, sizeof(want), "%d", i);
        if (strcmp(argv[i], want) != 0) {
            printf("FAIL argv[%d] is \"%s\", expected \"%s\"\n", i, argv[i], want);
            ut_failures++;
        }
    }
    CHECK(argv[argc] == NULL);
    return ut_finish("test_init_argv");
}

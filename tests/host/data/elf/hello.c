/* A musl test program for tests/host/test_elf.c: its thread-local variable
 * gives the binary a PT_TLS segment. */
#include <stdio.h>

static _Thread_local int counter = 42;

int main(void)
{
    printf("hello %d\n", counter++);
    return 0;
}

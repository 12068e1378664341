/*
 * kbdtest WORDS...: checks a line typed on the keyboard. Exits with status
 * 42 if its arguments, joined by single spaces, are the line below (every
 * printable key of a US keyboard, with and without Shift), 1 otherwise,
 * printing what it got. tools/run-tests.sh types "kbdtest LINE" and then
 * "exit" into /bin/minish on the PS/2 keyboard of a machine with no serial port:
 * QEMU's exit status 42 shows that each key arrived as its character.
 */
#include <stdio.h>
#include <string.h>

#define EXPECTED "Hello, World! `1234567890-= ~!@#$%^&*()_+ qwertyuiop[]\\ " \
                 "QWERTYUIOP{}| asdfghjkl;' ASDFGHJKL:\" zxcvbnm,./ ZXCVBNM<>?"
#define MATCH_STATUS 42

int main(int argc, char **argv)
{
    char line[512] = "";
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            strncat(line, " ", sizeof(line) - strlen(line) - 1);
        strncat(line, argv[i], sizeof(line) - strlen(line) - 1);
    }
    if (strcmp(line, EXPECTED) == 0)
        return MATCH_STATUS;
    printf("kbdtest: got      \"%s\"\nkbdtest: expected \"%s\"\n", line, EXPECTED);
    return 1;
}

/*
 * Host tests of the scan code decoder (drivers/keyboard.c): the same keys
 * typed in scan code set 1 and set 2 must give the same terminal bytes.
 */
#include <string.h>

#include "tests/host/host_test.h"
#include "drivers/keyboard.c"
#include "lib/string.c"

/* Feeds 'n' scan code bytes to 'k'; returns the bytes it produced. */
static const char *feed(struct keyboard *k, const uint8_t *codes, size_t n)
{
    static char got[256];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        char out[KEYBOARD_OUT_MAX];
        size_t m = keyboard_byte(k, codes[i], out);
        memcpy(got + len, out, m);
        len += m;
    }
    got[len] = '\0';
    return got;
}

#define FEED(k, ...) \
    feed((k), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

HOST_TEST(keyboard_set1_letters_shift_and_release)
{
    struct keyboard k = {.set = SCANCODE_SET1};
    /* h, shift-i (press shift, i, release i, release shift), Enter */
    CHECK(strcmp(FEED(&k, 0x23, 0xa3, 0x2a, 0x17, 0x97, 0xaa, 0x1c, 0x9c), "hI\r") == 0);
    /* shifted punctuation from every row: ! ~ { | : " < ? */
    CHECK(strcmp(FEED(&k, 0x36, 0x02, 0x29, 0x1a, 0x2b, 0x27, 0x28, 0x33, 0x35, 0xb6),
                 "!~{|:\"<?") == 0);
    CHECK(strcmp(FEED(&k, 0x0e, 0x0f, 0x01, 0x39), "\x7f\t\x1b ") == 0);
}

HOST_TEST(keyboard_set2_gives_the_same_bytes)
{
    struct keyboard k = {.set = SCANCODE_SET2};
    CHECK(strcmp(FEED(&k, 0x33, 0xf0, 0x33, 0x12, 0x43, 0xf0, 0x43, 0xf0, 0x12, 0x5a),
                 "hI\r") == 0);
    CHECK(strcmp(FEED(&k, 0x59, 0x16, 0x0e, 0x54, 0x5d, 0x4c, 0x52, 0x41, 0x4a, 0xf0, 0x59),
                 "!~{|:\"<?") == 0);
    CHECK(strcmp(FEED(&k, 0x83), "\x1b[18~") == 0); /* F7, the one code above 0x7f */
}

HOST_TEST(keyboard_ctrl_and_alt)
{
    struct keyboard k = {.set = SCANCODE_SET1};
    CHECK(strcmp(FEED(&k, 0x1d, 0x2e, 0xae, 0x9d), "\x03") == 0); /* Ctrl-C */
    CHECK(strcmp(FEED(&k, 0xe0, 0x1d, 0x1a, 0xe0, 0x9d), "\x1b") == 0); /* right Ctrl-[ */
    CHECK(strcmp(FEED(&k, 0x38, 0x30, 0xb8), "\x1b" "b") == 0); /* Alt-b */
    CHECK(strcmp(FEED(&k, 0x30), "b") == 0); /* every modifier released */
}

HOST_TEST(keyboard_caps_lock_toggles_once_per_press)
{
    struct keyboard k = {.set = SCANCODE_SET1};
    /* Caps Lock held: the keyboard repeats its make code */
    CHECK(strcmp(FEED(&k, 0x3a, 0x3a, 0x3a, 0xba, 0x1e, 0x2a, 0x1e, 0xaa, 0x02), "Aa1") == 0);
    CHECK(strcmp(FEED(&k, 0x3a, 0xba, 0x1e), "a") == 0);
}

HOST_TEST(keyboard_navigation_keys_send_escape_sequences)
{
    struct keyboard k = {.set = SCANCODE_SET1};
    CHECK(strcmp(FEED(&k, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x4b), "\x1b[A\x1b[D") == 0);
    CHECK(strcmp(FEED(&k, 0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x53), "\x1b[1~\x1b[4~\x1b[3~") == 0);
    /* keypad 8 without 0xe0 is a digit */
    CHECK(strcmp(FEED(&k, 0x48, 0xe0, 0x1c, 0xe0, 0x35), "8\r/") == 0);
    struct keyboard k2 = {.set = SCANCODE_SET2};
    CHECK(strcmp(FEED(&k2, 0xe0, 0x75, 0xe0, 0xf0, 0x75, 0xe0, 0x71), "\x1b[A\x1b[3~") == 0);
}

HOST_TEST(keyboard_repeat_sends_again)
{
    struct keyboard k = {.set = SCANCODE_SET1};
    CHECK(strcmp(FEED(&k, 0x1e, 0x1e, 0x1e, 0x9e), "aaa") == 0);
}

HOST_TEST(keyboard_pause_and_fake_shifts_send_nothing)
{
    struct keyboard k = {.set = SCANCODE_SET1};
    CHECK(strcmp(FEED(&k, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e), "a") == 0);
    /* Print Screen: E0 2A E0 37, then its release: no Shift left behind */
    CHECK(strcmp(FEED(&k, 0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa, 0x1e), "a") == 0);
    struct keyboard k2 = {.set = SCANCODE_SET2};
    CHECK(strcmp(FEED(&k2, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77, 0x1c), "a") == 0);
}

HOST_TEST_MAIN();

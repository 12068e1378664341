/*
 * Turning PS/2 keyboard scan codes into the bytes a terminal sends: pure
 * logic (no ports, no locks), driven by drivers/i8042.c from the keyboard
 * interrupt and tested on the host (tests/host/test_keyboard.c).
 *
 * Scan code set 1 (what the 8042 gives when it translates, the PC default)
 * and set 2 (the keyboard's own, untranslated) are both read: a set 2 code
 * is first turned into its set 1 equivalent, as the controller would.
 * Keys are numbered by their set 1 make code, plus KEY_EXTENDED for the
 * ones that come after an 0xe0 prefix (arrows, Home, right Ctrl...).
 *
 * US layout. Shift, Ctrl, Alt (either side) and Caps Lock are tracked.
 * What a key sends, as the Linux console sends it:
 *   letters, digits, punctuation    the character (Shift/Caps Lock applied)
 *   Ctrl + letter or @[\]^_         the control byte (Ctrl-C is 0x03)
 *   Alt + key                       ESC, then what the key sends
 *   Enter '\r', Tab '\t', Backspace 0x7f, Esc 0x1b
 *   arrows                          ESC [ A / B / C / D
 *   Home End Insert Delete PgUp PgDn ESC [ 1~ 4~ 2~ 3~ 5~ 6~
 *   F1..F5                          ESC [ [ A .. ESC [ [ E
 *   F6..F12                         ESC [ 17~ 18~ 19~ 20~ 21~ 23~ 24~
 *   keypad                          its digit or operator (as with Num Lock on)
 * Held keys repeat by themselves: the keyboard sends the make code again
 * (typematic repeat), and each one sends the key's bytes again.
 */
#ifndef DRIVERS_KEYBOARD_H
#define DRIVERS_KEYBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYBOARD_OUT_MAX 8 /* the most bytes one scan code byte produces */
#define KEY_EXTENDED 0x80  /* added to the set 1 code of an 0xe0 key */

enum scancode_set { SCANCODE_SET1 = 1, SCANCODE_SET2 = 2 };

/* Decoder state: prefixes seen, modifiers held. Zero-initialized is "no key
 * held, set 1"; set 'set' before the first byte. */
struct keyboard {
    enum scancode_set set;
    bool extended;          /* an 0xe0 prefix came */
    bool release;           /* set 2: an 0xf0 prefix came */
    uint8_t pause_left;     /* bytes of the Pause key's sequence still to skip */
    bool shift_left, shift_right, ctrl_left, ctrl_right, alt_left, alt_right;
    bool caps_lock;
    bool caps_held;         /* Caps Lock toggles once per press, not per repeat */
};

/*
 * Takes one byte from the keyboard; writes the bytes the terminal should
 * receive into out[] and returns their count (0..KEYBOARD_OUT_MAX): 0 for
 * prefixes, releases, modifiers and keys that send nothing.
 */
size_t keyboard_byte(struct keyboard *k, uint8_t byte, char out[KEYBOARD_OUT_MAX]);

#endif

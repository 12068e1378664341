/* Scan codes to terminal bytes; see drivers/keyboard.h. */
#include "drivers/keyboard.h"

#include "lib/string.h"

#define PREFIX_EXTENDED 0xe0
#define PREFIX_PAUSE 0xe1
#define SET2_RELEASE 0xf0
#define SET1_RELEASE 0x80
#define PAUSE_REST_SET1 5 /* E1 1D 45 E1 9D C5 */
#define PAUSE_REST_SET2 7 /* E1 14 77 E1 F0 14 F0 77 */
#define SET2_F7 0x83      /* the one set 2 code above 0x7f */
#define SET1_F7 0x41
#define ESC "\x1b"

/* Set 1 code -> set 2 code (the 8042's translation, read backwards). */
static const uint8_t set1_to_set2[128] = {
    0x00, 0x76, 0x16, 0x1e, 0x26, 0x25, 0x2e, 0x36, 0x3d, 0x3e, 0x46, 0x45, 0x4e, 0x55, 0x66, 0x0d,
    0x15, 0x1d, 0x24, 0x2d, 0x2c, 0x35, 0x3c, 0x43, 0x44, 0x4d, 0x54, 0x5b, 0x5a, 0x14, 0x1c, 0x1b,
    0x23, 0x2b, 0x34, 0x33, 0x3b, 0x42, 0x4b, 0x4c, 0x52, 0x0e, 0x12, 0x5d, 0x1a, 0x22, 0x21, 0x2a,
    0x32, 0x31, 0x3a, 0x41, 0x49, 0x4a, 0x59, 0x7c, 0x11, 0x29, 0x58, 0x05, 0x06, 0x04, 0x0c, 0x03,
    0x0b, 0x02, 0x0a, 0x01, 0x09, 0x77, 0x7e, 0x6c, 0x75, 0x7d, 0x7b, 0x6b, 0x73, 0x74, 0x79, 0x69,
    0x72, 0x7a, 0x70, 0x71, 0x7f, 0x60, 0x61, 0x78, 0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f,
    0x47, 0x4f, 0x56, 0x5e, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x40, 0x48, 0x50, 0x57, 0x6f,
    0x13, 0x19, 0x39, 0x51, 0x53, 0x5c, 0x5f, 0x62, 0x63, 0x64, 0x65, 0x67, 0x68, 0x6a, 0x6d, 0x6e,
};

/* Set 1 keys. */
enum {
    KEY_ESC = 0x01, KEY_BACKSPACE = 0x0e, KEY_TAB = 0x0f, KEY_ENTER = 0x1c, KEY_CTRL = 0x1d,
    KEY_SHIFT_LEFT = 0x2a, KEY_SHIFT_RIGHT = 0x36, KEY_ALT = 0x38, KEY_CAPS_LOCK = 0x3a,
    KEY_F1 = 0x3b, KEY_F10 = 0x44, KEY_F11 = 0x57, KEY_F12 = 0x58,
    KEY_KP_SLASH = KEY_EXTENDED | 0x35, KEY_KP_ENTER = KEY_EXTENDED | KEY_ENTER,
};

/* The US layout, unshifted and shifted, by set 1 code; 0: no character. */
static const char us_plain[0x59] =
    "\0\x1b" "1234567890-=\x7f\t" "qwertyuiop[]\r\0" "asdfghjkl;'`\0\\" "zxcvbnm,./\0*\0 \0"
    "\0\0\0\0\0\0\0\0\0\0\0\0" "789-456+1230.";
static const char us_shift[0x59] =
    "\0\x1b" "!@#$%^&*()_+\x7f\t" "QWERTYUIOP{}\r\0" "ASDFGHJKL:\"~\0|" "ZXCVBNM<>?\0*\0 \0"
    "\0\0\0\0\0\0\0\0\0\0\0\0" "789-456+1230.";

/* What the keys that are not characters send. */
struct key_sequence {
    uint8_t key;
    const char *bytes;
};
static const struct key_sequence sequences[] = {
    {KEY_EXTENDED | 0x48, ESC "[A"},  {KEY_EXTENDED | 0x50, ESC "[B"},
    {KEY_EXTENDED | 0x4d, ESC "[C"},  {KEY_EXTENDED | 0x4b, ESC "[D"},
    {KEY_EXTENDED | 0x47, ESC "[1~"}, {KEY_EXTENDED | 0x4f, ESC "[4~"},
    {KEY_EXTENDED | 0x52, ESC "[2~"}, {KEY_EXTENDED | 0x53, ESC "[3~"},
    {KEY_EXTENDED | 0x49, ESC "[5~"}, {KEY_EXTENDED | 0x51, ESC "[6~"},
    {KEY_F1, ESC "[[A"},      {KEY_F1 + 1, ESC "[[B"},  {KEY_F1 + 2, ESC "[[C"},
    {KEY_F1 + 3, ESC "[[D"},  {KEY_F1 + 4, ESC "[[E"},  {KEY_F1 + 5, ESC "[17~"},
    {KEY_F1 + 6, ESC "[18~"}, {KEY_F1 + 7, ESC "[19~"}, {KEY_F1 + 8, ESC "[20~"},
    {KEY_F10, ESC "[21~"},    {KEY_F11, ESC "[23~"},    {KEY_F12, ESC "[24~"},
    {KEY_KP_SLASH, "/"},      {KEY_KP_ENTER, "\r"},
};

/* The set 1 code of set 2 code 'code', 0 if it has none. */
static uint8_t set2_to_set1(uint8_t code)
{
    if (code == SET2_F7)
        return SET1_F7;
    for (int i = 1; i < 128; i++)
        if (set1_to_set2[i] == code)
            return i;
    return 0;
}

/* Updates the modifiers for 'key'; returns true if it is one. */
static bool modifier(struct keyboard *k, unsigned key, bool pressed)
{
    switch (key) {
    case KEY_SHIFT_LEFT: k->shift_left = pressed; return true;
    case KEY_SHIFT_RIGHT: k->shift_right = pressed; return true;
    case KEY_CTRL: k->ctrl_left = pressed; return true;
    case KEY_EXTENDED | KEY_CTRL: k->ctrl_right = pressed; return true;
    case KEY_ALT: k->alt_left = pressed; return true;
    case KEY_EXTENDED | KEY_ALT: k->alt_right = pressed; return true;
    case KEY_CAPS_LOCK:
        if (pressed && !k->caps_held)
            k->caps_lock = !k->caps_lock;
        k->caps_held = pressed;
        return true;
    case KEY_EXTENDED | KEY_SHIFT_LEFT:  /* the "fake shifts" around Print */
    case KEY_EXTENDED | KEY_SHIFT_RIGHT: /* Screen and the gray keys */
        return true;
    }
    return false;
}

/* The byte Ctrl makes of character c, or -1 if Ctrl leaves it alone. */
static int control_byte(char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 1;
    if (c >= '@' && c <= '_')
        return c - '@';
    if (c == ' ' || c == '2')
        return 0;
    if (c == '6')
        return 0x1e;
    if (c == '-' || c == '/')
        return 0x1f;
    return -1;
}

/* Writes what pressing 'key' sends into out; returns the count. */
static size_t press(const struct keyboard *k, unsigned key, char *out)
{
    size_t n = 0;
    if (k->alt_left || k->alt_right)
        out[n++] = 0x1b;
    for (size_t i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++) {
        if (sequences[i].key == key) {
            size_t len = strlen(sequences[i].bytes);
            memcpy(out + n, sequences[i].bytes, len);
            return n + len;
        }
    }
    if (key >= sizeof(us_plain) || !us_plain[key])
        return 0;
    bool shift = k->shift_left || k->shift_right;
    char c = us_plain[key];
    if (c >= 'a' && c <= 'z' && k->caps_lock)
        shift = !shift;
    if (shift)
        c = us_shift[key];
    if (k->ctrl_left || k->ctrl_right) {
        int ctrl = control_byte(us_plain[key]);
        if (ctrl >= 0)
            c = ctrl;
    }
    out[n++] = c;
    return n;
}

size_t keyboard_byte(struct keyboard *k, uint8_t byte, char out[KEYBOARD_OUT_MAX])
{
    if (k->pause_left) {
        k->pause_left--;
        return 0;
    }
    switch (byte) {
    case PREFIX_EXTENDED:
        k->extended = true;
        return 0;
    case PREFIX_PAUSE:
        k->pause_left = k->set == SCANCODE_SET2 ? PAUSE_REST_SET2 : PAUSE_REST_SET1;
        return 0;
    case SET2_RELEASE:
        if (k->set == SCANCODE_SET2) {
            k->release = true;
            return 0;
        }
        break;
    }
    bool pressed;
    uint8_t code;
    if (k->set == SCANCODE_SET2) {
        pressed = !k->release;
        code = set2_to_set1(byte);
    } else {
        pressed = !(byte & SET1_RELEASE);
        code = byte & ~SET1_RELEASE;
    }
    unsigned key = code | (k->extended ? KEY_EXTENDED : 0);
    k->extended = false;
    k->release = false;
    if (code == 0 || modifier(k, key, pressed) || !pressed)
        return 0;
    return press(k, key, out);
}

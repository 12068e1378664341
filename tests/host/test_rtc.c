/*
 * Host tests of the RTC decoding and date arithmetic (drivers/rtc_decode.c),
 * with the host libc's timegm() as the oracle for dates.
 */
#include <stdlib.h>
#include <time.h>

#include "tests/host/host_test.h"
#include "drivers/rtc_decode.c"

/* v (0..99) as a register holds it, BCD or binary. */
static uint8_t enc_field(int v, bool binary)
{
    return binary ? (uint8_t)v : (uint8_t)((v / 10) << 4 | (v % 10));
}

/* The registers for a date, encoded BCD or binary, 24- or 12-hour. */
static struct rtc_regs encode(int year, int month, int day, int hour, int minute, int second,
                              bool binary, bool hour24)
{
#define enc(v) enc_field((v), binary)
    struct rtc_regs r = {
        .second = enc(second), .minute = enc(minute), .day = enc(day), .month = enc(month),
        .year = enc(year % 100), .century = enc(year / 100),
        .status_b = (uint8_t)((binary ? RTC_B_BINARY : 0) | (hour24 ? RTC_B_24HOUR : 0)),
    };
    if (hour24)
        r.hour = enc(hour);
    else
        r.hour = (uint8_t)(enc(hour % 12 == 0 ? 12 : hour % 12) | (hour >= 12 ? RTC_HOUR_PM : 0));
#undef enc
    return r;
}

static int64_t host_epoch(int year, int month, int day, int hour, int minute, int second)
{
    struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
                    .tm_hour = hour, .tm_min = minute, .tm_sec = second};
    return (int64_t)timegm(&tm);
}

HOST_TEST(bcd_24_hour)
{
    struct rtc_regs r = {.second = 0x59, .minute = 0x07, .hour = 0x23, .day = 0x31,
                         .month = 0x12, .year = 0x24, .century = 0x20, .status_b = RTC_B_24HOUR};
    struct rtc_date d;
    CHECK(rtc_decode(&r, &d));
    CHECK(d.year == 2024 && d.month == 12 && d.day == 31);
    CHECK(d.hour == 23 && d.minute == 7 && d.second == 59);
}

HOST_TEST(twelve_hour_noon_and_midnight)
{
    struct rtc_date d;
    struct rtc_regs r = encode(2025, 3, 1, 0, 0, 0, false, false);
    CHECK(r.hour == 0x12); /* 12 AM */
    CHECK(rtc_decode(&r, &d) && d.hour == 0);
    r = encode(2025, 3, 1, 12, 0, 0, false, false);
    CHECK(r.hour == (0x12 | RTC_HOUR_PM)); /* 12 PM */
    CHECK(rtc_decode(&r, &d) && d.hour == 12);
    r = encode(2025, 3, 1, 23, 0, 0, true, false);
    CHECK(rtc_decode(&r, &d) && d.hour == 23);
}

HOST_TEST(century_register_or_window)
{
    struct rtc_date d;
    struct rtc_regs r = encode(2069, 1, 1, 0, 0, 0, false, true);
    r.century = 0; /* no century register: 00..69 are 20xx */
    CHECK(rtc_decode(&r, &d) && d.year == 2069);
    r = encode(1999, 1, 1, 0, 0, 0, false, true);
    r.century = 0xff;
    CHECK(rtc_decode(&r, &d) && d.year == 1999);
    r = encode(2101, 1, 1, 0, 0, 0, false, true);
    CHECK(rtc_decode(&r, &d) && d.year == 2101);
}

HOST_TEST(rejects_bad_registers)
{
    struct rtc_date d;
    struct rtc_regs r = encode(2024, 2, 29, 1, 2, 3, false, true);
    CHECK(rtc_decode(&r, &d)); /* a leap day */
    r = encode(2023, 2, 29, 1, 2, 3, false, true);
    CHECK(!rtc_decode(&r, &d));
    r = encode(2100, 2, 29, 1, 2, 3, false, true); /* 2100 is not a leap year */
    CHECK(!rtc_decode(&r, &d));
    r = encode(2024, 1, 1, 1, 2, 3, false, true);
    r.minute = 0x5a; /* not BCD */
    CHECK(!rtc_decode(&r, &d));
    r = encode(2024, 13, 1, 1, 2, 3, false, true);
    CHECK(!rtc_decode(&r, &d));
    r = encode(2024, 1, 1, 24, 0, 0, true, true);
    CHECK(!rtc_decode(&r, &d));
    r = encode(2024, 1, 1, 0, 0, 0, false, false);
    r.hour = 0x13; /* hour 13 in 12-hour mode */
    CHECK(!rtc_decode(&r, &d));
}

HOST_TEST(epoch_matches_timegm)
{
    struct rtc_date epoch = {1970, 1, 1, 0, 0, 0};
    CHECK(rtc_date_to_epoch(&epoch) == 0);
    struct rtc_date before = {1969, 12, 31, 23, 59, 59};
    CHECK(rtc_date_to_epoch(&before) == -1);
    /* Every day from 1900 to 2199 at a varying time of day, through the
     * registers (BCD and binary alike). */
    srand(1);
    for (int year = 1900; year < 2200; year++) {
        for (int month = 1; month <= 12; month++) {
            for (int day = 1; day <= days_in_month(year, month); day++) {
                int hour = rand() % 24, minute = rand() % 60, second = rand() % 60;
                struct rtc_regs r = encode(year, month, day, hour, minute, second,
                                           day % 2, month % 2);
                struct rtc_date d;
                if (!rtc_decode(&r, &d)) {
                    CHECK(!"a valid date did not decode");
                    return;
                }
                if (rtc_date_to_epoch(&d) != host_epoch(year, month, day, hour, minute, second)) {
                    printf("    # %04d-%02d-%02d %02d:%02d:%02d\n", year, month, day, hour,
                           minute, second);
                    CHECK(!"epoch differs from timegm");
                    return;
                }
            }
        }
    }
}

HOST_TEST_MAIN()

/*
 * The PC's CMOS real-time clock (MC146818 compatible): the date and time of
 * day, to one second, kept by the machine while it is off. prune reads it
 * once, on first use of the wall clock (kernel/time.h); under QEMU it holds
 * UTC (-rtc base=utc, the default). See docs/userspace.md, "Time".
 *
 * rtc.c does the port I/O; rtc_decode.c holds the pure decoding and date
 * arithmetic, tested on the host (tests/host/test_rtc.c).
 */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

#include <stdbool.h>
#include <stdint.h>

/* CMOS register indexes. */
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY 0x32 /* the ACPI FADT's default century register; QEMU fills it */

#define RTC_A_UPDATING 0x80 /* status A: an update is in progress, do not read */
#define RTC_B_24HOUR 0x02   /* status B: hours 0..23 (else 1..12 with bit 7 = PM) */
#define RTC_B_BINARY 0x04   /* status B: binary values (else BCD) */
#define RTC_HOUR_PM 0x80    /* 12-hour mode: PM */

/* The registers as read, undecoded. */
struct rtc_regs {
    uint8_t second, minute, hour, day, month, year, century, status_b;
};

/* A broken-down UTC date. */
struct rtc_date {
    int year;  /* e.g. 2025 */
    int month; /* 1..12 */
    int day;   /* 1..31 */
    int hour, minute, second;
};

/* Decodes raw registers (BCD or binary, 12- or 24-hour, per status B).
 * The century register is used when it decodes to 19..99, else years
 * 70..99 are 19xx and 00..69 are 20xx. False if a field is out of range. */
bool rtc_decode(const struct rtc_regs *regs, struct rtc_date *out);

/* Seconds from 1970-01-01 00:00:00 UTC to 'date' (proleptic Gregorian
 * calendar; negative before 1970). 'date' must be valid (rtc_decode). */
int64_t rtc_date_to_epoch(const struct rtc_date *date);

/* Reads the clock (waiting out an update in progress, reading until two
 * reads agree): seconds since the epoch, or -1 if the registers make no
 * valid date. Process context; takes the CMOS lock (may spin ~2 ms). */
int64_t rtc_read_epoch(void);

#endif

/* RTC register decoding and date arithmetic (pure); see rtc.h. */
#include "drivers/rtc.h"

/* A BCD byte (two decimal digits) or a binary one; -1 if BCD digits are bad. */
static int decode_field(uint8_t raw, bool binary)
{
    if (binary)
        return raw;
    if ((raw & 0x0f) > 9 || (raw >> 4) > 9)
        return -1;
    return (raw >> 4) * 10 + (raw & 0x0f);
}

static bool is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

bool rtc_decode(const struct rtc_regs *regs, struct rtc_date *out)
{
    bool binary = regs->status_b & RTC_B_BINARY;
    int hour;
    if (regs->status_b & RTC_B_24HOUR) {
        hour = decode_field(regs->hour, binary);
    } else {
        int hour12 = decode_field(regs->hour & ~RTC_HOUR_PM, binary);
        if (hour12 < 1 || hour12 > 12)
            return false;
        hour = hour12 % 12 + (regs->hour & RTC_HOUR_PM ? 12 : 0);
    }
    int year2 = decode_field(regs->year, binary);
    int century = decode_field(regs->century, binary);
    if (year2 < 0 || year2 > 99)
        return false;
    if (century < 19 || century > 99)
        century = year2 >= 70 ? 19 : 20;

    out->year = century * 100 + year2;
    out->month = decode_field(regs->month, binary);
    out->day = decode_field(regs->day, binary);
    out->hour = hour;
    out->minute = decode_field(regs->minute, binary);
    out->second = decode_field(regs->second, binary);
    return out->month >= 1 && out->month <= 12 && out->day >= 1 &&
           out->day <= days_in_month(out->year, out->month) && out->hour >= 0 &&
           out->hour <= 23 && out->minute >= 0 && out->minute <= 59 && out->second >= 0 &&
           out->second <= 59;
}

/* Days from 1970-01-01 to year-month-day (Howard Hinnant's days_from_civil:
 * years start in March so the leap day is the last day of a year). */
static int64_t days_from_civil(int64_t year, int month, int day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t year_of_era = year - era * 400;                            /* 0..399 */
    int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

int64_t rtc_date_to_epoch(const struct rtc_date *date)
{
    return days_from_civil(date->year, date->month, date->day) * 86400 + date->hour * 3600 +
           date->minute * 60 + date->second;
}

/* Reading the CMOS real-time clock through ports 0x70/0x71; see rtc.h. */
#include "drivers/rtc.h"

#include "arch/x86_64/io.h"
#include "kernel/spinlock.h"

#define CMOS_INDEX 0x70 /* bit 7 would mask NMIs: always written clear */
#define CMOS_DATA 0x71

/* The index/data port pair is one shared cursor: hold this across both. */
static struct spinlock cmos_lock = SPINLOCK_INIT("cmos");

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

/* One snapshot of the clock registers, taken when no update is running
 * (an update takes under 2 ms after the flag rises). cmos_lock held. */
static void read_regs(struct rtc_regs *r)
{
    while (cmos_read(RTC_STATUS_A) & RTC_A_UPDATING)
        cpu_relax();
    r->second = cmos_read(RTC_SECONDS);
    r->minute = cmos_read(RTC_MINUTES);
    r->hour = cmos_read(RTC_HOURS);
    r->day = cmos_read(RTC_DAY);
    r->month = cmos_read(RTC_MONTH);
    r->year = cmos_read(RTC_YEAR);
    r->century = cmos_read(RTC_CENTURY);
    r->status_b = cmos_read(RTC_STATUS_B);
}

static bool regs_equal(const struct rtc_regs *a, const struct rtc_regs *b)
{
    return a->second == b->second && a->minute == b->minute && a->hour == b->hour &&
           a->day == b->day && a->month == b->month && a->year == b->year &&
           a->century == b->century && a->status_b == b->status_b;
}

int64_t rtc_read_epoch(void)
{
    struct rtc_regs now, again;
    spin_lock(&cmos_lock);
    read_regs(&again);
    do {
        now = again;
        read_regs(&again);
    } while (!regs_equal(&now, &again));
    spin_unlock(&cmos_lock);

    struct rtc_date date;
    if (!rtc_decode(&now, &date))
        return -1;
    return rtc_date_to_epoch(&date);
}

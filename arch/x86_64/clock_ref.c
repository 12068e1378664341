/* HPET, ACPI PM timer and PIT as counters; see arch/x86_64/clock_ref.h. */
#include "arch/x86_64/clock_ref.h"

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/io.h"
#include "mm/layout.h"

/* Reads to try before deciding that a counter does not count. A port read
 * takes about a microsecond, far longer than one tick of any of them. */
#define PROBE_READS 10000

/* HPET registers (IA-PC HPET specification 1.0a, 2.3). */
#define HPET_CAPABILITIES 0x000 /* bits 63:32 tick period in fs; bit 13 64-bit */
#define HPET_CONFIG 0x010       /* bit 0: the main counter runs */
#define HPET_COUNTER 0x0f0
#define HPET_CAP_64BIT (1u << 13)
#define HPET_CONFIG_ENABLE 1u
#define HPET_MAX_PERIOD_FS 100000000ull /* the spec's slowest: 10 MHz */
#define FS_PER_SECOND 1000000000000000ull

/* PIT: channel 2 is the one whose gate software controls (port 0x61). */
#define PIT_HZ 1193182
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_RATE_LOHI 0xb4  /* channel 2, lo/hi byte, mode 2, binary */
#define PIT_CH2_LATCH 0x80      /* channel 2, latch the count */
#define PORT_B 0x61             /* bit 0: channel 2 gate; bit 1: speaker on */

static volatile uint64_t *hpet_regs; /* set by probe_hpet */
static uint16_t pm_timer_port;       /* set by probe_pm_timer */

static uint64_t read_hpet(void)
{
    return hpet_regs[HPET_COUNTER / 8];
}

static uint64_t read_pm_timer(void)
{
    return inl(pm_timer_port);
}

/* Channel 2 counts down from 65536; the negated count counts up. */
static uint64_t read_pit(void)
{
    outb(PIT_COMMAND, PIT_CH2_LATCH);
    uint16_t count = inb(PIT_CHANNEL2);
    count |= (uint16_t)inb(PIT_CHANNEL2) << 8;
    return (uint16_t)-count;
}

/* True if ref->read() changes within PROBE_READS reads. */
static bool counts(const struct clock_ref *ref)
{
    uint64_t first = ref->read();
    for (int i = 0; i < PROBE_READS; i++)
        if (ref->read() != first)
            return true;
    return false;
}

static bool probe_hpet(struct clock_ref *ref, const char **why)
{
    const struct hpet_info *hpet = acpi_hpet();
    if (!hpet) {
        *why = "no ACPI HPET table";
        return false;
    }
    if (hpet->phys >= (4ul << 30)) {
        *why = "above 4 GiB";
        return false;
    }
    hpet_regs = phys_to_virt(hpet->phys);
    uint64_t caps = hpet_regs[HPET_CAPABILITIES / 8];
    uint64_t period_fs = caps >> 32;
    if (period_fs == 0 || period_fs > HPET_MAX_PERIOD_FS) {
        *why = "invalid tick period";
        return false;
    }
    hpet_regs[HPET_CONFIG / 8] |= HPET_CONFIG_ENABLE;
    *ref = (struct clock_ref){
        .name = "HPET",
        .hz = FS_PER_SECOND / period_fs,
        .mask = caps & HPET_CAP_64BIT ? ~0ull : 0xffffffffull,
        .read = read_hpet,
    };
    return true;
}

static bool probe_pm_timer(struct clock_ref *ref, const char **why)
{
    const struct fadt_info *fadt = acpi_fadt();
    if (!fadt || !fadt->pm_timer_port) {
        *why = fadt ? "the FADT lists none" : "no FADT";
        return false;
    }
    pm_timer_port = fadt->pm_timer_port;
    *ref = (struct clock_ref){
        .name = "ACPI PM timer",
        .hz = FADT_PM_TIMER_HZ,
        .mask = fadt->pm_timer_32bit ? 0xffffffffull : 0xffffffull,
        .read = read_pm_timer,
    };
    return true;
}

static bool probe_pit(struct clock_ref *ref, const char **why)
{
    (void)why;
    outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(PIT_COMMAND, PIT_CH2_RATE_LOHI);
    outb(PIT_CHANNEL2, 0); /* reload value 0: 65536 */
    outb(PIT_CHANNEL2, 0);
    *ref = (struct clock_ref){
        .name = "PIT", .hz = PIT_HZ, .mask = 0xffff, .read = read_pit,
    };
    return true;
}

bool clock_ref_probe(enum clock_ref_id id, struct clock_ref *ref, const char **why)
{
    bool described;
    switch (id) {
    case CLOCK_REF_HPET:
        described = probe_hpet(ref, why);
        break;
    case CLOCK_REF_PM_TIMER:
        described = probe_pm_timer(ref, why);
        break;
    case CLOCK_REF_PIT:
        described = probe_pit(ref, why);
        break;
    default:
        *why = "unknown";
        return false;
    }
    if (described && !counts(ref)) {
        *why = "does not count";
        return false;
    }
    return described;
}

const char *clock_ref_option_name(enum clock_ref_id id)
{
    static const char *const names[CLOCK_REF_COUNT] = {
        [CLOCK_REF_HPET] = "hpet", [CLOCK_REF_PM_TIMER] = "pmtimer", [CLOCK_REF_PIT] = "pit",
    };
    return id < CLOCK_REF_COUNT ? names[id] : "?";
}

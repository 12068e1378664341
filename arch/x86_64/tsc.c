/* Finding the TSC's frequency; see arch/x86_64/tsc.h. */
#include "arch/x86_64/tsc.h"

#include "arch/x86_64/clock_ref.h"
#include "arch/x86_64/cpu.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/cmdline.h"
#include "lib/string.h"

#define MEASURE_MS 25      /* one run of tsc_measure() */
#define MEASURE_RUNS 3     /* its median is taken */
#define SAMPLE_TRIES 5     /* reads of a reference, keeping the one best bracketed */
#define DISAGREE_PPM 10000 /* 1%: two sources further apart are reported */

#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_80000007_EDX_INVARIANT_TSC (1u << 8)

uint64_t tsc_hz;
static uint64_t ns_per_cycle_q32; /* nanoseconds per cycle, 32.32 fixed point */
static struct tsc_info info;      /* written by tsc_calibrate(), read-only after */

bool tsc_hz_believable(uint64_t hz)
{
    return hz >= TSC_MIN_HZ && hz <= TSC_MAX_HZ;
}

/* Reads 'ref' between two TSC reads, SAMPLE_TRIES times, and keeps the read
 * bracketed most tightly; *tsc is the middle of its bracket. */
static uint64_t sample(const struct clock_ref *ref, uint64_t *tsc)
{
    uint64_t best = UINT64_MAX, value = 0;
    for (int i = 0; i < SAMPLE_TRIES; i++) {
        uint64_t before = rdtsc();
        uint64_t v = ref->read();
        uint64_t after = rdtsc();
        if (after - before < best) {
            best = after - before;
            value = v;
            *tsc = before + (after - before) / 2;
        }
    }
    return value;
}

/* One run: TSC cycles over MEASURE_MS of 'ref', as a frequency. The counter
 * is read often enough never to wrap twice between two reads (the PIT's
 * 16 bits wrap every 55 ms). */
static uint64_t measure_once(const struct clock_ref *ref)
{
    uint64_t tsc_start, tsc_end;
    uint64_t target = ref->hz * MEASURE_MS / 1000;
    uint64_t last = sample(ref, &tsc_start), elapsed = 0;
    while (elapsed < target) {
        uint64_t now = ref->read();
        elapsed += (now - last) & ref->mask;
        last = now;
    }
    uint64_t end = sample(ref, &tsc_end);
    elapsed += (end - last) & ref->mask;
    return (tsc_end - tsc_start) * ref->hz / elapsed;
}

uint64_t tsc_measure(const struct clock_ref *ref)
{
    uint64_t runs[MEASURE_RUNS];
    for (int i = 0; i < MEASURE_RUNS; i++) {
        runs[i] = measure_once(ref);
        for (int j = i; j > 0 && runs[j] < runs[j - 1]; j--) {
            uint64_t t = runs[j];
            runs[j] = runs[j - 1];
            runs[j - 1] = t;
        }
    }
    return runs[MEASURE_RUNS / 2];
}

/* The TSC frequency CPUID states (leaf 0x15, else 0x16), 0 if it states
 * none; sets info.crystal_hz from leaf 0x15. */
static uint64_t cpuid_tsc_hz(void)
{
    uint32_t max, a, b, c, d;
    cpuid(0, 0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, 0, &a, &b, &c, &d); /* TSC = crystal (c) * b / a */
        if (a && b && c) {
            info.crystal_hz = c;
            return (uint64_t)c * b / a;
        }
    }
    if (max >= 0x16) {
        cpuid(0x16, 0, &a, &b, &c, &d); /* a: base frequency in MHz */
        if (a & 0xffff)
            return (uint64_t)(a & 0xffff) * 1000000;
    }
    return 0;
}

/* Sources in the order they are tried: CPUID, then the reference clocks. */
#define SOURCE_CPUID CLOCK_REF_COUNT
#define SOURCE_COUNT (CLOCK_REF_COUNT + 1)

static const char *source_option_name(int source)
{
    return source == SOURCE_CPUID ? "cpuid" : clock_ref_option_name(source);
}

/* The TSC frequency given by 'source', or 0 (having said why) if it gives
 * none or one that is not believable; *name is set to its name. */
static uint64_t try_source(int source, const char **name)
{
    uint64_t hz;
    const char *why;
    if (source == SOURCE_CPUID) {
        hz = cpuid_tsc_hz();
        *name = info.crystal_hz ? "CPUID leaf 0x15" : "CPUID leaf 0x16";
        if (!hz)
            return 0; /* most CPUs and QEMU's TCG state none: not worth a line */
    } else {
        struct clock_ref ref;
        if (!clock_ref_probe(source, &ref, &why)) {
            *name = source_option_name(source);
            printk("time: no %s: %s\n", *name, why);
            return 0;
        }
        *name = ref.name;
        hz = tsc_measure(&ref);
    }
    if (!tsc_hz_believable(hz)) {
        printk("time: %s gives a TSC of %lu.%03lu MHz, which no x86_64 CPU has "
               "(%lu MHz to %lu GHz); not used\n", *name, hz / 1000000, hz / 1000 % 1000,
               TSC_MIN_HZ / 1000000, TSC_MAX_HZ / 1000000000);
        return 0;
    }
    return hz;
}

/* Parts per million between a and b (both > 0). */
static uint64_t ppm_apart(uint64_t a, uint64_t b)
{
    uint64_t diff = a > b ? a - b : b - a;
    return diff * 1000000 / a;
}

/* The sources in the order to try them: calibrate=NAME's first. */
static void source_order(int order[SOURCE_COUNT])
{
    const char *first = cmdline_get(&kernel_cmdline, "calibrate");
    int n = 0, forced = -1;
    for (int s = 0; s < SOURCE_COUNT && first; s++)
        if (strcmp(first, source_option_name(s)) == 0)
            forced = s;
    if (first && forced < 0)
        printk("time: calibrate=%s: no such source (cpuid, hpet, pmtimer, pit)\n", first);
    if (forced >= 0)
        order[n++] = forced;
    static const int usual[SOURCE_COUNT] = {SOURCE_CPUID, CLOCK_REF_HPET, CLOCK_REF_PM_TIMER,
                                            CLOCK_REF_PIT};
    for (int i = 0; i < SOURCE_COUNT; i++)
        if (usual[i] != forced)
            order[n++] = usual[i];
}

static void print_result(void)
{
    printk("time: TSC %lu.%03lu MHz from the %s", info.hz / 1000000, info.hz / 1000 % 1000,
           info.source);
    if (!info.check_source) {
        printk("; no second clock to cross-check it\n");
    } else {
        uint64_t ppm = ppm_apart(info.hz, info.check_hz);
        printk("; the %s gives %lu.%03lu MHz (%lu.%02lu%% apart)%s\n", info.check_source,
               info.check_hz / 1000000, info.check_hz / 1000 % 1000, ppm / 10000,
               ppm / 100 % 100, ppm > DISAGREE_PPM ? ": THEY DISAGREE" : "");
    }
    printk("time: %s TSC%s; APIC timer %s\n", info.invariant ? "invariant" : "non-invariant",
           info.invariant ? "" : " (may change speed with the CPU clock)",
           info.deadline_timer ? "in TSC-deadline mode" : "periodic");
}

void tsc_calibrate(void)
{
    uint32_t max, a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    info.deadline_timer = c & CPUID_1_ECX_TSC_DEADLINE;
    cpuid(0x80000000, 0, &max, &b, &c, &d);
    if (max >= 0x80000007) {
        cpuid(0x80000007, 0, &a, &b, &c, &d);
        info.invariant = d & CPUID_80000007_EDX_INVARIANT_TSC;
    }

    int order[SOURCE_COUNT];
    source_order(order);
    for (int i = 0; i < SOURCE_COUNT && !info.check_source; i++) {
        const char *name;
        uint64_t hz = try_source(order[i], &name);
        if (!hz)
            continue;
        if (!info.source) {
            info.hz = hz;
            info.source = name;
        } else {
            info.check_hz = hz;
            info.check_source = name;
        }
    }
    if (!info.source)
        panic("time: no clock gives a believable TSC frequency (CPUID states none, and "
              "no HPET, ACPI PM timer or PIT counts); every time-out would be wrong");
    tsc_hz = info.hz;
    ns_per_cycle_q32 = (1000000000ull << 32) / tsc_hz;
    print_result();
}

const struct tsc_info *tsc_info(void)
{
    return &info;
}

uint64_t tsc_to_ns(uint64_t cycles)
{
    return (uint64_t)(((unsigned __int128)cycles * ns_per_cycle_q32) >> 32);
}

void udelay(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_hz / 1000000;
    while (rdtsc() < end)
        cpu_relax();
}

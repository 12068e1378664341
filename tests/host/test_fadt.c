/*
 * Host tests of the FADT and HPET table parsing (arch/x86_64/fadt.c).
 * tests/host/data/fadt-host-firecracker.hex is this build host's FADT (a
 * hardware-reduced ACPI machine: no PM timer, no 8042); the PC cases are
 * built here byte by byte, laid out as QEMU 7.2 lays out its FADT.
 */
#include <string.h>

#include "tests/host/host_test.h"
#include "arch/x86_64/fadt.c"
#include "arch/x86_64/madt.c"

#define FADT_LEN 276 /* ACPI 6 FADT */

static uint8_t table[FADT_LEN];

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

static void finish(uint8_t *t, size_t len)
{
    put32(t + 4, len);
    t[9] = 0;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += t[i];
    t[9] = -sum;
}

/* A FADT of 'revision' with PM timer port 0x608 (24 bits) and 'boot_arch'. */
static void make_fadt(uint8_t revision, uint16_t boot_arch)
{
    memset(table, 0, sizeof(table));
    memcpy(table, "FACP", 4);
    table[8] = revision;
    put32(table + FADT_PM_TMR_BLK, 0x608);
    table[FADT_PM_TMR_LEN] = 4;
    put16(table + FADT_IAPC_BOOT_ARCH, boot_arch);
    finish(table, FADT_LEN);
}

HOST_TEST(fadt_pc_with_8042_and_pm_timer)
{
    struct fadt_info f;
    make_fadt(3, FADT_BOOT_LEGACY_DEVICES | FADT_BOOT_8042);
    CHECK(fadt_parse(table, sizeof(table), &f) == 0);
    CHECK(f.revision == 3 && f.boot_arch_known);
    CHECK(f.boot_arch & FADT_BOOT_8042);
    CHECK(f.pm_timer_port == 0x608 && !f.pm_timer_32bit && !f.hardware_reduced);
}

HOST_TEST(fadt_revision_1_says_nothing_about_the_8042)
{
    struct fadt_info f;
    make_fadt(1, 0xffff); /* a reserved byte in ACPI 1.0: ignored */
    CHECK(fadt_parse(table, sizeof(table), &f) == 0);
    CHECK(!f.boot_arch_known && f.boot_arch == 0);
}

HOST_TEST(fadt_no_8042_flag)
{
    struct fadt_info f;
    make_fadt(6, FADT_BOOT_LEGACY_DEVICES);
    CHECK(fadt_parse(table, sizeof(table), &f) == 0);
    CHECK(f.boot_arch_known && !(f.boot_arch & FADT_BOOT_8042));
}

HOST_TEST(fadt_pm_timer_forms)
{
    struct fadt_info f;
    make_fadt(6, 0);
    put32(table + FADT_FLAGS, FADT_FLAG_TMR_VAL_EXT);
    finish(table, FADT_LEN);
    CHECK(fadt_parse(table, sizeof(table), &f) == 0 && f.pm_timer_32bit);

    /* Only the extended block, in system I/O space. */
    put32(table + FADT_PM_TMR_BLK, 0);
    table[FADT_X_PM_TMR_BLK] = GAS_SPACE_IO;
    put64(table + FADT_X_PM_TMR_BLK + 4, 0xb008);
    finish(table, FADT_LEN);
    CHECK(fadt_parse(table, sizeof(table), &f) == 0 && f.pm_timer_port == 0xb008);

    /* ... in memory space: not a port, so no PM timer. */
    table[FADT_X_PM_TMR_BLK] = GAS_SPACE_MEMORY;
    finish(table, FADT_LEN);
    CHECK(fadt_parse(table, sizeof(table), &f) == 0 && f.pm_timer_port == 0);

    /* A PM_TMR_LEN other than 4 means no timer. */
    make_fadt(6, 0);
    table[FADT_PM_TMR_LEN] = 0;
    finish(table, FADT_LEN);
    CHECK(fadt_parse(table, sizeof(table), &f) == 0 && f.pm_timer_port == 0);
}

HOST_TEST(fadt_refuses_bad_tables)
{
    struct fadt_info f;
    make_fadt(3, 0);
    table[20] ^= 1;
    CHECK(fadt_parse(table, sizeof(table), &f) == -ACPI_ECHECKSUM);
    make_fadt(3, 0);
    CHECK(fadt_parse(table, 100, &f) == -ACPI_ESHORT);
    finish(table, 100); /* a header that claims too few bytes for the flags */
    CHECK(fadt_parse(table, sizeof(table), &f) == -ACPI_ESHORT);
    memcpy(table, "APIC", 4);
    CHECK(fadt_parse(table, sizeof(table), &f) == -ACPI_ESIGNATURE);
}

HOST_TEST(fadt_of_this_host)
{
    FILE *in = fopen("tests/host/data/fadt-host-firecracker.hex", "r");
    if (!in) {
        host_test_skip = "run from the repository root";
        return;
    }
    static uint8_t bytes[1024];
    size_t len = 0;
    unsigned byte;
    fscanf(in, "#%*[^\n]");
    while (len < sizeof(bytes) && fscanf(in, "%2x", &byte) == 1)
        bytes[len++] = byte;
    fclose(in);
    struct fadt_info f;
    CHECK(fadt_parse(bytes, len, &f) == 0);
    CHECK(f.revision == 6 && f.boot_arch_known);
    CHECK(f.hardware_reduced && f.pm_timer_port == 0);
    CHECK(!(f.boot_arch & FADT_BOOT_8042));
}

HOST_TEST(hpet_table)
{
    struct hpet_info h;
    memset(table, 0, sizeof(table));
    memcpy(table, "HPET", 4);
    table[HPET_BASE_GAS] = GAS_SPACE_MEMORY;
    put64(table + HPET_BASE_GAS + 4, 0xfed00000);
    put16(table + HPET_MIN_TICK, 128);
    finish(table, HPET_TABLE_LEN);
    CHECK(hpet_table_parse(table, HPET_TABLE_LEN, &h) == 0);
    CHECK(h.phys == 0xfed00000 && h.min_tick == 128);
    table[HPET_BASE_GAS] = GAS_SPACE_IO;
    finish(table, HPET_TABLE_LEN);
    CHECK(hpet_table_parse(table, HPET_TABLE_LEN, &h) == -ACPI_EENTRY);
    CHECK(hpet_table_parse(table, HPET_TABLE_LEN - 1, &h) == -ACPI_ESHORT);
}

HOST_TEST_MAIN();

/* Pure parsing of the FADT and HPET tables; see arch/x86_64/fadt.h. */
#include "arch/x86_64/fadt.h"

#include "arch/x86_64/madt.h"

/* Field offsets (ACPI 6.5, table 5.9 "FADT Format" and the HPET spec 1.0a). */
#define FADT_PM_TMR_BLK 76
#define FADT_PM_TMR_LEN 91
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_X_PM_TMR_BLK 208
#define FADT_LEN_WITH_X_PM_TMR (FADT_X_PM_TMR_BLK + GAS_LEN)
#define FADT_FLAG_TMR_VAL_EXT (1u << 8)
#define FADT_FLAG_HW_REDUCED (1u << 20)

/* A Generic Address Structure: space id, bit width, bit offset, access
 * size, 64-bit address. */
#define GAS_LEN 12
#define GAS_SPACE_MEMORY 0
#define GAS_SPACE_IO 1

#define HPET_BASE_GAS 40
#define HPET_NUMBER 52
#define HPET_MIN_TICK 53
#define HPET_TABLE_LEN 56

static uint32_t le16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

int fadt_parse(const void *table, size_t len, struct fadt_info *out)
{
    long length = acpi_table_check(table, len, "FACP");
    if (length < 0)
        return length;
    if (length < FADT_FLAGS + 4)
        return -ACPI_ESHORT;
    const uint8_t *p = table;
    uint32_t flags = le32(p + FADT_FLAGS);
    *out = (struct fadt_info){
        .revision = p[8],
        .boot_arch_known = p[8] >= FADT_FIRST_REVISION_WITH_BOOT_ARCH,
        .pm_timer_32bit = flags & FADT_FLAG_TMR_VAL_EXT,
        .hardware_reduced = flags & FADT_FLAG_HW_REDUCED,
    };
    if (out->boot_arch_known)
        out->boot_arch = le16(p + FADT_IAPC_BOOT_ARCH);
    uint64_t port = le32(p + FADT_PM_TMR_BLK);
    if (port == 0 && length >= FADT_LEN_WITH_X_PM_TMR &&
        p[FADT_X_PM_TMR_BLK] == GAS_SPACE_IO)
        port = le64(p + FADT_X_PM_TMR_BLK + 4);
    if (port != 0 && port <= 0xffff && p[FADT_PM_TMR_LEN] == 4 && !out->hardware_reduced)
        out->pm_timer_port = port;
    return 0;
}

int hpet_table_parse(const void *table, size_t len, struct hpet_info *out)
{
    long length = acpi_table_check(table, len, "HPET");
    if (length < 0)
        return length;
    if (length < HPET_TABLE_LEN)
        return -ACPI_ESHORT;
    const uint8_t *p = table;
    if (p[HPET_BASE_GAS] != GAS_SPACE_MEMORY)
        return -ACPI_EENTRY;
    *out = (struct hpet_info){
        .phys = le64(p + HPET_BASE_GAS + 4),
        .number = p[HPET_NUMBER],
        .min_tick = le16(p + HPET_MIN_TICK),
    };
    return out->phys ? 0 : -ACPI_EENTRY;
}

/* Pure ACPI table parsing: checksums, RSDP, RSDT/XSDT, MADT; see madt.h. */
#include "arch/x86_64/madt.h"

#include "kernel/multiboot2.h"

/* Little-endian reads at any alignment. */
static uint32_t rd8(const uint8_t *p) { return p[0]; }
static uint32_t rd16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static bool same_signature(const uint8_t *p, const char *sig, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)sig[i])
            return false;
    return true;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

const char *acpi_strerror(int err)
{
    switch (-err) {
    case ACPI_OK: return "ok";
    case ACPI_ESHORT: return "too short";
    case ACPI_ESIGNATURE: return "bad signature";
    case ACPI_ECHECKSUM: return "bad checksum";
    case ACPI_EENTRY: return "malformed entry";
    case ACPI_ERANGE: return "outside the direct map";
    case ACPI_ENOENT: return "not found";
    }
    return "unknown error";
}

/*
 * RSDP layout: "RSD PTR " (8), checksum (1), OEM id (6), revision (1),
 * RSDT address (4) | length (4), XSDT address (8), extended checksum (1), 3.
 */
int acpi_rsdp_parse(const void *rsdp, size_t len, int tag, uint64_t *root_phys, bool *xsdt)
{
    const uint8_t *p = rsdp;
    if (len < ACPI_RSDP_V1_LEN)
        return -ACPI_ESHORT;
    if (!same_signature(p, "RSD PTR ", 8))
        return -ACPI_ESIGNATURE;
    if (!acpi_checksum_ok(p, ACPI_RSDP_V1_LEN))
        return -ACPI_ECHECKSUM;
    *xsdt = false;
    *root_phys = rd32(p + 16);
    if (tag != MB2_TAG_ACPI_NEW || rd8(p + 15) < 2)
        return 0;
    if (len < ACPI_RSDP_V2_LEN || rd32(p + 20) < ACPI_RSDP_V2_LEN)
        return -ACPI_ESHORT;
    if (!acpi_checksum_ok(p, ACPI_RSDP_V2_LEN))
        return -ACPI_ECHECKSUM;
    if (rd64(p + 24) != 0) {
        *xsdt = true;
        *root_phys = rd64(p + 24);
    }
    return 0;
}

uint32_t acpi_table_length(const void *table)
{
    return rd32((const uint8_t *)table + 4);
}

long acpi_table_check(const void *table, size_t len, const char *sig)
{
    if (len < ACPI_SDT_HEADER_LEN)
        return -ACPI_ESHORT;
    if (!same_signature(table, sig, 4))
        return -ACPI_ESIGNATURE;
    uint32_t length = acpi_table_length(table);
    if (length < ACPI_SDT_HEADER_LEN || length > len)
        return -ACPI_ESHORT;
    if (!acpi_checksum_ok(table, length))
        return -ACPI_ECHECKSUM;
    return length;
}

int acpi_root_count(uint32_t length, bool xsdt)
{
    return (length - ACPI_SDT_HEADER_LEN) / (xsdt ? 8 : 4);
}

uint64_t acpi_root_entry(const void *root, bool xsdt, int i)
{
    const uint8_t *p = (const uint8_t *)root + ACPI_SDT_HEADER_LEN;
    return xsdt ? rd64(p + 8 * i) : rd32(p + 4 * i);
}

/* Records one processor entry's CPU in *out (enabled, not seen before, fits). */
static void add_cpu(struct madt_info *out, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
    if (!(flags & MADT_CPU_ENABLED)) {
        out->cpus_online_capable += (flags & MADT_CPU_ONLINE_CAPABLE) != 0;
        return;
    }
    for (int i = 0; i < out->cpu_count; i++)
        if (out->apic_ids[i] == apic_id)
            return;
    out->cpus_listed++;
    if (out->cpu_count == MADT_MAX_CPUS)
        return;
    out->apic_ids[out->cpu_count] = apic_id;
    out->acpi_uids[out->cpu_count++] = uid;
}

static void add_ioapic(struct madt_info *out, const uint8_t *e)
{
    if (out->ioapic_count == MADT_MAX_IOAPICS) {
        out->dropped++;
        return;
    }
    struct madt_ioapic *io = &out->ioapics[out->ioapic_count++];
    io->id = rd8(e + 2);
    io->phys = rd32(e + 4);
    io->gsi_base = rd32(e + 8);
}

static void add_override(struct madt_info *out, const uint8_t *e)
{
    if (out->override_count == MADT_MAX_OVERRIDES) {
        out->dropped++;
        return;
    }
    struct madt_override *o = &out->overrides[out->override_count++];
    o->bus = rd8(e + 2);
    o->irq = rd8(e + 3);
    o->gsi = rd32(e + 4);
    o->flags = rd16(e + 8);
}

static void add_nmi(struct madt_info *out, uint32_t uid, uint8_t lint, uint16_t flags)
{
    if (out->nmi_count == MADT_MAX_NMIS) {
        out->dropped++;
        return;
    }
    out->nmis[out->nmi_count++] = (struct madt_nmi){ uid, lint, flags };
}

/* The smallest length each known entry type may have (0: unknown type). */
static uint8_t min_entry_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC: return 8;
    case MADT_IOAPIC: return 12;
    case MADT_OVERRIDE: return 10;
    case MADT_LAPIC_NMI: return 6;
    case MADT_LAPIC_ADDRESS: return 12;
    case MADT_X2APIC: return 16;
    case MADT_X2APIC_NMI: return 12;
    }
    return 0;
}

/* Adds one entry (of at least min_entry_len(type) bytes) to *out. */
static void parse_entry(struct madt_info *out, const uint8_t *e)
{
    switch (e[0]) {
    case MADT_LAPIC:
        add_cpu(out, rd8(e + 3), rd8(e + 2), rd32(e + 4));
        break;
    case MADT_X2APIC:
        add_cpu(out, rd32(e + 4), rd32(e + 12), rd32(e + 8));
        break;
    case MADT_IOAPIC:
        add_ioapic(out, e);
        break;
    case MADT_OVERRIDE:
        add_override(out, e);
        break;
    case MADT_LAPIC_NMI: {
        uint32_t uid = rd8(e + 2);
        add_nmi(out, uid == 0xff ? MADT_NMI_ALL_CPUS : uid, rd8(e + 5), rd16(e + 3));
        break;
    }
    case MADT_X2APIC_NMI:
        add_nmi(out, rd32(e + 4), rd8(e + 8), rd16(e + 2));
        break;
    case MADT_LAPIC_ADDRESS:
        out->lapic_phys = rd64(e + 4);
        break;
    }
}

int madt_parse(const void *table, size_t len, struct madt_info *out)
{
    const uint8_t *t = table;
    long length = acpi_table_check(table, len, "APIC");
    if (length < 0)
        return length;
    if (length < MADT_ENTRIES_OFFSET)
        return -ACPI_ESHORT;

    *out = (struct madt_info){ 0 };
    out->lapic_phys = rd32(t + 36);
    out->flags = rd32(t + 40);
    for (long off = MADT_ENTRIES_OFFSET; off < length;) {
        if (length - off < 2)
            return -ACPI_EENTRY;
        uint8_t type = t[off], elen = t[off + 1];
        if (elen < 2 || elen < min_entry_len(type) || elen > length - off)
            return -ACPI_EENTRY;
        parse_entry(out, t + off);
        off += elen;
    }
    return 0;
}

/*
 * ACPI tables as bytes: checksums, the RSDP, the RSDT/XSDT and the MADT
 * ("APIC"). Everything here is pure: it reads only the buffer it is given,
 * touches no hardware and no globals, so tests/host/test_madt.c runs it on
 * recorded tables. Finding the tables in memory is arch/x86_64/acpi.c's job.
 *
 * Every "len" is the number of bytes the caller can read at the pointer; a
 * table whose own length field claims more is refused, never over-read.
 * Multi-byte fields are little endian and may be unaligned: read bytewise.
 * See docs/acpi.md.
 */
#ifndef ARCH_X86_64_MADT_H
#define ARCH_X86_64_MADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Errors, returned negated; acpi_strerror() names them for boot messages. */
enum {
    ACPI_OK = 0,
    ACPI_ESHORT = 1,     /* buffer or length field too small for the structure */
    ACPI_ESIGNATURE = 2, /* not the table that was asked for */
    ACPI_ECHECKSUM = 3,  /* bytes do not sum to zero */
    ACPI_EENTRY = 4,     /* a MADT entry is too short or runs past the table */
    ACPI_ERANGE = 5,     /* table outside the memory the caller can read */
    ACPI_ENOENT = 6,     /* no such table */
};

/* Sizes fixed by the ACPI specification (6.5, sections 5.2.5 to 5.2.12). */
#define ACPI_RSDP_V1_LEN 20 /* checksum covers these bytes */
#define ACPI_RSDP_V2_LEN 36 /* extended checksum covers these bytes */
#define ACPI_SDT_HEADER_LEN 36
#define MADT_ENTRIES_OFFSET 44 /* header, local APIC address, flags */

/* MADT entry types this parser reads; others are skipped by length. */
enum {
    MADT_LAPIC = 0,
    MADT_IOAPIC = 1,
    MADT_OVERRIDE = 2,
    MADT_LAPIC_NMI = 4,
    MADT_LAPIC_ADDRESS = 5,
    MADT_X2APIC = 9,
    MADT_X2APIC_NMI = 10,
};

/* Local APIC / x2APIC entry flags. */
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1) /* off now, may be hot-added later */

/* MADT header flags: PC-AT 8259 pair present (mask it before using APICs). */
#define MADT_PCAT_COMPAT (1u << 0)

/* Interrupt flags (MPS INTI) of overrides and NMI entries. */
#define MADT_POLARITY_MASK 0x3    /* 0 bus default, 1 active high, 3 active low */
#define MADT_TRIGGER_MASK 0xc     /* 0 bus default, 4 edge, 0xc level */
#define MADT_NMI_ALL_CPUS 0xffffffffu /* acpi_uid of an NMI entry for every CPU */

#define MADT_MAX_CPUS 64
#define MADT_MAX_IOAPICS 8
#define MADT_MAX_OVERRIDES 32
#define MADT_MAX_NMIS 8

struct madt_ioapic {
    uint8_t id;
    uint32_t phys;     /* MMIO base of its register window */
    uint32_t gsi_base; /* first global system interrupt it serves */
};

/* An ISA interrupt that is not identity-mapped or not edge/active-high. */
struct madt_override {
    uint8_t bus; /* 0: ISA */
    uint8_t irq; /* bus-relative IRQ */
    uint32_t gsi;
    uint16_t flags; /* MADT_POLARITY_MASK | MADT_TRIGGER_MASK */
};

/* A local APIC LINT pin wired to NMI. */
struct madt_nmi {
    uint32_t acpi_uid; /* processor UID, or MADT_NMI_ALL_CPUS */
    uint8_t lint;      /* 0 or 1 */
    uint16_t flags;
};

/*
 * What the MADT says, as plain data. cpu_count <= MADT_MAX_CPUS entries of
 * apic_ids/acpi_uids are valid, in table order (firmware lists the boot CPU
 * first, but do not rely on it). Only enabled CPUs are listed: an
 * online-capable CPU is absent until hot-added and is counted apart.
 */
struct madt_info {
    uint64_t lapic_phys; /* after the 64-bit override entry, if any */
    uint32_t flags;      /* MADT_PCAT_COMPAT */
    int cpu_count;
    int cpus_listed;          /* enabled CPUs in the table; > cpu_count if capped */
    int cpus_online_capable;  /* disabled but online-capable CPUs (not in apic_ids) */
    uint32_t apic_ids[MADT_MAX_CPUS];  /* xAPIC ids (8-bit) or x2APIC ids */
    uint32_t acpi_uids[MADT_MAX_CPUS]; /* to match NMI entries */
    int ioapic_count;
    struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
    int override_count;
    struct madt_override overrides[MADT_MAX_OVERRIDES];
    int nmi_count;
    struct madt_nmi nmis[MADT_MAX_NMIS];
    int dropped; /* I/O APIC, override and NMI entries that did not fit */
};

/* Returns true if the 'len' bytes at 'p' sum to zero modulo 256. */
bool acpi_checksum_ok(const void *p, size_t len);

/* A short name for a negated ACPI_E* code, for messages. */
const char *acpi_strerror(int err);

/*
 * Validates the RSDP copy 'rsdp' of 'len' bytes, given the multiboot2 tag it
 * came in (14: ACPI 1.0, only 20 bytes meaningful; 15: ACPI 2.0+). Checks the
 * signature and the v1 checksum, and for tag 15 with revision >= 2 the
 * extended checksum. Sets *root_phys to the XSDT (*xsdt = true) when the RSDP
 * has one, else to the RSDT. Returns 0 or a negated ACPI_E* code.
 */
int acpi_rsdp_parse(const void *rsdp, size_t len, int tag, uint64_t *root_phys, bool *xsdt);

/*
 * Checks a system description table header at 'table' ('len' readable bytes):
 * signature 'sig' (4 characters), length field within [36, len], checksum
 * over that length. Returns the table's length or a negated ACPI_E* code.
 */
long acpi_table_check(const void *table, size_t len, const char *sig);

/* Returns the length field of the table header at 'table' (36 readable bytes). */
uint32_t acpi_table_length(const void *table);

/*
 * For a checked RSDT (xsdt false: 32-bit entries) or XSDT (64-bit entries):
 * acpi_root_count() returns how many table addresses one of 'length' bytes
 * lists, acpi_root_entry() the physical address in entry i < that count.
 */
int acpi_root_count(uint32_t length, bool xsdt);
uint64_t acpi_root_entry(const void *root, bool xsdt, int i);

/*
 * Parses the MADT at 'table' ('len' readable bytes) into *out, checking
 * signature, length and checksum first. Entries of unknown type are skipped;
 * an entry shorter than its type needs (or than 2 bytes) or running past the
 * table fails the whole parse. Returns 0 or a negated ACPI_E* code; *out is
 * only meaningful on success.
 */
int madt_parse(const void *table, size_t len, struct madt_info *out);

#endif

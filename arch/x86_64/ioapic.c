/* I/O APIC routing of legacy ISA interrupts; see arch/x86_64/apic.h. */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/madt.h"
#include "kernel/printk.h"
#include "mm/layout.h"

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VERSION 0x01
#define IOAPIC_REDIRECTION(n) (0x10 + 2 * (n))

#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_LEVEL (1u << 15)

static uint32_t ioapic_read(uint32_t phys, uint32_t reg)
{
    volatile uint32_t *mmio = phys_to_virt(phys);
    mmio[IOAPIC_REGSEL / 4] = reg;
    return mmio[IOAPIC_WINDOW / 4];
}

static void ioapic_write(uint32_t phys, uint32_t reg, uint32_t value)
{
    volatile uint32_t *mmio = phys_to_virt(phys);
    mmio[IOAPIC_REGSEL / 4] = reg;
    mmio[IOAPIC_WINDOW / 4] = value;
}

void ioapic_route_isa_irq(int irq, uint8_t vector)
{
    const struct madt_info *madt = acpi_madt();
    if (!madt || madt->ioapic_count == 0) {
        printk("ioapic: no I/O APIC known; IRQ %d not routed\n", irq);
        return;
    }
    /* ISA defaults: identity GSI, edge-triggered, active high. */
    uint32_t gsi = irq, flags = 0;
    for (int i = 0; i < madt->override_count; i++) {
        if (madt->overrides[i].bus == 0 && madt->overrides[i].irq == irq) {
            gsi = madt->overrides[i].gsi;
            if ((madt->overrides[i].flags & MADT_POLARITY_MASK) == 3)
                flags |= REDIR_ACTIVE_LOW;
            if ((madt->overrides[i].flags & MADT_TRIGGER_MASK) == 0xc)
                flags |= REDIR_LEVEL;
        }
    }
    for (int i = 0; i < madt->ioapic_count; i++) {
        const struct madt_ioapic *io = &madt->ioapics[i];
        uint32_t pins = ((ioapic_read(io->phys, IOAPIC_VERSION) >> 16) & 0xff) + 1;
        if (gsi < io->gsi_base || gsi >= io->gsi_base + pins)
            continue;
        uint32_t pin = gsi - io->gsi_base;
        ioapic_write(io->phys, IOAPIC_REDIRECTION(pin) + 1, lapic_id() << 24);
        ioapic_write(io->phys, IOAPIC_REDIRECTION(pin), vector | flags);
        return;
    }
    printk("ioapic: no I/O APIC serves GSI %u (IRQ %d)\n", gsi, irq);
}

/* The usable-RAM computation (mm/memmap.c) on made-up memory maps. */
#include "tests/host/host_test.h"

#include "mm/memmap.c"

#define MiB (1ul << 20)
#define GiB (1ul << 30)

/* QEMU -m 8G with BIOS (SeaBIOS e820), the hole at 3..4 GiB. */
static const struct boot_memory_range qemu_8g[] = {
    {0, 0x9fc00, 1},
    {0x9fc00, 0x400, 2},
    {0xf0000, 0x10000, 2},
    {0x100000, 3 * GiB - 0x100000 - 0x20000, 1},
    {3 * GiB - 0x20000, 0x20000, 2},
    {0xfeffc000, 0x4000, 2},
    {0xfffc0000, 0x40000, 2},
    {4 * GiB, 5 * GiB, 1},
};
#define N_8G ((int)(sizeof(qemu_8g) / sizeof(qemu_8g[0])))

HOST_TEST(memmap_ram_bytes_and_top)
{
    CHECK(memmap_ram_bytes(qemu_8g, N_8G) ==
          0x9f000 + (3 * GiB - 0x100000 - 0x20000) + 5 * GiB);
    CHECK(memmap_ram_top(qemu_8g, N_8G) == 9 * GiB);
}

HOST_TEST(memmap_usable_removes_reservations)
{
    struct phys_range res[] = {
        {0, MiB},                 /* low memory */
        {2 * MiB, 3 * MiB + 123}, /* kernel: end rounded up */
        {0x10000800, 0x10001000}, /* module: start rounded down */
        {5 * GiB, 5 * GiB + 4096},
    };
    struct phys_range out[MEMMAP_MAX_RANGES];
    int n = memmap_usable(qemu_8g, N_8G, res, 4, out, MEMMAP_MAX_RANGES);
    CHECK(n == 5);
    CHECK(out[0].start == MiB && out[0].end == 2 * MiB);
    CHECK(out[1].start == 3 * MiB + 4096 && out[1].end == 0x10000000);
    CHECK(out[2].start == 0x10001000 && out[2].end == 3 * GiB - 0x20000);
    CHECK(out[3].start == 4 * GiB && out[3].end == 5 * GiB);
    CHECK(out[4].start == 5 * GiB + 4096 && out[4].end == 9 * GiB);
}

HOST_TEST(memmap_unsorted_overlapping_and_unaligned)
{
    const struct boot_memory_range map[] = {
        {0x200000, 0x100000, 1},
        {0x100800, 0x100000, 1}, /* unaligned start, overlaps nothing yet */
        {0x180000, 0x10000, 3},  /* ACPI inside RAM: the non-RAM type wins */
        {0x1f0000, 0x20000, 1},  /* overlaps the first */
    };
    struct phys_range out[MEMMAP_MAX_RANGES];
    int n = memmap_usable(map, 4, NULL, 0, out, MEMMAP_MAX_RANGES);
    CHECK(n == 2);
    CHECK(out[0].start == 0x101000 && out[0].end == 0x180000);
    CHECK(out[1].start == 0x190000 && out[1].end == 0x300000);
}

HOST_TEST(memmap_subtract_split_without_room_drops_upper_piece)
{
    struct phys_range out[2] = {{0, 0x10000}, {0x20000, 0x30000}};
    int n = 2;
    memmap_subtract(out, &n, 2, 0x4000, 0x5000);
    CHECK(n == 2);
    CHECK(out[0].start == 0 && out[0].end == 0x4000);
    CHECK(out[1].start == 0x20000 && out[1].end == 0x30000);
    memmap_subtract(out, &n, 2, 0, 0x100000);
    CHECK(n == 0);
}

HOST_TEST_MAIN()

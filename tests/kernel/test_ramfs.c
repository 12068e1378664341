/* The initrd of the booted ISO (tools/mkinitrd.sh), mounted as the ramfs. */
#include "fs/ramfs.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "tests/kernel/ktest.h"

/* The multiboot2 module named "initrd", or NULL. */
static const struct boot_module *initrd_module(void)
{
    for (int i = 0; i < boot_info.module_count; i++)
        if (strcmp(boot_info.modules[i].name, "initrd") == 0)
            return &boot_info.modules[i];
    return NULL;
}

KTEST(ramfs_initrd_is_mounted)
{
    const struct boot_module *m = initrd_module();
    KASSERT(m != NULL);
    KEXPECT(m->end > m->start);
    struct ramfs_stats s = ramfs_stats();
    KEXPECT(s.files >= 1 && s.dirs >= 2);
    int err = 0;
    struct ramfs_node *root = ramfs_lookup("/", &err);
    KASSERT(root != NULL);
    KEXPECT(ramfs_is_dir(root) && root->ino == 1 && root->parent == root);
}

KTEST(ramfs_readme_reads_in_place)
{
    static const char want[] = "prune initrd\n";
    int err = 0;
    struct ramfs_node *readme = ramfs_lookup("/README", &err);
    KASSERT(readme != NULL);
    KEXPECT((readme->mode & S_IFMT) == S_IFREG);
    KEXPECT(readme->size == sizeof(want) - 1);
    char buf[64];
    memset(buf, 0, sizeof(buf));
    KEXPECT(ramfs_read(readme, 0, buf, sizeof(buf)) == sizeof(want) - 1);
    KEXPECT(memcmp(buf, want, sizeof(want)) == 0);
    KEXPECT(ramfs_read(readme, 6, buf, 6) == 6 && memcmp(buf, "initrd", 6) == 0);
    KEXPECT(ramfs_read(readme, readme->size, buf, sizeof(buf)) == 0);

    /* zero copy: the bytes are the module's own */
    const struct boot_module *m = initrd_module();
    KASSERT(m != NULL);
    KEXPECT(readme->data >= (const uint8_t *)phys_to_virt(m->start));
    KEXPECT(readme->data + readme->size <= (const uint8_t *)phys_to_virt(m->end));
}

KTEST(ramfs_bin_is_a_directory)
{
    int err = 0;
    struct ramfs_node *bin = ramfs_lookup("/bin", &err);
    KASSERT(bin != NULL);
    KEXPECT(ramfs_is_dir(bin));
    char buf[4];
    KEXPECT(ramfs_read(bin, 0, buf, sizeof(buf)) == -EISDIR);

    /* "/" lists ".", "..", README and bin */
    struct ramfs_node *root = ramfs_lookup("/", &err);
    KASSERT(root != NULL);
    struct ramfs_dirent d;
    int found = 0;
    for (uint64_t i = 0; ramfs_dir_entry(root, i, &d) == 1; i++) {
        if (strcmp(d.name, "bin") == 0)
            found += d.type == DT_DIR && d.ino == bin->ino;
        if (strcmp(d.name, "README") == 0)
            found += d.type == DT_REG;
        if (i < 2)
            found += d.type == DT_DIR && d.ino == root->ino;
    }
    KEXPECT(found == 4);
}

KTEST(ramfs_lookup_errors_and_dot_dot)
{
    int err = 0;
    KEXPECT(ramfs_lookup("/no-such-file", &err) == NULL && err == -ENOENT);
    err = 0;
    KEXPECT(ramfs_lookup("/bin/no-such-file", &err) == NULL && err == -ENOENT);
    err = 0;
    KEXPECT(ramfs_lookup("/README/x", &err) == NULL && err == -ENOTDIR);
    err = 0;
    KEXPECT(ramfs_lookup("/README/", &err) == NULL && err == -ENOTDIR);

    struct ramfs_node *readme = ramfs_lookup("/README", &err);
    KASSERT(readme != NULL);
    KEXPECT(ramfs_lookup("/./bin/../README", &err) == readme);
    KEXPECT(ramfs_lookup("//bin//..//./README", &err) == readme);
    KEXPECT(ramfs_lookup("/../README", &err) == readme);
}

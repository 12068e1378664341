/*
 * The initrd unpacked into the tmpfs at boot; see fs/tmpfs.h and
 * docs/initrd.md. Boot only: one CPU, before any other lookup, so the tree
 * is built without tree_lock (fs/tmpfs_internal.h).
 */
#include "fs/cpio.h"
#include "fs/tmpfs.h"
#include "fs/tmpfs_internal.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/layout.h"

/* Boot: the directory named [name, name + n) in dir, created (mode) if
 * missing. NULL without memory, or if a non-directory has the name. */
static struct tmpfs_node *boot_dir(struct tmpfs_node *dir, const char *name, size_t n,
                                   uint32_t mode, int64_t mtime, struct tmpfs_stats *stats)
{
    struct tmpfs_node *child = tmpfs_find_node(dir, name, n);
    if (child)
        return tmpfs_is_dir(child) ? child : NULL;
    child = tmpfs_node_alloc(S_IFDIR | mode, mtime);
    if (child && tmpfs_attach(dir, name, n, child) < 0) {
        kfree(child);
        return NULL;
    }
    if (!child)
        return NULL;
    stats->dirs++;
    return child;
}

/* Boot: creates the last component [name, name + n) of archive entry 'e'
 * in dir (a directory there gets e's mode). 0 or -EXXX. */
static int unpack_leaf(struct tmpfs_node *dir, const char *name, size_t n,
                       const struct cpio_entry *e, struct tmpfs_stats *stats)
{
    uint32_t type = e->mode & S_IFMT;
    int64_t mtime = (int64_t)e->mtime * 1000000000;
    struct tmpfs_node *old = tmpfs_find_node(dir, name, n);
    if (old) {
        if (!tmpfs_is_dir(old) || type != S_IFDIR)
            return -EEXIST;
        old->mode = e->mode;
        old->atime_ns = old->mtime_ns = old->ctime_ns = mtime;
        return 0;
    }
    if (type == S_IFDIR)
        return boot_dir(dir, name, n, e->mode & 07777, mtime, stats) ? 0 : -ENOSPC;
    if (type == S_IFLNK && (e->size == 0 || e->size > TMPFS_LINK_MAX))
        return -EINVAL;
    struct tmpfs_node *node = tmpfs_node_alloc(e->mode, mtime);
    if (node && type == S_IFLNK && (node->target = kmalloc(e->size + 1))) {
        memcpy(node->target, e->data, e->size);
        node->target[e->size] = '\0';
        node->size = e->size;
    }
    bool ok = node && (type != S_IFLNK || node->target);
    if (ok && type == S_IFREG && e->size) {
        uint64_t unused;
        ok = tmpfs_write(node, iobuf_kernel((void *)e->data), e->size, 0, false, &unused) ==
             (long)e->size;
    }
    if (!ok || tmpfs_attach(dir, name, n, node) < 0) {
        if (node)
            tmpfs_free_data(node);
        kfree(node ? node->target : NULL);
        kfree(node);
        return -ENOSPC;
    }
    node->atime_ns = node->mtime_ns = node->ctime_ns = mtime;
    if (type == S_IFREG) {
        stats->files++;
        stats->bytes += e->size;
    } else {
        stats->links++;
    }
    return 0;
}

/* Boot: adds archive entry 'e' to the tree, with missing parent
 * directories. 0 or -EXXX (see tmpfs_init_archives). */
static int unpack_entry(struct tmpfs_node *root, const struct cpio_entry *e,
                        struct tmpfs_stats *stats)
{
    uint32_t type = e->mode & S_IFMT;
    if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK) {
        stats->skipped++;
        return 0;
    }
    struct tmpfs_node *dir = root;
    const char *p = e->name, *end = e->name + e->name_len;
    for (;;) {
        while (p < end && *p == '/')
            p++;
        const char *comp = p;
        while (p < end && *p != '/')
            p++;
        size_t n = p - comp;
        if (n == 0)
            break;
        if (n == 1 && comp[0] == '.')
            continue;
        if (n == 2 && comp[0] == '.' && comp[1] == '.')
            return -EINVAL;
        if (n > TMPFS_NAME_MAX)
            return -ENAMETOOLONG;
        const char *rest = p;
        while (rest < end && *rest == '/')
            rest++;
        if (rest == end)
            return unpack_leaf(dir, comp, n, e, stats);
        struct tmpfs_node *child = tmpfs_find_node(dir, comp, n);
        if (child && !tmpfs_is_dir(child))
            return -ENOTDIR;
        dir = child ? child : boot_dir(dir, comp, n, 0755, tmpfs_now(), stats);
        if (!dir)
            return -ENOSPC;
    }
    if (type != S_IFDIR)
        return -EEXIST;
    dir->mode = e->mode;
    return 0;
}

int tmpfs_init_archives(const struct tmpfs_archive *archives, int count,
                        struct tmpfs_stats *stats)
{
    *stats = (struct tmpfs_stats){0};
    struct tmpfs_node *root = tmpfs_make_root();
    if (!root)
        return -ENOSPC;
    stats->dirs = 1;
    struct cpio_iter it;
    struct cpio_entry e;
    int r = 0;
    for (int i = 0; i < count && r >= 0; i++) {
        cpio_iter_init(&it, archives[i].data, archives[i].len);
        while ((r = cpio_next(&it, &e)) > 0) {
            r = unpack_entry(root, &e, stats);
            if (r < 0)
                break;
        }
    }
    static const struct {
        const char *name;
        uint32_t mode;
        enum tmpfs_mount mount;
    } tops[] = {{"proc", 0555, MOUNT_PROC}, {"dev", 0755, MOUNT_DEV}, {"tmp", 01777, MOUNT_NONE}};
    for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) { /* even after a bad archive */
        size_t n = strlen(tops[i].name);
        struct tmpfs_node *old = tmpfs_find_node(root, tops[i].name, n);
        struct tmpfs_node *dir = boot_dir(root, tops[i].name, n, tops[i].mode, tmpfs_now(), stats);
        if (dir)
            dir->mount = tops[i].mount;
        else if (r >= 0)
            r = old ? -ENOTDIR : -ENOSPC;
    }
    return r < 0 ? r : 0;
}

void initrd_init(void)
{
    struct tmpfs_archive archives[BOOT_MAX_MODULES];
    int count = 0;
    for (int i = 0; i < boot_info.module_count; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        if (strcmp(m->name, "initrd") == 0)
            archives[count++] = (struct tmpfs_archive){phys_to_virt(m->start), m->end - m->start};
    }
    if (!count)
        printk("initrd: no multiboot2 module named \"initrd\"\n");
    struct tmpfs_stats stats;
    int r = tmpfs_init_archives(archives, count, &stats);
    if (r < 0) {
        printk("initrd: cannot unpack the %d module(s) named \"initrd\" (error %d)\n", count, r);
        return;
    }
    printk("initrd: %u files (%lu bytes), %u directories, %u symlinks, %u skipped, "
           "unpacked into the tmpfs (%lu pages)\n",
           stats.files, stats.bytes, stats.dirs, stats.links, stats.skipped, tmpfs_pages());
}

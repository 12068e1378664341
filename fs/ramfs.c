/* The initrd as a read-only tree; see fs/ramfs.h and docs/initrd.md. */
#include "fs/ramfs.h"

#include <stdbool.h>

#include "fs/cpio.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/layout.h"

static struct ramfs_node *ramfs_root;
static struct ramfs_stats stats;

/* What ramfs_init() builds before it replaces the current tree. */
struct build {
    struct ramfs_node *root;
    struct ramfs_stats stats;
    uint64_t next_ino;
};

/*
 * Finds the next component of the path [*p, end): skips slashes, sets *comp
 * to its start and *p past it. Returns its length, 0 at the end.
 */
static size_t next_component(const char **p, const char *end, const char **comp)
{
    const char *s = *p;
    while (s < end && *s == '/')
        s++;
    const char *e = s;
    while (e < end && *e != '/')
        e++;
    *comp = s;
    *p = e;
    return e - s;
}

static bool is_dot(const char *comp, size_t n)
{
    return n == 1 && comp[0] == '.';
}

static bool is_dotdot(const char *comp, size_t n)
{
    return n == 2 && comp[0] == '.' && comp[1] == '.';
}

/* Returns the child of 'dir' named [comp, comp+n), or NULL. */
static struct ramfs_node *find_child(const struct ramfs_node *dir, const char *comp, size_t n)
{
    for (uint32_t i = 0; i < dir->child_count; i++) {
        struct ramfs_node *c = dir->children[i];
        if (strncmp(c->name, comp, n) == 0 && c->name[n] == '\0')
            return c;
    }
    return NULL;
}

/* Allocates a node named [name, name+n) of 'mode' with the next inode
 * number; parent and place in the tree are left to the caller. */
static struct ramfs_node *new_node(struct build *b, const char *name, size_t n, uint32_t mode)
{
    struct ramfs_node *node = kzalloc(sizeof(*node) + n + 1);
    if (!node)
        return NULL;
    memcpy(node->name, name, n);
    node->name[n] = '\0';
    node->mode = mode;
    node->ino = b->next_ino++;
    if ((mode & S_IFMT) == S_IFDIR)
        b->stats.dirs++;
    return node;
}

/* Appends 'child' to directory 'dir', growing its array. Returns 0 or -ENOMEM. */
static int link_child(struct ramfs_node *dir, struct ramfs_node *child)
{
    if (dir->child_count == dir->child_cap) {
        uint32_t cap = dir->child_cap ? 2 * dir->child_cap : 4;
        struct ramfs_node **a = kmalloc(cap * sizeof(*a));
        if (!a)
            return -ENOMEM;
        if (dir->child_count)
            memcpy(a, dir->children, dir->child_count * sizeof(*a));
        kfree(dir->children);
        dir->children = a;
        dir->child_cap = cap;
    }
    dir->children[dir->child_count++] = child;
    child->parent = dir;
    return 0;
}

/* Frees the tree under 'root' (included), deepest nodes first, without
 * recursion: an archive may nest directories deeper than the stack allows. */
static void free_tree(struct ramfs_node *root)
{
    struct ramfs_node *node = root;
    while (node) {
        if (node->child_count) {
            node = node->children[--node->child_count];
            continue;
        }
        struct ramfs_node *parent = node == root ? NULL : node->parent;
        kfree(node->children);
        kfree(node);
        node = parent;
    }
}

/* Creates the last component [comp, comp+n) of entry 'e' in 'dir', or
 * updates it if both it and the entry are directories. Returns 0 or -EXXX. */
static int add_leaf(struct build *b, struct ramfs_node *dir, const char *comp, size_t n,
                    const struct cpio_entry *e)
{
    uint32_t type = e->mode & S_IFMT;
    struct ramfs_node *old = find_child(dir, comp, n);
    if (old) {
        if (!ramfs_is_dir(old) || type != S_IFDIR)
            return -EEXIST;
        old->mode = e->mode;
        old->mtime = e->mtime;
        return 0;
    }
    if (type == S_IFLNK && (e->size == 0 || e->size > RAMFS_LINK_MAX))
        return -EINVAL;
    struct ramfs_node *node = new_node(b, comp, n, e->mode);
    if (!node)
        return -ENOMEM;
    node->mtime = e->mtime;
    if (type != S_IFDIR) {
        node->data = e->data;
        node->size = e->size;
    }
    if (link_child(dir, node) < 0) {
        kfree(node);
        return -ENOMEM;
    }
    if (type == S_IFREG) {
        b->stats.files++;
        b->stats.bytes += e->size;
    } else if (type == S_IFLNK) {
        b->stats.links++;
    }
    return 0;
}

/* Adds archive entry 'e' to the tree being built, creating missing parent
 * directories. A name that ends on a directory ("." or "bin/.") sets its
 * mode. Returns 0 or -EXXX (see ramfs_init). */
static int add_entry(struct build *b, const struct cpio_entry *e)
{
    uint32_t type = e->mode & S_IFMT;
    if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK) {
        b->stats.skipped++;
        return 0;
    }
    struct ramfs_node *dir = b->root;
    const char *p = e->name, *end = e->name + e->name_len, *comp;
    size_t n;
    while ((n = next_component(&p, end, &comp)) != 0) {
        if (is_dot(comp, n))
            continue;
        if (is_dotdot(comp, n))
            return -EINVAL;
        if (n > RAMFS_NAME_MAX)
            return -ENAMETOOLONG;
        const char *rest = p, *unused;
        if (next_component(&rest, end, &unused) == 0)
            return add_leaf(b, dir, comp, n, e);
        struct ramfs_node *child = find_child(dir, comp, n);
        if (!child) {
            child = new_node(b, comp, n, S_IFDIR | 0755);
            if (!child)
                return -ENOMEM;
            if (link_child(dir, child) < 0) {
                kfree(child);
                return -ENOMEM;
            }
        } else if (!ramfs_is_dir(child)) {
            return -ENOTDIR;
        }
        dir = child;
    }
    if (type != S_IFDIR)
        return -EEXIST;
    dir->mode = e->mode;
    dir->mtime = e->mtime;
    return 0;
}

int ramfs_init_archives(const struct ramfs_archive *archives, int count)
{
    struct build b = {.next_ino = 1};
    b.root = new_node(&b, "", 0, S_IFDIR | 0755);
    if (!b.root)
        return -ENOMEM;
    b.root->parent = b.root;

    struct cpio_iter it;
    struct cpio_entry e;
    int r = 0;
    for (int i = 0; i < count && r >= 0; i++) {
        cpio_iter_init(&it, archives[i].data, archives[i].len);
        while ((r = cpio_next(&it, &e)) > 0) {
            r = add_entry(&b, &e);
            if (r < 0)
                break;
        }
    }
    if (r < 0) {
        free_tree(b.root);
        return r;
    }
    if (ramfs_root)
        free_tree(ramfs_root);
    ramfs_root = b.root;
    stats = b.stats;
    return 0;
}

int ramfs_init(const void *archive, size_t len)
{
    struct ramfs_archive a = {archive, len};
    return ramfs_init_archives(&a, 1);
}

/*
 * Resolves [path, path+len) from directory 'dir' (from the root if it starts
 * with '/'). Symbolic links are followed, relative to the directory holding
 * them; *links_left bounds how many. Returns the node, or NULL and *err.
 */
static struct ramfs_node *walk(struct ramfs_node *dir, const char *path, size_t len,
                               int *links_left, int *err)
{
    const char *p = path, *end = path + len, *comp;
    struct ramfs_node *cur = len && path[0] == '/' ? ramfs_root : dir;
    size_t n;
    while ((n = next_component(&p, end, &comp)) != 0) {
        if (!ramfs_is_dir(cur)) {
            *err = -ENOTDIR;
            return NULL;
        }
        if (n > RAMFS_NAME_MAX) {
            *err = -ENAMETOOLONG;
            return NULL;
        }
        if (is_dot(comp, n))
            continue;
        if (is_dotdot(comp, n)) {
            cur = cur->parent;
            continue;
        }
        struct ramfs_node *child = find_child(cur, comp, n);
        if (!child) {
            *err = -ENOENT;
            return NULL;
        }
        if ((child->mode & S_IFMT) == S_IFLNK) {
            if ((*links_left)-- == 0) {
                *err = -ELOOP;
                return NULL;
            }
            child = walk(cur, (const char *)child->data, child->size, links_left, err);
            if (!child)
                return NULL;
        }
        cur = child;
    }
    if (len && path[len - 1] == '/' && !ramfs_is_dir(cur)) {
        *err = -ENOTDIR;
        return NULL;
    }
    return cur;
}

struct ramfs_node *ramfs_lookup(const char *path, int *err)
{
    if (path[0] != '/') {
        *err = path[0] ? -EINVAL : -ENOENT;
        return NULL;
    }
    if (!ramfs_root) {
        *err = -ENOENT;
        return NULL;
    }
    int links_left = RAMFS_MAX_LINKS;
    return walk(ramfs_root, path, strlen(path), &links_left, err);
}

int64_t ramfs_read(const struct ramfs_node *node, uint64_t offset, void *buf, size_t len)
{
    if (ramfs_is_dir(node))
        return -EISDIR;
    if ((node->mode & S_IFMT) != S_IFREG)
        return -EINVAL;
    if (offset >= node->size)
        return 0;
    uint64_t n = node->size - offset;
    if (n > len)
        n = len;
    memcpy(buf, node->data + offset, n);
    return n;
}

int ramfs_dir_entry(const struct ramfs_node *dir, uint64_t index, struct ramfs_dirent *out)
{
    if (!ramfs_is_dir(dir))
        return -ENOTDIR;
    const struct ramfs_node *node;
    if (index < 2) {
        node = index == 0 ? dir : dir->parent;
        out->name = index == 0 ? "." : "..";
    } else if (index - 2 < dir->child_count) {
        node = dir->children[index - 2];
        out->name = node->name;
    } else {
        return 0;
    }
    out->ino = node->ino;
    out->type = (node->mode & S_IFMT) >> 12;
    return 1;
}

struct ramfs_stats ramfs_stats(void)
{
    return stats;
}

void initrd_init(void)
{
    struct ramfs_archive archives[BOOT_MAX_MODULES];
    int count = 0;
    for (int i = 0; i < boot_info.module_count; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        if (strcmp(m->name, "initrd") == 0)
            archives[count++] = (struct ramfs_archive){phys_to_virt(m->start), m->end - m->start};
    }
    if (!count) {
        printk("initrd: no multiboot2 module named \"initrd\"\n");
        return;
    }
    int r = ramfs_init_archives(archives, count);
    if (r < 0) {
        printk("initrd: cannot use the %d module(s) named \"initrd\" (error %d)\n", count, r);
        return;
    }
    printk("initrd: %u files (%lu bytes), %u directories, %u symlinks, %u skipped\n",
           stats.files, stats.bytes, stats.dirs, stats.links, stats.skipped);
}

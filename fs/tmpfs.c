/* The tmpfs tree: nodes, walks and names; see fs/tmpfs.h (rules T1..T6). */
#include "fs/tmpfs.h"
#include "fs/tmpfs_internal.h"

#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

static struct spinlock tree_lock = SPINLOCK_INIT("tmpfs_tree");
static struct tmpfs_node *root;  /* constant once built (tmpfs_make_root) */
static uint64_t next_ino = 1;    /* tree_lock */

void tmpfs_get(struct tmpfs_node *node)
{
    __atomic_fetch_add(&node->refs, 1, __ATOMIC_RELAXED); /* T4: no lock */
}

/* Frees 'node' if nothing holds or names it (T4), then its parent if that
 * was its last holder, and so on. tree_lock held. */
static void free_if_unused(struct tmpfs_node *node)
{
    assert_held(&tree_lock);
    while (node && node != root && !node->links && !__atomic_load_n(&node->refs, __ATOMIC_RELAXED)) {
        struct tmpfs_node *parent = tmpfs_is_dir(node) ? node->parent : NULL;
        ASSERT(!tmpfs_is_dir(node) || node->entry_count == 0);
        tmpfs_free_data(node);
        kfree(node->entries);
        kfree(node->target);
        kfree(node);
        if (parent)
            __atomic_sub_fetch(&parent->refs, 1, __ATOMIC_RELAXED);
        node = parent;
    }
}

void tmpfs_put(struct tmpfs_node *node)
{
    spin_lock(&tree_lock);
    int left = __atomic_sub_fetch(&node->refs, 1, __ATOMIC_RELAXED);
    ASSERT(left >= 0);
    free_if_unused(node);
    spin_unlock(&tree_lock);
}

struct tmpfs_node *tmpfs_root(void)
{
    if (root)
        tmpfs_get(root);
    return root;
}

struct tmpfs_node *tmpfs_node_alloc(uint32_t mode, int64_t now)
{
    struct tmpfs_node *node = kzalloc(sizeof(*node));
    if (!node)
        return NULL;
    spin_lock(&tree_lock);
    node->ino = next_ino++;
    spin_unlock(&tree_lock);
    node->mode = mode;
    spin_init(&node->data_lock, "tmpfs_data");
    node->atime_ns = node->mtime_ns = node->ctime_ns = now;
    return node;
}

static void set_time(int64_t *t, int64_t ns)
{
    __atomic_store_n(t, ns, __ATOMIC_RELAXED);
}

/* A directory's contents changed at 'now': its mtime and ctime. */
static void dir_changed(struct tmpfs_node *dir, int64_t now)
{
    set_time(&dir->mtime_ns, now);
    set_time(&dir->ctime_ns, now);
}

/* A removed directory (or file): no entry names it. The root always is. */
static bool is_removed(const struct tmpfs_node *node)
{
    return node != root && node->links == 0;
}

/* The index of dir's entry named [name, name + n), or -1. tree_lock held. */
static int find_entry(const struct tmpfs_node *dir, const char *name, size_t n)
{
    for (uint32_t i = 0; i < dir->entry_count; i++) {
        const char *e = dir->entries[i]->name;
        if (strncmp(e, name, n) == 0 && e[n] == '\0')
            return (int)i;
    }
    return -1;
}

struct tmpfs_node *tmpfs_find_node(const struct tmpfs_node *dir, const char *name, size_t n)
{
    int i = find_entry(dir, name, n);
    return i < 0 ? NULL : dir->entries[i]->node;
}

/* Makes room for one more entry in dir. 0 or -ENOSPC. tree_lock held. */
static int reserve_entry(struct tmpfs_node *dir)
{
    assert_held(&tree_lock);
    if (dir->entry_count < dir->entry_cap)
        return 0;
    uint32_t cap = dir->entry_cap ? 2 * dir->entry_cap : 8;
    struct tmpfs_dirent **a = kmalloc(cap * sizeof(*a));
    if (!a)
        return -ENOSPC;
    if (dir->entry_count)
        memcpy(a, dir->entries, dir->entry_count * sizeof(*a));
    kfree(dir->entries);
    dir->entries = a;
    dir->entry_cap = cap;
    return 0;
}

/* A directory entry for 'node' named [name, name + n); NULL without memory. */
static struct tmpfs_dirent *dirent_alloc(struct tmpfs_node *node, const char *name, size_t n)
{
    struct tmpfs_dirent *de = kmalloc(sizeof(*de) + n + 1);
    if (!de)
        return NULL;
    de->node = node;
    memcpy(de->name, name, n);
    de->name[n] = '\0';
    return de;
}

/* Makes 'dir' a directory node's parent: the reference moves (T4). */
static void set_parent(struct tmpfs_node *node, struct tmpfs_node *dir)
{
    struct tmpfs_node *old = node->parent;
    if (old == dir)
        return;
    tmpfs_get(dir);
    node->parent = dir;
    if (old) {
        __atomic_sub_fetch(&old->refs, 1, __ATOMIC_RELAXED);
        free_if_unused(old);
    }
}

/* Appends entry 'de' to dir (room reserved): one more link to its node.
 * tree_lock held. */
static void add_entry(struct tmpfs_node *dir, struct tmpfs_dirent *de)
{
    assert_held(&tree_lock);
    ASSERT(dir->entry_count < dir->entry_cap);
    de->pos = dir->next_pos++;
    dir->entries[dir->entry_count++] = de;
    de->node->links++;
    if (tmpfs_is_dir(de->node)) {
        dir->subdirs++;
        set_parent(de->node, dir);
    }
}

/* Takes entry i out of dir (later ones move down) and frees it: one link
 * less; the node is the caller's to free_if_unused(). tree_lock held. */
static struct tmpfs_node *remove_entry(struct tmpfs_node *dir, uint32_t i)
{
    assert_held(&tree_lock);
    struct tmpfs_dirent *de = dir->entries[i];
    struct tmpfs_node *node = de->node;
    memmove(&dir->entries[i], &dir->entries[i + 1],
            (dir->entry_count - i - 1) * sizeof(*dir->entries));
    dir->entry_count--;
    kfree(de);
    if (dir->entry_count == 0) { /* an empty directory holds no array */
        kfree(dir->entries);
        dir->entries = NULL;
        dir->entry_cap = 0;
    }
    node->links--;
    if (tmpfs_is_dir(node))
        dir->subdirs--;
    return node;
}

static bool is_dots(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* Replaces the path in the PATH_MAX buffer 'path' by link's target followed
 * by the rest after the link (at *at). 0 or -ENAMETOOLONG; *at = path. */
static int expand_link(char *path, char **at, const struct tmpfs_node *link)
{
    size_t tlen = link->size, rlen = strlen(*at);
    if (tlen + rlen + 1 > PATH_MAX)
        return -ENAMETOOLONG;
    memmove(path + tlen, *at, rlen + 1);
    memcpy(path, link->target, tlen);
    *at = path;
    return 0;
}

int tmpfs_walk(struct tmpfs_node *start, char *path, int flags, struct tmpfs_walk *w)
{
    memset(w, 0, sizeof(*w));
    int links_left = TMPFS_MAX_LINKS, err = 0;
    char *p = path;
    spin_lock(&tree_lock);
    struct tmpfs_node *cur = start;
    for (;;) {
        if (*p == '/')
            cur = p == path ? root : cur;
        while (*p == '/')
            p++;
        char *comp = p;
        while (*p && *p != '/')
            p++;
        size_t n = p - comp;
        if (n == 0) /* the end: cur itself ("/", "dir/", "") */
            break;
        if (!tmpfs_is_dir(cur)) {
            err = -ENOTDIR;
            break;
        }
        if (n > TMPFS_NAME_MAX) {
            err = -ENAMETOOLONG;
            break;
        }
        const char *after = p;
        while (*after == '/')
            after++;
        bool last = *after == '\0';
        w->trailing_slash = last && *p == '/';
        bool dot = n == 1 && comp[0] == '.', dotdot = n == 2 && comp[0] == '.' && comp[1] == '.';
        if (last) {
            memcpy(w->name, comp, n);
            w->name[n] = '\0';
        }
        if (last && (flags & WALK_PARENT) && (dot || dotdot)) {
            cur = dotdot ? cur->parent : cur;
            w->dir = cur;
            w->node = cur;
            break;
        }
        if (dot)
            continue;
        if (dotdot) {
            cur = cur->parent;
            continue;
        }
        struct tmpfs_node *child = tmpfs_find_node(cur, comp, n);
        bool follow = !last || (flags & WALK_FOLLOW) || w->trailing_slash;
        if (child && tmpfs_type(child) == S_IFLNK && follow) {
            if (links_left-- == 0) {
                err = -ELOOP;
                break;
            }
            err = expand_link(path, &p, child); /* relative: from cur */
            if (err)
                break;
            continue;
        }
        if (last && (flags & WALK_PARENT)) {
            w->dir = cur;
            w->node = child;
            break;
        }
        if (!child) {
            err = -ENOENT;
            break;
        }
        if (child->mount != MOUNT_NONE) {
            w->mount = child->mount;
            w->rest = p;
            spin_unlock(&tree_lock);
            return 0;
        }
        if (last)
            w->found_in = cur; /* the directory that named it: its path */
        cur = child;
    }
    if (!err && !w->dir) {
        if (w->trailing_slash && !tmpfs_is_dir(cur))
            err = -ENOTDIR;
        w->node = cur;
    }
    struct tmpfs_node *held[] = {w->dir, w->node, w->found_in};
    for (int i = 0; !err && i < 3; i++)
        if (held[i])
            tmpfs_get(held[i]);
    if (err)
        w->dir = w->node = w->found_in = NULL;
    spin_unlock(&tree_lock);
    return err;
}

void tmpfs_walk_done(struct tmpfs_walk *w)
{
    struct tmpfs_node *held[] = {w->dir, w->node, w->found_in};
    for (int i = 0; i < 3; i++)
        if (held[i])
            tmpfs_put(held[i]);
    w->dir = w->node = w->found_in = NULL;
}

int tmpfs_create(struct tmpfs_node *dir, const char *name, uint32_t mode, const char *target,
                 bool existing_ok, struct tmpfs_node **out)
{
    int64_t now = tmpfs_now();
    size_t n = strlen(name);
    if (n == 0 || is_dots(name))
        return -EEXIST;
    struct tmpfs_node *node = tmpfs_node_alloc(mode, now);
    struct tmpfs_dirent *de = node ? dirent_alloc(node, name, n) : NULL;
    if (node && target) {
        node->size = strlen(target);
        node->target = kmalloc(node->size + 1);
        if (node->target)
            memcpy(node->target, target, node->size + 1);
    }
    spin_lock(&tree_lock);
    struct tmpfs_node *old = tmpfs_find_node(dir, name, n);
    int err = !de || (target && !node->target) ? -ENOSPC
              : is_removed(dir)                ? -ENOENT
              : old                            ? -EEXIST
                                               : reserve_entry(dir);
    if (err == -EEXIST && existing_ok) {
        tmpfs_get(old);
        *out = old;
        err = 1;
    }
    if (err == 0) {
        node->refs = out ? 1 : 0;
        add_entry(dir, de);
        dir_changed(dir, now);
        if (out)
            *out = node;
    }
    spin_unlock(&tree_lock);
    if (err) {
        kfree(node ? node->target : NULL);
        kfree(de);
        kfree(node);
    }
    return err;
}

int tmpfs_link(struct tmpfs_node *node, struct tmpfs_node *dir, const char *name)
{
    if (tmpfs_is_dir(node))
        return -EPERM;
    int64_t now = tmpfs_now();
    size_t n = strlen(name);
    if (n == 0 || is_dots(name))
        return -EEXIST;
    struct tmpfs_dirent *de = dirent_alloc(node, name, n);
    if (!de)
        return -ENOSPC;
    spin_lock(&tree_lock);
    int err = is_removed(dir) || node->links == 0 ? -ENOENT
              : find_entry(dir, name, n) >= 0      ? -EEXIST
                                                   : reserve_entry(dir);
    if (err == 0) {
        add_entry(dir, de);
        dir_changed(dir, now);
        set_time(&node->ctime_ns, now);
    }
    spin_unlock(&tree_lock);
    if (err)
        kfree(de);
    return err;
}

int tmpfs_unlink(struct tmpfs_node *dir, const char *name, bool rmdir)
{
    int64_t now = tmpfs_now();
    if (rmdir && strcmp(name, ".") == 0)
        return -EINVAL;
    if (rmdir && strcmp(name, "..") == 0)
        return -ENOTEMPTY;
    if (name[0] == '\0' || is_dots(name))
        return rmdir ? -EBUSY : -EISDIR;
    spin_lock(&tree_lock);
    int i = find_entry(dir, name, strlen(name)), err = 0;
    struct tmpfs_node *node = i < 0 ? NULL : dir->entries[i]->node;
    if (!node)
        err = -ENOENT;
    else if (rmdir && !tmpfs_is_dir(node))
        err = -ENOTDIR;
    else if (!rmdir && tmpfs_is_dir(node))
        err = -EISDIR;
    else if (node->mount != MOUNT_NONE)
        err = -EBUSY;
    else if (rmdir && node->entry_count)
        err = -ENOTEMPTY;
    if (err == 0) {
        remove_entry(dir, (uint32_t)i);
        dir_changed(dir, now);
        set_time(&node->ctime_ns, now);
        free_if_unused(node);
    }
    spin_unlock(&tree_lock);
    return err;
}

/* True if 'node' is 'dir' or one of its ancestors. tree_lock held. */
static bool is_ancestor(const struct tmpfs_node *node, const struct tmpfs_node *dir)
{
    for (;;) {
        if (dir == node)
            return true;
        if (dir == root || dir->parent == dir)
            return false;
        dir = dir->parent;
    }
}

/* rename's checks of source 'src' over target 'dst' (NULL: none) into
 * new_dir. tree_lock held. */
static int rename_check(struct tmpfs_node *src, struct tmpfs_node *dst, struct tmpfs_node *new_dir,
                        bool noreplace)
{
    if (noreplace && dst)
        return -EEXIST;
    if (src->mount != MOUNT_NONE || (dst && dst->mount != MOUNT_NONE))
        return -EBUSY;
    if (is_removed(new_dir))
        return -ENOENT;
    if (tmpfs_is_dir(src)) {
        if (is_ancestor(src, new_dir))
            return -EINVAL;
        if (dst && !tmpfs_is_dir(dst))
            return -ENOTDIR;
        if (dst && dst->entry_count)
            return -ENOTEMPTY;
    } else if (dst && tmpfs_is_dir(dst)) {
        return -EISDIR;
    }
    return 0;
}

int tmpfs_rename(struct tmpfs_node *old_dir, const char *old_name, struct tmpfs_node *new_dir,
                 const char *new_name, bool noreplace)
{
    int64_t now = tmpfs_now();
    if (old_name[0] == '\0' || is_dots(old_name) || new_name[0] == '\0' || is_dots(new_name))
        return noreplace && new_name[0] ? -EEXIST : -EBUSY;
    size_t n = strlen(new_name);
    struct tmpfs_dirent *de = dirent_alloc(NULL, new_name, n);
    if (!de)
        return -ENOSPC;
    spin_lock(&tree_lock);
    int oi = find_entry(old_dir, old_name, strlen(old_name));
    int ni = find_entry(new_dir, new_name, n), err = 0;
    struct tmpfs_node *src = oi < 0 ? NULL : old_dir->entries[oi]->node;
    struct tmpfs_node *dst = ni < 0 ? NULL : new_dir->entries[ni]->node;
    if (!src)
        err = -ENOENT;
    else if (src == dst) /* two names of one file: nothing to do */
        err = noreplace ? -EEXIST : 1;
    else
        err = rename_check(src, dst, new_dir, noreplace);
    if (err == 0)
        err = reserve_entry(new_dir);
    if (err == 0) {
        /* the new entry first (appended: ni stays valid), so that neither
         * directory empties on the way and src keeps a link throughout */
        de->node = src;
        add_entry(new_dir, de);
        de = NULL;
        if (dst)
            remove_entry(new_dir, (uint32_t)ni);
        remove_entry(old_dir, (uint32_t)find_entry(old_dir, old_name, strlen(old_name)));
        set_time(&src->ctime_ns, now);
        dir_changed(old_dir, now);
        dir_changed(new_dir, now);
        if (dst) {
            set_time(&dst->ctime_ns, now);
            free_if_unused(dst);
        }
    }
    spin_unlock(&tree_lock);
    kfree(de);
    return err > 0 ? 0 : err;
}

void tmpfs_chmod(struct tmpfs_node *node, uint32_t mode)
{
    int64_t now = tmpfs_now();
    spin_lock(&tree_lock);
    node->mode = (node->mode & S_IFMT) | (mode & 07777);
    spin_unlock(&tree_lock);
    set_time(&node->ctime_ns, now);
}

uint64_t tmpfs_nlink(struct tmpfs_node *node)
{
    spin_lock(&tree_lock);
    uint64_t n = !tmpfs_is_dir(node) ? node->links : is_removed(node) ? 0 : 2 + node->subdirs;
    spin_unlock(&tree_lock);
    return n;
}

/* The name of directory 'node' in its parent. tree_lock held; not root. */
static const char *dir_name(const struct tmpfs_node *node)
{
    const struct tmpfs_node *parent = node->parent;
    for (uint32_t i = 0; i < parent->entry_count; i++)
        if (parent->entries[i]->node == node)
            return parent->entries[i]->name;
    return "";
}

/* The path is built from the end of buf backwards, then moved to its start. */
int tmpfs_dir_path(struct tmpfs_node *dir, char *buf, size_t size)
{
    spin_lock(&tree_lock);
    size_t at = size;
    int err = is_removed(dir) ? -ENOENT : 0;
    for (const struct tmpfs_node *node = dir; !err && node != root; node = node->parent) {
        const char *name = dir_name(node);
        size_t n = strlen(name);
        if (at < n + 1) {
            err = -ENAMETOOLONG;
            break;
        }
        at -= n;
        memcpy(buf + at, name, n);
        buf[--at] = '/';
    }
    spin_unlock(&tree_lock);
    if (err)
        return err;
    if (at == size) {
        if (size < 1)
            return -ENAMETOOLONG;
        buf[--at] = '/';
    }
    size_t len = size - at;
    if (len == size)
        return -ENAMETOOLONG; /* no room for the NUL */
    memmove(buf, buf + at, len);
    buf[len] = '\0';
    return (int)len;
}

int tmpfs_dir_entry(struct tmpfs_node *dir, uint64_t index, struct dir_entry *out,
                    char *name_buf)
{
    spin_lock(&tree_lock);
    const struct tmpfs_node *node = NULL;
    const char *name = index == 0 ? "." : "..";
    uint64_t next = index + 1;
    if (index < 2) {
        node = index == 0 ? dir : dir->parent;
    } else { /* the first entry with pos >= index - 2: positions rise along the array */
        uint32_t lo = 0, hi = dir->entry_count;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (dir->entries[mid]->pos < index - 2)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < dir->entry_count) {
            node = dir->entries[lo]->node;
            name = dir->entries[lo]->name;
            next = dir->entries[lo]->pos + 3;
        }
    }
    if (node) {
        memcpy(name_buf, name, strlen(name) + 1);
        *out = (struct dir_entry){name_buf, node->ino, (node->mode & S_IFMT) >> 12, next};
    }
    spin_unlock(&tree_lock);
    return node ? 1 : 0;
}

int tmpfs_attach(struct tmpfs_node *dir, const char *name, size_t n, struct tmpfs_node *node)
{
    struct tmpfs_dirent *de = dirent_alloc(node, name, n);
    spin_lock(&tree_lock);
    int err = de ? reserve_entry(dir) : -ENOSPC;
    if (err == 0)
        add_entry(dir, de);
    spin_unlock(&tree_lock);
    if (err)
        kfree(de);
    return err;
}

struct tmpfs_node *tmpfs_make_root(void)
{
    ASSERT(!root);
    struct tmpfs_node *node = tmpfs_node_alloc(S_IFDIR | 0755, tmpfs_now());
    if (!node)
        return NULL;
    node->parent = node;
    node->links = 1;
    node->refs = 1;
    root = node;
    return root;
}

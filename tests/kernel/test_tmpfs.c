/*
 * Tests of the tmpfs (fs/tmpfs.h) over the booted initrd: the unpacked
 * tree, writes into frames counted by tmpfs_pages() and given back by
 * truncate and unlink, an unlinked file kept by its holder (T4), links,
 * ".." and rename's checks. Every file made is removed again.
 */
#include "fs/tmpfs.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/layout.h"
#include "tests/kernel/ktest.h"

/* Walks 'path' (copied into a PATH_MAX buffer) from the root; the node it
 * names with a reference, or NULL and *err. */
static struct tmpfs_node *lookup(const char *path, int flags, int *err)
{
    char *buf = kmalloc(PATH_MAX);
    struct tmpfs_node *root = tmpfs_root();
    struct tmpfs_walk w;
    memcpy(buf, path, strlen(path) + 1);
    *err = tmpfs_walk(root, buf, flags, &w);
    tmpfs_put(root);
    kfree(buf);
    if (*err)
        return NULL;
    struct tmpfs_node *node = w.node; /* its reference passes to the caller */
    w.node = NULL;
    tmpfs_walk_done(&w);
    return node;
}

/* The directory /tmp with a reference. */
static struct tmpfs_node *tmp_dir(void)
{
    int err;
    return lookup("/tmp", WALK_FOLLOW, &err);
}

KTEST(tmpfs_initrd_is_unpacked)
{
    int err = 0;
    struct tmpfs_node *readme = lookup("/README", WALK_FOLLOW, &err);
    KASSERT(readme != NULL);
    static const char want[] = "prune initrd\n";
    char buf[64] = {0};
    KEXPECT(tmpfs_type(readme) == S_IFREG && readme->size == sizeof(want) - 1);
    KEXPECT(tmpfs_read(readme, iobuf_kernel(buf), sizeof(buf), 0) == sizeof(want) - 1);
    KEXPECT(memcmp(buf, want, sizeof(want)) == 0);
    KEXPECT(tmpfs_read(readme, iobuf_kernel(buf), 6, 6) == 6 && memcmp(buf, "initrd", 6) == 0);
    KEXPECT(tmpfs_read(readme, iobuf_kernel(buf), sizeof(buf), readme->size) == 0);
    tmpfs_put(readme);

    struct tmpfs_node *tmp = tmp_dir();
    KASSERT(tmp != NULL);
    KEXPECT(tmp->mode == (S_IFDIR | 01777));
    tmpfs_put(tmp);
    struct tmpfs_node *root = tmpfs_root();
    KEXPECT(root->ino == 1 && root->parent == root && tmpfs_nlink(root) >= 5);
    tmpfs_put(root);
    KEXPECT(lookup("/bin", WALK_FOLLOW, &err) != NULL);
    tmpfs_put(lookup("/bin", WALK_FOLLOW, &err));
    KEXPECT(lookup("/README/x", WALK_FOLLOW, &err) == NULL && err == -ENOTDIR);
    KEXPECT(lookup("/README/", WALK_FOLLOW, &err) == NULL && err == -ENOTDIR);
    KEXPECT(lookup("/nope", WALK_FOLLOW, &err) == NULL && err == -ENOENT);
}

KTEST(tmpfs_data_lives_in_counted_frames)
{
    uint64_t pages = tmpfs_pages(), objects = kmalloc_in_use();
    struct tmpfs_node *tmp = tmp_dir(), *f = NULL;
    KASSERT(tmp != NULL);
    KASSERT(tmpfs_create(tmp, "ktest-data", S_IFREG | 0644, NULL, false, &f) == 0);
    char *buf = kmalloc(3 * PAGE_SIZE + 10);
    KASSERT(buf != NULL);
    memset(buf, 'x', 3 * PAGE_SIZE + 10);
    uint64_t start;
    KEXPECT(tmpfs_write(f, iobuf_kernel(buf), 3 * PAGE_SIZE + 10, 0, false, &start) ==
            3 * PAGE_SIZE + 10);
    KEXPECT(tmpfs_pages() == pages + 4 && f->size == 3 * PAGE_SIZE + 10);

    /* a hole: page 5 is written, page 4 never is and reads as zeros */
    KEXPECT(tmpfs_write(f, iobuf_kernel(buf), 1, 5 * PAGE_SIZE, false, &start) == 1);
    KEXPECT(tmpfs_pages() == pages + 5);
    memset(buf, 1, PAGE_SIZE);
    KEXPECT(tmpfs_read(f, iobuf_kernel(buf), PAGE_SIZE, 4 * PAGE_SIZE) == PAGE_SIZE);
    KEXPECT(buf[0] == 0 && buf[PAGE_SIZE - 1] == 0);

    /* a shrink frees the pages past the end and clears the last one's tail */
    tmpfs_truncate(f, 5000);
    KEXPECT(tmpfs_pages() == pages + 2 && f->size == 5000);
    tmpfs_truncate(f, 3 * PAGE_SIZE);
    KEXPECT(tmpfs_read(f, iobuf_kernel(buf), 2, 4999) == 2 && buf[0] == 'x' && buf[1] == 0);

    /* O_APPEND: at the end wherever pos says */
    KEXPECT(tmpfs_write(f, iobuf_kernel("ab"), 2, 0, true, &start) == 2);
    KEXPECT(start == 3 * PAGE_SIZE && f->size == 3 * PAGE_SIZE + 2);
    kfree(buf);

    KEXPECT(tmpfs_unlink(tmp, "ktest-data", false) == 0);
    KEXPECT(tmpfs_pages() > pages); /* our reference keeps it (T4) */
    tmpfs_put(f);
    KEXPECT(tmpfs_pages() == pages);
    tmpfs_put(tmp);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(tmpfs_names_links_and_rename_rules)
{
    uint64_t objects = kmalloc_in_use();
    struct tmpfs_node *tmp = tmp_dir(), *d = NULL, *f = NULL;
    KASSERT(tmp != NULL);
    KASSERT(tmpfs_create(tmp, "ktd", S_IFDIR | 0755, NULL, false, &d) == 0);
    KEXPECT(tmpfs_create(tmp, "ktd", S_IFDIR | 0755, NULL, false, NULL) == -EEXIST);
    KASSERT(tmpfs_create(d, "f", S_IFREG | 0600, NULL, false, &f) == 0);
    KEXPECT(tmpfs_create(d, "up", S_IFLNK | 0777, "../ktd/f", false, NULL) == 0);
    KEXPECT(tmpfs_create(d, "loop", S_IFLNK | 0777, "loop", false, NULL) == 0);
    KEXPECT(tmpfs_link(f, tmp, "ktf") == 0 && tmpfs_nlink(f) == 2);
    KEXPECT(tmpfs_link(d, tmp, "ktd2") == -EPERM);
    KEXPECT(tmpfs_nlink(d) == 2 && tmpfs_nlink(tmp) >= 3);

    int err;
    struct tmpfs_node *n = lookup("/tmp/ktd/up", WALK_FOLLOW, &err);
    KEXPECT(n == f);
    if (n)
        tmpfs_put(n);
    n = lookup("/tmp/ktd/up", 0, &err);
    KEXPECT(n && tmpfs_type(n) == S_IFLNK && strcmp(n->target, "../ktd/f") == 0);
    if (n)
        tmpfs_put(n);
    KEXPECT(lookup("/tmp/ktd/loop", WALK_FOLLOW, &err) == NULL && err == -ELOOP);
    n = lookup("/tmp/ktd/../ktd/./f", WALK_FOLLOW, &err);
    KEXPECT(n == f);
    if (n)
        tmpfs_put(n);

    KEXPECT(tmpfs_rename(tmp, "ktd", d, "below", false) == -EINVAL);
    KEXPECT(tmpfs_unlink(tmp, "ktd", true) == -ENOTEMPTY);
    KEXPECT(tmpfs_unlink(tmp, "ktd", false) == -EISDIR);
    KEXPECT(tmpfs_unlink(tmp, "ktf", true) == -ENOTDIR);
    KEXPECT(tmpfs_rename(tmp, "ktf", d, "f", true) == -EEXIST);
    KEXPECT(tmpfs_rename(tmp, "ktf", d, "g", false) == 0 && tmpfs_nlink(f) == 2);
    /* two names of one file: rename does nothing, as on Linux */
    KEXPECT(tmpfs_rename(d, "g", d, "f", false) == 0 && tmpfs_nlink(f) == 2);
    KEXPECT(tmpfs_unlink(d, "g", false) == 0 && tmpfs_nlink(f) == 1);
    char path[64];
    KEXPECT(tmpfs_dir_path(d, path, sizeof(path)) == 8 && strcmp(path, "/tmp/ktd") == 0);

    KEXPECT(tmpfs_unlink(d, "f", false) == 0 && tmpfs_nlink(f) == 0);
    KEXPECT(tmpfs_unlink(d, "up", false) == 0);
    KEXPECT(tmpfs_unlink(d, "loop", false) == 0);
    KEXPECT(tmpfs_unlink(tmp, "ktd", true) == 0 && tmpfs_nlink(d) == 0);
    KEXPECT(tmpfs_dir_path(d, path, sizeof(path)) == -ENOENT);
    KEXPECT(tmpfs_create(d, "x", S_IFREG | 0644, NULL, false, NULL) == -ENOENT);
    tmpfs_put(f);
    tmpfs_put(d);
    tmpfs_put(tmp);
    KEXPECT(kmalloc_in_use() == objects);
}

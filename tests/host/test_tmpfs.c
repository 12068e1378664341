/*
 * Host tests of the tmpfs tree (fs/tmpfs.c) and the initrd's unpacking
 * (fs/tmpfs_initrd.c) over archives written by tests/host/newc.h: the
 * tree, walks ("." "..", slashes, symbolic links, mount points), names
 * (create, link, unlink, rename), listings, bad archives, and running out
 * of memory at every allocation (LeakSanitizer checks that nothing leaks).
 * The tmpfs is built once per process, so each test runs in a child of
 * its own. File data (fs/tmpfs_data.c, frames) is stubbed: sizes only.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/host/host_test.h"
#include "tests/host/newc.h"

/* The kernel's spinlocks, for one thread: a count that assert_held reads. */
#include "kernel/panic.h"
#define KERNEL_SPINLOCK_H
struct spinlock {
    int held;
    const char *name;
};
#define SPINLOCK_INIT(n) {0, (n)}
#define spin_init(l, n) (*(l) = (struct spinlock)SPINLOCK_INIT(n))
#define spin_lock(l) ((l)->held++)
#define spin_unlock(l) ((l)->held--)
#define assert_held(l) ASSERT((l)->held > 0)

#include "fs/cpio.c"
#include "fs/tmpfs.c"
#include "fs/tmpfs_initrd.c"

#include "tests/host/host_panic.h"

/* The kernel services the tree uses. kmalloc fails once 'kmalloc_budget'
 * allocations were made, if it is not negative. */
struct boot_info boot_info;
static long kmalloc_budget = -1;

void *kmalloc(size_t size)
{
    if (kmalloc_budget == 0 || size == 0)
        return NULL;
    if (kmalloc_budget > 0)
        kmalloc_budget--;
    return malloc(size);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    return p ? memset(p, 0, size) : NULL;
}

void kfree(void *p)
{
    free(p);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("    # ");
    vprintf(fmt, ap);
    va_end(ap);
}

/* fs/tmpfs_data.c without frames: a write sets the size and costs one
 * allocation (so the budget reaches it), a read finds nothing. */
long tmpfs_write(struct tmpfs_node *node, struct iobuf buf, size_t len, uint64_t pos,
                 bool append, uint64_t *pos_out)
{
    (void)buf;
    void *p = kmalloc(1);
    if (!p)
        return -ENOSPC;
    kfree(p);
    pos = append ? node->size : pos;
    if (pos + len > node->size)
        node->size = pos + len;
    *pos_out = pos;
    return (long)len;
}

long tmpfs_read(struct tmpfs_node *node, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)node, (void)buf, (void)len, (void)pos;
    return 0;
}

void tmpfs_free_data(struct tmpfs_node *node)
{
    (void)node;
}

uint64_t tmpfs_pages(void)
{
    return 0;
}

int64_t tmpfs_now(void)
{
    return 0;
}

#define DIR_MODE (S_IFDIR | 0755)
#define FILE_MODE (S_IFREG | 0644)
#define LINK_MODE (S_IFLNK | 0777)

/* The archive most tests use: what tools/mkinitrd.sh makes, plus links. */
static struct newc sample(void)
{
    struct newc a = {0};
    newc_add(&a, ".", S_IFDIR | 0700, NULL, 0);
    newc_add(&a, "README", FILE_MODE, "prune initrd\n", 13);
    newc_add(&a, "bin", DIR_MODE, NULL, 0);
    newc_add(&a, "bin/hello", S_IFREG | 0755, "\177ELF....", 8);
    newc_add(&a, "bin/up", LINK_MODE, "../README", 9);
    newc_add(&a, "sh", LINK_MODE, "bin/hello", 9);
    newc_add(&a, "abs", LINK_MODE, "/README", 7);
    newc_add(&a, "bindir", LINK_MODE, "bin", 3);
    newc_add(&a, "loop", LINK_MODE, "loop", 4);
    newc_add(&a, "dangling", LINK_MODE, "nowhere", 7);
    newc_add(&a, "empty", FILE_MODE, NULL, 0);
    newc_trailer(&a);
    return a;
}

/* Unpacks archive a (then frees it) into this process's tmpfs. */
static int unpack(struct newc a, struct tmpfs_stats *stats)
{
    struct tmpfs_archive ar = {a.buf, a.len};
    int r = tmpfs_init_archives(&ar, 1, stats);
    newc_free(&a);
    return r;
}

/* Runs body in a child process; its failed checks (and a leak, which
 * makes LeakSanitizer fail the exit) count here. */
#define IN_CHILD(body)                                                           \
    do {                                                                         \
        fflush(stdout);                                                          \
        pid_t pid_ = fork();                                                     \
        if (pid_ == 0) {                                                         \
            host_test_failures = 0;                                              \
            body;                                                                \
            fflush(stdout);                                                      \
            exit(host_test_failures ? 1 : 0);                                    \
        }                                                                        \
        int status_ = 0;                                                         \
        waitpid(pid_, &status_, 0);                                              \
        CHECK(WIFEXITED(status_) && WEXITSTATUS(status_) == 0);                  \
    } while (0)

/* Walks 'path' from the root; the node it names (references dropped: the
 * tree keeps them), or NULL with *err. */
static struct tmpfs_node *walk(const char *path, int flags, int *err)
{
    static char buf[PATH_MAX];
    strcpy(buf, path);
    struct tmpfs_walk w;
    *err = tmpfs_walk(root, buf, flags, &w);
    struct tmpfs_node *n = *err ? NULL : w.node;
    tmpfs_walk_done(&w);
    return n;
}

static struct tmpfs_node *node_at(const char *path)
{
    int err;
    return walk(path, WALK_FOLLOW, &err);
}

static bool fails(const char *path, int want)
{
    int err;
    return walk(path, WALK_FOLLOW, &err) == NULL && err == want;
}

static void check_tree(void)
{
    struct tmpfs_stats s;
    CHECK(unpack(sample(), &s) == 0);
    CHECK(s.files == 3 && s.bytes == 21 && s.dirs == 5 && s.links == 6 && s.skipped == 0);
    CHECK(root->ino == 1 && root->mode == (S_IFDIR | 0700) && root->parent == root);
    struct tmpfs_node *readme = node_at("/README"), *bin = node_at("/bin");
    CHECK(readme && readme->mode == FILE_MODE && readme->size == 13);
    CHECK(bin && tmpfs_is_dir(bin) && bin->parent == root && bin->entry_count == 2);
    CHECK(node_at("/tmp") && node_at("/tmp")->mode == (S_IFDIR | 01777));
    CHECK(tmpfs_nlink(root) == 2 + 4 && tmpfs_nlink(readme) == 1);
}

HOST_TEST(tree_and_stats)
{
    IN_CHILD(check_tree());
}

static void check_walks(void)
{
    struct tmpfs_stats s;
    CHECK(unpack(sample(), &s) == 0);
    struct tmpfs_node *readme = node_at("/README"), *hello = node_at("/bin/hello");
    CHECK(node_at("/") == root && node_at("//") == root && node_at("/.") == root);
    CHECK(node_at("/bin/../README") == readme && node_at("/../README") == readme);
    CHECK(node_at("//bin//..//./README") == readme);
    CHECK(fails("/README/x", -ENOTDIR) && fails("/README/", -ENOTDIR));
    CHECK(fails("/nope", -ENOENT) && fails("/nope/x", -ENOENT));
    char longname[300];
    memset(longname, 'y', 257);
    longname[0] = '/';
    longname[257] = '\0';
    CHECK(fails(longname, -ENAMETOOLONG));

    /* links: relative to the directory holding them */
    CHECK(node_at("/sh") == hello && node_at("/abs") == readme && node_at("/bin/up") == readme);
    CHECK(node_at("/bindir/hello") == hello && node_at("/bindir/../README") == readme);
    CHECK(node_at("/bindir/") == node_at("/bin"));
    CHECK(fails("/sh/", -ENOTDIR) && fails("/loop", -ELOOP) && fails("/dangling", -ENOENT));
    int err;
    struct tmpfs_node *sh = walk("/sh", 0, &err);
    CHECK(sh && tmpfs_type(sh) == S_IFLNK && strcmp(sh->target, "bin/hello") == 0);

    /* WALK_PARENT: the directory and the last name, which may be missing */
    char buf[64] = "/bin/new";
    struct tmpfs_walk w;
    CHECK(tmpfs_walk(root, buf, WALK_PARENT, &w) == 0);
    CHECK(w.dir == node_at("/bin") && w.node == NULL && strcmp(w.name, "new") == 0);
    tmpfs_walk_done(&w);
    strcpy(buf, "/bindir/up/");
    CHECK(tmpfs_walk(root, buf, WALK_PARENT, &w) == 0); /* a trailing slash follows */
    CHECK(w.node == readme && w.trailing_slash);
    tmpfs_walk_done(&w);

    /* a mount point stops the walk, with the rest of the path */
    strcpy(buf, "/bin/../proc/self/status");
    CHECK(tmpfs_walk(root, buf, WALK_FOLLOW, &w) == 0);
    CHECK(w.mount == MOUNT_PROC && strcmp(w.rest, "/self/status") == 0 && !w.node);
    strcpy(buf, "/dev");
    CHECK(tmpfs_walk(root, buf, WALK_FOLLOW, &w) == 0);
    CHECK(w.mount == MOUNT_DEV && strcmp(w.rest, "") == 0);
    strcpy(buf, "/dev");
    CHECK(tmpfs_walk(root, buf, WALK_PARENT, &w) == 0); /* mkdir /dev: it exists */
    CHECK(w.mount == MOUNT_NONE && w.node != NULL && strcmp(w.name, "dev") == 0);
    tmpfs_walk_done(&w);
}

HOST_TEST(walks_dots_links_and_mounts)
{
    IN_CHILD(check_walks());
}

static void check_names(void)
{
    struct tmpfs_stats s;
    CHECK(unpack(sample(), &s) == 0);
    struct tmpfs_node *tmp = node_at("/tmp"), *d = NULL, *f = NULL, *readme = node_at("/README");
    CHECK(tmpfs_create(tmp, "d", S_IFDIR | 0755, NULL, false, &d) == 0);
    CHECK(tmpfs_create(d, "f", S_IFREG | 0600, NULL, false, &f) == 0);
    CHECK(tmpfs_create(d, "f", S_IFREG | 0600, NULL, false, NULL) == -EEXIST);
    struct tmpfs_node *again = NULL;
    CHECK(tmpfs_create(d, "f", S_IFREG | 0600, NULL, true, &again) == 1 && again == f);
    tmpfs_put(again);
    CHECK(tmpfs_create(d, "..", S_IFDIR | 0755, NULL, false, NULL) == -EEXIST);
    CHECK(tmpfs_link(readme, d, "r") == 0 && tmpfs_nlink(readme) == 2);
    CHECK(tmpfs_rename(tmp, "d", d, "x", false) == -EINVAL);
    CHECK(tmpfs_rename(root, "bin", d, "f", false) == -ENOTDIR);
    CHECK(tmpfs_rename(d, "f", root, "bin", false) == -EISDIR);
    CHECK(tmpfs_rename(root, "proc", tmp, "p", false) == -EBUSY);
    CHECK(tmpfs_rename(d, "r", d, "f", true) == -EEXIST);
    CHECK(tmpfs_rename(d, "r", d, "f", false) == 0); /* f's node loses its last name */
    CHECK(tmpfs_nlink(f) == 0 && tmpfs_nlink(readme) == 2);
    CHECK(tmpfs_unlink(tmp, "d", true) == -ENOTEMPTY);
    CHECK(tmpfs_unlink(root, "dev", true) == -EBUSY);
    CHECK(tmpfs_unlink(d, "f", false) == 0 && tmpfs_nlink(readme) == 1);
    CHECK(tmpfs_unlink(tmp, "d", true) == 0 && tmpfs_nlink(d) == 0);
    CHECK(tmpfs_create(d, "g", S_IFREG | 0600, NULL, false, NULL) == -ENOENT);
    char path[32];
    CHECK(tmpfs_dir_path(d, path, sizeof(path)) == -ENOENT);
    CHECK(tmpfs_dir_path(tmp, path, sizeof(path)) == 4 && strcmp(path, "/tmp") == 0);
    CHECK(tmpfs_dir_path(tmp, path, 4) == -ENAMETOOLONG);
    tmpfs_put(f);
    tmpfs_put(d); /* both freed now: LeakSanitizer would say otherwise */
}

HOST_TEST(names_links_renames_and_their_errors)
{
    IN_CHILD(check_names());
}

static void check_listing(void)
{
    struct tmpfs_stats s;
    CHECK(unpack(sample(), &s) == 0);
    struct tmpfs_node *tmp = node_at("/tmp");
    char name[16], got[TMPFS_NAME_MAX + 1];
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        CHECK(tmpfs_create(tmp, name, S_IFREG | 0644, NULL, false, NULL) == 0);
    }
    struct dir_entry e;
    CHECK(tmpfs_dir_entry(tmp, 0, &e, got) == 1 && strcmp(e.name, ".") == 0);
    CHECK(tmpfs_dir_entry(tmp, 1, &e, got) == 1 && e.ino == 1 && e.type == DT_DIR);
    CHECK(tmpfs_dir_entry(tmp, 3, &e, got) == 1 && strcmp(e.name, "f1") == 0 && e.next == 4);
    /* f0..f2 go: the listing goes on at f3, where it was */
    CHECK(tmpfs_unlink(tmp, "f0", false) == 0 && tmpfs_unlink(tmp, "f1", false) == 0);
    CHECK(tmpfs_unlink(tmp, "f2", false) == 0);
    CHECK(tmpfs_dir_entry(tmp, 4, &e, got) == 1 && strcmp(e.name, "f3") == 0 && e.next == 6);
    CHECK(tmpfs_dir_entry(tmp, 8, &e, got) == 0);
}

HOST_TEST(listing_positions_survive_removals)
{
    IN_CHILD(check_listing());
}

static void check_parents(void)
{
    struct newc a = {0};
    newc_add(&a, "./a/b/c", FILE_MODE, "x", 1);
    newc_add(&a, "/a", S_IFDIR | 0700, NULL, 0); /* later: sets the mode */
    newc_add(&a, "a/b/.", S_IFDIR | 0711, NULL, 0);
    newc_add(&a, "dev/console", S_IFCHR | 0600, NULL, 0);
    newc_trailer(&a);
    struct tmpfs_stats s;
    CHECK(unpack(a, &s) == 0);
    CHECK(node_at("/a") && node_at("/a")->mode == (S_IFDIR | 0700));
    CHECK(node_at("/a/b") && node_at("/a/b")->mode == (S_IFDIR | 0711));
    CHECK(node_at("/a/b/c") && node_at("/a/b/c")->size == 1);
    CHECK(s.files == 1 && s.dirs == 6 && s.skipped == 1);
}

HOST_TEST(missing_parents_are_created)
{
    IN_CHILD(check_parents());
}

/* unpack() of an archive with these entries then a trailer. */
static int unpack_with(const char *name1, uint32_t mode1, const char *data1, const char *name2,
                       uint32_t mode2, const char *data2)
{
    struct newc a = {0};
    newc_add(&a, name1, mode1, data1, data1 ? strlen(data1) : 0);
    if (name2)
        newc_add(&a, name2, mode2, data2, data2 ? strlen(data2) : 0);
    newc_trailer(&a);
    struct tmpfs_stats s;
    return unpack(a, &s);
}

HOST_TEST(bad_archives_are_refused)
{
    IN_CHILD(CHECK(unpack_with("f", FILE_MODE, "1", "f", FILE_MODE, "2") == -EEXIST));
    IN_CHILD(CHECK(unpack_with("d", DIR_MODE, NULL, "d", FILE_MODE, "2") == -EEXIST));
    IN_CHILD(CHECK(unpack_with("f", FILE_MODE, "1", "f/x", FILE_MODE, "2") == -ENOTDIR));
    IN_CHILD(CHECK(unpack_with("a/../b", FILE_MODE, "1", NULL, 0, NULL) == -EINVAL));
    IN_CHILD(CHECK(unpack_with(".", FILE_MODE, "1", NULL, 0, NULL) == -EEXIST));
    IN_CHILD(CHECK(unpack_with("l", LINK_MODE, "", NULL, 0, NULL) == -EINVAL));
    IN_CHILD(CHECK(unpack_with("proc", FILE_MODE, "1", NULL, 0, NULL) == -ENOTDIR));
    char longname[300];
    memset(longname, 'y', 256);
    longname[256] = '\0';
    IN_CHILD(CHECK(unpack_with(longname, FILE_MODE, "1", NULL, 0, NULL) == -ENAMETOOLONG));
    struct newc a = sample();
    a.len--;
    IN_CHILD(CHECK(unpack(a, &(struct tmpfs_stats){0}) == -EINVAL));
    newc_free(&a); /* the child's copy was freed by unpack() */
}

/* The whole life of the sample tree with 'budget' allocations, in a
 * child: every failure is -ENOSPC and leaks nothing. Exits 0 if the budget
 * was more than enough, 2 if it ran out, 1 if a check failed. */
static void budgeted(long budget)
{
    kmalloc_budget = budget;
    struct tmpfs_stats s;
    int r = unpack(sample(), &s);
    CHECK(r == 0 || r == -ENOSPC);
    struct tmpfs_node *tmp = r == 0 ? node_at("/tmp") : NULL, *f = NULL;
    if (tmp && tmpfs_create(tmp, "f", S_IFREG | 0644, NULL, false, &f) == 0) {
        int l = tmpfs_link(f, tmp, "g");
        CHECK(l == 0 || l == -ENOSPC);
        int m = tmpfs_rename(tmp, "f", root, "h", false);
        CHECK(m == 0 || m == -ENOSPC);
        tmpfs_unlink(tmp, "g", false);
        tmpfs_unlink(tmp, "f", false);
        tmpfs_unlink(root, "h", false);
        tmpfs_put(f);
    }
    exit(host_test_failures ? 1 : kmalloc_budget == 0 ? 2 : 0);
}

HOST_TEST(out_of_memory_at_every_allocation)
{
    int failures_seen = 0;
    for (long budget = 0; budget < 200; budget++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0)
            budgeted(budget);
        int status = 0;
        waitpid(pid, &status, 0);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1; /* a leak: 23 */
        CHECK(code == 0 || code == 2);
        if (code != 2)
            break;
        failures_seen++;
    }
    CHECK(failures_seen > 10);
}

static void check_module(void)
{
    struct newc a = sample();
    boot_info.module_count = 2;
    strcpy(boot_info.modules[0].name, "other");
    strcpy(boot_info.modules[1].name, "initrd");
    /* phys_to_virt() adds DIRECT_MAP_BASE: undo it for a host pointer */
    boot_info.modules[1].start = (uint64_t)a.buf - DIRECT_MAP_BASE;
    boot_info.modules[1].end = boot_info.modules[1].start + a.len;
    initrd_init();
    CHECK(node_at("/sh") == node_at("/bin/hello") && node_at("/sh") != NULL);
    newc_free(&a);
}

HOST_TEST(initrd_module_is_found_by_name)
{
    IN_CHILD(check_module());
}

HOST_TEST_MAIN()

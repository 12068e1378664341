/*
 * Host tests of the ramfs (fs/ramfs.c) over archives written by
 * tests/host/newc.h: the tree, path lookup ("." "..", slashes, symbolic
 * links), reads, directory entries, bad archives, and running out of memory
 * at every allocation (LeakSanitizer checks that nothing leaks).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/host_test.h"
#include "tests/host/newc.h"
#include "fs/cpio.c"
#include "fs/ramfs.c"

/* The kernel services ramfs.c uses. kmalloc fails once 'kmalloc_budget'
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
    printf("# "); /* a KTAP diagnostic line */
    vprintf(fmt, ap);
    va_end(ap);
}

#define S_IFCHR 0020000
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

/* The archive the current tree points into (its files' data). */
static struct newc mounted;

/* ramfs_init() of archive 'a'. On success 'a' is kept as the mounted
 * archive and the previous one freed; else 'a' is freed. Returns the result. */
static int mount(struct newc a)
{
    int r = ramfs_init(a.buf, a.len);
    if (r == 0) {
        newc_free(&mounted);
        mounted = a;
    } else {
        newc_free(&a);
    }
    return r;
}

/* Looks 'path' up; returns the node's name, or NULL with *err set. */
static const char *name_of(const char *path, int *err)
{
    *err = 0;
    struct ramfs_node *n = ramfs_lookup(path, err);
    return n ? n->name : NULL;
}

/* True if 'path' fails to resolve with error 'want'. */
static bool fails(const char *path, int want)
{
    int err = 0;
    return ramfs_lookup(path, &err) == NULL && err == want;
}

static bool resolves_to(const char *path, const char *name)
{
    int err;
    const char *got = name_of(path, &err);
    return got && strcmp(got, name) == 0;
}

HOST_TEST(tree_and_stats)
{
    CHECK(mount(sample()) == 0);
    struct ramfs_stats s = ramfs_stats();
    CHECK(s.files == 3 && s.bytes == 21 && s.dirs == 2 && s.links == 6 && s.skipped == 0);

    int err;
    struct ramfs_node *root = ramfs_lookup("/", &err);
    CHECK(root && root->ino == 1 && root->mode == (S_IFDIR | 0700) && root->parent == root);
    struct ramfs_node *readme = ramfs_lookup("/README", &err);
    CHECK(readme && readme->mode == FILE_MODE && readme->size == 13);
    CHECK(readme && readme->mtime == 1700000000u);
    /* zero copy: the data is the archive's */
    CHECK(readme && readme->data >= mounted.buf && readme->data + 13 <= mounted.buf + mounted.len);
    struct ramfs_node *bin = ramfs_lookup("/bin", &err);
    CHECK(bin && ramfs_is_dir(bin) && bin->parent == root && bin->child_count == 2);
}

HOST_TEST(path_resolution)
{
    CHECK(mount(sample()) == 0);
    CHECK(resolves_to("/README", "README"));
    CHECK(resolves_to("/./bin/../README", "README"));
    CHECK(resolves_to("//bin///hello", "hello"));
    CHECK(resolves_to("/bin/", "bin"));
    CHECK(resolves_to("/bin/.", "bin"));
    CHECK(resolves_to("/..", ""));
    CHECK(resolves_to("/../../bin/..", ""));
    CHECK(resolves_to("/empty", "empty"));

    CHECK(fails("/nope", -ENOENT));
    CHECK(fails("/bin/nope", -ENOENT));
    CHECK(fails("/README/x", -ENOTDIR));
    CHECK(fails("/README/", -ENOTDIR));
    CHECK(fails("/README/.", -ENOTDIR));
    CHECK(fails("/README/..", -ENOTDIR));
    CHECK(fails("README", -EINVAL));
    CHECK(fails("", -ENOENT));

    char longname[300] = "/";
    memset(longname + 1, 'x', 256);
    CHECK(fails(longname, -ENAMETOOLONG));
    longname[256] = '\0'; /* 255 bytes: allowed, absent */
    CHECK(fails(longname, -ENOENT));
}

HOST_TEST(symbolic_links)
{
    CHECK(mount(sample()) == 0);
    CHECK(resolves_to("/sh", "hello"));
    CHECK(resolves_to("/abs", "README"));
    CHECK(resolves_to("/bin/up", "README"));
    CHECK(resolves_to("/bindir/hello", "hello"));
    CHECK(resolves_to("/bindir/../README", "README")); /* ".." of bin, not of / */
    CHECK(resolves_to("/bindir/", "bin"));
    CHECK(fails("/sh/", -ENOTDIR));
    CHECK(fails("/loop", -ELOOP));
    CHECK(fails("/dangling", -ENOENT));
}

HOST_TEST(read_at_offsets)
{
    CHECK(mount(sample()) == 0);
    int err;
    struct ramfs_node *readme = ramfs_lookup("/README", &err);
    CHECK(readme != NULL);
    if (!readme)
        return;
    char buf[32];
    memset(buf, '#', sizeof(buf));
    CHECK(ramfs_read(readme, 0, buf, sizeof(buf)) == 13);
    CHECK(memcmp(buf, "prune initrd\n", 13) == 0 && buf[13] == '#');
    CHECK(ramfs_read(readme, 6, buf, 3) == 3 && memcmp(buf, "ini", 3) == 0);
    CHECK(ramfs_read(readme, 12, buf, 10) == 1 && buf[0] == '\n');
    CHECK(ramfs_read(readme, 13, buf, 10) == 0);
    CHECK(ramfs_read(readme, UINT64_MAX, buf, 10) == 0);
    CHECK(ramfs_read(readme, 0, buf, 0) == 0);
    CHECK(ramfs_read(ramfs_lookup("/bin", &err), 0, buf, 10) == -EISDIR);
    CHECK(ramfs_read(ramfs_lookup("/empty", &err), 0, buf, 10) == 0);
}

HOST_TEST(directory_entries)
{
    CHECK(mount(sample()) == 0);
    int err;
    struct ramfs_node *root = ramfs_lookup("/", &err);
    struct ramfs_node *bin = ramfs_lookup("/bin", &err);
    struct ramfs_dirent d;
    static const struct {
        const char *name;
        uint8_t type;
    } want[] = {{".", DT_DIR},  {"..", DT_DIR},    {"hello", DT_REG}, {"up", DT_LNK}};
    for (unsigned i = 0; i < 4; i++) {
        CHECK(ramfs_dir_entry(bin, i, &d) == 1);
        CHECK(strcmp(d.name, want[i].name) == 0 && d.type == want[i].type);
    }
    CHECK(ramfs_dir_entry(bin, 0, &d) == 1 && d.ino == bin->ino);
    CHECK(ramfs_dir_entry(bin, 1, &d) == 1 && d.ino == root->ino);
    CHECK(ramfs_dir_entry(root, 1, &d) == 1 && d.ino == root->ino);
    CHECK(ramfs_dir_entry(bin, 4, &d) == 0);
    CHECK(ramfs_dir_entry(bin, UINT64_MAX, &d) == 0);
    CHECK(ramfs_dir_entry(ramfs_lookup("/README", &err), 0, &d) == -ENOTDIR);

    /* inode numbers are unique */
    uint64_t seen[16];
    int count = 0;
    for (uint64_t i = 0; ramfs_dir_entry(root, i, &d) == 1; i++) {
        if (i == 1)
            continue; /* ".." of the root is the root */
        for (int j = 0; j < count; j++)
            CHECK(seen[j] != d.ino);
        seen[count++] = d.ino;
    }
    CHECK(count == 9);
}

HOST_TEST(missing_parents_are_created)
{
    struct newc a = {0};
    newc_add(&a, "./a/b/c", FILE_MODE, "x", 1);
    newc_add(&a, "/a", S_IFDIR | 0700, NULL, 0); /* later: sets the mode */
    newc_add(&a, "a/b/.", S_IFDIR | 0711, NULL, 0);
    newc_add(&a, "dev/console", S_IFCHR | 0600, NULL, 0);
    newc_trailer(&a);
    CHECK(mount(a) == 0);
    int err;
    struct ramfs_node *n = ramfs_lookup("/a", &err);
    CHECK(n && n->mode == (S_IFDIR | 0700));
    n = ramfs_lookup("/a/b", &err);
    CHECK(n && n->mode == (S_IFDIR | 0711));
    CHECK(resolves_to("/a/b/c", "c"));
    CHECK(fails("/dev/console", -ENOENT));
    struct ramfs_stats s = ramfs_stats();
    CHECK(s.files == 1 && s.dirs == 3 && s.skipped == 1);
}

/* ramfs_init() of an archive with these entries then a trailer. */
static int init_with(const char *name1, uint32_t mode1, const char *data1,
                     const char *name2, uint32_t mode2, const char *data2)
{
    struct newc a = {0};
    newc_add(&a, name1, mode1, data1, data1 ? strlen(data1) : 0);
    if (name2)
        newc_add(&a, name2, mode2, data2, data2 ? strlen(data2) : 0);
    newc_trailer(&a);
    return mount(a);
}

HOST_TEST(bad_archives_keep_the_old_tree)
{
    CHECK(mount(sample()) == 0);
    CHECK(init_with("f", FILE_MODE, "1", "f", FILE_MODE, "2") == -EEXIST);
    CHECK(init_with("d", DIR_MODE, NULL, "d", FILE_MODE, "2") == -EEXIST);
    CHECK(init_with("f", FILE_MODE, "1", "f/x", FILE_MODE, "2") == -ENOTDIR);
    CHECK(init_with("a/../b", FILE_MODE, "1", NULL, 0, NULL) == -EINVAL);
    CHECK(init_with(".", FILE_MODE, "1", NULL, 0, NULL) == -EEXIST);
    CHECK(init_with("l", LINK_MODE, "", NULL, 0, NULL) == -EINVAL);
    char longname[300];
    memset(longname, 'y', 256);
    longname[256] = '\0';
    CHECK(init_with(longname, FILE_MODE, "1", NULL, 0, NULL) == -ENAMETOOLONG);
    CHECK(ramfs_init(mounted.buf, mounted.len - 1) == -EINVAL);
    CHECK(ramfs_init(mounted.buf, 0) == -EINVAL);
    CHECK(resolves_to("/bin/hello", "hello"));
    CHECK(ramfs_stats().files == 3);
}

HOST_TEST(out_of_memory_at_every_allocation)
{
    CHECK(mount(sample()) == 0);
    struct ramfs_node *before = ramfs_lookup("/README", &(int){0});
    int failures = 0;
    for (long budget = 0;; budget++) {
        kmalloc_budget = budget;
        int r = ramfs_init(mounted.buf, mounted.len);
        kmalloc_budget = -1;
        if (r == 0)
            break;
        CHECK(r == -ENOMEM);
        CHECK(ramfs_lookup("/README", &(int){0}) == before);
        failures++;
    }
    CHECK(failures > 10);
}

HOST_TEST(initrd_module_is_found_by_name)
{
    struct newc a = sample();
    boot_info.module_count = 2;
    strcpy(boot_info.modules[0].name, "other");
    strcpy(boot_info.modules[1].name, "initrd");
    /* phys_to_virt() adds DIRECT_MAP_BASE: undo it for a host pointer */
    boot_info.modules[1].start = (uint64_t)a.buf - DIRECT_MAP_BASE;
    boot_info.modules[1].end = boot_info.modules[1].start + a.len;
    CHECK(init_with("x", FILE_MODE, "1", NULL, 0, NULL) == 0);
    initrd_init();
    CHECK(resolves_to("/sh", "hello"));
    newc_free(&mounted);
    mounted = a;
}

HOST_TEST_MAIN()

/*
 * Tests of path_open() (fs/path.c) over the booted tmpfs and /proc:
 * Linux's errno for each bad open, O_CREAT in a kernel thread's working
 * directory ("/"), relative paths from a directory file, O_PATH and
 * O_NOFOLLOW, and the /proc files.
 * Kernel threads have no process, so /proc/self is missing here (the user
 * tests read it).
 */
#include "fs/file.h"
#include "fs/path.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "tests/kernel/ktest.h"

/* path_open()'s result; a file it opened is closed at once. */
static int try_open(struct file *dir, const char *path, uint32_t flags)
{
    struct file *f = NULL;
    int r = path_open(dir, path, flags, 0644, &f);
    if (r == 0)
        file_put(f);
    return r;
}

KTEST(file_path_open_errors_match_linux)
{
    uint64_t objects = kmalloc_in_use();
    KEXPECT(try_open(NULL, "/README", O_RDONLY) == 0);
    KEXPECT(try_open(NULL, "README", O_RDONLY) == 0); /* relative to "/" */
    KEXPECT(try_open(NULL, "", O_RDONLY) == -ENOENT);
    KEXPECT(try_open(NULL, "/nope", O_RDONLY) == -ENOENT);
    KEXPECT(try_open(NULL, "/nope/x", O_RDONLY | O_CREAT) == -ENOENT);
    KEXPECT(try_open(NULL, "/README/x", O_RDONLY) == -ENOTDIR);
    KEXPECT(try_open(NULL, "/README/", O_RDONLY) == -ENOTDIR);
    KEXPECT(try_open(NULL, "/README", O_RDONLY | O_DIRECTORY) == -ENOTDIR);
    KEXPECT(try_open(NULL, "/README", O_WRONLY) == 0);
    KEXPECT(try_open(NULL, "/README", O_RDWR) == 0);
    KEXPECT(try_open(NULL, "/README", O_RDONLY | O_CREAT) == 0);
    KEXPECT(try_open(NULL, "/README", O_RDONLY | O_CREAT | O_EXCL) == -EEXIST);
    KEXPECT(try_open(NULL, "/tmp/new/", O_WRONLY | O_CREAT) == -EISDIR);
    KEXPECT(try_open(NULL, "/dev/new", O_WRONLY | O_CREAT) == -EACCES);
    KEXPECT(try_open(NULL, "/bin", O_WRONLY) == -EISDIR);
    KEXPECT(try_open(NULL, "/bin", O_RDONLY | O_CREAT) == -EISDIR);
    KEXPECT(try_open(NULL, "/bin", O_RDONLY | O_DIRECTORY) == 0);
    KEXPECT(try_open(NULL, "/bin", O_RDONLY | O_CREAT | O_DIRECTORY) == -EINVAL);
    KEXPECT(try_open(NULL, "/README", O_PATH | O_WRONLY | O_CREAT | O_TRUNC) == 0);
    KEXPECT(try_open(NULL, "/README", O_PATH | O_DIRECTORY) == -ENOTDIR);

    char *long_path = kmalloc(PATH_MAX + 1);
    KASSERT(long_path != NULL);
    memset(long_path, '/', PATH_MAX);
    long_path[PATH_MAX] = '\0';
    KEXPECT(try_open(NULL, long_path, O_RDONLY) == -ENAMETOOLONG);
    kfree(long_path);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_path_relative_to_a_directory_file)
{
    struct file *bin = NULL, *readme = NULL;
    KASSERT(path_open(NULL, "/bin", O_RDONLY, 0, &bin) == 0);
    KASSERT(path_open(NULL, "/README", O_RDONLY, 0, &readme) == 0);
    KEXPECT(try_open(bin, "../README", O_RDONLY) == 0);
    KEXPECT(try_open(bin, "README", O_RDONLY) == -ENOENT);
    KEXPECT(try_open(bin, "/README", O_RDONLY) == 0); /* absolute: dir unused */
    KEXPECT(try_open(readme, "x", O_RDONLY) == -ENOTDIR);
    char buf[PATH_MAX];
    KEXPECT(bin->ops->dir_path(bin, buf, sizeof(buf)) == 4 && strcmp(buf, "/bin") == 0);
    KEXPECT(bin->ops->dir_path(bin, buf, 4) == -ENAMETOOLONG);
    file_put(bin);
    file_put(readme);
}

KTEST(file_path_proc_meminfo)
{
    uint64_t objects = kmalloc_in_use();
    struct file *f = NULL;
    KASSERT(path_open(NULL, "/proc/meminfo", O_RDONLY, 0, &f) == 0);
    char text[2048]; /* the whole of meminfo */
    long n = file_read(f, iobuf_kernel(text), sizeof(text) - 1);
    KASSERT(n > 0);
    text[n] = '\0';
    KEXPECT(strncmp(text, "MemTotal:       ", 16) == 0);
    KEXPECT(strstr(text, "\nMemFree:        ") != NULL);
    KEXPECT(strstr(text, "\nShmem:          ") != NULL);
    KEXPECT(strstr(text, "\nPageTables:     ") != NULL);
    KEXPECT(file_read(f, iobuf_kernel(text), sizeof(text)) == 0);
    KEXPECT(file_lseek(f, 0, SEEK_END) == -EINVAL);
    struct linux_stat st;
    f->ops->stat(f, &st);
    KEXPECT(st.st_mode == (S_IFREG | 0444) && st.st_size == 0);
    file_put(f);

    KASSERT(path_open(NULL, "/proc/meminfo", O_WRONLY, 0, &f) == 0); /* as root on Linux */
    KEXPECT(file_write(f, iobuf_kernel(text), 1) == -EIO);
    file_put(f);
    KEXPECT(try_open(NULL, "/proc/meminfo/", O_RDONLY) == -ENOTDIR);
    KEXPECT(try_open(NULL, "/proc/nope", O_RDONLY) == -ENOENT);
    KEXPECT(try_open(NULL, "/proc/self/status", O_RDONLY) == -ENOENT); /* no process */
    KEXPECT(try_open(NULL, "/proc", O_WRONLY) == -EISDIR);
    KEXPECT(try_open(NULL, "/proc/./meminfo", O_RDONLY) == 0);
    KEXPECT(try_open(NULL, "//proc//meminfo", O_RDONLY) == 0);
    KEXPECT(try_open(NULL, "/proc/../README", O_RDONLY) == 0);
    KEXPECT(try_open(NULL, "/proc/..", O_RDONLY | O_DIRECTORY) == 0);
    KEXPECT(try_open(NULL, "/tmp/../proc/meminfo", O_RDONLY) == 0);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_path_proc_directory_lists_its_files)
{
    struct file *d = NULL;
    KASSERT(path_open(NULL, "/proc", O_RDONLY, 0, &d) == 0);
    struct dir_entry e;
    bool meminfo = false;
    for (uint64_t i = 0; d->ops->dir_entry(d, i, &e) == 1; i++)
        meminfo |= strcmp(e.name, "meminfo") == 0 && e.type == DT_REG;
    KEXPECT(meminfo);
    char buf[16];
    KEXPECT(d->ops->dir_path(d, buf, sizeof(buf)) == 5 && strcmp(buf, "/proc") == 0);
    KEXPECT(try_open(d, "meminfo", O_RDONLY) == 0);
    KEXPECT(file_read(d, iobuf_kernel(buf), sizeof(buf)) == -EISDIR);
    file_put(d);
}

/*
 * Tests of open files and fd tables (fs/file.c, fs/fd_table.c),
 * called directly from a kernel thread with kernel buffers: descriptor
 * rules (lowest free fd, dup, close-on-exec, fork sharing, EMFILE), offsets
 * (read, pread, lseek) and the reference counts (every object comes back).
 * The paths and /proc are in test_file_path.c, the console in
 * test_file_console.c.
 */
#include "fs/console_file.h"
#include "fs/file.h"
#include "fs/path.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "tests/kernel/ktest.h"

/* Opens 'path' read-only, or returns NULL. */
static struct file *open_ro(const char *path)
{
    struct file *f = NULL;
    return path_open(NULL, path, O_RDONLY, 0, &f) == 0 ? f : NULL;
}

KTEST(file_console_table_has_fds_0_1_2)
{
    uint64_t objects = kmalloc_in_use();
    struct fd_table *t = fd_table_create_console();
    KASSERT(t != NULL);
    KEXPECT(fd_count(t) == 3);
    struct file *in = fd_get(t, 0), *out = fd_get(t, 1), *err = fd_get(t, 2);
    KEXPECT(in && in == out && out == err); /* one open file, as dup'ed */
    KEXPECT(fd_get(t, 3) == NULL && fd_get(t, -1) == NULL && fd_get(t, FD_MAX) == NULL);
    KEXPECT((file_flags(in) & O_ACCMODE) == O_RDWR);
    KEXPECT(in->refs == 3 + 3);
    file_put(in);
    file_put(out);
    file_put(err);
    fd_table_destroy(t);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_fd_install_takes_the_lowest_free_fd)
{
    uint64_t objects = kmalloc_in_use();
    struct fd_table *t = fd_table_create_console();
    KASSERT(t != NULL);
    struct file *f = open_ro("/README");
    KASSERT(f != NULL);
    file_get(f);
    KEXPECT(fd_install(t, f, 0, false) == 3);
    KEXPECT(fd_close(t, 1) == 0);
    KEXPECT(fd_close(t, 1) == -EBADF);
    KEXPECT(fd_install(t, f, 0, false) == 1);
    file_get(f);
    KEXPECT(fd_install(t, f, 10, false) == 10); /* F_DUPFD's minimum */
    KEXPECT(fd_count(t) == 5);
    KEXPECT(f->refs == 3);
    fd_table_destroy(t);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_dup_to_replaces_and_shares_the_offset)
{
    uint64_t objects = kmalloc_in_use();
    struct fd_table *t = fd_table_create_console();
    KASSERT(t != NULL);
    struct file *f = open_ro("/README");
    KASSERT(f != NULL);
    KEXPECT(fd_install(t, f, 0, false) == 3);
    KEXPECT(fd_dup_to(t, 3, 1, false) == 1);     /* replaces the console */
    KEXPECT(fd_dup_to(t, 3, 200, true) == 200);  /* grows the table */
    KEXPECT(fd_dup_to(t, 7, 8, false) == -EBADF);
    KEXPECT(fd_dup_to(t, 3, FD_MAX, false) == -EBADF);
    KEXPECT(fd_get_cloexec(t, 200) == 1 && fd_get_cloexec(t, 1) == 0);
    KEXPECT(fd_get_cloexec(t, 9) == -EBADF);

    char buf[8];
    struct file *a = fd_get(t, 1), *b = fd_get(t, 200);
    KASSERT(a == f && b == f);
    KEXPECT(file_read(a, iobuf_kernel(buf), 6) == 6 && memcmp(buf, "prune ", 6) == 0);
    KEXPECT(file_read(b, iobuf_kernel(buf), 6) == 6 && memcmp(buf, "initrd", 6) == 0);
    file_put(a);
    file_put(b);
    fd_table_destroy(t);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_fork_shares_files_and_exec_closes_cloexec)
{
    uint64_t objects = kmalloc_in_use();
    struct fd_table *parent = fd_table_create_console();
    KASSERT(parent != NULL);
    struct file *f = open_ro("/README");
    KASSERT(f != NULL);
    KEXPECT(fd_install(parent, f, 0, true) == 3);
    struct fd_table *child = fd_table_fork(parent);
    KASSERT(child != NULL);
    KEXPECT(fd_count(child) == 4 && fd_get_cloexec(child, 3) == 1);
    struct file *g = fd_get(child, 3);
    KEXPECT(g == f && f->refs == 3);
    char c;
    KEXPECT(file_read(g, iobuf_kernel(&c), 1) == 1); /* moves the parent's offset too */
    KEXPECT(file_lseek(f, 0, SEEK_CUR) == 1);
    file_put(g);

    fd_table_exec(child);
    KEXPECT(fd_count(child) == 3 && fd_get(child, 3) == NULL);
    KEXPECT(fd_count(parent) == 4 && f->refs == 1);
    KEXPECT(fd_set_cloexec(parent, 3, false) == 0);
    fd_table_exec(parent);
    KEXPECT(fd_count(parent) == 4);
    fd_table_destroy(child);
    fd_table_destroy(parent);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_table_is_full_at_fd_max)
{
    uint64_t objects = kmalloc_in_use();
    struct fd_table *t = fd_table_create_console();
    KASSERT(t != NULL);
    struct file *f = open_ro("/README");
    KASSERT(f != NULL);
    int fd = 0, last = -1;
    while (fd >= 0) {
        file_get(f);
        fd = fd_install(t, f, 0, false);
        if (fd >= 0)
            last = fd;
    }
    KEXPECT(fd == -EMFILE && last == FD_MAX - 1);
    KEXPECT(fd_count(t) == FD_MAX);
    KEXPECT(fd_install(t, f, FD_MAX, false) == -EMFILE);
    file_put(f); /* the reference the failed install did not take */
    KEXPECT(fd_close(t, 500) == 0);
    file_get(f);
    KEXPECT(fd_install(t, f, 0, false) == 500);
    file_put(f);
    fd_table_destroy(t);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_offsets_read_pread_lseek)
{
    uint64_t objects = kmalloc_in_use();
    struct file *f = open_ro("/README"); /* "prune initrd\n" */
    KASSERT(f != NULL);
    char buf[32];
    KEXPECT(file_pread(f, iobuf_kernel(buf), 6, 6) == 6 && memcmp(buf, "initrd", 6) == 0);
    KEXPECT(file_lseek(f, 0, SEEK_CUR) == 0); /* pread leaves the offset */
    KEXPECT(file_pread(f, iobuf_kernel(buf), 4, -1) == -EINVAL);
    KEXPECT(file_pread(f, iobuf_kernel(buf), 4, 100) == 0);
    KEXPECT(file_lseek(f, -1, SEEK_END) == 12);
    KEXPECT(file_read(f, iobuf_kernel(buf), sizeof(buf)) == 1 && buf[0] == '\n');
    KEXPECT(file_read(f, iobuf_kernel(buf), sizeof(buf)) == 0);
    KEXPECT(file_lseek(f, 100, SEEK_SET) == 100); /* past the end is allowed */
    KEXPECT(file_read(f, iobuf_kernel(buf), sizeof(buf)) == 0);
    KEXPECT(file_lseek(f, -101, SEEK_CUR) == -EINVAL);
    KEXPECT(file_lseek(f, 0, 5) == -EINVAL);
    KEXPECT(file_lseek(f, 3, SEEK_DATA) == 3 && file_lseek(f, 3, SEEK_HOLE) == 13);
    KEXPECT(file_lseek(f, 13, SEEK_DATA) == -ENXIO && file_lseek(f, -1, SEEK_HOLE) == -ENXIO);
    KEXPECT(file_lseek(f, 100, SEEK_SET) == 100);
    KEXPECT(file_lseek(f, INT64_MAX, SEEK_CUR) == -EINVAL); /* overflow */
    KEXPECT(file_lseek(f, 0, SEEK_CUR) == 100);
    /* A transfer may not end past INT64_MAX (Linux's rw_verify_area). */
    KEXPECT(file_lseek(f, INT64_MAX, SEEK_SET) == INT64_MAX);
    KEXPECT(file_read(f, iobuf_kernel(buf), 1) == -EINVAL);
    KEXPECT(file_read(f, iobuf_kernel(buf), 0) == 0);
    KEXPECT(file_pread(f, iobuf_kernel(buf), 2, INT64_MAX - 1) == -EINVAL);
    KEXPECT(file_pread(f, iobuf_kernel(buf), 1, INT64_MAX - 1) == 0);
    KEXPECT(file_write(f, iobuf_kernel(buf), 1) == -EBADF);
    file_put(f);

    struct file *con = console_file_open(O_RDWR | O_LARGEFILE);
    KASSERT(con != NULL);
    KEXPECT(file_lseek(con, 0, SEEK_SET) == -ESPIPE);
    KEXPECT(file_pread(con, iobuf_kernel(buf), 1, 0) == -ESPIPE);
    file_put(con);
    KEXPECT(kmalloc_in_use() == objects);
}

KTEST(file_directory_reads_and_seeks)
{
    struct file *d = open_ro("/bin");
    KASSERT(d != NULL);
    char buf[8];
    KEXPECT(file_read(d, iobuf_kernel(buf), sizeof(buf)) == -EISDIR);
    KEXPECT(file_pread(d, iobuf_kernel(buf), sizeof(buf), 0) == -EISDIR);
    KEXPECT(file_lseek(d, 0, SEEK_END) == -EINVAL);
    KEXPECT(file_lseek(d, 2, SEEK_SET) == 2);
    struct dir_entry e;
    KEXPECT(d->ops->dir_entry(d, 0, &e) == 1 && strcmp(e.name, ".") == 0);
    KEXPECT(d->ops->dir_entry(d, 1, &e) == 1 && strcmp(e.name, "..") == 0 && e.ino == 1);
    KEXPECT(d->ops->dir_entry(d, 1000000, &e) == 0);
    struct linux_stat st;
    d->ops->stat(d, &st);
    KEXPECT((st.st_mode & S_IFMT) == S_IFDIR && st.st_nlink >= 2 && st.st_uid == 0);
    file_put(d);
}

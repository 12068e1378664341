/* File descriptor tables; see fs/file.h. */
#include "fs/file.h"

#include "fs/console_file.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define FD_TABLE_FIRST_SIZE 16

struct fd_slot {
    struct file *file; /* NULL: the fd is free */
    bool cloexec;
};

/*
 * 'lock' protects 'size' and 'slots' (threads of a process share the table).
 * Each non-NULL slot holds one reference to its file. The table grows by
 * doubling up to FD_MAX slots; it never shrinks.
 */
struct fd_table {
    struct spinlock lock;
    int size;
    struct fd_slot *slots;
};

/* An empty table with 'size' slots, or NULL. */
static struct fd_table *table_alloc(int size)
{
    struct fd_table *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->slots = kzalloc(size * sizeof(*t->slots));
    if (!t->slots) {
        kfree(t);
        return NULL;
    }
    spin_init(&t->lock, "fd table");
    t->size = size;
    return t;
}

struct fd_table *fd_table_create_console(void)
{
    struct fd_table *t = table_alloc(FD_TABLE_FIRST_SIZE);
    if (!t)
        return NULL;
    struct file *console = console_file_open(O_RDWR | O_LARGEFILE);
    if (!console) {
        kfree(t->slots);
        kfree(t);
        return NULL;
    }
    for (int fd = 0; fd < 3; fd++) {
        file_get(console);
        t->slots[fd].file = console;
    }
    file_put(console);
    return t;
}

struct fd_table *fd_table_fork(struct fd_table *parent)
{
    spin_lock(&parent->lock);
    int size = parent->size;
    spin_unlock(&parent->lock);
    struct fd_table *t = table_alloc(size);
    if (!t)
        return NULL;
    /* The table may only have grown meanwhile: copy what fits, as a fork
     * racing with another thread's open may or may not see the new fd. */
    spin_lock(&parent->lock);
    for (int fd = 0; fd < size && fd < parent->size; fd++) {
        t->slots[fd] = parent->slots[fd];
        if (t->slots[fd].file)
            file_get(t->slots[fd].file);
    }
    spin_unlock(&parent->lock);
    return t;
}

/* Takes the file out of slot 'fd' (the caller puts it after unlocking). */
static struct file *slot_clear(struct fd_table *t, int fd)
{
    assert_held(&t->lock);
    struct file *f = t->slots[fd].file;
    t->slots[fd].file = NULL;
    t->slots[fd].cloexec = false;
    return f;
}

void fd_table_exec(struct fd_table *table)
{
    spin_lock(&table->lock);
    for (int fd = 0; fd < table->size; fd++) {
        if (!table->slots[fd].file || !table->slots[fd].cloexec)
            continue;
        struct file *f = slot_clear(table, fd);
        spin_unlock(&table->lock);
        file_put(f);
        spin_lock(&table->lock);
    }
    spin_unlock(&table->lock);
}

void fd_table_destroy(struct fd_table *table)
{
    for (int fd = 0; fd < table->size; fd++)
        if (table->slots[fd].file)
            file_put(table->slots[fd].file);
    kfree(table->slots);
    kfree(table);
}

/* Grows the table so that slot 'fd' exists. 0 or -ENOMEM. */
static int table_grow(struct fd_table *t, int fd)
{
    assert_held(&t->lock);
    int size = t->size;
    while (size <= fd)
        size *= 2;
    if (size > FD_MAX)
        size = FD_MAX;
    struct fd_slot *slots = kzalloc(size * sizeof(*slots));
    if (!slots)
        return -ENOMEM;
    memcpy(slots, t->slots, t->size * sizeof(*slots));
    kfree(t->slots);
    t->slots = slots;
    t->size = size;
    return 0;
}

int fd_install(struct fd_table *table, struct file *f, int min_fd, bool cloexec)
{
    if (min_fd < 0 || min_fd >= FD_MAX)
        return -EMFILE;
    spin_lock(&table->lock);
    int fd = min_fd;
    while (fd < table->size && table->slots[fd].file)
        fd++;
    int r = fd;
    if (fd >= FD_MAX)
        r = -EMFILE;
    else if (fd >= table->size)
        r = table_grow(table, fd);
    if (r >= 0) {
        table->slots[fd].file = f;
        table->slots[fd].cloexec = cloexec;
        r = fd;
    }
    spin_unlock(&table->lock);
    return r;
}

struct file *fd_get(struct fd_table *table, int fd)
{
    struct file *f = NULL;
    spin_lock(&table->lock);
    if (fd >= 0 && fd < table->size && table->slots[fd].file) {
        f = table->slots[fd].file;
        file_get(f);
    }
    spin_unlock(&table->lock);
    return f;
}

int fd_close(struct fd_table *table, int fd)
{
    struct file *f = NULL;
    spin_lock(&table->lock);
    if (fd >= 0 && fd < table->size)
        f = slot_clear(table, fd);
    spin_unlock(&table->lock);
    if (!f)
        return -EBADF;
    file_put(f);
    return 0;
}

int fd_dup_to(struct fd_table *table, int oldfd, int newfd, bool cloexec)
{
    if (newfd < 0 || newfd >= FD_MAX)
        return -EBADF;
    struct file *old = NULL;
    spin_lock(&table->lock);
    int r = newfd;
    if (oldfd < 0 || oldfd >= table->size || !table->slots[oldfd].file)
        r = -EBADF;
    else if (newfd >= table->size)
        r = table_grow(table, newfd);
    if (r >= 0) {
        struct file *f = table->slots[oldfd].file;
        file_get(f);
        old = slot_clear(table, newfd);
        table->slots[newfd].file = f;
        table->slots[newfd].cloexec = cloexec;
        r = newfd;
    }
    spin_unlock(&table->lock);
    if (old)
        file_put(old);
    return r;
}

int fd_get_cloexec(struct fd_table *table, int fd)
{
    int r = -EBADF;
    spin_lock(&table->lock);
    if (fd >= 0 && fd < table->size && table->slots[fd].file)
        r = table->slots[fd].cloexec;
    spin_unlock(&table->lock);
    return r;
}

int fd_set_cloexec(struct fd_table *table, int fd, bool cloexec)
{
    int r = -EBADF;
    spin_lock(&table->lock);
    if (fd >= 0 && fd < table->size && table->slots[fd].file) {
        table->slots[fd].cloexec = cloexec;
        r = 0;
    }
    spin_unlock(&table->lock);
    return r;
}

int fd_count(struct fd_table *table)
{
    int n = 0;
    spin_lock(&table->lock);
    for (int fd = 0; fd < table->size; fd++)
        n += table->slots[fd].file != NULL;
    spin_unlock(&table->lock);
    return n;
}

/* /proc; see fs/procfs.h. */
#include "fs/procfs.h"

#include "fs/proc_text.h"
#include "fs/tmpfs.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pt_dump.h"
#include "mm/pt_ref.h"

#define PROC_DEV_MINOR 2     /* st_dev of /proc: an anonymous device */
#define PROC_TEXT_MAX 1024   /* bytes a generated /proc file may hold */
#define PROC_READ_CHUNK 512  /* bytes a read_at file copies out at a time */
#define PROC_WRITE_MAX 16    /* bytes a write to a /proc file may hold */

enum proc_id {
    PROC_ROOT, PROC_MEMINFO, PROC_PTSTAT, PROC_PTTRACE, PROC_SELF, PROC_SELF_STATUS,
    PROC_SELF_EXE, PROC_SELF_PTDUMP, PROC_SELF_PTDUMP_FULL, PROC_SYS, PROC_SYS_VM,
    PROC_DROP_PAGE_TABLES, PROC_COUNT
};

struct proc_open;

/*
 * One name of the tree; the table is the whole tree, parents first. A file
 * has its text made once at open by 'generate' (at most PROC_TEXT_MAX
 * bytes), or, when it may be longer, made again at each read by 'read_at'
 * (the files under self/ from the opener's address space, a reference held
 * while it is open). A write goes to 'write' if there is one, else fails
 * with 'write_error'.
 */
struct proc_entry {
    const char *name;
    enum proc_id parent;
    bool dir;
    const char *path;                         /* directories: their absolute path */
    size_t (*generate)(char *buf, size_t size); /* files: the text, as proc_text_*() */
    size_t (*read_at)(const struct proc_open *o, uint64_t pos, char *buf, size_t len);
    long (*write)(const char *text, size_t len);
    long write_error;                         /* files: what write(2) gives (Linux's) */
    bool link;                                /* a symbolic link: "exe" */
};

static size_t meminfo_text(char *buf, size_t size);
static size_t status_text(char *buf, size_t size);
static size_t ptdump_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len);
static size_t pttrace_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len);
static long pttrace_write(const char *text, size_t len);
static size_t empty_text(char *buf, size_t size);
static long drop_page_tables(const char *text, size_t len);

static const struct proc_entry entries[PROC_COUNT] = {
    [PROC_ROOT] = {"proc", PROC_ROOT, true, "/proc", NULL, NULL, NULL, 0},
    [PROC_MEMINFO] = {"meminfo", PROC_ROOT, false, NULL, meminfo_text, NULL, NULL, -EIO},
    [PROC_PTSTAT] = {"ptstat", PROC_ROOT, false, NULL, pt_stat_text, NULL, NULL, -EIO},
    [PROC_PTTRACE] = {"pttrace", PROC_ROOT, false, NULL, NULL, pttrace_read, pttrace_write, 0},
    [PROC_SELF] = {"self", PROC_ROOT, true, "/proc/self", NULL, NULL, NULL, 0},
    [PROC_SELF_STATUS] = {"status", PROC_SELF, false, NULL, status_text, NULL, NULL, -EINVAL},
    [PROC_SELF_EXE] = {"exe", PROC_SELF, false, NULL, NULL, NULL, NULL, 0, .link = true},
    [PROC_SELF_PTDUMP] = {"ptdump", PROC_SELF, false, NULL, NULL, ptdump_read, NULL, -EIO},
    [PROC_SELF_PTDUMP_FULL] = {"ptdump_full", PROC_SELF, false, NULL, NULL, ptdump_read, NULL,
                               -EIO},
    [PROC_SYS] = {"sys", PROC_ROOT, true, "/proc/sys", NULL, NULL, NULL, 0},
    [PROC_SYS_VM] = {"vm", PROC_SYS, true, "/proc/sys/vm", NULL, NULL, NULL, 0},
    [PROC_DROP_PAGE_TABLES] = {"drop_page_tables", PROC_SYS_VM, false, NULL, empty_text, NULL,
                               drop_page_tables, 0},
};

/* An open /proc file or directory: its entry and, for a file, its text
 * (generate) or the address space it reads (read_at). */
struct proc_open {
    const struct proc_entry *entry;
    struct address_space *as;
    size_t len;
    char text[];
};

static size_t meminfo_text(char *buf, size_t size)
{
    struct proc_meminfo m = {
        .total = mm_total_bytes(),
        .free = mm_free_bytes(),
        .shmem = tmpfs_pages() * PAGE_SIZE,
        .page_tables = as_pgtable_bytes_total(),
    };
    return proc_text_meminfo(buf, size, &m);
}

static size_t empty_text(char *buf, size_t size)
{
    (void)buf;
    (void)size;
    return 0;
}

/* "1" (a newline may follow): frees every page table that holds no data,
 * in every process, now (mm/pt_ref.h, pt_drop_tables), as drop_caches does
 * for caches. Anything else: -EINVAL. */
static long drop_page_tables(const char *text, size_t len)
{
    if (len && text[len - 1] == '\n')
        len--;
    if (len != 1 || text[0] != '1')
        return -EINVAL;
    pt_drop_tables();
    return 0;
}

/* The calling process's status: its threads only see it running. */
static size_t status_text(char *buf, size_t size)
{
    struct process *p = current_process();
    struct address_space *as = current_thread()->as; /* the process's, shared by its threads */
    struct proc_status s = {
        .name = p->name,
        .state = 'R',
        .tgid = p->pid,
        .pid = p->pid,
        .rss_bytes = as_rss_bytes(as),
        .pte_bytes = as_pgtable_bytes(as),
    };
    process_family(p, &s.ppid, &s.threads);
    return proc_text_status(buf, size, &s);
}

/* /proc/self/ptdump and ptdump_full: mm/pt_dump.h. */
static size_t ptdump_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len)
{
    return pt_dump_read(o->as, o->entry == &entries[PROC_SELF_PTDUMP_FULL], pos, buf, len);
}

/* /proc/pttrace: the recorded events, taken out (mm/pt_trace.h). */
static size_t pttrace_read(const struct proc_open *o, uint64_t pos, char *buf, size_t len)
{
    (void)o;
    (void)pos;
    return pt_trace_read(buf, len);
}

/* Writing "on" or "off" (a newline may follow) switches recording. */
static long pttrace_write(const char *text, size_t len)
{
    if (len && text[len - 1] == '\n')
        len--;
    bool on = len == 2 && memcmp(text, "on", 2) == 0;
    if (!on && !(len == 3 && memcmp(text, "off", 3) == 0))
        return -EINVAL;
    return pt_trace_switch(on);
}

/* A read_at file: its text made again for the window [pos, pos + len). */
static long read_at_file(const struct proc_open *o, struct iobuf buf, size_t len,
                         uint64_t pos)
{
    char chunk[PROC_READ_CHUNK];
    size_t done = 0;
    while (done < len) {
        size_t want = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        size_t n = o->entry->read_at(o, pos + done, chunk, want);
        if (n == 0)
            break;
        if (iobuf_put(buf, done, chunk, n) < 0)
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)done;
}

static long proc_file_read(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    const struct proc_open *o = f->private;
    if (o->entry->read_at)
        return read_at_file(o, buf, len, pos);
    if (pos >= o->len)
        return 0;
    size_t n = o->len - pos < len ? o->len - pos : len;
    return iobuf_put(buf, 0, o->text + pos, n) < 0 ? -EFAULT : (long)n;
}

static long proc_file_write(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)pos;
    const struct proc_open *o = f->private;
    if (!o->entry->write)
        return o->entry->write_error;
    char text[PROC_WRITE_MAX];
    if (len > sizeof(text))
        return -EINVAL;
    if (iobuf_get(text, buf, 0, len) < 0)
        return -EFAULT;
    long err = o->entry->write(text, len);
    return err ? err : (long)len;
}

/* Directory listings: ".", "..", then the entries whose parent it is. */
static int proc_dir_entry(struct file *f, uint64_t index, struct dir_entry *out)
{
    const struct proc_open *o = f->private;
    enum proc_id self = o->entry - entries;
    if (index < 2) {
        bool up = index == 1;
        out->name = up ? ".." : ".";
        out->ino = up && self == PROC_ROOT ? 1 /* the ramfs root */ : self + 1;
        out->type = DT_DIR;
        return 1;
    }
    uint64_t seen = 2;
    for (int id = 1; id < PROC_COUNT; id++) {
        if (entries[id].parent != self || seen++ != index)
            continue;
        out->name = entries[id].name;
        out->ino = id + 1;
        out->type = entries[id].dir ? DT_DIR : entries[id].link ? DT_LNK : DT_REG;
        return 1;
    }
    return 0;
}

static int proc_dir_path(struct file *f, char *buf, size_t size)
{
    const struct proc_open *o = f->private;
    size_t len = strlen(o->entry->path);
    if (len + 1 > size)
        return -ENAMETOOLONG;
    memcpy(buf, o->entry->path, len + 1);
    return len;
}

/* Linux's /proc: dr-xr-xr-x directories, -r--r--r-- files of size 0
 * (-rw-r--r-- for those with a write). */
static void proc_stat(struct file *f, struct linux_stat *st)
{
    const struct proc_open *o = f->private;
    enum proc_id id = o->entry - entries;
    uint64_t links = 2;
    for (int i = 1; i < PROC_COUNT && o->entry->dir; i++)
        links += entries[i].parent == id && entries[i].dir;
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, PROC_DEV_MINOR),
        .st_ino = id + 1,
        .st_nlink = o->entry->dir ? links : 1,
        .st_mode = o->entry->dir    ? S_IFDIR | 0555
                   : o->entry->link ? S_IFLNK | 0777
                                    : S_IFREG | (o->entry->write ? 0644 : 0444),
        .st_blksize = 1024,
    };
}

static void proc_release(struct file *f)
{
    struct proc_open *o = f->private;
    if (o->as)
        as_put(o->as);
    kfree(o);
}

static const struct file_ops proc_file_ops = {
    .read = proc_file_read,
    .write = proc_file_write,
    .stat = proc_stat,
    .release = proc_release,
};

/* /proc/self/exe opened itself: the path the process was started from. */
static int proc_readlink(struct file *f, char *buf, size_t size)
{
    (void)f;
    struct process *p = current_process();
    if (!p || !p->exe)
        return -ENOENT;
    size_t n = strlen(p->exe);
    n = n < size ? n : size;
    memcpy(buf, p->exe, n);
    return (int)n;
}

static const struct file_ops proc_link_ops = {
    .readlink = proc_readlink,
    .stat = proc_stat,
    .release = proc_release,
};

static const struct file_ops proc_dir_ops = {
    .dir_entry = proc_dir_entry,
    .dir_path = proc_dir_path,
    .stat = proc_stat,
    .release = proc_release,
};

/* The child of 'dir' named [name, name+n), or -1. "self" exists only in a
 * process (not in a kernel thread); "PID" is "self" for the caller's own
 * pid. */
static int find_child(enum proc_id dir, const char *name, size_t n)
{
    struct process *p = current_process();
    for (int id = 1; id < PROC_COUNT; id++) {
        if (entries[id].parent != dir || (id == PROC_SELF && !p))
            continue;
        if (strncmp(entries[id].name, name, n) == 0 && entries[id].name[n] == '\0')
            return id;
    }
    if (dir == PROC_ROOT && p && n < 12) {
        int pid = 0;
        for (size_t i = 0; i < n && pid >= 0; i++)
            pid = name[i] >= '0' && name[i] <= '9' ? pid * 10 + (name[i] - '0') : -1;
        if (pid == p->pid && name[0] != '0')
            return PROC_SELF;
    }
    return -1;
}

/* Opens entry 'id' after the open(2) checks; see procfs_open(). */
static int open_entry(enum proc_id id, uint32_t flags, struct file **out)
{
    const struct proc_entry *e = &entries[id];
    bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
    if ((flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;
    if (e->dir && (writes || (flags & O_CREAT)))
        return -EISDIR;
    if (!e->dir && (flags & O_DIRECTORY))
        return -ENOTDIR;
    char text[PROC_TEXT_MAX];
    size_t len = e->generate ? e->generate(text, sizeof(text)) : 0;
    if (len >= sizeof(text))
        len = sizeof(text) - 1;
    struct proc_open *o = kmalloc(sizeof(*o) + len);
    if (!o)
        return -ENOMEM;
    o->entry = e;
    o->as = NULL;
    if (e->read_at && e->parent == PROC_SELF) {
        o->as = current_thread()->as;
        as_get(o->as);
    }
    o->len = len;
    memcpy(o->text, text, len);
    const struct file_ops *ops = e->dir ? &proc_dir_ops : e->link ? &proc_link_ops : &proc_file_ops;
    *out = file_alloc(ops, o, file_status_flags(flags));
    if (!*out) {
        kfree(o);
        return -ENOMEM;
    }
    return 0;
}

int procfs_open(const char *path, uint32_t flags, struct file **out, const char **rest)
{
    enum proc_id cur = PROC_ROOT;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        const char *name = p;
        while (*p && *p != '/')
            p++;
        size_t n = p - name;
        if (n == 0)
            break;
        if (!entries[cur].dir)
            return -ENOTDIR;
        if (n == 1 && name[0] == '.')
            continue;
        if (n == 2 && name[0] == '.' && name[1] == '.') {
            if (cur == PROC_ROOT) {
                *rest = p;
                return 1;
            }
            cur = entries[cur].parent;
            continue;
        }
        int child = find_child(cur, name, n);
        if (child < 0)
            return -ENOENT;
        cur = child;
        if (!entries[cur].link)
            continue;
        /* a link: opened itself, or followed to the file it names */
        bool last = true;
        for (const char *q = p; *q; q++)
            last &= *q == '/';
        if (!last)
            return -ENOTDIR;
        if (flags & O_NOFOLLOW)
            return flags & O_PATH ? open_entry(cur, flags, out) : -ELOOP;
        struct process *self = current_process();
        if (!self || !self->exe)
            return -ENOENT;
        *rest = self->exe;
        return 1;
    }
    if (p > path && p[-1] == '/' && !entries[cur].dir)
        return -ENOTDIR;
    return open_entry(cur, flags, out);
}

/* /proc's tree, lookup and open files; rules in fs/procfs.h. */
#include "fs/procfs.h"

#include "fs/path.h"
#include "fs/proc_files.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/kmalloc.h"

#define PROC_DEV_MINOR 2     /* st_dev of /proc: an anonymous device */
#define PROC_TEXT_FIRST 4096 /* the first try at a file's text; longer ones retry */
#define PROC_READ_CHUNK 512  /* bytes a read_at file copies out at a time */
#define PROC_WRITE_MAX 16    /* bytes a write to a /proc file may hold */
#define PROC_LINK_DEPTH_MAX 8 /* /proc links followed one inside the other */

enum proc_id {
    PROC_ROOT, PROC_MEMINFO, PROC_UPTIME, PROC_LOADAVG, PROC_STAT, PROC_CPUINFO, PROC_MOUNTS,
    PROC_VERSION, PROC_PTSTAT, PROC_PTTRACE, PROC_SELF, PROC_SYS, PROC_SYS_VM,
    PROC_DROP_PAGE_TABLES,
    PROC_PID, PROC_PID_STAT, PROC_PID_STATUS, PROC_PID_STATM, PROC_PID_CMDLINE, PROC_PID_COMM,
    PROC_PID_MAPS, PROC_PID_ENVIRON, PROC_PID_EXE, PROC_PID_CWD, PROC_PID_FD, PROC_PID_PTDUMP,
    PROC_PID_PTDUMP_FULL, PROC_FD_LINK, PROC_COUNT
};

enum proc_kind { PROC_DIR, PROC_FILE, PROC_LINK };

/*
 * One name of the tree. A name of NULL stands for numbers: the <pid>
 * directories and the fd/<n> links. A file has 'text' (made at open, P1)
 * or 'read_at' (made at each read); a link has 'target'. A write goes to
 * 'write' if there is one, else fails with 'write_error'.
 */
struct proc_entry {
    const char *name;
    enum proc_id parent;
    enum proc_kind kind;
    void (*text)(struct proc_open *o, struct proc_buf *b);
    size_t (*read_at)(const struct proc_open *o, uint64_t pos, char *buf, size_t len);
    int (*target)(struct process *p, int fd, char *buf, size_t size);
    long (*write)(const char *text, size_t len);
    long write_error;
    bool guarded; /* opening needs process_may_access(): P4 */
};

/* The text makers of fs/proc_sys.c and fs/proc_pid.c, as 'text' hooks. */
#define SYS_TEXT(fn)                                                   \
    static void fn##_hook(struct proc_open *o, struct proc_buf *b)     \
    {                                                                  \
        (void)o;                                                       \
        fn(b);                                                         \
    }
#define PID_TEXT(fn)                                                   \
    static void fn##_hook(struct proc_open *o, struct proc_buf *b)     \
    {                                                                  \
        fn(o->proc, b);                                                \
    }
SYS_TEXT(proc_meminfo_text)
SYS_TEXT(proc_uptime_text)
SYS_TEXT(proc_loadavg_text)
SYS_TEXT(proc_stat_text)
SYS_TEXT(proc_cpuinfo_text)
SYS_TEXT(proc_mounts_text)
SYS_TEXT(proc_version_text)
PID_TEXT(proc_pid_stat_text)
PID_TEXT(proc_pid_status_text)
PID_TEXT(proc_pid_statm_text)
PID_TEXT(proc_pid_cmdline_text)
PID_TEXT(proc_pid_environ_text)
PID_TEXT(proc_pid_comm_text)
PID_TEXT(proc_pid_maps_text)

SYS_TEXT(proc_ptstat_text)

static int self_target(struct process *p, int fd, char *buf, size_t size);

#define SYS_FILE(n, fn) {n, PROC_ROOT, PROC_FILE, fn##_hook, .write_error = -EIO}
#define PID_FILE(n, fn) {n, PROC_PID, PROC_FILE, fn##_hook, .write_error = -EINVAL}

static const struct proc_entry entries[PROC_COUNT] = {
    [PROC_ROOT] = {"proc", PROC_ROOT, PROC_DIR},
    [PROC_MEMINFO] = SYS_FILE("meminfo", proc_meminfo_text),
    [PROC_UPTIME] = SYS_FILE("uptime", proc_uptime_text),
    [PROC_LOADAVG] = SYS_FILE("loadavg", proc_loadavg_text),
    [PROC_STAT] = SYS_FILE("stat", proc_stat_text),
    [PROC_CPUINFO] = SYS_FILE("cpuinfo", proc_cpuinfo_text),
    [PROC_MOUNTS] = SYS_FILE("mounts", proc_mounts_text),
    [PROC_VERSION] = SYS_FILE("version", proc_version_text),
    [PROC_PTSTAT] = SYS_FILE("ptstat", proc_ptstat_text),
    [PROC_PTTRACE] = {"pttrace", PROC_ROOT, PROC_FILE, .read_at = proc_pttrace_read,
                      .write = proc_pttrace_write},
    [PROC_SELF] = {"self", PROC_ROOT, PROC_LINK, .target = self_target},
    [PROC_SYS] = {"sys", PROC_ROOT, PROC_DIR},
    [PROC_SYS_VM] = {"vm", PROC_SYS, PROC_DIR},
    [PROC_DROP_PAGE_TABLES] = {"drop_page_tables", PROC_SYS_VM, PROC_FILE,
                               .write = proc_drop_page_tables},
    [PROC_PID] = {NULL, PROC_ROOT, PROC_DIR},
    [PROC_PID_STAT] = PID_FILE("stat", proc_pid_stat_text),
    [PROC_PID_STATUS] = PID_FILE("status", proc_pid_status_text),
    [PROC_PID_STATM] = PID_FILE("statm", proc_pid_statm_text),
    [PROC_PID_CMDLINE] = PID_FILE("cmdline", proc_pid_cmdline_text),
    [PROC_PID_COMM] = PID_FILE("comm", proc_pid_comm_text),
    [PROC_PID_MAPS] = PID_FILE("maps", proc_pid_maps_text),
    [PROC_PID_ENVIRON] = {"environ", PROC_PID, PROC_FILE, proc_pid_environ_text_hook,
                          .write_error = -EINVAL, .guarded = true},
    [PROC_PID_EXE] = {"exe", PROC_PID, PROC_LINK, .target = proc_pid_exe_target},
    [PROC_PID_CWD] = {"cwd", PROC_PID, PROC_LINK, .target = proc_pid_cwd_target},
    [PROC_PID_FD] = {"fd", PROC_PID, PROC_DIR},
    [PROC_PID_PTDUMP] = {"ptdump", PROC_PID, PROC_FILE, .read_at = proc_pid_ptdump_read,
                         .write_error = -EIO, .guarded = true},
    [PROC_PID_PTDUMP_FULL] = {"ptdump_full", PROC_PID, PROC_FILE,
                              .read_at = proc_pid_ptdump_full_read,
                              .write_error = -EIO, .guarded = true},
    [PROC_FD_LINK] = {NULL, PROC_PID_FD, PROC_LINK, .target = proc_pid_fd_target},
};

/* Where a lookup is: an entry, and under <pid>/ its process (a
 * reference) and for fd/<n> the fd. */
struct proc_pos {
    enum proc_id id;
    struct process *proc;
    int fd;
};

/* /proc/self: the caller's pid, as text. */
static int self_target(struct process *p, int fd, char *buf, size_t size)
{
    (void)p;
    (void)fd;
    struct process *self = current_process();
    if (!self)
        return -ENOENT;
    char num[12];
    int n = format(num, sizeof(num), "%d", self->pid);
    if ((size_t)n > size)
        n = (int)size;
    memcpy(buf, num, n);
    return n;
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

static enum proc_id id_of(const struct proc_open *o)
{
    return o->entry - entries;
}

/* The inode number: the entry's index for the fixed names; under <pid>/
 * the pid, the entry and the fd packed together. */
static uint64_t ino_of(enum proc_id id, const struct process *p, int fd)
{
    if (!p)
        return id + 1;
    return (uint64_t)p->pid << 32 | (uint64_t)id << 16 | (uint64_t)(fd + 1);
}

static uint8_t dtype_of(enum proc_id id)
{
    return entries[id].kind == PROC_DIR ? DT_DIR : entries[id].kind == PROC_LINK ? DT_LNK : DT_REG;
}

/*
 * Directory listings: ".", "..", the named entries whose parent it is,
 * then for /proc the pids and for fd/ the open fds, in increasing order.
 * Entry 'index' of the numbered part is found by counting from the start
 * (a listing is short); a process gone between two calls shifts the rest.
 */
static int proc_dir_entry(struct file *f, uint64_t index, struct dir_entry *out)
{
    struct proc_open *o = f->private;
    enum proc_id self = id_of(o);
    if (index < 2) {
        bool up = index == 1;
        enum proc_id parent = entries[self].parent;
        out->name = up ? ".." : ".";
        out->ino = up && self == PROC_ROOT ? 1 /* the root directory */
                   : up                    ? ino_of(parent, parent >= PROC_PID ? o->proc : NULL, -1)
                                           : ino_of(self, o->proc, -1);
        out->type = DT_DIR;
        return 1;
    }
    uint64_t seen = 2;
    for (int id = 1; id < PROC_COUNT; id++) {
        if (entries[id].parent != self || !entries[id].name || seen++ != index)
            continue;
        out->name = entries[id].name;
        out->ino = ino_of(id, o->proc, -1);
        out->type = dtype_of(id);
        return 1;
    }
    if (self != PROC_ROOT && self != PROC_PID_FD)
        return 0;
    int n = -1;
    for (; seen <= index; seen++) {
        n = self == PROC_ROOT ? process_next_pid(n < 0 ? 0 : n) : proc_pid_next_fd(o->proc, n);
        if (n <= 0 && !(n == 0 && self == PROC_PID_FD))
            return 0;
    }
    format(o->name, sizeof(o->name), "%d", n);
    out->name = o->name;
    out->type = self == PROC_ROOT ? DT_DIR : DT_LNK;
    out->ino = self == PROC_ROOT ? (uint64_t)n << 32 | (uint64_t)PROC_PID << 16
                                 : ino_of(PROC_FD_LINK, o->proc, n);
    return 1;
}

/* The absolute path of an open entry into buf[0, size): its length, or
 * -ENAMETOOLONG. */
static int entry_path(const struct proc_open *o, char *buf, size_t size)
{
    enum proc_id chain[4];
    int depth = 0;
    for (enum proc_id id = id_of(o); id != PROC_ROOT; id = entries[id].parent)
        chain[depth++] = id;
    int len = format(buf, size, "/proc");
    while (depth-- > 0 && len < (int)size) {
        enum proc_id id = chain[depth];
        if (id == PROC_PID)
            len += format(buf + len, size - len, "/%d", o->proc->pid);
        else if (id == PROC_FD_LINK)
            len += format(buf + len, size - len, "/%d", o->fd);
        else
            len += format(buf + len, size - len, "/%s", entries[id].name);
    }
    return len < (int)size ? len : -ENAMETOOLONG;
}

static int proc_dir_path(struct file *f, char *buf, size_t size)
{
    return entry_path(f->private, buf, size);
}

/* /proc/PID/fd of a /proc file: its path. */
static int proc_describe(struct file *f, char *buf, size_t size)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    int n = entry_path(f->private, path, PATH_MAX);
    if (n > (int)size)
        n = -ENAMETOOLONG;
    if (n > 0)
        memcpy(buf, path, n);
    kfree(path);
    return n;
}

/* An fd/<n> link's mode: r-x for a file open for reading, -wx for
 * writing, both for both (Linux's proc_fd_link permissions). */
static uint32_t fd_link_mode(const struct proc_open *o)
{
    struct file *f = process_fd_get(o->proc, o->fd);
    uint32_t mode = 0;
    if (f) {
        uint32_t acc = file_flags(f) & O_ACCMODE;
        mode = (acc != O_WRONLY ? 0500 : 0) | (acc != O_RDONLY ? 0300 : 0);
        file_put(f);
    }
    return mode;
}

/* Linux's /proc: dr-xr-xr-x directories, -r--r--r-- files of size 0
 * (-rw-r--r-- for those with a write, -r-------- for those of P4),
 * lrwxrwxrwx links (fd/<n>: of size 64, its mode from the open file), all
 * dated now. */
static void proc_stat(struct file *f, struct linux_stat *st)
{
    const struct proc_open *o = f->private;
    enum proc_id id = id_of(o);
    const struct proc_entry *e = o->entry;
    uint64_t links = 2;
    for (int i = 1; i < PROC_COUNT && e->kind == PROC_DIR; i++)
        links += entries[i].parent == id && entries[i].kind == PROC_DIR && entries[i].name;
    int64_t now = time_realtime_ns();
    *st = (struct linux_stat){
        .st_dev = encode_dev(0, PROC_DEV_MINOR),
        .st_ino = ino_of(id, o->proc, o->fd),
        .st_nlink = e->kind == PROC_DIR ? links : 1,
        .st_mode = e->kind == PROC_DIR    ? S_IFDIR | 0555
                   : id == PROC_FD_LINK   ? S_IFLNK | fd_link_mode(o)
                   : e->kind == PROC_LINK ? S_IFLNK | 0777
                   : e->guarded           ? S_IFREG | 0400
                                          : S_IFREG | (e->write ? 0644 : 0444),
        .st_size = id == PROC_FD_LINK ? 64 : 0,
        .st_blksize = 1024,
        .st_atime_sec = now / NSEC_PER_SEC,
        .st_mtime_sec = now / NSEC_PER_SEC,
        .st_ctime_sec = now / NSEC_PER_SEC,
    };
}

static void proc_release(struct file *f)
{
    struct proc_open *o = f->private;
    if (o->as)
        as_put(o->as);
    if (o->proc)
        process_put(o->proc);
    kfree(o->text);
    kfree(o);
}

/* A link opened itself (O_PATH | O_NOFOLLOW): its target for readlink,
 * cut at 'size' bytes as Linux cuts it. */
static int proc_readlink(struct file *f, char *buf, size_t size)
{
    const struct proc_open *o = f->private;
    char *target = kmalloc(PATH_MAX);
    if (!target)
        return -ENOMEM;
    int n = o->entry->target(o->proc, o->fd, target, PATH_MAX);
    if (n > (int)size)
        n = (int)size;
    if (n > 0)
        memcpy(buf, target, n);
    kfree(target);
    return n;
}

static const struct file_ops proc_file_ops = {
    .read = proc_file_read,
    .write = proc_file_write,
    .stat = proc_stat,
    .describe = proc_describe,
    .release = proc_release,
};

static const struct file_ops proc_link_ops = {
    .readlink = proc_readlink,
    .stat = proc_stat,
    .describe = proc_describe,
    .release = proc_release,
};

static const struct file_ops proc_dir_ops = {
    .dir_entry = proc_dir_entry,
    .dir_path = proc_dir_path,
    .stat = proc_stat,
    .release = proc_release,
};

/* The number [name, name + n) spells (no sign, no leading zero), or -1. */
static int parse_number(const char *name, size_t n)
{
    if (n == 0 || n > 9 || (name[0] == '0' && n > 1))
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

/* Moves *pos to its child named [name, name + n): 0, or -ENOENT. A <pid>
 * takes a reference on its process (P2); "self" exists only in a process. */
static int step_down(struct proc_pos *pos, const char *name, size_t n)
{
    for (int id = 1; id < PROC_COUNT; id++) {
        const char *e = entries[id].name;
        if (entries[id].parent != pos->id || !e || strncmp(e, name, n) != 0 || e[n] != '\0')
            continue;
        if (id == PROC_SELF && !current_process())
            return -ENOENT;
        pos->id = id;
        return 0;
    }
    int num = parse_number(name, n);
    if (num < 0)
        return -ENOENT;
    if (pos->id == PROC_ROOT) {
        pos->proc = num ? process_find(num) : NULL;
        if (!pos->proc)
            return -ENOENT;
        pos->id = PROC_PID;
        return 0;
    }
    if (pos->id == PROC_PID_FD) {
        struct file *f = process_fd_get(pos->proc, num);
        if (!f)
            return -ENOENT;
        file_put(f);
        pos->id = PROC_FD_LINK;
        pos->fd = num;
        return 0;
    }
    return -ENOENT;
}

/* Makes the text of a 'text' file (P1): a first try of PROC_TEXT_FIRST
 * bytes, then, if the text was longer, one at its length (cut if it grew
 * meanwhile). 0 or -ENOMEM. */
static int make_text(struct proc_open *o)
{
    struct proc_buf b = {kmalloc(PROC_TEXT_FIRST), PROC_TEXT_FIRST, 0};
    if (b.buf)
        o->entry->text(o, &b);
    if (b.buf && b.len >= b.size) {
        kfree(b.buf);
        b = (struct proc_buf){kmalloc(b.len + 1), b.len + 1, 0};
        if (b.buf)
            o->entry->text(o, &b);
    }
    if (!b.buf)
        return -ENOMEM;
    o->text = b.buf;
    o->len = b.len < b.size ? b.len : b.size - 1;
    return 0;
}

/* Opens the entry at *pos after open(2)'s checks; the open file takes the
 * process reference of *pos. */
static int open_entry(struct proc_pos *pos, uint32_t flags, struct file **out)
{
    const struct proc_entry *e = &entries[pos->id];
    bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
    if ((flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;
    if (e->kind == PROC_DIR && (writes || (flags & O_CREAT)))
        return -EISDIR;
    if (e->kind != PROC_DIR && (flags & O_DIRECTORY))
        return -ENOTDIR;
    if (e->guarded && !(flags & O_PATH) && !process_may_access(pos->proc))
        return -EACCES;
    struct proc_open *o = kzalloc(sizeof(*o));
    if (!o)
        return -ENOMEM;
    *o = (struct proc_open){.entry = e, .proc = pos->proc, .fd = pos->fd};
    int err = 0;
    if (e->text && !(flags & O_PATH))
        err = make_text(o);
    if (e->read_at && pos->proc)
        o->as = process_as_get(pos->proc);
    const struct file_ops *ops = e->kind == PROC_DIR    ? &proc_dir_ops
                                 : e->kind == PROC_LINK ? &proc_link_ops
                                                        : &proc_file_ops;
    *out = err ? NULL : file_alloc(ops, o, file_status_flags(flags));
    if (!*out) {
        if (o->as)
            as_put(o->as);
        kfree(o->text);
        kfree(o);
        return err ? err : -ENOMEM;
    }
    pos->proc = NULL; /* the open file holds it now */
    return 0;
}

/* Follows the link at *pos (P5) with the rest of the path 'rest': "self"
 * stays in /proc (returns 0, *pos on the caller's <pid>); any other is
 * looked up again from "/" by path_open() (returns 2 and *out, or its
 * -errno). */
static int follow(struct proc_pos *pos, const char *rest, uint32_t flags, struct file **out)
{
    if (pos->id == PROC_SELF) {
        pos->proc = process_find(current_process()->pid);
        pos->id = PROC_PID;
        return pos->proc ? 0 : -ENOENT;
    }
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    int r = entries[pos->id].target(pos->proc, pos->fd, path, PATH_MAX);
    size_t rest_len = strlen(rest);
    if (r >= 0 && (size_t)r + rest_len >= PATH_MAX)
        r = -ENAMETOOLONG;
    if (r > 0 && path[0] != '/') {
        /* fd/<n> of a file without a path: that same open file */
        *out = rest_len ? NULL : process_fd_get(pos->proc, pos->fd);
        r = *out ? 2 : rest_len ? -ENOTDIR : -ENOENT;
    } else if (r > 0 && current_thread()->proc_link_depth >= PROC_LINK_DEPTH_MAX) {
        r = -ELOOP; /* e.g. an exe link naming /proc/self/exe */
    } else if (r > 0) {
        memcpy(path + r, rest, rest_len + 1);
        current_thread()->proc_link_depth++;
        r = path_open(NULL, path, flags, 0, out);
        current_thread()->proc_link_depth--;
        r = r < 0 ? r : 2;
    } else if (r == 0) {
        r = -ENOENT;
    }
    kfree(path);
    return r;
}

/* Walks 'path' from /proc into *pos. Returns 0 (open *pos), 1 (*rest: the
 * path left /proc), 2 (a link was followed: *out) or -errno. */
static int walk(const char *path, uint32_t flags, struct proc_pos *pos, struct file **out,
                const char **rest)
{
    const char *p = path;
    for (;;) {
        size_t n;
        const char *name = path_component(&p, &n);
        if (n == 0)
            break;
        if (entries[pos->id].kind != PROC_DIR)
            return -ENOTDIR;
        if (n == 1 && name[0] == '.')
            continue;
        if (n == 2 && name[0] == '.' && name[1] == '.') {
            if (pos->id == PROC_ROOT) {
                *rest = p;
                return 1;
            }
            pos->id = entries[pos->id].parent;
            if (pos->id == PROC_ROOT && pos->proc) {
                process_put(pos->proc);
                pos->proc = NULL;
            }
            continue;
        }
        int r = step_down(pos, name, n);
        if (r < 0)
            return r;
        if (entries[pos->id].kind != PROC_LINK)
            continue;
        bool last = true;
        for (const char *q = p; *q; q++)
            last &= *q == '/';
        if (last && (flags & O_NOFOLLOW))
            return flags & O_PATH ? 0 : -ELOOP;
        r = follow(pos, last ? "" : p, flags, out);
        if (r != 0)
            return r;
    }
    if (p > path && p[-1] == '/' && entries[pos->id].kind != PROC_DIR)
        return -ENOTDIR;
    return 0;
}

int procfs_open(const char *path, uint32_t flags, struct file **out, const char **rest)
{
    struct proc_pos pos = {PROC_ROOT, NULL, -1};
    int r = walk(path, flags, &pos, out, rest);
    if (r == 0)
        r = open_entry(&pos, flags, out);
    else if (r == 2)
        r = 0;
    if (pos.proc)
        process_put(pos.proc);
    return r;
}

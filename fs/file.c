/* Open files: reference counts and the offset rules of read, write, pread
 * and lseek; see fs/file.h. */
#include "fs/file.h"

#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

int iobuf_put(struct iobuf buf, size_t offset, const void *src, size_t n)
{
    if (buf.user)
        return copy_to_user(buf.addr + offset, src, n);
    memcpy((char *)buf.addr + offset, src, n);
    return 0;
}

int iobuf_get(void *dst, struct iobuf buf, size_t offset, size_t n)
{
    if (buf.user)
        return copy_from_user(dst, buf.addr + offset, n);
    memcpy(dst, (const char *)buf.addr + offset, n);
    return 0;
}

struct file *file_alloc(const struct file_ops *ops, void *private, uint32_t flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->ops = ops;
    f->private = private;
    f->refs = 1;
    spin_init(&f->lock, "file");
    f->flags = flags;
    return f;
}

void file_get(struct file *f)
{
    __atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
    if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (f->ops->release)
        f->ops->release(f);
    kfree(f);
}

uint32_t file_flags(struct file *f)
{
    spin_lock(&f->lock);
    uint32_t flags = f->flags;
    spin_unlock(&f->lock);
    return flags;
}

void file_set_flags(struct file *f, uint32_t flags)
{
    spin_lock(&f->lock);
    f->flags = (f->flags & ~O_SETFL_MASK) | (flags & O_SETFL_MASK);
    spin_unlock(&f->lock);
}

int file_check_access(struct file *f, int access)
{
    uint32_t flags = file_flags(f);
    uint32_t mode = flags & O_ACCMODE;
    if (!(flags & O_PATH) && (mode == O_RDWR || mode == (uint32_t)access))
        return 0;
    return -EBADF;
}

/* Linux's rw_verify_area(): a transfer of 'len' bytes (as asked, before
 * the cut to MAX_RW_COUNT) at 'pos' (<= INT64_MAX) must end by INT64_MAX. */
static bool range_ok(uint64_t pos, size_t len)
{
    return len <= (uint64_t)INT64_MAX - pos;
}

/* Linux's cut of one call's count to MAX_RW_COUNT bytes. */
static size_t cut_count(size_t len)
{
    return len < MAX_RW_COUNT ? len : MAX_RW_COUNT;
}

/* A directory's read: -EISDIR, once the range is checked (Linux's
 * generic_read_dir() comes after rw_verify_area()). */
static long read_dir(struct file *f, struct iobuf buf, size_t len, uint64_t pos)
{
    (void)f;
    (void)buf;
    (void)len;
    (void)pos;
    return -EISDIR;
}

/* Runs op at the file offset and advances it by the bytes done; -EINVAL if
 * the transfer would pass the largest offset. The offset is read before
 * and written after, not held across the operation (which may copy to
 * user memory and sleep). */
static long at_offset(struct file *f, struct iobuf buf, size_t len,
                      long (*op)(struct file *, struct iobuf, size_t, uint64_t))
{
    if (f->ops->stream)
        return op(f, buf, cut_count(len), 0);
    spin_lock(&f->lock);
    uint64_t pos = f->pos;
    spin_unlock(&f->lock);
    if (!range_ok(pos, len))
        return -EINVAL;
    long n = op(f, buf, cut_count(len), pos);
    if (n > 0) {
        spin_lock(&f->lock);
        f->pos = pos + n;
        spin_unlock(&f->lock);
    }
    return n;
}

long file_read(struct file *f, struct iobuf buf, size_t len)
{
    int r = file_check_access(f, O_RDONLY);
    if (r < 0)
        return r;
    return at_offset(f, buf, len, f->ops->dir_entry ? read_dir : f->ops->read);
}

/* An O_APPEND write: at the end, the offset then after the bytes written. */
static long append(struct file *f, struct iobuf buf, size_t len)
{
    uint64_t end;
    long n = f->ops->append(f, buf, cut_count(len), &end);
    if (n > 0) {
        spin_lock(&f->lock);
        f->pos = end;
        spin_unlock(&f->lock);
    }
    return n;
}

long file_write(struct file *f, struct iobuf buf, size_t len)
{
    int r = file_check_access(f, O_WRONLY);
    if (r < 0)
        return r;
    if (!f->ops->write)
        return -EINVAL;
    if (f->ops->append && (file_flags(f) & O_APPEND))
        return append(f, buf, len);
    return at_offset(f, buf, len, f->ops->write);
}

long file_pwrite(struct file *f, struct iobuf buf, size_t len, int64_t pos)
{
    int r = file_check_access(f, O_WRONLY);
    if (r < 0)
        return r;
    if (f->ops->stream)
        return -ESPIPE;
    if (pos < 0 || !range_ok(pos, len))
        return -EINVAL;
    if (!f->ops->write)
        return -EINVAL;
    if (f->ops->append && (file_flags(f) & O_APPEND)) {
        uint64_t end;
        return f->ops->append(f, buf, cut_count(len), &end);
    }
    return f->ops->write(f, buf, cut_count(len), pos);
}

long file_pread(struct file *f, struct iobuf buf, size_t len, int64_t pos)
{
    int r = file_check_access(f, O_RDONLY);
    if (r < 0)
        return r;
    if (f->ops->stream)
        return -ESPIPE;
    if (pos < 0 || !range_ok(pos, len))
        return -EINVAL;
    if (f->ops->dir_entry)
        return -EISDIR;
    return f->ops->read(f, buf, cut_count(len), pos);
}

int64_t file_lseek(struct file *f, int64_t offset, int whence)
{
    if (f->ops->stream)
        return -ESPIPE;
    int64_t base = 0;
    if (whence == SEEK_END || whence == SEEK_DATA || whence == SEEK_HOLE) {
        if (!f->ops->seek_end)
            return -EINVAL;
        struct linux_stat st;
        f->ops->stat(f, &st);
        if (whence != SEEK_END) { /* generic_file_llseek_size() */
            if (offset < 0 || offset >= st.st_size)
                return -ENXIO;
            offset = whence == SEEK_HOLE ? st.st_size : offset;
            whence = SEEK_SET;
        }
        base = whence == SEEK_END ? st.st_size : 0;
    } else if (whence != SEEK_SET && whence != SEEK_CUR) {
        return -EINVAL;
    }
    spin_lock(&f->lock);
    if (whence == SEEK_CUR)
        base = f->pos;
    int64_t pos;
    if (__builtin_add_overflow(base, offset, &pos) || pos < 0) {
        spin_unlock(&f->lock);
        return -EINVAL;
    }
    f->pos = pos;
    spin_unlock(&f->lock);
    return pos;
}

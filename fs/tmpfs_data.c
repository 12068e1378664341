/*
 * tmpfs file data in frames; see fs/tmpfs.h (T2, T3). A file's page map is
 * two levels: node->chunks is an array of chunks, each one allocation of
 * TMPFS_CHUNK_PAGES page pointers (4 KiB), so no allocation grows with the
 * file beyond a page per 2 MiB of data. Bytes past the size are zeros in
 * every frame (a write never goes past it without moving it, a truncate
 * clears the tail), so growing a file needs no clearing.
 */
#include "fs/tmpfs.h"

#include "kernel/errno.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"

static uint64_t data_pages; /* atomic: frames holding file data */

uint64_t tmpfs_pages(void)
{
    return __atomic_load_n(&data_pages, __ATOMIC_RELAXED);
}

int64_t tmpfs_now(void)
{
    return time_realtime_ns();
}

/*
 * The slot of page 'index' in node's page map, or NULL if its chunk does
 * not exist; with 'grow', the chunk (and the chunk array) is made first
 * (NULL without memory). data_lock held.
 */
static struct page **page_slot(struct tmpfs_node *node, uint64_t index, bool grow)
{
    assert_held(&node->data_lock);
    uint64_t c = index / TMPFS_CHUNK_PAGES;
    if (c >= node->chunk_count) {
        if (!grow || c >= UINT32_MAX / 2)
            return NULL;
        uint32_t count = node->chunk_count ? node->chunk_count : 1;
        while (count <= c)
            count *= 2;
        struct page ***a = kzalloc(count * sizeof(*a));
        if (!a)
            return NULL;
        if (node->chunk_count)
            memcpy(a, node->chunks, node->chunk_count * sizeof(*a));
        kfree(node->chunks);
        node->chunks = a;
        node->chunk_count = count;
    }
    if (!node->chunks[c]) {
        if (!grow)
            return NULL;
        node->chunks[c] = kzalloc(TMPFS_CHUNK_PAGES * sizeof(struct page *));
        if (!node->chunks[c])
            return NULL;
    }
    return &node->chunks[c][index % TMPFS_CHUNK_PAGES];
}

/* The frame of page 'index', or NULL for a hole. data_lock held. */
static struct page *page_at(struct tmpfs_node *node, uint64_t index)
{
    struct page **slot = page_slot(node, index, false);
    return slot ? *slot : NULL;
}

long tmpfs_read(struct tmpfs_node *node, struct iobuf buf, size_t len, uint64_t pos)
{
    if (tmpfs_type(node) != S_IFREG)
        return -EINVAL;
    char *bounce = kmalloc(PAGE_SIZE);
    if (!bounce)
        return -ENOMEM;
    size_t done = 0;
    long err = 0;
    while (done < len) {
        uint64_t at = pos + done, offset = at % PAGE_SIZE;
        spin_lock(&node->data_lock);
        size_t n = 0;
        if (at < node->size) {
            n = PAGE_SIZE - offset;
            n = n < len - done ? n : len - done;
            n = n < node->size - at ? n : node->size - at;
            struct page *page = page_at(node, at / PAGE_SIZE);
            if (page)
                memcpy(bounce, (char *)page_to_virt(page) + offset, n);
            else
                memset(bounce, 0, n);
        }
        spin_unlock(&node->data_lock);
        if (n == 0)
            break;
        if (iobuf_put(buf, done, bounce, n) < 0) {
            err = -EFAULT;
            break;
        }
        done += n;
    }
    kfree(bounce);
    return done ? (long)done : err;
}

/* Copies n bytes of src into node at pos, taking frames for the pages it
 * touches; moves the size. Returns the bytes copied (fewer when
 * frame_alloc_user() refuses, T2). data_lock held. */
static size_t copy_in(struct tmpfs_node *node, uint64_t pos, const char *src, size_t n)
{
    size_t done = 0;
    while (done < n) {
        uint64_t at = pos + done, offset = at % PAGE_SIZE;
        size_t k = PAGE_SIZE - offset < n - done ? PAGE_SIZE - offset : n - done;
        struct page **slot = page_slot(node, at / PAGE_SIZE, true);
        if (!slot)
            break;
        if (!*slot) {
            *slot = frame_alloc_user(true);
            if (!*slot)
                break;
            __atomic_fetch_add(&data_pages, 1, __ATOMIC_RELAXED);
        }
        memcpy((char *)page_to_virt(*slot) + offset, src + done, k);
        done += k;
        if (at + k > node->size)
            node->size = at + k;
    }
    return done;
}

long tmpfs_write(struct tmpfs_node *node, struct iobuf buf, size_t len, uint64_t pos,
                 bool append, uint64_t *pos_out)
{
    char *bounce = kmalloc(PAGE_SIZE);
    if (!bounce)
        return -ENOSPC;
    size_t done = 0;
    long err = 0;
    while (done < len) {
        size_t n = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;
        if (iobuf_get(bounce, buf, done, n) < 0) {
            err = -EFAULT;
            break;
        }
        spin_lock(&node->data_lock);
        if (append && done == 0)
            pos = node->size;
        size_t k = 0;
        if (pos + done + n <= (uint64_t)INT64_MAX)
            k = copy_in(node, pos + done, bounce, n);
        else
            err = -EFBIG;
        spin_unlock(&node->data_lock);
        done += k;
        if (k < n) {
            err = err ? err : -ENOSPC;
            break;
        }
    }
    kfree(bounce);
    *pos_out = pos;
    if (done) {
        int64_t now = tmpfs_now();
        __atomic_store_n(&node->mtime_ns, now, __ATOMIC_RELAXED);
        __atomic_store_n(&node->ctime_ns, now, __ATOMIC_RELAXED);
    }
    return done ? (long)done : err;
}

/* Frees the frames of pages >= first and the chunks left empty. data_lock
 * held, or the node unreachable. */
static void free_pages_from(struct tmpfs_node *node, uint64_t first)
{
    for (uint64_t c = first / TMPFS_CHUNK_PAGES; c < node->chunk_count; c++) {
        struct page **chunk = node->chunks[c];
        if (!chunk)
            continue;
        uint64_t base = c * TMPFS_CHUNK_PAGES;
        for (uint64_t i = first > base ? first - base : 0; i < TMPFS_CHUNK_PAGES; i++) {
            if (chunk[i]) {
                frame_free(chunk[i], 0);
                chunk[i] = NULL;
                __atomic_fetch_sub(&data_pages, 1, __ATOMIC_RELAXED);
            }
        }
        if (first <= base) {
            kfree(chunk);
            node->chunks[c] = NULL;
        }
    }
}

void tmpfs_truncate(struct tmpfs_node *node, uint64_t size)
{
    int64_t now = tmpfs_now();
    spin_lock(&node->data_lock);
    if (size < node->size) {
        free_pages_from(node, (size + PAGE_SIZE - 1) / PAGE_SIZE);
        struct page *tail = size % PAGE_SIZE ? page_at(node, size / PAGE_SIZE) : NULL;
        if (tail)
            memset((char *)page_to_virt(tail) + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
    }
    node->size = size;
    spin_unlock(&node->data_lock);
    __atomic_store_n(&node->mtime_ns, now, __ATOMIC_RELAXED);
    __atomic_store_n(&node->ctime_ns, now, __ATOMIC_RELAXED);
}

void tmpfs_free_data(struct tmpfs_node *node)
{
    if (tmpfs_type(node) != S_IFREG)
        return;
    free_pages_from(node, 0);
    kfree(node->chunks);
    node->chunks = NULL;
    node->chunk_count = 0;
}

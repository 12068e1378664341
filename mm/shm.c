/* Shared anonymous memory objects; see mm/shm.h. */
#include "mm/shm.h"

#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/user_page.h"

struct shm_object *shm_create(uint64_t npages)
{
    if (npages > (PAGE_SIZE << FRAME_MAX_ORDER) / sizeof(struct page *))
        return NULL;
    struct shm_object *obj = kmalloc(sizeof(*obj));
    struct page **pages = kzalloc(npages * sizeof(*pages));
    if (!obj || !pages) {
        kfree(obj);
        kfree(pages);
        return NULL;
    }
    *obj = (struct shm_object){.refs = 1, .npages = npages, .pages = pages};
    spin_init(&obj->lock, "shm");
    return obj;
}

void shm_get(struct shm_object *obj)
{
    __atomic_add_fetch(&obj->refs, 1, __ATOMIC_RELAXED);
}

void shm_put(struct shm_object *obj)
{
    if (__atomic_sub_fetch(&obj->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    struct page *freed = NULL;
    shm_remove_pages(obj, 0, obj->npages, &freed);
    while (freed) {
        struct page *page = freed;
        freed = page->next;
        page->next = NULL;
        frame_free(page, 0);
    }
    kfree(obj->pages);
    kfree(obj);
}

struct page *shm_get_page(struct shm_object *obj, uint64_t index)
{
    ASSERT(index < obj->npages);
    spin_lock(&obj->lock);
    struct page *page = obj->pages[index];
    if (!page) {
        page = frame_alloc_user(true);
        obj->pages[index] = page;
    }
    if (page)
        user_page_get(page);
    spin_unlock(&obj->lock);
    return page;
}

bool shm_has_page(struct shm_object *obj, uint64_t index)
{
    ASSERT(index < obj->npages);
    return __atomic_load_n(&obj->pages[index], __ATOMIC_RELAXED) != NULL;
}

void shm_remove_pages(struct shm_object *obj, uint64_t first, uint64_t count,
                      struct page **freed)
{
    ASSERT(first <= obj->npages && count <= obj->npages - first);
    for (uint64_t i = first; i < first + count; i++) {
        spin_lock(&obj->lock);
        struct page *page = obj->pages[i];
        obj->pages[i] = NULL;
        spin_unlock(&obj->lock);
        if (page && user_page_put_last(page)) {
            page->next = *freed;
            *freed = page;
        }
    }
}

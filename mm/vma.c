/* The region map: a sorted array of region pointers; see mm/vma.h. */
#include "mm/vma.h"

#include "kernel/errno.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/* Regions one change may add before merging: two cuts and a new region,
 * or for vma_remap() two cuts at each of its two ranges and a new region. */
#define SPARES_MAX 5

/* Memory for one change, taken before the map is touched. */
struct reserve {
    struct vma *spare[SPARES_MAX];
    int n;
};

void vma_map_init(struct vma_map *map, uint32_t max_count)
{
    *map = (struct vma_map){.max_count = max_count};
}

void vma_map_destroy(struct vma_map *map)
{
    for (uint32_t i = 0; i < map->count; i++)
        kfree(map->v[i]);
    kfree(map->v);
    vma_map_init(map, map->max_count);
}

bool vma_compatible(const struct vma *a, const struct vma *b)
{
    if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
        a->object != b->object)
        return false;
    return !a->object || a->pgoff + ((a->end - a->start) >> PAGE_SHIFT) == b->pgoff;
}

/* Index of the first region ending above addr; count if none. */
static uint32_t index_above(const struct vma_map *map, uint64_t addr)
{
    uint32_t lo = 0, hi = map->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (map->v[mid]->end > addr)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Index of the first region starting at or above addr; count if none. */
static uint32_t index_from(const struct vma_map *map, uint64_t addr)
{
    uint32_t i = index_above(map, addr);
    return i < map->count && map->v[i]->start < addr ? i + 1 : i;
}

/* Index of a region that is in the map. */
static uint32_t index_of(const struct vma_map *map, const struct vma *vma)
{
    uint32_t i = index_above(map, vma->start);
    ASSERT(i < map->count && map->v[i] == vma);
    return i;
}

struct vma *vma_first_above(const struct vma_map *map, uint64_t addr)
{
    uint32_t i = index_above(map, addr);
    return i < map->count ? map->v[i] : NULL;
}

struct vma *vma_find(const struct vma_map *map, uint64_t addr)
{
    struct vma *vma = vma_first_above(map, addr);
    return vma && vma->start <= addr ? vma : NULL;
}

struct vma *vma_first_in(const struct vma_map *map, uint64_t start, uint64_t end)
{
    struct vma *vma = vma_first_above(map, start);
    return vma && vma->start < end ? vma : NULL;
}

struct vma *vma_next(const struct vma_map *map, const struct vma *vma)
{
    uint32_t i = index_of(map, vma);
    return i + 1 < map->count ? map->v[i + 1] : NULL;
}

struct vma *vma_prev(const struct vma_map *map, const struct vma *vma)
{
    uint32_t i = index_of(map, vma);
    return i > 0 ? map->v[i - 1] : NULL;
}

uint64_t vma_mapped_end(const struct vma_map *map, uint64_t start, uint64_t end)
{
    uint32_t i = index_above(map, start);
    if (i == map->count || map->v[i]->start > start)
        return start;
    uint64_t at = map->v[i]->end;
    while (at < end && ++i < map->count && map->v[i]->start == at)
        at = map->v[i]->end;
    return at < end ? at : end;
}

uint64_t vma_start_gap(const struct vma *vma)
{
    if (!(vma->flags & VMA_GROWSDOWN))
        return vma->start;
    return vma->start > STACK_GUARD_GAP ? vma->start - STACK_GUARD_GAP : 0;
}

uint64_t vma_end_gap(const struct vma *vma)
{
    return vma->end; /* no x86 region grows up */
}

/* The free space between v[i-1] and v[i] (the map's ends count as
 * unbounded), clipped to [low, high): sets *lo and *hi, maybe *lo >= *hi. */
static void gap_at(const struct vma_map *map, uint32_t i, uint64_t low, uint64_t high,
                   uint64_t *lo, uint64_t *hi)
{
    uint64_t gap_lo = i > 0 ? vma_end_gap(map->v[i - 1]) : 0;
    uint64_t gap_hi = i < map->count ? vma_start_gap(map->v[i]) : high;
    *lo = gap_lo > low ? gap_lo : low;
    *hi = gap_hi < high ? gap_hi : high;
}

int vma_gap_topdown(const struct vma_map *map, uint64_t len, uint64_t low, uint64_t high,
                    uint64_t *addr)
{
    if (len == 0 || high <= low || high - low < len)
        return -ENOMEM;
    for (uint32_t i = index_from(map, high) + 1; i-- > 0;) {
        uint64_t lo, hi;
        gap_at(map, i, low, high, &lo, &hi);
        if (hi > lo && hi - lo >= len) {
            *addr = hi - len;
            return 0;
        }
        if (lo <= low)
            break;
    }
    return -ENOMEM;
}

int vma_gap_bottomup(const struct vma_map *map, uint64_t len, uint64_t low, uint64_t high,
                     uint64_t *addr)
{
    if (len == 0 || high <= low || high - low < len)
        return -ENOMEM;
    for (uint32_t i = index_above(map, low); i <= map->count; i++) {
        uint64_t lo, hi;
        gap_at(map, i, low, high, &lo, &hi);
        if (lo >= high)
            break;
        if (hi > lo && hi - lo >= len) {
            *addr = lo;
            return 0;
        }
    }
    return -ENOMEM;
}

/* Frees the spares a change did not use. */
static void release(struct reserve *r)
{
    while (r->n > 0)
        kfree(r->spare[--r->n]);
}

/*
 * Prepares a change that adds up to 'spares' regions on the way and leaves
 * 'final' regions before merging: checks max_count, grows the index to
 * count + spares slots and allocates the spares. Returns 0 or -ENOMEM
 * (then the regions are untouched; the index may have grown).
 */
static int reserve(struct vma_map *map, int spares, uint64_t final, struct reserve *r)
{
    ASSERT(spares <= SPARES_MAX);
    r->n = 0;
    if (final > map->max_count)
        return -ENOMEM;
    uint64_t need = (uint64_t)map->count + spares;
    if (need > map->cap) {
        uint64_t cap = map->cap ? map->cap : 8;
        while (cap < need)
            cap *= 2;
        struct vma **v = kmalloc(cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        if (map->count)
            memcpy(v, map->v, map->count * sizeof(*v));
        kfree(map->v);
        map->v = v;
        map->cap = cap;
    }
    while (r->n < spares) {
        r->spare[r->n] = kmalloc(sizeof(struct vma));
        if (!r->spare[r->n]) {
            release(r);
            return -ENOMEM;
        }
        r->n++;
    }
    return 0;
}

static struct vma *take(struct reserve *r)
{
    ASSERT(r->n > 0);
    return r->spare[--r->n];
}

/* Puts 'vma' at index i; the index has room (reserve()). */
static void slot_insert(struct vma_map *map, uint32_t i, struct vma *vma)
{
    ASSERT(map->count < map->cap);
    memmove(&map->v[i + 1], &map->v[i], (map->count - i) * sizeof(map->v[0]));
    map->v[i] = vma;
    map->count++;
}

/* Frees the regions at indices [i, j) and closes the hole in the index. */
static void slot_delete(struct vma_map *map, uint32_t i, uint32_t j)
{
    if (i == j)
        return;
    for (uint32_t k = i; k < j; k++)
        kfree(map->v[k]);
    memmove(&map->v[i], &map->v[j], (map->count - j) * sizeof(map->v[0]));
    map->count -= j - i;
}

/* The region that addr falls strictly inside (not at its start), or NULL. */
static struct vma *straddler(const struct vma_map *map, uint64_t addr)
{
    struct vma *vma = vma_find(map, addr);
    return vma && vma->start != addr ? vma : NULL;
}

/* Cuts the region addr falls strictly inside in two at addr; the upper
 * part comes from the reserve. No-op if addr is at a boundary or a hole. */
static void cut(struct vma_map *map, uint64_t addr, struct reserve *r)
{
    struct vma *low = straddler(map, addr);
    if (!low)
        return;
    struct vma *high = take(r);
    *high = *low;
    high->start = addr;
    high->pgoff += (addr - low->start) >> PAGE_SHIFT;
    low->end = addr;
    slot_insert(map, index_of(map, low) + 1, high);
}

/* Merges v[i] into v[i-1] if they are compatible. */
static void merge_at(struct vma_map *map, uint32_t i)
{
    if (i == 0 || i >= map->count || !vma_compatible(map->v[i - 1], map->v[i]))
        return;
    map->v[i - 1]->end = map->v[i]->end;
    slot_delete(map, i, i + 1);
}

/* Merges across every boundary between indices lo-1 .. hi, top down so
 * that the lower indices stay valid. */
static void merge_range(struct vma_map *map, uint32_t lo, uint32_t hi)
{
    for (uint32_t i = hi + 1; i-- > lo;)
        merge_at(map, i);
}

/* Regions intersecting [start, end). */
static uint32_t count_in(const struct vma_map *map, uint64_t start, uint64_t end)
{
    return index_from(map, end) - index_above(map, start);
}

int vma_remove(struct vma_map *map, uint64_t start, uint64_t end)
{
    ASSERT(start < end && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0);
    struct reserve r;
    int cuts = (straddler(map, start) != NULL) + (straddler(map, end) != NULL);
    int err = reserve(map, cuts, (uint64_t)map->count + cuts - count_in(map, start, end), &r);
    if (err)
        return err;
    cut(map, start, &r);
    cut(map, end, &r);
    slot_delete(map, index_from(map, start), index_from(map, end));
    release(&r);
    return 0;
}

/* Maps new's range with new's attributes, replacing what was there, and
 * merges with compatible neighbours: vma_insert() once memory for two cuts
 * and one region is in the reserve. */
static void place(struct vma_map *map, const struct vma *new, struct reserve *r)
{
    cut(map, new->start, r);
    cut(map, new->end, r);
    uint32_t i = index_from(map, new->start);
    slot_delete(map, i, index_from(map, new->end));
    struct vma *vma = take(r);
    *vma = *new;
    slot_insert(map, i, vma);
    merge_range(map, i, i + 1);
}

int vma_insert(struct vma_map *map, const struct vma *new)
{
    uint64_t start = new->start, end = new->end;
    ASSERT(start < end && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0 && end <= USER_TOP);
    struct reserve r;
    int cuts = (straddler(map, start) != NULL) + (straddler(map, end) != NULL);
    uint64_t final = (uint64_t)map->count + cuts - count_in(map, start, end) + 1;
    int err = reserve(map, cuts + 1, final, &r);
    if (err)
        return err;
    place(map, new, &r);
    release(&r);
    return 0;
}

int vma_remap(struct vma_map *map, uint64_t start, uint64_t end, const struct vma *new)
{
    ASSERT(start <= end && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0);
    ASSERT(end <= new->start || new->end <= start);
    if (start == end)
        return vma_insert(map, new);
    struct reserve r;
    int cuts = (straddler(map, start) != NULL) + (straddler(map, end) != NULL) +
               (straddler(map, new->start) != NULL) + (straddler(map, new->end) != NULL);
    /* an upper bound of the final count: a region may meet both ranges */
    int err = reserve(map, cuts + 1, (uint64_t)map->count + cuts + 1, &r);
    if (err)
        return err;
    cut(map, start, &r);
    cut(map, end, &r);
    slot_delete(map, index_from(map, start), index_from(map, end));
    place(map, new, &r);
    release(&r);
    return 0;
}

/* A change of attributes: the new protection (if set_prot) and flags. */
struct change {
    bool set_prot;
    uint32_t prot, clear, set;
};

static void apply(struct vma *vma, const struct change *c)
{
    if (c->set_prot)
        vma->prot = c->prot;
    vma->flags = (vma->flags & ~c->clear) | c->set;
}

/* True if 'c' would change 'vma' (a region with nothing to change is not
 * cut, as Linux leaves it whole). */
static bool changes(const struct vma *vma, const struct change *c)
{
    struct vma copy = *vma;
    apply(&copy, c);
    return copy.prot != vma->prot || copy.flags != vma->flags;
}

/* Applies 'c' to the mapped parts of [start, end); see vma_protect(). */
static int modify(struct vma_map *map, uint64_t start, uint64_t end, const struct change *c)
{
    ASSERT(start < end && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0);
    struct vma *low = straddler(map, start), *high = straddler(map, end);
    bool cut_low = low && changes(low, c), cut_high = high && changes(high, c);
    struct reserve r;
    int err = reserve(map, cut_low + cut_high, (uint64_t)map->count + cut_low + cut_high, &r);
    if (err)
        return err;
    if (cut_low)
        cut(map, start, &r);
    if (cut_high)
        cut(map, end, &r);
    uint32_t i = index_from(map, start), j = index_from(map, end);
    for (uint32_t k = i; k < j; k++)
        apply(map->v[k], c);
    merge_range(map, i, j);
    release(&r);
    return 0;
}

int vma_protect(struct vma_map *map, uint64_t start, uint64_t end, uint32_t prot)
{
    struct change c = {.set_prot = true, .prot = prot};
    return modify(map, start, end, &c);
}

int vma_set_flags(struct vma_map *map, uint64_t start, uint64_t end, uint32_t clear,
                  uint32_t set)
{
    struct change c = {.clear = clear, .set = set};
    return modify(map, start, end, &c);
}

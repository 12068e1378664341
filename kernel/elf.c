/*
 * elf_parse(): validation of a static ELF64 x86_64 executable held in memory.
 * Every header is copied out of the image with memcpy after a bounds check,
 * so an image of any length and alignment is read safely.
 */
#include "kernel/elf.h"
#include "lib/string.h"
#include "mm/layout.h"

/* True if [off, off + size) lies inside [0, len), without overflow. */
static bool range_in(uint64_t off, uint64_t size, uint64_t len)
{
    return off <= len && size <= len - off;
}

static bool is_pow2(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* Checks the file header: identity, type, machine, program header table. */
static int check_ehdr(const struct elf64_ehdr *eh, size_t len)
{
    static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

    if (memcmp(eh->e_ident, magic, sizeof(magic)) != 0)
        return -ENOEXEC;
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return -ENOEXEC;
    if (eh->e_ident[EI_OSABI] != ELFOSABI_SYSV && eh->e_ident[EI_OSABI] != ELFOSABI_GNU)
        return -ENOEXEC;
    if ((eh->e_type != ET_EXEC && eh->e_type != ET_DYN) || eh->e_machine != EM_X86_64)
        return -ENOEXEC;
    if (eh->e_ehsize < sizeof(*eh) || eh->e_phentsize != sizeof(struct elf64_phdr))
        return -ENOEXEC;
    if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
        return -ENOEXEC;
    if (!range_in(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), len))
        return -ENOEXEC;
    return 0;
}

/* Checks one PT_LOAD on its own, before the load bias: file bytes inside the
 * image, memsz >= filesz, alignment, and an end below ELF_USER_END. */
static int check_load(const struct elf64_phdr *ph, size_t len)
{
    if (ph->p_filesz > ph->p_memsz || !range_in(ph->p_offset, ph->p_filesz, len))
        return -ENOEXEC;
    if (ph->p_align > 1 &&
        (!is_pow2(ph->p_align) || (ph->p_vaddr - ph->p_offset) % ph->p_align != 0))
        return -ENOEXEC;
    if ((ph->p_vaddr - ph->p_offset) % PAGE_SIZE != 0)
        return -ENOEXEC;
    if (ph->p_vaddr >= ELF_USER_END || ph->p_memsz > ELF_USER_END - ph->p_vaddr)
        return -ENOEXEC;
    return 0;
}

static uint32_t prot_of(uint32_t p_flags)
{
    return (p_flags & ELF_PF_R ? ELF_PROT_READ : 0) | (p_flags & ELF_PF_W ? ELF_PROT_WRITE : 0) |
           (p_flags & ELF_PF_X ? ELF_PROT_EXEC : 0);
}

/* Returns the segment whose memory holds [va, va + size) (unbiased), or NULL.
 * With 'file_only', only the bytes that come from the file count. */
static const struct elf_segment *seg_holding(const struct elf_info *info, uint64_t va,
                                             uint64_t size, bool file_only)
{
    for (int i = 0; i < info->nseg; i++) {
        const struct elf_segment *s = &info->seg[i];
        uint64_t span = file_only ? s->filesz : s->memsz;
        if (va >= s->vaddr && va - s->vaddr <= span && size <= span - (va - s->vaddr))
            return s;
    }
    return NULL;
}

/* Records the PT_LOAD *ph in out->seg[], keeping the segments ascending
 * without a shared page; tracks the largest alignment in *max_align. */
static int add_load(struct elf_info *out, const struct elf64_phdr *ph, size_t len,
                    uint64_t *max_align)
{
    if (check_load(ph, len) != 0)
        return -ENOEXEC;
    if (ph->p_memsz == 0)
        return 0;
    if (out->nseg == ELF_MAX_SEGMENTS)
        return -ENOEXEC;
    if (out->nseg > 0) {
        const struct elf_segment *prev = &out->seg[out->nseg - 1];
        if (ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE) < ALIGN_UP(prev->vaddr + prev->memsz, PAGE_SIZE))
            return -ENOEXEC;
    }
    out->seg[out->nseg++] = (struct elf_segment){
        .vaddr = ph->p_vaddr,
        .memsz = ph->p_memsz,
        .offset = ph->p_offset,
        .filesz = ph->p_filesz,
        .prot = prot_of(ph->p_flags),
    };
    if (ph->p_align > *max_align)
        *max_align = ph->p_align;
    return 0;
}

/* Walks the program headers once, filling out->seg[], TLS and stack notes;
 * returns the PT_PHDR address in *phdr_va (or leaves it UINT64_MAX). */
static int scan_phdrs(const uint8_t *image, size_t len, const struct elf64_ehdr *eh,
                      struct elf_info *out, uint64_t *max_align, uint64_t *phdr_va)
{
    for (int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, image + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        switch (ph.p_type) {
        case PT_INTERP:
            return -ENOEXEC;
        case PT_LOAD:
            if (add_load(out, &ph, len, max_align) != 0)
                return -ENOEXEC;
            break;
        case PT_PHDR:
            *phdr_va = ph.p_vaddr;
            break;
        case PT_TLS:
            if (ph.p_filesz > ph.p_memsz || (ph.p_align > 1 && !is_pow2(ph.p_align)))
                return -ENOEXEC;
            out->has_tls = true;
            out->tls_vaddr = ph.p_vaddr;
            out->tls_filesz = ph.p_filesz;
            out->tls_memsz = ph.p_memsz;
            out->tls_align = ph.p_align;
            break;
        case PT_GNU_STACK:
            out->exec_stack = (ph.p_flags & ELF_PF_X) != 0;
            break;
        }
    }
    return 0;
}

/* Finds the program headers in memory: PT_PHDR if there is one, else the
 * PT_LOAD whose file bytes contain e_phoff (as Linux does). Unbiased. */
static int find_phdr(const struct elf64_ehdr *eh, const struct elf_info *info,
                     uint64_t phdr_va, uint64_t *out)
{
    uint64_t size = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);

    if (phdr_va == UINT64_MAX) {
        for (int i = 0; i < info->nseg; i++) {
            const struct elf_segment *s = &info->seg[i];
            if (eh->e_phoff >= s->offset && eh->e_phoff - s->offset < s->filesz) {
                phdr_va = s->vaddr + (eh->e_phoff - s->offset);
                break;
            }
        }
    }
    if (phdr_va == UINT64_MAX || !seg_holding(info, phdr_va, size, false))
        return -ENOEXEC;
    *out = phdr_va;
    return 0;
}

int elf_parse(const void *image, size_t len, struct elf_info *out)
{
    return elf_parse_head(image, len, len, out);
}

int elf_parse_head(const void *head, size_t head_len, uint64_t file_len, struct elf_info *out)
{
    const uint8_t *bytes = head;
    struct elf64_ehdr eh;
    uint64_t max_align = PAGE_SIZE, phdr_va = UINT64_MAX, phdr;

    if (head_len < sizeof(eh))
        return -ENOEXEC;
    memcpy(&eh, bytes, sizeof(eh));
    if (check_ehdr(&eh, head_len) != 0)
        return -ENOEXEC;

    memset(out, 0, sizeof(*out));
    if (scan_phdrs(bytes, file_len, &eh, out, &max_align, &phdr_va) != 0 || out->nseg == 0)
        return -ENOEXEC;
    if (find_phdr(&eh, out, phdr_va, &phdr) != 0)
        return -ENOEXEC;
    const struct elf_segment *text = seg_holding(out, eh.e_entry, 1, true);
    if (!text || !(text->prot & ELF_PROT_EXEC))
        return -ENOEXEC;
    if (out->has_tls && !seg_holding(out, out->tls_vaddr, out->tls_filesz, false))
        return -ENOEXEC;

    out->dyn = eh.e_type == ET_DYN;
    out->load_bias = out->dyn ? ALIGN_DOWN(ELF_DYN_BASE, max_align) : 0;
    const struct elf_segment *last = &out->seg[out->nseg - 1];
    if (out->seg[0].vaddr + out->load_bias < ELF_USER_MIN ||
        ALIGN_UP(last->vaddr + last->memsz, PAGE_SIZE) > ELF_USER_END - out->load_bias)
        return -ENOEXEC;

    for (int i = 0; i < out->nseg; i++)
        out->seg[i].vaddr += out->load_bias;
    out->end = last->vaddr + last->memsz;
    out->entry = eh.e_entry + out->load_bias;
    out->phdr = phdr + out->load_bias;
    out->phnum = eh.e_phnum;
    out->phentsize = eh.e_phentsize;
    if (out->has_tls)
        out->tls_vaddr += out->load_bias;
    return 0;
}

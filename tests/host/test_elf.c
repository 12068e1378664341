/*
 * Host tests of the ELF64 checks (kernel/elf.c) on real binaries built at
 * test time from the C files in tests/host/data/elf/: musl static, musl static-PIE and a
 * glibc dynamic executable. elf_parse()'s answer is compared with readelf's;
 * corrupted copies (every truncation, one bad field at a time) must give
 * -ENOEXEC without reading outside the image (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/host_test.h"
#include "tests/host/data/elf/programs.h"
#include "kernel/elf.c"

/* The first line of "readelf 'opts' 'path'" starting (after blanks) with
 * 'key', copied to line[0..size); false if there is none. */
static bool readelf_line(const char *opts, const char *path, const char *key, int nth,
                         char *line, size_t size)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "readelf %s %s", opts, path);
    FILE *p = popen(cmd, "r");
    bool found = false;
    while (p && !found && fgets(line, size, p)) {
        const char *s = line + strspn(line, " ");
        found = strncmp(s, key, strlen(key)) == 0 && nth-- == 0;
    }
    if (p)
        pclose(p);
    return found;
}

/* A PT_LOAD as readelf -lW prints it. */
struct ref_load {
    uint64_t offset, vaddr, filesz, memsz;
    uint32_t prot;
};

/* What readelf says about the binary at 'path'. */
struct ref {
    bool dyn;
    uint64_t entry, phoff;
    int phnum;
    int nload;
    struct ref_load load[ELF_MAX_SEGMENTS];
    bool has_phdr, has_tls;
    uint64_t phdr_vaddr, tls_vaddr;
};

/* Reads the program header line "TYPE off vaddr paddr filesz memsz FLAGS align". */
static bool parse_phdr_line(const char *line, struct ref_load *l)
{
    char type[32];
    uint64_t paddr;
    int used = 0;
    if (sscanf(line, " %31s %lx %lx %lx %lx %lx %n", type, &l->offset, &l->vaddr, &paddr,
               &l->filesz, &l->memsz, &used) != 6 || used == 0)
        return false;
    const char *flags = line + used;
    const char *end = strstr(flags, "0x");
    l->prot = 0;
    for (const char *c = flags; end && c < end; c++)
        l->prot |= *c == 'R'   ? ELF_PROT_READ
                   : *c == 'W' ? ELF_PROT_WRITE
                   : *c == 'E' ? ELF_PROT_EXEC
                               : 0;
    return true;
}

static bool read_ref(const char *path, struct ref *r)
{
    char line[512];
    struct ref_load l;
    memset(r, 0, sizeof(*r));
    if (!readelf_line("-hW", path, "Type:", 0, line, sizeof(line)))
        return false;
    r->dyn = strstr(line, "DYN") != NULL;
    if (!readelf_line("-hW", path, "Entry point address:", 0, line, sizeof(line)) ||
        sscanf(strchr(line, ':') + 1, " %lx", &r->entry) != 1)
        return false;
    if (!readelf_line("-hW", path, "Start of program headers:", 0, line, sizeof(line)) ||
        sscanf(strchr(line, ':') + 1, " %lu", &r->phoff) != 1)
        return false;
    if (!readelf_line("-hW", path, "Number of program headers:", 0, line, sizeof(line)) ||
        sscanf(strchr(line, ':') + 1, " %d", &r->phnum) != 1)
        return false;
    while (r->nload < ELF_MAX_SEGMENTS &&
           readelf_line("-lW", path, "LOAD ", r->nload, line, sizeof(line)))
        if (!parse_phdr_line(line, &r->load[r->nload++]))
            return false;
    if (readelf_line("-lW", path, "PHDR ", 0, line, sizeof(line)) && parse_phdr_line(line, &l)) {
        r->has_phdr = true;
        r->phdr_vaddr = l.vaddr;
    }
    if (readelf_line("-lW", path, "TLS ", 0, line, sizeof(line)) && parse_phdr_line(line, &l)) {
        r->has_tls = true;
        r->tls_vaddr = l.vaddr;
    }
    return r->nload > 0;
}

/* Checks elf_parse()'s view of the binary at 'path' against readelf's. */
static void check_against_readelf(const char *path, uint64_t want_bias)
{
    struct ref r;
    struct elf_info info;
    size_t len;
    uint8_t *img = read_file(path, &len);

    CHECK(img && read_ref(path, &r));
    if (!img)
        return;
    CHECK(elf_parse(img, len, &info) == 0);
    CHECK(info.dyn == r.dyn);
    CHECK(info.load_bias == want_bias);
    CHECK(info.nseg == r.nload);
    for (int i = 0; i < r.nload && i < info.nseg; i++) {
        CHECK(info.seg[i].vaddr == r.load[i].vaddr + want_bias);
        CHECK(info.seg[i].offset == r.load[i].offset);
        CHECK(info.seg[i].filesz == r.load[i].filesz);
        CHECK(info.seg[i].memsz == r.load[i].memsz);
        CHECK(info.seg[i].prot == r.load[i].prot);
    }
    CHECK(info.entry == r.entry + want_bias);
    CHECK(info.phnum == r.phnum);
    CHECK(info.phentsize == 56);
    /* Neither musl binary has PT_PHDR: the first PT_LOAD (offset 0) holds it. */
    CHECK(!r.has_phdr);
    CHECK(r.load[0].offset == 0);
    CHECK(info.phdr == r.load[0].vaddr + r.phoff + want_bias);
    CHECK(info.has_tls == r.has_tls);
    CHECK(info.tls_vaddr == r.tls_vaddr + want_bias);
    CHECK(!info.exec_stack);
    CHECK(info.end == r.load[r.nload - 1].vaddr + r.load[r.nload - 1].memsz + want_bias);
    free(img);
}

HOST_TEST(musl_static_matches_readelf)
{
    const char *path = build_program("hello", BUILD_STATIC);
    if (path)
        check_against_readelf(path, 0);
}

HOST_TEST(musl_static_pie_matches_readelf)
{
    const char *path = build_program("hello", BUILD_STATIC_PIE);
    if (path)
        check_against_readelf(path, ELF_DYN_BASE);
}

/*
 * Every prefix of the binary, each in a heap block of exactly its length:
 * valid exactly when it still holds the headers and every PT_LOAD's file
 * bytes (the section headers at the end are not needed to run it).
 */
static void check_truncations(const char *path)
{
    struct ref r;
    struct elf_info info;
    size_t len;
    uint8_t *img = read_file(path, &len);
    int wrong = 0;

    CHECK(img && read_ref(path, &r));
    if (!img)
        return;
    uint64_t needed = r.phoff + r.phnum * 56ul;
    for (int i = 0; i < r.nload; i++)
        if (r.load[i].offset + r.load[i].filesz > needed)
            needed = r.load[i].offset + r.load[i].filesz;
    for (size_t n = 0; n <= len; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, img, n);
        int want = n >= needed ? 0 : -ENOEXEC;
        if (elf_parse(cut, n, &info) != want && wrong++ < 3)
            printf("    # length %zu of %zu: expected %d\n", n, len, want);
        free(cut);
    }
    CHECK(wrong == 0);
    CHECK(needed < len);
    free(img);
}

HOST_TEST(every_truncation)
{
    const char *path = build_program("hello", BUILD_STATIC);
    if (path)
        check_truncations(path);
    path = build_program("hello", BUILD_STATIC_PIE);
    if (path)
        check_truncations(path);
}

/* The nth program header of type 'type' in the image (phoff 64), or NULL. */
static struct elf64_phdr *find_phdr_of(uint8_t *img, uint32_t type, int nth)
{
    struct elf64_ehdr *eh = (struct elf64_ehdr *)img;
    struct elf64_phdr *ph = (struct elf64_phdr *)(img + eh->e_phoff);
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == type && nth-- == 0)
            return &ph[i];
    return NULL;
}

/* A fresh copy of the static musl binary, or NULL (test skipped). */
static uint8_t *fresh_static(size_t *len)
{
    const char *path = build_program("hello", BUILD_STATIC);
    uint8_t *img = path ? read_file(path, len) : NULL;
    struct elf_info info;
    if (path)
        CHECK(img && elf_parse(img, *len, &info) == 0);
    return img;
}

/* One corruption of the static binary that must be refused. */
struct corruption {
    const char *what;
    void (*apply)(uint8_t *img, size_t len);
};

#define EH(img) ((struct elf64_ehdr *)(img))
#define LOAD(img, n) find_phdr_of(img, PT_LOAD, n)

static void bad_magic(uint8_t *img, size_t len) { (void)len; img[1] = 'e'; }
static void bad_class(uint8_t *img, size_t len) { (void)len; img[EI_CLASS] = 1; }
static void big_endian(uint8_t *img, size_t len) { (void)len; img[EI_DATA] = 2; }
static void bad_version(uint8_t *img, size_t len) { (void)len; EH(img)->e_version = 2; }
static void bad_osabi(uint8_t *img, size_t len) { (void)len; img[EI_OSABI] = 9; }
static void bad_machine(uint8_t *img, size_t len) { (void)len; EH(img)->e_machine = 3; }
static void type_rel(uint8_t *img, size_t len) { (void)len; EH(img)->e_type = 1; }
static void type_core(uint8_t *img, size_t len) { (void)len; EH(img)->e_type = 4; }
static void small_phentsize(uint8_t *img, size_t len) { (void)len; EH(img)->e_phentsize = 32; }
static void no_phdrs(uint8_t *img, size_t len) { (void)len; EH(img)->e_phnum = 0; }
static void phnum_xnum(uint8_t *img, size_t len) { (void)len; EH(img)->e_phnum = 0xffff; }
static void phoff_past_end(uint8_t *img, size_t len) { EH(img)->e_phoff = len; }
static void phoff_table_crosses_end(uint8_t *img, size_t len) { EH(img)->e_phoff = len - 100; }
static void phoff_wraps(uint8_t *img, size_t len) { (void)len; EH(img)->e_phoff = -8ul; }
static void entry_zero(uint8_t *img, size_t len) { (void)len; EH(img)->e_entry = 0; }
static void entry_in_rodata(uint8_t *img, size_t len)
{
    (void)len;
    EH(img)->e_entry = LOAD(img, 0)->p_vaddr + 0x10; /* the R-only first PT_LOAD */
}
static void entry_in_bss(uint8_t *img, size_t len)
{
    (void)len;
    struct elf64_phdr *text = LOAD(img, 1);
    EH(img)->e_entry = text->p_vaddr + text->p_filesz + 1;
    text->p_memsz = text->p_filesz + 16;
}
static void filesz_over_memsz(uint8_t *img, size_t len)
{
    (void)len;
    LOAD(img, 3)->p_filesz = LOAD(img, 3)->p_memsz + 1;
}
static void file_bytes_past_end(uint8_t *img, size_t len)
{
    LOAD(img, 3)->p_filesz = len - LOAD(img, 3)->p_offset + 1;
    LOAD(img, 3)->p_memsz = LOAD(img, 3)->p_filesz;
}
static void offset_wraps(uint8_t *img, size_t len)
{
    (void)len;
    LOAD(img, 3)->p_offset = -0x1000ul + (LOAD(img, 3)->p_offset & 0xfff);
}
static void overlapping(uint8_t *img, size_t len)
{
    (void)len;
    LOAD(img, 1)->p_memsz = LOAD(img, 2)->p_vaddr - LOAD(img, 1)->p_vaddr + 1;
}
static void shared_page(uint8_t *img, size_t len)
{
    (void)len; /* the next segment starts right after the text, in its last page */
    struct elf64_phdr *text = LOAD(img, 1), *next = LOAD(img, 2);
    uint64_t down = next->p_vaddr - ALIGN_UP(text->p_vaddr + text->p_memsz, 16);
    next->p_vaddr -= down;
    next->p_offset -= down;
    CHECK(next->p_vaddr / PAGE_SIZE == (text->p_vaddr + text->p_memsz - 1) / PAGE_SIZE);
}
static void descending(uint8_t *img, size_t len)
{
    (void)len;
    struct elf64_phdr *a = LOAD(img, 1), *b = LOAD(img, 2), tmp = *a;
    *a = *b;
    *b = tmp;
}
static void misaligned(uint8_t *img, size_t len)
{
    (void)len;
    LOAD(img, 3)->p_vaddr += 8;
}
static void misaligned_align_1(uint8_t *img, size_t len)
{
    (void)len; /* no alignment asked, but the page offsets still differ */
    LOAD(img, 1)->p_align = 1;
    LOAD(img, 1)->p_vaddr += 8;
}
static void align_not_pow2(uint8_t *img, size_t len)
{
    (void)len; /* vaddr == offset modulo p_align, which is no power of two */
    struct elf64_phdr *data = LOAD(img, 3);
    data->p_align = data->p_vaddr - data->p_offset;
    CHECK((data->p_align & (data->p_align - 1)) != 0);
}
static void phnum_too_many(uint8_t *img, size_t len)
{
    (void)len; /* zero (PT_NULL) entries follow; the first PT_LOAD grows to hold them */
    EH(img)->e_phnum = ELF_MAX_PHNUM + 1;
    LOAD(img, 0)->p_filesz = LOAD(img, 0)->p_memsz = PAGE_SIZE;
}
static void above_user_top(uint8_t *img, size_t len)
{
    (void)len;
    struct elf64_phdr *data = LOAD(img, 3);
    data->p_vaddr = ELF_USER_END - 0x1000 + (data->p_vaddr & 0xfff);
    data->p_memsz = 0x2000;
}
static void kernel_address(uint8_t *img, size_t len)
{
    (void)len;
    LOAD(img, 3)->p_vaddr |= 0xffff800000000000ul;
}
static void memsz_wraps(uint8_t *img, size_t len)
{
    (void)len;
    LOAD(img, 3)->p_memsz = -0x1000ul;
}
static void null_page(uint8_t *img, size_t len)
{
    (void)len;
    LOAD(img, 0)->p_vaddr = 0;
}
static void interp_added(uint8_t *img, size_t len)
{
    (void)len;
    find_phdr_of(img, PT_GNU_STACK, 0)->p_type = PT_INTERP;
}
static void phdr_unmapped(uint8_t *img, size_t len)
{
    (void)len; /* PT_PHDR says the headers are where nothing is loaded */
    struct elf64_phdr *ph = find_phdr_of(img, PT_GNU_STACK, 0);
    ph->p_type = PT_PHDR;
    ph->p_vaddr = 0x300000;
}
static void phdrs_not_loaded(uint8_t *img, size_t len)
{
    (void)len; /* the first PT_LOAD (holding the headers) starts after them */
    struct elf64_phdr *first = LOAD(img, 0);
    first->p_offset += 0x100;
    first->p_vaddr += 0x100;
    first->p_filesz = first->p_memsz = 0x80;
    first->p_align = 0x100;
}
static void tls_outside(uint8_t *img, size_t len)
{
    (void)len;
    find_phdr_of(img, PT_TLS, 0)->p_vaddr = 0x300000;
}

static const struct corruption corruptions[] = {
    { "bad magic", bad_magic },
    { "ELFCLASS32", bad_class },
    { "big endian", big_endian },
    { "e_version 2", bad_version },
    { "OS ABI 9", bad_osabi },
    { "EM_386", bad_machine },
    { "ET_REL", type_rel },
    { "ET_CORE", type_core },
    { "e_phentsize 32", small_phentsize },
    { "e_phnum 0", no_phdrs },
    { "e_phnum PN_XNUM", phnum_xnum },
    { "e_phnum ELF_MAX_PHNUM + 1", phnum_too_many },
    { "e_phoff at the end", phoff_past_end },
    { "program headers cross the end", phoff_table_crosses_end },
    { "e_phoff wraps", phoff_wraps },
    { "entry 0", entry_zero },
    { "entry in a non-executable segment", entry_in_rodata },
    { "entry in the zero-filled part", entry_in_bss },
    { "filesz > memsz", filesz_over_memsz },
    { "file bytes past the end", file_bytes_past_end },
    { "p_offset + p_filesz wraps", offset_wraps },
    { "overlapping segments", overlapping },
    { "segments share a page", shared_page },
    { "segments not ascending", descending },
    { "vaddr != offset modulo the page", misaligned },
    { "vaddr != offset modulo the page, p_align 1", misaligned_align_1 },
    { "p_align not a power of two", align_not_pow2 },
    { "segment ends above the user top", above_user_top },
    { "segment at a kernel address", kernel_address },
    { "p_vaddr + p_memsz wraps", memsz_wraps },
    { "segment on page 0", null_page },
    { "PT_INTERP", interp_added },
    { "PT_PHDR outside every segment", phdr_unmapped },
    { "program headers not loaded", phdrs_not_loaded },
    { "PT_TLS outside every segment", tls_outside },
};

HOST_TEST(corruptions_are_refused)
{
    size_t len;
    for (size_t i = 0; i < sizeof(corruptions) / sizeof(corruptions[0]); i++) {
        uint8_t *img = fresh_static(&len);
        if (!img)
            return;
        struct elf_info info;
        corruptions[i].apply(img, len);
        int rc = elf_parse(img, len, &info);
        CHECK(rc == -ENOEXEC);
        if (rc != -ENOEXEC)
            printf("    # %s: elf_parse gave %d\n", corruptions[i].what, rc);
        free(img);
    }
}

HOST_TEST(dynamic_executable_refused)
{
    const char *path = build_program("hello", BUILD_DYNAMIC);
    size_t len;
    uint8_t *img = path ? read_file(path, &len) : NULL;
    struct elf_info info;
    if (!path)
        return;
    CHECK(img && find_phdr_of(img, PT_INTERP, 0));
    CHECK(elf_parse(img, len, &info) == -ENOEXEC);
    free(img);
}

/* With its PT_INTERP blanked, gcc's PIE parses: its PT_PHDR gives AT_PHDR. */
HOST_TEST(pt_phdr_gives_the_phdr_address)
{
    const char *path = build_program("hello", BUILD_DYNAMIC);
    size_t len;
    uint8_t *img = path ? read_file(path, &len) : NULL;
    struct elf_info info;
    if (!path)
        return;
    CHECK(img != NULL);
    if (!img)
        return;
    struct elf64_phdr *phdr = find_phdr_of(img, PT_PHDR, 0);
    CHECK(phdr != NULL);
    find_phdr_of(img, PT_INTERP, 0)->p_type = 0;
    CHECK(elf_parse(img, len, &info) == 0);
    CHECK(info.dyn && info.load_bias == ELF_DYN_BASE);
    CHECK(phdr && info.phdr == phdr->p_vaddr + ELF_DYN_BASE);
    CHECK(info.entry == EH(img)->e_entry + ELF_DYN_BASE);
    /* Moved away from the file offset, PT_PHDR is still what counts. */
    phdr->p_vaddr += 8;
    CHECK(elf_parse(img, len, &info) == 0);
    CHECK(info.phdr == phdr->p_vaddr + ELF_DYN_BASE);
    free(img);
}

HOST_TEST(gnu_stack_exec_noted)
{
    size_t len;
    uint8_t *img = fresh_static(&len);
    struct elf_info info;
    if (!img)
        return;
    find_phdr_of(img, PT_GNU_STACK, 0)->p_flags |= ELF_PF_X;
    CHECK(elf_parse(img, len, &info) == 0 && info.exec_stack);
    free(img);
}

HOST_TEST_MAIN()

/*
 * Host tests of the initial user stack (kernel/user_stack.c).
 * The image is decoded back by reading it as the x86_64 System V ABI says,
 * not through the builder's own layout code. Then reality: musl programs
 * (static and static-PIE, built at test time) are loaded by elf_parse()'s
 * answer into a child process and started on a stack from
 * user_stack_build(); they print what they found and it must be what we put.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/host/host_test.h"
#include "tests/host/data/elf/programs.h"
#include "kernel/elf.c"
#include "kernel/user_stack.c"

#define TOP 0x7ffffffff000ul /* Linux's stack top without randomization */
#define HWCAP 0x178bfbfful   /* a real CPUID.1:EDX */

static const uint8_t random16[16] = { 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
                                      0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

/* An ELF as elf_parse() might describe it; only the auxv fields matter. */
static const struct elf_info fake_elf = {
    .entry = 0x401234, .phdr = 0x400040, .phnum = 6, .phentsize = 56,
};

/* A stack image in a buffer standing for [top - size, top). */
struct image {
    const uint8_t *buf;
    uint64_t top;
    size_t size;
};

/* Reads the 8-byte word at user address ua; false if outside the image. */
static bool rd64(const struct image *im, uint64_t ua, uint64_t *v)
{
    if (ua < im->top - im->size || ua > im->top - 8)
        return false;
    memcpy(v, im->buf + (ua - (im->top - im->size)), 8);
    return true;
}

/* The NUL-terminated string at user address ua, or NULL if not inside. */
static const char *str_at(const struct image *im, uint64_t ua)
{
    if (ua < im->top - im->size || ua >= im->top)
        return NULL;
    const char *s = (const char *)im->buf + (ua - (im->top - im->size));
    return memchr(s, 0, im->top - ua) ? s : NULL;
}

/* Checks that the NULL-terminated pointer list at *at points, within the
 * image and above 'floor', at exactly the strings of 'want'; advances *at. */
static void check_vector(const struct image *im, uint64_t *at, uint64_t floor,
                         const char *const *want)
{
    uint64_t p;
    for (int i = 0;; i++, *at += 8) {
        CHECK(rd64(im, *at, &p));
        if (!want[i] || p == 0) {
            CHECK(!want[i] && p == 0);
            *at += 8;
            return;
        }
        const char *s = str_at(im, p);
        CHECK(p >= floor && s && strcmp(s, want[i]) == 0);
    }
}

/* Decodes the stack at 'rsp' as the ABI describes it and checks every part. */
static void decode_and_check(const struct image *im, uint64_t rsp,
                             const struct user_stack_args *a)
{
    uint64_t argc, at = rsp + 8, type, val;
    int argc_want = 0;
    while (a->argv[argc_want])
        argc_want++;

    CHECK(rsp % 16 == 0);
    CHECK(rd64(im, rsp, &argc) && argc == (uint64_t)argc_want);
    check_vector(im, &at, rsp, a->argv);
    check_vector(im, &at, rsp, a->envp);

    const uint64_t want[][2] = {
        { AT_PHDR, a->elf->phdr }, { AT_PHENT, 56 }, { AT_PHNUM, a->elf->phnum },
        { AT_PAGESZ, 4096 },       { AT_BASE, 0 },   { AT_ENTRY, a->elf->entry },
        { AT_UID, a->uid },        { AT_EUID, a->euid }, { AT_GID, a->gid },
        { AT_EGID, a->egid },      { AT_HWCAP, a->hwcap }, { AT_CLKTCK, 100 },
        { AT_SECURE, 0 },
    };
    bool seen[64] = { false };
    uint64_t random = 0, execfn = 0;
    for (int n = 0;; n++, at += 16) {
        CHECK(n < 64 && rd64(im, at, &type) && rd64(im, at + 8, &val));
        if (n >= 64 || type == AT_NULL)
            break;
        CHECK(type < 64 && !seen[type]);
        seen[type % 64] = true;
        if (type == AT_RANDOM)
            random = val;
        else if (type == AT_EXECFN)
            execfn = val;
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
            if (want[i][0] == type)
                CHECK(val == want[i][1]);
    }
    at += 16;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CHECK(seen[want[i][0]]);
    /* The 16 random bytes and the file name lie above the vectors, inside. */
    CHECK(random >= at && random + 16 <= im->top);
    CHECK(random >= at && random + 16 <= im->top &&
          memcmp(im->buf + (random - (im->top - im->size)), a->random, 16) == 0);
    const char *fn = str_at(im, execfn);
    CHECK(execfn >= at && fn && strcmp(fn, a->execfn) == 0);
}

/* Builds into a buffer of 'size' bytes (exactly, so ASan sees any overrun)
 * and returns user_stack_build()'s result; decodes the image when it is 0. */
static int build_and_check(const struct user_stack_args *a, size_t size, uint64_t *rsp)
{
    uint8_t *buf = malloc(size ? size : 1);
    memset(buf, 0xaa, size);
    int rc = user_stack_build(buf, size, TOP, a, rsp);
    if (rc == 0) {
        struct image im = { buf, TOP, size };
        decode_and_check(&im, *rsp, a);
        for (uint64_t ua = TOP - size; ua < *rsp; ua++)
            CHECK(buf[ua - (TOP - size)] == 0xaa);
    }
    free(buf);
    return rc;
}

static const char *const argv_two[] = { "/bin/probe", "hello world", NULL };
static const char *const argv_none[] = { NULL };
static const char *const argv_odd[] = { "a", "", "ccc", NULL };
static const char *const envp_two[] = { "HOME=/", "TERM=dumb", NULL };

HOST_TEST(decodes_per_abi)
{
    const char *const *argvs[] = { argv_two, argv_none, argv_odd };
    const char *const *envps[] = { envp_two, argv_none, argv_odd };
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            struct user_stack_args a = {
                .argv = argvs[i], .envp = envps[j], .execfn = "/bin/probe",
                .random = random16, .elf = &fake_elf, .hwcap = HWCAP,
                .uid = 1000, .euid = 1001, .gid = 100, .egid = 101,
            };
            uint64_t rsp;
            CHECK(build_and_check(&a, 4096, &rsp) == 0);
        }
    }
}

/* Every size below the image's own is refused without writing outside. */
HOST_TEST(too_small_is_e2big)
{
    struct user_stack_args a = {
        .argv = argv_odd, .envp = envp_two, .execfn = "/a/rather/long/path/to/the/program",
        .random = random16, .elf = &fake_elf,
    };
    uint64_t rsp, rsp2;
    CHECK(build_and_check(&a, 8192, &rsp) == 0);
    size_t need = TOP - rsp;
    for (size_t size = 0; size < need; size++)
        CHECK(build_and_check(&a, size, &rsp2) == -E2BIG);
    CHECK(build_and_check(&a, need, &rsp2) == 0 && rsp2 == rsp);
}

HOST_TEST(many_empty_arguments)
{
    static const char *many[20001];
    for (int i = 0; i < 20000; i++)
        many[i] = "";
    struct user_stack_args a = {
        .argv = many, .envp = argv_none, .execfn = "x", .random = random16, .elf = &fake_elf,
    };
    uint64_t rsp;
    CHECK(build_and_check(&a, 64 * 1024, &rsp) == -E2BIG);
    CHECK(build_and_check(&a, 256 * 1024, &rsp) == 0);
}

/* 'strings' tells where argv and envp went (/proc/PID/cmdline, environ):
 * argv's strings back to back, NUL-separated, then envp's. */
HOST_TEST(reports_where_the_strings_went)
{
    struct user_stack_strings where;
    struct user_stack_args a = {
        .argv = argv_two, .envp = envp_two, .execfn = "/bin/probe", .random = random16,
        .elf = &fake_elf, .strings = &where,
    };
    size_t size = 4096;
    uint8_t *buf = malloc(size);
    uint64_t rsp;
    CHECK(user_stack_build(buf, size, TOP, &a, &rsp) == 0);
    static const char args[] = "/bin/probe\0hello world";
    static const char env[] = "HOME=/\0TERM=dumb";
    CHECK(where.arg_end - where.arg_start == sizeof(args));
    CHECK(memcmp(buf + (where.arg_start - (TOP - size)), args, sizeof(args)) == 0);
    CHECK(where.env_start == where.arg_end && where.env_end - where.env_start == sizeof(env));
    CHECK(memcmp(buf + (where.env_start - (TOP - size)), env, sizeof(env)) == 0);
    free(buf);
}

#define CHILD_SKIP 77 /* the child's exit status when the addresses are taken */

/* In a forked child: maps the segments of 'path' as elf_parse() says, builds
 * the stack with user_stack_build() and jumps to the entry, as execve will. */
static void exec_in_child(const char *path, const struct user_stack_args *tmpl)
{
    size_t len, stack_size = 256 * 1024;
    uint8_t *img = read_file(path, &len);
    struct elf_info info;
    if (!img || elf_parse(img, len, &info) != 0)
        _exit(99);
    for (int i = 0; i < info.nseg; i++) {
        const struct elf_segment *s = &info.seg[i];
        uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
        uint64_t size = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE) - start;
        void *m = mmap((void *)start, size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (m == MAP_FAILED)
            _exit(errno == EEXIST ? CHILD_SKIP : 98);
        memcpy((void *)s->vaddr, img + s->offset, s->filesz);
        if (mprotect(m, size, s->prot) != 0)
            _exit(97);
    }
    uint8_t *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct user_stack_args a = *tmpl;
    uint64_t rsp;
    a.elf = &info;
    if (stack == MAP_FAILED ||
        user_stack_build(stack, stack_size, (uint64_t)stack + stack_size, &a, &rsp) != 0)
        _exit(96);
    __asm__ volatile("mov %0, %%rsp\n\txor %%edx, %%edx\n\tjmp *%1"
                     :
                     : "r"(rsp), "r"(info.entry)
                     : "rdx", "memory");
    __builtin_unreachable();
}

/* Runs 'path' through exec_in_child() and returns its output in out[]. */
static int run_on_our_stack(const char *path, const struct user_stack_args *a, char *out,
                            size_t size)
{
    int pfd[2], status;
    size_t got = 0;
    ssize_t n;
    if (pipe(pfd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        exec_in_child(path, a);
    }
    close(pfd[1]);
    while (got + 1 < size && (n = read(pfd[0], out + got, size - 1 - got)) > 0)
        got += n;
    out[got] = 0;
    close(pfd[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* What start_probe prints when started with 'a' on the ELF 'info'. */
static void expected_output(const struct user_stack_args *a, const struct elf_info *info,
                            char *out, size_t size)
{
    int argc = 0, n = 0;
    while (a->argv[argc])
        argc++;
    n += snprintf(out + n, size - n, "argc %d\n", argc);
    for (int i = 0; a->argv[i]; i++)
        n += snprintf(out + n, size - n, "argv %d %s\n", i, a->argv[i]);
    for (int i = 0; a->envp[i]; i++)
        n += snprintf(out + n, size - n, "envp %d %s\n", i, a->envp[i]);
    const uint64_t aux[][2] = {
        { AT_PHDR, info->phdr }, { AT_PHENT, 56 }, { AT_PHNUM, info->phnum },
        { AT_PAGESZ, 4096 },     { AT_BASE, 0 },   { AT_ENTRY, info->entry },
        { AT_UID, a->uid },      { AT_EUID, a->euid }, { AT_GID, a->gid },
        { AT_EGID, a->egid },    { AT_HWCAP, a->hwcap }, { AT_CLKTCK, 100 },
        { AT_SECURE, 0 },
    };
    for (size_t i = 0; i < sizeof(aux) / sizeof(aux[0]); i++)
        n += snprintf(out + n, size - n, "aux %lu %lx\n", aux[i][0], aux[i][1]);
    /* Stack addresses are not known here: hide_stack_addresses() stars them. */
    n += snprintf(out + n, size - n, "aux %d *\nrandom ", AT_RANDOM);
    for (int i = 0; i < 16; i++)
        n += snprintf(out + n, size - n, "%02x", a->random[i]);
    snprintf(out + n, size - n, "\naux %d *\nexecfn %s\ntls 7\n", AT_EXECFN, a->execfn);
}

/* Replaces the value of the AT_RANDOM and AT_EXECFN lines of out by '*'. */
static void hide_stack_addresses(char *out)
{
    static const char *const keys[] = { "\naux 25 ", "\naux 31 " };
    for (int k = 0; k < 2; k++) {
        char *p = strstr(out, keys[k]);
        if (!p)
            continue;
        p += strlen(keys[k]);
        char *eol = strchr(p, '\n');
        if (!eol)
            continue;
        *p = '*';
        memmove(p + 1, eol, strlen(eol) + 1);
    }
}

static void check_probe(enum build_kind kind)
{
    const char *path = build_program("start_probe", kind);
    static const char *const argv[] = { "/bin/start_probe", "one", "two words", NULL };
    static const char *const envp[] = { "PATH=/bin", "PRUNE=1", NULL };
    struct user_stack_args a = {
        .argv = argv, .envp = envp, .execfn = "/bin/start_probe", .random = random16,
        .hwcap = HWCAP, .uid = 0, .euid = 0, .gid = 0, .egid = 0,
    };
    char out[4096], want[4096];
    struct elf_info info;
    size_t len;
    if (!path)
        return;
    uint8_t *img = read_file(path, &len);
    CHECK(img && elf_parse(img, len, &info) == 0);
    free(img);
    int status = run_on_our_stack(path, &a, out, sizeof(out));
    if (status == CHILD_SKIP) {
        host_test_skip = "the program's addresses are taken in this process";
        return;
    }
    CHECK(status == 0);
    hide_stack_addresses(out);
    expected_output(&a, &info, want, sizeof(want));
    CHECK(strcmp(out, want) == 0);
    if (status != 0 || strcmp(out, want) != 0)
        printf("    # exit %d; the program printed:\n%s    # expected:\n%s", status, out, want);
}

HOST_TEST(musl_static_starts_on_our_stack)
{
    check_probe(BUILD_STATIC);
}

HOST_TEST(musl_static_pie_starts_on_our_stack)
{
    check_probe(BUILD_STATIC_PIE);
}

/* Every auxv type we write is one Linux gives a musl program too. */
HOST_TEST(our_auxv_types_are_linux_ones)
{
    const char *path = build_program("start_probe", BUILD_STATIC);
    static const int ours[] = { AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_ENTRY,
                                AT_UID, AT_EUID, AT_GID, AT_EGID, AT_HWCAP, AT_CLKTCK,
                                AT_SECURE, AT_RANDOM, AT_EXECFN };
    bool linux_has[64] = { false };
    char cmd[256], line[512];
    unsigned long type, val;
    if (!path)
        return;
    snprintf(cmd, sizeof(cmd), "env -i %s", path);
    FILE *p = popen(cmd, "r");
    while (p && fgets(line, sizeof(line), p))
        if (sscanf(line, "aux %lu %lx", &type, &val) == 2 && type < 64)
            linux_has[type] = true;
    CHECK(p && pclose(p) == 0);
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
        CHECK(linux_has[ours[i]]);
        if (!linux_has[ours[i]])
            printf("    # Linux gives no auxv type %d\n", ours[i]);
    }
}

HOST_TEST_MAIN()

/*
 * execve: loading a static ELF64 program from the tmpfs into a new address
 * space. See docs/userspace.md ("How a program is loaded").
 *
 *  1. the path, argv and envp are copied from the old program into kernel
 *     memory (they live in the address space that is about to go);
 *  2. the path is looked up as open(2) does (fs/path.h: relative to the
 *     working directory, /proc included); only a tmpfs regular file with
 *     an x bit may run (else -EACCES, as Linux says for /proc files and
 *     directories); its headers are checked by elf_parse_head(); each
 *     PT_LOAD becomes a private anonymous region, filled a page at a time
 *     from the file through as_access() (the page-fault path, so only
 *     pages with file bytes are allocated now; .bss and the rest come
 *     zeroed on first touch);
 *  3. an 8 MiB stack region (growing down) gets the System V initial stack
 *     (kernel/user_stack.h) at its top, the brk starts after the image;
 *  4. past this point nothing can fail: the thread switches to the new
 *     address space, drops the old one, closes O_CLOEXEC files, and its
 *     user frame is reset to the entry point.
 */
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/syscall_arch.h"
#include "arch/x86_64/uaccess.h"
#include "fs/cwd.h"
#include "fs/file.h"
#include "fs/path.h"
#include "fs/tmpfs_file.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/process.h"
#include "kernel/random.h"
#include "kernel/syscall.h"
#include "kernel/user_stack.h"
#include "lib/shebang.h"
#include "lib/string.h"
#include "mm/as.h"
#include "mm/kmalloc.h"
#include "mm/layout.h"
#include "mm/mman.h"

#define EXEC_STACK_TOP USER_TOP
#define EXEC_STACK_SIZE (8ul << 20)      /* Linux's default RLIMIT_STACK */
#define EXEC_STRINGS_MAX (128ul << 10)   /* bytes of argv + envp strings */
#define EXEC_VECTOR_MAX 4096             /* entries in argv, and in envp */
#define EXEC_PATH_MAX 4096

/* The bytes the initial stack needs for these vectors, rounded up. */
static size_t stack_image_size(const char *const *argv, const char *const *envp,
                               const char *path)
{
    size_t bytes = strlen(path) + 1 + 16 + 64 * 16 + 64; /* execfn, random, auxv, slack */
    for (int i = 0; argv[i]; i++)
        bytes += strlen(argv[i]) + 1 + 8;
    for (int i = 0; envp[i]; i++)
        bytes += strlen(envp[i]) + 1 + 8;
    return ALIGN_UP(bytes + 3 * 8, PAGE_SIZE);
}

/* Maps one segment and copies its file bytes, as a file mapping would
 * show them (the page-aligned start comes from the file too), through
 * 'page', a kernel buffer of PAGE_SIZE bytes. */
static int load_segment(struct address_space *as, struct tmpfs_node *file,
                        const struct elf_segment *seg, void *page)
{
    uint64_t start = ALIGN_DOWN(seg->vaddr, PAGE_SIZE);
    uint64_t end = ALIGN_UP(seg->vaddr + seg->memsz, PAGE_SIZE);
    int err = as_map_anon(as, start, end - start, seg->prot, 0);
    if (err)
        return err;
    if (seg->filesz == 0)
        return 0;
    uint64_t lead = seg->vaddr - start;
    uint64_t len = seg->filesz + lead;
    for (uint64_t done = 0; done < len; done += PAGE_SIZE) {
        size_t n = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;
        if (tmpfs_read(file, iobuf_kernel(page), n, seg->offset - lead + done) != (long)n)
            return -ENOEXEC; /* the file shrank meanwhile */
        if (as_access(as, start + done, page, n, true, true) != n)
            return -ENOMEM;
    }
    return 0;
}

/* Checks the ELF headers of 'file' and maps its segments into as. */
static int load_image(struct address_space *as, struct tmpfs_node *file, struct elf_info *info)
{
    void *page = kmalloc(PAGE_SIZE);
    if (!page)
        return -ENOMEM;
    uint64_t size = __atomic_load_n(&file->size, __ATOMIC_RELAXED);
    size_t head = size < PAGE_SIZE ? size : PAGE_SIZE;
    int err = tmpfs_read(file, iobuf_kernel(page), head, 0) == (long)head ? 0 : -ENOEXEC;
    if (!err)
        err = elf_parse_head(page, head, size, info);
    for (int i = 0; !err && i < info->nseg; i++)
        err = load_segment(as, file, &info->seg[i], page);
    kfree(page);
    return err;
}

/* 'path' made absolute from p's working directory (kmalloc'd: /proc/self/exe
 * is looked up from "/"); NULL without memory or if it is too long. */
static char *absolute_path(struct process *p, const char *path)
{
    char *abs = kmalloc(EXEC_PATH_MAX);
    if (!abs)
        return NULL;
    size_t at = 0, n = strlen(path);
    if (path[0] != '/') {
        int r = process_cwd_path(p, abs, EXEC_PATH_MAX);
        if (r > 1) {
            at = (size_t)r;
            abs[at++] = '/';
        } else { /* "/", or a removed directory */
            abs[0] = '/';
            at = 1;
        }
    }
    if (at + n + 1 > EXEC_PATH_MAX) {
        kfree(abs);
        return NULL;
    }
    memcpy(abs + at, path, n + 1);
    return abs;
}

/* Scripts an execve may go through before it reaches a program, as many
 * as Linux's exec_binprm() allows: one more is -ELOOP. */
#define EXEC_SCRIPT_DEPTH 5

/* The interpreters of a script: each level's "#!" line and the argv it makes. */
struct exec_scripts {
    struct shebang *lines[EXEC_SCRIPT_DEPTH];
    const char **argvs[EXEC_SCRIPT_DEPTH];
    int depth;
};

static void exec_scripts_free(struct exec_scripts *sc)
{
    for (int i = 0; i < sc->depth; i++) {
        kfree(sc->lines[i]);
        kfree(sc->argvs[i]);
    }
}

/* Reads the first bytes of the regular executable file at 'path' into
 * head[0, SHEBANG_HEAD); returns their count, or 0 if the file cannot be
 * read that way (exec_prepare's own checks then say why it cannot run). */
static size_t read_head(const char *path, char *head)
{
    struct file *f;
    if (path_open(NULL, path, O_RDONLY, 0, &f) != 0)
        return 0;
    struct linux_stat st = {0};
    if (f->ops->stat)
        f->ops->stat(f, &st);
    long n = 0;
    if ((st.st_mode & S_IFMT) == S_IFREG && (st.st_mode & 0111))
        n = file_pread(f, iobuf_kernel(head), SHEBANG_HEAD, 0);
    file_put(f);
    return n > 0 ? (size_t)n : 0;
}

/*
 * Follows "#!" lines from 'path' (lib/shebang.h): while the file is a
 * script, the next one to run is its interpreter, with argv {interpreter,
 * [argument,] script path, argv[1]...}. Sets *run_path and *run_argv to
 * the program to load (path and argv themselves if it is no script).
 * Returns 0, -ENOEXEC (a bad "#!" line), -ELOOP (too many levels) or
 * -ENOMEM; sc holds the new strings until exec_scripts_free().
 */
static int follow_scripts(struct exec_scripts *sc, const char *path, const char *const *argv,
                          const char **run_path, const char *const **run_argv)
{
    char *head = kmalloc(SHEBANG_HEAD);
    if (!head)
        return -ENOMEM;
    int err = 0;
    for (;;) {
        struct shebang *line = kmalloc(sizeof(*line));
        err = -ENOMEM;
        if (!line)
            break;
        err = shebang_parse(head, read_head(path, head), line);
        if (err <= 0 || sc->depth == EXEC_SCRIPT_DEPTH) {
            kfree(line);
            err = err <= 0 ? err : -ELOOP;
            break;
        }
        int argc = 0;
        while (argv[argc])
            argc++;
        const char **next = kmalloc((size_t)(argc + 3) * sizeof(char *));
        err = -ENOMEM;
        if (!next) {
            kfree(line);
            break;
        }
        sc->lines[sc->depth] = line;
        sc->argvs[sc->depth++] = next;
        int k = 0;
        next[k++] = line->interp;
        if (line->arg)
            next[k++] = line->arg;
        next[k++] = path;
        for (int i = 1; i < argc; i++)
            next[k++] = argv[i];
        next[k] = NULL;
        path = line->interp;
        argv = next;
    }
    kfree(head);
    *run_path = path;
    *run_argv = argv;
    return err;
}

/*
 * Loads the program at 'run_path' with 'argv' and 'envp' for exec_prepare;
 * 'path' is the file execve was given (a script, or run_path itself): the
 * process's name and AT_EXECFN come from it, /proc/self/exe from run_path.
 */
static int load_program(struct process *p, struct address_space *as, const char *path,
                        const char *run_path, const char *const *argv, const char *const *envp,
                        struct trap_frame *frame)
{
    struct file *opened;
    int err = path_open(NULL, run_path, O_PATH, 0, &opened);
    if (err)
        return err;
    struct tmpfs_node *file = tmpfs_file_node(opened); /* NULL: a /proc file */
    struct elf_info info;
    char *exe = NULL; /* the program's own path, however it was named */
    if (!file || tmpfs_type(file) != S_IFREG || !(file->mode & 0111))
        err = -EACCES;
    else
        err = load_image(as, file, &info);
    if (!err) {
        exe = file_path_dup(opened);
        if (!exe)
            exe = absolute_path(p, run_path);
        if (!exe)
            err = -ENOMEM;
    }
    file_put(opened);
    if (err)
        return err;

    err = as_map_anon(as, EXEC_STACK_TOP - EXEC_STACK_SIZE, EXEC_STACK_SIZE,
                      PROT_READ | PROT_WRITE | (info.exec_stack ? PROT_EXEC : 0), VMA_GROWSDOWN);
    size_t size = stack_image_size(argv, envp, path);
    if (!err && size > EXEC_STACK_SIZE / 4)
        err = -E2BIG;
    uint8_t *image = err ? NULL : kmalloc(size);
    if (!err && !image)
        err = -ENOMEM;
    if (err) {
        kfree(exe);
        return err;
    }
    uint8_t random[16];
    random_bytes(random, sizeof(random));
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    struct user_stack_args args = {
        .argv = argv, .envp = envp, .execfn = path, .random = random, .elf = &info, .hwcap = d,
        .strings = &as->strings,
    };
    uint64_t rsp;
    err = user_stack_build(image, size, EXEC_STACK_TOP, &args, &rsp);
    if (!err && as_access(as, EXEC_STACK_TOP - size, image, size, true, false) != size)
        err = -ENOMEM;
    kfree(image);
    if (err) {
        kfree(exe);
        return err;
    }

    spin_lock(&proc_lock); /* /proc/PID/exe of another process reads it */
    char *old_exe = p->exe;
    p->exe = exe;
    spin_unlock(&proc_lock);
    kfree(old_exe);

    as->start_brk = as->brk = ALIGN_UP(info.end, PAGE_SIZE);
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/' && s[1])
            base = s + 1;
    memset(p->name, 0, sizeof(p->name));
    memcpy(p->name, base, strnlen(base, sizeof(p->name) - 1));
    user_frame_init(frame, info.entry, rsp);
    return 0;
}

int exec_prepare(struct process *p, struct address_space *as, const char *path,
                 const char *const *argv, const char *const *envp, struct trap_frame *frame)
{
    struct exec_scripts scripts = {0};
    const char *run_path;
    int err = follow_scripts(&scripts, path, argv, &run_path, &argv);
    if (!err)
        err = load_program(p, as, path, run_path, argv, envp, frame);
    exec_scripts_free(&scripts);
    return err;
}

/* The strings execve copies out of the old program. */
struct exec_strings {
    char *buf;           /* EXEC_STRINGS_MAX bytes */
    size_t used;
    const char **argv;   /* EXEC_VECTOR_MAX + 1 entries, NULL-terminated */
    const char **envp;
};

static void exec_strings_free(struct exec_strings *s)
{
    kfree(s->buf);
    kfree(s->argv);
    kfree(s->envp);
}

/* Copies the user vector at uvec (NULL-terminated) into vec; 0 or -errno. */
static int copy_vector(struct exec_strings *s, uint64_t uvec, const char **vec)
{
    int n = 0;
    for (; uvec; n++) {
        uint64_t ustr;
        if (get_user_u64(&ustr, uvec + 8 * (uint64_t)n))
            return -EFAULT;
        if (!ustr)
            break;
        if (n == EXEC_VECTOR_MAX)
            return -E2BIG;
        long len = strncpy_from_user(s->buf + s->used, ustr, EXEC_STRINGS_MAX - s->used);
        if (len == -ENAMETOOLONG)
            return -E2BIG;
        if (len < 0)
            return (int)len;
        vec[n] = s->buf + s->used;
        s->used += (size_t)len + 1;
    }
    vec[n] = NULL;
    return 0;
}

/* Finishes execve once the new image is ready: nothing fails from here. */
static void exec_commit(struct process *p, struct address_space *as, const struct trap_frame *frame)
{
    struct thread *t = current_thread();
    struct address_space *old = t->as;
    irq_disable();
    as_switch(old, as);
    t->as = as;
    process_set_as(p, as);
    irq_enable();
    as_put(old);
    fd_table_exec(p->files);
    signal_exec(p);
    spin_lock(&proc_lock);
    p->did_exec = true;
    spin_unlock(&proc_lock);
    t->clear_child_tid = 0;
    t->fs_base = 0;
    arch_set_fs_base(0);
    fpu_state_init(t->fpu);
    fpu_restore(t->fpu);
    *current_user_frame() = *frame;
    vfork_release_current();
}

static long sys_execve(uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
    struct process *p = current_process();
    if (p->live_threads > 1)
        return -EBUSY; /* not supported: see docs/userspace.md */
    char *path = kmalloc(EXEC_PATH_MAX);
    struct exec_strings s = {
        .buf = kmalloc(EXEC_STRINGS_MAX),
        .argv = kmalloc((EXEC_VECTOR_MAX + 1) * sizeof(char *)),
        .envp = kmalloc((EXEC_VECTOR_MAX + 1) * sizeof(char *)),
    };
    long err = -ENOMEM;
    struct address_space *as = NULL;
    if (!path || !s.buf || !s.argv || !s.envp)
        goto out;
    err = strncpy_from_user(path, upath, EXEC_PATH_MAX);
    if (err >= 0 && path[0] == '\0')
        err = -ENOENT;
    if (err < 0)
        goto out;
    err = copy_vector(&s, uargv, s.argv);
    if (!err)
        err = copy_vector(&s, uenvp, s.envp);
    if (err)
        goto out;
    as = as_create();
    err = -ENOMEM;
    if (!as)
        goto out;
    struct trap_frame frame;
    err = exec_prepare(p, as, path, s.argv, s.envp, &frame);
    if (err)
        goto out;
    exec_commit(p, as, &frame);
    as = NULL;
out:
    if (as)
        as_put(as);
    kfree(path);
    exec_strings_free(&s);
    return err;
}
SYSCALL(SYS_execve, sys_execve);

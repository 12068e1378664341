/*
 * Shared by tests/host/test_elf.c and test_user_stack.c: builds the test
 * programs of this folder at test time (nothing binary is committed) and
 * reads files; a build that cannot run here sets host_test_skip.
 * Include after tests/host/host_test.h. Paths are relative to the
 * repository root.
 */
#ifndef TESTS_HOST_DATA_ELF_PROGRAMS_H
#define TESTS_HOST_DATA_ELF_PROGRAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MUSL_LIB "/usr/lib/x86_64-linux-musl"

enum build_kind {
    BUILD_STATIC,     /* musl-gcc -static: ET_EXEC at 0x400000 */
    BUILD_STATIC_PIE, /* musl, rcrt1.o, no dynamic linker: ET_DYN at 0 */
    BUILD_DYNAMIC,    /* the host gcc and glibc: ET_DYN with PT_INTERP */
};

static char elf_build_dir[64];

static void remove_build_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", elf_build_dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", elf_build_dir);
}

/*
 * Compiles tests/host/data/elf/'src'.c as 'kind' into a temporary folder
 * (once per program and kind) and returns the binary's path, or NULL with
 * host_test_skip set if the compiler is missing or fails.
 */
static const char *build_program(const char *src, enum build_kind kind)
{
    static char paths[8][3][128];
    static const char *names[8];
    static const char *const suffix[] = { "static", "static-pie", "dynamic" };
    int slot = 0;

    while (slot < 8 && names[slot] && strcmp(names[slot], src) != 0)
        slot++;
    if (slot == 8)
        return NULL;
    names[slot] = src;
    if (paths[slot][kind][0])
        return paths[slot][kind];
    if (system(kind == BUILD_DYNAMIC ? "command -v gcc >/dev/null"
                                     : "command -v musl-gcc >/dev/null") != 0) {
        host_test_skip = kind == BUILD_DYNAMIC ? "gcc not found" : "musl-gcc not found";
        return NULL;
    }
    if (!elf_build_dir[0]) {
        strcpy(elf_build_dir, "/tmp/prune-elf-XXXXXX");
        if (!mkdtemp(elf_build_dir))
            return NULL;
        atexit(remove_build_dir);
    }
    char out[128], cmd[512];
    snprintf(out, sizeof(out), "%s/%s-%s", elf_build_dir, src, suffix[kind]);
    if (kind == BUILD_STATIC)
        snprintf(cmd, sizeof(cmd), "musl-gcc -static -O1 -o %s tests/host/data/elf/%s.c", out,
                 src);
    else if (kind == BUILD_STATIC_PIE)
        snprintf(cmd, sizeof(cmd),
                 "musl-gcc -fPIE -static-pie -nostartfiles -O1 -o %s " MUSL_LIB "/rcrt1.o "
                 MUSL_LIB "/crti.o tests/host/data/elf/%s.c " MUSL_LIB "/crtn.o "
                 "-Wl,-static -Wl,--no-dynamic-linker",
                 out, src);
    else
        snprintf(cmd, sizeof(cmd), "gcc -O1 -o %s tests/host/data/elf/%s.c", out, src);
    if (system(cmd) != 0) {
        printf("    # failed: %s\n", cmd);
        host_test_skip = "cannot build the test program";
        return NULL;
    }
    strcpy(paths[slot][kind], out);
    return paths[slot][kind];
}

/* Reads the file at 'path' into a malloc'ed buffer of exactly its size. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    uint8_t *buf = malloc(*len);
    if (buf && fread(buf, 1, *len, f) != *len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

#endif

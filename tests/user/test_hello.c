/*
 * Hello world, and what the kernel hands a new program: argv, envp and the
 * auxiliary vector (AT_PAGESZ, AT_RANDOM, AT_PHDR/AT_PHENT/AT_PHNUM, AT_ENTRY,
 * AT_HWCAP), checked against the program's own ELF headers.
 */
/* prune-test: deterministic-output */
/* prune-test: args: one two three */
#include "ut.h"

#include <elf.h>
#include <sys/auxv.h>

extern char **environ;
extern const Elf64_Ehdr __ehdr_start; /* the ELF header, mapped by the first PT_LOAD */
void _start(void);

static void check_argv(int argc, char **argv, char **envp)
{
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] \"%s\"\n", i, argv[i]);
    CHECK(argc >= 1);
    CHECK(argv[argc] == NULL);
    /* envp follows argv's NULL on the initial stack. */
    CHECK(envp == argv + argc + 1);
    CHECK(environ == envp);
    int envc = 0;
    while (envp[envc])
        envc++;
    CHECK(envc < 10000);
}

static void check_auxv(void)
{
    CHECK(getauxval(AT_PAGESZ) == 4096);
    CHECK(sysconf(_SC_PAGESIZE) == 4096);

    const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(random != NULL);
    if (random) {
        unsigned char any = 0;
        for (int i = 0; i < 16; i++)
            any |= random[i];
        CHECK(any != 0); /* 128 random bits that are all zero: a bug */
    }

    const Elf64_Phdr *phdr = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    CHECK(getauxval(AT_PHENT) == sizeof(Elf64_Phdr));
    CHECK(phdr == (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff));
    CHECK(phnum == __ehdr_start.e_phnum);
    /* The load bias: 0 for a fixed-address executable, where the loader put
     * it for a static PIE. The first PT_LOAD maps the ELF header. */
    const Elf64_Phdr *first_load = NULL;
    for (unsigned long i = 0; phdr && i < phnum && !first_load; i++)
        if (phdr[i].p_type == PT_LOAD)
            first_load = &phdr[i];
    CHECK(first_load != NULL);
    if (first_load) {
        unsigned long bias = (unsigned long)&__ehdr_start - first_load->p_vaddr;
        CHECK(getauxval(AT_ENTRY) == __ehdr_start.e_entry + bias);
    }
    CHECK(getauxval(AT_ENTRY) == (unsigned long)_start);
    CHECK(getauxval(AT_HWCAP) != 0);
    printf("auxv: AT_PAGESZ %lu, AT_PHNUM %lu, AT_RANDOM %s, AT_ENTRY %s\n",
           getauxval(AT_PAGESZ), phnum, random ? "set" : "missing",
           getauxval(AT_ENTRY) == (unsigned long)_start ? "is _start" : "wrong");
}

int main(int argc, char **argv, char **envp)
{
    ut_start();
    printf("hello, world\n");
    check_argv(argc, argv, envp);
    check_auxv();
    return ut_finish("test_hello");
}

/*
 * A musl test program for tests/host/test_user_stack.c: prints what it found
 * on its initial stack, one item a line, reading the stack as the ABI says:
 * the auxiliary vector follows the NULL that ends envp.
 *   argc N / argv I TEXT / envp I TEXT / aux TYPE VALUE (hex) /
 *   random HEX (the 16 AT_RANDOM bytes) / execfn TEXT / tls N
 */
#include <elf.h>
#include <stdio.h>

static _Thread_local int tls_check = 7;

int main(int argc, char **argv, char **envp)
{
    char **e = envp;
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv %d %s\n", i, argv[i]);
    for (int i = 0; envp[i]; i++)
        printf("envp %d %s\n", i, envp[i]);
    while (*e)
        e++;
    for (Elf64_auxv_t *aux = (Elf64_auxv_t *)(e + 1); aux->a_type != AT_NULL; aux++) {
        printf("aux %lu %lx\n", (unsigned long)aux->a_type, (unsigned long)aux->a_un.a_val);
        if (aux->a_type == AT_RANDOM) {
            const unsigned char *r = (const unsigned char *)aux->a_un.a_val;
            printf("random ");
            for (int i = 0; i < 16; i++)
                printf("%02x", r[i]);
            printf("\n");
        }
        if (aux->a_type == AT_EXECFN)
            printf("execfn %s\n", (const char *)aux->a_un.a_val);
    }
    printf("tls %d\n", tls_check);
    return 0;
}

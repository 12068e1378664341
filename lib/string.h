/* The C string and memory functions the kernel uses (gcc may also call these). */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/* The next component of a path at *cursor: skips its slashes, returns where
 * the component starts with its length in *len (0: the path ends there),
 * and moves *cursor past it. */
const char *path_component(const char **cursor, size_t *len);

#endif

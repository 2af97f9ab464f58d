/* Sluice: allocation wrappers that abort on exhaustion. */
#include "base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void oom(size_t n);


static void
oom(size_t n)
{
    fprintf(stderr, "sluice: out of memory allocating %zu bytes\n", n);
    abort();
}


void *
sl_malloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);

    if (p == NULL) {
        oom(n);
    }
    return p;
}


void *
sl_calloc(size_t count, size_t n)
{
    void *p = calloc(count == 0 ? 1 : count, n == 0 ? 1 : n);

    if (p == NULL) {
        oom(count * n);
    }
    return p;
}


void *
sl_realloc(void *p, size_t n)
{
    void *q = realloc(p, n == 0 ? 1 : n);

    if (q == NULL) {
        oom(n);
    }
    return q;
}


void
sl_free(void *p)
{
    free(p);
}


char *
sl_strdup(const char *s)
{
    return sl_memdup(s, strlen(s) + 1);
}


char *
sl_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char  *d = sl_malloc(len + 1);

    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}


void *
sl_memdup(const void *p, size_t n)
{
    void *d = sl_malloc(n);

    if (n > 0) {
        memcpy(d, p, n);
    }
    return d;
}

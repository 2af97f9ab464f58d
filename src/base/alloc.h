/*
 * Allocation that never returns NULL.
 *
 * sl_malloc and friends abort the process with a message when memory is
 * exhausted: what keeps the server alive is checking every size that comes
 * from the network against a cap before allocating, not NULL checks.
 * Thread-safe (they wrap the C library).
 */
#ifndef SL_BASE_ALLOC_H
#define SL_BASE_ALLOC_H

#include <stddef.h>


void *sl_malloc(size_t n);
void *sl_calloc(size_t count, size_t n);
void *sl_realloc(void *p, size_t n);
void  sl_free(void *p);

/* Copies of strings and memory; sl_strndup stops at a NUL or n bytes. */
char *sl_strdup(const char *s);
char *sl_strndup(const char *s, size_t n);
void *sl_memdup(const void *p, size_t n);

/* Frees *pp and sets it to NULL. */
#define sl_freep(pp)                                                           \
    do {                                                                       \
        sl_free(*(pp));                                                        \
        *(pp) = NULL;                                                          \
    } while (0)


#endif /* SL_BASE_ALLOC_H */

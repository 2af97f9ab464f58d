/*
 * Intrusive circular doubly-linked list (nginx's ngx_queue_t shape).
 * An empty list is a head pointing at itself.  Not thread-safe.
 */
#ifndef SL_BASE_LIST_H
#define SL_BASE_LIST_H

#include <stdbool.h>
#include <stddef.h>


struct sl_list {
    struct sl_list *prev;
    struct sl_list *next;
};

#define sl_container_of(ptr, type, member)                                     \
    ((type *)((char *)(ptr)-offsetof(type, member)))

#define sl_list_for_each_safe(pos, tmp, head)                                  \
    for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head);           \
         (pos) = (tmp), (tmp) = (pos)->next)

static inline void
sl_list_init(struct sl_list *l)
{
    l->prev = l;
    l->next = l;
}

static inline bool
sl_list_empty(const struct sl_list *l)
{
    return l->next == l;
}

static inline void
sl_list_insert_tail(struct sl_list *head, struct sl_list *n)
{
    n->prev = head->prev;
    n->next = head;
    head->prev->next = n;
    head->prev = n;
}

/* Unlinks n and makes it an empty list, so removing twice is harmless. */
static inline void
sl_list_remove(struct sl_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n;
    n->next = n;
}


#endif /* SL_BASE_LIST_H */

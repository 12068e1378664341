/*
 * Intrusive doubly linked lists, for queues that append at the tail and
 * take elements out anywhere: the run queues (kernel/sched.c), wait queues
 * (kernel/wait.c) and futex buckets (kernel/futex.c).
 *
 * An element embeds a struct list_node; list_entry() goes from the node back
 * to the element. A zeroed struct list is a valid empty list, so structures
 * holding one may be zero-initialized. Nothing here locks: each list's user
 * writes beside it which lock guards it.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *next, *prev; /* NULL at the ends, and while not listed */
};

struct list {
    struct list_node *head, *tail; /* NULL when empty */
};

/* The element of type 'type' whose member 'member' is 'node'. */
#define list_entry(node, type, member) ((type *)((char *)(node) - offsetof(type, member)))

/* The first / last element, or NULL if the list is empty. */
#define list_first_entry(list, type, member) \
    ((list)->head ? list_entry((list)->head, type, member) : NULL)
#define list_last_entry(list, type, member) \
    ((list)->tail ? list_entry((list)->tail, type, member) : NULL)

static inline bool list_empty(const struct list *list)
{
    return list->head == NULL;
}

/* Appends 'node' (not in any list) at the tail. */
static inline void list_push_tail(struct list *list, struct list_node *node)
{
    node->next = NULL;
    node->prev = list->tail;
    if (list->tail)
        list->tail->next = node;
    else
        list->head = node;
    list->tail = node;
}

/* Takes 'node' out of 'list', which holds it. */
static inline void list_remove(struct list *list, struct list_node *node)
{
    if (node->prev)
        node->prev->next = node->next;
    else
        list->head = node->next;
    if (node->next)
        node->next->prev = node->prev;
    else
        list->tail = node->prev;
    node->next = node->prev = NULL;
}

#endif

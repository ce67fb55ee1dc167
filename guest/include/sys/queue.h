/* <sys/queue.h> for guests (wasi-libc has none): the BSD intrusive list
 * macros that network code (lighttpd's ls-hpack, libevent, OpenBSD-derived
 * tools) includes, written for this SDK with the names and meanings the BSDs
 * and glibc give them. Each element embeds an ENTRY field; a HEAD holds the
 * first element (and the tail where the kind has one). Nothing is allocated.
 *
 *   SLIST   singly linked: insert at head or after an element, remove head
 *   STAILQ  singly linked with a tail pointer: also insert at the tail
 *   SIMPLEQ the same as STAILQ under NetBSD/OpenBSD's older name
 *   LIST    doubly linked: remove any element in O(1)
 *   TAILQ   doubly linked with a tail: also walk backwards
 */
#ifndef SOCKBRIDGE_SYS_QUEUE_H
#define SOCKBRIDGE_SYS_QUEUE_H

/* ---- SLIST ---- */
#define SLIST_HEAD(name, type) \
  struct name {                \
    struct type* slh_first;    \
  }
#define SLIST_HEAD_INITIALIZER(head) \
  { 0 }
#define SLIST_ENTRY(type)  \
  struct {                 \
    struct type* sle_next; \
  }
#define SLIST_FIRST(head) ((head)->slh_first)
#define SLIST_EMPTY(head) ((head)->slh_first == 0)
#define SLIST_NEXT(elm, field) ((elm)->field.sle_next)
#define SLIST_INIT(head) ((head)->slh_first = 0)
#define SLIST_FOREACH(var, head, field) for ((var) = SLIST_FIRST(head); (var); (var) = SLIST_NEXT(var, field))
#define SLIST_INSERT_HEAD(head, elm, field)    \
  do {                                         \
    (elm)->field.sle_next = (head)->slh_first; \
    (head)->slh_first = (elm);                 \
  } while (0)
#define SLIST_INSERT_AFTER(slistelm, elm, field)        \
  do {                                                  \
    (elm)->field.sle_next = (slistelm)->field.sle_next; \
    (slistelm)->field.sle_next = (elm);                 \
  } while (0)
#define SLIST_REMOVE_HEAD(head, field) ((head)->slh_first = (head)->slh_first->field.sle_next)
#define SLIST_REMOVE_AFTER(elm, field) ((elm)->field.sle_next = (elm)->field.sle_next->field.sle_next)
#define SLIST_REMOVE(head, elm, type, field)                                         \
  do {                                                                               \
    if ((head)->slh_first == (elm)) {                                                \
      SLIST_REMOVE_HEAD(head, field);                                                \
    } else {                                                                         \
      struct type* sl_walk_ = (head)->slh_first;                                     \
      while (sl_walk_->field.sle_next != (elm)) sl_walk_ = sl_walk_->field.sle_next; \
      SLIST_REMOVE_AFTER(sl_walk_, field);                                           \
    }                                                                                \
  } while (0)

/* ---- STAILQ ---- */
#define STAILQ_HEAD(name, type) \
  struct name {                 \
    struct type* stqh_first;    \
    struct type** stqh_last;    \
  }
#define STAILQ_HEAD_INITIALIZER(head) \
  { 0, &(head).stqh_first }
#define STAILQ_ENTRY(type)  \
  struct {                  \
    struct type* stqe_next; \
  }
#define STAILQ_FIRST(head) ((head)->stqh_first)
#define STAILQ_EMPTY(head) ((head)->stqh_first == 0)
#define STAILQ_NEXT(elm, field) ((elm)->field.stqe_next)
#define STAILQ_INIT(head)                    \
  do {                                       \
    (head)->stqh_first = 0;                  \
    (head)->stqh_last = &(head)->stqh_first; \
  } while (0)
#define STAILQ_FOREACH(var, head, field) for ((var) = STAILQ_FIRST(head); (var); (var) = STAILQ_NEXT(var, field))
#define STAILQ_INSERT_HEAD(head, elm, field)                                                             \
  do {                                                                                                   \
    if (((elm)->field.stqe_next = (head)->stqh_first) == 0) (head)->stqh_last = &(elm)->field.stqe_next; \
    (head)->stqh_first = (elm);                                                                          \
  } while (0)
#define STAILQ_INSERT_TAIL(head, elm, field)     \
  do {                                           \
    (elm)->field.stqe_next = 0;                  \
    *(head)->stqh_last = (elm);                  \
    (head)->stqh_last = &(elm)->field.stqe_next; \
  } while (0)
#define STAILQ_INSERT_AFTER(head, listelm, elm, field)                                                           \
  do {                                                                                                           \
    if (((elm)->field.stqe_next = (listelm)->field.stqe_next) == 0) (head)->stqh_last = &(elm)->field.stqe_next; \
    (listelm)->field.stqe_next = (elm);                                                                          \
  } while (0)
#define STAILQ_REMOVE_HEAD(head, field)                                                                           \
  do {                                                                                                            \
    if (((head)->stqh_first = (head)->stqh_first->field.stqe_next) == 0) (head)->stqh_last = &(head)->stqh_first; \
  } while (0)
#define STAILQ_REMOVE(head, elm, type, field)                                              \
  do {                                                                                     \
    if ((head)->stqh_first == (elm)) {                                                     \
      STAILQ_REMOVE_HEAD(head, field);                                                     \
    } else {                                                                               \
      struct type* stq_walk_ = (head)->stqh_first;                                         \
      while (stq_walk_->field.stqe_next != (elm)) stq_walk_ = stq_walk_->field.stqe_next;  \
      if ((stq_walk_->field.stqe_next = stq_walk_->field.stqe_next->field.stqe_next) == 0) \
        (head)->stqh_last = &stq_walk_->field.stqe_next;                                   \
    }                                                                                      \
  } while (0)

/* ---- SIMPLEQ: STAILQ by its other name ---- */
#define SIMPLEQ_HEAD(name, type) STAILQ_HEAD(name, type)
#define SIMPLEQ_HEAD_INITIALIZER(head) STAILQ_HEAD_INITIALIZER(head)
#define SIMPLEQ_ENTRY(type) STAILQ_ENTRY(type)
#define SIMPLEQ_FIRST(head) STAILQ_FIRST(head)
#define SIMPLEQ_EMPTY(head) STAILQ_EMPTY(head)
#define SIMPLEQ_NEXT(elm, field) STAILQ_NEXT(elm, field)
#define SIMPLEQ_INIT(head) STAILQ_INIT(head)
#define SIMPLEQ_FOREACH(var, head, field) STAILQ_FOREACH(var, head, field)
#define SIMPLEQ_INSERT_HEAD(head, elm, field) STAILQ_INSERT_HEAD(head, elm, field)
#define SIMPLEQ_INSERT_TAIL(head, elm, field) STAILQ_INSERT_TAIL(head, elm, field)
#define SIMPLEQ_INSERT_AFTER(head, listelm, elm, field) STAILQ_INSERT_AFTER(head, listelm, elm, field)
#define SIMPLEQ_REMOVE_HEAD(head, field) STAILQ_REMOVE_HEAD(head, field)
#define SIMPLEQ_REMOVE(head, elm, type, field) STAILQ_REMOVE(head, elm, type, field)

/* ---- LIST ---- */
#define LIST_HEAD(name, type) \
  struct name {               \
    struct type* lh_first;    \
  }
#define LIST_HEAD_INITIALIZER(head) \
  { 0 }
#define LIST_ENTRY(type)   \
  struct {                 \
    struct type* le_next;  \
    struct type** le_prev; \
  }
#define LIST_FIRST(head) ((head)->lh_first)
#define LIST_EMPTY(head) ((head)->lh_first == 0)
#define LIST_NEXT(elm, field) ((elm)->field.le_next)
#define LIST_INIT(head) ((head)->lh_first = 0)
#define LIST_FOREACH(var, head, field) for ((var) = LIST_FIRST(head); (var); (var) = LIST_NEXT(var, field))
#define LIST_INSERT_HEAD(head, elm, field)                                                                       \
  do {                                                                                                           \
    if (((elm)->field.le_next = (head)->lh_first) != 0) (head)->lh_first->field.le_prev = &(elm)->field.le_next; \
    (head)->lh_first = (elm);                                                                                    \
    (elm)->field.le_prev = &(head)->lh_first;                                                                    \
  } while (0)
#define LIST_INSERT_AFTER(listelm, elm, field)                         \
  do {                                                                 \
    if (((elm)->field.le_next = (listelm)->field.le_next) != 0)        \
      (listelm)->field.le_next->field.le_prev = &(elm)->field.le_next; \
    (listelm)->field.le_next = (elm);                                  \
    (elm)->field.le_prev = &(listelm)->field.le_next;                  \
  } while (0)
#define LIST_INSERT_BEFORE(listelm, elm, field)       \
  do {                                                \
    (elm)->field.le_prev = (listelm)->field.le_prev;  \
    (elm)->field.le_next = (listelm);                 \
    *(listelm)->field.le_prev = (elm);                \
    (listelm)->field.le_prev = &(elm)->field.le_next; \
  } while (0)
#define LIST_REMOVE(elm, field)                                                                \
  do {                                                                                         \
    if ((elm)->field.le_next != 0) (elm)->field.le_next->field.le_prev = (elm)->field.le_prev; \
    *(elm)->field.le_prev = (elm)->field.le_next;                                              \
  } while (0)

/* ---- TAILQ ---- */
#define TAILQ_HEAD(name, type) \
  struct name {                \
    struct type* tqh_first;    \
    struct type** tqh_last;    \
  }
#define TAILQ_HEAD_INITIALIZER(head) \
  { 0, &(head).tqh_first }
#define TAILQ_ENTRY(type)   \
  struct {                  \
    struct type* tqe_next;  \
    struct type** tqe_prev; \
  }
#define TAILQ_FIRST(head) ((head)->tqh_first)
#define TAILQ_EMPTY(head) ((head)->tqh_first == 0)
#define TAILQ_NEXT(elm, field) ((elm)->field.tqe_next)
/* The last element and the one before elm, through the head's and the
 * entries' back pointers (an ENTRY's layout matches a HEAD's). */
#define TAILQ_LAST(head, headname) (*(((struct headname*)((head)->tqh_last))->tqh_last))
#define TAILQ_PREV(elm, headname, field) (*(((struct headname*)((elm)->field.tqe_prev))->tqh_last))
#define TAILQ_INIT(head)                   \
  do {                                     \
    (head)->tqh_first = 0;                 \
    (head)->tqh_last = &(head)->tqh_first; \
  } while (0)
#define TAILQ_FOREACH(var, head, field) for ((var) = TAILQ_FIRST(head); (var); (var) = TAILQ_NEXT(var, field))
#define TAILQ_FOREACH_REVERSE(var, head, headname, field) \
  for ((var) = TAILQ_LAST(head, headname); (var); (var) = TAILQ_PREV(var, headname, field))
#define TAILQ_INSERT_HEAD(head, elm, field)                       \
  do {                                                            \
    if (((elm)->field.tqe_next = (head)->tqh_first) != 0)         \
      (head)->tqh_first->field.tqe_prev = &(elm)->field.tqe_next; \
    else                                                          \
      (head)->tqh_last = &(elm)->field.tqe_next;                  \
    (head)->tqh_first = (elm);                                    \
    (elm)->field.tqe_prev = &(head)->tqh_first;                   \
  } while (0)
#define TAILQ_INSERT_TAIL(head, elm, field)    \
  do {                                         \
    (elm)->field.tqe_next = 0;                 \
    (elm)->field.tqe_prev = (head)->tqh_last;  \
    *(head)->tqh_last = (elm);                 \
    (head)->tqh_last = &(elm)->field.tqe_next; \
  } while (0)
#define TAILQ_INSERT_AFTER(head, listelm, elm, field)                 \
  do {                                                                \
    if (((elm)->field.tqe_next = (listelm)->field.tqe_next) != 0)     \
      (elm)->field.tqe_next->field.tqe_prev = &(elm)->field.tqe_next; \
    else                                                              \
      (head)->tqh_last = &(elm)->field.tqe_next;                      \
    (listelm)->field.tqe_next = (elm);                                \
    (elm)->field.tqe_prev = &(listelm)->field.tqe_next;               \
  } while (0)
#define TAILQ_INSERT_BEFORE(listelm, elm, field)        \
  do {                                                  \
    (elm)->field.tqe_prev = (listelm)->field.tqe_prev;  \
    (elm)->field.tqe_next = (listelm);                  \
    *(listelm)->field.tqe_prev = (elm);                 \
    (listelm)->field.tqe_prev = &(elm)->field.tqe_next; \
  } while (0)
#define TAILQ_REMOVE(head, elm, field)                               \
  do {                                                               \
    if ((elm)->field.tqe_next != 0)                                  \
      (elm)->field.tqe_next->field.tqe_prev = (elm)->field.tqe_prev; \
    else                                                             \
      (head)->tqh_last = (elm)->field.tqe_prev;                      \
    *(elm)->field.tqe_prev = (elm)->field.tqe_next;                  \
  } while (0)

#endif

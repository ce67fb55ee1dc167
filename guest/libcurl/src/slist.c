/* curl_slist: the string list of CURLOPT_HTTPHEADER. */
#include <stdlib.h>
#include <string.h>

#include "curl/curl.h"

struct curl_slist* curl_slist_append(struct curl_slist* list, const char* text) {
  struct curl_slist* node = malloc(sizeof *node);
  if (!node) return NULL;
  node->data = strdup(text);
  node->next = NULL;
  if (!node->data) {
    free(node);
    return NULL;
  }
  if (!list) return node;
  struct curl_slist* last = list;
  while (last->next) last = last->next;
  last->next = node;
  return list;
}

void curl_slist_free_all(struct curl_slist* list) {
  while (list) {
    struct curl_slist* next = list->next;
    free(list->data);
    free(list);
    list = next;
  }
}

/* gethostname: a guest's name is $HOSTNAME when the embedder sets it, else "sockbridge". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gethostname(char* name, size_t length) {
  const char* own = getenv("HOSTNAME");
  if (!own || !*own) own = "sockbridge";
  const size_t needed = strlen(own) + 1;
  if (length < needed) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(name, own, needed);
  return 0;
}

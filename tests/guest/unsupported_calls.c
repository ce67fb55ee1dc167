// Calls the host does not serve: a WASI preview1 call outside its subset
// (fd_renumber) and a posix_sockets import it does not have. Both must come
// back as ENOSYS (negative for posix_sockets, as every socket import returns
// -errno), not trap the guest. Prints what came back; exits 0 if both did.
#include <errno.h>
#include <stdio.h>
#include <wasi/api.h>

__attribute__((import_module("posix_sockets"), import_name("sockatmark"))) int sb_sockatmark(int fd);

int main(void) {
  const __wasi_errno_t renumber = __wasi_fd_renumber(1, 2);
  const int atmark = sb_sockatmark(3);
  printf("fd_renumber: %d\nsockatmark: %d\n", (int)renumber, atmark);
  return renumber == __WASI_ERRNO_NOSYS && atmark == -ENOSYS ? 0 : 1;
}

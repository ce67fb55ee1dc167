/* socketpair: a guest's sockets live on the relay, so there is no local pair to make.
 * It fails as socket(AF_UNIX, …) does (EAFNOSUPPORT), and as Linux does for the
 * other families (EOPNOTSUPP). Programs that use a pair only to wake their own
 * select() (libmosquitto) carry on without it. */
#include <errno.h>
#include <sys/socket.h>

int socketpair(int domain, int type, int protocol, int fds[2]) {
  (void)type, (void)protocol, (void)fds;
  errno = domain == AF_UNIX ? EAFNOSUPPORT : EOPNOTSUPP;
  return -1;
}

/* User and process identities for -lsockbridge-stubs.
 *
 * A guest runs as nobody: getuid/geteuid/getgid/getegid answer 65534, the
 * "nobody"/"nogroup" id of Debian and most Linux systems, never 0. A guest is
 * never root (it has no privileges over anything but its own sockets and the
 * read-only files its embedder gave it), and servers test `getuid() == 0` to
 * decide whether to chroot, drop privileges or refuse to run: answering root
 * would send them down those paths, and every call there would fail.
 * setuid/setgid/seteuid/setegid succeed only for the id the guest already has
 * (POSIX lets an unprivileged process "change" to its own ids) and are EPERM
 * otherwise. setsid fails with EPERM, as for a process that already leads
 * its group: the guest cannot start a session of its own.
 * getppid answers 1: the guest has no parent process it could see, which is
 * what Unix reports for a process whose parent is gone. */
#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

#include "guest_ids.h"

uid_t getuid(void) { return SB_GUEST_UID; }
uid_t geteuid(void) { return SB_GUEST_UID; }
gid_t getgid(void) { return SB_GUEST_GID; }
gid_t getegid(void) { return SB_GUEST_GID; }
pid_t getppid(void) { return 1; }

static int become(unsigned wanted, unsigned current) {
  if (wanted == current) return 0;
  errno = EPERM;
  return -1;
}

int setuid(uid_t uid) { return become(uid, SB_GUEST_UID); }
int seteuid(uid_t uid) { return become(uid, SB_GUEST_UID); }
int setgid(gid_t gid) { return become(gid, SB_GUEST_GID); }
int setegid(gid_t gid) { return become(gid, SB_GUEST_GID); }

pid_t setsid(void) {
  errno = EPERM;
  return -1;
}

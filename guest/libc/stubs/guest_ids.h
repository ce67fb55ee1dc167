/* Internal to the SDK: the user and group a guest runs as (ids.c says why
 * "nobody"); sigaction.c reports them in a siginfo_t too. */
#ifndef SOCKBRIDGE_LIBC_GUEST_IDS_H
#define SOCKBRIDGE_LIBC_GUEST_IDS_H

#define SB_GUEST_UID 65534u
#define SB_GUEST_GID 65534u

#endif

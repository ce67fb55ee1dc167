/*
 * sys/ioctl.h for sockbridge guests: wasi-libc's header (FIONREAD, FIONBIO,
 * which the host serves for sockets) plus the names of the interface queries
 * (SIOCGIFADDR, SIOCGIFFLAGS, …, Linux's numbers) that code beside a
 * struct ifreq (<net/if.h>) asks with. A guest has no interfaces of its own:
 * wasi-libc's ioctl() fails every request but FIONREAD and FIONBIO with EINVAL,
 * so these compile and the call reports an error, never a made-up address.
 */
#ifndef SOCKBRIDGE_SYS_IOCTL_H
#define SOCKBRIDGE_SYS_IOCTL_H

#include_next <sys/ioctl.h>

#ifndef SIOCGIFADDR
#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCGIFADDR 0x8915
#define SIOCSIFADDR 0x8916
#define SIOCGIFDSTADDR 0x8917
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#endif

#endif

/*
 * struct sockaddr_un for sockbridge guests. wasi-libc (2022) gives it only
 * sun_family; code that also supports Unix-domain sockets (curl, Redis
 * clients, servers with a local control socket) fills sun_path, so it must
 * compile. This header takes the place of wasi-libc's own (the SDK's include
 * directory comes first). socket(AF_UNIX, ...) fails with EAFNOSUPPORT: a
 * guest has no local sockets to reach.
 */
#ifndef __wasilibc___struct_sockaddr_un_h
#define __wasilibc___struct_sockaddr_un_h

#define __need_STDDEF_H_misc
#include <stddef.h>

#include <__typedef_sa_family_t.h>

struct sockaddr_un {
  _Alignas(max_align_t) sa_family_t sun_family;
  char sun_path[108];
};

#endif

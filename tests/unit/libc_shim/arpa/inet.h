/*
 * <arpa/inet.h> for guest/libc compiled natively: glibc's inet_pton and
 * inet_ntop take glibc's AF_INET/AF_INET6, the libc layer passes wasi-libc's;
 * these forward with the family translated (libc_fake_imports.cpp).
 */
#include_next <arpa/inet.h>

#ifndef SOCKBRIDGE_LIBC_SHIM_ARPA_INET_H
#define SOCKBRIDGE_LIBC_SHIM_ARPA_INET_H

int sb_shim_inet_pton(int family, const char* text, void* address);
const char* sb_shim_inet_ntop(int family, const void* address, char* text, socklen_t size);
#define inet_pton sb_shim_inet_pton
#define inet_ntop sb_shim_inet_ntop

#endif

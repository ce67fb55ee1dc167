/*
 * <fcntl.h> for guest/libc compiled natively: the libc layer's fcntl calls
 * are on guest fds the fake imports made up, so they go to the fake
 * (libc_fake_imports.cpp), never to a real descriptor of the test process.
 */
#include_next <fcntl.h>

#ifndef SOCKBRIDGE_LIBC_SHIM_FCNTL_H
#define SOCKBRIDGE_LIBC_SHIM_FCNTL_H

int sb_shim_fcntl(int fd, int command, ...);
#define fcntl sb_shim_fcntl

#endif

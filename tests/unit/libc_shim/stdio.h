/*
 * <stdio.h> for guest/libc compiled natively: the libc layer reads the
 * guest's /etc/hosts and /etc/services, which the embedder supplies; here the
 * fake supplies them (libc_fake_imports.cpp), never the test machine's own.
 */
#include_next <stdio.h>

#ifndef SOCKBRIDGE_LIBC_SHIM_STDIO_H
#define SOCKBRIDGE_LIBC_SHIM_STDIO_H

FILE* sb_shim_fopen(const char* path, const char* mode);
#define fopen sb_shim_fopen

#endif

#include <sys/socket.h>

#include "sb_result.h"

int shutdown(int fd, int how) { return sb_result(wasm_sock_shutdown(fd, how)); }

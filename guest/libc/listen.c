#include <sys/socket.h>

#include "sb_result.h"

int listen(int fd, int backlog) { return sb_result(wasm_sock_listen(fd, backlog)); }

#include <sys/socket.h>

#include "sb_result.h"

int socket(int domain, int type, int protocol) { return sb_result(wasm_sock_socket(domain, type, protocol)); }

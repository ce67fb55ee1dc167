#include <netdb.h>

const char* gai_strerror(int code) {
  switch (code) {
    case 0:
      return "Success";
    case EAI_BADFLAGS:
      return "Invalid flags";
    case EAI_NONAME:
      return "Name does not resolve";
    case EAI_AGAIN:
      return "Temporary failure in name resolution";
    case EAI_FAIL:
      return "Non-recoverable failure in name resolution (or refused by the relay's policy)";
    case EAI_NODATA:
      return "No address for this name";
    case EAI_FAMILY:
      return "Unrecognized address family or invalid length";
    case EAI_SOCKTYPE:
      return "Unrecognized socket type";
    case EAI_SERVICE:
      return "Unrecognized service";
    case EAI_MEMORY:
      return "Out of memory";
    case EAI_SYSTEM:
      return "System error";
    case EAI_OVERFLOW:
      return "Overflow";
    default:
      return "Unknown error";
  }
}

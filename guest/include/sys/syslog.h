/* sys/syslog.h: the same as <syslog.h>, as with glibc. */
#include <syslog.h>

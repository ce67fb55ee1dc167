/* tzset for -lsockbridge-stubs: wasi-libc keeps every time in UTC (it reads
 * no TZ and no zoneinfo), so there is nothing to load and localtime() is
 * gmtime(). Unlike the other stubs this one cannot fail: a program that calls
 * it gets what it asked for, UTC being the guest's only zone. */
#include <time.h>

void tzset(void) {}

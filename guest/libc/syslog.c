/* syslog to stderr: a guest has no system log (see <syslog.h>). */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

static const char *log_ident;
static int log_options;
static int log_mask = 0xff;

void openlog(const char *ident, int option, int facility) {
  (void)facility;
  log_ident = ident;
  log_options = option;
}

void closelog(void) {
  log_ident = NULL;
  log_options = 0;
}

int setlogmask(int mask) {
  const int old = log_mask;
  if (mask != 0) log_mask = mask;
  return old;
}

void vsyslog(int priority, const char *format, va_list arguments) {
  if (!(log_mask & LOG_MASK(LOG_PRI(priority)))) return;
  const char *ident = log_ident ? log_ident : "guest";
  if (log_options & LOG_PID)
    fprintf(stderr, "%s[%d]: ", ident, (int)getpid());
  else
    fprintf(stderr, "%s: ", ident);
  vfprintf(stderr, format, arguments);
  fputc('\n', stderr);
}

void syslog(int priority, const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  vsyslog(priority, format, arguments);
  va_end(arguments);
}

/* syslog to stderr: a guest has no system log (see <syslog.h>). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const char* log_ident;
static int log_options;
static int log_mask = 0xff;

void openlog(const char* ident, int option, int facility) {
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

/* Longest message written whole; a longer one is cut there. */
enum { message_bytes = 1024 };

void vsyslog(int priority, const char* format, va_list arguments) {
  if (!(log_mask & LOG_MASK(LOG_PRI(priority)))) return;
  char message[message_bytes];
  vsnprintf(message, sizeof message, format, arguments);
  /* One line per message, as syslogd writes it: a message's own final newline is not doubled. */
  const size_t length = strlen(message);
  if (length > 0 && message[length - 1] == '\n') message[length - 1] = '\0';
  const char* ident = log_ident ? log_ident : "guest";
  if (log_options & LOG_PID)
    fprintf(stderr, "%s[%d]: %s\n", ident, (int)getpid(), message);
  else
    fprintf(stderr, "%s: %s\n", ident, message);
}

void syslog(int priority, const char* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  vsyslog(priority, format, arguments);
  va_end(arguments);
}

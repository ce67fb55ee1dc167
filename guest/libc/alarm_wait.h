/* Internal to the libc layer: lets a pending alarm() interrupt the calls that
 * wait in one import for one socket (recv, recvfrom, accept, connect), as
 * alarm.c lets it interrupt poll() and select(). */
#ifndef SOCKBRIDGE_LIBC_ALARM_WAIT_H
#define SOCKBRIDGE_LIBC_ALARM_WAIT_H

enum sb_alarm_wait_result {
  sb_alarm_none,   /* no alarm pending, or the socket does not block: make the call as usual */
  sb_alarm_ready,  /* the socket is ready (or failed): the call will not wait */
  sb_alarm_is_due, /* the alarm came first: call sb_alarm_interrupt() */
};

/* With an alarm pending and `fd` blocking, waits for `events` (<poll.h>'s
 * POLLIN, POLLOUT) on it, at most until the alarm is due. */
enum sb_alarm_wait_result sb_alarm_wait(int fd, short events);

/* The same wait for a socket known to be pending (a non-blocking connect()):
 * never sb_alarm_none. */
enum sb_alarm_wait_result sb_alarm_wait_until_due(int fd, short events);

/* Raises SIGALRM (its handler may longjmp() out of the interrupted call) and,
 * if the handler returns, fails the call with EINTR: returns -1. */
int sb_alarm_interrupt(void);

#endif

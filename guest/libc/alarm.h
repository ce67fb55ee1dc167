/* Internal to the libc layer: the pending alarm() that poll() delivers. */
#ifndef SOCKBRIDGE_LIBC_ALARM_H
#define SOCKBRIDGE_LIBC_ALARM_H

/* Milliseconds until the pending alarm is due (0 when overdue), or -1 when none is set. */
int sb_alarm_due_in_ms(void);

/* While held (pselect with SIGALRM in its mask), a due alarm stays pending: sb_alarm_due_in_ms() says -1. */
void sb_alarm_hold(int held);

/* Clears the pending alarm and raises SIGALRM (its handler runs, or the default action ends the program). */
void sb_alarm_ring(void);

#endif

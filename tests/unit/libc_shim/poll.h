/*
 * <poll.h> for guest/libc compiled natively: glibc's, whose event bits are
 * Linux's, as the SDK's <poll.h> gives a guest; the layer translates them to
 * the poll import's SB_POLL* bits (guest/libc/poll_events.h) in both builds.
 */
#include_next <poll.h>

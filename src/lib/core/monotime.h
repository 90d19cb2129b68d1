/*
 * monotime.h - the monotonic clock, for timeouts, caches and intervals
 * (never for timestamps that are stored or shown: those come from the
 * store's clock or from the chain).
 */
#ifndef CB_MONOTIME_H
#define CB_MONOTIME_H

#include <stdbool.h>
#include <stdint.h>

/* Milliseconds / microseconds of CLOCK_MONOTONIC. */
uint64_t	monotime_ms(void);
uint64_t	monotime_us(void);

/*
 * Sleeps ms milliseconds.  Returns early (false) when a signal arrives, so
 * a daemon's loop notices SIGTERM at once; true when the full time passed.
 */
bool		monotime_sleep_ms(uint64_t ms);

#endif

/* monotime.c - the monotonic clock. */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "core/monotime.h"

uint64_t
monotime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t
monotime_ms(void)
{
	return monotime_us() / 1000u;
}

bool
monotime_sleep_ms(uint64_t ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ms / 1000u),
		.tv_nsec = (long)(ms % 1000u) * 1000000L,
	};

	return nanosleep(&ts, NULL) == 0;
}

/* uuid.c - UUIDv7 (RFC 9562) generation and canonical UUID validation. */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "core/uuid.h"

#define UUID_RAND_A_MASK	0xfffu			/* 12 bits */
#define UUID_RAND_B_MASK	0x3fffffffffffffffull	/* 62 bits */
#define UUID_TS_MASK		0xffffffffffffull	/* 48 bits */

/*
 * The last value made by this process, to keep values increasing (RFC 9562
 * section 6.2, method 2: the 74 random bits act as a counter within one
 * millisecond).  pid tells a forked child to start afresh.
 */
static struct {
	atomic_flag	 lock;
	pid_t		 pid;
	uint64_t	 ms;
	uint16_t	 rand_a;
	uint64_t	 rand_b;
} uuid_state = { ATOMIC_FLAG_INIT, 0, 0, 0, 0 };

static void
uuid_random(void *p, size_t n)
{
	unsigned char	*d = p;
	ssize_t		 r;

	while (n > 0) {
		r = getrandom(d, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		/* No kernel randomness: identifiers must not be guessable. */
		if (r <= 0)
			abort();
		d += r;
		n -= (size_t)r;
	}
}

static uint64_t
uuid_now_ms(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0)
		return 0;
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) &
	    UUID_TS_MASK;
}

static void
uuid_format(char out[UUID_STR_LEN + 1], const unsigned char b[16])
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0xf];
	}
	out[o] = '\0';
}

void
uuid_v7(char out[UUID_STR_LEN + 1])
{
	unsigned char	 rnd[14], b[16];
	uint64_t	 ms, step, rand_b;
	uint16_t	 rand_a;
	pid_t		 pid = getpid();
	int		 saved_errno = errno;
	size_t		 i;

	uuid_random(rnd, sizeof(rnd));
	ms = uuid_now_ms();

	while (atomic_flag_test_and_set_explicit(&uuid_state.lock,
	    memory_order_acquire))
		;
	if (uuid_state.pid == pid && ms <= uuid_state.ms) {
		/* Same or earlier millisecond: advance by a random step. */
		memcpy(&step, rnd + 10, 4);
		step = (step & 0xffffffffu) + 1;
		ms = uuid_state.ms;
		rand_a = uuid_state.rand_a;
		rand_b = uuid_state.rand_b + step;
		if (rand_b > UUID_RAND_B_MASK) {
			rand_b &= UUID_RAND_B_MASK;
			if (++rand_a > UUID_RAND_A_MASK) {
				/* Counter spent: borrow the next millisecond. */
				ms = (ms + 1) & UUID_TS_MASK;
				rand_a = (uint16_t)(((rnd[0] << 8) | rnd[1]) &
				    UUID_RAND_A_MASK);
				rand_b = 0;
				for (i = 2; i < 10; i++)
					rand_b = (rand_b << 8) | rnd[i];
				rand_b &= UUID_RAND_B_MASK;
			}
		}
	} else {
		rand_a = (uint16_t)(((rnd[0] << 8) | rnd[1]) & UUID_RAND_A_MASK);
		rand_b = 0;
		for (i = 2; i < 10; i++)
			rand_b = (rand_b << 8) | rnd[i];
		rand_b &= UUID_RAND_B_MASK;
	}
	uuid_state.pid = pid;
	uuid_state.ms = ms;
	uuid_state.rand_a = rand_a;
	uuid_state.rand_b = rand_b;
	atomic_flag_clear_explicit(&uuid_state.lock, memory_order_release);

	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (rand_a >> 8));
	b[7] = (unsigned char)(rand_a & 0xff);
	b[8] = (unsigned char)(0x80 | (rand_b >> 56));
	for (i = 9; i < 16; i++)
		b[i] = (unsigned char)(rand_b >> (8 * (15 - i)));
	uuid_format(out, b);
	errno = saved_errno;
}

bool
uuid_valid(const char *s, size_t len)
{
	size_t	 i;
	char	 c;

	if (s == NULL || len != UUID_STR_LEN)
		return false;
	for (i = 0; i < UUID_STR_LEN; i++) {
		c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

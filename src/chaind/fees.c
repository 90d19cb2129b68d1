/* fees.c - settlement fees: market quote and replacement bump (fees.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fees.h"

#define FEES_MEDIAN_MAX	1024	/* tips looked at; eth_feeHistory gives 10 */

void
fees_cap(uint64_t max_fee_gwei, u256 *cap)
{
	u256 g;

	u256_from_u64(cap, max_fee_gwei);
	u256_from_u64(&g, FEES_GWEI);
	/* max_fee_gwei <= 10^6 by configuration: no overflow. */
	(void)u256_mul(cap, cap, &g);
}

static const u256 *
fees_min(const u256 *a, const u256 *b)
{
	return u256_cmp(a, b) <= 0 ? a : b;
}

static const u256 *
fees_max(const u256 *a, const u256 *b)
{
	return u256_cmp(a, b) >= 0 ? a : b;
}

void
fees_market(const u256 *tips, size_t ntips, const u256 *next_base_fee, const u256 *cap,
    struct fee_quote *out)
{
	u256 sorted[FEES_MEDIAN_MAX], one, fee;
	size_t n = ntips < FEES_MEDIAN_MAX ? ntips : FEES_MEDIAN_MAX, i, j;

	u256_from_u64(&one, 1);
	memcpy(sorted, tips, n * sizeof(*tips));
	/* Insertion sort: n is ten. */
	for (i = 1; i < n; i++) {
		u256 v = sorted[i];

		for (j = i; j > 0 && u256_cmp(&sorted[j - 1], &v) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = v;
	}
	out->tip = n > 0 ? sorted[(n - 1) / 2] : one;
	if (u256_is_zero(&out->tip))
		out->tip = one;
	/* 2 * base + tip; past 2^256 it is above any cap anyway. */
	if (u256_add(&fee, next_base_fee, next_base_fee) != 0 ||
	    u256_add(&fee, &fee, &out->tip) != 0)
		fee = *cap;
	out->max_fee = *fees_min(&fee, cap);
	out->tip = *fees_min(&out->tip, &out->max_fee);
}

/* ceil(v * (100 + percent) / 100); false past 2^256. */
static bool
fees_raise(const u256 *v, unsigned percent, u256 *out)
{
	uint64_t rem;

	if (u256_mul_u64(out, v, 100u + percent) != 0)
		return false;
	(void)u256_divmod_u64(out, out, 100u, &rem);
	if (rem != 0) {
		u256 one;

		u256_from_u64(&one, 1);
		if (u256_add(out, out, &one) != 0)
			return false;
	}
	return true;
}

bool
fees_bump(const struct fee_quote *old, const struct fee_quote *market, unsigned percent,
    const u256 *cap, struct fee_quote *out)
{
	u256 min_fee, min_tip;

	if (!fees_raise(&old->max_fee, percent, &min_fee) ||
	    !fees_raise(&old->tip, percent, &min_tip))
		return false;
	out->max_fee = *fees_max(&min_fee, &market->max_fee);
	out->tip = *fees_max(&min_tip, &market->tip);
	if (u256_cmp(&out->max_fee, cap) > 0)
		out->max_fee = *cap;
	if (u256_cmp(&out->tip, &out->max_fee) > 0)
		out->tip = out->max_fee;
	/* Capped below the minimum bump: a node would refuse it. */
	return u256_cmp(&out->max_fee, &min_fee) >= 0 && u256_cmp(&out->tip, &min_tip) >= 0;
}

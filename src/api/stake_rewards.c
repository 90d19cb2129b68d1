/*
 * stake_rewards.c - the StakingPool reward rule replayed from events
 * (stake_rewards.h).
 */
#include "config.h"

#include <string.h>

#include "stake_rewards.h"

#if !defined(__SIZEOF_INT128__)
#error "stake_rewards.c needs a compiler with unsigned __int128 (GCC or Clang, 64-bit target)"
#endif
__extension__ typedef unsigned __int128 sr_u128;

/* p[0..8) = a * b, least significant limb first. */
static void
sr_mul_wide(const u256 *a, const u256 *b, uint64_t p[8])
{
	unsigned i, j;

	memset(p, 0, 8 * sizeof(p[0]));
	for (i = 0; i < 4; i++) {
		uint64_t carry = 0;

		for (j = 0; j < 4; j++) {
			sr_u128 t = (sr_u128)a->limb[i] * b->limb[j] + p[i + j] + carry;

			p[i + j] = (uint64_t)t;
			carry = (uint64_t)(t >> 64);
		}
		p[i + 4] = carry;
	}
}

/* r (5 limbs) compared with d (4 limbs): -1, 0, 1. */
static int
sr_cmp5(const uint64_t r[5], const u256 *d)
{
	int i;

	if (r[4] != 0)
		return 1;
	for (i = 3; i >= 0; i--) {
		if (r[i] != d->limb[i])
			return r[i] > d->limb[i] ? 1 : -1;
	}
	return 0;
}

int
stake_rewards_muldiv(u256 *q, const u256 *a, const u256 *b, const u256 *d)
{
	uint64_t p[8], r[5] = { 0, 0, 0, 0, 0 };
	u256 quot;
	int bit, i;

	if (u256_is_zero(d))
		return -1;
	sr_mul_wide(a, b, p);
	/* The quotient fits in 256 bits exactly when the product's high half
	 * is below d. */
	for (i = 3; i >= 0; i--) {
		if (p[4 + i] != d->limb[i]) {
			if (p[4 + i] > d->limb[i])
				return -1;
			break;
		}
	}
	if (i < 0)
		return -1;	/* high half equals d */
	/* Restoring division, one bit at a time: r < d holds throughout, so r
	 * fits in 257 bits. */
	u256_zero(&quot);
	for (bit = 511; bit >= 0; bit--) {
		uint64_t in = (p[bit / 64] >> (bit % 64)) & 1u;

		for (i = 4; i > 0; i--)
			r[i] = (r[i] << 1) | (r[i - 1] >> 63);
		r[0] = (r[0] << 1) | in;
		if (sr_cmp5(r, d) >= 0) {
			uint64_t borrow = 0;

			for (i = 0; i < 4; i++) {
				uint64_t di = d->limb[i], ri = r[i];
				uint64_t t = ri - di - borrow;

				borrow = (ri < di || (ri - di) < borrow) ? 1 : 0;
				r[i] = t;
			}
			r[4] -= borrow;
			if (bit < 256)
				quot.limb[bit / 64] |= (uint64_t)1 << (bit % 64);
		}
	}
	*q = quot;
	return 0;
}

enum cb_err
stake_rewards_init(struct stake_rewards *r, const u256 *rate, unsigned decimals)
{
	memset(r, 0, sizeof(*r));
	if (decimals > STAKE_REWARDS_DECIMALS_MAX ||
	    u256_pow10(&r->denominator, decimals) != 0 ||
	    u256_mul_u64(&r->denominator, &r->denominator, 3600) != 0)
		return CB_ERR_RANGE;
	r->rate = *rate;
	r->consistent = true;
	return CB_OK;
}

/* The contract's _pending(user) at time at. */
static enum cb_err
sr_pending(const struct stake_rewards *r, uint64_t at, u256 *out)
{
	u256 rate_elapsed;

	u256_zero(out);
	if (u256_is_zero(&r->staked) || at <= r->last)
		return CB_OK;
	/* rewardRatePerTokenPerHour * (block.timestamp - last) is checked
	 * arithmetic in the contract: an overflow reverts. */
	if (u256_mul_u64(&rate_elapsed, &r->rate, at - r->last) != 0 ||
	    stake_rewards_muldiv(out, &r->staked, &rate_elapsed, &r->denominator) != 0)
		return CB_ERR_RANGE;
	return CB_OK;
}

enum cb_err
stake_rewards_apply(struct stake_rewards *r, const struct stake_event *ev)
{
	u256 pending;
	enum cb_err rc;

	if (ev->kind != STAKE_EV_STAKED && ev->kind != STAKE_EV_UNSTAKED &&
	    ev->kind != STAKE_EV_CLAIMED)
		return CB_ERR_INVALID;
	/* _accrue(user): the segment ends here. */
	if ((rc = sr_pending(r, ev->timestamp, &pending)) != CB_OK)
		return rc;
	if (u256_add(&r->accrued, &r->accrued, &pending) != 0)
		return CB_ERR_RANGE;
	r->last = ev->timestamp;
	switch (ev->kind) {
	case STAKE_EV_STAKED:
		if (u256_add(&r->staked, &r->staked, &ev->amount) != 0)
			return CB_ERR_RANGE;
		break;
	case STAKE_EV_UNSTAKED:
		if (u256_cmp(&ev->amount, &r->staked) > 0) {
			r->consistent = false;
			u256_zero(&r->staked);
		} else {
			u256_sub(&r->staked, &r->staked, &ev->amount);
		}
		break;
	case STAKE_EV_CLAIMED:
		if (u256_cmp(&ev->amount, &r->accrued) != 0)
			r->consistent = false;
		u256_zero(&r->accrued);
		if (u256_add(&r->claimed, &r->claimed, &ev->amount) != 0)
			return CB_ERR_RANGE;
		break;
	}
	return CB_OK;
}

enum cb_err
stake_rewards_earned(const struct stake_rewards *r, uint64_t at, u256 *out)
{
	u256 pending, sum;
	enum cb_err rc;

	if ((rc = sr_pending(r, at, &pending)) != CB_OK)
		return rc;
	if (u256_add(&sum, &r->accrued, &pending) != 0)
		return CB_ERR_RANGE;
	*out = sum;
	return CB_OK;
}

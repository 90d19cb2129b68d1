/*
 * status.c - names and transitions of the settlement state machine.  The
 * tables below are the ones drawn in docs/settlement.md; change both
 * together.
 */
#include "config.h"

#include <string.h>

#include "core/array.h"
#include "ledger/status.h"

static const char *const change_names[CHANGE_STATUS__MAX] = {
	[CHANGE_RECORDED] = "recorded",
	[CHANGE_AWAITING_WALLET] = "awaiting_wallet",
	[CHANGE_BATCHED] = "batched",
	[CHANGE_SUBMITTED] = "submitted",
	[CHANGE_CONFIRMED] = "confirmed",
	[CHANGE_FAILED] = "failed",
};

static const char *const batch_names[BATCH_STATUS__MAX] = {
	[BATCH_PENDING] = "pending",
	[BATCH_SIGNED] = "signed",
	[BATCH_SUBMITTED] = "submitted",
	[BATCH_MINED] = "mined",
	[BATCH_CONFIRMED] = "confirmed",
	[BATCH_FAILED] = "failed",
};

static const char *const attempt_names[ATTEMPT_STATUS__MAX] = {
	[ATTEMPT_SIGNED] = "signed",
	[ATTEMPT_SENT] = "sent",
	[ATTEMPT_MINED] = "mined",
	[ATTEMPT_REPLACED] = "replaced",
	[ATTEMPT_DROPPED] = "dropped",
};

#define BIT(s)	(1u << (s))

/* change_next[from]: the statuses a change may move to. */
static const unsigned change_next[CHANGE_STATUS__MAX] = {
	/* no wallet yet; cut into a batch; netted to zero within its cut */
	[CHANGE_RECORDED] = BIT(CHANGE_AWAITING_WALLET) | BIT(CHANGE_BATCHED) |
	    BIT(CHANGE_CONFIRMED),
	/* the wallet was bound */
	[CHANGE_AWAITING_WALLET] = BIT(CHANGE_RECORDED),
	/* sent; batch dissolved before sending (settle again); refused by
	 * the pre-flight (onchain_balance_insufficient) */
	[CHANGE_BATCHED] = BIT(CHANGE_SUBMITTED) | BIT(CHANGE_RECORDED) |
	    BIT(CHANGE_FAILED),
	/* confirmed; reverted (settle again, or give up after the retry
	 * limit); its nonce was taken by another transaction (re-sign) */
	[CHANGE_SUBMITTED] = BIT(CHANGE_CONFIRMED) | BIT(CHANGE_RECORDED) |
	    BIT(CHANGE_FAILED) | BIT(CHANGE_BATCHED),
	[CHANGE_CONFIRMED] = 0,
	/* an operator's re-queue */
	[CHANGE_FAILED] = BIT(CHANGE_RECORDED),
};

static const unsigned batch_next[BATCH_STATUS__MAX] = {
	/* nonce taken and first attempt stored; emptied or refused by the
	 * pre-flight */
	[BATCH_PENDING] = BIT(BATCH_SIGNED) | BIT(BATCH_FAILED),
	/* sent; its nonce was used by someone else before it went out */
	[BATCH_SIGNED] = BIT(BATCH_SUBMITTED) | BIT(BATCH_PENDING),
	/* receipt status 1; receipt status 0; nonce taken by another
	 * transaction, none of ours mined (re-sign with a fresh nonce) */
	[BATCH_SUBMITTED] = BIT(BATCH_MINED) | BIT(BATCH_FAILED) | BIT(BATCH_PENDING),
	/* deep enough; its block left the canonical chain */
	[BATCH_MINED] = BIT(BATCH_CONFIRMED) | BIT(BATCH_SUBMITTED),
	[BATCH_CONFIRMED] = 0,
	[BATCH_FAILED] = 0,
};

static const unsigned attempt_next[ATTEMPT_STATUS__MAX] = {
	/* sent; a sibling was mined first (after a crash); nonce lost */
	[ATTEMPT_SIGNED] = BIT(ATTEMPT_SENT) | BIT(ATTEMPT_REPLACED) |
	    BIT(ATTEMPT_DROPPED),
	[ATTEMPT_SENT] = BIT(ATTEMPT_MINED) | BIT(ATTEMPT_REPLACED) |
	    BIT(ATTEMPT_DROPPED),
	/* its block left the canonical chain: a candidate again */
	[ATTEMPT_MINED] = BIT(ATTEMPT_SENT),
	/* the mined sibling left the canonical chain: a candidate again, or
	 * mined itself in the new chain */
	[ATTEMPT_REPLACED] = BIT(ATTEMPT_SENT) | BIT(ATTEMPT_MINED),
	[ATTEMPT_DROPPED] = 0,
};

static bool
status_parse(const char *const names[], size_t n, const char *s, size_t len,
    unsigned *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (names[i] != NULL && strlen(names[i]) == len &&
		    memcmp(names[i], s, len) == 0) {
			*out = (unsigned)i;
			return true;
		}
	}
	return false;
}

static bool
transition_ok(const unsigned next[], unsigned n, unsigned from, unsigned to)
{
	return from < n && to < n && (next[from] & BIT(to)) != 0;
}

const char *
change_status_name(enum change_status s)
{
	return (unsigned)s < ARRAY_LEN(change_names) ? change_names[s] : "?";
}

const char *
batch_status_name(enum batch_status s)
{
	return (unsigned)s < ARRAY_LEN(batch_names) ? batch_names[s] : "?";
}

const char *
attempt_status_name(enum attempt_status s)
{
	return (unsigned)s < ARRAY_LEN(attempt_names) ? attempt_names[s] : "?";
}

bool
change_status_parse(const char *s, size_t len, enum change_status *out)
{
	unsigned v;

	if (!status_parse(change_names, ARRAY_LEN(change_names), s, len, &v))
		return false;
	*out = (enum change_status)v;
	return true;
}

bool
batch_status_parse(const char *s, size_t len, enum batch_status *out)
{
	unsigned v;

	if (!status_parse(batch_names, ARRAY_LEN(batch_names), s, len, &v))
		return false;
	*out = (enum batch_status)v;
	return true;
}

bool
attempt_status_parse(const char *s, size_t len, enum attempt_status *out)
{
	unsigned v;

	if (!status_parse(attempt_names, ARRAY_LEN(attempt_names), s, len, &v))
		return false;
	*out = (enum attempt_status)v;
	return true;
}

bool
change_transition_ok(enum change_status from, enum change_status to)
{
	return transition_ok(change_next, CHANGE_STATUS__MAX, from, to);
}

bool
batch_transition_ok(enum batch_status from, enum batch_status to)
{
	return transition_ok(batch_next, BATCH_STATUS__MAX, from, to);
}

bool
attempt_transition_ok(enum attempt_status from, enum attempt_status to)
{
	return transition_ok(attempt_next, ATTEMPT_STATUS__MAX, from, to);
}

bool
change_status_final(enum change_status s)
{
	return s == CHANGE_CONFIRMED || s == CHANGE_FAILED;
}

bool
batch_status_final(enum batch_status s)
{
	return s == BATCH_CONFIRMED || s == BATCH_FAILED;
}

bool
change_status_pins_wallet(enum change_status s)
{
	return s == CHANGE_BATCHED || s == CHANGE_SUBMITTED || s == CHANGE_CONFIRMED;
}

size_t
change_status_list(bool (*pred)(enum change_status), char *out, size_t cap)
{
	size_t len = 0, n;
	unsigned s;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	for (s = 0; s < CHANGE_STATUS__MAX; s++) {
		if (!pred((enum change_status)s))
			continue;
		n = strlen(change_names[s]);
		if (len + (len > 0) + n + 1 > cap) {
			out[0] = '\0';
			return 0;
		}
		if (len > 0)
			out[len++] = ',';
		memcpy(out + len, change_names[s], n + 1);
		len += n;
	}
	return len;
}

bool
change_status_in_flight(enum change_status s)
{
	return s == CHANGE_RECORDED || s == CHANGE_AWAITING_WALLET ||
	    s == CHANGE_BATCHED || s == CHANGE_SUBMITTED;
}

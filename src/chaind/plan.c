/* plan.c - netting a cut into items and splitting batches (plan.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* A wallet's running net within a cut. */
struct plan_net {
	struct address	 wallet;
	const char	*user_id;
	struct amount	 net;
	bool		 closed;	/* a row of the user was left out */
};

/* The entry of user_id in nets[0..n), or NULL. */
static struct plan_net *
plan_find(struct plan_net *nets, size_t n, const char *user_id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(nets[i].user_id, user_id) == 0)
			return &nets[i];
	return NULL;
}

void
plan_free(struct plan *p)
{
	if (p == NULL)
		return;
	free(p->taken);
	free(p->netted);
	free(p->mints);
	free(p->burns);
	memset(p, 0, sizeof(*p));
}

/* True when a fits a DECIMAL(65,0) column. */
static bool
plan_fits(const u256 *a)
{
	struct amount tmp;

	return amount_set(&tmp, a, false) == 0;
}

int
plan_cut(const struct plan_row *rows, size_t nrows, size_t max_changes, struct plan *out)
{
	struct plan_net *nets = NULL, *n;
	size_t nnets = 0, i, k;
	u256 mint_total, burn_total, sum;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	u256_zero(&mint_total);
	u256_zero(&burn_total);
	if (nrows == 0)
		return 0;
	if ((nets = calloc(nrows, sizeof(*nets))) == NULL ||
	    (out->taken = calloc(nrows, sizeof(*out->taken))) == NULL ||
	    (out->netted = calloc(nrows, sizeof(*out->netted))) == NULL)
		goto out;
	for (i = 0; i < nrows; i++) {
		const struct plan_row *r = &rows[i];
		struct amount next;

		if (r->skip_user || !r->has_wallet)
			continue;
		if ((n = plan_find(nets, nnets, r->user_id)) == NULL) {
			n = &nets[nnets++];
			n->wallet = r->wallet;
			n->user_id = r->user_id;
			amount_zero(&n->net);
		}
		if (n->closed)
			continue;
		if (out->ntaken == max_changes ||
		    amount_add(&next, &n->net, &r->amount) != 0) {
			n->closed = true;
			continue;
		}
		n->net = next;
		out->taken[out->ntaken++] = i;
	}
	/* Items, in first-seen order; the batch totals must fit a column too:
	 * a wallet that would push its batch's total past it is dropped with
	 * all its rows (it is settled by a later cut). */
	if ((out->mints = calloc(nnets + 1, sizeof(*out->mints))) == NULL ||
	    (out->burns = calloc(nnets + 1, sizeof(*out->burns))) == NULL)
		goto out;
	for (k = 0; k < nnets; k++) {
		n = &nets[k];
		if (amount_is_zero(&n->net))
			continue;
		if (u256_add(&sum, n->net.neg ? &burn_total : &mint_total, &n->net.mag) != 0 ||
		    !plan_fits(&sum)) {
			n->closed = true;
			n->user_id = NULL;	/* marks "drop its rows" below */
			continue;
		}
		if (n->net.neg) {
			burn_total = sum;
			out->burns[out->nburns].wallet = n->wallet;
			out->burns[out->nburns++].amount = n->net.mag;
		} else {
			mint_total = sum;
			out->mints[out->nmints].wallet = n->wallet;
			out->mints[out->nmints++].amount = n->net.mag;
		}
	}
	/* Drop the rows of dropped wallets; collect the netted ones. */
	for (i = 0, k = 0; i < out->ntaken; i++) {
		const struct plan_row *r = &rows[out->taken[i]];
		size_t j;

		for (j = 0; j < nnets; j++)
			if (nets[j].user_id != NULL && strcmp(nets[j].user_id, r->user_id) == 0)
				break;
		if (j == nnets)
			continue;	/* its wallet was dropped */
		out->taken[k++] = out->taken[i];
		if (amount_is_zero(&nets[j].net))
			out->netted[out->nnetted++] = out->taken[i];
	}
	out->ntaken = k;
	out->mint_total = mint_total;
	out->burn_total = burn_total;
	rc = 0;
out:
	free(nets);
	if (rc != 0)
		plan_free(out);
	return rc;
}

size_t
plan_split_parts(uint64_t gas, uint64_t max_gas, size_t nitems)
{
	uint64_t parts, den;

	if (nitems <= 1 || max_gas == 0)
		return 1;
	if (gas > UINT64_MAX / 10 || max_gas > UINT64_MAX / 9)
		return nitems;
	/* ceil(gas / (0.9 * max_gas)) = ceil(10 * gas / (9 * max_gas)) */
	den = max_gas * 9u;
	parts = gas * 10u / den + (gas * 10u % den != 0);
	if (parts < 1)
		parts = 1;
	return parts > nitems ? nitems : (size_t)parts;
}

void
plan_split_range(size_t nitems, size_t parts, size_t i, size_t *lo, size_t *hi)
{
	size_t base, extra;

	if (parts == 0)
		parts = 1;
	base = nitems / parts;
	extra = nitems % parts;
	*lo = i * base + (i < extra ? i : extra);
	*hi = *lo + base + (i < extra ? 1 : 0);
}

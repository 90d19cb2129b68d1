/* bisect.c - finding the failing items of a reverting batch (bisect.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bisect.h"

struct bisect_run {
	bisect_sim_fn	 sim;
	void		*arg;
	unsigned	 max_calls;
	size_t		*idx;		/* scratch: the range being simulated */
	struct bisect_result *out;
};

/* Simulates items [lo, hi). */
static enum bisect_sim
bisect_sim_range(struct bisect_run *run, size_t lo, size_t hi)
{
	size_t i;

	if (run->out->calls >= run->max_calls) {
		run->out->incomplete = true;
		return BISECT_SIM_ERROR;
	}
	for (i = lo; i < hi; i++)
		run->idx[i - lo] = i;
	run->out->calls++;
	return run->sim(run->arg, run->idx, hi - lo);
}

/*
 * [lo, hi) reverts (known when known_revert, else simulated first).
 * Returns the number of failing items found below it, or -1 to stop.
 */
static long
bisect_range(struct bisect_run *run, size_t lo, size_t hi, bool known_revert)
{
	enum bisect_sim r;
	long left, right;
	size_t mid;

	if (!known_revert) {
		r = bisect_sim_range(run, lo, hi);
		if (r == BISECT_SIM_ERROR) {
			run->out->incomplete = true;
			return -1;
		}
		if (r == BISECT_SIM_OK)
			return 0;
	}
	if (hi - lo == 1) {
		run->out->failing[run->out->nfailing++] = lo;
		return 1;
	}
	mid = lo + (hi - lo) / 2;
	if ((left = bisect_range(run, lo, mid, false)) < 0 ||
	    (right = bisect_range(run, mid, hi, false)) < 0)
		return -1;
	if (left == 0 && right == 0)
		run->out->unexplained = true;
	return left + right;
}

int
bisect_find(size_t nitems, bisect_sim_fn sim, void *arg, unsigned max_calls,
    struct bisect_result *out)
{
	struct bisect_run run;

	memset(out, 0, sizeof(*out));
	if (nitems == 0)
		return 0;
	memset(&run, 0, sizeof(run));
	run.sim = sim;
	run.arg = arg;
	run.max_calls = max_calls;
	run.out = out;
	if ((run.idx = calloc(nitems, sizeof(*run.idx))) == NULL ||
	    (out->failing = calloc(nitems, sizeof(*out->failing))) == NULL) {
		free(run.idx);
		return -1;
	}
	(void)bisect_range(&run, 0, nitems, true);
	free(run.idx);
	return 0;
}

void
bisect_free(struct bisect_result *out)
{
	if (out == NULL)
		return;
	free(out->failing);
	memset(out, 0, sizeof(*out));
}

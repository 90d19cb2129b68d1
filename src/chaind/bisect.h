/*
 * bisect.h - which items make a batch revert (docs/settlement.md,
 * "Submitting", pre-flight): simulate halves until single failing items
 * are found.  The simulation is the caller's (an eth_call of the batch
 * with only some items); this file only decides what to try.  Pure.
 */
#ifndef CB_CHAIND_BISECT_H
#define CB_CHAIND_BISECT_H

#include <stdbool.h>
#include <stddef.h>

enum bisect_sim {
	BISECT_SIM_OK = 0,	/* the subset would succeed */
	BISECT_SIM_REVERT,	/* the subset reverts */
	BISECT_SIM_ERROR,	/* could not tell (node down): give up for now */
};

/*
 * Simulates the items idx[0..n) (indexes into the batch, ascending) as one
 * call.  Must not be called with n == 0.
 */
typedef enum bisect_sim (*bisect_sim_fn)(void *arg, const size_t *idx, size_t n);

struct bisect_result {
	size_t		*failing;	/* items that revert on their own, ascending */
	size_t		 nfailing;
	bool		 unexplained;	/* a range reverts although each of its
					   halves succeeds alone: no item is to
					   blame, the batch is */
	bool		 incomplete;	/* a simulation failed or max_calls ran out */
	unsigned	 calls;		/* simulations made */
};

/*
 * Finds the failing items of a batch of nitems items that is known to
 * revert as a whole, with at most max_calls simulations (about 2 per
 * failing item per level).  Returns 0 with *out filled (free failing with
 * bisect_free), -1 when memory runs out.
 */
int		 bisect_find(size_t nitems, bisect_sim_fn sim, void *arg, unsigned max_calls,
		    struct bisect_result *out);

/* Frees out->failing and empties out.  NULL-safe. */
void		 bisect_free(struct bisect_result *out);

#endif

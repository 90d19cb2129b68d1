/*
 * settle_stub.c - placeholder for the settlement roles (batcher.c,
 * submitter.c, confirmer.c), being written now; it keeps the daemon
 * linkable meanwhile and settles nothing.
 */
#include "config.h"

#include "chaind.h"

enum cb_err
batcher_step(struct chaind *cd)
{
	(void)cd;
	return CB_OK;
}

enum cb_err
submitter_step(struct chaind *cd)
{
	(void)cd;
	return CB_OK;
}

enum cb_err
confirmer_step(struct chaind *cd)
{
	(void)cd;
	return CB_OK;
}

void
settle_cleanup(struct chaind *cd)
{
	(void)cd;
}

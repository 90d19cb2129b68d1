/*
 * sync_stub.c - placeholder for the chain sync roles (syncer.c,
 * checker.c), being written now; it keeps the daemon linkable meanwhile
 * and syncs nothing.
 */
#include "config.h"

#include "chaind.h"

enum cb_err
syncer_step(struct chaind *cd)
{
	(void)cd;
	return CB_OK;
}

void
syncer_cleanup(struct chaind *cd)
{
	(void)cd;
}

enum cb_err
checker_step(struct chaind *cd)
{
	(void)cd;
	return CB_OK;
}

/*
 * proc.c - per-process protections (proc.h).
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include "core/proc.h"

enum cb_err
proc_no_core_dumps(void)
{
	const struct rlimit none = { 0, 0 };
	enum cb_err rc = CB_OK;

	/* Both, even when the first fails: each closes a way out. */
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		rc = CB_ERR_IO;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		rc = CB_ERR_IO;
	return rc;
}

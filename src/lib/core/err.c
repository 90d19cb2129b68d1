/* err.c - texts for the project's error enum. */
#include "core/err.h"

static const struct {
	const char *code;
	const char *text;
} errs[CB_ERR__MAX] = {
	[CB_OK] =               { "ok", "success" },
	[CB_ERR_NOMEM] =        { "nomem", "out of memory" },
	[CB_ERR_INVALID] =      { "invalid", "invalid input" },
	[CB_ERR_RANGE] =        { "range", "value out of range" },
	[CB_ERR_TOO_LARGE] =    { "too_large", "input exceeds limit" },
	[CB_ERR_IO] =           { "io", "input/output error" },
	[CB_ERR_CONFIG] =       { "config", "configuration error" },
	[CB_ERR_NOT_FOUND] =    { "not_found", "not found" },
	[CB_ERR_CONFLICT] =     { "conflict", "conflict" },
	[CB_ERR_DB] =           { "db", "database error" },
	[CB_ERR_DB_RETRY] =     { "db_retry", "transaction must be retried" },
	[CB_ERR_DB_GONE] =      { "db_gone", "database unavailable" },
	[CB_ERR_CRYPTO] =       { "crypto", "cryptographic operation failed" },
	[CB_ERR_RPC] =          { "rpc", "node returned an error" },
	[CB_ERR_RPC_TRANSPORT] ={ "rpc_transport", "node unreachable" },
	[CB_ERR_PERM] =         { "perm", "permission denied" },
	[CB_ERR_INTERNAL] =     { "internal", "internal error" },
	[CB_ERR_LEASE_LOST] =   { "lease_lost", "lease lost to another process" },
	[CB_ERR_TIMEOUT] =      { "timeout", "deadline passed" },
	[CB_ERR_DB_UNKNOWN] =   { "db_unknown", "transaction outcome unknown" },
};

const char *
cb_strerror(enum cb_err e)
{
	if ((unsigned)e >= CB_ERR__MAX)
		return "unknown error";
	return errs[e].text;
}

const char *
cb_errcode(enum cb_err e)
{
	if ((unsigned)e >= CB_ERR__MAX)
		return "unknown";
	return errs[e].code;
}

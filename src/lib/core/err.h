/*
 * err.h - the project's one error enum.
 *
 * Library functions return an enum cb_err (CB_OK is 0) and never print to a
 * client or exit.  cb_strerror() gives a short human text; cb_errcode() a
 * stable snake_case name fit for logs.
 */
#ifndef CB_ERR_H
#define CB_ERR_H

enum cb_err {
	CB_OK = 0,
	CB_ERR_NOMEM,        /* allocation failed */
	CB_ERR_INVALID,      /* malformed input */
	CB_ERR_RANGE,        /* value out of range / overflow */
	CB_ERR_TOO_LARGE,    /* input exceeds a configured cap */
	CB_ERR_IO,           /* file or socket I/O (errno is set) */
	CB_ERR_CONFIG,       /* bad configuration */
	CB_ERR_NOT_FOUND,    /* no such row / key / object */
	CB_ERR_CONFLICT,     /* unique key or state conflict */
	CB_ERR_DB,           /* database error that a retry will not fix */
	CB_ERR_DB_RETRY,     /* deadlock / lock wait timeout: retry the transaction */
	CB_ERR_DB_GONE,      /* connection to the store lost or unreachable */
	CB_ERR_CRYPTO,       /* signing, recovery or key handling failed */
	CB_ERR_RPC,          /* JSON-RPC error object returned by the node */
	CB_ERR_RPC_TRANSPORT,/* could not talk to the node (after retries) */
	CB_ERR_PERM,         /* permission or mode check failed */
	CB_ERR_INTERNAL,     /* programmer error caught at run time */
	CB_ERR_LEASE_LOST,   /* this process no longer holds the lease it writes under */
	CB_ERR_TIMEOUT,      /* a deadline passed before the work could be done */
	CB_ERR_DB_UNKNOWN,   /* connection lost during COMMIT: outcome unknown */
	CB_ERR__MAX
};

const char *cb_strerror(enum cb_err);
const char *cb_errcode(enum cb_err);

#endif

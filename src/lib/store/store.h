/*
 * store.h - opening the project's store from the [database] section: the
 * one place that turns configuration into connection options, for every
 * binary (API workers, the chain daemon, the admin tool, the bench).
 */
#ifndef CB_STORE_H
#define CB_STORE_H

#include <stddef.h>

#include "core/conf.h"
#include "core/err.h"
#include "store/db.h"

/*
 * Fills out from the [database] section c; lock_wait_s is the session's
 * innodb_lock_wait_timeout in seconds (0 = the server's default).  The
 * strings stay borrowed from c.
 */
void		 store_conf(const struct db_config *c, unsigned lock_wait_s,
		    struct db_conf *out);

/*
 * Connects with the statement table of store/stmts.h.  Returns the handle
 * (close it with db_close) or NULL with *errp and a message (never the
 * password) in errbuf.
 */
struct db	*store_open(const struct db_config *c, unsigned lock_wait_s,
		    enum cb_err *errp, char *errbuf, size_t errlen);

#endif

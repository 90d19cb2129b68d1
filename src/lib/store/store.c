/* store.c - connection options from the configuration. */
#include "config.h"

#include <string.h>

#include "store/stmts.h"
#include "store/store.h"

void
store_conf(const struct db_config *c, unsigned lock_wait_s, struct db_conf *out)
{
	memset(out, 0, sizeof(*out));
	out->host = c->host;
	out->port = c->port;
	out->socket = c->socket;
	out->name = c->name;
	out->user = c->user;
	out->password = c->password;
	out->connect_timeout = c->connect_timeout;
	out->read_timeout = c->read_timeout;
	out->write_timeout = c->write_timeout;
	out->lock_wait_timeout = lock_wait_s;
	out->retries = c->retries;
	out->lock_wait_stmt = ST_SESSION_LOCK_WAIT;
}

struct db *
store_open(const struct db_config *c, unsigned lock_wait_s, enum cb_err *errp,
    char *errbuf, size_t errlen)
{
	struct db_conf dc;

	store_conf(c, lock_wait_s, &dc);
	return db_open(&dc, stmts_sql, ST__MAX, errp, errbuf, errlen);
}

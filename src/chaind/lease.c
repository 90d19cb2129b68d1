/*
 * lease.c - one active daemon per chain: a lease row with an expiry and a
 * fencing token (docs/settlement.md, "One writer per chain").
 *
 * Every time is the store's, so the hosts' clocks never matter.  The
 * holder identity is "host:pid:start:rand"; start is the process's start
 * time in clock ticks, so a recycled PID is never mistaken for a live
 * holder.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "chaind.h"
#include "core/log.h"
#include "core/monotime.h"
#include "store/stmts.h"

#define LEASE_HOST_MAX	64

/* The start time (field 22 of /proc/PID/stat), or false if unreadable. */
static bool
lease_proc_start(pid_t pid, unsigned long long *out)
{
	char path[64], buf[1024], *p;
	size_t n;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: count from the
	 * last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return false;
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL)
		return false;
	return sscanf(p + 1, "%llu", out) == 1;
}

static void
lease_hostname(char *out, size_t cap)
{
	size_t i;

	if (gethostname(out, cap) != 0)
		snprintf(out, cap, "unknown");
	out[cap - 1] = '\0';
	/* ':' separates the holder's fields. */
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == ':' || out[i] < 0x21 || out[i] > 0x7e)
			out[i] = '_';
}

void
lease_init(struct lease *l, uint64_t chain_id, unsigned ttl_s)
{
	char host[LEASE_HOST_MAX];
	unsigned long long start = 0;
	uint32_t r = 0;

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "chain:%" PRIu64, chain_id);
	lease_hostname(host, sizeof(host));
	(void)lease_proc_start(getpid(), &start);
	/* The random part only tells two holders of one PID apart (PID
	 * namespaces); a failed read leaves it 0, which the start time covers. */
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = 0;
	snprintf(l->holder, sizeof(l->holder), "%s:%ld:%llu:%08x", host,
	    (long)getpid(), start, r);
	l->ttl_ms = (uint64_t)ttl_s * 1000u;
}

/*
 * True when holder names a process of this host that no longer runs (a
 * crashed predecessor): its lease may be taken at once instead of after
 * the TTL.
 */
static bool
lease_holder_dead(const char *holder, size_t len)
{
	char host[LEASE_HOST_MAX], text[LEASE_HOLDER_MAX];
	unsigned long long start, now_start;
	long pid;
	char *p, *end;
	size_t hl;

	if (len >= sizeof(text))
		return false;
	memcpy(text, holder, len);
	text[len] = '\0';
	lease_hostname(host, sizeof(host));
	hl = strlen(host);
	if (strncmp(text, host, hl) != 0 || text[hl] != ':')
		return false;
	p = text + hl + 1;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno != 0 || end == p || *end != ':' || pid <= 0)
		return false;
	p = end + 1;
	start = strtoull(p, &end, 10);
	if (end == p || *end != ':')
		return false;
	if (pid == (long)getpid())
		return false;
	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return true;
	/* The PID lives, but is it the same process? */
	return lease_proc_start((pid_t)pid, &now_start) && now_start != start;
}

struct lease_row {
	bool		 found;
	char		 holder[LEASE_HOLDER_MAX];
	size_t		 holder_len;
	uint64_t	 token;
	bool		 expired;
};

static enum cb_err
lease_read(struct db *db, unsigned stmt, const struct lease *l, struct lease_row *out)
{
	struct db_row row;
	uint64_t expired;
	enum cb_err rc;
	int r;

	memset(out, 0, sizeof(*out));
	if ((rc = DB_EXEC(db, stmt, DB_CSTR(l->name))) != CB_OK)
		return rc;
	r = db_fetch(db, stmt, &row);
	if (r == 1) {
		if (row.val[LEASE_COL_HOLDER] == NULL ||
		    row.len[LEASE_COL_HOLDER] >= sizeof(out->holder) ||
		    !db_col_u64(&row, LEASE_COL_TOKEN, &out->token) ||
		    !db_col_u64(&row, LEASE_COL_EXPIRED, &expired)) {
			db_done(db, stmt);
			return CB_ERR_DB;
		}
		out->found = true;
		memcpy(out->holder, row.val[LEASE_COL_HOLDER], row.len[LEASE_COL_HOLDER]);
		out->holder_len = row.len[LEASE_COL_HOLDER];
		out->expired = expired != 0;
	}
	db_done(db, stmt);
	return r < 0 ? CB_ERR_DB : CB_OK;
}

struct lease_take {
	struct lease	*l;
	bool		 taken;
	uint64_t	 old_token;
	bool		 was_dead;
};

/* The takeover transaction: decide again under the row lock. */
static enum cb_err
lease_take_txn(struct db *db, void *arg)
{
	struct lease_take *t = arg;
	struct lease *l = t->l;
	struct lease_row row;
	enum cb_err rc;

	t->taken = false;
	if ((rc = lease_read(db, ST_LEASE_LOCK, l, &row)) != CB_OK)
		return rc;
	if (!row.found) {
		rc = DB_EXEC(db, ST_LEASE_INSERT, DB_CSTR(l->name), DB_CSTR(l->holder),
		    DB_U64(l->ttl_ms));
		if (rc == CB_ERR_CONFLICT)
			return CB_OK;	/* another process was first */
		if (rc != CB_OK)
			return rc;
		t->taken = true;
		t->old_token = 0;
		l->token = 1;
		return CB_OK;
	}
	t->was_dead = !row.expired && lease_holder_dead(row.holder, row.holder_len);
	if (!row.expired && !t->was_dead)
		return CB_OK;
	rc = DB_EXEC(db, ST_LEASE_TAKE, DB_CSTR(l->holder), DB_U64(l->ttl_ms),
	    DB_CSTR(l->name), DB_U64(row.token));
	if (rc != CB_OK)
		return rc;
	if (db_affected(db, ST_LEASE_TAKE) != 1)
		return CB_OK;
	t->taken = true;
	t->old_token = row.token;
	l->token = row.token + 1;
	return CB_OK;
}

static enum cb_err
lease_renew(struct db *db, struct lease *l)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	rc = DB_EXEC(db, ST_LEASE_RENEW, DB_U64(l->ttl_ms), DB_CSTR(l->name),
	    DB_CSTR(l->holder), DB_U64(l->token));
	if (rc != CB_OK)
		return rc;
	if (db_affected(db, ST_LEASE_RENEW) != 1) {
		/* Zero rows: taken over, or renewed twice in one microsecond.
		 * Ask once more. */
		if ((rc = DB_EXEC(db, ST_LEASE_FENCE, DB_CSTR(l->name),
		    DB_CSTR(l->holder), DB_U64(l->token))) != CB_OK)
			return rc;
		r = db_fetch(db, ST_LEASE_FENCE, &row);
		db_done(db, ST_LEASE_FENCE);
		if (r < 0)
			return CB_ERR_DB;
		if (r == 0) {
			l->held = false;
			log_warnx("lease_lost", "lease=%s token=%" PRIu64, l->name, l->token);
			return CB_OK;
		}
	}
	l->renewed_ms = monotime_ms();
	return CB_OK;
}

enum cb_err
lease_tick(struct db *db, struct lease *l)
{
	struct lease_take take = { .l = l };
	struct lease_row row;
	char q[LOG_Q_MAX];
	enum cb_err rc;

	if (l->held) {
		if ((rc = lease_renew(db, l)) != CB_OK)
			l->held = false;
		return rc;
	}
	/* A cheap look first: standbys poll, and must not queue behind the
	 * holder's shared locks. */
	if ((rc = lease_read(db, ST_LEASE_PEEK, l, &row)) != CB_OK)
		return rc;
	if (row.found && !row.expired && !lease_holder_dead(row.holder, row.holder_len))
		return CB_OK;
	if ((rc = db_txn(db, lease_take_txn, &take)) != CB_OK)
		return rc;
	if (!take.taken)
		return CB_OK;
	l->held = true;
	l->renewed_ms = monotime_ms();
	log_info("lease_acquired", "lease=%s token=%" PRIu64 " previous=%s%s", l->name,
	    l->token, row.found ? log_q(q, sizeof(q), row.holder, row.holder_len) : "none",
	    take.was_dead ? " previous_dead=1" : "");
	return CB_OK;
}

enum cb_err
lease_keep(struct db *db, struct lease *l)
{
	if (!l->held)
		return CB_ERR_LEASE_LOST;
	if (monotime_ms() - l->renewed_ms < l->ttl_ms / 3)
		return CB_OK;
	return lease_tick(db, l);
}

enum cb_err
lease_fence(struct db *db, struct lease *l)
{
	struct db_row row;
	enum cb_err rc;
	int r;

	if (!l->held)
		return CB_ERR_LEASE_LOST;
	rc = DB_EXEC(db, ST_LEASE_FENCE, DB_CSTR(l->name), DB_CSTR(l->holder),
	    DB_U64(l->token));
	if (rc != CB_OK)
		return rc;
	r = db_fetch(db, ST_LEASE_FENCE, &row);
	db_done(db, ST_LEASE_FENCE);
	if (r < 0)
		return CB_ERR_DB;
	if (r == 0) {
		l->held = false;
		log_warnx("lease_lost", "lease=%s token=%" PRIu64 " at=fence", l->name,
		    l->token);
		return CB_ERR_LEASE_LOST;
	}
	return CB_OK;
}

void
lease_release(struct db *db, struct lease *l)
{
	if (!l->held)
		return;
	if (DB_EXEC(db, ST_LEASE_RELEASE, DB_CSTR(l->name), DB_CSTR(l->holder),
	    DB_U64(l->token)) == CB_OK)
		log_info("lease_released", "lease=%s token=%" PRIu64, l->name, l->token);
	l->held = false;
}

/*
 * migrate.c - apply the compiled-in migrations in order, once each.
 *
 * Each applied migration is recorded in schema_migrations with the SHA-256
 * of its script.  A database whose record differs from the script (edited
 * after it was applied) or that knows a migration this binary does not
 * (a newer schema) is refused before anything runs.  A named lock keeps
 * two concurrent runs apart.  MySQL commits DDL implicitly, so a script
 * that fails halfway is reported with the statement and line; it is not
 * recorded, and must be fixed by hand before the next run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "admin.h"
#include "core/hex.h"
#include "migrations.h"
#include "store/sqlsplit.h"
#include "store/stmts.h"

#define MIG_MAX	256

struct applied {
	bool	present;
	char	name[128];
	char	checksum[65];
	char	applied_at[32];
};

static const char create_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(128) NOT NULL,"
    " checksum CHAR(64) CHARACTER SET ascii NOT NULL,"
    " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

static void
migrate_checksum(const struct migration *m, char out[65])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, m->len, (const uint8_t *)m->sql);
	sha256_digest(&ctx, sizeof(d), d);
	hex_encode(out, 65, d, sizeof(d), false);
}

static void
copy_col(const struct db_row *row, unsigned col, char *out, size_t cap)
{
	size_t n = row->val[col] ? row->len[col] : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(out, row->val[col], n);
	out[n] = '\0';
}

/* Read schema_migrations into applied[version]; -1 on error or unknown version. */
static int
migrate_read(struct admin *adm, struct applied *applied)
{
	struct db_row row;
	uint64_t v;
	int r, bad = 0;

	if (DB_EXEC0(adm->db, ST_MIG_LIST) != CB_OK) {
		fprintf(stderr, "chainbridge-admin: reading schema_migrations: %s\n",
		    db_error(adm->db));
		return -1;
	}
	while ((r = db_fetch(adm->db, ST_MIG_LIST, &row)) == 1) {
		if (!db_col_u64(&row, MIG_COL_VERSION, &v) || v == 0 || v >= MIG_MAX) {
			fprintf(stderr, "chainbridge-admin: schema_migrations has version %s,"
			    " unknown to this binary (is the database newer?)\n",
			    row.val[MIG_COL_VERSION] ? row.val[MIG_COL_VERSION] : "NULL");
			bad = 1;
			continue;
		}
		applied[v].present = true;
		copy_col(&row, MIG_COL_NAME, applied[v].name, sizeof(applied[v].name));
		copy_col(&row, MIG_COL_CHECKSUM, applied[v].checksum,
		    sizeof(applied[v].checksum));
		copy_col(&row, MIG_COL_APPLIED_AT, applied[v].applied_at,
		    sizeof(applied[v].applied_at));
	}
	db_done(adm->db, ST_MIG_LIST);
	return r < 0 || bad ? -1 : 0;
}

/* Refuse a database whose history does not match this binary's scripts. */
static int
migrate_verify(const struct applied *applied)
{
	char sum[65];
	unsigned i, v;
	int bad = 0;

	for (v = 1; v < MIG_MAX; v++) {
		const struct migration *m = NULL;

		if (!applied[v].present)
			continue;
		for (i = 0; i < migrations_count; i++)
			if (migrations[i].version == v)
				m = &migrations[i];
		if (m == NULL) {
			fprintf(stderr, "chainbridge-admin: migration %03u (%s) is applied but"
			    " unknown to this binary (is the database newer?)\n", v, applied[v].name);
			bad = 1;
			continue;
		}
		migrate_checksum(m, sum);
		if (strcmp(sum, applied[v].checksum) != 0) {
			fprintf(stderr, "chainbridge-admin: migration %03u_%s differs from the one"
			    " applied (checksum %s in the database, %s in this binary); refusing\n",
			    v, m->name, applied[v].checksum, sum);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

static int
migrate_apply(struct admin *adm, const struct migration *m)
{
	struct sqlsplit sp;
	const char *stmt;
	size_t len;
	unsigned line, n = 0;
	char sum[65];
	int r;

	sqlsplit_init(&sp, m->sql, m->len);
	while ((r = sqlsplit_next(&sp, &stmt, &len, &line)) == 1) {
		char *q = strndup(stmt, len);
		enum cb_err rc;

		if (q == NULL)
			return -1;
		rc = db_query_plain(adm->db, q);
		free(q);
		if (rc != CB_OK) {
			fprintf(stderr, "chainbridge-admin: migration %03u_%s, statement at line %u:"
			    " %s (%u)\n", m->version, m->name, line, db_error(adm->db),
			    db_errno(adm->db));
			return -1;
		}
		n++;
	}
	if (r < 0) {
		fprintf(stderr, "chainbridge-admin: migration %03u_%s: unterminated quote or"
		    " comment at line %u\n", m->version, m->name, line);
		return -1;
	}
	migrate_checksum(m, sum);
	if (DB_EXEC(adm->db, ST_MIG_INSERT, DB_U64(m->version), DB_CSTR(m->name),
	    DB_CSTR(sum)) != CB_OK) {
		fprintf(stderr, "chainbridge-admin: recording migration %03u: %s\n",
		    m->version, db_error(adm->db));
		return -1;
	}
	printf("applied %03u_%s (%u statements)\n", m->version, m->name, n);
	return 0;
}

static void
migrate_status(const struct applied *applied)
{
	char sum[65];
	unsigned i;

	printf("%-8s %-24s %-10s %s\n", "VERSION", "NAME", "STATE", "APPLIED");
	for (i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		const struct applied *a = &applied[m->version];
		const char *state = "pending";

		if (a->present) {
			migrate_checksum(m, sum);
			state = strcmp(sum, a->checksum) == 0 ? "applied" : "MISMATCH";
		}
		printf("%03u      %-24s %-10s %s\n", m->version, m->name, state,
		    a->present ? a->applied_at : "-");
	}
}

static bool
migrate_lock(struct admin *adm, unsigned idx)
{
	struct db_row row;
	bool ok;

	if (DB_EXEC0(adm->db, idx) != CB_OK)
		return false;
	ok = db_fetch(adm->db, idx, &row) == 1 && row.val[SCALAR_COL_VALUE] != NULL &&
	    row.val[SCALAR_COL_VALUE][0] == '1';
	db_done(adm->db, idx);
	return ok;
}

static int
cmd_migrate(struct admin *adm)
{
	const char *const *vals = adm->opt;
	struct applied *applied;
	unsigned i;
	int status = 1, pending = 0;

	for (i = 0; i < migrations_count; i++) {
		if (migrations[i].version == 0 || migrations[i].version >= MIG_MAX ||
		    (i > 0 && migrations[i].version <= migrations[i - 1].version)) {
			fprintf(stderr, "chainbridge-admin: migrations out of order in this build\n");
			return 1;
		}
	}
	if (db_query_plain(adm->db, create_table) != CB_OK) {
		fprintf(stderr, "chainbridge-admin: %s\n", db_error(adm->db));
		return 1;
	}
	if (!migrate_lock(adm, ST_MIG_LOCK)) {
		fprintf(stderr, "chainbridge-admin: another migration holds the lock\n");
		return 1;
	}
	if ((applied = calloc(MIG_MAX, sizeof(*applied))) == NULL)
		goto out;
	if (migrate_read(adm, applied) != 0)
		goto out;
	if (vals[0] != NULL) {
		migrate_status(applied);
		status = migrate_verify(applied) == 0 ? 0 : 1;
		goto out;
	}
	if (migrate_verify(applied) != 0)
		goto out;
	for (i = 0; i < migrations_count; i++) {
		if (applied[migrations[i].version].present)
			continue;
		if (migrate_apply(adm, &migrations[i]) != 0)
			goto out;
		pending++;
	}
	if (pending == 0)
		printf("schema is up to date (%u migrations)\n", migrations_count);
	status = 0;
out:
	migrate_lock(adm, ST_MIG_UNLOCK);
	free(applied);
	return status;
}

static const char *const migrate_opts[] = { "status", NULL };

static const struct admin_action migrate_actions[] = {
	{ NULL, migrate_opts, "[--status]" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_migrate = {
	"migrate", "Apply the pending schema migrations, or list them",
	ADMIN_NEEDS_DB, cmd_migrate, migrate_actions,
};

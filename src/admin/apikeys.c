/*
 * apikeys.c - chainbridge-admin apikey create|list|revoke.
 *
 * create prints the key once, alone on stdout (for scripts); only its
 * SHA-256 is stored.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "store/apikey.h"
#include "store/stmts.h"

static bool
name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i]) != NULL))
			return false;
	return true;
}

static int
apikey_create(struct admin *adm, const char *name, const char *scopes_text)
{
	char key[APIKEY_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1], scopes[32];
	uint8_t hash[32];
	enum cb_err rc;
	int scopes_bits;

	if (!name_valid(name))
		return admin_usage_error(adm, "--name: 1..64 of A-Z a-z 0-9 . _ -");
	scopes_bits = apikey_scopes_parse(scopes_text, strlen(scopes_text));
	if (scopes_bits <= 0)
		return admin_usage_error(adm, "--scopes: comma list of read, write, admin");
	apikey_scopes_format((unsigned)scopes_bits, scopes, sizeof(scopes));
	if (apikey_generate(key) != CB_OK || !apikey_parse(key, APIKEY_LEN, prefix)) {
		fprintf(stderr, "chainbridge-admin: cannot generate a key\n");
		return 1;
	}
	apikey_hash(key, APIKEY_LEN, hash);
	rc = DB_EXEC(adm->db, ST_APIKEY_INSERT, DB_CSTR(name), DB_CSTR(prefix),
	    DB_BLOB(hash, sizeof(hash)), DB_CSTR(scopes));
	if (rc != CB_OK) {
		explicit_bzero(key, sizeof(key));
		fprintf(stderr, "chainbridge-admin: apikey create: %s\n",
		    rc == CB_ERR_CONFLICT ? "a key with that name exists" : db_error(adm->db));
		return 1;
	}
	printf("%s\n", key);
	fflush(stdout);
	explicit_bzero(key, sizeof(key));
	fprintf(stderr, "created key '%s' (prefix %s, scopes %s); it is shown only once\n",
	    name, prefix, scopes);
	return 0;
}

static int
apikey_list(struct admin *adm)
{
	struct db_row row;
	int r;

	if (DB_EXEC0(adm->db, ST_APIKEY_LIST) != CB_OK) {
		fprintf(stderr, "chainbridge-admin: apikey list: %s\n", db_error(adm->db));
		return 1;
	}
	printf("%-5s %-24s %-13s %-17s %-21s %s\n", "ID", "NAME", "PREFIX", "SCOPES",
	    "CREATED", "REVOKED");
	while ((r = db_fetch(adm->db, ST_APIKEY_LIST, &row)) == 1)
		printf("%-5s %-24s %-13s %-17s %-21s %s\n", row.val[APIKEY_COL_ID],
		    row.val[APIKEY_COL_NAME], row.val[APIKEY_COL_PREFIX],
		    row.val[APIKEY_COL_SCOPES],
		    row.val[APIKEY_COL_CREATED_AT] ? row.val[APIKEY_COL_CREATED_AT] : "-",
		    row.val[APIKEY_COL_REVOKED_AT] ? row.val[APIKEY_COL_REVOKED_AT] : "-");
	db_done(adm->db, ST_APIKEY_LIST);
	return r < 0 ? 1 : 0;
}

static int
cmd_apikey(struct admin *adm)
{
	const char *action = adm->action->name;
	const char *name = adm->opt[0];

	if (strcmp(action, "list") == 0)
		return apikey_list(adm);
	if (strcmp(action, "create") == 0) {
		if (name == NULL || adm->opt[1] == NULL)
			return admin_usage_error(adm, "apikey create needs --name and --scopes");
		return apikey_create(adm, name, adm->opt[1]);
	}
	/* revoke */
	if (name == NULL)
		return admin_usage_error(adm, "apikey revoke needs --name");
	if (DB_EXEC(adm->db, ST_APIKEY_REVOKE, DB_CSTR(name)) != CB_OK) {
		fprintf(stderr, "chainbridge-admin: apikey revoke: %s\n", db_error(adm->db));
		return 1;
	}
	if (db_affected(adm->db, ST_APIKEY_REVOKE) == 0) {
		fprintf(stderr, "chainbridge-admin: no active key named '%s'\n", name);
		return 1;
	}
	printf("revoked key '%s'\n", name);
	return 0;
}

/* Option indices: --name is 0 in both lists; --scopes is 1 for create. */
static const char *const apikey_create_opts[] = { "name=", "scopes=", NULL };
static const char *const apikey_revoke_opts[] = { "name=", NULL };
static const char *const apikey_no_opts[] = { NULL };

static const struct admin_action apikey_actions[] = {
	{ "create", apikey_create_opts, "--name N --scopes read|write|admin[,...]" },
	{ "list", apikey_no_opts, "" },
	{ "revoke", apikey_revoke_opts, "--name N" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_apikey = {
	"apikey", "Create, list and revoke API keys",
	ADMIN_NEEDS_DB, cmd_apikey, apikey_actions,
};

/*
 * config.c - fuzz target: the INI configuration loader (core/conf.h).
 *
 * Input: the text of a configuration file, loaded by config_load() from
 * an anonymous memory file.  Relative secret paths resolve under a
 * credentials directory holding a valid secret and a few bad ones (too
 * open, empty, a directory), so the secret reader runs too.
 *
 * Properties: a load either gives a configuration or a one-line message
 * that names the file; a loaded configuration honours every documented
 * range; strings are NUL-terminated and free of control characters.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static char fuzz_credentials[256];

/* Writes a file under the credentials directory with mode. */
static void
fuzz_secret_file(const char *name, const char *text, mode_t mode)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_credentials, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) != 0) {
		perror(path);
		abort();
	}
	close(fd);
}

/* Removes the credentials directory at exit. */
static void
fuzz_cleanup(void)
{
	static const char *const names[] = { "db-password", "open-password",
	    "empty" };
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_credentials, names[i]);
		(void)unlink(path);
	}
	snprintf(path, sizeof(path), "%s/dir", fuzz_credentials);
	(void)rmdir(path);
	(void)rmdir(fuzz_credentials);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char path[512];

	(void)argc;
	(void)argv;
	snprintf(fuzz_credentials, sizeof(fuzz_credentials), "%s/cbfuzz.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(fuzz_credentials) == NULL) {
		perror("mkdtemp");
		abort();
	}
	fuzz_secret_file("db-password", "s3cret\n", 0600);
	fuzz_secret_file("open-password", "s3cret\n", 0644);
	fuzz_secret_file("empty", "\n", 0600);
	snprintf(path, sizeof(path), "%s/dir", fuzz_credentials);
	(void)mkdir(path, 0700);
	setenv("CREDENTIALS_DIRECTORY", fuzz_credentials, 1);
	atexit(fuzz_cleanup);
	return 0;
}

static void
fuzz_check_string(const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++)
		FUZZ_CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
}

static void
fuzz_check_config(const struct config *cfg)
{
	const struct api_config *api = &cfg->api;
	size_t i, j;

	fuzz_check_string(cfg->db.host);
	fuzz_check_string(cfg->db.socket);
	FUZZ_CHECK(cfg->db.name != NULL && cfg->db.name[0] != '\0');
	FUZZ_CHECK(cfg->db.user != NULL && cfg->db.user[0] != '\0');
	fuzz_check_string(cfg->db.name);
	fuzz_check_string(cfg->db.user);
	FUZZ_CHECK(cfg->db.port >= 1 && cfg->db.port <= 65535);
	FUZZ_CHECK((cfg->db.password != NULL) == (cfg->db.password_file != NULL));
	if (cfg->db.password != NULL)
		FUZZ_CHECK(cfg->db.password_len > 0 &&
		    strlen(cfg->db.password) == cfg->db.password_len);
	FUZZ_CHECK(api->socket != NULL && api->socket[0] == '/');
	FUZZ_CHECK(api->workers >= 1 && api->workers <= 256);
	FUZZ_CHECK(api->max_body >= 1024 && api->max_body <= 67108864);
	FUZZ_CHECK(api->max_rows >= 1 && api->max_rows <= 100000);
	FUZZ_CHECK(api->max_json_depth >= 2 && api->max_json_depth <= 64);
	FUZZ_CHECK(api->max_metadata >= 2 && api->max_metadata <= 1048576);
	FUZZ_CHECK((unsigned)cfg->log.level < LOG_LEVEL__MAX);
	FUZZ_CHECK((unsigned)cfg->log.format < LOG_FORMAT__MAX);
	FUZZ_CHECK(cfg->nchains <= CONFIG_MAX_CHAINS);
	for (i = 0; i < cfg->nchains; i++) {
		const struct chain_config *ch = &cfg->chains[i];

		FUZZ_CHECK(strlen(ch->name) >= 1 &&
		    strlen(ch->name) <= CONFIG_CHAIN_NAME_MAX);
		FUZZ_CHECK(config_chain(cfg, ch->name) == ch);
		FUZZ_CHECK(ch->chain_id >= 1 &&
		    ch->chain_id <= 9007199254740991ull);
		FUZZ_CHECK(ch->rpc_url != NULL &&
		    (strncmp(ch->rpc_url, "http://", 7) == 0 ||
		    strncmp(ch->rpc_url, "https://", 8) == 0));
		fuzz_check_string(ch->rpc_url);
		fuzz_check_string(ch->key_file);
		FUZZ_CHECK((unsigned)ch->finality < CONFIG_FINALITY__MAX);
		FUZZ_CHECK(strcmp(config_finality_name(ch->finality), "?") != 0);
		FUZZ_CHECK(ch->poll_interval_ms >= 100);
		FUZZ_CHECK(ch->lease_ttl >= 2 && ch->lease_ttl <= 3600);
		FUZZ_CHECK(ch->start_block <= INT64_MAX);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(cfg->chains[j].chain_id != ch->chain_id);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg;
	char err[512];

	memset(err, 'X', sizeof(err));
	cfg = fuzz_config_from_text((const char *)data, size, err, sizeof(err));
	FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (cfg == NULL) {
		FUZZ_CHECK(strncmp(err, "/proc/self/fd/", 14) == 0);
		return 0;
	}
	fuzz_check_config(cfg);
	config_free(cfg);
	return 0;
}

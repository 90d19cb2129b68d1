/* harness.c - shared helpers of the integration tests (see harness.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <mysql.h>

#include "harness.h"

#define HARNESS_VAR_MAX		64
#define HARNESS_VAL_MAX		1024
#define HARNESS_CMDLINE_MAX	8192
#define HARNESS_BODY_MAX	(64u * 1024 * 1024)

struct harness_var {
	char	name[HARNESS_VAR_MAX];
	char	value[HARNESS_VAL_MAX];
};

static struct harness_var	 file_vars[64];
static size_t			 nfile_vars;
static struct harness_env	 env;
static pthread_key_t		 curl_key;
static pthread_once_t		 curl_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t		 db_lock = PTHREAD_MUTEX_INITIALIZER;
static MYSQL			*db_conn;
static char			 db_cmdline[HARNESS_CMDLINE_MAX];
static size_t			 db_cmdline_len;
static unsigned			 key_serial;
static int			 lock_fd = -1;

static _Noreturn void harness_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static _Noreturn void
harness_die(const char *fmt, ...)
{
	va_list ap;

	fputs("harness: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void
harness_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

uint64_t
harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * Reads one value of `export NAME=VALUE` as printed by bash's printf %q:
 * plain words with backslash escapes, or $'...' / '...' quoting.
 */
static void
harness_unquote(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	char quote = 0;

	if (s[0] == '$' && s[1] == '\'') {
		s += 2;
		quote = '\'';
	} else if (s[0] == '\'') {
		s++;
		quote = '\'';
	}
	for (; *s != '\0' && *s != '\n' && o + 1 < cap; s++) {
		if (quote != 0 && *s == quote)
			break;
		if (*s == '\\' && s[1] != '\0')
			s++;
		out[o++] = *s;
	}
	out[o] = '\0';
}

static void
harness_load_file(const char *path)
{
	FILE *f;
	char line[HARNESS_VAR_MAX + HARNESS_VAL_MAX + 16];

	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL &&
	    nfile_vars < sizeof(file_vars) / sizeof(file_vars[0])) {
		const char *p = line, *eq;
		size_t nlen;

		if (strncmp(p, "export ", 7) == 0)
			p += 7;
		if ((eq = strchr(p, '=')) == NULL || eq == p)
			continue;
		nlen = (size_t)(eq - p);
		if (nlen >= HARNESS_VAR_MAX)
			continue;
		memcpy(file_vars[nfile_vars].name, p, nlen);
		file_vars[nfile_vars].name[nlen] = '\0';
		harness_unquote(eq + 1, file_vars[nfile_vars].value,
		    sizeof(file_vars[nfile_vars].value));
		nfile_vars++;
	}
	fclose(f);
}

const char *
harness_getenv(const char *name)
{
	const char *v;
	size_t i;

	if (nfile_vars == 0 && (v = getenv(name)) != NULL && *v != '\0')
		return v;
	for (i = 0; i < nfile_vars; i++)
		if (strcmp(file_vars[i].name, name) == 0)
			return file_vars[i].value[0] != '\0' ?
			    file_vars[i].value : NULL;
	return NULL;
}

const struct harness_env *
harness_env(void)
{
	return &env;
}

static pid_t
harness_pid_var(const char *name)
{
	const char *v = harness_getenv(name);
	char *end;
	long n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0)
		return 0;
	return (pid_t)n;
}

static _Noreturn void
harness_no_stack(const char *why)
{
	const char *req = getenv("CB_REQUIRE_STACK");

	if (req != NULL && strcmp(req, "1") == 0) {
		fprintf(stderr, "harness: CB_REQUIRE_STACK=1 but %s\n", why);
		exit(99);
	}
	fprintf(stderr, "harness: skipping: %s\n", why);
	exit(77);
}

/* MariaDB's PID: the stack's pid file is newer than the environment when
 * an earlier test restarted the server. */
static void
harness_refresh_mariadb_pid(void)
{
	char path[HARNESS_VAL_MAX];
	FILE *f;
	long v;

	if (env.state_dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/pids/mariadb.pid", env.state_dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fscanf(f, "%ld", &v) == 1 && v > 0)
		env.mariadb_pid = (pid_t)v;
	fclose(f);
}

static void
harness_lock(int how)
{
	char path[HARNESS_VAL_MAX];

	if (env.state_dir == NULL)
		harness_die("CHAINBRIDGE_STATE_DIR unset");
	if (lock_fd == -1) {
		snprintf(path, sizeof(path), "%s/tests.lock", env.state_dir);
		lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (lock_fd == -1)
			harness_die("cannot open %s: %s", path, strerror(errno));
	}
	while (flock(lock_fd, how) != 0)
		if (errno != EINTR)
			harness_die("flock: %s", strerror(errno));
}

void
harness_exclusive(void)
{
	harness_lock(LOCK_EX);
}

void
harness_require_stack(void)
{
	const char *src = getenv("CB_SRCDIR");
	struct hresp r;
	char path[HARNESS_VAL_MAX];

	env.srcdir = src;
	if ((getenv("CHAINBRIDGE_URL") == NULL ||
	    *getenv("CHAINBRIDGE_URL") == '\0') && src != NULL) {
		snprintf(path, sizeof(path), "%s/.stack/env", src);
		harness_load_file(path);
	}
	env.url = harness_getenv("CHAINBRIDGE_URL");
	if (env.url == NULL)
		harness_no_stack("no stack (CHAINBRIDGE_URL unset, no .stack/env)");
	env.api_key = harness_getenv("CHAINBRIDGE_API_KEY");
	env.db_socket = harness_getenv("CHAINBRIDGE_DB_SOCKET");
	env.db_name = harness_getenv("CHAINBRIDGE_DB_NAME");
	env.conf = harness_getenv("CHAINBRIDGE_CONF");
	env.state_dir = harness_getenv("CHAINBRIDGE_STATE_DIR");
	env.build_dir = harness_getenv("CHAINBRIDGE_BUILD_DIR");
	env.api_socket = harness_getenv("CHAINBRIDGE_API_SOCKET");
	env.api_pid = harness_pid_var("CHAINBRIDGE_API_PID");
	env.mariadb_pid = harness_pid_var("MARIADB_PID");
	if (env.api_pid == 0 || !harness_pid_alive(env.api_pid))
		harness_no_stack("the stack's chainbridge-api is not running");
	harness_refresh_mariadb_pid();
	harness_lock(LOCK_SH);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		harness_die("curl_global_init failed");
	if (mysql_library_init(0, NULL, NULL) != 0)
		harness_die("mysql_library_init failed");
	if (hget("/healthz", NULL, &r) != 0) {
		hresp_free(&r);
		harness_no_stack("nginx does not answer at CHAINBRIDGE_URL");
	}
	hresp_free(&r);
}

/* ------------------------------------------------------------------ HTTP */

struct harness_sink {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

static size_t
harness_body_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct harness_sink *s = userdata;
	size_t n = size * nmemb;

	if (s->len + n + 1 > HARNESS_BODY_MAX)
		return 0;
	if (s->len + n + 1 > s->cap) {
		size_t ncap = s->cap == 0 ? 4096 : s->cap;
		char *p;

		while (ncap < s->len + n + 1)
			ncap *= 2;
		if ((p = realloc(s->data, ncap)) == NULL)
			return 0;
		s->data = p;
		s->cap = ncap;
	}
	memcpy(s->data + s->len, ptr, n);
	s->len += n;
	s->data[s->len] = '\0';
	return n;
}

static size_t
harness_header_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct hresp *r = userdata;
	size_t n = size * nmemb;

	/* A new status line (after a 100 Continue) starts over. */
	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0)
		r->headers_len = 0;
	if (r->headers_len + n < sizeof(r->headers)) {
		memcpy(r->headers + r->headers_len, ptr, n);
		r->headers_len += n;
		r->headers[r->headers_len] = '\0';
	}
	return n;
}

static void
harness_curl_free(void *p)
{
	curl_easy_cleanup(p);
}

static void
harness_curl_key(void)
{
	if (pthread_key_create(&curl_key, harness_curl_free) != 0)
		harness_die("pthread_key_create failed");
}

static CURL *
harness_curl(void)
{
	CURL *c;

	pthread_once(&curl_once, harness_curl_key);
	if ((c = pthread_getspecific(curl_key)) != NULL) {
		curl_easy_reset(c);
		return c;
	}
	if ((c = curl_easy_init()) == NULL)
		harness_die("curl_easy_init failed");
	pthread_setspecific(curl_key, c);
	return c;
}

int
hreq(const char *method, const char *path, const char *api_key,
    const char *content_type, const char *body, size_t len,
    const char *const extra_headers[], struct hresp *out)
{
	struct curl_slist *hdrs = NULL, *tmp;
	struct harness_sink sink = { NULL, 0, 0 };
	char url[HARNESS_VAL_MAX + 4096], line[512];
	CURL *c;
	CURLcode rc;
	int ret = -1;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (snprintf(url, sizeof(url), "%s%s", env.url, path) >= (int)sizeof(url))
		harness_die("URL too long");
	c = harness_curl();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, harness_body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, harness_header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	/* Send the body at once (no 100-continue round trip). */
	tmp = curl_slist_append(hdrs, "Expect:");
	hdrs = tmp;
	if (api_key != NULL) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", api_key);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (content_type != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		hdrs = curl_slist_append(hdrs, line);
	} else {
		hdrs = curl_slist_append(hdrs, "Content-Type:");
	}
	for (i = 0; extra_headers != NULL && extra_headers[i] != NULL; i++)
		hdrs = curl_slist_append(hdrs, extra_headers[i]);
	if (hdrs == NULL)
		harness_die("curl_slist_append failed");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL) {
		if (len == (size_t)-1)
			len = strlen(body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	} else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	    strcmp(method, "PATCH") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);

	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		fprintf(stderr, "harness: %s %s: %s\n", method, path,
		    curl_easy_strerror(rc));
		free(sink.data);
		sink.data = NULL;
		sink.len = 0;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &out->seconds);
		ret = 0;
	}
	curl_slist_free_all(hdrs);
	if (sink.data == NULL && (sink.data = strdup("")) == NULL)
		harness_die("out of memory");
	out->body = sink.data;
	out->len = sink.len;
	if (out->len > 0) {
		json_tokener *tok = json_tokener_new();

		if (tok == NULL)
			harness_die("out of memory");
		out->json = json_tokener_parse_ex(tok, out->body, (int)out->len);
		if (out->json != NULL &&
		    (size_t)tok->char_offset < out->len) {
			/* Trailing bytes other than whitespace: not one document. */
			size_t k;

			for (k = (size_t)tok->char_offset; k < out->len; k++)
				if (!isspace((unsigned char)out->body[k]))
					break;
			if (k < out->len) {
				json_object_put(out->json);
				out->json = NULL;
			}
		}
		json_tokener_free(tok);
	}
	return ret;
}

int
hget(const char *path, const char *api_key, struct hresp *out)
{
	return hreq("GET", path, api_key, NULL, NULL, 0, NULL, out);
}

int
hpost_json(const char *path, const char *api_key, const char *body,
    struct hresp *out)
{
	return hreq("POST", path, api_key, "application/json", body, (size_t)-1,
	    NULL, out);
}

void
hresp_free(struct hresp *out)
{
	if (out == NULL)
		return;
	free(out->body);
	if (out->json != NULL)
		json_object_put(out->json);
	memset(out, 0, sizeof(*out));
}

bool
hresp_header(const struct hresp *r, const char *name, char *val, size_t cap)
{
	const char *p = r->headers;
	size_t nlen = strlen(name);

	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t llen = eol != NULL ? (size_t)(eol - p) : strlen(p);

		if (llen > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			const char *v = p + nlen + 1;
			size_t vlen = llen - nlen - 1;

			while (vlen > 0 && (*v == ' ' || *v == '\t')) {
				v++;
				vlen--;
			}
			while (vlen > 0 && (v[vlen - 1] == '\r' ||
			    v[vlen - 1] == ' '))
				vlen--;
			if (cap > 0) {
				if (vlen >= cap)
					vlen = cap - 1;
				memcpy(val, v, vlen);
				val[vlen] = '\0';
			}
			return true;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return false;
}

const char *
hresp_str(const struct hresp *r, const char *dotted)
{
	json_object *cur = r->json, *next;
	char part[128];
	const char *p = dotted;

	while (cur != NULL && *p != '\0') {
		const char *dot = strchr(p, '.');
		size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		if (!json_object_is_type(cur, json_type_object) ||
		    !json_object_object_get_ex(cur, part, &next))
			return NULL;
		cur = next;
		p += n;
		if (*p == '.')
			p++;
	}
	if (cur == NULL || !json_object_is_type(cur, json_type_string))
		return NULL;
	return json_object_get_string(cur);
}

const char *
hresp_error_code(const struct hresp *r)
{
	return hresp_str(r, "error.code");
}

/* ---------------------------------------------------------------- store */

static MYSQL *
harness_db(void)
{
	unsigned timeout = 5;

	if (db_conn != NULL) {
		if (mysql_ping(db_conn) == 0)
			return db_conn;
		mysql_close(db_conn);
		db_conn = NULL;
	}
	if (env.db_socket == NULL || env.db_name == NULL)
		harness_die("CHAINBRIDGE_DB_SOCKET / CHAINBRIDGE_DB_NAME unset");
	if ((db_conn = mysql_init(NULL)) == NULL)
		harness_die("mysql_init failed");
	mysql_options(db_conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db_conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(db_conn, NULL, "root", NULL, env.db_name, 0,
	    env.db_socket, 0) == NULL) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", mysql_error(db_conn));
		mysql_close(db_conn);
		db_conn = NULL;
		harness_die("cannot connect to the stack's MariaDB: %s", msg);
	}
	return db_conn;
}

static MYSQL_RES *
harness_query(const char *sql, bool want_result)
{
	MYSQL *m = harness_db();
	MYSQL_RES *res;

	if (mysql_query(m, sql) != 0)
		harness_die("SQL failed: %s: %s", sql, mysql_error(m));
	res = mysql_store_result(m);
	if (want_result && res == NULL)
		harness_die("SQL returned no result set: %s", sql);
	return res;
}

uint64_t
hdb_scalar_u64(const char *sql)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	uint64_t v = 0;
	char *end;

	pthread_mutex_lock(&db_lock);
	res = harness_query(sql, true);
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL) {
		errno = 0;
		v = strtoull(row[0], &end, 10);
		if (errno != 0 || *end != '\0' || row[0][0] == '-')
			harness_die("not an unsigned integer: %s -> %s", sql, row[0]);
	}
	mysql_free_result(res);
	pthread_mutex_unlock(&db_lock);
	return v;
}

bool
hdb_scalar_str(const char *sql, char *out, size_t cap)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool found = false;

	pthread_mutex_lock(&db_lock);
	res = harness_query(sql, true);
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL) {
		snprintf(out, cap, "%s", row[0]);
		found = true;
	}
	mysql_free_result(res);
	pthread_mutex_unlock(&db_lock);
	return found;
}

uint64_t
hdb_exec(const char *sql)
{
	MYSQL_RES *res;
	uint64_t n;

	pthread_mutex_lock(&db_lock);
	res = harness_query(sql, false);
	if (res != NULL)
		mysql_free_result(res);
	n = (uint64_t)mysql_affected_rows(db_conn);
	pthread_mutex_unlock(&db_lock);
	return n;
}

uint64_t
hdb_prepared(const char *sql, const char *const *params, unsigned nparams, char *out,
    size_t cap, bool *found)
{
	MYSQL_BIND in[HDB_MAX_PARAMS], col;
	unsigned long lens[HDB_MAX_PARAMS], len = 0;
	char buf[4096];
	my_bool is_null = 0;
	MYSQL_STMT *st;
	uint64_t affected;
	unsigned i;

	if (nparams > HDB_MAX_PARAMS)
		harness_die("too many SQL parameters: %s", sql);
	if (found != NULL)
		*found = false;
	pthread_mutex_lock(&db_lock);
	if ((st = mysql_stmt_init(harness_db())) == NULL ||
	    mysql_stmt_prepare(st, sql, strlen(sql)) != 0)
		harness_die("SQL prepare failed: %s: %s", sql, mysql_error(db_conn));
	memset(in, 0, sizeof(in));
	for (i = 0; i < nparams; i++) {
		lens[i] = strlen(params[i]);
		in[i].buffer_type = MYSQL_TYPE_STRING;
		in[i].buffer = (void *)(uintptr_t)params[i];
		in[i].buffer_length = lens[i];
		in[i].length = &lens[i];
	}
	if ((nparams > 0 && mysql_stmt_bind_param(st, in) != 0) || mysql_stmt_execute(st) != 0)
		harness_die("SQL failed: %s: %s", sql, mysql_stmt_error(st));
	affected = (uint64_t)mysql_stmt_affected_rows(st);
	if (mysql_stmt_field_count(st) > 0) {
		memset(&col, 0, sizeof(col));
		col.buffer_type = MYSQL_TYPE_STRING;
		col.buffer = buf;
		col.buffer_length = sizeof(buf) - 1;
		col.length = &len;
		col.is_null = &is_null;
		if (mysql_stmt_bind_result(st, &col) != 0 || mysql_stmt_store_result(st) != 0)
			harness_die("SQL result failed: %s: %s", sql, mysql_stmt_error(st));
		i = (unsigned)mysql_stmt_fetch(st);
		if ((i == 0 || i == MYSQL_DATA_TRUNCATED) && !is_null) {
			buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
			if (out != NULL)
				snprintf(out, cap, "%s", buf);
			if (found != NULL)
				*found = true;
		}
		mysql_stmt_free_result(st);
	}
	mysql_stmt_close(st);
	pthread_mutex_unlock(&db_lock);
	return affected;
}

/* ------------------------------------------------------------ API keys */

int
harness_run(const char *const argv[], char *out, size_t cap)
{
	int pipefd[2], status;
	pid_t pid;
	size_t got = 0;

	if (pipe(pipefd) != 0)
		harness_die("pipe: %s", strerror(errno));
	if ((pid = fork()) == -1)
		harness_die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char tmp[512];
		ssize_t n = read(pipefd[0], tmp, sizeof(tmp));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out != NULL && cap > 0) {
			size_t take = (size_t)n;

			if (take > cap - 1 - got)
				take = cap - 1 - got;
			memcpy(out + got, tmp, take);
			got += take;
		}
	}
	close(pipefd[0]);
	if (out != NULL && cap > 0)
		out[got] = '\0';
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			harness_die("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
harness_admin_path(char *path, size_t cap)
{
	if (env.build_dir == NULL || env.conf == NULL)
		harness_die("CHAINBRIDGE_BUILD_DIR / CHAINBRIDGE_CONF unset");
	snprintf(path, cap, "%s/src/admin/chainbridge-admin", env.build_dir);
}

char *
harness_apikey_named(const char *scopes, char *name_out, size_t cap)
{
	char admin[HARNESS_VAL_MAX], name[64], out[512];
	char *key, *end;
	int status;

	harness_admin_path(admin, sizeof(admin));
	snprintf(name, sizeof(name), "test-%ld-%u-%u", (long)getpid(),
	    __atomic_add_fetch(&key_serial, 1, __ATOMIC_SEQ_CST),
	    (unsigned)(harness_now_ms() % 1000000u));
	{
		const char *const argv[] = { admin, "-c", env.conf, "apikey",
		    "create", "--name", name, "--scopes", scopes, NULL };

		status = harness_run(argv, out, sizeof(out));
	}
	if (status != 0)
		harness_die("chainbridge-admin apikey create exited %d", status);
	key = out;
	while (*key != '\0' && isspace((unsigned char)*key))
		key++;
	end = key + strlen(key);
	while (end > key && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*key == '\0' || strchr(key, '\n') != NULL)
		harness_die("apikey create printed no single key");
	if (name_out != NULL)
		snprintf(name_out, cap, "%s", name);
	if ((key = strdup(key)) == NULL)
		harness_die("out of memory");
	return key;
}

char *
harness_apikey(const char *scopes)
{
	return harness_apikey_named(scopes, NULL, 0);
}

void
harness_apikey_revoke(const char *name)
{
	char admin[HARNESS_VAL_MAX];
	int status;

	harness_admin_path(admin, sizeof(admin));
	{
		const char *const argv[] = { admin, "-c", env.conf, "apikey",
		    "revoke", "--name", name, NULL };

		status = harness_run(argv, NULL, 0);
	}
	if (status != 0)
		harness_die("chainbridge-admin apikey revoke exited %d", status);
}

/* --------------------------------------------------------- concurrency */

struct harness_thread {
	pthread_t	 tid;
	unsigned	 index;
	void		(*fn)(unsigned, void *);
	void		*arg;
	pthread_barrier_t *start;
};

static void *
harness_thread_main(void *p)
{
	struct harness_thread *t = p;

	pthread_barrier_wait(t->start);
	t->fn(t->index, t->arg);
	return NULL;
}

int
harness_parallel(unsigned nclients, void (*fn)(unsigned index, void *arg),
    void *arg)
{
	struct harness_thread *th;
	pthread_barrier_t start;
	unsigned i, started = 0;
	int ret = 0;

	if (nclients == 0)
		return 0;
	if ((th = calloc(nclients, sizeof(*th))) == NULL)
		return -1;
	if (pthread_barrier_init(&start, NULL, nclients) != 0) {
		free(th);
		return -1;
	}
	for (i = 0; i < nclients; i++) {
		th[i].index = i;
		th[i].fn = fn;
		th[i].arg = arg;
		th[i].start = &start;
		if (pthread_create(&th[i].tid, NULL, harness_thread_main,
		    &th[i]) != 0)
			harness_die("pthread_create failed for client %u", i);
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(th[i].tid, NULL);
	pthread_barrier_destroy(&start);
	free(th);
	return ret;
}

/* ----------------------------------------------------------- processes */

bool
harness_pid_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	bool alive = false;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ')
		alive = p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return alive;
}

size_t
harness_children(pid_t pid, pid_t *out, size_t cap)
{
	char path[96], buf[4096], *p, *end;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", (long)pid,
	    (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) != NULL) {
		p = buf;
		while (n < cap) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			if (harness_pid_alive((pid_t)v))
				out[n++] = (pid_t)v;
			p = end;
		}
	}
	fclose(f);
	return n;
}

/* The start time of pid (field 22 of /proc/PID/stat), as text. */
static bool
harness_start_time(pid_t pid, char *out, size_t cap)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	FILE *f;
	int field;
	bool ok = false;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL) {
		/* After ") " comes field 3; the start time is field 22. */
		for (field = 3, tok = strtok_r(p + 2, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save), field++) {
			if (field == 22) {
				snprintf(out, cap, "%s", tok);
				ok = true;
				break;
			}
		}
	}
	fclose(f);
	return ok;
}

static void
harness_write_file(const char *path, const char *text)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		harness_die("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

void
harness_db_stop(void)
{
	char path[96];
	uint64_t deadline;
	ssize_t n;
	int fd;

	pthread_mutex_lock(&db_lock);
	if (db_conn != NULL) {
		mysql_close(db_conn);
		db_conn = NULL;
	}
	pthread_mutex_unlock(&db_lock);
	if (env.mariadb_pid == 0 || !harness_pid_alive(env.mariadb_pid))
		harness_die("MARIADB_PID is not a live process");
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)env.mariadb_pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		harness_die("cannot read %s", path);
	n = read(fd, db_cmdline, sizeof(db_cmdline) - 1);
	close(fd);
	if (n <= 0 || (size_t)n >= sizeof(db_cmdline) - 1)
		harness_die("cannot read MariaDB's command line");
	db_cmdline_len = (size_t)n;
	db_cmdline[db_cmdline_len] = '\0';
	if (kill(env.mariadb_pid, SIGTERM) != 0)
		harness_die("kill MariaDB: %s", strerror(errno));
	deadline = harness_now_ms() + 60000;
	while (harness_pid_alive(env.mariadb_pid)) {
		if (harness_now_ms() > deadline)
			harness_die("MariaDB did not stop within 60 s");
		harness_sleep_ms(100);
	}
}

void
harness_db_start(void)
{
	char *argv[64], path[HARNESS_VAL_MAX], log_path[HARNESS_VAL_MAX];
	char text[64], start[64];
	size_t argc = 0, off = 0;
	uint64_t deadline;
	pid_t pid;

	if (db_cmdline_len == 0)
		harness_die("harness_db_start without harness_db_stop");
	while (off < db_cmdline_len && argc + 1 < sizeof(argv) / sizeof(argv[0])) {
		argv[argc++] = db_cmdline + off;
		off += strlen(db_cmdline + off) + 1;
	}
	argv[argc] = NULL;
	snprintf(log_path, sizeof(log_path), "%s/log/mariadb.out",
	    env.state_dir != NULL ? env.state_dir : "/dev/null/x");
	if ((pid = fork()) == -1)
		harness_die("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd;

		setsid();
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		if ((fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT, 0644)) != -1 ||
		    (fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		/* The server is restarted by name through PATH, as the stack does. */
		execvp(argv[0], argv);
		_exit(127);
	}
	env.mariadb_pid = pid;
	if (env.state_dir != NULL) {
		snprintf(text, sizeof(text), "%ld\n", (long)pid);
		snprintf(path, sizeof(path), "%s/pids/mariadb.pid", env.state_dir);
		harness_write_file(path, text);
		if (harness_start_time(pid, start, sizeof(start) - 1)) {
			size_t sl = strlen(start);

			start[sl] = '\n';
			start[sl + 1] = '\0';
			snprintf(path, sizeof(path), "%s/pids/mariadb.start",
			    env.state_dir);
			harness_write_file(path, start);
		}
	}
	deadline = harness_now_ms() + 60000;
	for (;;) {
		MYSQL *m = mysql_init(NULL);
		unsigned timeout = 2;
		bool up;

		if (m == NULL)
			harness_die("mysql_init failed");
		mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
		up = mysql_real_connect(m, NULL, "root", NULL, NULL, 0,
		    env.db_socket, 0) != NULL;
		mysql_close(m);
		if (up)
			break;
		if (!harness_pid_alive(pid))
			harness_die("MariaDB exited at restart (see %s)", log_path);
		if (harness_now_ms() > deadline)
			harness_die("MariaDB did not come back within 60 s");
		harness_sleep_ms(100);
	}
}

/* The stack daemon's command line while stopped (NUL-separated). */
static char	chaind_cmdline[4096];
static size_t	chaind_cmdline_len;

void
harness_chaind_stop(void)
{
	char path[HARNESS_VAL_MAX], text[32], start[64], now[64];
	uint64_t deadline;
	ssize_t n;
	pid_t pid;
	FILE *f;
	int fd;

	if (env.state_dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/pids/chaind.pid", env.state_dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	pid = fgets(text, sizeof(text), f) != NULL ? (pid_t)strtol(text, NULL, 10) : 0;
	fclose(f);
	if (pid <= 0 || !harness_pid_alive(pid))
		return;
	/* The recorded process, not a later one that reuses its PID. */
	snprintf(path, sizeof(path), "%s/pids/chaind.start", env.state_dir);
	if ((f = fopen(path, "r")) != NULL) {
		bool same = fgets(start, sizeof(start), f) != NULL &&
		    harness_start_time(pid, now, sizeof(now)) &&
		    strncmp(start, now, strlen(now)) == 0;

		fclose(f);
		if (!same)
			return;
	}
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		harness_die("cannot read %s", path);
	n = read(fd, chaind_cmdline, sizeof(chaind_cmdline) - 1);
	close(fd);
	if (n <= 0 || (size_t)n >= sizeof(chaind_cmdline) - 1)
		harness_die("cannot read chainbridge-chaind's command line");
	chaind_cmdline_len = (size_t)n;
	chaind_cmdline[chaind_cmdline_len] = '\0';
	if (kill(pid, SIGTERM) != 0)
		harness_die("kill chainbridge-chaind: %s", strerror(errno));
	deadline = harness_now_ms() + 45000;
	while (harness_pid_alive(pid)) {
		if (harness_now_ms() > deadline)
			harness_die("chainbridge-chaind did not stop within 45 s");
		harness_sleep_ms(100);
	}
}

void
harness_chaind_start(void)
{
	char *argv[64], path[HARNESS_VAL_MAX], log_path[HARNESS_VAL_MAX];
	char text[64], start[64];
	size_t argc = 0, off = 0;
	pid_t pid;

	if (chaind_cmdline_len == 0)
		return;
	while (off < chaind_cmdline_len && argc + 1 < sizeof(argv) / sizeof(argv[0])) {
		argv[argc++] = chaind_cmdline + off;
		off += strlen(chaind_cmdline + off) + 1;
	}
	argv[argc] = NULL;
	snprintf(log_path, sizeof(log_path), "%s/log/chaind.log", env.state_dir);
	if ((pid = fork()) == -1)
		harness_die("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd;

		setsid();
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		if ((fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT, 0644)) != -1 ||
		    (fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	snprintf(text, sizeof(text), "%ld\n", (long)pid);
	snprintf(path, sizeof(path), "%s/pids/chaind.pid", env.state_dir);
	harness_write_file(path, text);
	if (harness_start_time(pid, start, sizeof(start) - 1)) {
		size_t sl = strlen(start);

		start[sl] = '\n';
		start[sl + 1] = '\0';
		snprintf(path, sizeof(path), "%s/pids/chaind.start", env.state_dir);
		harness_write_file(path, start);
	}
	chaind_cmdline_len = 0;
	harness_sleep_ms(300);
	if (!harness_pid_alive(pid))
		harness_die("chainbridge-chaind exited at restart (see %s)", log_path);
}

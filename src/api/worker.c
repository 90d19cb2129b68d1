/*
 * worker.c - one chainbridge-api worker: the FastCGI accept loop and the
 * request pipeline every route goes through (worker.h, docs/api.md).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "core/monotime.h"
#include "auth.h"
#include "chainrpc.h"
#include "core/log.h"
#include "ledger.h"
#include "metrics.h"
#include "store/stmts.h"
#include "store/store.h"
#include "worker.h"

/*
 * innodb_lock_wait_timeout of a worker's session, in seconds: a request
 * waiting this long for a row lock gives up (and its transaction is
 * retried by db_txn_until, whose deadline, [api] write_timeout_ms, cuts
 * the waits of later attempts shorter) instead of holding the client for
 * the server's default of 50 s.
 */
#define WORKER_LOCK_WAIT_S	10

/* Set by SIGTERM/SIGINT: finish the request in flight, then exit. */
static volatile sig_atomic_t worker_stopping;
/* The listening descriptor, replaced by /dev/null on a stop request. */
static volatile sig_atomic_t worker_listen_fd = -1;
static int worker_null_fd = -1;

/*
 * A stop request: besides the flag, the listening descriptor of this
 * process (not the shared socket) is replaced by /dev/null, so an accept
 * that is about to start or is restarted fails at once (ENOTSOCK) instead
 * of waiting for one more connection.
 */
static void
worker_on_stop(int sig)
{
	int saved = errno;

	(void)sig;
	worker_stopping = 1;
	if (worker_listen_fd >= 0 && worker_null_fd >= 0)
		dup2(worker_null_fd, worker_listen_fd);
	errno = saved;
}

/*
 * A store whose max_allowed_packet cannot carry what the [api] limits
 * allow is logged at once, naming the fix; the requests that would need
 * more are refused with 413 when they come (ledger.c).
 */
static void
worker_check_store(struct worker *w)
{
	size_t need = ledger_packet_need(&w->cfg->api);
	unsigned long have = db_max_packet(w->db);

	if (have >= need)
		return;
	log_errorx("store_limits", "worker=%u max_allowed_packet=%lu need=%zu"
	    " max_rows=%u max_reason_detail=%zu max_metadata=%zu"
	    " fix=raise_max_allowed_packet_or_lower_these", w->index, have, need,
	    w->cfg->api.max_rows, w->cfg->api.max_reason_detail, w->cfg->api.max_metadata);
}

enum cb_err
worker_db(struct worker *w)
{
	const struct db_config *c = &w->cfg->db;
	char errbuf[256];
	enum cb_err rc;

	if (w->db == NULL) {
		w->db = store_open(c, WORKER_LOCK_WAIT_S, &rc, errbuf,
		    sizeof(errbuf));
		if (w->db == NULL) {
			if (!w->store_down) {
				char q[LOG_Q_MAX];

				log_warnx("store_down", "worker=%u err=%s detail=%s",
				    w->index, cb_errcode(rc),
				    log_q(q, sizeof(q), errbuf, strlen(errbuf)));
				w->store_down = true;
			}
			return CB_ERR_DB_GONE;
		}
		w->db_suspect = false;
		worker_check_store(w);
		if (w->store_down) {
			log_info("store_up", "worker=%u", w->index);
			metrics_add(w->metrics != NULL ?
			    &w->metrics->store_reconnects : NULL, 1);
			w->store_down = false;
		}
		return CB_OK;
	}
	if (w->db_suspect) {
		if ((rc = db_ping(w->db)) != CB_OK) {
			if (!w->store_down) {
				log_warnx("store_down", "worker=%u err=%s db_errno=%u",
				    w->index, cb_errcode(rc), db_errno(w->db));
				w->store_down = true;
			}
			return CB_ERR_DB_GONE;
		}
		w->db_suspect = false;
		if (w->store_down) {
			log_info("store_up", "worker=%u", w->index);
			w->store_down = false;
		}
		metrics_add(w->metrics != NULL ? &w->metrics->store_reconnects :
		    NULL, 1);
	}
	return CB_OK;
}

/* The route not found / not allowed / bad path answers. */
static int
worker_route_error(enum router_result rr, const struct router_match *m,
    struct resp *resp)
{
	switch (rr) {
	case ROUTER_METHOD_NOT_ALLOWED:
		snprintf(resp->allow, sizeof(resp->allow), "%s", m->allow);
		return http_error(resp, 405, "method_not_allowed",
		    "method not allowed on this route", NULL);
	case ROUTER_BAD_PARAM:
		return http_error(resp, 400, "invalid_path_parameter",
		    "a path parameter is malformed", NULL);
	case ROUTER_TOO_LONG:
		return http_error(resp, 414, "uri_too_long", "request path too long",
		    NULL);
	case ROUTER_NOT_FOUND:
	default:
		return http_error(resp, 404, "not_found", "no such route", NULL);
	}
}

/* 400 unknown_query_parameter naming the key. */
static int
worker_query_whitelist_or_reply(const struct req *req, struct resp *resp)
{
	json_object *details;
	size_t i;
	int status;

	for (i = 0; i < req->nquery; i++) {
		if (router_query_allowed(req->route, req->query[i].key))
			continue;
		details = json_object_new_object();
		if (details != NULL)
			json_object_object_add(details, "parameter",
			    json_object_new_string_len(req->query[i].key,
			    (int)req->query[i].key_len));
		status = http_error(resp, 400, "unknown_query_parameter",
		    "unknown query parameter", details);
		json_object_put(details);
		return status;
	}
	return 0;
}

/*
 * Parses CONTENT_LENGTH: absent or empty is 0.  Returns false on
 * anything but decimal digits or a value past SIZE_MAX.
 */
static bool
worker_content_length(const char *s, size_t *out)
{
	size_t v = 0;

	*out = 0;
	if (s == NULL || *s == '\0')
		return true;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (SIZE_MAX - 9) / 10)
			return false;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return true;
}

/*
 * Reads the body of a route that takes one, after checking the content
 * type and the declared length.  Stops at max_body + 1 bytes even if the
 * declared length lies.  Returns 0 with req->body set, or the status of
 * the error it put in resp.
 */
static int
worker_read_body_or_reply(struct worker *w, FCGX_Request *fr, struct req *req,
    struct buf *body, struct resp *resp)
{
	size_t max = w->cfg->api.max_body, declared;
	char chunk[16384];
	json_object *details;
	int status;

	if (!http_content_type_is_json(FCGX_GetParam("CONTENT_TYPE", fr->envp)))
		return http_error(resp, 415, "unsupported_media_type",
		    "Content-Type must be application/json", NULL);
	if (!worker_content_length(FCGX_GetParam("CONTENT_LENGTH", fr->envp),
	    &declared))
		return http_error(resp, 400, "invalid_content_length",
		    "Content-Length is malformed", NULL);
	if (declared > max)
		goto too_large;
	buf_reset(body);
	while (body->len <= max) {
		size_t want = max + 1 - body->len;
		int n;

		if (want > sizeof(chunk))
			want = sizeof(chunk);
		n = FCGX_GetStr(chunk, (int)want, fr->in);
		if (n <= 0)
			break;
		if (buf_append(body, chunk, (size_t)n) != CB_OK)
			return http_internal_error(resp, "read_body", CB_ERR_NOMEM);
	}
	if (body->len > max)
		goto too_large;
	req->body = buf_cstr(body);
	req->body_len = body->len;
	return 0;
too_large:
	details = json_object_new_object();
	if (details != NULL)
		json_object_object_add(details, "max_bytes",
		    json_object_new_uint64(max));
	status = http_error(resp, 413, "payload_too_large",
	    "request body too large", details);
	json_object_put(details);
	return status;
}

/*
 * The pipeline of one request, up to and including the handler.  Returns
 * the final status (also in resp->status).
 */
static int
worker_pipeline(struct worker *w, FCGX_Request *fr, struct req *req,
    struct router_match *m, char *qstore, size_t qcap, struct buf *body,
    struct resp *resp)
{
	const char *uri, *q, *idem;
	enum router_result rr;
	size_t plen;
	int status;

	req->method = http_method_parse(FCGX_GetParam("REQUEST_METHOD", fr->envp));
	uri = FCGX_GetParam("REQUEST_URI", fr->envp);
	if (uri == NULL || uri[0] != '/')
		return http_error(resp, 400, "bad_request", "no request URI", NULL);
	q = strchr(uri, '?');
	plen = q != NULL ? (size_t)(q - uri) : strlen(uri);
	if (plen > HTTP_PATH_MAX)
		return http_error(resp, 414, "uri_too_long", "request path too long",
		    NULL);
	/* qstore holds the raw path (NUL-terminated), then the decoded
	 * query pairs. */
	memcpy(qstore, uri, plen);
	qstore[plen] = '\0';
	req->path = qstore;
	rr = router_match(w->tables, w->ntables, req->method, req->path, plen, m);
	if (rr != ROUTER_MATCH)
		return worker_route_error(rr, m, resp);
	req->route = m->route;
	memcpy(req->params, m->params, sizeof(req->params));
	memcpy(req->param_len, m->param_len, sizeof(req->param_len));

	if (q != NULL && (status = http_parse_query_or_reply(req, q + 1,
	    strlen(q + 1), qstore + plen + 1, qcap - plen - 1, resp)) != 0)
		return status;
	if ((status = worker_query_whitelist_or_reply(req, resp)) != 0)
		return status;

	if (req->route->scope != 0 && (status = auth_check_or_reply(req,
	    FCGX_GetParam("HTTP_AUTHORIZATION", fr->envp), req->route->scope,
	    resp)) != 0)
		return status;

	/* A key check answered from the cache has not touched the store: make
	 * sure the connection the handler gets was checked after an outage. */
	if (req->route->scope != 0 && worker_db(w) != CB_OK)
		return http_store_unavailable(resp);

	if (req->route->takes_body && (status = worker_read_body_or_reply(w, fr,
	    req, body, resp)) != 0)
		return status;

	idem = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", fr->envp);
	if (idem != NULL) {
		if (!http_idempotency_key_valid(idem, strlen(idem)))
			return http_error(resp, 400, "invalid_idempotency_key",
			    "Idempotency-Key must be 1 to 255 printable ASCII characters",
			    NULL);
		req->idempotency_key = idem;
		req->idempotency_key_len = strlen(idem);
	}

	status = req->route->handler(req, resp);
	if (resp->status == 0)
		resp->status = status;
	if (resp->status < 200 || resp->status > 599) {
		log_errorx("handler_bad_status", "route=%s status=%d",
		    req->route->name, resp->status);
		return http_internal_error(resp, req->route->name, CB_ERR_INTERNAL);
	}
	return resp->status;
}

/* Writes the response head and body to the FastCGI stream. */
static void
worker_respond(FCGX_Request *fr, struct resp *resp, struct buf *head)
{
	buf_reset(head);
	if (http_write_head(resp, head) != CB_OK) {
		resp->status = 500;
		return;
	}
	FCGX_PutStr(head->data, (int)head->len, fr->out);
	if (resp->body.len > 0)
		FCGX_PutStr(resp->body.data, (int)resp->body.len, fr->out);
}

/* Serves one accepted request, with metrics and the access log line. */
static void
worker_serve(struct worker *w, FCGX_Request *fr, struct resp *resp,
    struct buf *head, struct buf *body)
{
	/* Raw path + decoded query pairs; see worker_pipeline. */
	static char qstore[HTTP_PATH_MAX + 1 + HTTP_QUERY_MAX +
	    2 * HTTP_QUERY_MAX_PAIRS + 2];
	static struct router_match m;
	struct req req;
	uint64_t start = monotime_us(), dur;
	int status;

	memset(&req, 0, sizeof(req));
	req.w = w;
	req.started_ms = start / 1000u;
	resp_reset(resp);
	status = worker_pipeline(w, fr, &req, &m, qstore, sizeof(qstore), body,
	    resp);
	if (status == 503) {
		w->db_suspect = true;
		metrics_add(w->metrics != NULL ? &w->metrics->store_errors : NULL,
		    1);
	}
	worker_respond(fr, resp, head);
	dur = monotime_us() - start;
	metrics_request(w->metrics, metrics_route_slot(w->tables, w->ntables,
	    req.route), resp->status, dur);
	log_info("request", "method=%s route=%s status=%d duration_ms=%" PRIu64
	    ".%03" PRIu64 " key_id=%" PRIu32 " bytes_in=%zu bytes_out=%zu",
	    http_method_name(req.method),
	    req.route != NULL ? req.route->name : "unmatched", resp->status,
	    dur / 1000u, dur % 1000u, req.api_key_id, req.body_len,
	    resp->body.len);
	w->served++;
}

/* Installs the worker's signal dispositions and returns the set it
 * blocks while a request is served. */
static void
worker_signals(sigset_t *during_request)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* Restarted system calls re-resolve the listening descriptor, which
	 * the handler has replaced: accept fails at once. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = worker_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(during_request);
	sigaddset(during_request, SIGTERM);
	sigaddset(during_request, SIGINT);
}

int
worker_run(struct worker *w)
{
	struct buf head = BUF_INITIALIZER(4096);
	struct buf body;
	struct resp resp;
	FCGX_Request fr;
	sigset_t during_request;
	int rc, status = 0;

	buf_init(&body, w->cfg->api.max_body + 1);
	resp_init(&resp);
	if ((worker_null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("worker_init", "worker=%u what=open_dev_null", w->index);
		return 1;
	}
	worker_listen_fd = w->listen_fd;
	worker_signals(&during_request);
	/* Hold stop requests until the loop can see them. */
	sigprocmask(SIG_BLOCK, &during_request, NULL);
	if (FCGX_InitRequest(&fr, w->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_errorx("worker_init", "worker=%u what=fcgx_init_request",
		    w->index);
		status = 1;
		goto out;
	}
	/* A worker starts even when the store is down; it answers 503 and
	 * connects later. */
	(void)worker_db(w);
	log_info("worker_start", "worker=%u", w->index);

	while (!worker_stopping) {
		sigprocmask(SIG_UNBLOCK, &during_request, NULL);
		if (worker_stopping) {
			sigprocmask(SIG_BLOCK, &during_request, NULL);
			break;
		}
		rc = FCGX_Accept_r(&fr);
		sigprocmask(SIG_BLOCK, &during_request, NULL);
		if (rc < 0) {
			if (worker_stopping)
				break;
			log_warnx("accept_failed", "worker=%u rc=%d", w->index, rc);
			/* Do not spin on a persistent failure. */
			usleep(100000);
			continue;
		}
		worker_serve(w, &fr, &resp, &head, &body);
		FCGX_Finish_r(&fr);
		if (w->max_requests > 0 && w->served >= w->max_requests) {
			log_info("worker_recycle", "worker=%u served=%" PRIu64,
			    w->index, w->served);
			break;
		}
	}
	FCGX_Free(&fr, 0);
	log_info("worker_stop", "worker=%u served=%" PRIu64, w->index, w->served);
out:
	db_close(w->db);
	w->db = NULL;
	chainrpc_cleanup();
	resp_free(&resp);
	buf_free(&head);
	buf_free(&body);
	close(worker_null_fd);
	return status;
}

/*
 * test_rpc.c - unit tests of the JSON-RPC client against an in-test HTTP
 * server on 127.0.0.1 that answers scripted replies.
 *
 * Built a second time with RPC_TEST_LIVE defined: then it only runs calls
 * against the node at $ETH_RPC_URL and exits 77 (skip) when that is unset.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "core/buf.h"
#include "core/hex.h"
#include "eth/address.h"
#include "eth/hash32.h"
#include "eth/revert.h"
#include "eth/rpc.h"
#include "money/u256.h"

#ifndef RPC_TEST_LIVE

/* ---- scripted HTTP server ------------------------------------------- */

/*
 * One scripted reply.  The n-th request gets replies[n] (the last one
 * repeats).  In body, "{{id}}" becomes the id of a single request and
 * "{{idN}}" the id of the N-th request of a batch.
 */
struct mock_reply {
	int		 status;	/* 0: close the connection, no answer */
	const char	*body;
	long		 delay_ms;
	const char	*headers;	/* extra header lines ending in \r\n */
	bool		 no_length;	/* no Content-Length: close after body */
};

#define MOCK_MAX_REQUEST	(4 * 1024 * 1024)

struct mock {
	int			 lfd;
	int			 stop[2];
	uint16_t		 port;
	pthread_t		 thread;
	const struct mock_reply	*replies;
	size_t			 nreplies;
	pthread_mutex_t		 mu;
	size_t			 nreq;		/* requests seen */
	size_t			 nconn;		/* connections accepted */
	char			*last_body;	/* heap copy of the last request body */
	char			*last_head;	/* heap copy of its header block */
	char			 url[64];
};

/* Waits until fd is readable; false when the server is being stopped. */
static bool
mock_wait(struct mock *m, int fd, int timeout_ms)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { m->stop[0], POLLIN, 0 } };

	for (;;) {
		int n = poll(p, 2, timeout_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (p[1].revents & POLLIN))
			return false;
		return true;
	}
}

/* Sleeps ms unless the server is stopped first; false when stopped. */
static bool
mock_sleep(struct mock *m, long ms)
{
	struct pollfd p = { m->stop[0], POLLIN, 0 };

	return poll(&p, 1, (int)ms) == 0;
}

static bool
mock_send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Replaces {{id}} / {{idN}} in tpl by the ids of the request body. */
static char *
mock_expand(const char *tpl, const char *req_body)
{
	struct buf out;
	json_object *req = json_tokener_parse(req_body), *item, *id;
	const char *p = tpl, *q;
	char *res;

	buf_init(&out, 64 * 1024 * 1024);
	while ((q = strstr(p, "{{id")) != NULL) {
		const char *end = strstr(q, "}}");
		long idx = -1;

		ck_assert_ptr_nonnull(end);
		if (end > q + 4)
			idx = strtol(q + 4, NULL, 10);
		ck_assert_int_eq(buf_append(&out, p, (size_t)(q - p)), CB_OK);
		item = idx < 0 ? req : json_object_array_get_idx(req, (size_t)idx);
		ck_assert_ptr_nonnull(item);
		ck_assert(json_object_object_get_ex(item, "id", &id));
		ck_assert_int_eq(buf_puts(&out, json_object_get_string(id)), CB_OK);
		p = end + 2;
	}
	ck_assert_int_eq(buf_puts(&out, p), CB_OK);
	json_object_put(req);
	res = buf_detach(&out, NULL);
	buf_free(&out);
	return res;
}

/* Serves requests on one connection until it closes or a reply says to. */
static void
mock_serve_conn(struct mock *m, int fd)
{
	char *req = malloc(MOCK_MAX_REQUEST + 1);
	size_t have = 0, head_len, body_len, idx;
	const struct mock_reply *r;
	char head[512], *hdr_end, *cl, *body = NULL;

	ck_assert_ptr_nonnull(req);
	for (;;) {
		/* Read the header block, then Content-Length bytes. */
		hdr_end = NULL;
		for (;;) {
			req[have] = '\0';
			if ((hdr_end = strstr(req, "\r\n\r\n")) != NULL)
				break;
			if (have == MOCK_MAX_REQUEST || !mock_wait(m, fd, -1))
				goto out;
			ssize_t n = recv(fd, req + have, MOCK_MAX_REQUEST - have, 0);
			if (n <= 0)
				goto out;
			have += (size_t)n;
		}
		head_len = (size_t)(hdr_end - req) + 4;
		*hdr_end = '\0';
		cl = strcasestr(req, "\r\nContent-Length:");
		body_len = cl != NULL ? strtoul(cl + 17, NULL, 10) : 0;
		*hdr_end = '\r';
		ck_assert_uint_le(head_len + body_len, MOCK_MAX_REQUEST);
		while (have < head_len + body_len) {
			if (!mock_wait(m, fd, -1))
				goto out;
			ssize_t n = recv(fd, req + have, MOCK_MAX_REQUEST - have, 0);
			if (n <= 0)
				goto out;
			have += (size_t)n;
		}

		pthread_mutex_lock(&m->mu);
		idx = m->nreq++;
		free(m->last_body);
		free(m->last_head);
		m->last_body = strndup(req + head_len, body_len);
		m->last_head = strndup(req, head_len);
		pthread_mutex_unlock(&m->mu);
		r = &m->replies[idx < m->nreplies ? idx : m->nreplies - 1];

		body = mock_expand(r->body != NULL ? r->body : "",
		    m->last_body);
		memmove(req, req + head_len + body_len,
		    have - head_len - body_len);
		have -= head_len + body_len;

		if (r->delay_ms > 0 && !mock_sleep(m, r->delay_ms))
			goto out;
		if (r->status == 0)
			goto out;
		if (r->no_length)
			snprintf(head, sizeof(head), "HTTP/1.1 %d Scripted\r\n"
			    "Content-Type: application/json\r\n%s"
			    "Connection: close\r\n\r\n", r->status,
			    r->headers != NULL ? r->headers : "");
		else
			snprintf(head, sizeof(head), "HTTP/1.1 %d Scripted\r\n"
			    "Content-Type: application/json\r\n%s"
			    "Content-Length: %zu\r\n\r\n", r->status,
			    r->headers != NULL ? r->headers : "", strlen(body));
		if (!mock_send_all(fd, head, strlen(head)) ||
		    !mock_send_all(fd, body, strlen(body)) || r->no_length)
			goto out;
		free(body);
		body = NULL;
	}
out:
	free(body);
	free(req);
}

static void *
mock_main(void *arg)
{
	struct mock *m = arg;
	int fd;

	while (mock_wait(m, m->lfd, -1)) {
		if ((fd = accept(m->lfd, NULL, NULL)) < 0)
			continue;
		pthread_mutex_lock(&m->mu);
		m->nconn++;
		pthread_mutex_unlock(&m->mu);
		mock_serve_conn(m, fd);
		close(fd);
	}
	return NULL;
}

static void
mock_start(struct mock *m, const struct mock_reply *replies, size_t n)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	memset(m, 0, sizeof(*m));
	m->replies = replies;
	m->nreplies = n;
	pthread_mutex_init(&m->mu, NULL);
	ck_assert_int_eq(pipe(m->stop), 0);
	m->lfd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(m->lfd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(m->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(m->lfd, 16), 0);
	ck_assert_int_eq(getsockname(m->lfd, (struct sockaddr *)&sa, &sl), 0);
	m->port = ntohs(sa.sin_port);
	snprintf(m->url, sizeof(m->url), "http://127.0.0.1:%u/", m->port);
	ck_assert_int_eq(pthread_create(&m->thread, NULL, mock_main, m), 0);
}

static void
mock_stop(struct mock *m)
{
	ck_assert_int_eq(write(m->stop[1], "x", 1), 1);
	pthread_join(m->thread, NULL);
	close(m->lfd);
	close(m->stop[0]);
	close(m->stop[1]);
	free(m->last_body);
	free(m->last_head);
	pthread_mutex_destroy(&m->mu);
}

static size_t
mock_nreq(struct mock *m)
{
	size_t n;

	pthread_mutex_lock(&m->mu);
	n = m->nreq;
	pthread_mutex_unlock(&m->mu);
	return n;
}

/* Parses the last request body (caller puts). */
static json_object *
mock_last_request(struct mock *m)
{
	json_object *j;

	pthread_mutex_lock(&m->mu);
	j = json_tokener_parse(m->last_body != NULL ? m->last_body : "");
	pthread_mutex_unlock(&m->mu);
	ck_assert_ptr_nonnull(j);
	return j;
}

/* Asserts that the last single request was method with the params whose
 * compact JSON is params_json. */
static void
mock_check_request(struct mock *m, const char *method, const char *params_json)
{
	json_object *j = mock_last_request(m), *v;

	ck_assert(json_object_object_get_ex(j, "jsonrpc", &v));
	ck_assert_str_eq(json_object_get_string(v), "2.0");
	ck_assert(json_object_object_get_ex(j, "id", &v));
	ck_assert(json_object_is_type(v, json_type_int));
	ck_assert(json_object_object_get_ex(j, "method", &v));
	ck_assert_str_eq(json_object_get_string(v), method);
	ck_assert(json_object_object_get_ex(j, "params", &v));
	ck_assert_str_eq(json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    params_json);
	json_object_put(j);
}

/* Asserts that the last request was a batch of n and that its entry i
 * was method with the params whose compact JSON is params_json. */
static void
mock_check_batch(struct mock *m, size_t n, size_t i, const char *method,
    const char *params_json)
{
	json_object *j = mock_last_request(m), *item, *v;

	ck_assert(json_object_is_type(j, json_type_array));
	ck_assert_uint_eq(json_object_array_length(j), n);
	item = json_object_array_get_idx(j, i);
	ck_assert(json_object_object_get_ex(item, "method", &v));
	ck_assert_str_eq(json_object_get_string(v), method);
	ck_assert(json_object_object_get_ex(item, "params", &v));
	ck_assert_str_eq(json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    params_json);
	json_object_put(j);
}

/* A client for the mock with fast retries. */
static struct rpc_client *
mock_client(struct mock *m, const struct rpc_opts *base)
{
	struct rpc_opts o;
	struct rpc_client *c;

	if (base != NULL)
		o = *base;
	else {
		rpc_opts_init(&o);
		o.backoff_base_ms = 1;
		o.timeout_ms = 3000;
	}
	c = rpc_client_new(m->url, &o);
	ck_assert_ptr_nonnull(c);
	return c;
}

static void
hex_to(const char *s, uint8_t *out, size_t n)
{
	ck_assert_int_eq(hex_decode_exact(out, n, s, strlen(s)), 0);
}

static struct hash32
hash_of(const char *s)
{
	struct hash32 h;

	ck_assert_int_eq(hash32_parse(s, strlen(s), &h), CB_OK);
	return h;
}

static struct address
address_of(const char *s)
{
	struct address a;

	ck_assert_int_eq(address_parse(s, strlen(s), &a), ADDRESS_OK);
	return a;
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

#define OK_BODY(result) \
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":" result "}"
#define ERR_BODY(code, msg) \
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"error\":{\"code\":" code \
	",\"message\":\"" msg "\"}}"

/* Realistic values (from an anvil node). */
#define H_BLOCK	"0x42765de46e567c85b07a04bac244da38f1481cfde280145ef52d65adfc4b5173"
#define H_PARENT "0x6e1d5c00e7ab0e45866b0717ae8179ada8bf7570652815031fa0870090835331"
#define H_TX	"0xa23b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff3"
#define A_FROM	"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
#define A_TO	"0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
#define T_TRANSFER "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
#define T_APPROVAL "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"
#define T_FROM	"0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
#define T_TOPIC	"0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
#define BLOOM_ZERO "0x" \
	"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
	"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
	"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
	"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"

#define BLOCK_JSON(number, extra) \
	"{\"hash\":\"" H_BLOCK "\",\"parentHash\":\"" H_PARENT "\"," \
	"\"miner\":\"0x0000000000000000000000000000000000000000\"," \
	"\"logsBloom\":\"" BLOOM_ZERO "\",\"difficulty\":\"0x0\"," \
	"\"number\":\"" number "\",\"gasLimit\":\"0x1c9c380\"," \
	"\"gasUsed\":\"0x5208\",\"timestamp\":\"0x6b0248b4\"," \
	"\"extraData\":\"0x\",\"nonce\":\"0x0000000000000000\"," \
	extra "\"uncles\":[],\"transactions\":[\"" H_TX "\"]}"

/* ---- strict parsing ------------------------------------------------- */

struct quantity_case {
	const char	*s;
	enum cb_err	 rc64;
	uint64_t	 v64;
	enum cb_err	 rc256;
};

static const struct quantity_case quantity_cases[] = {
	{ "0x", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "0x0", CB_OK, 0, CB_OK },
	{ "0x00", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "0x01", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "0x1", CB_OK, 1, CB_OK },
	{ "0x2a", CB_OK, 42, CB_OK },
	{ "0x2A", CB_OK, 42, CB_OK },
	{ "0x400", CB_OK, 1024, CB_OK },
	{ "1", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "42", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "0X1", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "0xg", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "0x1g", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ " 0x1", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "0x1 ", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "-0x1", CB_ERR_INVALID, 0, CB_ERR_INVALID },
	{ "0xffffffffffffffff", CB_OK, UINT64_MAX, CB_OK },
	{ "0x10000000000000000", CB_ERR_RANGE, 0, CB_OK },
	{ "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    CB_ERR_RANGE, 0, CB_OK },
	/* 65 digits */
	{ "0x10000000000000000000000000000000000000000000000000000000000000000",
	    CB_ERR_RANGE, 0, CB_ERR_RANGE },
	{ "0x00000000000000000000000000000000000000000000000000000000000000001",
	    CB_ERR_INVALID, 0, CB_ERR_INVALID },
};

START_TEST(test_parse_quantity)
{
	const struct quantity_case *t = &quantity_cases[_i];
	uint64_t v = 7;
	u256 w, zero;
	enum cb_err rc;

	rc = rpc_parse_quantity_u64(t->s, strlen(t->s), &v);
	ck_assert_msg(rc == t->rc64, "u64 '%s': got %d want %d", t->s, rc,
	    t->rc64);
	if (rc == CB_OK)
		ck_assert_uint_eq(v, t->v64);
	else
		ck_assert_uint_eq(v, 7);	/* untouched on error */
	rc = rpc_parse_quantity_u256(t->s, strlen(t->s), &w);
	ck_assert_msg(rc == t->rc256, "u256 '%s': got %d want %d", t->s, rc,
	    t->rc256);
	if (t->rc64 == CB_OK) {
		u256_from_u64(&zero, t->v64);
		ck_assert_int_eq(u256_cmp(&w, &zero), 0);
	}
}
END_TEST

START_TEST(test_parse_quantity_len)
{
	uint64_t v = 0;

	/* The length bounds the input: "0x12" read as 3 chars is 0x1. */
	ck_assert_int_eq(rpc_parse_quantity_u64("0x12", 3, &v), CB_OK);
	ck_assert_uint_eq(v, 1);
	/* An embedded NUL is not a digit. */
	ck_assert_int_eq(rpc_parse_quantity_u64("0x1\0" "2", 5, &v),
	    CB_ERR_INVALID);
}
END_TEST

struct data_case {
	const char	*s;
	size_t		 max;
	enum cb_err	 rc;
	size_t		 len;
};

static const struct data_case data_cases[] = {
	{ "0x", 8, CB_OK, 0 },
	{ "0x00", 8, CB_OK, 1 },
	{ "0xdeadBEEF", 8, CB_OK, 4 },
	{ "0x0", 8, CB_ERR_INVALID, 0 },
	{ "0xabc", 8, CB_ERR_INVALID, 0 },
	{ "00", 8, CB_ERR_INVALID, 0 },
	{ "", 8, CB_ERR_INVALID, 0 },
	{ "0X00", 8, CB_ERR_INVALID, 0 },
	{ "0xzz", 8, CB_ERR_INVALID, 0 },
	{ "0x0102030405", 4, CB_ERR_TOO_LARGE, 0 },
	{ "0x01020304", 4, CB_OK, 4 },
};

START_TEST(test_parse_data)
{
	const struct data_case *t = &data_cases[_i];
	uint8_t *out = (uint8_t *)"untouched";
	size_t len = 99;
	enum cb_err rc;

	rc = rpc_parse_data(t->s, strlen(t->s), t->max, &out, &len);
	ck_assert_msg(rc == t->rc, "'%s': got %d want %d", t->s, rc, t->rc);
	if (rc == CB_OK) {
		ck_assert_uint_eq(len, t->len);
		if (len == 0)
			ck_assert_ptr_null(out);
		free(out);
	} else {
		ck_assert_uint_eq(len, 99);
		ck_assert_str_eq((char *)out, "untouched");
	}
}
END_TEST

START_TEST(test_parse_fixed)
{
	uint8_t addr[20], hash[32], want[20];

	ck_assert_int_eq(rpc_parse_fixed(A_FROM, strlen(A_FROM), addr, 20), CB_OK);
	hex_to(A_FROM, want, 20);
	ck_assert_mem_eq(addr, want, 20);
	/* Checksummed case is fine. */
	ck_assert_int_eq(rpc_parse_fixed("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
	    42, addr, 20), CB_OK);
	ck_assert_int_eq(rpc_parse_fixed(H_TX, strlen(H_TX), hash, 32), CB_OK);
	/* Wrong lengths, no prefix, bad digit. */
	ck_assert_int_eq(rpc_parse_fixed(A_FROM, strlen(A_FROM) - 2, addr, 20),
	    CB_ERR_INVALID);
	ck_assert_int_eq(rpc_parse_fixed(A_FROM, strlen(A_FROM), hash, 32),
	    CB_ERR_INVALID);
	ck_assert_int_eq(rpc_parse_fixed(H_TX, strlen(H_TX), addr, 20),
	    CB_ERR_INVALID);
	ck_assert_int_eq(rpc_parse_fixed(&A_FROM[2], strlen(A_FROM) - 2, addr, 20),
	    CB_ERR_INVALID);
	ck_assert_int_eq(rpc_parse_fixed("0xg39fd6e51aad88f6f4ce6ab8827279cfffb92266",
	    42, addr, 20), CB_ERR_INVALID);
}
END_TEST

/* ---- error classes -------------------------------------------------- */

struct class_case {
	int64_t			 code;
	const char		*message;
	enum rpc_errclass	 cls;
};

static const struct class_case class_cases[] = {
	/* geth */
	{ -32000, "nonce too low: address 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, tx: 0 state: 4",
	    RPC_ERRCLASS_NONCE_TOO_LOW },
	{ -32000, "already known", RPC_ERRCLASS_ALREADY_KNOWN },
	{ -32000, "known transaction: 9f2c1ea3c2c5b6c74d87b7bfc4e5ccdb1a8ae2f4d0bdb2e0ad9a3a0d0f0e0c0b",
	    RPC_ERRCLASS_ALREADY_KNOWN },
	{ -32000, "replacement transaction underpriced", RPC_ERRCLASS_UNDERPRICED },
	{ -32000, "transaction underpriced: gas tip cap 1, minimum needed 1000000",
	    RPC_ERRCLASS_UNDERPRICED },
	{ -32000, "max fee per gas less than block base fee: address 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, maxFeePerGas: 1, baseFee: 875000000",
	    RPC_ERRCLASS_UNDERPRICED },
	{ -32000, "insufficient funds for gas * price + value: address 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 have 0 want 21000000000000",
	    RPC_ERRCLASS_INSUFFICIENT_FUNDS },
	{ 3, "execution reverted: Ownable: caller is not the owner",
	    RPC_ERRCLASS_REVERTED },
	{ -32000, "exceed maximum block range: 5000", RPC_ERRCLASS_RANGE_LIMIT },
	{ -32000, "exceeds block gas limit", RPC_ERRCLASS_OTHER },
	{ -32000, "intrinsic gas too low", RPC_ERRCLASS_OTHER },
	{ -32601, "the method eth_foo does not exist/is not available",
	    RPC_ERRCLASS_OTHER },
	/* anvil 1.7 */
	{ -32003, "nonce too low", RPC_ERRCLASS_NONCE_TOO_LOW },
	{ -32003, "transaction already imported", RPC_ERRCLASS_ALREADY_KNOWN },
	{ -32003, "replacement transaction underpriced", RPC_ERRCLASS_UNDERPRICED },
	{ -32003, "Insufficient funds for gas * price + value",
	    RPC_ERRCLASS_INSUFFICIENT_FUNDS },
	{ 3, "execution reverted", RPC_ERRCLASS_REVERTED },
	{ 3, "custom error 0x60206000", RPC_ERRCLASS_REVERTED },
	/* reth */
	{ -32602, "query exceeds max block range 100000", RPC_ERRCLASS_RANGE_LIMIT },
	{ -32602, "query exceeds max results 20000, retry with the range 24383075-24383096",
	    RPC_ERRCLASS_RANGE_LIMIT },
	{ -32000, "insufficient gas price to replace existing transaction",
	    RPC_ERRCLASS_UNDERPRICED },
	/* erigon, nethermind, openethereum */
	{ -32000, "INTERNAL_ERROR: existing tx with same hash",
	    RPC_ERRCLASS_ALREADY_KNOWN },
	{ -32010, "AlreadyKnown", RPC_ERRCLASS_ALREADY_KNOWN },
	{ -32010, "OldNonce", RPC_ERRCLASS_NONCE_TOO_LOW },
	{ -32015, "VM execution error.", RPC_ERRCLASS_REVERTED },
	{ -32010, "Transaction nonce is too low. Try incrementing the nonce.",
	    RPC_ERRCLASS_NONCE_TOO_LOW },
	{ -32010, "Transaction with the same hash was already imported.",
	    RPC_ERRCLASS_ALREADY_KNOWN },
	{ -32010, "Transaction gas price is too low. There is another transaction with same nonce in the queue.",
	    RPC_ERRCLASS_UNDERPRICED },
	/* providers */
	{ -32005, "query returned more than 10000 results. Try with this block range [0x10, 0x20].",
	    RPC_ERRCLASS_RANGE_LIMIT },
	{ -32602, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size.",
	    RPC_ERRCLASS_RANGE_LIMIT },
	{ -32000, "block range is too wide (maximum 10)", RPC_ERRCLASS_RANGE_LIMIT },
	{ -32005, "limit exceeded", RPC_ERRCLASS_RANGE_LIMIT },
	{ -32005, "", RPC_ERRCLASS_RANGE_LIMIT },
	{ -32005, "project ID request rate exceeded", RPC_ERRCLASS_OTHER },
	{ -32602, "block range extends beyond current head block", RPC_ERRCLASS_OTHER },
	{ 0, NULL, RPC_ERRCLASS_OTHER },
};

START_TEST(test_classify)
{
	const struct class_case *t = &class_cases[_i];
	enum rpc_errclass got = rpc_errclass_classify(t->code, t->message);

	ck_assert_msg(got == t->cls, "'%s' (%lld): got %s want %s",
	    t->message != NULL ? t->message : "(null)", (long long)t->code,
	    rpc_errclass_name(got), rpc_errclass_name(t->cls));
}
END_TEST

START_TEST(test_class_names)
{
	int i;

	for (i = 0; i < RPC_ERRCLASS__MAX; i++)
		ck_assert_str_ne(rpc_errclass_name((enum rpc_errclass)i), "unknown");
	ck_assert_str_eq(rpc_errclass_name(RPC_ERRCLASS_NONCE_TOO_LOW),
	    "nonce_too_low");
	ck_assert_str_eq(rpc_errclass_name(RPC_ERRCLASS__MAX), "unknown");
}
END_TEST

/* Each class reached end to end, with the bodies nodes really send. */
struct class_e2e_case {
	const char		*body;
	enum rpc_errclass	 cls;
	int64_t			 code;
	const char		*message;
	const char		*data;		/* NULL: no data */
};

static const struct class_e2e_case class_e2e_cases[] = {
	{ ERR_BODY("-32003", "nonce too low"), RPC_ERRCLASS_NONCE_TOO_LOW,
	    -32003, "nonce too low", NULL },
	{ ERR_BODY("-32000", "already known"), RPC_ERRCLASS_ALREADY_KNOWN,
	    -32000, "already known", NULL },
	{ ERR_BODY("-32003", "replacement transaction underpriced"),
	    RPC_ERRCLASS_UNDERPRICED, -32003,
	    "replacement transaction underpriced", NULL },
	{ ERR_BODY("-32003", "Insufficient funds for gas * price + value"),
	    RPC_ERRCLASS_INSUFFICIENT_FUNDS, -32003,
	    "Insufficient funds for gas * price + value", NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"error\":{\"code\":3,"
	    "\"message\":\"execution reverted: not owner\",\"data\":"
	    "\"0x08c379a00000000000000000000000000000000000000000000000000000"
	    "000000000020000000000000000000000000000000000000000000000000000000"
	    "00000000096e6f74206f776e65720000000000000000000000000000000000000000"
	    "000000\"}}", RPC_ERRCLASS_REVERTED, 3, "execution reverted: not owner",
	    "0x08c379a00000000000000000000000000000000000000000000000000000"
	    "000000000020000000000000000000000000000000000000000000000000000000"
	    "00000000096e6f74206f776e65720000000000000000000000000000000000000000"
	    "000000" },
	{ ERR_BODY("-32005", "query returned more than 10000 results"),
	    RPC_ERRCLASS_RANGE_LIMIT, -32005,
	    "query returned more than 10000 results", NULL },
	/* Structured data is kept as compact JSON; control chars are masked. */
	{ "{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"error\":{\"code\":-32602,"
	    "\"message\":\"invalid\\nargument\",\"data\":{\"field\":\"to\"}}}",
	    RPC_ERRCLASS_OTHER, -32602, "invalid?argument", "{\"field\":\"to\"}" },
	/* An error with a null id (the node could not read ours). */
	{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
	    "\"message\":\"parse error\"}}", RPC_ERRCLASS_OTHER, -32700,
	    "parse error", NULL },
};

START_TEST(test_error_class_e2e)
{
	const struct class_e2e_case *t = &class_e2e_cases[_i];
	struct mock_reply replies[] = { { 200, t->body, 0, NULL, false } };
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint8_t raw[3] = { 0x02, 0xf8, 0x6c };
	struct hash32 hash;

	mock_start(&m, replies, 1);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_send_raw_transaction(c, raw, sizeof(raw), &hash,
	    &err), CB_ERR_RPC);
	ck_assert_int_eq(err.errclass, t->cls);
	ck_assert_int_eq(err.code, t->code);
	ck_assert_str_eq(err.message, t->message);
	ck_assert_int_eq(err.has_data, t->data != NULL);
	if (t->data != NULL)
		ck_assert_str_eq(err.data, t->data);
	ck_assert_int_eq(err.attempts, 1);
	ck_assert_uint_eq(mock_nreq(&m), 1);
	mock_check_request(&m, "eth_sendRawTransaction", "[\"0x02f86c\"]");
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_error_truncated)
{
	static char body[16384];
	struct mock_reply replies[] = { { 200, body, 0, NULL, false } };
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint64_t v;
	size_t n;

	/* Message and data far over the struct's fields. */
	n = (size_t)snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":"
	    "{{id}},\"error\":{\"code\":3,\"message\":\"execution reverted: ");
	memset(body + n, 'a', 2000);
	n += 2000;
	n += (size_t)snprintf(body + n, sizeof(body) - n, "\",\"data\":\"0x");
	memset(body + n, 'b', 8000);
	n += 8000;
	snprintf(body + n, sizeof(body) - n, "\"}}");
	mock_start(&m, replies, 1);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_RPC);
	ck_assert_int_eq(err.errclass, RPC_ERRCLASS_REVERTED);
	ck_assert_uint_eq(strlen(err.message), RPC_ERROR_MESSAGE_MAX - 1);
	ck_assert_uint_eq(strlen(err.data), RPC_ERROR_DATA_MAX - 1);
	ck_assert(err.data_truncated);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

/* ---- transport and retries ------------------------------------------ */

START_TEST(test_call_success)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY("\"0x7a69\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x1b4\""), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint64_t v = 0;
	json_object *res = NULL, *params;

	mock_start(&m, replies, 2);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_chain_id(c, &v, &err), CB_OK);
	ck_assert_uint_eq(v, 31337);
	ck_assert_int_eq(err.attempts, 1);
	ck_assert_int_eq(err.http_status, 200);
	mock_check_request(&m, "eth_chainId", "[]");
	pthread_mutex_lock(&m.mu);
	ck_assert_ptr_nonnull(strcasestr(m.last_head,
	    "\r\nContent-Type: application/json\r\n"));
	ck_assert(strncmp(m.last_head, "POST / HTTP/1.1\r\n", 17) == 0);
	pthread_mutex_unlock(&m.mu);

	/* Generic call, params borrowed; the same connection is reused. */
	params = json_object_new_array();
	json_object_array_add(params, json_object_new_string("0xabc"));
	ck_assert_int_eq(rpc_call(c, "eth_getStorageAt", params, &res, NULL),
	    CB_OK);
	ck_assert_str_eq(json_object_get_string(res), "0x1b4");
	mock_check_request(&m, "eth_getStorageAt", "[\"0xabc\"]");
	ck_assert_int_eq(json_object_array_length(params), 1);
	json_object_put(params);
	json_object_put(res);
	ck_assert_uint_eq(m.nconn, 1);
	ck_assert_uint_eq(mock_nreq(&m), 2);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_retry_503)
{
	struct mock_reply replies[] = {
		{ 503, "<html>Service Unavailable</html>", 0, NULL, false },
		{ 503, "", 0, NULL, false },
		{ 200, OK_BODY("\"0x10\""), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint64_t v = 0;

	mock_start(&m, replies, 3);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_OK);
	ck_assert_uint_eq(v, 16);
	ck_assert_uint_eq(mock_nreq(&m), 3);
	ck_assert_int_eq(err.attempts, 3);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_retry_exhausted)
{
	struct mock_reply replies[] = {
		{ 502, "bad gateway", 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error err;
	uint64_t v = 0;
	struct timespec t0;

	rpc_opts_init(&o);
	o.max_retries = 3;
	o.backoff_base_ms = 20;
	mock_start(&m, replies, 1);
	c = mock_client(&m, &o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_RPC_TRANSPORT);
	/* Backoff 20 + 40 + 80 ms. */
	ck_assert_int_ge(elapsed_ms(&t0), 140);
	ck_assert_uint_eq(mock_nreq(&m), 4);
	ck_assert_int_eq(err.attempts, 4);
	ck_assert_int_eq(err.http_status, 502);
	ck_assert_int_eq(err.errclass, RPC_ERRCLASS_NONE);
	ck_assert_ptr_nonnull(strstr(err.message, "502"));
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_retry_429)
{
	struct mock_reply replies[] = {
		{ 429, ERR_BODY("429", "Too Many Requests"), 0,
		    "Retry-After: 0\r\n", false },
		{ 200, OK_BODY("\"0x3b9aca00\""), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	u256 price, want;

	mock_start(&m, replies, 2);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_gas_price(c, &price, &err), CB_OK);
	u256_from_u64(&want, 1000000000);
	ck_assert_int_eq(u256_cmp(&price, &want), 0);
	ck_assert_uint_eq(mock_nreq(&m), 2);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_retry_429_exhausted)
{
	/* A rate limit is never turned into a JSON-RPC error. */
	struct mock_reply replies[] = {
		{ 429, ERR_BODY("-32005", "daily request count exceeded"), 0,
		    NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error err;
	u256 price;

	rpc_opts_init(&o);
	o.max_retries = 1;
	o.backoff_base_ms = 1;
	mock_start(&m, replies, 1);
	c = mock_client(&m, &o);
	ck_assert_int_eq(rpc_eth_gas_price(c, &price, &err), CB_ERR_RPC_TRANSPORT);
	ck_assert_uint_eq(mock_nreq(&m), 2);
	ck_assert_int_eq(err.http_status, 429);
	ck_assert_ptr_nonnull(strstr(err.message, "daily request count"));
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_no_retry_rpc_error)
{
	struct mock_reply replies[] = {
		{ 200, ERR_BODY("-32000", "header not found"), 0, NULL, false },
		{ 200, OK_BODY("\"0x1\""), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint64_t v = 0;

	mock_start(&m, replies, 2);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_RPC);
	ck_assert_str_eq(err.message, "header not found");
	ck_assert_int_eq(err.code, -32000);
	ck_assert_uint_eq(mock_nreq(&m), 1);
	ck_assert_uint_eq(v, 0);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_no_retry_4xx)
{
	struct mock_reply replies[] = {
		{ 404, "not found", 0, NULL, false },
		{ 401, "{\"message\":\"invalid project id\"}", 0, NULL, false },
		{ 400, ERR_BODY("-32602", "invalid argument 0: hex string without 0x prefix"),
		    0, NULL, false },
		{ 200, OK_BODY("\"0x1\""), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint64_t v = 0;

	mock_start(&m, replies, 4);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_RPC_TRANSPORT);
	ck_assert_int_eq(err.http_status, 404);
	ck_assert_int_eq(err.attempts, 1);
	ck_assert_uint_eq(mock_nreq(&m), 1);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_RPC_TRANSPORT);
	ck_assert_int_eq(err.http_status, 401);
	ck_assert_uint_eq(mock_nreq(&m), 2);
	/* A 4xx that carries a JSON-RPC error object is that error. */
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_RPC);
	ck_assert_int_eq(err.code, -32602);
	ck_assert_int_eq(err.http_status, 400);
	ck_assert_uint_eq(mock_nreq(&m), 3);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_retry_reset)
{
	struct mock_reply replies[] = {
		{ 0, NULL, 0, NULL, false },	/* connection closed, no answer */
		{ 200, OK_BODY("\"0x5\""), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint64_t v = 0;

	mock_start(&m, replies, 2);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_OK);
	ck_assert_uint_eq(v, 5);
	ck_assert_uint_eq(mock_nreq(&m), 2);
	ck_assert_int_eq(err.attempts, 2);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_connect_refused)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error err;
	char url[64];
	uint64_t v;
	int fd;

	/* A port that was free a moment ago and has no listener. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", ntohs(sa.sin_port));
	rpc_opts_init(&o);
	o.max_retries = 2;
	o.backoff_base_ms = 1;
	c = rpc_client_new(url, &o);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_RPC_TRANSPORT);
	ck_assert_int_eq(err.attempts, 3);
	ck_assert_int_eq(err.http_status, 0);
	ck_assert_ptr_nonnull(strstr(err.message, "transport"));
	rpc_client_free(c);
}
END_TEST

START_TEST(test_timeout)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY("\"0x1\""), 1500, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error err;
	uint64_t v = 0;
	struct timespec t0;
	long ms;

	rpc_opts_init(&o);
	o.timeout_ms = 200;
	o.max_retries = 1;
	o.backoff_base_ms = 1;
	mock_start(&m, replies, 1);
	c = mock_client(&m, &o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_RPC_TRANSPORT);
	ms = elapsed_ms(&t0);
	ck_assert_int_ge(ms, 400);
	ck_assert_int_lt(ms, 1400);
	ck_assert_int_eq(err.attempts, 2);
	ck_assert_ptr_nonnull(strcasestr(err.message, "timed out"));
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_too_large)
{
	static char big[8192];
	struct mock_reply replies[] = {
		{ 200, big, 0, NULL, false },	/* Content-Length over the cap */
		{ 200, big, 0, NULL, true },	/* caught while streaming */
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error err;
	uint64_t v = 0;
	size_t n;

	n = (size_t)snprintf(big, sizeof(big),
	    "{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":\"0x1\",\"pad\":\"");
	memset(big + n, 'x', 6000);
	snprintf(big + n + 6000, sizeof(big) - n - 6000, "\"}");
	rpc_opts_init(&o);
	o.max_response_bytes = 1024;
	o.backoff_base_ms = 1;
	mock_start(&m, replies, 2);
	c = mock_client(&m, &o);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_TOO_LARGE);
	ck_assert_uint_eq(mock_nreq(&m), 1);
	ck_assert_int_eq(rpc_eth_block_number(c, &v, &err), CB_ERR_TOO_LARGE);
	ck_assert_uint_eq(mock_nreq(&m), 2);
	ck_assert_int_eq(err.attempts, 1);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

static const char *const malformed_bodies[] = {
	"{not json",
	"",
	"[1,2",
	"null",
	"\"0x1\"",
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":\"0x1\"} trailing",
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":\"0x1\",}",
	"{'jsonrpc':'2.0','id':{{id}},'result':'0x1'}",
	"{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":\"0x1\"}",
	"{\"jsonrpc\":\"2.0\",\"result\":\"0x1\"}",
	"{\"jsonrpc\":\"2.0\",\"id\":\"{{id}}\",\"result\":\"0x1\"}",
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}}}",
	"{\"jsonrpc\":\"1.0\",\"id\":{{id}},\"result\":\"0x1\"}",
	"[{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":\"0x1\"}]",
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":1}",
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":\"0x01\"}",
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":null}",
	"{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"result\":\"0x1\",\"x\":"
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
};

START_TEST(test_malformed)
{
	struct mock_reply replies[] = {
		{ 200, malformed_bodies[_i], 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint64_t v = 0;
	enum cb_err rc, want;

	mock_start(&m, replies, 1);
	c = mock_client(&m, NULL);
	rc = rpc_eth_block_number(c, &v, &err);
	/* A null block number is "not found"; everything else is malformed. */
	want = strstr(malformed_bodies[_i], "\"result\":null") != NULL ?
	    CB_ERR_NOT_FOUND : CB_ERR_INVALID;
	ck_assert_msg(rc == want, "body %zu: got %d want %d (%s)", (size_t)_i,
	    rc, want, err.message);
	ck_assert_uint_eq(mock_nreq(&m), 1);
	ck_assert_str_ne(err.message, "");
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_client_new)
{
	struct rpc_opts o;

	ck_assert_ptr_null(rpc_client_new(NULL, NULL));
	ck_assert_ptr_null(rpc_client_new("", NULL));
	ck_assert_ptr_null(rpc_client_new("ftp://127.0.0.1/", NULL));
	ck_assert_ptr_null(rpc_client_new("127.0.0.1:8545", NULL));
	rpc_opts_init(&o);
	o.timeout_ms = 0;
	ck_assert_ptr_null(rpc_client_new("http://127.0.0.1:8545", &o));
	rpc_opts_init(&o);
	o.max_response_bytes = 0;
	ck_assert_ptr_null(rpc_client_new("http://127.0.0.1:8545", &o));
	rpc_opts_init(&o);
	o.max_batch = 0;
	ck_assert_ptr_null(rpc_client_new("http://127.0.0.1:8545", &o));
	rpc_client_free(NULL);
	rpc_batch_free(NULL);
	rpc_block_clear(NULL);
	rpc_receipt_clear(NULL);
	rpc_tx_clear(NULL);
	rpc_log_list_clear(NULL);
	rpc_fee_history_clear(NULL);
	{
		struct rpc_client *c = rpc_client_new("HTTPS://node.example/v3/key", NULL);

		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(rpc_client_opts(c)->max_retries, 3);
		ck_assert_uint_eq(rpc_client_opts(c)->max_response_bytes,
		    16 * 1024 * 1024);
		rpc_client_free(c);
	}
}
END_TEST

/* ---- batches -------------------------------------------------------- */

START_TEST(test_batch_out_of_order)
{
	struct mock_reply replies[] = {
		{ 200, "[{\"jsonrpc\":\"2.0\",\"id\":{{id2}},\"result\":\"0x3b9aca00\"},"
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id0}},\"result\":\"0x7a69\"},"
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id1}},\"result\":\"0x10\"}]",
		    0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_batch *b;
	struct rpc_error err;
	json_object *res, *req, *item, *id;
	size_t i, idx;
	int64_t ids[3];

	mock_start(&m, replies, 1);
	c = mock_client(&m, NULL);
	b = rpc_batch_new();
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(rpc_batch_add(b, "eth_chainId", NULL, &idx), CB_OK);
	ck_assert_uint_eq(idx, 0);
	ck_assert_int_eq(rpc_batch_add(b, "eth_blockNumber", NULL, &idx), CB_OK);
	ck_assert_int_eq(rpc_batch_add(b, "eth_gasPrice", NULL, &idx), CB_OK);
	ck_assert_uint_eq(idx, 2);
	ck_assert_uint_eq(rpc_batch_count(b), 3);
	/* Not sent yet. */
	ck_assert_int_eq(rpc_batch_result(b, 0, &res, &err), CB_ERR_INTERNAL);
	ck_assert_int_eq(rpc_batch_send(c, b, &err), CB_OK);
	ck_assert_int_eq(rpc_batch_result(b, 0, &res, &err), CB_OK);
	ck_assert_str_eq(json_object_get_string(res), "0x7a69");
	ck_assert_int_eq(rpc_batch_result(b, 1, &res, &err), CB_OK);
	ck_assert_str_eq(json_object_get_string(res), "0x10");
	ck_assert_int_eq(rpc_batch_result(b, 2, &res, &err), CB_OK);
	ck_assert_str_eq(json_object_get_string(res), "0x3b9aca00");
	ck_assert_int_eq(rpc_batch_result(b, 3, &res, &err), CB_ERR_INTERNAL);
	ck_assert_uint_eq(mock_nreq(&m), 1);

	/* One HTTP request carrying an array with distinct ids. */
	req = mock_last_request(&m);
	ck_assert(json_object_is_type(req, json_type_array));
	ck_assert_uint_eq(json_object_array_length(req), 3);
	for (i = 0; i < 3; i++) {
		item = json_object_array_get_idx(req, i);
		ck_assert(json_object_object_get_ex(item, "id", &id));
		ids[i] = json_object_get_int64(id);
	}
	ck_assert(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
	json_object_put(req);
	rpc_batch_free(b);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_batch_missing_and_errors)
{
	struct mock_reply replies[] = {
		/* Entry 1 is missing, entry 2 is an error, an unknown id and a
		 * non-object are ignored, entry 3 is answered twice. */
		{ 200, "[{\"jsonrpc\":\"2.0\",\"id\":{{id0}},\"result\":\"0x1\"},"
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id2}},\"error\":{\"code\":-32000,"
		    "\"message\":\"nonce too low\"}},"
		    "{\"jsonrpc\":\"2.0\",\"id\":123456789,\"result\":\"0x9\"},"
		    "17,"
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id3}},\"result\":\"0x3\"},"
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id3}},\"result\":\"0x4\"}]",
		    0, NULL, false },
		/* The whole batch refused. */
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
		    "\"message\":\"batch too large\"}}", 0, NULL, false },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}",
		    0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_batch *b;
	struct rpc_error err;
	json_object *res;
	size_t i;

	mock_start(&m, replies, 3);
	c = mock_client(&m, NULL);
	b = rpc_batch_new();
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(rpc_batch_add(b, "eth_blockNumber", NULL, NULL),
		    CB_OK);
	ck_assert_int_eq(rpc_batch_send(c, b, &err), CB_OK);
	ck_assert_int_eq(rpc_batch_result(b, 0, &res, &err), CB_OK);
	ck_assert_str_eq(json_object_get_string(res), "0x1");
	ck_assert_int_eq(rpc_batch_result(b, 1, &res, &err), CB_ERR_INVALID);
	ck_assert_ptr_null(res);
	ck_assert_str_eq(err.message, "no response for this request");
	ck_assert_int_eq(rpc_batch_result(b, 2, &res, &err), CB_ERR_RPC);
	ck_assert_int_eq(err.errclass, RPC_ERRCLASS_NONCE_TOO_LOW);
	ck_assert_int_eq(rpc_batch_result(b, 3, &res, &err), CB_ERR_INVALID);

	/* Resent: refused as a whole. */
	ck_assert_int_eq(rpc_batch_send(c, b, &err), CB_ERR_RPC);
	ck_assert_str_eq(err.message, "batch too large");
	ck_assert_int_eq(rpc_batch_result(b, 0, &res, &err), CB_ERR_RPC);
	ck_assert_int_eq(err.code, -32600);

	/* A single object that is no error is malformed. */
	ck_assert_int_eq(rpc_batch_send(c, b, &err), CB_ERR_INVALID);
	ck_assert_int_eq(rpc_batch_result(b, 0, &res, &err), CB_ERR_INTERNAL);
	ck_assert_uint_eq(mock_nreq(&m), 3);
	rpc_batch_free(b);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_batch_limits)
{
	struct mock_reply replies[] = { { 200, "[]", 0, NULL, false } };
	struct mock m;
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_batch *b;
	struct rpc_error err;
	json_object *obj = json_object_new_object();

	rpc_opts_init(&o);
	o.max_batch = 2;
	mock_start(&m, replies, 1);
	c = mock_client(&m, &o);
	b = rpc_batch_new();
	ck_assert_int_eq(rpc_batch_send(c, b, &err), CB_ERR_TOO_LARGE);
	ck_assert_int_eq(rpc_batch_add(b, "", NULL, NULL), CB_ERR_INVALID);
	ck_assert_int_eq(rpc_batch_add(b, "eth_call", obj, NULL), CB_ERR_INVALID);
	ck_assert_int_eq(rpc_batch_add(b, "a", NULL, NULL), CB_OK);
	ck_assert_int_eq(rpc_batch_add(b, "b", NULL, NULL), CB_OK);
	ck_assert_int_eq(rpc_batch_add(b, "c", NULL, NULL), CB_OK);
	ck_assert_int_eq(rpc_batch_send(c, b, &err), CB_ERR_TOO_LARGE);
	ck_assert_uint_eq(mock_nreq(&m), 0);
	json_object_put(obj);
	rpc_batch_free(b);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_blocks_batch)
{
	struct mock_reply replies[] = {
		{ 200, "[{\"jsonrpc\":\"2.0\",\"id\":{{id2}},\"result\":null},"
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id1}},\"result\":"
		    BLOCK_JSON("0x2", "") "},"
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id0}},\"result\":"
		    BLOCK_JSON("0x1", "\"baseFeePerGas\":\"0x3b9aca00\",") "},"
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id3}},\"error\":{\"code\":-32000,"
		    "\"message\":\"header not found\"}}]", 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	uint64_t numbers[5] = { 1, 3, 9, 4, 5 };
	struct rpc_block blocks[5];
	enum cb_err st[5];
	json_object *req, *p;
	size_t i;

	mock_start(&m, replies, 1);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_get_blocks_by_number(c, numbers, 5, blocks, st,
	    &err), CB_OK);
	ck_assert_int_eq(st[0], CB_OK);
	ck_assert_uint_eq(blocks[0].number, 1);
	ck_assert(blocks[0].has_base_fee);
	ck_assert_uint_eq(blocks[0].tx_count, 1);
	/* Asked for 3, got block 2: refused. */
	ck_assert_int_eq(st[1], CB_ERR_INVALID);
	ck_assert_ptr_null(blocks[1].tx_hashes);
	ck_assert_int_eq(st[2], CB_ERR_NOT_FOUND);
	ck_assert_int_eq(st[3], CB_ERR_RPC);
	ck_assert_str_eq(err.message, "header not found");
	ck_assert_int_eq(st[4], CB_ERR_INVALID);
	req = mock_last_request(&m);
	ck_assert_uint_eq(json_object_array_length(req), 5);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(req, 2),
	    "params", &p));
	ck_assert_str_eq(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN),
	    "[\"0x9\",false]");
	json_object_put(req);
	for (i = 0; i < 5; i++)
		rpc_block_clear(&blocks[i]);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

/* ---- typed helpers -------------------------------------------------- */

START_TEST(test_block_by_number)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY(BLOCK_JSON("0x1", "\"baseFeePerGas\":\"0x3b9aca00\",")),
		    0, NULL, false },
		{ 200, OK_BODY(BLOCK_JSON("0x1", "")), 0, NULL, false },
		{ 200, OK_BODY("null"), 0, NULL, false },
		{ 200, OK_BODY(BLOCK_JSON("0x1", "")), 0, NULL, false },
		{ 200, OK_BODY("{\"hash\":\"" H_BLOCK "\"}"), 0, NULL, false },
		{ 200, OK_BODY(BLOCK_JSON("0x01", "")), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_block b;
	struct hash32 want;
	u256 fee;

	mock_start(&m, replies, 6);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, &b, &err), CB_OK);
	mock_check_request(&m, "eth_getBlockByNumber", "[\"latest\",false]");
	ck_assert_uint_eq(b.number, 1);
	want = hash_of(H_BLOCK);
	ck_assert(hash32_eq(&b.hash, &want));
	want = hash_of(H_PARENT);
	ck_assert(hash32_eq(&b.parent_hash, &want));
	ck_assert_uint_eq(b.timestamp, 0x6b0248b4);
	ck_assert_uint_eq(b.gas_limit, 30000000);
	ck_assert_uint_eq(b.gas_used, 21000);
	ck_assert(b.has_base_fee);
	u256_from_u64(&fee, 1000000000);
	ck_assert_int_eq(u256_cmp(&b.base_fee_per_gas, &fee), 0);
	ck_assert_uint_eq(b.logs_bloom[255], 1);
	ck_assert_uint_eq(b.logs_bloom[0], 0);
	ck_assert_uint_eq(b.tx_count, 1);
	want = hash_of(H_TX);
	ck_assert(hash32_eq(&b.tx_hashes[0], &want));
	ck_assert(!b.pending);
	rpc_block_clear(&b);
	ck_assert_ptr_null(b.tx_hashes);

	/* Before London: no base fee. */
	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, 1 }, &b, &err), CB_OK);
	mock_check_request(&m, "eth_getBlockByNumber", "[\"0x1\",false]");
	ck_assert(!b.has_base_fee);
	rpc_block_clear(&b);

	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_FINALIZED, 0 }, &b, &err),
	    CB_ERR_NOT_FOUND);
	mock_check_request(&m, "eth_getBlockByNumber", "[\"finalized\",false]");
	/* Another number than asked for. */
	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, 2 }, &b, &err),
	    CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "number"));
	ck_assert_ptr_null(b.tx_hashes);
	/* Fields missing. */
	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_SAFE, 0 }, &b, &err),
	    CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "number"));
	/* A quantity with a leading zero. */
	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, &b, &err),
	    CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "'number'"));
	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK__MAX, 0 }, &b, &err),
	    CB_ERR_INVALID);
	ck_assert_uint_eq(mock_nreq(&m), 6);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_block_by_hash)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY(BLOCK_JSON("0x1", "")), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_block b;
	struct hash32 hash;

	mock_start(&m, replies, 1);
	c = mock_client(&m, NULL);
	hash = hash_of(H_BLOCK);
	ck_assert_int_eq(rpc_eth_get_block_by_hash(c, &hash, &b, &err), CB_OK);
	mock_check_request(&m, "eth_getBlockByHash", "[\"" H_BLOCK "\",false]");
	rpc_block_clear(&b);
	/* The node answers another block than asked for. */
	hash.bytes[0] ^= 1;
	ck_assert_int_eq(rpc_eth_get_block_by_hash(c, &hash, &b, &err),
	    CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "'hash'"));
	ck_assert_ptr_null(b.tx_hashes);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

#define LOG_JSON(topics, data, removed) \
	"{\"address\":\"" A_TO "\",\"topics\":[" topics "],\"data\":\"" data \
	"\",\"blockHash\":\"" H_BLOCK "\",\"blockNumber\":\"0x1\"," \
	"\"blockTimestamp\":\"0x6b0248b4\",\"transactionHash\":\"" H_TX "\"," \
	"\"transactionIndex\":\"0x0\",\"logIndex\":\"0x2\",\"removed\":" removed "}"

START_TEST(test_get_logs)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY("[" LOG_JSON("\"" T_TRANSFER "\",\"" T_FROM "\",\"" T_TOPIC "\"",
		    "0x00000000000000000000000000000000000000000000000000000000000003e8",
		    "false") "," LOG_JSON("", "0x", "true") "]"), 0, NULL, false },
		{ 200, OK_BODY("[" LOG_JSON("\"" T_TRANSFER "\"", "0x", "false") ","
		    LOG_JSON("\"" T_TRANSFER "\"", "0x", "false") ","
		    LOG_JSON("\"" T_TRANSFER "\"", "0x", "false") "]"), 0, NULL, false },
		{ 200, OK_BODY("[" LOG_JSON("\"" T_TRANSFER "\",\"" T_FROM "\",\"" T_TOPIC
		    "\",\"" T_TOPIC "\",\"" T_TOPIC "\"", "0x", "false") "]"),
		    0, NULL, false },
		{ 200, OK_BODY("[" LOG_JSON("", "0x010101010101010101010101010101010101010101010101010101010101010101", "false") "]"),
		    0, NULL, false },
		{ 200, OK_BODY("[" LOG_JSON("", "0x", "\"no\"") "]"), 0, NULL, false },
		{ 200, ERR_BODY("-32005", "query returned more than 10000 results"),
		    0, NULL, false },
		{ 200, OK_BODY("[]"), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error err;
	struct rpc_log_list list;
	struct address addrs[2];
	struct hash32 topics[2], bh, want;
	struct rpc_log_filter f;

	rpc_opts_init(&o);
	o.max_logs = 2;
	o.max_data_bytes = 32;
	mock_start(&m, replies, 7);
	c = mock_client(&m, &o);
	addrs[0] = address_of(A_FROM);
	addrs[1] = address_of(A_TO);
	topics[0] = hash_of(T_TRANSFER);
	topics[1] = hash_of(T_APPROVAL);
	memset(&f, 0, sizeof(f));
	f.from_block = 1;
	f.to_block = 0x100;
	f.addresses = addrs;
	f.address_count = 2;
	f.topic0 = topics;
	f.topic0_count = 2;
	ck_assert_int_eq(rpc_eth_get_logs(c, &f, &list, &err), CB_OK);
	mock_check_request(&m, "eth_getLogs", "[{\"fromBlock\":\"0x1\","
	    "\"toBlock\":\"0x100\",\"address\":[\"" A_FROM "\",\"" A_TO "\"],"
	    "\"topics\":[[\"" T_TRANSFER "\",\"" T_APPROVAL "\"]]}]");
	ck_assert_uint_eq(list.count, 2);
	ck_assert(address_eq(&list.logs[0].address, &addrs[1]));
	ck_assert_uint_eq(list.logs[0].topic_count, 3);
	ck_assert(hash32_eq(&list.logs[0].topics[0], &topics[0]));
	want = hash_of(T_TOPIC);
	ck_assert(hash32_eq(&list.logs[0].topics[2], &want));
	ck_assert_uint_eq(list.logs[0].data_len, 32);
	ck_assert_uint_eq(list.logs[0].data[31], 0xe8);
	ck_assert_uint_eq(list.logs[0].data[30], 0x03);
	ck_assert_uint_eq(list.logs[0].block_number, 1);
	want = hash_of(H_BLOCK);
	ck_assert(hash32_eq(&list.logs[0].block_hash, &want));
	want = hash_of(H_TX);
	ck_assert(hash32_eq(&list.logs[0].tx_hash, &want));
	ck_assert_uint_eq(list.logs[0].tx_index, 0);
	ck_assert_uint_eq(list.logs[0].log_index, 2);
	ck_assert(!list.logs[0].removed);
	ck_assert_uint_eq(list.logs[1].topic_count, 0);
	ck_assert_uint_eq(list.logs[1].data_len, 0);
	ck_assert_ptr_null(list.logs[1].data);
	ck_assert(list.logs[1].removed);
	rpc_log_list_clear(&list);
	ck_assert_ptr_null(list.logs);

	/* Over max_logs, 5 topics, data over max_data_bytes, bad removed. */
	ck_assert_int_eq(rpc_eth_get_logs(c, &f, &list, &err), CB_ERR_TOO_LARGE);
	ck_assert_ptr_null(list.logs);
	ck_assert_int_eq(rpc_eth_get_logs(c, &f, &list, &err), CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "topics"));
	ck_assert_int_eq(rpc_eth_get_logs(c, &f, &list, &err), CB_ERR_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(err.message, "data"));
	ck_assert_int_eq(rpc_eth_get_logs(c, &f, &list, &err), CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "removed"));
	/* The node refuses the range. */
	ck_assert_int_eq(rpc_eth_get_logs(c, &f, &list, &err), CB_ERR_RPC);
	ck_assert_int_eq(err.errclass, RPC_ERRCLASS_RANGE_LIMIT);

	/* By block hash, no address or topic filter. */
	memset(&f, 0, sizeof(f));
	bh = hash_of(H_BLOCK);
	f.block_hash = &bh;
	ck_assert_int_eq(rpc_eth_get_logs(c, &f, &list, &err), CB_OK);
	mock_check_request(&m, "eth_getLogs", "[{\"blockHash\":\"" H_BLOCK "\"}]");
	ck_assert_uint_eq(list.count, 0);
	rpc_log_list_clear(&list);

	/* Refused before sending. */
	memset(&f, 0, sizeof(f));
	f.from_block = 5;
	f.to_block = 4;
	ck_assert_int_eq(rpc_eth_get_logs(c, &f, &list, &err), CB_ERR_INVALID);
	ck_assert_uint_eq(mock_nreq(&m), 7);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

#define RECEIPT_JSON(status, contract, logs) \
	"{\"type\":\"0x2\",\"status\":\"" status "\",\"cumulativeGasUsed\":\"0x5208\"," \
	"\"logs\":[" logs "],\"logsBloom\":\"" BLOOM_ZERO "\"," \
	"\"transactionHash\":\"" H_TX "\",\"transactionIndex\":\"0x0\"," \
	"\"blockHash\":\"" H_BLOCK "\",\"blockNumber\":\"0x1\"," \
	"\"gasUsed\":\"0x5208\",\"effectiveGasPrice\":\"0x3b9aca01\"," \
	"\"from\":\"" A_FROM "\",\"to\":" contract "}"

START_TEST(test_receipt)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY(RECEIPT_JSON("0x1", "\"" A_TO "\",\"contractAddress\":null",
		    LOG_JSON("\"" T_TRANSFER "\"", "0x", "false"))), 0, NULL, false },
		{ 200, OK_BODY(RECEIPT_JSON("0x0", "null,\"contractAddress\":\"" A_TO "\"",
		    "")), 0, NULL, false },
		{ 200, OK_BODY("null"), 0, NULL, false },
		{ 200, OK_BODY(RECEIPT_JSON("0x2", "null", "")), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_receipt r;
	struct hash32 hash;
	struct address want;
	u256 price, want_price;

	mock_start(&m, replies, 4);
	c = mock_client(&m, NULL);
	hash = hash_of(H_TX);
	ck_assert_int_eq(rpc_eth_get_transaction_receipt(c, &hash, &r, &err), CB_OK);
	mock_check_request(&m, "eth_getTransactionReceipt", "[\"" H_TX "\"]");
	ck_assert(r.has_status);
	ck_assert_uint_eq(r.status, 1);
	ck_assert_uint_eq(r.block_number, 1);
	ck_assert_uint_eq(r.gas_used, 21000);
	ck_assert(r.has_effective_gas_price);
	u256_from_u64(&want_price, 1000000001);
	price = r.effective_gas_price;
	ck_assert_int_eq(u256_cmp(&price, &want_price), 0);
	ck_assert(r.has_to);
	want = address_of(A_TO);
	ck_assert(address_eq(&r.to, &want));
	want = address_of(A_FROM);
	ck_assert(address_eq(&r.from, &want));
	ck_assert(!r.has_contract_address);
	ck_assert_uint_eq(r.log_count, 1);
	ck_assert_uint_eq(r.logs[0].log_index, 2);
	rpc_receipt_clear(&r);

	ck_assert_int_eq(rpc_eth_get_transaction_receipt(c, &hash, &r, &err), CB_OK);
	ck_assert_uint_eq(r.status, 0);
	ck_assert(!r.has_to);
	ck_assert(r.has_contract_address);
	want = address_of(A_TO);
	ck_assert(address_eq(&r.contract_address, &want));
	ck_assert_uint_eq(r.log_count, 0);
	rpc_receipt_clear(&r);

	ck_assert_int_eq(rpc_eth_get_transaction_receipt(c, &hash, &r, &err),
	    CB_ERR_NOT_FOUND);
	ck_assert_int_eq(rpc_eth_get_transaction_receipt(c, &hash, &r, &err),
	    CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "status"));
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_transaction)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY("{\"type\":\"0x2\",\"chainId\":\"0x7a69\",\"nonce\":\"0x0\","
		    "\"gas\":\"0x5208\",\"maxFeePerGas\":\"0x77359401\","
		    "\"maxPriorityFeePerGas\":\"0x1\",\"to\":\"" A_TO "\","
		    "\"value\":\"0xde0b6b3a7640000\",\"accessList\":[],\"input\":\"0xa9059cbb\","
		    "\"r\":\"0x1\",\"s\":\"0x2\",\"yParity\":\"0x0\",\"v\":\"0x0\","
		    "\"hash\":\"" H_TX "\",\"blockHash\":\"" H_BLOCK "\","
		    "\"blockNumber\":\"0x1\",\"transactionIndex\":\"0x0\","
		    "\"from\":\"" A_FROM "\",\"gasPrice\":\"0x3b9aca01\"}"), 0, NULL, false },
		{ 200, OK_BODY("{\"type\":\"0x0\",\"nonce\":\"0x5\",\"gas\":\"0x5208\","
		    "\"to\":null,\"value\":\"0x0\",\"input\":\"0x\",\"hash\":\"" H_TX "\","
		    "\"blockHash\":null,\"blockNumber\":null,\"transactionIndex\":null,"
		    "\"from\":\"" A_FROM "\",\"gasPrice\":\"0x1\"}"), 0, NULL, false },
		{ 200, OK_BODY("{\"nonce\":\"0x5\",\"gas\":\"0x5208\","
		    "\"to\":null,\"value\":\"0x0\",\"input\":\"0x\",\"hash\":\"" H_TX "\","
		    "\"blockHash\":\"" H_BLOCK "\",\"blockNumber\":null,\"transactionIndex\":null,"
		    "\"from\":\"" A_FROM "\",\"gasPrice\":\"0x1\"}"), 0, NULL, false },
		{ 200, OK_BODY("null"), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_tx tx;
	struct hash32 hash;
	u256 eth;

	mock_start(&m, replies, 4);
	c = mock_client(&m, NULL);
	hash = hash_of(H_TX);
	ck_assert_int_eq(rpc_eth_get_transaction_by_hash(c, &hash, &tx, &err), CB_OK);
	mock_check_request(&m, "eth_getTransactionByHash", "[\"" H_TX "\"]");
	ck_assert_uint_eq(tx.type, 2);
	ck_assert(tx.has_chain_id);
	ck_assert_uint_eq(tx.chain_id, 31337);
	ck_assert(tx.has_max_fee);
	ck_assert(tx.has_to);
	ck_assert(tx.mined);
	u256_from_u64(&eth, 1000000000000000000ULL);
	ck_assert_int_eq(u256_cmp(&tx.value, &eth), 0);
	ck_assert_uint_eq(tx.input_len, 4);
	ck_assert_uint_eq(tx.input[0], 0xa9);
	rpc_tx_clear(&tx);

	ck_assert_int_eq(rpc_eth_get_transaction_by_hash(c, &hash, &tx, &err), CB_OK);
	ck_assert(!tx.mined);
	ck_assert(!tx.has_to);
	ck_assert_uint_eq(tx.nonce, 5);
	ck_assert_ptr_null(tx.input);
	rpc_tx_clear(&tx);
	/* Half mined. */
	ck_assert_int_eq(rpc_eth_get_transaction_by_hash(c, &hash, &tx, &err),
	    CB_ERR_INVALID);
	ck_assert_int_eq(rpc_eth_get_transaction_by_hash(c, &hash, &tx, &err),
	    CB_ERR_NOT_FOUND);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_fee_history)
{
	struct mock_reply replies[] = {
		/* As anvil 1.7 answers. */
		{ 200, OK_BODY("{\"baseFeePerGas\":[\"0x3b9aca00\",\"0x3b9aca00\",\"0x342a1c58\"],"
		    "\"gasUsedRatio\":[0.0,0.0007],\"baseFeePerBlobGas\":[\"0x1\",\"0x1\",\"0x1\"],"
		    "\"blobGasUsedRatio\":[0.0,0.0],\"oldestBlock\":\"0x0\","
		    "\"reward\":[[\"0x0\",\"0x0\"],[\"0x3b9aca00\",\"0x77359400\"]]}"),
		    0, NULL, false },
		{ 200, OK_BODY("{\"baseFeePerGas\":[\"0x1\"],\"gasUsedRatio\":[0.5,0.5],"
		    "\"oldestBlock\":\"0x0\",\"reward\":[[\"0x0\",\"0x0\"],[\"0x0\",\"0x0\"]]}"),
		    0, NULL, false },
		{ 200, OK_BODY("{\"baseFeePerGas\":[\"0x1\",\"0x1\",\"0x1\"],\"gasUsedRatio\":[0.5,0.5],"
		    "\"oldestBlock\":\"0x0\",\"reward\":[[\"0x0\"],[\"0x0\",\"0x0\"]]}"),
		    0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_fee_history fh;
	const uint8_t pct[2] = { 25, 75 }, bad_pct[2] = { 75, 25 };
	u256 want;

	mock_start(&m, replies, 3);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_fee_history(c, 2,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, pct, 2, &fh, &err), CB_OK);
	mock_check_request(&m, "eth_feeHistory", "[\"0x2\",\"latest\",[25,75]]");
	ck_assert_uint_eq(fh.oldest_block, 0);
	ck_assert_uint_eq(fh.block_count, 2);
	ck_assert_uint_eq(fh.base_fee_count, 3);
	ck_assert_uint_eq(fh.percentile_count, 2);
	u256_from_u64(&want, 0x342a1c58);
	ck_assert_int_eq(u256_cmp(&fh.base_fee_per_gas[2], &want), 0);
	u256_from_u64(&want, 2000000000);
	ck_assert_int_eq(u256_cmp(rpc_fee_history_reward(&fh, 1, 1), &want), 0);
	ck_assert(u256_is_zero(rpc_fee_history_reward(&fh, 0, 1)));
	rpc_fee_history_clear(&fh);
	ck_assert_ptr_null(fh.reward);

	ck_assert_int_eq(rpc_eth_fee_history(c, 2,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, pct, 2, &fh, &err),
	    CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "baseFeePerGas"));
	ck_assert_int_eq(rpc_eth_fee_history(c, 2,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, 100 }, pct, 2, &fh, &err),
	    CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "reward"));
	ck_assert_uint_eq(mock_nreq(&m), 3);
	/* Refused before sending. */
	ck_assert_int_eq(rpc_eth_fee_history(c, 2,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, bad_pct, 2, &fh, &err),
	    CB_ERR_INVALID);
	ck_assert_int_eq(rpc_eth_fee_history(c, 0,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, pct, 2, &fh, &err),
	    CB_ERR_RANGE);
	ck_assert_uint_eq(mock_nreq(&m), 3);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_account_and_send)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY("\"0xd3c21bcecceda1000000\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x3\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x5208\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x00000000000000000000000000000000000000000000000000000000000003e8\""),
		    0, NULL, false },
		{ 200, OK_BODY("\"" H_TX "\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x3b9aca00\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x12345\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x1234\""), 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct address from, to;
	struct hash32 hash, want;
	uint8_t data[4] = { 0x70, 0xa0, 0x82, 0x31 };
	uint8_t raw[4] = { 0x02, 0xf8, 0x70, 0x82 };
	uint8_t *out = NULL;
	size_t out_len = 0;
	char dec[U256_DEC_MAX];
	uint64_t n;
	u256 bal, value;
	struct rpc_call_msg msg;

	mock_start(&m, replies, 8);
	c = mock_client(&m, NULL);
	from = address_of(A_FROM);
	to = address_of(A_TO);

	ck_assert_int_eq(rpc_eth_get_balance(c, &from,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, &bal, &err), CB_OK);
	mock_check_request(&m, "eth_getBalance", "[\"" A_FROM "\",\"latest\"]");
	ck_assert_uint_gt(u256_to_dec(&bal, dec, sizeof(dec)), 0);
	ck_assert_str_eq(dec, "1000000000000000000000000");

	ck_assert_int_eq(rpc_eth_get_transaction_count(c, &from,
	    (struct rpc_block_ref){ RPC_BLOCK_PENDING, 0 }, &n, &err), CB_OK);
	mock_check_request(&m, "eth_getTransactionCount",
	    "[\"" A_FROM "\",\"pending\"]");
	ck_assert_uint_eq(n, 3);

	memset(&msg, 0, sizeof(msg));
	msg.from = &from;
	msg.to = &to;
	msg.data = data;
	msg.data_len = sizeof(data);
	u256_from_u64(&value, 255);
	msg.value = &value;
	ck_assert_int_eq(rpc_eth_estimate_gas(c, &msg, &n, &err), CB_OK);
	mock_check_request(&m, "eth_estimateGas", "[{\"from\":\"" A_FROM "\","
	    "\"to\":\"" A_TO "\",\"data\":\"0x70a08231\",\"value\":\"0xff\"}]");
	ck_assert_uint_eq(n, 21000);

	msg.from = NULL;
	msg.value = NULL;
	ck_assert_int_eq(rpc_eth_call(c, &msg,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, 0x10 }, &out, &out_len,
	    &err), CB_OK);
	mock_check_request(&m, "eth_call", "[{\"to\":\"" A_TO "\","
	    "\"data\":\"0x70a08231\"},\"0x10\"]");
	ck_assert_uint_eq(out_len, 32);
	ck_assert_uint_eq(out[30], 0x03);
	ck_assert_uint_eq(out[31], 0xe8);
	free(out);

	ck_assert_int_eq(rpc_eth_send_raw_transaction(c, raw, sizeof(raw), &hash,
	    &err), CB_OK);
	mock_check_request(&m, "eth_sendRawTransaction", "[\"0x02f87082\"]");
	want = hash_of(H_TX);
	ck_assert(hash32_eq(&hash, &want));

	ck_assert_int_eq(rpc_eth_max_priority_fee_per_gas(c, &bal, &err), CB_OK);
	mock_check_request(&m, "eth_maxPriorityFeePerGas", "[]");
	ck_assert_int_eq(rpc_eth_gas_price(c, &bal, NULL), CB_OK);
	mock_check_request(&m, "eth_gasPrice", "[]");
	/* A quantity where a hash belongs. */
	ck_assert_int_eq(rpc_eth_send_raw_transaction(c, raw, sizeof(raw), &hash,
	    &err), CB_ERR_INVALID);
	ck_assert_int_eq(rpc_eth_send_raw_transaction(c, raw, 0, &hash, &err),
	    CB_ERR_INVALID);
	/* A bad block tag never reaches the node. */
	ck_assert_int_eq(rpc_eth_get_balance(c, &from,
	    (struct rpc_block_ref){ RPC_BLOCK__MAX, 0 }, &bal, &err),
	    CB_ERR_INVALID);
	ck_assert_int_eq(rpc_eth_get_transaction_count(c, &from,
	    (struct rpc_block_ref){ (enum rpc_block_tag)99, 0 }, &n, &err),
	    CB_ERR_INVALID);
	ck_assert_int_eq(rpc_eth_call(c, &msg,
	    (struct rpc_block_ref){ RPC_BLOCK__MAX, 0 }, &out, &out_len, &err),
	    CB_ERR_INVALID);
	ck_assert_uint_eq(mock_nreq(&m), 8);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

/* ---- batches of receipts and transactions --------------------------- */

#define H_OTHER	"0x1111111111111111111111111111111111111111111111111111111111111111"
#define H_TX2	"0xb23b52004fe574000765fbe20a311b2785a318c9dbe6b0bf6a4c1f8936f57ff3"
#define ENTRY(n, result) \
	"{\"jsonrpc\":\"2.0\",\"id\":{{id" #n "}},\"result\":" result "}"
#define TX_JSON(hash, mined) \
	"{\"type\":\"0x2\",\"chainId\":\"0x7a69\",\"nonce\":\"0x7\",\"gas\":\"0x5208\"," \
	"\"maxFeePerGas\":\"0x77359401\",\"maxPriorityFeePerGas\":\"0x1\"," \
	"\"to\":\"" A_TO "\",\"value\":\"0x0\",\"input\":\"0x\",\"hash\":\"" hash "\"," \
	"\"from\":\"" A_FROM "\",\"gasPrice\":\"0x3b9aca01\"," mined "}"
#define TX_MINED "\"blockHash\":\"" H_BLOCK "\",\"blockNumber\":\"0x1\",\"transactionIndex\":\"0x0\""
#define TX_PENDING "\"blockHash\":null,\"blockNumber\":null,\"transactionIndex\":null"

START_TEST(test_receipts_batch)
{
	struct mock_reply replies[] = {
		/* Out of order: a receipt, null (not mined), the node's error,
		 * a receipt of another transaction; entry 4 is not answered. */
		{ 200, "[" ENTRY(3, RECEIPT_JSON("0x1", "null", "")) ","
		    ENTRY(1, "null") ","
		    "{\"jsonrpc\":\"2.0\",\"id\":{{id2}},\"error\":{\"code\":-32000,"
		    "\"message\":\"request timed out\"}},"
		    ENTRY(0, RECEIPT_JSON("0x1", "\"" A_TO "\",\"contractAddress\":null",
		    LOG_JSON("\"" T_TRANSFER "\"", "0x", "false"))) "]",
		    0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct hash32 hashes[5];
	struct rpc_receipt r[5];
	enum cb_err st[5];
	size_t i;

	hashes[0] = hash_of(H_TX);
	hashes[1] = hash_of(H_TX2);
	hashes[2] = hash_of(H_OTHER);
	hashes[3] = hash_of(H_OTHER);
	hashes[4] = hash_of(H_TX);
	mock_start(&m, replies, 1);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_get_transaction_receipts(c, hashes, 5, r, st,
	    &err), CB_OK);
	ck_assert_uint_eq(mock_nreq(&m), 1);
	ck_assert_int_eq(st[0], CB_OK);
	ck_assert(hash32_eq(&r[0].tx_hash, &hashes[0]));
	ck_assert_uint_eq(r[0].log_count, 1);
	ck_assert_int_eq(st[1], CB_ERR_NOT_FOUND);
	ck_assert_int_eq(st[2], CB_ERR_RPC);
	ck_assert_str_eq(err.message, "request timed out");
	/* The receipt of H_TX where H_OTHER was asked. */
	ck_assert_int_eq(st[3], CB_ERR_INVALID);
	ck_assert_ptr_null(r[3].logs);
	ck_assert_int_eq(st[4], CB_ERR_INVALID);
	for (i = 1; i < 5; i++)
		ck_assert(hash32_is_zero(&r[i].tx_hash));

	/* One array of eth_getTransactionReceipt, one hash each. */
	mock_check_batch(&m, 5, 1, "eth_getTransactionReceipt",
	    "[\"" H_TX2 "\"]");
	for (i = 0; i < 5; i++)
		rpc_receipt_clear(&r[i]);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_txs_batch)
{
	struct mock_reply replies[] = {
		{ 200, "[" ENTRY(0, TX_JSON(H_TX, TX_MINED)) ","
		    ENTRY(1, TX_JSON(H_TX2, TX_PENDING)) ","
		    ENTRY(2, "null") "]", 0, NULL, false },
		/* The node refuses the batch as a whole. */
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
		    "\"message\":\"batch too large\"}}", 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct hash32 hashes[3];
	struct rpc_tx tx[3];
	enum cb_err st[3];
	size_t i;

	hashes[0] = hash_of(H_TX);
	hashes[1] = hash_of(H_TX2);
	hashes[2] = hash_of(H_OTHER);
	mock_start(&m, replies, 2);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_get_transactions_by_hash(c, hashes, 3, tx, st,
	    &err), CB_OK);
	mock_check_batch(&m, 3, 2, "eth_getTransactionByHash",
	    "[\"" H_OTHER "\"]");
	/* Mined, pending, unknown to the node. */
	ck_assert_int_eq(st[0], CB_OK);
	ck_assert(tx[0].mined);
	ck_assert_uint_eq(tx[0].block_number, 1);
	ck_assert_int_eq(st[1], CB_OK);
	ck_assert(!tx[1].mined);
	ck_assert_uint_eq(tx[1].nonce, 7);
	ck_assert(hash32_eq(&tx[1].hash, &hashes[1]));
	ck_assert_int_eq(st[2], CB_ERR_NOT_FOUND);
	for (i = 0; i < 3; i++)
		rpc_tx_clear(&tx[i]);

	ck_assert_int_eq(rpc_eth_get_transactions_by_hash(c, hashes, 3, tx, st,
	    &err), CB_ERR_RPC);
	ck_assert_int_eq(err.code, -32600);
	for (i = 0; i < 3; i++) {
		ck_assert_ptr_null(tx[i].input);
		ck_assert(hash32_is_zero(&tx[i].hash));
	}
	ck_assert_uint_eq(mock_nreq(&m), 2);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

START_TEST(test_batch_calls_limits)
{
	struct mock_reply replies[] = { { 200, "[]", 0, NULL, false } };
	struct mock m;
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error err;
	struct hash32 hashes[3];
	struct rpc_receipt r[3];
	struct rpc_tx tx[3];
	enum cb_err st[3];

	memset(hashes, 0, sizeof(hashes));
	rpc_opts_init(&o);
	o.max_batch = 2;
	mock_start(&m, replies, 1);
	c = mock_client(&m, &o);
	ck_assert_int_eq(rpc_eth_get_transaction_receipts(c, hashes, 3, r, st,
	    &err), CB_ERR_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(err.message, "1..2"));
	ck_assert_int_eq(rpc_eth_get_transactions_by_hash(c, hashes, 0, tx, st,
	    NULL), CB_ERR_TOO_LARGE);
	ck_assert_uint_eq(mock_nreq(&m), 0);
	/* An empty answer leaves every entry without a response. */
	ck_assert_int_eq(rpc_eth_get_transaction_receipts(c, hashes, 2, r, st,
	    &err), CB_OK);
	ck_assert_int_eq(st[0], CB_ERR_INVALID);
	ck_assert_int_eq(st[1], CB_ERR_INVALID);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

/* ---- revert data ---------------------------------------------------- */

#define W(x)	"000000000000000000000000000000000000000000000000000000000000" x
#define ERR_NOPE_DATA "0x08c379a0" W("0020") W("0004") \
	"6e6f706500000000000000000000000000000000000000000000000000000000"

struct revert_case {
	const char	*error;		/* the "error" member */
	size_t		 cap;
	enum cb_err	 rc;
	size_t		 len;
	enum revert_kind kind;
};

static const struct revert_case revert_cases[] = {
	/* anvil 1.7, verbatim. */
	{ "{\"code\":3,\"message\":\"execution reverted: nope\",\"data\":\""
	    ERR_NOPE_DATA "\"}", RPC_REVERT_DATA_MAX, CB_OK, 100, REVERT_ERROR },
	{ "{\"code\":3,\"message\":\"execution reverted: panic: arithmetic "
	    "underflow or overflow (0x11)\",\"data\":\"0x4e487b71" W("0011") "\"}",
	    RPC_REVERT_DATA_MAX, CB_OK, 36, REVERT_PANIC },
	{ "{\"code\":3,\"message\":\"execution reverted: custom error "
	    "0xc2f7d5f6\",\"data\":\"0xc2f7d5f6\"}", RPC_REVERT_DATA_MAX, CB_OK,
	    4, REVERT_CUSTOM },
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":\"0x\"}",
	    RPC_REVERT_DATA_MAX, CB_OK, 0, REVERT_EMPTY },
	{ "{\"code\":-32603,\"message\":\"EVM error InvalidFEOpcode\"}",
	    RPC_REVERT_DATA_MAX, CB_ERR_NOT_FOUND, 0, REVERT_EMPTY },
	/* Nethermind / OpenEthereum. */
	{ "{\"code\":-32015,\"message\":\"VM execution error.\",\"data\":"
	    "\"Reverted 0xc2f7d5f6\"}", RPC_REVERT_DATA_MAX, CB_OK, 4,
	    REVERT_CUSTOM },
	/* A reverted call without data at all. */
	{ "{\"code\":3,\"message\":\"execution reverted\"}",
	    RPC_REVERT_DATA_MAX, CB_ERR_NOT_FOUND, 0, REVERT_EMPTY },
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":null}",
	    RPC_REVERT_DATA_MAX, CB_ERR_NOT_FOUND, 0, REVERT_EMPTY },
	/* Data on an error that is no revert. */
	{ "{\"code\":-32000,\"message\":\"nonce too low\",\"data\":\"0x01\"}",
	    RPC_REVERT_DATA_MAX, CB_ERR_NOT_FOUND, 0, REVERT_EMPTY },
	/* Data that is no hex. */
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":"
	    "{\"data\":\"0xc2f7d5f6\"}}", RPC_REVERT_DATA_MAX, CB_ERR_INVALID, 0,
	    REVERT_EMPTY },
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":\"0xc2f7d5f\"}",
	    RPC_REVERT_DATA_MAX, CB_ERR_INVALID, 0, REVERT_EMPTY },
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":\"0Xc2f7d5f6\"}",
	    RPC_REVERT_DATA_MAX, CB_ERR_INVALID, 0, REVERT_EMPTY },
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":\"c2f7d5f6\"}",
	    RPC_REVERT_DATA_MAX, CB_ERR_INVALID, 0, REVERT_EMPTY },
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":\"0x0xc2f7d5\"}",
	    RPC_REVERT_DATA_MAX, CB_ERR_INVALID, 0, REVERT_EMPTY },
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":\"0xc2f7d5g6\"}",
	    RPC_REVERT_DATA_MAX, CB_ERR_INVALID, 0, REVERT_EMPTY },
	/* More than the caller's buffer. */
	{ "{\"code\":3,\"message\":\"execution reverted\",\"data\":\"0xc2f7d5f6\"}",
	    3, CB_ERR_TOO_LARGE, 0, REVERT_EMPTY },
};

START_TEST(test_revert_data)
{
	const struct revert_case *t = &revert_cases[_i];
	json_object *e = json_tokener_parse(t->error);
	struct rpc_error err;
	uint8_t out[RPC_REVERT_DATA_MAX];
	size_t len = 99;
	struct revert_reason r;
	enum cb_err rc;

	ck_assert_ptr_nonnull(e);
	rpc_error_clear(&err);
	rpc_error_from_json(e, &err);
	json_object_put(e);
	rc = rpc_error_revert_data(&err, out, t->cap, &len);
	ck_assert_msg(rc == t->rc, "%s: got %d want %d", t->error, rc, t->rc);
	if (rc != CB_OK) {
		ck_assert_uint_eq(len, 0);
		return;
	}
	ck_assert_uint_eq(len, t->len);
	ck_assert_int_eq(revert_decode(out, len, &r), CB_OK);
	ck_assert_int_eq(r.kind, t->kind);
}
END_TEST

START_TEST(test_revert_data_truncated)
{
	static char body[16384];
	struct rpc_error err;
	json_object *e;
	uint8_t out[RPC_REVERT_DATA_MAX];
	size_t n, len;

	/* 3000 bytes of revert data do not fit err->data. */
	n = (size_t)snprintf(body, sizeof(body), "{\"code\":3,\"message\":"
	    "\"execution reverted\",\"data\":\"0x");
	memset(body + n, 'a', 6000);
	snprintf(body + n + 6000, sizeof(body) - n - 6000, "\"}");
	e = json_tokener_parse(body);
	ck_assert_ptr_nonnull(e);
	rpc_error_clear(&err);
	rpc_error_from_json(e, &err);
	json_object_put(e);
	ck_assert(err.data_truncated);
	ck_assert_int_eq(rpc_error_revert_data(&err, out, sizeof(out), &len),
	    CB_ERR_TOO_LARGE);
	ck_assert_int_eq(rpc_error_revert_data(NULL, out, sizeof(out), &len),
	    CB_ERR_NOT_FOUND);
}
END_TEST

/* eth_call and eth_estimateGas that revert, end to end. */
START_TEST(test_call_reverts)
{
	struct mock_reply replies[] = {
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"error\":{\"code\":3,"
		    "\"message\":\"execution reverted: nope\",\"data\":\""
		    ERR_NOPE_DATA "\"}}", 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_call_msg msg;
	struct address to = address_of(A_TO);
	struct revert_reason r;
	uint8_t data[RPC_REVERT_DATA_MAX], *out = (uint8_t *)"x";
	size_t len, out_len = 9;
	uint64_t gas = 5;

	mock_start(&m, replies, 1);
	c = mock_client(&m, NULL);
	memset(&msg, 0, sizeof(msg));
	msg.to = &to;
	ck_assert_int_eq(rpc_eth_call(c, &msg,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, &out, &out_len, &err),
	    CB_ERR_RPC);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(out_len, 0);
	ck_assert_int_eq(err.errclass, RPC_ERRCLASS_REVERTED);
	ck_assert_int_eq(rpc_error_revert_data(&err, data, sizeof(data), &len),
	    CB_OK);
	ck_assert_int_eq(revert_decode(data, len, &r), CB_OK);
	ck_assert_int_eq(r.kind, REVERT_ERROR);
	ck_assert_uint_eq(r.message_len, 4);
	ck_assert(memcmp(r.message, "nope", 4) == 0);

	ck_assert_int_eq(rpc_eth_estimate_gas(c, &msg, &gas, &err), CB_ERR_RPC);
	ck_assert_uint_eq(gas, 0);
	ck_assert_int_eq(rpc_error_revert_data(&err, data, sizeof(data), &len),
	    CB_OK);
	ck_assert_uint_eq(len, 100);
	ck_assert_uint_eq(mock_nreq(&m), 2);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

/* ---- block tags and nonces at a block ------------------------------- */

START_TEST(test_tags_and_nonce_at)
{
	struct mock_reply replies[] = {
		{ 200, OK_BODY(BLOCK_JSON("0x1", "")), 0, NULL, false },
		{ 200, OK_BODY(BLOCK_JSON("0x1", "")), 0, NULL, false },
		{ 200, OK_BODY("\"0x2\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x1\""), 0, NULL, false },
		{ 200, OK_BODY("\"0x0\""), 0, NULL, false },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":{{id}},\"error\":{\"code\":-32602,"
		    "\"message\":\"BlockOutOfRangeError: block height is 8 but "
		    "requested was 16777215\"}}", 0, NULL, false },
	};
	struct mock m;
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_block b;
	struct address from = address_of(A_FROM);
	uint64_t n = 99;

	mock_start(&m, replies, 6);
	c = mock_client(&m, NULL);
	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_SAFE, 0 }, &b, &err), CB_OK);
	mock_check_request(&m, "eth_getBlockByNumber", "[\"safe\",false]");
	ck_assert_uint_eq(b.number, 1);
	rpc_block_clear(&b);
	ck_assert_int_eq(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_FINALIZED, 0 }, &b, &err), CB_OK);
	mock_check_request(&m, "eth_getBlockByNumber", "[\"finalized\",false]");
	rpc_block_clear(&b);

	ck_assert_int_eq(rpc_eth_get_transaction_count(c, &from,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, 0x10 }, &n, &err), CB_OK);
	mock_check_request(&m, "eth_getTransactionCount",
	    "[\"" A_FROM "\",\"0x10\"]");
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(rpc_eth_get_transaction_count(c, &from,
	    (struct rpc_block_ref){ RPC_BLOCK_SAFE, 0 }, &n, &err), CB_OK);
	mock_check_request(&m, "eth_getTransactionCount",
	    "[\"" A_FROM "\",\"safe\"]");
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(rpc_eth_get_transaction_count(c, &from,
	    (struct rpc_block_ref){ RPC_BLOCK_EARLIEST, 0 }, &n, &err), CB_OK);
	mock_check_request(&m, "eth_getTransactionCount",
	    "[\"" A_FROM "\",\"earliest\"]");
	ck_assert_uint_eq(n, 0);
	/* A block past the head, as anvil answers it. */
	ck_assert_int_eq(rpc_eth_get_transaction_count(c, &from,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, 0xffffff }, &n, &err),
	    CB_ERR_RPC);
	ck_assert_int_eq(err.code, -32602);
	ck_assert_uint_eq(mock_nreq(&m), 6);
	rpc_client_free(c);
	mock_stop(&m);
}
END_TEST

/* ---- the result parsers as a fuzzer calls them ---------------------- */

START_TEST(test_parsers_direct)
{
	json_object *obj;
	struct rpc_block b;
	struct rpc_tx tx;
	struct rpc_log_list logs;
	struct rpc_fee_history fh;
	struct rpc_opts o;
	const char *bad = NULL;

	/* NULL caps are the defaults; bad_field may be NULL. */
	obj = json_tokener_parse(BLOCK_JSON("0x1", ""));
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(rpc_block_parse(NULL, obj, false, &b, NULL), CB_OK);
	ck_assert_uint_eq(b.tx_count, 1);
	rpc_block_clear(&b);
	json_object_object_del(obj, "timestamp");
	ck_assert_int_eq(rpc_block_parse(NULL, obj, false, &b, &bad),
	    CB_ERR_INVALID);
	ck_assert_str_eq(bad, "timestamp");
	ck_assert_ptr_null(b.tx_hashes);
	json_object_put(obj);

	obj = json_tokener_parse("[" LOG_JSON("", "0x0102", "false") "]");
	ck_assert_int_eq(rpc_log_list_parse(NULL, obj, &logs, NULL), CB_OK);
	ck_assert_uint_eq(logs.count, 1);
	ck_assert_uint_eq(logs.logs[0].data_len, 2);
	rpc_log_list_clear(&logs);
	/* With the caps of a client: data over max_data_bytes. */
	rpc_opts_init(&o);
	o.max_data_bytes = 1;
	ck_assert_int_eq(rpc_log_list_parse(&o, obj, &logs, &bad),
	    CB_ERR_TOO_LARGE);
	ck_assert_str_eq(bad, "data");
	ck_assert_int_eq(rpc_log_list_parse(NULL, json_object_array_get_idx(obj,
	    0), &logs, &bad), CB_ERR_INVALID);
	ck_assert_str_eq(bad, "result");
	json_object_put(obj);

	obj = json_tokener_parse(TX_JSON(H_TX, TX_PENDING));
	ck_assert_int_eq(rpc_tx_parse(NULL, obj, &tx, NULL), CB_OK);
	ck_assert(!tx.mined);
	rpc_tx_clear(&tx);
	json_object_put(obj);
	ck_assert_int_eq(rpc_tx_parse(NULL, NULL, &tx, &bad), CB_ERR_INVALID);

	obj = json_tokener_parse("{\"baseFeePerGas\":[\"0x1\",\"0x2\"],"
	    "\"gasUsedRatio\":[0.5],\"oldestBlock\":\"0x9\"}");
	ck_assert_int_eq(rpc_fee_history_parse(obj, 1, 0, &fh, NULL), CB_OK);
	ck_assert_uint_eq(fh.oldest_block, 9);
	ck_assert_uint_eq(fh.base_fee_count, 2);
	rpc_fee_history_clear(&fh);
	/* More blocks than asked. */
	ck_assert_int_eq(rpc_fee_history_parse(obj, 0, 0, &fh, &bad),
	    CB_ERR_INVALID);
	ck_assert_str_eq(bad, "gasUsedRatio");
	json_object_put(obj);
}
END_TEST

static Suite *
rpc_suite(void)
{
	Suite *s = suite_create("rpc");
	TCase *tc;

	tc = tcase_create("parse_quantity");
	tcase_add_loop_test(tc, test_parse_quantity, 0,
	    sizeof(quantity_cases) / sizeof(quantity_cases[0]));
	tcase_add_test(tc, test_parse_quantity_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse_data");
	tcase_add_loop_test(tc, test_parse_data, 0,
	    sizeof(data_cases) / sizeof(data_cases[0]));
	tcase_add_test(tc, test_parse_fixed);
	suite_add_tcase(s, tc);

	tc = tcase_create("classify");
	tcase_add_loop_test(tc, test_classify, 0,
	    sizeof(class_cases) / sizeof(class_cases[0]));
	tcase_add_test(tc, test_class_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("error_objects");
	tcase_add_loop_test(tc, test_error_class_e2e, 0,
	    sizeof(class_e2e_cases) / sizeof(class_e2e_cases[0]));
	tcase_add_test(tc, test_error_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("transport");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_client_new);
	tcase_add_test(tc, test_call_success);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_connect_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("retries");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_retry_503);
	tcase_add_test(tc, test_retry_exhausted);
	tcase_add_test(tc, test_retry_429);
	tcase_add_test(tc, test_retry_429_exhausted);
	tcase_add_test(tc, test_retry_reset);
	tcase_add_test(tc, test_no_retry_rpc_error);
	tcase_add_test(tc, test_no_retry_4xx);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_malformed, 0,
	    sizeof(malformed_bodies) / sizeof(malformed_bodies[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("batch");
	tcase_add_test(tc, test_batch_out_of_order);
	tcase_add_test(tc, test_batch_missing_and_errors);
	tcase_add_test(tc, test_batch_limits);
	tcase_add_test(tc, test_blocks_batch);
	tcase_add_test(tc, test_receipts_batch);
	tcase_add_test(tc, test_txs_batch);
	tcase_add_test(tc, test_batch_calls_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("revert_data");
	tcase_add_loop_test(tc, test_revert_data, 0,
	    sizeof(revert_cases) / sizeof(revert_cases[0]));
	tcase_add_test(tc, test_revert_data_truncated);
	tcase_add_test(tc, test_call_reverts);
	suite_add_tcase(s, tc);

	tc = tcase_create("parsers");
	tcase_add_test(tc, test_parsers_direct);
	suite_add_tcase(s, tc);

	tc = tcase_create("typed");
	tcase_add_test(tc, test_block_by_number);
	tcase_add_test(tc, test_block_by_hash);
	tcase_add_test(tc, test_get_logs);
	tcase_add_test(tc, test_receipt);
	tcase_add_test(tc, test_transaction);
	tcase_add_test(tc, test_fee_history);
	tcase_add_test(tc, test_account_and_send);
	tcase_add_test(tc, test_tags_and_nonce_at);
	suite_add_tcase(s, tc);
	return s;
}

#else /* RPC_TEST_LIVE */

static const char *live_url;

START_TEST(test_live)
{
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_block b;
	struct rpc_fee_history fh;
	const uint8_t pct[3] = { 10, 50, 90 };
	uint64_t chain_id = 0, head = 0, nonce = 0;
	struct rpc_tx tx;
	struct rpc_receipt r;
	struct rpc_log_filter f;
	struct rpc_log_list logs;
	u256 price;

	c = rpc_client_new(live_url, NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_msg(rpc_eth_chain_id(c, &chain_id, &err) == CB_OK, "%s",
	    err.message);
	ck_assert_uint_gt(chain_id, 0);
	ck_assert_msg(rpc_eth_block_number(c, &head, &err) == CB_OK, "%s",
	    err.message);
	ck_assert_msg(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, &b, &err) == CB_OK,
	    "%s", err.message);
	ck_assert_uint_ge(b.number, head);
	ck_assert_uint_gt(b.gas_limit, 0);
	if (b.tx_count > 0) {
		ck_assert_msg(rpc_eth_get_transaction_by_hash(c, &b.tx_hashes[0],
		    &tx, &err) == CB_OK, "%s", err.message);
		ck_assert(tx.mined);
		ck_assert_uint_eq(tx.block_number, b.number);
		ck_assert_msg(rpc_eth_get_transaction_receipt(c, &b.tx_hashes[0],
		    &r, &err) == CB_OK, "%s", err.message);
		ck_assert(hash32_eq(&r.block_hash, &b.hash));
		ck_assert_msg(rpc_eth_get_transaction_count(c, &tx.from,
		    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, &nonce,
		    &err) == CB_OK, "%s", err.message);
		ck_assert_uint_gt(nonce, tx.nonce);
		rpc_tx_clear(&tx);
		rpc_receipt_clear(&r);
	}
	memset(&f, 0, sizeof(f));
	f.from_block = 0;
	f.to_block = b.number;
	ck_assert_msg(rpc_eth_get_logs(c, &f, &logs, &err) == CB_OK, "%s",
	    err.message);
	rpc_log_list_clear(&logs);
	rpc_block_clear(&b);
	ck_assert_msg(rpc_eth_gas_price(c, &price, &err) == CB_OK, "%s",
	    err.message);
	ck_assert_msg(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, 0 }, &b, &err) == CB_OK,
	    "%s", err.message);
	ck_assert_uint_eq(b.number, 0);
	rpc_block_clear(&b);
	ck_assert_msg(rpc_eth_fee_history(c, 4,
	    (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 }, pct, 3, &fh, &err) ==
	    CB_OK, "%s", err.message);
	ck_assert_uint_ge(fh.block_count, 1);
	ck_assert_uint_le(fh.block_count, 4);
	ck_assert_uint_eq(fh.percentile_count, 3);
	rpc_fee_history_clear(&fh);
	rpc_client_free(c);
}
END_TEST

/* Up to max hashes of transactions in the newest 64 blocks, found with one
 * batch of eth_getBlockByNumber. */
static size_t
live_recent_txs(struct rpc_client *c, struct hash32 *out, size_t max)
{
	struct rpc_error err;
	struct rpc_block b[64];
	enum cb_err st[64];
	uint64_t head = 0, numbers[64];
	size_t i, j, n, found = 0;

	ck_assert_msg(rpc_eth_block_number(c, &head, &err) == CB_OK, "%s",
	    err.message);
	n = head + 1 < 64 ? (size_t)head + 1 : 64;
	for (i = 0; i < n; i++)
		numbers[i] = head - i;
	ck_assert_msg(rpc_eth_get_blocks_by_number(c, numbers, n, b, st, &err) ==
	    CB_OK, "%s", err.message);
	for (i = 0; i < n; i++) {
		ck_assert_msg(st[i] == CB_OK, "block %llu: %s",
		    (unsigned long long)numbers[i], cb_errcode(st[i]));
		ck_assert_uint_eq(b[i].number, numbers[i]);
		for (j = 0; j < b[i].tx_count && found < max; j++)
			out[found++] = b[i].tx_hashes[j];
		rpc_block_clear(&b[i]);
	}
	return found;
}

/* Receipts and transactions of recent blocks in one batch each, with a
 * hash the node does not know in the middle. */
START_TEST(test_live_batches)
{
	struct rpc_client *c;
	struct rpc_error err;
	struct hash32 hashes[9];
	struct rpc_receipt r[9];
	struct rpc_tx tx[9];
	enum cb_err st_r[9], st_t[9];
	size_t i, n, unknown;

	c = rpc_client_new(live_url, NULL);
	ck_assert_ptr_nonnull(c);
	n = live_recent_txs(c, hashes, 8);
	if (n == 0)
		fprintf(stderr, "rpc_live: no transaction in the last 64 "
		    "blocks; only the unknown hash is checked\n");
	/* Not a transaction anyone sent. */
	unknown = n / 2;
	memmove(&hashes[unknown + 1], &hashes[unknown],
	    (n - unknown) * sizeof(hashes[0]));
	memset(&hashes[unknown], 0xee, sizeof(hashes[unknown]));
	n++;
	ck_assert_msg(rpc_eth_get_transaction_receipts(c, hashes, n, r, st_r,
	    &err) == CB_OK, "%s", err.message);
	ck_assert_msg(rpc_eth_get_transactions_by_hash(c, hashes, n, tx, st_t,
	    &err) == CB_OK, "%s", err.message);
	for (i = 0; i < n; i++) {
		if (i == unknown) {
			ck_assert_int_eq(st_r[i], CB_ERR_NOT_FOUND);
			ck_assert_int_eq(st_t[i], CB_ERR_NOT_FOUND);
			continue;
		}
		ck_assert_msg(st_r[i] == CB_OK, "receipt %zu: %s", i,
		    cb_errcode(st_r[i]));
		ck_assert_msg(st_t[i] == CB_OK, "tx %zu: %s", i,
		    cb_errcode(st_t[i]));
		ck_assert(hash32_eq(&r[i].tx_hash, &hashes[i]));
		ck_assert(hash32_eq(&tx[i].hash, &hashes[i]));
		ck_assert(tx[i].mined);
		ck_assert(hash32_eq(&tx[i].block_hash, &r[i].block_hash));
		ck_assert_uint_eq(tx[i].block_number, r[i].block_number);
		ck_assert(address_eq(&tx[i].from, &r[i].from));
		rpc_receipt_clear(&r[i]);
		rpc_tx_clear(&tx[i]);
	}
	rpc_client_free(c);
}
END_TEST

/* safe and finalized blocks, and nonces at numbers and tags. */
START_TEST(test_live_tags_nonce)
{
	static const enum rpc_block_tag tags[] = { RPC_BLOCK_LATEST,
	    RPC_BLOCK_SAFE, RPC_BLOCK_FINALIZED, RPC_BLOCK_EARLIEST,
	    RPC_BLOCK_PENDING };
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_block safe, fin;
	struct rpc_tx tx;
	struct hash32 h;
	struct address sender;
	uint64_t head = 0, nonce[5], at_head = 0, at_zero = 9;
	size_t i;
	enum cb_err rc;

	c = rpc_client_new(live_url, NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_msg(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_SAFE, 0 }, &safe, &err) == CB_OK,
	    "safe: %s", err.message);
	ck_assert_msg(rpc_eth_get_block_by_number(c,
	    (struct rpc_block_ref){ RPC_BLOCK_FINALIZED, 0 }, &fin, &err) ==
	    CB_OK, "finalized: %s", err.message);
	ck_assert_msg(rpc_eth_block_number(c, &head, &err) == CB_OK, "%s",
	    err.message);
	ck_assert_uint_le(fin.number, safe.number);
	ck_assert_uint_le(safe.number, head);
	ck_assert(!safe.pending && !hash32_is_zero(&safe.hash));
	rpc_block_clear(&safe);
	rpc_block_clear(&fin);

	/* The sender of a recent transaction, or the zero address. */
	memset(&sender, 0, sizeof(sender));
	if (live_recent_txs(c, &h, 1) == 1) {
		ck_assert_msg(rpc_eth_get_transaction_by_hash(c, &h, &tx, &err) ==
		    CB_OK, "%s", err.message);
		sender = tx.from;
		rpc_tx_clear(&tx);
	}
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		ck_assert_msg(rpc_eth_get_transaction_count(c, &sender,
		    (struct rpc_block_ref){ tags[i], 0 }, &nonce[i], &err) ==
		    CB_OK, "tag %d: %s", (int)tags[i], err.message);
	ck_assert_msg(rpc_eth_get_transaction_count(c, &sender,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, head }, &at_head, &err) ==
	    CB_OK, "%s", err.message);
	ck_assert_msg(rpc_eth_get_transaction_count(c, &sender,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, 0 }, &at_zero, &err) ==
	    CB_OK, "%s", err.message);
	/* earliest <= finalized <= safe <= head <= latest <= pending. */
	ck_assert_uint_eq(at_zero, nonce[3]);
	ck_assert_uint_le(nonce[3], nonce[2]);
	ck_assert_uint_le(nonce[2], nonce[1]);
	ck_assert_uint_le(nonce[1], at_head);
	ck_assert_uint_le(at_head, nonce[0]);
	ck_assert_uint_le(nonce[0], nonce[4]);
	/* A block far past the head is the node's error. */
	rc = rpc_eth_get_transaction_count(c, &sender,
	    (struct rpc_block_ref){ RPC_BLOCK_NUMBER, head + 1000000 }, &at_head,
	    &err);
	ck_assert_msg(rc == CB_ERR_RPC || rc == CB_ERR_NOT_FOUND,
	    "nonce past the head: %s %s", cb_errcode(rc), err.message);
	rpc_client_free(c);
}
END_TEST

/*
 * Init code that reverts with payload: CODECOPY the bytes after these 12
 * into memory and REVERT with them.  Run by eth_call/eth_estimateGas as a
 * contract creation, it needs no deployed contract.
 */
static size_t
live_revert_code(const uint8_t *payload, size_t len, uint8_t *out)
{
	static const uint8_t head[12] = { 0x60, 0, 0x60, 12, 0x60, 0, 0x39,
	    0x60, 0, 0x60, 0, 0xfd };

	ck_assert_uint_lt(len, 256);
	memcpy(out, head, sizeof(head));
	out[1] = (uint8_t)len;
	out[8] = (uint8_t)len;
	memcpy(out + sizeof(head), payload, len);
	return sizeof(head) + len;
}

static const struct {
	const char	*payload;
	enum revert_kind kind;
	const char	*describe;
} live_reverts[] = {
	{ "0x08c379a0"
	    "0000000000000000000000000000000000000000000000000000000000000020"
	    "0000000000000000000000000000000000000000000000000000000000000004"
	    "6e6f706500000000000000000000000000000000000000000000000000000000",
	    REVERT_ERROR, "Error(\"nope\")" },
	{ "0x4e487b71"
	    "0000000000000000000000000000000000000000000000000000000000000011",
	    REVERT_PANIC, "Panic(0x11: arithmetic underflow or overflow)" },
	{ "0xbd6afbc9"
	    "00000000000000000000000000000000000000000000000000000000000000ab",
	    REVERT_CUSTOM, "custom error 0xbd6afbc9 (32 bytes of arguments)" },
	{ "0x", REVERT_EMPTY, "revert without data" },
};

/* What the node puts in error.data for a reverted eth_call/eth_estimateGas. */
START_TEST(test_live_reverts)
{
	struct rpc_client *c;
	struct rpc_error err;
	struct rpc_call_msg msg;
	struct revert_reason r;
	uint8_t payload[256], code[300], data[RPC_REVERT_DATA_MAX], *ret = NULL;
	uint8_t bad_opcode = 0xfe;
	char text[REVERT_DESCRIBE_MAX];
	size_t plen, len, ret_len;
	uint64_t gas;
	int pass;
	enum cb_err rc;

	c = rpc_client_new(live_url, NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(hex_decode(payload, sizeof(payload),
	    live_reverts[_i].payload, strlen(live_reverts[_i].payload), &plen), 0);
	memset(&msg, 0, sizeof(msg));
	msg.data = code;
	msg.data_len = live_revert_code(payload, plen, code);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			rc = rpc_eth_call(c, &msg, (struct rpc_block_ref){
			    RPC_BLOCK_LATEST, 0 }, &ret, &ret_len, &err);
		else
			rc = rpc_eth_estimate_gas(c, &msg, &gas, &err);
		ck_assert_msg(rc == CB_ERR_RPC, "pass %d: %s %s", pass,
		    cb_errcode(rc), err.message);
		ck_assert_int_eq(err.errclass, RPC_ERRCLASS_REVERTED);
		ck_assert_msg(rpc_error_revert_data(&err, data, sizeof(data),
		    &len) == CB_OK, "pass %d: data '%s'", pass, err.data);
		ck_assert_uint_eq(len, plen);
		ck_assert(len == 0 || memcmp(data, payload, len) == 0);
		ck_assert_int_eq(revert_decode(data, len, &r), CB_OK);
		ck_assert_int_eq(r.kind, live_reverts[_i].kind);
		revert_describe(&r, text, sizeof(text));
		ck_assert_str_eq(text, live_reverts[_i].describe);
	}
	/* A failure that is no revert carries no revert data. */
	msg.data = &bad_opcode;
	msg.data_len = 1;
	rc = rpc_eth_call(c, &msg, (struct rpc_block_ref){ RPC_BLOCK_LATEST, 0 },
	    &ret, &ret_len, &err);
	ck_assert_int_eq(rc, CB_ERR_RPC);
	ck_assert_int_ne(rpc_error_revert_data(&err, data, sizeof(data), &len),
	    CB_OK);
	rpc_client_free(c);
}
END_TEST

static Suite *
rpc_suite(void)
{
	Suite *s = suite_create("rpc_live");
	TCase *tc = tcase_create("node");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_live);
	tcase_add_test(tc, test_live_batches);
	tcase_add_test(tc, test_live_tags_nonce);
	tcase_add_loop_test(tc, test_live_reverts, 0,
	    sizeof(live_reverts) / sizeof(live_reverts[0]));
	suite_add_tcase(s, tc);
	return s;
}

#endif /* RPC_TEST_LIVE */

int
main(void)
{
	SRunner *sr;
	int failed;

#ifdef RPC_TEST_LIVE
	live_url = getenv("ETH_RPC_URL");
	if (live_url == NULL || *live_url == '\0') {
		const char *req = getenv("CB_REQUIRE_STACK");

		if (req != NULL && strcmp(req, "1") == 0) {
			fprintf(stderr, "ETH_RPC_URL is not set but "
			    "CB_REQUIRE_STACK=1\n");
			return 99;
		}
		fprintf(stderr, "ETH_RPC_URL not set: skipping\n");
		return 77;
	}
#endif
	if (rpc_global_init() != CB_OK)
		return 99;
	sr = srunner_create(rpc_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rpc_global_cleanup();
	return failed == 0 ? 0 : 1;
}

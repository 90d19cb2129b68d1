/* router.c - route tables: matching a method and a raw path (router.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "router.h"

/* One path segment: s[0..len). */
struct router_seg {
	const char	*s;
	size_t		 len;
};

#define ROUTER_MAX_SEGS	32

/*
 * Splits path into segments (path starts with '/').  Returns the number
 * of segments, or -1 when the path does not start with '/', holds an
 * empty segment ("//", trailing "/") or has too many segments.  "/" alone
 * has no segment.
 */
static int
router_split(const char *path, size_t len, struct router_seg *segs, int cap)
{
	size_t i = 1, start;
	int n = 0;

	if (len == 0 || path[0] != '/')
		return -1;
	if (len == 1)
		return 0;
	while (i <= len) {
		start = i;
		while (i < len && path[i] != '/')
			i++;
		if (i == start || n == cap)
			return -1;
		segs[n].s = path + start;
		segs[n].len = i - start;
		n++;
		i++;
	}
	return n;
}

static bool
router_is_param(const struct router_seg *seg)
{
	return seg->len >= 3 && seg->s[0] == '{' && seg->s[seg->len - 1] == '}';
}

/*
 * Matches the path segments against pattern; on a match stores the param
 * segments (raw) into params.  Returns true on a match.  The pattern is
 * walked in place, segment by segment, and the first literal that differs
 * ends the walk: every request tries the routes in turn, and splitting
 * each pattern first cost more than the rest of the request's routing.
 * A pattern router_check() would refuse (an empty segment, a trailing
 * '/') matches nothing.
 */
static bool
router_pattern_match(const char *pattern, const struct router_seg *segs,
    int nsegs, struct router_seg *params, unsigned *nparams)
{
	const char *p = pattern, *seg;
	struct router_seg one;
	unsigned k = 0;
	int i;

	if (*p != '/')
		return false;
	if (p[1] == '\0') {
		*nparams = 0;
		return nsegs == 0;
	}
	for (i = 0; i < nsegs; i++) {
		if (*p != '/')
			return false;	/* the pattern has fewer segments */
		seg = ++p;
		while (*p != '\0' && *p != '/')
			p++;
		one.s = seg;
		one.len = (size_t)(p - seg);
		if (router_is_param(&one)) {
			if (k == ROUTE_MAX_PARAMS)
				return false;
			params[k++] = segs[i];
			continue;
		}
		if (one.len != segs[i].len || memcmp(seg, segs[i].s, one.len) != 0)
			return false;
	}
	if (*p != '\0')
		return false;		/* the pattern has more segments */
	*nparams = k;
	return true;
}

/* Appends name to the Allow list unless it is there already. */
static void
router_allow_add(char *allow, size_t cap, const char *name)
{
	const char *p = allow;
	size_t nlen = strlen(name), used = strlen(allow);

	while ((p = strstr(p, name)) != NULL) {
		bool start = p == allow || p[-1] == ' ';
		bool end = p[nlen] == '\0' || p[nlen] == ',';

		if (start && end)
			return;
		p += nlen;
	}
	if (used + (used > 0 ? 2 : 0) + nlen + 1 > cap)
		return;
	snprintf(allow + used, cap - used, "%s%s", used > 0 ? ", " : "", name);
}

/* Percent-decodes one param segment into dst; false on a bad escape,
 * a decoded NUL or '/'. */
static bool
router_decode_param(const struct router_seg *seg, char *dst, size_t cap,
    size_t *out_len)
{
	size_t n = http_percent_decode(seg->s, seg->len, dst, cap, false);

	if (n == (size_t)-1 || n == 0 || memchr(dst, '/', n) != NULL)
		return false;
	*out_len = n;
	return true;
}

enum router_result
router_match(const struct router_table *tables, size_t ntables,
    enum http_method method, const char *path, size_t len,
    struct router_match *m)
{
	struct router_seg segs[ROUTER_MAX_SEGS], params[ROUTE_MAX_PARAMS];
	const struct route *found = NULL;
	unsigned nparams = 0, k;
	size_t t, i, off = 0;
	int nsegs;

	memset(m->params, 0, sizeof(m->params));
	memset(m->param_len, 0, sizeof(m->param_len));
	m->route = NULL;
	m->nparams = 0;
	m->allow[0] = '\0';
	if (len > HTTP_PATH_MAX)
		return ROUTER_TOO_LONG;
	nsegs = router_split(path, len, segs, ROUTER_MAX_SEGS);
	if (nsegs < 0)
		return ROUTER_NOT_FOUND;
	/* The first match wins; the Allow list is only needed without one. */
	for (t = 0; t < ntables && found == NULL; t++) {
		for (i = 0; i < tables[t].count; i++) {
			const struct route *r = &tables[t].routes[i];
			struct router_seg p[ROUTE_MAX_PARAMS];
			unsigned np = 0;

			if (!router_pattern_match(r->pattern, segs, nsegs, p, &np))
				continue;
			if (r->method == method) {
				found = r;
				memcpy(params, p, sizeof(p));
				nparams = np;
				break;
			}
			router_allow_add(m->allow, sizeof(m->allow),
			    http_method_name(r->method));
		}
	}
	if (found == NULL)
		return m->allow[0] != '\0' ? ROUTER_METHOD_NOT_ALLOWED :
		    ROUTER_NOT_FOUND;
	m->allow[0] = '\0';
	for (k = 0; k < nparams; k++) {
		size_t n;

		if (!router_decode_param(&params[k], m->storage + off,
		    sizeof(m->storage) - off, &n))
			return ROUTER_BAD_PARAM;
		m->params[k] = m->storage + off;
		m->param_len[k] = n;
		off += n + 1;
	}
	m->route = found;
	m->nparams = nparams;
	return ROUTER_MATCH;
}

bool
router_query_allowed(const struct route *route, const char *key)
{
	size_t i;

	if (route->query_keys == NULL)
		return false;
	for (i = 0; route->query_keys[i] != NULL; i++)
		if (strcmp(route->query_keys[i], key) == 0)
			return true;
	return false;
}

/* Checks one pattern's shape; false with a message. */
static bool
router_check_pattern(const struct route *r, char *errbuf, size_t errlen)
{
	struct router_seg segs[ROUTER_MAX_SEGS];
	int n, i, nparams = 0;
	size_t j;

	n = router_split(r->pattern, strlen(r->pattern), segs, ROUTER_MAX_SEGS);
	if (n < 0) {
		snprintf(errbuf, errlen, "route %s: bad pattern", r->pattern);
		return false;
	}
	for (i = 0; i < n; i++) {
		bool param = router_is_param(&segs[i]);

		for (j = param ? 1 : 0; j < segs[i].len - (param ? 1 : 0); j++) {
			char c = segs[i].s[j];

			if (c == '{' || c == '}' || c == '%' || c == '?') {
				snprintf(errbuf, errlen,
				    "route %s: bad character in pattern",
				    r->pattern);
				return false;
			}
		}
		if (param)
			nparams++;
	}
	if (nparams > ROUTE_MAX_PARAMS) {
		snprintf(errbuf, errlen, "route %s: more than %d params",
		    r->pattern, ROUTE_MAX_PARAMS);
		return false;
	}
	return true;
}

bool
router_check(const struct router_table *tables, size_t ntables,
    char *errbuf, size_t errlen)
{
	size_t t, i, u, k;

	for (t = 0; t < ntables; t++) {
		for (i = 0; i < tables[t].count; i++) {
			const struct route *r = &tables[t].routes[i];

			if (r->pattern == NULL || r->handler == NULL ||
			    r->name == NULL || r->name[0] == '\0' ||
			    r->method >= HTTP_OTHER) {
				snprintf(errbuf, errlen,
				    "route %zu of table %zu: incomplete", i, t);
				return false;
			}
			if (!router_check_pattern(r, errbuf, errlen))
				return false;
			for (u = 0; u <= t; u++) {
				for (k = 0; k < (u == t ? i : tables[u].count); k++) {
					const struct route *o = &tables[u].routes[k];

					if (o->method == r->method &&
					    strcmp(o->pattern, r->pattern) == 0) {
						snprintf(errbuf, errlen,
						    "route %s %s: defined twice",
						    http_method_name(r->method),
						    r->pattern);
						return false;
					}
				}
			}
		}
	}
	return true;
}

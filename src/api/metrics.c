/* metrics.c - shared request counters and their Prometheus text (metrics.h). */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "metrics.h"

/* Upper bounds of the latency buckets, in microseconds, and as the
 * seconds text Prometheus reads in the le label. */
static const uint64_t bucket_us[METRICS_NBUCKETS - 1] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000,
};
static const char *const bucket_le[METRICS_NBUCKETS] = {
	"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
	"0.25", "0.5", "1", "+Inf",
};

/* The statuses counted one by one; anything else is "other". */
static const int tracked_status[METRICS_NSTATUS - 1] = {
	200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 414, 415, 422, 429,
	500, 502, 503, 504,
};

struct metrics *
metrics_create(void)
{
	void *p;

	p = mmap(NULL, sizeof(struct metrics), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Anonymous mappings are zero-filled, which is a valid all-zero
	 * state for lock-free atomics. */
	return p;
}

void
metrics_destroy(struct metrics *m)
{
	if (m == NULL)
		return;
	munmap(m, sizeof(*m));
}

unsigned
metrics_route_slot(const struct router_table *tables, size_t ntables,
    const struct route *r)
{
	size_t t, base = 1;

	if (r == NULL)
		return 0;
	for (t = 0; t < ntables; t++) {
		if (r >= tables[t].routes && r < tables[t].routes + tables[t].count) {
			size_t slot = base + (size_t)(r - tables[t].routes);

			return slot < METRICS_MAX_ROUTES ? (unsigned)slot : 0;
		}
		base += tables[t].count;
	}
	return 0;
}

unsigned
metrics_status_index(int status)
{
	unsigned i;

	for (i = 0; i < METRICS_NSTATUS - 1; i++)
		if (tracked_status[i] == status)
			return i;
	return METRICS_NSTATUS - 1;
}

int
metrics_status_code(unsigned index)
{
	return index < METRICS_NSTATUS - 1 ? tracked_status[index] : 0;
}

void
metrics_add(atomic_uint_fast64_t *counter, uint64_t n)
{
	if (counter != NULL)
		atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

void
metrics_request(struct metrics *m, unsigned slot, int status,
    uint64_t duration_us)
{
	unsigned b;

	if (m == NULL)
		return;
	if (slot >= METRICS_MAX_ROUTES)
		slot = 0;
	for (b = 0; b < METRICS_NBUCKETS - 1; b++)
		if (duration_us <= bucket_us[b])
			break;
	atomic_fetch_add_explicit(&m->requests[slot][metrics_status_index(status)],
	    1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->duration_bucket[slot][b], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&m->duration_sum_us[slot], duration_us,
	    memory_order_relaxed);
}

static uint64_t
metrics_load(const atomic_uint_fast64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

/* The route of slot (NULL for slot 0 or past the tables). */
static const struct route *
metrics_slot_route(const struct router_table *tables, size_t ntables,
    unsigned slot)
{
	size_t t, base = 1;

	if (slot == 0)
		return NULL;
	for (t = 0; t < ntables; t++) {
		if (slot < base + tables[t].count)
			return &tables[t].routes[slot - base];
		base += tables[t].count;
	}
	return NULL;
}

/* Writes the route and method labels of slot into out. */
static enum cb_err
metrics_labels(struct buf *out, const struct router_table *tables,
    size_t ntables, unsigned slot)
{
	const struct route *r = metrics_slot_route(tables, ntables, slot);

	if (r == NULL)
		return buf_puts(out, "route=\"unmatched\",method=\"\"");
	/* Names and methods are compile-time constants of [a-z_]. */
	return buf_printf(out, "route=\"%s\",method=\"%s\"", r->name,
	    http_method_name(r->method));
}

static enum cb_err
metrics_render_requests(const struct metrics *m,
    const struct router_table *tables, size_t ntables, struct buf *out)
{
	enum cb_err err;
	unsigned slot, s;

	err = buf_puts(out,
	    "# HELP chainbridge_api_requests_total HTTP requests answered, by route and status.\n"
	    "# TYPE chainbridge_api_requests_total counter\n");
	for (slot = 0; err == CB_OK && slot < METRICS_MAX_ROUTES; slot++) {
		for (s = 0; err == CB_OK && s < METRICS_NSTATUS; s++) {
			uint64_t n = metrics_load(&m->requests[slot][s]);
			int code = metrics_status_code(s);

			if (n == 0)
				continue;
			err = buf_puts(out, "chainbridge_api_requests_total{");
			if (err == CB_OK)
				err = metrics_labels(out, tables, ntables, slot);
			if (err == CB_OK && code != 0)
				err = buf_printf(out, ",status=\"%d\"} %" PRIu64 "\n",
				    code, n);
			else if (err == CB_OK)
				err = buf_printf(out, ",status=\"other\"} %" PRIu64 "\n",
				    n);
		}
	}
	return err;
}

static enum cb_err
metrics_render_histogram(const struct metrics *m,
    const struct router_table *tables, size_t ntables, struct buf *out)
{
	enum cb_err err;
	unsigned slot, b;

	err = buf_puts(out,
	    "# HELP chainbridge_api_request_duration_seconds Time from the request's arrival at the worker to its answer.\n"
	    "# TYPE chainbridge_api_request_duration_seconds histogram\n");
	for (slot = 0; err == CB_OK && slot < METRICS_MAX_ROUTES; slot++) {
		uint64_t cum = 0, total = 0, sum;

		for (b = 0; b < METRICS_NBUCKETS; b++)
			total += metrics_load(&m->duration_bucket[slot][b]);
		if (total == 0)
			continue;
		for (b = 0; err == CB_OK && b < METRICS_NBUCKETS; b++) {
			cum += metrics_load(&m->duration_bucket[slot][b]);
			err = buf_puts(out,
			    "chainbridge_api_request_duration_seconds_bucket{");
			if (err == CB_OK)
				err = metrics_labels(out, tables, ntables, slot);
			if (err == CB_OK)
				err = buf_printf(out, ",le=\"%s\"} %" PRIu64 "\n",
				    bucket_le[b], cum);
		}
		sum = metrics_load(&m->duration_sum_us[slot]);
		if (err == CB_OK)
			err = buf_puts(out,
			    "chainbridge_api_request_duration_seconds_sum{");
		if (err == CB_OK)
			err = metrics_labels(out, tables, ntables, slot);
		if (err == CB_OK)
			err = buf_printf(out, "} %" PRIu64 ".%06" PRIu64 "\n",
			    sum / 1000000u, sum % 1000000u);
		if (err == CB_OK)
			err = buf_puts(out,
			    "chainbridge_api_request_duration_seconds_count{");
		if (err == CB_OK)
			err = metrics_labels(out, tables, ntables, slot);
		if (err == CB_OK)
			err = buf_printf(out, "} %" PRIu64 "\n", cum);
	}
	return err;
}

enum cb_err
metrics_render(const struct metrics *m, const struct router_table *tables,
    size_t ntables, struct buf *out)
{
	enum cb_err err;

	err = metrics_render_requests(m, tables, ntables, out);
	if (err == CB_OK)
		err = metrics_render_histogram(m, tables, ntables, out);
	if (err == CB_OK)
		err = buf_printf(out,
		    "# HELP chainbridge_api_store_errors_total Requests answered 503 because the store was unavailable.\n"
		    "# TYPE chainbridge_api_store_errors_total counter\n"
		    "chainbridge_api_store_errors_total %" PRIu64 "\n"
		    "# HELP chainbridge_api_store_reconnects_total Store connections re-established by workers.\n"
		    "# TYPE chainbridge_api_store_reconnects_total counter\n"
		    "chainbridge_api_store_reconnects_total %" PRIu64 "\n"
		    "# HELP chainbridge_api_worker_restarts_total Workers started again after one exited.\n"
		    "# TYPE chainbridge_api_worker_restarts_total counter\n"
		    "chainbridge_api_worker_restarts_total %" PRIu64 "\n"
		    "# HELP chainbridge_api_workers Worker processes running.\n"
		    "# TYPE chainbridge_api_workers gauge\n"
		    "chainbridge_api_workers %" PRIu64 "\n"
		    "# HELP chainbridge_api_config_reloads_total Configuration reloads, by result.\n"
		    "# TYPE chainbridge_api_config_reloads_total counter\n"
		    "chainbridge_api_config_reloads_total{result=\"ok\"} %" PRIu64 "\n"
		    "chainbridge_api_config_reloads_total{result=\"error\"} %" PRIu64 "\n",
		    metrics_load(&m->store_errors),
		    metrics_load(&m->store_reconnects),
		    metrics_load(&m->worker_restarts),
		    metrics_load(&m->workers),
		    metrics_load(&m->config_reloads),
		    metrics_load(&m->config_reload_errors));
	return err;
}

/*
 * main.c - chainbridge-api's master process: configuration, the listening
 * socket, the preforked workers, respawning, reload and shutdown.
 *
 * The master never serves a request and never opens the store.  It owns
 * the listening socket for its whole life (from systemd socket activation
 * or created at the configured path), forks [api] workers workers, and
 * then waits for signals:
 *
 *	SIGCHLD		a worker exited: log how, start another (with a
 *			backoff when workers keep dying young)
 *	SIGTERM/INT	stop: workers finish the request in flight and exit;
 *			after [api] shutdown_timeout the rest are killed
 *	SIGHUP		re-read the configuration; on success replace the
 *			workers one at a time (start a new one, then stop an
 *			old one gracefully); on error keep running as before
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "core/monotime.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/proc.h"
#include "metrics.h"
#include "router.h"
#include "worker.h"

#define API_IDENT		"chainbridge-api"
#define API_MAX_WORKERS		256	/* [api] workers upper bound */
#define API_MAX_CHILDREN	(2 * API_MAX_WORKERS)
#define API_BACKLOG		1024
#define API_BACKOFF_MIN_MS	100
#define API_BACKOFF_MAX_MS	10000
#define API_HEALTHY_MS		5000	/* a worker that lived this long resets the backoff */
#define API_RELOAD_STEP_MS	50	/* between two worker replacements */
#define SD_LISTEN_FDS_START	3

struct child {
	pid_t		 pid;
	unsigned	 slot;
	bool		 retiring;	/* asked to stop; not replaced on exit */
	uint64_t	 started_ms;
	uint64_t	 term_ms;	/* when SIGTERM was sent, 0 if not */
};

struct slot_state {
	uint64_t	 next_spawn_ms;	/* earliest time to (re)start */
	unsigned	 backoff_ms;
	bool		 reload;	/* to be replaced by a reload */
};

struct master {
	struct config	*cfg;
	const char	*conf_path;
	const char	*socket_override;
	unsigned	 workers_override;	/* 0 = from the configuration */
	bool		 check_only;	/* -t: validate the configuration, exit */
	unsigned	 max_requests;	/* per worker before it is recycled; 0 = no limit */
	unsigned	 nworkers;
	int		 listen_fd;
	bool		 socket_from_systemd;
	bool		 socket_created;
	char		 socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct metrics	*metrics;
	struct router_table tables[2];
	struct child	 children[API_MAX_CHILDREN];
	size_t		 nchildren;
	struct slot_state slots[API_MAX_WORKERS];
	bool		 stopping;
	uint64_t	 stop_deadline_ms;
	uint64_t	 next_reload_ms;
	bool		 reloading;
};

static void
master_usage(FILE *f)
{
	fprintf(f,
	    "usage: " API_IDENT " [-htV] [-c conf] [-r requests] [-s socket] [-w workers]\n"
	    "  -c conf     configuration file (default " CONFIG_DEFAULT_PATH ")\n"
	    "  -t          check the configuration and exit (0 valid, 1 not)\n"
	    "  -r requests recycle a worker after this many requests (default: never)\n"
	    "  -s socket   FastCGI unix socket path (overrides [api] socket)\n"
	    "  -w workers  number of worker processes (overrides [api] workers)\n"
	    "  -h          this help\n"
	    "  -V, --version print the version\n");
}

/* Parses a whole decimal number in [min, max]. */
static bool
master_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/*
 * The socket passed by systemd (sd_listen_fds(3) protocol): LISTEN_PID
 * names this process and LISTEN_FDS counts descriptors from 3.  Returns
 * the first one, or -1 when the variables are absent or not for us.  The
 * variables are removed so the workers never see them.
 */
static int
master_systemd_socket(void)
{
	const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
	unsigned pid, nfds;
	struct stat st;
	int fd = -1;

	if (pid_s == NULL || fds_s == NULL)
		goto out;
	if (!master_parse_uint(pid_s, 1, UINT32_MAX, &pid) ||
	    (pid_t)pid != getpid() || !master_parse_uint(fds_s, 1, 64, &nfds))
		goto out;
	if (fstat(SD_LISTEN_FDS_START, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		log_errorx("systemd_socket", "reason=not_a_socket fd=%d",
		    SD_LISTEN_FDS_START);
		goto out;
	}
	if (nfds > 1)
		log_warnx("systemd_socket", "fds=%u using=%d", nfds,
		    SD_LISTEN_FDS_START);
	fd = SD_LISTEN_FDS_START;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
out:
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return fd;
}

/*
 * Removes a socket file left by an earlier run, but only when it is a
 * socket nobody answers on.  Returns false (logged) when the path is in
 * use or is not a socket.
 */
static bool
master_clear_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) != 0)
		return errno == ENOENT;
	if (!S_ISSOCK(st.st_mode)) {
		log_errorx("socket_path", "reason=exists_not_socket");
		return false;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (rc == 0) {
		log_errorx("socket_path", "reason=in_use");
		return false;
	}
	if (errno != ECONNREFUSED && errno != ENOENT) {
		log_error("socket_path", "reason=probe_failed");
		return false;
	}
	if (unlink(sa->sun_path) != 0 && errno != ENOENT) {
		log_error("socket_path", "reason=unlink_stale");
		return false;
	}
	log_info("socket_stale_removed", NULL);
	return true;
}

/* Creates, binds (mode 0660) and listens on the unix socket at path. */
static int
master_unix_socket(struct master *m, const char *path)
{
	struct sockaddr_un sa;
	mode_t old_umask;
	int fd, rc;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_errorx("socket_path", "reason=too_long");
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (!master_clear_stale(&sa))
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_error("socket_create", NULL);
		return -1;
	}
	/* The socket file is born 0660: no window where others can connect. */
	old_umask = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old_umask);
	if (rc != 0) {
		log_error("socket_bind", NULL);
		close(fd);
		return -1;
	}
	if (listen(fd, API_BACKLOG) != 0) {
		log_error("socket_listen", NULL);
		unlink(sa.sun_path);
		close(fd);
		return -1;
	}
	memcpy(m->socket_path, sa.sun_path, sizeof(m->socket_path));
	m->socket_created = true;
	return fd;
}

static unsigned
master_desired_workers(const struct master *m)
{
	unsigned n = m->workers_override != 0 ? m->workers_override :
	    m->cfg->api.workers;

	return n > API_MAX_WORKERS ? API_MAX_WORKERS : n;
}

static void
master_log_setup(const struct config *cfg)
{
	log_init(API_IDENT, cfg->log.level, cfg->log.format);
}

/* Forks the worker of slot.  Returns false when fork fails. */
static bool
master_spawn(struct master *m, unsigned slot)
{
	struct child *c;
	sigset_t none;
	pid_t pid;

	if (m->nchildren == API_MAX_CHILDREN)
		return false;
	pid = fork();
	if (pid == -1) {
		log_error("worker_fork", "worker=%u", slot);
		return false;
	}
	if (pid == 0) {
		struct worker w;

		memset(&w, 0, sizeof(w));
		w.cfg = m->cfg;
		w.listen_fd = m->listen_fd;
		w.index = slot;
		w.metrics = m->metrics;
		w.max_requests = m->max_requests;
		memcpy(w.tables, m->tables, sizeof(w.tables));
		w.ntables = 2;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		_exit(worker_run(&w));
	}
	c = &m->children[m->nchildren++];
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->slot = slot;
	c->started_ms = monotime_ms();
	metrics_add(&m->metrics->workers, 1);
	return true;
}

/* The live worker of slot that is not being retired, or NULL. */
static struct child *
master_slot_child(struct master *m, unsigned slot)
{
	size_t i;

	for (i = 0; i < m->nchildren; i++)
		if (m->children[i].slot == slot && !m->children[i].retiring)
			return &m->children[i];
	return NULL;
}

static void
master_retire(struct child *c, uint64_t now)
{
	c->retiring = true;
	if (c->term_ms == 0) {
		c->term_ms = now;
		kill(c->pid, SIGTERM);
	}
}

/* Logs how a worker ended: error level when it was not asked to stop. */
static void
master_log_exit(const struct master *m, const struct child *c, int wstatus,
    uint64_t lived)
{
	bool expected = c->retiring || m->stopping;

	if (WIFSIGNALED(wstatus)) {
		if (expected)
			log_info("worker_exit", "worker=%u pid=%ld signal=%d lived_ms=%"
			    PRIu64, c->slot, (long)c->pid, WTERMSIG(wstatus), lived);
		else
			log_errorx("worker_exit", "worker=%u pid=%ld signal=%d"
			    " lived_ms=%" PRIu64, c->slot, (long)c->pid,
			    WTERMSIG(wstatus), lived);
		return;
	}
	if (expected || WEXITSTATUS(wstatus) == 0)
		log_info("worker_exit", "worker=%u pid=%ld status=%d lived_ms=%"
		    PRIu64, c->slot, (long)c->pid, WEXITSTATUS(wstatus), lived);
	else
		log_errorx("worker_exit", "worker=%u pid=%ld status=%d lived_ms=%"
		    PRIu64, c->slot, (long)c->pid, WEXITSTATUS(wstatus), lived);
}

/* Collects exited workers, logs them and schedules replacements. */
static void
master_reap(struct master *m)
{
	uint64_t now = monotime_ms();
	int wstatus;
	pid_t pid;
	size_t i;

	while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
		struct slot_state *s;
		struct child c;
		uint64_t lived;

		for (i = 0; i < m->nchildren; i++)
			if (m->children[i].pid == pid)
				break;
		if (i == m->nchildren)
			continue;
		c = m->children[i];
		m->children[i] = m->children[--m->nchildren];
		atomic_fetch_sub_explicit(&m->metrics->workers, 1,
		    memory_order_relaxed);
		lived = now - c.started_ms;
		master_log_exit(m, &c, wstatus, lived);
		if (c.retiring || m->stopping || c.slot >= API_MAX_WORKERS)
			continue;
		s = &m->slots[c.slot];
		if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
			/* A planned exit (request limit): replace at once. */
			s->next_spawn_ms = now;
			continue;
		}
		/* A crash: back off while workers keep dying young. */
		if (lived >= API_HEALTHY_MS || s->backoff_ms == 0)
			s->backoff_ms = API_BACKOFF_MIN_MS;
		else if (s->backoff_ms < API_BACKOFF_MAX_MS)
			s->backoff_ms = s->backoff_ms * 2 > API_BACKOFF_MAX_MS ?
			    API_BACKOFF_MAX_MS : s->backoff_ms * 2;
		s->next_spawn_ms = now + (lived >= API_HEALTHY_MS ? 0 :
		    s->backoff_ms);
		metrics_add(&m->metrics->worker_restarts, 1);
		log_warnx("worker_respawn", "worker=%u in_ms=%" PRIu64, c.slot,
		    s->next_spawn_ms - now);
	}
}

/* Starts the workers that are due and retires slots past the count. */
static void
master_fill(struct master *m, uint64_t now)
{
	unsigned want = master_desired_workers(m), slot;
	size_t i;

	for (i = 0; i < m->nchildren; i++)
		if (m->children[i].slot >= want && !m->children[i].retiring)
			master_retire(&m->children[i], now);
	for (slot = 0; slot < want; slot++) {
		if (master_slot_child(m, slot) != NULL ||
		    m->slots[slot].next_spawn_ms > now)
			continue;
		if (!master_spawn(m, slot))
			m->slots[slot].next_spawn_ms = now + API_BACKOFF_MAX_MS;
	}
}

/*
 * One step of a reload: replaces the next worker marked for it (start
 * the new one, then stop the old one gracefully).  Clears m->reloading
 * when none is left.
 */
static void
master_reload_step(struct master *m, uint64_t now)
{
	unsigned want = master_desired_workers(m), slot;

	for (slot = 0; slot < want; slot++) {
		struct child *old;
		size_t idx;

		if (!m->slots[slot].reload)
			continue;
		m->slots[slot].reload = false;
		if ((old = master_slot_child(m, slot)) == NULL)
			continue;	/* master_fill starts it with the new config */
		idx = (size_t)(old - m->children);
		/* New one first; if the fork fails the old one keeps serving. */
		if (!master_spawn(m, slot))
			continue;
		master_retire(&m->children[idx], now);
		m->next_reload_ms = now + API_RELOAD_STEP_MS;
		return;
	}
	for (slot = 0; slot < API_MAX_WORKERS; slot++)
		m->slots[slot].reload = false;
	m->reloading = false;
	log_info("reload_done", "workers=%u", want);
}

/* SIGHUP: loads the file again; on success schedules the replacement. */
static void
master_reload(struct master *m)
{
	struct config *cfg;
	char errbuf[512], q[LOG_Q_MAX];
	unsigned slot;

	cfg = config_load(m->conf_path, errbuf, sizeof(errbuf));
	if (cfg == NULL) {
		log_errorx("reload_failed", "detail=%s keeping=old_config",
		    log_q(q, sizeof(q), errbuf, strlen(errbuf)));
		metrics_add(&m->metrics->config_reload_errors, 1);
		return;
	}
	if (!m->socket_from_systemd && m->socket_override == NULL &&
	    strcmp(cfg->api.socket, m->socket_path) != 0)
		log_warnx("reload_socket_unchanged",
		    "reason=socket_change_needs_restart");
	if (cfg->api.max_body != m->cfg->api.max_body)
		log_info("reload_max_body", "max_body=%zu", cfg->api.max_body);
	config_free(m->cfg);
	m->cfg = cfg;
	master_log_setup(cfg);
	metrics_add(&m->metrics->config_reloads, 1);
	for (slot = 0; slot < API_MAX_WORKERS; slot++)
		m->slots[slot].reload = true;
	m->reloading = true;
	m->next_reload_ms = 0;
	log_info("reload", "workers=%u", master_desired_workers(m));
}

static void
master_begin_stop(struct master *m, int sig)
{
	uint64_t now = monotime_ms();
	size_t i;

	if (m->stopping)
		return;
	m->stopping = true;
	m->stop_deadline_ms = now + (uint64_t)m->cfg->api.shutdown_timeout * 1000u;
	log_info("stopping", "signal=%d workers=%zu timeout_s=%u", sig,
	    m->nchildren, m->cfg->api.shutdown_timeout);
	for (i = 0; i < m->nchildren; i++)
		master_retire(&m->children[i], now);
}

/* Kills workers that did not stop within the shutdown timeout. */
static void
master_enforce_deadlines(struct master *m, uint64_t now)
{
	uint64_t limit = (uint64_t)m->cfg->api.shutdown_timeout * 1000u;
	size_t i;

	for (i = 0; i < m->nchildren; i++) {
		struct child *c = &m->children[i];

		if (c->term_ms == 0 || now < c->term_ms + limit)
			continue;
		log_warnx("worker_kill", "worker=%u pid=%ld reason=shutdown_timeout",
		    c->slot, (long)c->pid);
		kill(c->pid, SIGKILL);
		/* Do not kill again on every wake-up. */
		c->term_ms = UINT64_MAX / 2;
	}
}

/* How long to sleep until the next timed action, in ms (at most 1000). */
static uint64_t
master_next_wait(const struct master *m, uint64_t now)
{
	uint64_t wait = 1000, limit = (uint64_t)m->cfg->api.shutdown_timeout * 1000u;
	unsigned want = master_desired_workers(m), slot;
	size_t i;

	if (!m->stopping) {
		for (slot = 0; slot < want; slot++) {
			const struct slot_state *s = &m->slots[slot];

			if (s->next_spawn_ms > now && s->next_spawn_ms - now < wait)
				wait = s->next_spawn_ms - now;
		}
		if (m->reloading && m->next_reload_ms <= now)
			wait = 0;
		else if (m->reloading && m->next_reload_ms - now < wait)
			wait = m->next_reload_ms - now;
	}
	for (i = 0; i < m->nchildren; i++) {
		const struct child *c = &m->children[i];

		if (c->term_ms != 0 && c->term_ms < UINT64_MAX / 4) {
			uint64_t due = c->term_ms + limit;

			if (due <= now)
				return 0;
			if (due - now < wait)
				wait = due - now;
		}
	}
	return wait;
}

/* Parses the command line into m; exits on -h, -V or a usage error. */
static void
master_options(struct master *m, int argc, char *argv[])
{
	int ch;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((ch = getopt_long(argc, argv, "c:r:s:w:htV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			m->conf_path = optarg;
			break;
		case 'r':
			if (!master_parse_uint(optarg, 0, UINT32_MAX,
			    &m->max_requests)) {
				fprintf(stderr, API_IDENT ": -r: expected a number\n");
				exit(2);
			}
			break;
		case 's':
			m->socket_override = optarg;
			break;
		case 'w':
			if (!master_parse_uint(optarg, 1, API_MAX_WORKERS,
			    &m->workers_override)) {
				fprintf(stderr, API_IDENT ": -w: expected 1..%d\n",
				    API_MAX_WORKERS);
				exit(2);
			}
			break;
		case 'h':
			master_usage(stdout);
			exit(0);
		case 'V':
			printf(API_IDENT " " PACKAGE_VERSION "\n");
			exit(0);
		case 't':
			m->check_only = true;
			break;
		default:
			master_usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		master_usage(stderr);
		exit(2);
	}
}

int
main(int argc, char *argv[])
{
	static struct master m;
	char errbuf[512], q[LOG_Q_MAX];
	sigset_t set;
	const char *path;
	int status = 0;

	m.conf_path = CONFIG_DEFAULT_PATH;
	m.listen_fd = -1;
	master_options(&m, argc, argv);
	log_init(API_IDENT, LOG_LEVEL_INFO, LOG_FORMAT_KV);
	/* Before the password is read and before any worker is forked (they
	 * inherit it): no core dump may hold a secret or a request. */
	if (proc_no_core_dumps() != CB_OK)
		fatal("no_core_dumps", NULL);

	m.tables[0].routes = core_routes;
	m.tables[0].count = core_routes_count;
	m.tables[1].routes = app_routes;
	m.tables[1].count = app_routes_count;
	if (!router_check(m.tables, 2, errbuf, sizeof(errbuf)))
		fatalx("route_table", "detail=%s",
		    log_q(q, sizeof(q), errbuf, strlen(errbuf)));

	if ((m.cfg = config_load(m.conf_path, errbuf, sizeof(errbuf))) == NULL) {
		if (m.check_only) {
			/* For ExecCondition=: 1 skips the unit, it does not fail. */
			fprintf(stderr, API_IDENT ": %s\n", errbuf);
			return 1;
		}
		fatalx("config", "detail=%s",
		    log_q(q, sizeof(q), errbuf, strlen(errbuf)));
	}
	if (m.check_only) {
		printf(API_IDENT ": configuration %s ok\n", m.conf_path);
		config_free(m.cfg);
		return 0;
	}
	master_log_setup(m.cfg);

	/* Signals are taken synchronously with sigtimedwait; block them
	 * before any child exists. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((m.metrics = metrics_create()) == NULL)
		fatal("metrics_map", NULL);
	if ((m.listen_fd = master_systemd_socket()) >= 0) {
		m.socket_from_systemd = true;
		log_info("listen", "source=systemd fd=%d", m.listen_fd);
	} else {
		path = m.socket_override != NULL ? m.socket_override :
		    m.cfg->api.socket;
		if ((m.listen_fd = master_unix_socket(&m, path)) < 0)
			fatalx("listen", "path=%s",
			    log_q(q, sizeof(q), path, strlen(path)));
		log_info("listen", "source=path path=%s",
		    log_q(q, sizeof(q), path, strlen(path)));
	}
	if (FCGX_Init() != 0)
		fatalx("fcgx_init", NULL);
	log_info("start", "version=%s workers=%u routes=%zu", PACKAGE_VERSION,
	    master_desired_workers(&m), core_routes_count + app_routes_count);

	for (;;) {
		uint64_t now = monotime_ms(), wait;
		struct timespec ts;
		siginfo_t info;
		int sig;

		master_reap(&m);
		if (m.stopping && m.nchildren == 0)
			break;
		if (!m.stopping) {
			if (m.reloading && now >= m.next_reload_ms)
				master_reload_step(&m, now);
			master_fill(&m, now);
		}
		master_enforce_deadlines(&m, now);
		wait = master_next_wait(&m, now);
		ts.tv_sec = (time_t)(wait / 1000u);
		ts.tv_nsec = (long)(wait % 1000u) * 1000000L;
		sig = sigtimedwait(&set, &info, &ts);
		if (sig == SIGTERM || sig == SIGINT)
			master_begin_stop(&m, sig);
		else if (sig == SIGHUP && !m.stopping)
			master_reload(&m);
	}

	if (m.socket_created && unlink(m.socket_path) != 0 && errno != ENOENT)
		log_warn("socket_unlink", NULL);
	close(m.listen_fd);
	log_info("stopped", NULL);
	metrics_destroy(m.metrics);
	config_free(m.cfg);
	return status;
}

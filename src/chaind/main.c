/*
 * main.c - chainbridge-chaind's master process: configuration, one worker
 * process per enabled [chain] section, restarts, reload and shutdown.
 *
 * The master never talks to the store or to a node.  It forks the workers
 * (worker.c), then waits for signals:
 *
 *	SIGCHLD		a worker exited: log how, start it again (with a
 *			backoff when it keeps dying young; not after a
 *			configuration error, exit status 78)
 *	SIGTERM/INT	stop: workers finish their step, release their
 *			leases and exit; after the shutdown timeout the rest
 *			are killed
 *	SIGHUP		re-read the configuration; on success stop every
 *			worker and start the new set; on error keep running
 *
 * Workers die with the master (PR_SET_PDEATHSIG), so killing the master
 * with SIGKILL takes the whole daemon down, as a crash would.
 *
 * -n NAME runs the worker of one chain in this process, without a master
 * (for debugging and for tests that want one process per chain).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chaind.h"
#include "core/log.h"
#include "core/proc.h"
#include "core/monotime.h"

#define CHAIND_EX_CONFIG	78
#define CHAIND_BACKOFF_MIN_MS	200
#define CHAIND_BACKOFF_MAX_MS	30000
#define CHAIND_HEALTHY_MS	10000	/* a worker that lived this long resets the backoff */
#define CHAIND_STOP_TIMEOUT_MS	30000

struct slot {
	const struct chain_config *chain;	/* in m->cfg */
	pid_t		 pid;			/* 0 when not running */
	uint64_t	 started_ms;
	uint64_t	 next_spawn_ms;
	uint64_t	 backoff_ms;
	bool		 disabled;		/* configuration error: not restarted */
};

struct master {
	const char	*conf_path;
	const char	*only_chain;		/* -n */
	bool		 check_only;		/* -t */
	struct config	*cfg;
	struct slot	 slots[CONFIG_MAX_CHAINS];
	size_t		 nslots;
	bool		 stopping;
	bool		 reloading;		/* waiting for old workers to exit */
	struct config	*next_cfg;		/* the configuration to switch to */
	uint64_t	 stop_deadline_ms;
};

/* Set by the worker's signal handler. */
static volatile sig_atomic_t worker_stop;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " CHAIND_IDENT " [-htV] [-c conf] [-n chain]\n"
	    "  -c conf   configuration file (default " CONFIG_DEFAULT_PATH ")\n"
	    "  -t        check the configuration and exit (0 valid, 1 not)\n"
	    "  -n chain  run only the [chain NAME] section, in this process\n"
	    "  -h        this help\n"
	    "  -V, --version print the version\n");
}

static void
worker_on_signal(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* The worker side of a fork (or of -n): signals, then the chain's loop. */
static int
worker_main(const struct config *cfg, const struct chain_config *chain)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a sleep ends at once on SIGTERM. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	return chaind_worker_run(cfg, chain, &worker_stop);
}

static void
master_spawn(struct master *m, struct slot *s, uint64_t now)
{
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid == -1) {
		log_error("fork", "chain=%s", s->chain->name);
		s->next_spawn_ms = now + CHAIND_BACKOFF_MAX_MS;
		return;
	}
	if (pid == 0) {
		int status;

		/* Die with the master, as a crash of the whole daemon would. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		status = worker_main(m->cfg, s->chain);
		config_free(m->cfg);
		_exit(status);
	}
	s->pid = pid;
	s->started_ms = now;
	log_info("worker_started", "chain=%s pid=%ld", s->chain->name, (long)pid);
}

static struct slot *
master_slot_of(struct master *m, pid_t pid)
{
	size_t i;

	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].pid == pid)
			return &m->slots[i];
	return NULL;
}

static void
master_reap(struct master *m)
{
	uint64_t now = monotime_ms();
	struct slot *s;
	int wstatus;
	pid_t pid;

	while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
		if ((s = master_slot_of(m, pid)) == NULL)
			continue;
		s->pid = 0;
		if (WIFEXITED(wstatus))
			log_info("worker_exited", "chain=%s pid=%ld status=%d",
			    s->chain->name, (long)pid, WEXITSTATUS(wstatus));
		else if (WIFSIGNALED(wstatus))
			log_warnx("worker_killed", "chain=%s pid=%ld signal=%d",
			    s->chain->name, (long)pid, WTERMSIG(wstatus));
		if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == CHAIND_EX_CONFIG &&
		    !m->reloading) {
			log_errorx("worker_disabled", "chain=%s reason=config "
			    "hint=fix_the_configuration_and_reload", s->chain->name);
			s->disabled = true;
			continue;
		}
		if (now - s->started_ms >= CHAIND_HEALTHY_MS)
			s->backoff_ms = 0;
		s->backoff_ms = s->backoff_ms == 0 ? CHAIND_BACKOFF_MIN_MS :
		    (s->backoff_ms * 2 > CHAIND_BACKOFF_MAX_MS ? CHAIND_BACKOFF_MAX_MS :
		    s->backoff_ms * 2);
		s->next_spawn_ms = now + s->backoff_ms;
	}
}

static size_t
master_running(const struct master *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].pid != 0)
			n++;
	return n;
}

static void
master_signal_all(struct master *m, int sig)
{
	size_t i;

	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].pid != 0)
			kill(m->slots[i].pid, sig);
}

/* One slot per enabled chain of cfg (or of -n). */
static bool
master_plan(struct master *m)
{
	size_t i;

	m->nslots = 0;
	for (i = 0; i < m->cfg->nchains; i++) {
		const struct chain_config *c = &m->cfg->chains[i];

		if (m->only_chain != NULL ? strcmp(c->name, m->only_chain) != 0 : !c->enabled)
			continue;
		memset(&m->slots[m->nslots], 0, sizeof(m->slots[0]));
		m->slots[m->nslots++].chain = c;
	}
	return m->nslots > 0;
}

static void
master_fill(struct master *m, uint64_t now)
{
	size_t i;

	for (i = 0; i < m->nslots; i++) {
		struct slot *s = &m->slots[i];

		if (s->pid == 0 && !s->disabled && now >= s->next_spawn_ms)
			master_spawn(m, s, now);
	}
}

static void
master_reload(struct master *m)
{
	char errbuf[512], q[LOG_Q_MAX];
	struct config *cfg;

	if ((cfg = config_load(m->conf_path, errbuf, sizeof(errbuf))) == NULL) {
		log_errorx("reload_failed", "detail=%s",
		    log_q(q, sizeof(q), errbuf, strlen(errbuf)));
		return;
	}
	config_free(m->next_cfg);
	m->next_cfg = cfg;
	m->reloading = true;
	log_info("reload", "workers=%zu", master_running(m));
	/* Old workers release their leases on the way out; the new ones
	 * start once every old one has gone. */
	master_signal_all(m, SIGTERM);
}

static void
master_switch_config(struct master *m)
{
	config_free(m->cfg);
	m->cfg = m->next_cfg;
	m->next_cfg = NULL;
	m->reloading = false;
	log_init(CHAIND_IDENT, m->cfg->log.level, m->cfg->log.format);
	if (!master_plan(m))
		log_warnx("no_chains", "reason=no_enabled_chain_section");
}

static void
master_options(struct master *m, int argc, char *argv[])
{
	int ch;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((ch = getopt_long(argc, argv, "c:n:htV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			m->conf_path = optarg;
			break;
		case 'n':
			m->only_chain = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf(CHAIND_IDENT " " PACKAGE_VERSION "\n");
			exit(0);
		case 't':
			m->check_only = true;
			break;
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
}

int
main(int argc, char *argv[])
{
	static struct master m;
	char errbuf[512], q[LOG_Q_MAX];
	sigset_t set;
	int status;

	m.conf_path = CONFIG_DEFAULT_PATH;
	master_options(&m, argc, argv);
	log_init(CHAIND_IDENT, LOG_LEVEL_INFO, LOG_FORMAT_KV);
	/* The workers hold the signer key and the store password: no core
	 * dump may ever carry them. Forked workers inherit this. */
	if (proc_no_core_dumps() != CB_OK)
		fatal("no_core_dumps", NULL);
	if ((m.cfg = config_load(m.conf_path, errbuf, sizeof(errbuf))) == NULL) {
		if (m.check_only) {
			/* For ExecCondition=: 1 skips the unit, it does not fail. */
			fprintf(stderr, CHAIND_IDENT ": %s\n", errbuf);
			return 1;
		}
		fatalx("config", "detail=%s", log_q(q, sizeof(q), errbuf, strlen(errbuf)));
	}
	if (m.check_only) {
		bool ok = master_plan(&m);

		if (ok)
			printf(CHAIND_IDENT ": configuration %s ok, %zu chain(s)\n",
			    m.conf_path, m.nslots);
		else
			fprintf(stderr, CHAIND_IDENT ": %s: no enabled [chain] section\n",
			    m.conf_path);
		config_free(m.cfg);
		return ok ? 0 : 1;
	}
	log_init(CHAIND_IDENT, m.cfg->log.level, m.cfg->log.format);
	if (!master_plan(&m)) {
		if (m.only_chain != NULL)
			fatalx("config", "detail=\"no [chain %s] section\"", m.only_chain);
		fatalx("config", "detail=\"no enabled [chain] section\"");
	}
	if (rpc_global_init() != CB_OK || secp_init() != CB_OK)
		fatalx("init", "detail=\"libcurl or libsecp256k1\"");
	log_info("start", "version=%s chains=%zu", PACKAGE_VERSION, m.nslots);

	if (m.only_chain != NULL) {
		status = worker_main(m.cfg, m.slots[0].chain);
		goto out;
	}

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (;;) {
		uint64_t now = monotime_ms();
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 200 * 1000000L };
		siginfo_t info;
		int sig;

		master_reap(&m);
		if (m.stopping) {
			if (master_running(&m) == 0)
				break;
			if (now >= m.stop_deadline_ms) {
				log_warnx("stop_timeout", "killing=%zu", master_running(&m));
				master_signal_all(&m, SIGKILL);
			}
		} else if (m.reloading) {
			if (master_running(&m) == 0)
				master_switch_config(&m);
		} else {
			master_fill(&m, now);
		}
		sig = sigtimedwait(&set, &info, &ts);
		if ((sig == SIGTERM || sig == SIGINT) && !m.stopping) {
			log_info("stopping", "signal=%d workers=%zu", sig, master_running(&m));
			m.stopping = true;
			m.stop_deadline_ms = monotime_ms() + CHAIND_STOP_TIMEOUT_MS;
			master_signal_all(&m, SIGTERM);
		} else if (sig == SIGHUP && !m.stopping) {
			master_reload(&m);
		}
	}
	status = 0;
	log_info("stopped", NULL);
out:
	config_free(m.next_cfg);
	config_free(m.cfg);
	secp_cleanup();
	rpc_global_cleanup();
	return status;
}

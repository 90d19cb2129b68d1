/*
 * bare.c - the least a preforked libfcgi responder can do: the ceiling of
 * the HTTP path on this machine, for bench/run.
 *
 * It listens on a unix socket, forks N workers (chainbridge-api's [api]
 * workers, for the same concurrency), and each one loops FCGX_Accept_r,
 * writes one constant answer, reads the input to its end (so the close
 * skips libfcgi's lingering wait, as chainbridge-api's does) and
 * FCGX_Finish_r: no routing, no parsing, no logging, no metrics, no
 * store.  The answer is byte for byte what
 * chainbridge-api sends for GET /api/v1/ping (the same head and body), so
 * nginx does the same work for both and the difference between the two
 * figures is the API's own.
 *
 * bench/run puts it on the API's socket path for the time of its figure,
 * so requests take the very same nginx location as the API's.  SIGTERM or
 * SIGINT stops it: the workers are killed (they hold nothing) and the
 * socket file is removed.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#define BARE_WORKERS_MAX	256
#define BARE_BACKLOG		1024	/* as chainbridge-api's */

/* The head and body of chainbridge-api's answer to GET /api/v1/ping. */
static const char bare_answer[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 15\r\n"
    "Cache-Control: no-store\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "\r\n"
    "{\"status\":\"ok\"}";

static volatile sig_atomic_t bare_stop;

static void
bare_on_stop(int sig)
{
	(void)sig;
	bare_stop = 1;
}

static void
bare_usage(FILE *f)
{
	fprintf(f, "usage: bare -s SOCKET [-w WORKERS]\n"
	    "  -s  unix socket path to listen on (created; removed at exit)\n"
	    "  -w  worker processes (4)\n");
}

/* Creates, binds and listens on the unix socket at path; -1 on error. */
static int
bare_listen(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "bare: socket path too long\n");
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, BARE_BACKLOG) != 0) {
		fprintf(stderr, "bare: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* One worker: accept, answer, finish, until killed. */
static int
bare_worker(int listen_fd)
{
	FCGX_Request req;

	if (FCGX_InitRequest(&req, listen_fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(bare_answer, (int)sizeof(bare_answer) - 1, req.out);
		/* As chainbridge-api: with the (empty) input read to its end,
		 * the close skips libfcgi's lingering wait. */
		while (FCGX_GetChar(req.in) != EOF)
			continue;
		if (FCGX_HasSeenEOF(req.in))
			(void)FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	return 1;
}

int
main(int argc, char **argv)
{
	static pid_t pids[BARE_WORKERS_MAX];
	struct sigaction sa;
	sigset_t stop, none;
	const char *path = NULL;
	unsigned workers = 4, i, started = 0;
	unsigned long v;
	char *end;
	int ch, fd, status = 1;

	while ((ch = getopt(argc, argv, "s:w:h")) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'w':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > BARE_WORKERS_MAX) {
				fprintf(stderr, "bare: -w: expected 1..%d\n", BARE_WORKERS_MAX);
				return 2;
			}
			workers = (unsigned)v;
			break;
		case 'h':
			bare_usage(stdout);
			return 0;
		default:
			bare_usage(stderr);
			return 2;
		}
	}
	if (path == NULL || optind != argc) {
		bare_usage(stderr);
		return 2;
	}
	/* Stop requests are taken in sigsuspend only: none is lost. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &none);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = bare_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (FCGX_Init() != 0 || (fd = bare_listen(path)) < 0)
		return 1;
	for (i = 0; i < workers; i++) {
		pid_t pid = fork();

		if (pid == -1) {
			fprintf(stderr, "bare: fork: %s\n", strerror(errno));
			break;
		}
		if (pid == 0) {
			sa.sa_handler = SIG_DFL;
			sigaction(SIGTERM, &sa, NULL);
			sigaction(SIGINT, &sa, NULL);
			sigprocmask(SIG_SETMASK, &none, NULL);
			_exit(bare_worker(fd));
		}
		pids[started++] = pid;
	}
	if (started == workers) {
		status = 0;
		while (!bare_stop)
			sigsuspend(&none);
	}
	for (i = 0; i < started; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < started; i++)
		waitpid(pids[i], NULL, 0);
	close(fd);
	unlink(path);
	return status;
}

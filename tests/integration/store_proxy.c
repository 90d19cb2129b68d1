/* store_proxy.c - fault-injecting MariaDB proxy for tests (store_proxy.h). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "store_proxy.h"

#define PROXY_MAX_HELD		16
#define PROXY_PACKET_MAX	(64u * 1024 * 1024 + 4)

/* The payload of the COM_QUERY mysql_commit() sends. */
static const char proxy_commit[] = "\x03" "COMMIT";

struct proxy {
	int			 listen_fd;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char			 upstream[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pthread_t		 acceptor;
	atomic_bool		 stop;
	atomic_int		 armed;		/* enum proxy_fault */
	atomic_uint		 triggered;
	pthread_mutex_t		 lock;
	int			 held[PROXY_MAX_HELD];
	unsigned		 nheld;
	unsigned		 pairs;		/* pair threads running */
};

struct pair {
	struct proxy	*p;
	int		 cfd, sfd;
	unsigned char	*buf;		/* client bytes not yet forwarded */
	size_t		 len, cap;
	bool		 drop_on_answer;
};

static _Noreturn void
proxy_die(const char *what)
{
	fprintf(stderr, "store_proxy: %s: %s\n", what, strerror(errno));
	abort();
}

static bool
proxy_write_all(int fd, const unsigned char *b, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

static int
proxy_connect_upstream(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Forwards the complete client packets in pr->buf, acting on an armed
 * fault at a COMMIT.  Returns false when the pair is done (closed or held).
 */
static bool
proxy_client_packets(struct pair *pr)
{
	struct proxy *p = pr->p;
	size_t off = 0;
	bool keep = true;

	while (keep && pr->len - off >= 4) {
		const unsigned char *h = pr->buf + off;
		size_t plen = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
		int fault;

		if (pr->len - off < 4 + plen)
			break;
		if (h[3] == 0 && plen == sizeof(proxy_commit) - 1 &&
		    memcmp(h + 4, proxy_commit, plen) == 0 &&
		    (fault = atomic_exchange(&p->armed, PROXY_NONE)) != PROXY_NONE) {
			atomic_fetch_add(&p->triggered, 1);
			switch (fault) {
			case PROXY_DROP_AFTER:
				/* The server commits; its answer is dropped. */
				keep = proxy_write_all(pr->sfd, h, 4 + plen);
				pr->drop_on_answer = true;
				break;
			case PROXY_HOLD:
				pthread_mutex_lock(&p->lock);
				if (p->nheld < PROXY_MAX_HELD) {
					p->held[p->nheld++] = pr->sfd;
					pr->sfd = -1;
				}
				pthread_mutex_unlock(&p->lock);
				keep = false;
				break;
			default:
				keep = false;
				break;
			}
		} else {
			keep = proxy_write_all(pr->sfd, h, 4 + plen);
		}
		off += 4 + plen;
	}
	memmove(pr->buf, pr->buf + off, pr->len - off);
	pr->len -= off;
	return keep;
}

static void *
proxy_pair_main(void *arg)
{
	struct pair *pr = arg;
	struct proxy *p = pr->p;
	unsigned char chunk[65536];
	struct pollfd fds[2];
	ssize_t n;

	for (;;) {
		if (atomic_load(&p->stop))
			break;
		fds[0].fd = pr->cfd;
		fds[0].events = POLLIN;
		fds[1].fd = pr->sfd;
		fds[1].events = POLLIN;
		if (poll(fds, 2, 100) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(pr->sfd, chunk, sizeof(chunk));
			if (n <= 0 || pr->drop_on_answer ||
			    !proxy_write_all(pr->cfd, chunk, (size_t)n))
				break;
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(pr->cfd, chunk, sizeof(chunk));
			if (n <= 0)
				break;
			if (pr->len + (size_t)n > pr->cap) {
				size_t cap = pr->cap ? pr->cap : 65536;
				unsigned char *nb;

				while (cap < pr->len + (size_t)n)
					cap *= 2;
				if (cap > PROXY_PACKET_MAX || (nb = realloc(pr->buf, cap)) == NULL)
					break;
				pr->buf = nb;
				pr->cap = cap;
			}
			memcpy(pr->buf + pr->len, chunk, (size_t)n);
			pr->len += (size_t)n;
			if (!proxy_client_packets(pr))
				break;
		}
	}
	close(pr->cfd);
	if (pr->sfd >= 0)
		close(pr->sfd);
	free(pr->buf);
	free(pr);
	pthread_mutex_lock(&p->lock);
	p->pairs--;
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void *
proxy_accept_main(void *arg)
{
	struct proxy *p = arg;
	struct pollfd pfd;
	pthread_t tid;

	while (!atomic_load(&p->stop)) {
		struct pair *pr;
		int cfd, sfd;

		pfd.fd = p->listen_fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((cfd = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		if ((sfd = proxy_connect_upstream(p->upstream)) < 0) {
			close(cfd);
			continue;
		}
		if ((pr = calloc(1, sizeof(*pr))) == NULL)
			proxy_die("calloc");
		pr->p = p;
		pr->cfd = cfd;
		pr->sfd = sfd;
		pthread_mutex_lock(&p->lock);
		p->pairs++;
		pthread_mutex_unlock(&p->lock);
		if (pthread_create(&tid, NULL, proxy_pair_main, pr) != 0)
			proxy_die("pthread_create");
		pthread_detach(tid);
	}
	return NULL;
}

struct proxy *
proxy_start(const char *listen_path, const char *upstream_path)
{
	struct sockaddr_un sa;
	struct proxy *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		proxy_die("calloc");
	if (strlen(listen_path) >= sizeof(p->path) || strlen(upstream_path) >= sizeof(p->upstream)) {
		errno = ENAMETOOLONG;
		proxy_die("socket path");
	}
	snprintf(p->path, sizeof(p->path), "%s", listen_path);
	snprintf(p->upstream, sizeof(p->upstream), "%s", upstream_path);
	pthread_mutex_init(&p->lock, NULL);
	atomic_init(&p->stop, false);
	atomic_init(&p->armed, PROXY_NONE);
	atomic_init(&p->triggered, 0);
	if ((p->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		proxy_die("socket");
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p->path);
	unlink(p->path);
	if (bind(p->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(p->listen_fd, 64) != 0)
		proxy_die("bind/listen");
	if (pthread_create(&p->acceptor, NULL, proxy_accept_main, p) != 0)
		proxy_die("pthread_create");
	return p;
}

void
proxy_arm(struct proxy *p, enum proxy_fault fault)
{
	atomic_store(&p->armed, fault);
}

unsigned
proxy_triggered(struct proxy *p)
{
	return atomic_load(&p->triggered);
}

void
proxy_release(struct proxy *p)
{
	unsigned i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nheld; i++)
		close(p->held[i]);
	p->nheld = 0;
	pthread_mutex_unlock(&p->lock);
}

void
proxy_stop(struct proxy *p)
{
	unsigned left;
	int i;

	if (p == NULL)
		return;
	atomic_store(&p->stop, true);
	pthread_join(p->acceptor, NULL);
	close(p->listen_fd);
	unlink(p->path);
	proxy_release(p);
	/* Pair threads notice the flag within one poll interval. */
	for (i = 0; i < 100; i++) {
		pthread_mutex_lock(&p->lock);
		left = p->pairs;
		pthread_mutex_unlock(&p->lock);
		if (left == 0)
			break;
		usleep(20000);
	}
	if (left == 0) {
		pthread_mutex_destroy(&p->lock);
		free(p);
	}
}

/*
 * store_proxy.h - a fault-injecting proxy in front of the stack's MariaDB
 * socket, for tests of what the API does when its store connection dies
 * at the worst moment: during COMMIT.
 *
 * The proxy listens on a unix socket of its own and forwards every
 * connection to MariaDB's socket byte for byte, reading the client's MySQL
 * protocol packets as they pass.  Armed with a fault, the next COMMIT
 * (a COM_QUERY "COMMIT", as mysql_commit() sends it) on any connection
 * triggers it once:
 *
 *   PROXY_DROP_AFTER	forward the COMMIT, wait for the server's answer,
 *			then close both sides without passing it on: the
 *			transaction committed, the client cannot know.
 *   PROXY_DROP_BEFORE	close both sides without forwarding: the server
 *			rolls the transaction back.
 *   PROXY_HOLD		close the client's side but keep the server's
 *			session open with its transaction (and its locks)
 *			until proxy_release(): nobody can learn the outcome.
 *
 * Test-only code: failures abort the test process.
 */
#ifndef CB_TEST_STORE_PROXY_H
#define CB_TEST_STORE_PROXY_H

#include <stdbool.h>

enum proxy_fault {
	PROXY_NONE = 0,
	PROXY_DROP_AFTER,
	PROXY_DROP_BEFORE,
	PROXY_HOLD,
};

struct proxy;

/* Starts a proxy listening on listen_path for upstream_path (MariaDB's
 * socket).  Runs in threads of the calling process. */
struct proxy	*proxy_start(const char *listen_path, const char *upstream_path);
/* Arms fault for the next COMMIT. */
void		 proxy_arm(struct proxy *p, enum proxy_fault fault);
/* How many faults have triggered so far. */
unsigned	 proxy_triggered(struct proxy *p);
/* Closes the server sessions PROXY_HOLD kept open. */
void		 proxy_release(struct proxy *p);
/* Stops the proxy, closes every connection and removes the socket. */
void		 proxy_stop(struct proxy *p);

#endif

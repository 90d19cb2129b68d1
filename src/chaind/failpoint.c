/*
 * failpoint.c - named places where a test can stop the daemon for good, so
 * that it is killed exactly there (docs/chaind.md, "Failpoints").
 *
 * CHAINBRIDGE_FAILPOINTS="after_sign,after_send@3" arms after_sign at its
 * first hit and after_send at its third.  An armed hit logs
 * event=failpoint and blocks the process (all signals but SIGKILL and
 * SIGSTOP are blocked too); nothing else happens, so the daemon's state at
 * that moment is exactly what the code had committed.  Unarmed, a
 * failpoint costs a string compare per armed name.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chaind.h"
#include "core/log.h"

#define FAILPOINTS_MAX		16
#define FAILPOINT_NAME_MAX	48

struct failpoint {
	char		name[FAILPOINT_NAME_MAX];
	unsigned long	at;	/* the hit that stops, from 1 */
	unsigned long	hits;
};

static struct failpoint	failpoints[FAILPOINTS_MAX];
static size_t		nfailpoints;

void
failpoint_init(void)
{
	const char *env = getenv("CHAINBRIDGE_FAILPOINTS");
	char buf[1024], *save = NULL, *tok, *at, *end;
	struct failpoint *fp;

	nfailpoints = 0;
	if (env == NULL || *env == '\0')
		return;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, ",", &save); tok != NULL && nfailpoints < FAILPOINTS_MAX;
	    tok = strtok_r(NULL, ",", &save)) {
		fp = &failpoints[nfailpoints];
		memset(fp, 0, sizeof(*fp));
		fp->at = 1;
		if ((at = strchr(tok, '@')) != NULL) {
			*at++ = '\0';
			fp->at = strtoul(at, &end, 10);
			if (*end != '\0' || fp->at == 0) {
				log_warnx("failpoint_invalid", "entry=%.40s", tok);
				continue;
			}
		}
		if (*tok == '\0' || strlen(tok) >= sizeof(fp->name))
			continue;
		snprintf(fp->name, sizeof(fp->name), "%s", tok);
		nfailpoints++;
		log_warnx("failpoint_armed", "name=%s at=%lu", fp->name, fp->at);
	}
}

void
failpoint(const char *name)
{
	sigset_t all;
	size_t i;

	for (i = 0; i < nfailpoints; i++) {
		if (strcmp(failpoints[i].name, name) != 0)
			continue;
		if (++failpoints[i].hits != failpoints[i].at)
			return;
		log_warnx("failpoint", "name=%s hit=%lu", name, failpoints[i].hits);
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		for (;;)
			pause();
	}
}

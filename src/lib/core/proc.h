/*
 * proc.h - per-process protections shared by the services (chainbridge-api,
 * chainbridge-chaind).
 */
#ifndef CB_PROC_H
#define CB_PROC_H

#include "core/err.h"

/*
 * Turns core dumps off for this process and every process it forks later:
 * the core size limit (RLIMIT_CORE, soft and hard) becomes 0, and the
 * process is made not dumpable (prctl PR_SET_DUMPABLE 0), so a crash
 * never writes its memory (database password, signer keys, API key
 * hashes) to a file or a core handler, and other processes of the same
 * user cannot ptrace it or read its memory.  Call it at start, before
 * reading any secret and before forking.
 *
 * Side effects of not being dumpable (see prctl(2), proc(5)): the files
 * under /proc/PID are owned by root rather than by the process's user;
 * /proc/PID/stat, status, cmdline and task/TID/children stay readable to
 * everyone, but environ, mem, maps and fd/ need CAP_SYS_PTRACE; a
 * debugger must run as root.  An execve() of a normal binary makes the
 * new program dumpable again; the services do not exec.
 *
 * Returns CB_OK, or CB_ERR_IO (errno set) when either call fails; the
 * caller decides whether that stops it.
 */
enum cb_err	proc_no_core_dumps(void);

#endif

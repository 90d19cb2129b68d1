/*
 * secret.h - the one reader of secret files (signer keys, the database
 * password), with one policy for all of them.
 *
 * A secret file is accepted when all of this holds, checked on the open
 * descriptor (so what is checked is what is read):
 *
 *  - the path names the file itself: a symbolic link as the last component
 *    is refused (O_NOFOLLOW).  What an operator inspects with ls -l on the
 *    configured path is then exactly what is checked, and a link planted
 *    in a writable directory cannot point the process at another file.
 *  - it is a regular file (a directory, FIFO, socket or device is refused;
 *    it is opened non-blocking so a FIFO cannot hang the process).
 *  - it is owned by the process's effective user, or by root (root can
 *    read everything anyway; systemd's credentials are root's, below).
 *  - nobody else has access: no permission bit for group or others at all
 *    (mode 0600 or 0400; the set-id and sticky bits grant nothing and are
 *    ignored).  The one exception is systemd's, below.
 *  - it holds 1 to SECRET_MAX bytes, no NUL byte, and is not empty after
 *    one trailing "\n" (or "\r\n") is stripped.
 *
 * What systemd's LoadCredential= hands a service (from systemd's own
 * write_credential(), unchanged in this respect across its versions): the
 * manager copies the file into the unit's credentials directory
 * ($CREDENTIALS_DIRECTORY, /run/credentials/UNIT/, a private tmpfs or
 * ramfs mounted read-only), creates the copy with mode 0600, then
 * fchmod()s it to 0400.  When the service runs under another user (our
 * User=chainbridge), it adds a POSIX ACL entry "user:UID:r--" for that
 * user; that recomputes the ACL mask to r--, and because the group bits of
 * st_mode show the ACL mask, stat() reports mode 0440, owner root.  Only
 * where the file system has no ACLs (ramfs) does it chown the copy to the
 * service's user and group instead (mode 0400, owner the service user).
 * So for a process that is not root, a root-owned file whose group bits
 * are nothing but an ACL mask is accepted when its access ACL (the system.posix_acl_access extended
 * attribute) gives nobody but the effective user anything: no named group
 * and the owning group without permissions, named-user entries only for
 * the effective user, no bits for others.  A file with mode 0440 and no
 * ACL is refused like any other group-readable file.
 *
 * Every buffer that held secret bytes is wiped (explicit_bzero) before it
 * is released; error messages name the file and what was found (mode in
 * octal, owner, ACL entry), never any content.
 */
#ifndef CB_SECRET_H
#define CB_SECRET_H

#include <stddef.h>

#include "core/err.h"

#define SECRET_MAX	4096	/* bytes in a secret file, newline included */

/*
 * Reads the secret file at path under the policy above.  On success
 * stores a malloc'd NUL-terminated copy of the contents (without the one
 * trailing newline) in *out, its length in *out_len, and returns CB_OK;
 * the caller releases it with secret_free().  On failure *out and *out_len
 * are left alone and a one-line reason "PATH: what is wrong" is written
 * to errbuf (errlen bytes; errbuf may be NULL when errlen is 0):
 * CB_ERR_IO when the file cannot be opened or read (the reason is
 * strerror), CB_ERR_PERM for the owner, mode or ACL, CB_ERR_INVALID for a
 * symbolic link, a file that is not regular, empty, larger than
 * SECRET_MAX bytes or holding a NUL byte, CB_ERR_NOMEM.
 */
enum cb_err	secret_read(const char *path, char **out, size_t *out_len,
		    char *errbuf, size_t errlen);

/* Wipes len bytes of secret and frees it.  NULL is a no-op. */
void		secret_free(char *secret, size_t len);

#endif

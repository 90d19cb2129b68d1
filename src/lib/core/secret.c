/*
 * secret.c - read a secret file under the one policy of secret.h.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secret.h"

/*
 * The kernel's POSIX ACL extended attribute (linux/posix_acl_xattr.h): a
 * little-endian 32-bit version, then 8-byte entries of tag (16 bits),
 * permissions (16 bits) and id (32 bits).
 */
#define SECRET_ACL_XATTR	"system.posix_acl_access"
#define SECRET_ACL_VERSION	2
#define SECRET_ACL_USER_OBJ	0x01
#define SECRET_ACL_USER		0x02
#define SECRET_ACL_GROUP_OBJ	0x04
#define SECRET_ACL_GROUP	0x08
#define SECRET_ACL_MASK		0x10
#define SECRET_ACL_OTHER	0x20
#define SECRET_ACL_MAX_ENTRIES	64	/* more than that is refused */
#define SECRET_ACL_HEADER	4
#define SECRET_ACL_ENTRY	8

static enum cb_err __attribute__((format(printf, 5, 6)))
secret_fail(enum cb_err rc, char *errbuf, size_t errlen, const char *path,
    const char *fmt, ...)
{
	char	 reason[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (errbuf != NULL && errlen > 0)
		snprintf(errbuf, errlen, "%s: %s", path, reason);
	return rc;
}

static uint32_t
secret_le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
secret_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/*
 * The systemd credential case of secret.h: a root-owned file with group
 * bits, read by another user.  Accepts it when its access ACL gives
 * nobody but euid anything.  Returns CB_OK, or CB_ERR_PERM with a reason
 * naming the mode and what the ACL grants (or that there is none).
 */
static enum cb_err
secret_check_acl(int fd, const char *path, mode_t mode, uid_t euid,
    char *errbuf, size_t errlen)
{
	unsigned char	 acl[SECRET_ACL_HEADER +
			    SECRET_ACL_MAX_ENTRIES * SECRET_ACL_ENTRY];
	const unsigned char *e;
	ssize_t		 n;
	uint32_t	 tag, perm, id;
	size_t		 i;

	n = fgetxattr(fd, SECRET_ACL_XATTR, acl, sizeof(acl));
	if (n < 0 && errno == ERANGE)
		return secret_fail(CB_ERR_PERM, errbuf, errlen, path,
		    "mode %04o with an ACL of more than %d entries; want "
		    "owner-only (chmod 600 or 400)", (unsigned)mode,
		    SECRET_ACL_MAX_ENTRIES);
	if (n < 0)
		/* No ACL (ENODATA) or none possible: the group bits are
		 * real permission bits. */
		return secret_fail(CB_ERR_PERM, errbuf, errlen, path,
		    "mode %04o gives group or others access; want owner-only "
		    "(chmod 600 or 400)", (unsigned)mode);
	if (n < SECRET_ACL_HEADER || (n - SECRET_ACL_HEADER) %
	    SECRET_ACL_ENTRY != 0 || secret_le32(acl) != SECRET_ACL_VERSION)
		return secret_fail(CB_ERR_PERM, errbuf, errlen, path,
		    "mode %04o with an ACL that cannot be read; want "
		    "owner-only (chmod 600 or 400)", (unsigned)mode);
	for (i = SECRET_ACL_HEADER; i < (size_t)n; i += SECRET_ACL_ENTRY) {
		e = acl + i;
		tag = secret_le16(e);
		perm = secret_le16(e + 2) & 07;
		id = secret_le32(e + 4);
		if (perm == 0)
			continue;
		switch (tag) {
		case SECRET_ACL_USER_OBJ:	/* the owner, root */
		case SECRET_ACL_MASK:		/* only limits the others */
			break;
		case SECRET_ACL_USER:
			if ((uid_t)id != euid)
				return secret_fail(CB_ERR_PERM, errbuf,
				    errlen, path, "mode %04o with an ACL that "
				    "gives uid %lu access; want access for "
				    "uid %lu only", (unsigned)mode,
				    (unsigned long)id, (unsigned long)euid);
			break;
		case SECRET_ACL_GROUP_OBJ:
			return secret_fail(CB_ERR_PERM, errbuf, errlen, path,
			    "mode %04o with an ACL that gives the owning "
			    "group access; want access for uid %lu only",
			    (unsigned)mode, (unsigned long)euid);
		case SECRET_ACL_GROUP:
			return secret_fail(CB_ERR_PERM, errbuf, errlen, path,
			    "mode %04o with an ACL that gives group %lu "
			    "access; want access for uid %lu only",
			    (unsigned)mode, (unsigned long)id,
			    (unsigned long)euid);
		default:			/* SECRET_ACL_OTHER, unknown */
			return secret_fail(CB_ERR_PERM, errbuf, errlen, path,
			    "mode %04o with an ACL that gives others access; "
			    "want access for uid %lu only", (unsigned)mode,
			    (unsigned long)euid);
		}
	}
	return CB_OK;
}

/* Checks the opened file's type, owner and permissions (secret.h). */
static enum cb_err
secret_check(int fd, const char *path, char *errbuf, size_t errlen)
{
	struct stat	 st;
	uid_t		 euid = geteuid();
	mode_t		 mode;

	if (fstat(fd, &st) != 0)
		return secret_fail(CB_ERR_IO, errbuf, errlen, path, "%s",
		    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return secret_fail(CB_ERR_INVALID, errbuf, errlen, path,
		    "not a regular file");
	if (st.st_uid != euid && st.st_uid != 0)
		return secret_fail(CB_ERR_PERM, errbuf, errlen, path,
		    "owned by uid %lu, not by the running user (uid %lu) or "
		    "root", (unsigned long)st.st_uid, (unsigned long)euid);
	mode = st.st_mode & 07777;
	if ((mode & S_IRWXO) != 0 || ((mode & S_IRWXG) != 0 &&
	    (st.st_uid != 0 || euid == 0)))
		return secret_fail(CB_ERR_PERM, errbuf, errlen, path,
		    "mode %04o gives group or others access; want owner-only "
		    "(chmod 600 or 400)", (unsigned)mode);
	if ((mode & S_IRWXG) != 0)
		return secret_check_acl(fd, path, mode, euid, errbuf, errlen);
	return CB_OK;
}

enum cb_err
secret_read(const char *path, char **out, size_t *out_len, char *errbuf,
    size_t errlen)
{
	char		 data[SECRET_MAX + 1];
	struct stat	 lst;
	size_t		 len = 0;
	ssize_t		 r;
	enum cb_err	 rc;
	int		 fd;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW |
	    O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP && lstat(path, &lst) == 0 &&
		    S_ISLNK(lst.st_mode))
			return secret_fail(CB_ERR_INVALID, errbuf, errlen, path,
			    "a symbolic link; name the file itself");
		return secret_fail(CB_ERR_IO, errbuf, errlen, path, "%s",
		    strerror(errno));
	}
	if ((rc = secret_check(fd, path, errbuf, errlen)) != CB_OK)
		goto out;
	/* Read one byte past the limit to tell "too big" from "full". */
	while (len < sizeof(data)) {
		r = read(fd, data + len, sizeof(data) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = secret_fail(CB_ERR_IO, errbuf, errlen, path, "%s",
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > SECRET_MAX) {
		rc = secret_fail(CB_ERR_INVALID, errbuf, errlen, path,
		    "larger than %d bytes", SECRET_MAX);
		goto out;
	}
	if (len > 0 && data[len - 1] == '\n') {
		len--;
		if (len > 0 && data[len - 1] == '\r')
			len--;
	}
	if (len == 0) {
		rc = secret_fail(CB_ERR_INVALID, errbuf, errlen, path, "empty");
		goto out;
	}
	if (memchr(data, '\0', len) != NULL) {
		rc = secret_fail(CB_ERR_INVALID, errbuf, errlen, path,
		    "contains a NUL byte");
		goto out;
	}
	if ((*out = malloc(len + 1)) == NULL) {
		rc = secret_fail(CB_ERR_NOMEM, errbuf, errlen, path,
		    "out of memory");
		goto out;
	}
	memcpy(*out, data, len);
	(*out)[len] = '\0';
	*out_len = len;
	rc = CB_OK;
out:
	explicit_bzero(data, sizeof(data));
	close(fd);
	return rc;
}

void
secret_free(char *secret, size_t len)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, len);
	free(secret);
}

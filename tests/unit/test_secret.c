/*
 * test_secret.c - Check suite for the secret file reader (secret.c): every
 * refusal of the policy in secret.h and what it accepts, including the
 * file systemd's LoadCredential= hands a service running as another user
 * (root-owned, mode 0440 through an ACL that names that user).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <check.h>
#include <grp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secret.h"

#define NOBODY		65534	/* a uid and gid for the tests run as root */

/* Each test works in its own temporary directory, removed afterwards. */
static char	 tmpdir[256];
static char	 files[8][512];
static size_t	 nfiles;

static void
setup(void)
{
	const char	*base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/cbsecret.XXXXXX",
	    base != NULL && base[0] == '/' ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	nfiles = 0;
}

static void
teardown(void)
{
	size_t	 i;

	for (i = 0; i < nfiles; i++)
		unlink(files[i]);
	rmdir(tmpdir);
}

/* Returns tmpdir/name, remembered for removal (static storage). */
static const char *
tmp_path(const char *name)
{
	char	*path;

	ck_assert_uint_lt(nfiles, sizeof(files) / sizeof(files[0]));
	path = files[nfiles++];
	snprintf(path, sizeof(files[0]), "%s/%s", tmpdir, name);
	return path;
}

/* Writes len bytes to tmpdir/name with mode; returns the path. */
static const char *
write_file(const char *name, const char *data, size_t len, mode_t mode)
{
	const char	*path = tmp_path(name);
	int		 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

/* Reads path, expecting a refusal rc with the reason "path: reason". */
static void
expect_refusal(const char *path, enum cb_err rc, const char *reason)
{
	char	*secret = (char *)"untouched";
	size_t	 len = 99;
	char	 err[600], want[800];

	ck_assert_int_eq(secret_read(path, &secret, &len, err, sizeof(err)),
	    rc);
	ck_assert_str_eq(secret, "untouched");
	ck_assert_uint_eq(len, 99);
	snprintf(want, sizeof(want), "%s: %s", path, reason);
	ck_assert_str_eq(err, want);
}

/* Contents and modes: what is accepted and what is refused, and why. */
static const struct {
	const char	*data;
	size_t		 len;
	mode_t		 mode;
	enum cb_err	 rc;
	const char	*value;		/* when accepted */
	const char	*reason;	/* when refused */
} cases[] = {
	{ "k", 1, 0600, CB_OK, "k", NULL },
	{ "key\n", 4, 0400, CB_OK, "key", NULL },
	{ "key\r\n", 5, 0600, CB_OK, "key", NULL },
	{ "key\n\n", 5, 0600, CB_OK, "key\n", NULL },
	{ "a b\tc", 5, 0600, CB_OK, "a b\tc", NULL },
	{ "key", 3, 0200, CB_OK, "key", NULL },	/* root reads it anyway */
	{ "key", 3, 04600, CB_OK, "key", NULL },	/* set-id bits grant nothing */
	{ "", 0, 0600, CB_ERR_INVALID, NULL, "empty" },
	{ "\n", 1, 0600, CB_ERR_INVALID, NULL, "empty" },
	{ "\r\n", 2, 0600, CB_ERR_INVALID, NULL, "empty" },
	{ "a\0b", 3, 0600, CB_ERR_INVALID, NULL, "contains a NUL byte" },
	{ "\0", 1, 0400, CB_ERR_INVALID, NULL, "contains a NUL byte" },
	{ "key", 3, 0640, CB_ERR_PERM, NULL, "mode 0640 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
	{ "key", 3, 0604, CB_ERR_PERM, NULL, "mode 0604 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
	{ "key", 3, 0601, CB_ERR_PERM, NULL, "mode 0601 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
	{ "key", 3, 0610, CB_ERR_PERM, NULL, "mode 0610 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
	{ "key", 3, 0620, CB_ERR_PERM, NULL, "mode 0620 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
	{ "key", 3, 0602, CB_ERR_PERM, NULL, "mode 0602 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
	{ "key", 3, 0440, CB_ERR_PERM, NULL, "mode 0440 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
	{ "key", 3, 0644, CB_ERR_PERM, NULL, "mode 0644 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
	{ "key", 3, 0666, CB_ERR_PERM, NULL, "mode 0666 gives group or "
	  "others access; want owner-only (chmod 600 or 400)" },
};

START_TEST(test_cases)
{
	const char	*path;
	char		*secret = NULL;
	size_t		 len = 0;
	char		 err[600];

	if (cases[_i].mode == 0200 && geteuid() != 0)
		return;		/* only root can read a write-only file */
	path = write_file("secret", cases[_i].data, cases[_i].len,
	    cases[_i].mode);
	if (cases[_i].rc != CB_OK) {
		expect_refusal(path, cases[_i].rc, cases[_i].reason);
		return;
	}
	ck_assert_msg(secret_read(path, &secret, &len, err, sizeof(err)) ==
	    CB_OK, "%s", err);
	ck_assert_str_eq(secret, cases[_i].value);
	ck_assert_uint_eq(len, strlen(cases[_i].value));
	secret_free(secret, len);
}
END_TEST

START_TEST(test_size)
{
	char		*secret = NULL, *big;
	size_t		 len = 0;
	const char	*path;

	big = malloc(SECRET_MAX + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, 'k', SECRET_MAX + 2);

	/* one byte too many, even when that byte is the newline */
	path = write_file("big", big, SECRET_MAX + 1, 0600);
	expect_refusal(path, CB_ERR_INVALID, "larger than 4096 bytes");
	big[SECRET_MAX] = '\n';
	path = write_file("bignl", big, SECRET_MAX + 1, 0600);
	expect_refusal(path, CB_ERR_INVALID, "larger than 4096 bytes");

	/* exactly the limit, newline included */
	path = write_file("max", big, SECRET_MAX, 0600);
	ck_assert_int_eq(secret_read(path, &secret, &len, NULL, 0), CB_OK);
	ck_assert_uint_eq(len, SECRET_MAX);
	ck_assert_uint_eq(strlen(secret), SECRET_MAX);
	secret_free(secret, len);
	big[SECRET_MAX - 1] = '\n';
	path = write_file("maxnl", big, SECRET_MAX, 0600);
	ck_assert_int_eq(secret_read(path, &secret, &len, NULL, 0), CB_OK);
	ck_assert_uint_eq(len, SECRET_MAX - 1);
	secret_free(secret, len);
	secret_free(NULL, 0);
	free(big);
}
END_TEST

START_TEST(test_not_a_file)
{
	const char	*path, *target;
	char		 err[600], want[800];
	char		*secret = NULL;
	size_t		 len = 0;

	/* a directory, even an owner-only one */
	ck_assert_int_eq(chmod(tmpdir, 0700), 0);
	expect_refusal(tmpdir, CB_ERR_INVALID, "not a regular file");

	/* a FIFO: refused at once, without waiting for a writer */
	path = tmp_path("fifo");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	expect_refusal(path, CB_ERR_INVALID, "not a regular file");

	/* a symbolic link, even to a good secret file */
	target = write_file("target", "key\n", 4, 0600);
	path = tmp_path("link");
	ck_assert_int_eq(symlink(target, path), 0);
	expect_refusal(path, CB_ERR_INVALID,
	    "a symbolic link; name the file itself");
	ck_assert_int_eq(secret_read(target, &secret, &len, NULL, 0), CB_OK);
	secret_free(secret, len);

	/* missing: the reason is the system's */
	path = tmp_path("none");
	ck_assert_int_eq(secret_read(path, &secret, &len, err, sizeof(err)),
	    CB_ERR_IO);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(secret_read(path, &secret, &len, NULL, 0), CB_ERR_IO);
}
END_TEST

/* A file owned by someone else is refused even with mode 0600. */
START_TEST(test_foreign_owner)
{
	const char	*path = write_file("theirs", "key\n", 4, 0600);
	char		*secret = NULL;
	size_t		 len = 0;

	/* Only root can give a file away; others can only read their own. */
	if (geteuid() != 0) {
		ck_assert_int_eq(secret_read(path, &secret, &len, NULL, 0),
		    CB_OK);
		secret_free(secret, len);
		return;
	}
	ck_assert_int_eq(chown(path, NOBODY, NOBODY), 0);
	expect_refusal(path, CB_ERR_PERM, "owned by uid 65534, not by the "
	    "running user (uid 0) or root");
}
END_TEST

/*
 * ACLs.  The access ACL is the system.posix_acl_access attribute in the
 * kernel's format (linux/posix_acl_xattr.h), set directly so the test
 * needs no ACL library.
 */
struct acl_entry {
	uint16_t	 tag;
	uint16_t	 perm;
	uint32_t	 id;
};

#define ACL_UNDEF_ID	0xffffffffu

static void
set_acl(const char *path, const struct acl_entry *e, size_t n)
{
	unsigned char	 buf[4 + 16 * 8], *p = buf;
	size_t		 i;

	ck_assert_uint_le(n, 16);
	*p++ = 2;	/* version, little-endian */
	*p++ = 0;
	*p++ = 0;
	*p++ = 0;
	for (i = 0; i < n; i++) {
		*p++ = (unsigned char)(e[i].tag & 0xff);
		*p++ = (unsigned char)(e[i].tag >> 8);
		*p++ = (unsigned char)(e[i].perm & 0xff);
		*p++ = (unsigned char)(e[i].perm >> 8);
		*p++ = (unsigned char)(e[i].id & 0xff);
		*p++ = (unsigned char)(e[i].id >> 8 & 0xff);
		*p++ = (unsigned char)(e[i].id >> 16 & 0xff);
		*p++ = (unsigned char)(e[i].id >> 24);
	}
	ck_assert_msg(setxattr(path, "system.posix_acl_access", buf,
	    (size_t)(p - buf), 0) == 0, "setxattr %s: %s (the test directory "
	    "needs a file system with POSIX ACLs)", path, strerror(errno));
}

/* What systemd's write_credential() leaves for a service of user uid. */
static void
set_credential_acl(const char *path, uint32_t uid)
{
	const struct acl_entry e[] = {
		{ 0x01, 4, ACL_UNDEF_ID },	/* user::r-- */
		{ 0x02, 4, uid },		/* user:UID:r-- */
		{ 0x04, 0, ACL_UNDEF_ID },	/* group::--- */
		{ 0x10, 4, ACL_UNDEF_ID },	/* mask::r-- */
		{ 0x20, 0, ACL_UNDEF_ID },	/* other::--- */
	};

	set_acl(path, e, sizeof(e) / sizeof(e[0]));
}

/*
 * Reads path in a child that runs as uid/gid NOBODY; returns its
 * secret_read() code, and writes its message to err.
 */
static enum cb_err
read_as_nobody(const char *path, char *err, size_t errlen)
{
	int		 fds[2], status;
	pid_t		 pid;
	ssize_t		 n;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char	*secret = NULL, msg[600] = "";
		size_t	 len = 0;
		enum cb_err rc;

		close(fds[0]);
		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 ||
		    setuid(NOBODY) != 0)
			_exit(100);
		rc = secret_read(path, &secret, &len, msg, sizeof(msg));
		if (rc == CB_OK && strcmp(secret, "credential") != 0)
			rc = CB_ERR_INTERNAL;
		secret_free(secret, len);
		if (write(fds[1], msg, strlen(msg)) < 0)
			_exit(101);
		_exit((int)rc);
	}
	close(fds[1]);
	n = read(fds[0], err, errlen - 1);
	close(fds[0]);
	err[n > 0 ? n : 0] = '\0';
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_lt(WEXITSTATUS(status), 100);
	return (enum cb_err)WEXITSTATUS(status);
}

/*
 * The LoadCredential= file of a service running as NOBODY: root's, mode
 * 0440 through the ACL mask, ACL user:NOBODY:r--.  NOBODY reads it; root
 * does not (a group-readable file of its own); an ACL that lets anybody
 * else in is refused with what it grants.
 */
START_TEST(test_systemd_credential)
{
	const char	*path;
	char		 err[600], want[800];
	const struct acl_entry other_user[] = {
		{ 0x01, 4, ACL_UNDEF_ID }, { 0x02, 4, NOBODY },
		{ 0x02, 4, 1234 }, { 0x04, 0, ACL_UNDEF_ID },
		{ 0x10, 4, ACL_UNDEF_ID }, { 0x20, 0, ACL_UNDEF_ID },
	};
	const struct acl_entry named_group[] = {
		{ 0x01, 4, ACL_UNDEF_ID }, { 0x02, 4, NOBODY },
		{ 0x04, 0, ACL_UNDEF_ID }, { 0x08, 4, 5 },
		{ 0x10, 4, ACL_UNDEF_ID }, { 0x20, 0, ACL_UNDEF_ID },
	};
	const struct acl_entry owning_group[] = {
		{ 0x01, 4, ACL_UNDEF_ID }, { 0x02, 4, NOBODY },
		{ 0x04, 4, ACL_UNDEF_ID },
		{ 0x10, 4, ACL_UNDEF_ID }, { 0x20, 0, ACL_UNDEF_ID },
	};

	if (geteuid() != 0)
		return;		/* needs root to play the service manager */
	/* NOBODY must reach the files. */
	ck_assert_int_eq(chmod(tmpdir, 0711), 0);
	path = write_file("db-password", "credential\n", 11, 0400);
	set_credential_acl(path, NOBODY);
	ck_assert_int_eq(read_as_nobody(path, err, sizeof(err)), CB_OK);
	expect_refusal(path, CB_ERR_PERM, "mode 0440 gives group or others "
	    "access; want owner-only (chmod 600 or 400)");

	/* The same mode without an ACL is a group-readable file. */
	path = write_file("plain", "credential\n", 11, 0440);
	ck_assert_int_eq(chown(path, 0, NOBODY), 0);
	ck_assert_int_eq(read_as_nobody(path, err, sizeof(err)),
	    CB_ERR_PERM);
	snprintf(want, sizeof(want), "%s: mode 0440 gives group or others "
	    "access; want owner-only (chmod 600 or 400)", path);
	ck_assert_str_eq(err, want);

	/* The ramfs fallback: chowned to the service's user, mode 0400. */
	path = write_file("chowned", "credential\n", 11, 0400);
	ck_assert_int_eq(chown(path, NOBODY, NOBODY), 0);
	ck_assert_int_eq(read_as_nobody(path, err, sizeof(err)), CB_OK);

	path = write_file("other-user", "credential\n", 11, 0400);
	set_acl(path, other_user, sizeof(other_user) / sizeof(other_user[0]));
	ck_assert_int_eq(read_as_nobody(path, err, sizeof(err)),
	    CB_ERR_PERM);
	snprintf(want, sizeof(want), "%s: mode 0440 with an ACL that gives "
	    "uid 1234 access; want access for uid 65534 only", path);
	ck_assert_str_eq(err, want);

	path = write_file("named-group", "credential\n", 11, 0400);
	set_acl(path, named_group, sizeof(named_group) / sizeof(named_group[0]));
	ck_assert_int_eq(read_as_nobody(path, err, sizeof(err)),
	    CB_ERR_PERM);
	snprintf(want, sizeof(want), "%s: mode 0440 with an ACL that gives "
	    "group 5 access; want access for uid 65534 only", path);
	ck_assert_str_eq(err, want);

	path = write_file("owning-group", "credential\n", 11, 0400);
	set_acl(path, owning_group,
	    sizeof(owning_group) / sizeof(owning_group[0]));
	ck_assert_int_eq(read_as_nobody(path, err, sizeof(err)),
	    CB_ERR_PERM);
	snprintf(want, sizeof(want), "%s: mode 0440 with an ACL that gives "
	    "the owning group access; want access for uid 65534 only", path);
	ck_assert_str_eq(err, want);
}
END_TEST

static Suite *
secret_suite(void)
{
	Suite	*s = suite_create("secret");
	TCase	*tc;

	tc = tcase_create("contents_and_modes");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_cases, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("file_types");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_not_a_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("owners");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_foreign_owner);
	tcase_add_test(tc, test_systemd_credential);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(secret_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

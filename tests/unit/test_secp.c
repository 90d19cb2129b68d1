/*
 * test_secp.c - signing and recovery against independently computed
 * signatures (RFC 6979 makes them deterministic), EIP-191 personal_sign,
 * signature edge cases, and key file loading rules.
 */
#include "config.h"

#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hex.h"
#include "eth/keccak.h"
#include "eth/secp.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The first well-known development account (anvil/hardhat key 0). */
static const char dev_key[] =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char dev_addr[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/* keccak256("chainbridge") signed with dev_key, computed with ethers. */
static const char msg_hash[] =
    "8254e7880d34da38bc2e486664e02dac5d2224cd9af8cdff5acb770d1f71f0d8";
static const char sig_r[] =
    "ff30d6e60a405c593fb0fe4d6b0296a82830db6bcb3be75c15e918b61a264442";
static const char sig_s[] =
    "361363be63580725ee68ac89f4158c7f983d5a300899a3eafc2b33495875b4d1";
/* n - sig_s: the high-s twin. */
static const char sig_s_high[] =
    "c9ec9c419ca7f8da119753760bea737f227182b6a6aefc50c3a72b4377c08c70";
/* The group order n. */
static const char order_n[] =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

static void
unhex_exact(uint8_t *out, size_t n, const char *s)
{
	ck_assert_int_eq(hex_decode_exact(out, n, s, strlen(s)), 0);
}

static struct secp_key *
load_dev_key(void)
{
	uint8_t secret[SECP_KEY_LEN];
	struct secp_key *key;

	unhex_exact(secret, sizeof(secret), dev_key);
	ck_assert_int_eq(secp_key_from_bytes(secret, &key), CB_OK);
	return key;
}

static void
check_addr(const struct address *a, const char *want)
{
	char got[ADDRESS_STR_SIZE];

	address_to_checksum(a, got);
	ck_assert_str_eq(got, want);
}

/* The 65-byte r || s || v of the reference signature with a chosen v. */
static void
reference_sig(uint8_t sig[SECP_SIG_LEN], uint8_t v)
{
	unhex_exact(sig, 32, sig_r);
	unhex_exact(sig + 32, 32, sig_s);
	sig[64] = v;
}

START_TEST(test_sign_matches_reference)
{
	struct secp_key *key = load_dev_key();
	uint8_t hash[32], r[32], s[32], bytes[SECP_SIG_LEN];
	struct secp_sig sig;
	struct address a;

	secp_key_address(key, &a);
	check_addr(&a, dev_addr);

	keccak256("chainbridge", strlen("chainbridge"), hash);
	unhex_exact(r, sizeof(r), msg_hash);
	ck_assert_int_eq(memcmp(hash, r, 32), 0);

	ck_assert_int_eq(secp_sign(key, hash, &sig), CB_OK);
	unhex_exact(r, sizeof(r), sig_r);
	unhex_exact(s, sizeof(s), sig_s);
	ck_assert_int_eq(memcmp(sig.r, r, 32), 0);
	ck_assert_int_eq(memcmp(sig.s, s, 32), 0);
	ck_assert_uint_eq(sig.recid, 0);

	secp_sig_to_bytes(&sig, bytes);
	ck_assert_uint_eq(bytes[64], 27);
	ck_assert(secp_sig_is_low_s(bytes));
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(secp_recover(hash, bytes, &a), CB_OK);
	check_addr(&a, dev_addr);
	secp_key_free(key);
}
END_TEST

/* Signing many hashes: every signature is low-s and recovers the signer. */
START_TEST(test_sign_recover_many)
{
	struct secp_key *key = load_dev_key();
	uint8_t hash[32], bytes[SECP_SIG_LEN];
	struct secp_sig sig;
	struct address a, want;
	unsigned i, recid_seen[2] = { 0, 0 };

	secp_key_address(key, &want);
	for (i = 0; i < 64; i++) {
		keccak256(&i, sizeof(i), hash);
		ck_assert_int_eq(secp_sign(key, hash, &sig), CB_OK);
		recid_seen[sig.recid]++;
		secp_sig_to_bytes(&sig, bytes);
		ck_assert(secp_sig_is_low_s(bytes));
		ck_assert_int_eq(secp_recover(hash, bytes, &a), CB_OK);
		ck_assert(address_eq(&a, &want));
		/* A different hash recovers some other address. */
		hash[0] ^= 1;
		if (secp_recover(hash, bytes, &a) == CB_OK)
			ck_assert(!address_eq(&a, &want));
	}
	ck_assert_uint_gt(recid_seen[0], 0);
	ck_assert_uint_gt(recid_seen[1], 0);
	secp_key_free(key);
}
END_TEST

enum v_outcome { V_SIGNER, V_OTHER, V_BAD };

/* The reference signature has y parity 0: v 1/28 recover a different key. */
static const struct {
	uint8_t v;
	enum v_outcome want;
} v_vectors[] = {
	{ 0, V_SIGNER }, { 27, V_SIGNER }, { 1, V_OTHER }, { 28, V_OTHER },
	{ 2, V_BAD }, { 26, V_BAD }, { 29, V_BAD }, { 37, V_BAD }, { 255, V_BAD },
};

START_TEST(test_recover_v)
{
	uint8_t hash[32], sig[SECP_SIG_LEN];
	struct address a;
	char got[ADDRESS_STR_SIZE];
	enum cb_err rc;

	unhex_exact(hash, sizeof(hash), msg_hash);
	reference_sig(sig, v_vectors[_i].v);
	rc = secp_recover(hash, sig, &a);
	switch (v_vectors[_i].want) {
	case V_SIGNER:
		ck_assert_int_eq(rc, CB_OK);
		check_addr(&a, dev_addr);
		break;
	case V_OTHER:
		ck_assert_int_eq(rc, CB_OK);
		address_to_checksum(&a, got);
		ck_assert_str_ne(got, dev_addr);
		break;
	default:
		ck_assert_int_eq(rc, CB_ERR_INVALID);
		break;
	}
}
END_TEST

/* ecrecover accepts high s: (r, n - s) with the other parity is the same signer. */
START_TEST(test_recover_high_s)
{
	uint8_t hash[32], sig[SECP_SIG_LEN];
	struct address a;

	unhex_exact(hash, sizeof(hash), msg_hash);
	reference_sig(sig, 28);
	unhex_exact(sig + 32, 32, sig_s_high);
	ck_assert(!secp_sig_is_low_s(sig));
	ck_assert_int_eq(secp_recover(hash, sig, &a), CB_OK);
	check_addr(&a, dev_addr);
}
END_TEST

/* r or s of 0, or not below n, never recovers. */
START_TEST(test_recover_out_of_range)
{
	uint8_t hash[32], sig[SECP_SIG_LEN];
	struct address a;

	unhex_exact(hash, sizeof(hash), msg_hash);

	reference_sig(sig, 27);
	memset(sig, 0, 32);
	ck_assert_int_eq(secp_recover(hash, sig, &a), CB_ERR_INVALID);

	reference_sig(sig, 27);
	memset(sig + 32, 0, 32);
	ck_assert_int_eq(secp_recover(hash, sig, &a), CB_ERR_INVALID);

	reference_sig(sig, 27);
	unhex_exact(sig, 32, order_n);
	ck_assert_int_eq(secp_recover(hash, sig, &a), CB_ERR_INVALID);

	reference_sig(sig, 27);
	unhex_exact(sig + 32, 32, order_n);
	ck_assert_int_eq(secp_recover(hash, sig, &a), CB_ERR_INVALID);
	ck_assert(!secp_sig_is_low_s(sig));

	reference_sig(sig, 27);
	memset(sig, 0xff, 64);
	ck_assert_int_eq(secp_recover(hash, sig, &a), CB_ERR_INVALID);
}
END_TEST

/* personal_sign("Hello World") and ("") by dev_key, computed with ethers. */
static const struct {
	const char *msg;
	const char *hash;
	const char *sig;
} personal_vectors[] = {
	{ "Hello World",
	  "a1de988600a42c4b4ab089b619297c17d53cffae5d5120d82d8a92d0bb3b78f2",
	  "65e72b1cf8e189569963750e10ccb88fe89389daeeb8b735277d59cd6885ee82"
	  "3eb5a6982b540f185703492dab77b863a88ce01f27e21ade8b2879c10fc9e6531c" },
	{ "",
	  "5f35dce98ba4fba25530a026ed80b2cecdaa31091ba4958b99b52ea1d068adad",
	  "c1977b761f1dd36c29795783460d241885c8e7f9d962dbe7bba2753fd94e89b4"
	  "44a1cd9ed855dd09afa3b73f7c2bd097ec9abc2d2775d737505a02d3f0cafa591b" },
};

START_TEST(test_personal_sign)
{
	const char *msg = personal_vectors[_i].msg;
	uint8_t hash[32], want_hash[32], want_sig[SECP_SIG_LEN], sig[SECP_SIG_LEN];
	struct secp_key *key = load_dev_key();
	struct secp_sig s;
	struct address a, want;

	secp_key_address(key, &want);
	secp_personal_hash((const uint8_t *)msg, strlen(msg), hash);
	unhex_exact(want_hash, sizeof(want_hash), personal_vectors[_i].hash);
	ck_assert_int_eq(memcmp(hash, want_hash, 32), 0);

	unhex_exact(want_sig, sizeof(want_sig), personal_vectors[_i].sig);
	ck_assert_int_eq(secp_recover_personal((const uint8_t *)msg, strlen(msg),
	    want_sig, &a), CB_OK);
	check_addr(&a, dev_addr);

	/* Our own signature of the same message is byte-identical (RFC 6979). */
	ck_assert_int_eq(secp_sign(key, hash, &s), CB_OK);
	secp_sig_to_bytes(&s, sig);
	ck_assert_int_eq(memcmp(sig, want_sig, sizeof(sig)), 0);

	/* A changed message recovers someone else. */
	ck_assert_int_eq(secp_recover_personal((const uint8_t *)"Hello world", 11,
	    want_sig, &a), CB_OK);
	ck_assert(!address_eq(&a, &want));
	secp_key_free(key);
}
END_TEST

/* Lengths of 10 and more use several decimal digits in the prefix. */
START_TEST(test_personal_hash_long)
{
	uint8_t msg[1000], hash[32], manual[32];
	struct keccak256_ctx kc;
	static const char prefix[] = "\x19" "Ethereum Signed Message:\n1000";

	memset(msg, 'm', sizeof(msg));
	secp_personal_hash(msg, sizeof(msg), hash);
	keccak256_init(&kc);
	keccak256_update(&kc, prefix, strlen(prefix));
	keccak256_update(&kc, msg, sizeof(msg));
	keccak256_final(&kc, manual);
	ck_assert_int_eq(memcmp(hash, manual, 32), 0);
}
END_TEST

START_TEST(test_key_from_bytes_invalid)
{
	uint8_t secret[SECP_KEY_LEN];
	struct secp_key *key = (struct secp_key *)secret;

	memset(secret, 0, sizeof(secret));
	ck_assert_int_eq(secp_key_from_bytes(secret, &key), CB_ERR_INVALID);
	ck_assert_ptr_null(key);
	unhex_exact(secret, sizeof(secret), order_n);
	ck_assert_int_eq(secp_key_from_bytes(secret, &key), CB_ERR_INVALID);
	memset(secret, 0xff, sizeof(secret));
	ck_assert_int_eq(secp_key_from_bytes(secret, &key), CB_ERR_INVALID);
	secp_key_free(NULL);
}
END_TEST

START_TEST(test_init_cleanup)
{
	struct secp_key *key;

	ck_assert_int_eq(secp_init(), CB_OK);
	ck_assert_int_eq(secp_init(), CB_OK);
	secp_cleanup();
	secp_cleanup();
	/* Lazily recreated by the next call that needs it. */
	key = load_dev_key();
	secp_key_free(key);
	secp_cleanup();
}
END_TEST

/* Key files are written into a fresh private directory. */
static char key_dir[256];

static void
key_dir_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	ck_assert_int_lt(snprintf(key_dir, sizeof(key_dir), "%s/cb-secp-XXXXXX", tmp),
	    (int)sizeof(key_dir));
	ck_assert_ptr_nonnull(mkdtemp(key_dir));
}

static void
key_dir_teardown(void)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/key", key_dir);
	(void)unlink(path);
	(void)rmdir(key_dir);
}

/* (Re)writes key_dir/key with the given contents and mode; returns its path. */
static const char *
write_key(const char *contents, mode_t mode)
{
	static char path[300];
	int fd;
	size_t len = strlen(contents);

	snprintf(path, sizeof(path), "%s/key", key_dir);
	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, contents, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static const struct {
	const char *contents;
	mode_t mode;
	enum cb_err want;
	const char *err_has;	/* substring of the message, or NULL */
} key_file_vectors[] = {
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", 0600, CB_OK, NULL },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n", 0600, CB_OK, NULL },
	{ "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n", 0400, CB_OK, NULL },
	{ "0xAC0974BEC39A17E36BA4A6B4D238FF944BACB478CBED5EFCAE784D7BF4F2FF80", 0600, CB_OK, NULL },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n", 0644,
	  CB_ERR_PERM, "mode 0644" },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n", 0640,
	  CB_ERR_PERM, "chmod 600" },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n", 0604,
	  CB_ERR_PERM, "group or others" },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n", 0601,
	  CB_ERR_PERM, "want owner-only" },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff8\n", 0600,
	  CB_ERR_INVALID, "64 hex digits" },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff800", 0600,
	  CB_ERR_INVALID, "64 hex digits" },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff8g", 0600,
	  CB_ERR_INVALID, "64 hex digits" },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n\n", 0600,
	  CB_ERR_INVALID, "64 hex digits" },
	{ " ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", 0600,
	  CB_ERR_INVALID, "64 hex digits" },
	{ "", 0600, CB_ERR_INVALID, "empty" },
	{ "\n", 0600, CB_ERR_INVALID, "empty" },
	{ "0000000000000000000000000000000000000000000000000000000000000000\n", 0600,
	  CB_ERR_INVALID, "not a valid secp256k1" },
	{ "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141\n", 0600,
	  CB_ERR_INVALID, "not a valid secp256k1" },
	{ "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
	  "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
	  "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", 0600,
	  CB_ERR_INVALID, "64 hex digits" },
};

START_TEST(test_key_file)
{
	const char *path = write_key(key_file_vectors[_i].contents, key_file_vectors[_i].mode);
	struct secp_key *key = (struct secp_key *)key_dir;
	char errbuf[256];
	struct address a;

	ck_assert_int_eq(secp_key_load(path, &key, errbuf, sizeof(errbuf)),
	    key_file_vectors[_i].want);
	if (key_file_vectors[_i].want == CB_OK) {
		ck_assert_ptr_nonnull(key);
		secp_key_address(key, &a);
		check_addr(&a, dev_addr);
		secp_key_free(key);
		return;
	}
	ck_assert_ptr_null(key);
	ck_assert_ptr_nonnull(strstr(errbuf, key_file_vectors[_i].err_has));
	ck_assert_ptr_nonnull(strstr(errbuf, path));
	/* The message never carries key material. */
	ck_assert_ptr_null(strstr(errbuf, "ac0974"));
}
END_TEST

START_TEST(test_key_file_not_regular)
{
	struct secp_key *key;
	char errbuf[256];

	ck_assert_int_eq(secp_key_load(key_dir, &key, errbuf, sizeof(errbuf)),
	    CB_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(errbuf, "not a regular file"));
	ck_assert_int_eq(secp_key_load("/nonexistent/chainbridge/key", &key, errbuf,
	    sizeof(errbuf)), CB_ERR_IO);
	ck_assert_ptr_nonnull(strstr(errbuf, "No such file"));
	/* No error buffer is fine too. */
	ck_assert_int_eq(secp_key_load("/nonexistent/chainbridge/key", &key, NULL, 0),
	    CB_ERR_IO);
}
END_TEST

/* A key file owned by someone else is refused even with mode 0600. */
START_TEST(test_key_file_foreign_owner)
{
	const char *path = write_key(dev_key, 0600);
	struct secp_key *key;
	char errbuf[256];

	/* Only root can give a file away; others can only load their own. */
	if (geteuid() != 0) {
		ck_assert_int_eq(secp_key_load(path, &key, errbuf, sizeof(errbuf)), CB_OK);
		secp_key_free(key);
		return;
	}
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_int_eq(secp_key_load(path, &key, errbuf, sizeof(errbuf)), CB_ERR_PERM);
	ck_assert_ptr_nonnull(strstr(errbuf, "owned by uid 65534"));
}
END_TEST

static Suite *
secp_suite(void)
{
	Suite *s = suite_create("secp");
	TCase *tc;

	tc = tcase_create("sign");
	tcase_add_test(tc, test_sign_matches_reference);
	tcase_add_test(tc, test_sign_recover_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("recover");
	tcase_add_loop_test(tc, test_recover_v, 0, (int)N_ELEMS(v_vectors));
	tcase_add_test(tc, test_recover_high_s);
	tcase_add_test(tc, test_recover_out_of_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("personal_sign");
	tcase_add_loop_test(tc, test_personal_sign, 0, (int)N_ELEMS(personal_vectors));
	tcase_add_test(tc, test_personal_hash_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_add_test(tc, test_key_from_bytes_invalid);
	tcase_add_test(tc, test_init_cleanup);
	suite_add_tcase(s, tc);

	tc = tcase_create("key_file");
	tcase_add_checked_fixture(tc, key_dir_setup, key_dir_teardown);
	tcase_add_loop_test(tc, test_key_file, 0, (int)N_ELEMS(key_file_vectors));
	tcase_add_test(tc, test_key_file_not_regular);
	tcase_add_test(tc, test_key_file_foreign_owner);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(secp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	secp_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

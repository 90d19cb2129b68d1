/*
 * test_address.c - EIP-55 checksums with the EIP's own test addresses,
 * parsing errors, and public key to address derivation.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "eth/address.h"
#include "core/hex.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The test addresses listed in EIP-55: all caps, all lower, mixed. */
static const char *const eip55_vectors[] = {
	"0x52908400098527886E0F7030069857D2E4169EE7",
	"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
	"0xde709f2102306220921060314715629080e2fb77",
	"0x27b1fdb04752bbc536007a920d24acb045561c26",
	"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
	"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
	"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
};

static void
ascii_case(char *s, int upper)
{
	for (; *s != '\0'; s++) {
		if (upper && *s >= 'a' && *s <= 'f')
			*s = (char)(*s - 'a' + 'A');
		else if (!upper && *s >= 'A' && *s <= 'F')
			*s = (char)(*s - 'A' + 'a');
	}
}

START_TEST(test_checksum_roundtrip)
{
	const char *want = eip55_vectors[_i];
	char out[ADDRESS_STR_SIZE], lower[ADDRESS_STR_SIZE], upper[ADDRESS_STR_SIZE];
	struct address a, b;

	ck_assert_int_eq(address_parse(want, strlen(want), &a), ADDRESS_OK);
	address_to_checksum(&a, out);
	ck_assert_str_eq(out, want);

	memcpy(lower, want, sizeof(lower));
	ascii_case(lower + 2, 0);
	address_to_lower(&a, out);
	ck_assert_str_eq(out, lower);
	ck_assert_int_eq(address_parse(lower, strlen(lower), &b), ADDRESS_OK);
	ck_assert(address_eq(&a, &b));

	memcpy(upper, want, sizeof(upper));
	ascii_case(upper + 2, 1);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(address_parse(upper, strlen(upper), &b), ADDRESS_OK);
	ck_assert(address_eq(&a, &b));
}
END_TEST

static bool
is_single_case(const char *s)
{
	bool has_lower = false, has_upper = false;

	for (; *s != '\0'; s++) {
		if (*s >= 'a' && *s <= 'f')
			has_lower = true;
		if (*s >= 'A' && *s <= 'F')
			has_upper = true;
	}
	return !(has_lower && has_upper);
}

/* Flipping the case of any one letter of a mixed-case address breaks it. */
START_TEST(test_bad_checksum)
{
	const char *good = eip55_vectors[4 + _i];
	char s[ADDRESS_STR_SIZE];
	struct address a, untouched;
	size_t i, flipped = 0;

	for (i = 2; i < ADDRESS_HEX_LEN; i++) {
		memcpy(s, good, sizeof(s));
		if (s[i] >= 'a' && s[i] <= 'f')
			s[i] = (char)(s[i] - 'a' + 'A');
		else if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
		else
			continue;
		memset(&a, 0x5a, sizeof(a));
		untouched = a;
		/* A flip can leave the string single-case, which is then valid. */
		if (is_single_case(s))
			continue;
		ck_assert_int_eq(address_parse(s, ADDRESS_HEX_LEN, &a), ADDRESS_BAD_CHECKSUM);
		ck_assert(address_eq(&a, &untouched));
		flipped++;
	}
	ck_assert_uint_gt(flipped, 10);
}
END_TEST

static const char *const bad_syntax[] = {
	"",
	"0x",
	"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"005aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
	"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0",
	"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg",
	"0x 5aaeb6053f3e94c9b9a09f33669435e7ef1bea",
	"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae ",
	"0x-aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
	"0x0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea",
};

START_TEST(test_bad_syntax)
{
	const char *s = bad_syntax[_i];
	struct address a;

	ck_assert_int_eq(address_parse(s, strlen(s), &a), ADDRESS_BAD_SYNTAX);
}
END_TEST

START_TEST(test_embedded_nul_and_null)
{
	char s[ADDRESS_STR_SIZE];
	struct address a;

	memcpy(s, eip55_vectors[2], sizeof(s));
	s[20] = '\0';
	ck_assert_int_eq(address_parse(s, ADDRESS_HEX_LEN, &a), ADDRESS_BAD_SYNTAX);
	ck_assert_int_eq(address_parse(NULL, 0, &a), ADDRESS_BAD_SYNTAX);
}
END_TEST

START_TEST(test_from_pubkey)
{
	/* Public key of the well-known development key 0xac0974...ff80. */
	static const char pub_hex[] =
	    "8318535b54105d4a7aae60c08fc45f9687181b4fdfc625bd1a753fa7397fed75"
	    "3547f11ca8696646f2f3acb08e31016afac23e630c5d11f59f61fef57b0d2aa5";
	uint8_t pub[64];
	struct address a;
	char out[ADDRESS_STR_SIZE];

	ck_assert_int_eq(hex_decode_exact(pub, sizeof(pub), pub_hex, strlen(pub_hex)), 0);
	address_from_pubkey(pub, &a);
	address_to_checksum(&a, out);
	ck_assert_str_eq(out, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
}
END_TEST

START_TEST(test_eq_zero)
{
	struct address a, b;
	const char *z = "0x0000000000000000000000000000000000000000";
	char out[ADDRESS_STR_SIZE];

	ck_assert_int_eq(address_parse(z, strlen(z), &a), ADDRESS_OK);
	ck_assert(address_is_zero(&a));
	address_to_checksum(&a, out);
	ck_assert_str_eq(out, z);
	ck_assert_int_eq(address_parse(eip55_vectors[4], ADDRESS_HEX_LEN, &b), ADDRESS_OK);
	ck_assert(!address_is_zero(&b));
	ck_assert(!address_eq(&a, &b));
	a = b;
	a.bytes[ADDRESS_LEN - 1] ^= 1;
	ck_assert(!address_eq(&a, &b));
}
END_TEST

static Suite *
address_suite(void)
{
	Suite *s = suite_create("address");
	TCase *tc;

	tc = tcase_create("eip55");
	tcase_add_loop_test(tc, test_checksum_roundtrip, 0, (int)N_ELEMS(eip55_vectors));
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_checksum");
	tcase_add_loop_test(tc, test_bad_checksum, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_syntax");
	tcase_add_loop_test(tc, test_bad_syntax, 0, (int)N_ELEMS(bad_syntax));
	tcase_add_test(tc, test_embedded_nul_and_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("from_pubkey");
	tcase_add_test(tc, test_from_pubkey);
	suite_add_tcase(s, tc);

	tc = tcase_create("compare");
	tcase_add_test(tc, test_eq_zero);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(address_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

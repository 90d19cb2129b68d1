/*
 * test_amount_gmp.c - differential test of u256 and amount against GMP.
 *
 * Random values (biased toward limb boundaries, all-ones and powers of
 * two) go through our code and through GMP, and the answers must agree.
 * The seed is printed; set CB_TEST_SEED to replay a failure and
 * CB_TEST_ITERATIONS to change the number of rounds per test.
 */
#include "config.h"

#include <check.h>
#include <gmp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "money/amount.h"

#define DEFAULT_ITERATIONS 1000000

static uint64_t seed;
static unsigned long iterations = DEFAULT_ITERATIONS;

/* Check's assertion macros report every passing check to the runner, which
 * costs a system call each; these only act on failure. */
#define REQUIRE(cond) do {						\
	if (!(cond))							\
		ck_abort_msg("%s failed at line %d (CB_TEST_SEED=%" PRIu64 ")", \
		    #cond, __LINE__, seed);				\
} while (0)
#define REQUIRE_MSG(cond, ...) do {					\
	if (!(cond))							\
		ck_abort_msg(__VA_ARGS__);				\
} while (0)

/* splitmix64: small, fast and good enough to spread test inputs. */
static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned
rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

/* A random u256 with a random bit length; some are all ones or a power of
 * two, which sit on the carry and limb edges. */
static void
rand_u256(u256 *a)
{
	unsigned bits = rng_below(257), kind = rng_below(8), i;

	for (i = 0; i < 4; i++)
		a->limb[i] = kind == 0 ? UINT64_MAX : rng();
	if (kind == 1) {
		memset(a->limb, 0, sizeof(a->limb));
		if (bits > 0)
			a->limb[(bits - 1) / 64] = UINT64_C(1) << ((bits - 1) % 64);
		return;
	}
	for (i = 0; i < 4; i++) {
		unsigned lo = i * 64;

		if (bits <= lo)
			a->limb[i] = 0;
		else if (bits < lo + 64)
			a->limb[i] &= (UINT64_C(1) << (bits - lo)) - 1;
	}
}

static void
to_mpz(mpz_t z, const u256 *a)
{
	mpz_import(z, 4, -1, sizeof(uint64_t), 0, 0, a->limb);
}

static void
from_mpz(u256 *a, const mpz_t z)
{
	size_t count = 0;

	REQUIRE((mpz_sizeinbase(z, 2)) <= (256));
	memset(a->limb, 0, sizeof(a->limb));
	mpz_export(a->limb, &count, -1, sizeof(uint64_t), 0, 0, z);
	REQUIRE((count) <= (4));
}

static void
check_eq(const u256 *got, const mpz_t want, const char *what, unsigned long it)
{
	u256 w;

	from_mpz(&w, want);
	if (memcmp(got->limb, w.limb, sizeof(w.limb)) != 0) {
		char g[U256_HEX_MAX];

		u256_to_hex_quantity(got, g, sizeof(g));
		gmp_printf("want %#Zx\n", want);
		ck_abort_msg("%s differs at iteration %lu (seed %" PRIu64 "): got %s",
		    what, it, seed, g);
	}
}

START_TEST(test_u256_vs_gmp)
{
	mpz_t za, zb, zr, zq, two256;
	char dec[U256_DEC_MAX], hex[U256_HEX_MAX], want[100];
	unsigned long it;

	mpz_inits(za, zb, zr, zq, two256, NULL);
	mpz_ui_pow_ui(two256, 2, 256);
	rng_state = seed;
	for (it = 0; it < iterations; it++) {
		u256 a, b, r, back;
		uint64_t d, rem;
		int rc;
		size_t n;

		rand_u256(&a);
		rand_u256(&b);
		to_mpz(za, &a);
		to_mpz(zb, &b);

		mpz_add(zr, za, zb);
		rc = u256_add(&r, &a, &b);
		if (mpz_cmp(zr, two256) >= 0)
			REQUIRE_MSG(rc == -1, "add overflow missed at %lu", it);
		else {
			REQUIRE_MSG(rc == 0, "add false overflow at %lu", it);
			check_eq(&r, zr, "add", it);
		}

		mpz_sub(zr, za, zb);
		rc = u256_sub(&r, &a, &b);
		if (mpz_sgn(zr) < 0)
			REQUIRE_MSG(rc == -1, "sub underflow missed at %lu", it);
		else {
			REQUIRE_MSG(rc == 0, "sub false underflow at %lu", it);
			check_eq(&r, zr, "sub", it);
		}
		REQUIRE((u256_cmp(&a, &b)) == (mpz_cmp(za, zb) < 0 ? -1 : mpz_cmp(za, zb) > 0));

		mpz_mul(zr, za, zb);
		rc = u256_mul(&r, &a, &b);
		if (mpz_cmp(zr, two256) >= 0)
			REQUIRE_MSG(rc == -1, "mul overflow missed at %lu", it);
		else {
			REQUIRE_MSG(rc == 0, "mul false overflow at %lu", it);
			check_eq(&r, zr, "mul", it);
		}

		d = rng() >> rng_below(64);
		if (d == 0)
			d = 1;
		mpz_tdiv_qr_ui(zq, zr, za, d);
		REQUIRE((u256_divmod_u64(&r, &a, d, &rem)) == (0));
		check_eq(&r, zq, "divmod quotient", it);
		REQUIRE_MSG(rem == (uint64_t)mpz_get_ui(zr),
		    "divmod remainder at %lu (seed %" PRIu64 ")", it, seed);

		mpz_mul_ui(zr, za, d);
		rc = u256_mul_u64(&r, &a, d);
		if (mpz_cmp(zr, two256) >= 0)
			REQUIRE_MSG(rc == -1, "mul_u64 overflow missed at %lu", it);
		else {
			REQUIRE((rc) == (0));
			check_eq(&r, zr, "mul_u64", it);
		}

		n = u256_to_dec(&a, dec, sizeof(dec));
		mpz_get_str(want, 10, za);
		REQUIRE_MSG(strcmp(dec, want) == 0, "to_dec at %lu (seed %" PRIu64 "): %s vs %s",
		    it, seed, dec, want);
		REQUIRE((n) == (strlen(want)));
		REQUIRE((u256_from_dec(&back, dec, n)) == (0));
		check_eq(&back, za, "from_dec", it);

		n = u256_to_hex_quantity(&a, hex, sizeof(hex));
		want[0] = '0';
		want[1] = 'x';
		mpz_get_str(want + 2, 16, za);
		REQUIRE_MSG(strcmp(hex, want) == 0, "to_hex at %lu (seed %" PRIu64 "): %s vs %s",
		    it, seed, hex, want);
		REQUIRE((u256_from_hex_quantity(&back, hex, n)) == (0));
		check_eq(&back, za, "from_hex_quantity", it);

		/* a decimal one above 2^256-1 must overflow, never wrap */
		if (mpz_sizeinbase(za, 2) >= 255) {
			mpz_add(zr, za, two256);
			mpz_get_str(want, 10, zr);
			REQUIRE((u256_from_dec(&back, want, strlen(want))) == (-2));
		}
	}
	mpz_clears(za, zb, zr, zq, two256, NULL);
}
END_TEST

/* Writes a random magnitude below 10^65 as digits to buf (NUL-terminated):
 * random length, sometimes zero, sometimes all nines. */
static void
rand_digits(char *buf, unsigned maxlen)
{
	unsigned n = 1 + rng_below(maxlen), kind = rng_below(16), i;

	if (kind == 0) {
		memcpy(buf, "0", 2);
		return;
	}
	for (i = 0; i < n; i++)
		buf[i] = kind == 1 ? '9' : (char)('0' + rng_below(10));
	if (buf[0] == '0')
		buf[0] = (char)('1' + rng_below(9));
	buf[n] = '\0';
}

/* The canonical wire text of sign * z base units, built with GMP. */
static void
gmp_format(char *out, size_t cap, const mpz_t z, bool neg, unsigned decimals, bool with_sign)
{
	mpz_t q, r, p;
	char qs[100], rs[100], frac[100];
	size_t rl, fl;

	mpz_inits(q, r, p, NULL);
	mpz_ui_pow_ui(p, 10, decimals);
	mpz_tdiv_qr(q, r, z, p);
	mpz_get_str(qs, 10, q);
	mpz_get_str(rs, 10, r);
	rl = strlen(rs);
	memset(frac, '0', decimals);
	if (mpz_sgn(r) != 0)
		memcpy(frac + decimals - rl, rs, rl);
	fl = decimals;
	while (fl > 0 && frac[fl - 1] == '0')
		fl--;
	if (fl == 0)
		frac[fl++] = '0';
	frac[fl] = '\0';
	snprintf(out, cap, "%s%s.%s",
	    mpz_sgn(z) == 0 ? "" : neg ? "-" : with_sign ? "+" : "", qs, frac);
	mpz_clears(q, r, p, NULL);
}

START_TEST(test_amount_vs_gmp)
{
	mpz_t z, zi, zf, p, limit;
	char digits[100], intd[100], fracd[100], text[300], want[256];
	char got[AMOUNT_STR_MAX];
	unsigned long it;

	mpz_inits(z, zi, zf, p, limit, NULL);
	mpz_ui_pow_ui(limit, 10, 65);
	mpz_sub_ui(limit, limit, 1);
	rng_state = seed ^ UINT64_C(0x5a5a5a5a5a5a5a5a);
	for (it = 0; it < iterations; it++) {
		unsigned decimals = rng_below(AMOUNT_DECIMALS_MAX + 1), flen;
		bool neg = rng_below(2), with_sign = rng_below(2);
		struct amount a, back;
		enum amount_err err;
		size_t n, tl;

		/* format a random storable amount and read it back */
		rand_digits(digits, 65);
		mpz_set_str(z, digits, 10);
		from_mpz(&a.mag, z);
		a.neg = neg && mpz_sgn(z) != 0;
		n = amount_format(&a, decimals, with_sign, got, sizeof(got));
		gmp_format(want, sizeof(want), z, neg, decimals, with_sign);
		REQUIRE_MSG(n > 0 && strcmp(got, want) == 0,
		    "format at %lu (seed %" PRIu64 ", dec %u): %s vs %s", it, seed, decimals, got, want);
		if (decimals > 0) {
			err = amount_parse(&back, got, n, decimals, AMOUNT_ALLOW_SIGN);
			REQUIRE_MSG(err == AMOUNT_OK && amount_cmp(&back, &a) == 0 &&
			    back.neg == a.neg, "parse(format) at %lu (seed %" PRIu64 "): %s",
			    it, seed, got);
		}
		n = amount_to_db(&a, got, sizeof(got));
		REQUIRE((n) > (0));
		REQUIRE((amount_from_db(&back, got, n)) == (0));
		REQUIRE((amount_cmp(&back, &a)) == (0));

		/* parse random text; the oracle computes value and range */
		rand_digits(intd, 70);
		flen = rng_below(decimals + 2);
		for (n = 0; n < flen; n++)
			fracd[n] = (char)('0' + rng_below(10));
		fracd[flen] = '\0';
		tl = (size_t)snprintf(text, sizeof(text), "%s%s%s%s",
		    neg ? "-" : "", intd, flen ? "." : "", fracd);
		err = amount_parse(&a, text, tl, decimals, AMOUNT_ALLOW_SIGN);
		/* A 0-decimal token takes a lone ".0" (its own output form). */
		if (decimals == 0 && flen == 1 && fracd[0] == '0')
			flen = 0;
		if (flen > decimals) {
			REQUIRE_MSG(err == AMOUNT_TOO_MANY_DECIMALS, "%s dec %u: %s", text,
			    decimals, amount_err_code(err));
			continue;
		}
		mpz_set_str(zi, intd, 10);
		mpz_ui_pow_ui(p, 10, decimals);
		mpz_mul(z, zi, p);
		if (flen > 0) {
			mpz_set_str(zf, fracd, 10);
			mpz_ui_pow_ui(p, 10, decimals - flen);
			mpz_addmul(z, zf, p);
		}
		if (mpz_cmp(z, limit) > 0) {
			REQUIRE_MSG(err == AMOUNT_OVERFLOW, "%s dec %u: %s (seed %" PRIu64 ")",
			    text, decimals, amount_err_code(err), seed);
			continue;
		}
		REQUIRE_MSG(err == AMOUNT_OK, "%s dec %u: %s (seed %" PRIu64 ")", text, decimals,
		    amount_err_code(err), seed);
		check_eq(&a.mag, z, "parse", it);
		REQUIRE(a.neg == (neg && mpz_sgn(z) != 0));
	}
	mpz_clears(z, zi, zf, p, limit, NULL);
}
END_TEST

START_TEST(test_amount_arith_vs_gmp)
{
	mpz_t za, zb, zr, limit;
	char digits[100];
	unsigned long it;

	mpz_inits(za, zb, zr, limit, NULL);
	mpz_ui_pow_ui(limit, 10, 65);
	mpz_sub_ui(limit, limit, 1);
	rng_state = seed ^ UINT64_C(0xa5a5a5a5a5a5a5a5);
	for (it = 0; it < iterations; it++) {
		struct amount a, b, r;
		int rc, want_cmp;

		rand_digits(digits, 65);
		mpz_set_str(za, digits, 10);
		from_mpz(&a.mag, za);
		a.neg = rng_below(2) && mpz_sgn(za) != 0;
		if (a.neg)
			mpz_neg(za, za);
		rand_digits(digits, 65);
		mpz_set_str(zb, digits, 10);
		from_mpz(&b.mag, zb);
		b.neg = rng_below(2) && mpz_sgn(zb) != 0;
		if (b.neg)
			mpz_neg(zb, zb);

		want_cmp = mpz_cmp(za, zb);
		want_cmp = want_cmp < 0 ? -1 : want_cmp > 0;
		REQUIRE((amount_cmp(&a, &b)) == (want_cmp));

		mpz_add(zr, za, zb);
		rc = amount_add(&r, &a, &b);
		if (mpz_cmpabs(zr, limit) > 0) {
			REQUIRE((rc) == (-1));
		} else {
			REQUIRE((rc) == (0));
			REQUIRE(r.neg == (mpz_sgn(zr) < 0));
			mpz_abs(zr, zr);
			check_eq(&r.mag, zr, "amount_add", it);
		}
		mpz_sub(zr, za, zb);
		rc = amount_sub(&r, &a, &b);
		if (mpz_cmpabs(zr, limit) > 0) {
			REQUIRE((rc) == (-1));
		} else {
			REQUIRE((rc) == (0));
			REQUIRE(r.neg == (mpz_sgn(zr) < 0));
			mpz_abs(zr, zr);
			check_eq(&r.mag, zr, "amount_sub", it);
		}
	}
	mpz_clears(za, zb, zr, limit, NULL);
}
END_TEST

static Suite *
amount_gmp_suite(void)
{
	Suite *s = suite_create("amount_gmp");
	TCase *tc;

	tc = tcase_create("u256");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_u256_vs_gmp);
	suite_add_tcase(s, tc);
	tc = tcase_create("amount");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_amount_vs_gmp);
	tcase_add_test(tc, test_amount_arith_vs_gmp);
	suite_add_tcase(s, tc);
	return s;
}

static int
parse_env_u64(const char *name, uint64_t *out)
{
	const char *v = getenv(name);
	char *end;
	unsigned long long x;

	if (v == NULL || *v == '\0')
		return 0;
	x = strtoull(v, &end, 0);
	if (*end != '\0') {
		fprintf(stderr, "%s: not a number: %s\n", name, v);
		return -1;
	}
	*out = x;
	return 1;
}

int
main(void)
{
	SRunner *sr;
	uint64_t v;
	int failed, rc;

	rc = parse_env_u64("CB_TEST_SEED", &seed);
	if (rc < 0)
		return EXIT_FAILURE;
	if (rc == 0) {
		FILE *f = fopen("/dev/urandom", "rb");

		if (f == NULL || fread(&seed, sizeof(seed), 1, f) != 1)
			seed = (uint64_t)time(NULL);
		if (f != NULL)
			fclose(f);
	}
	rc = parse_env_u64("CB_TEST_ITERATIONS", &v);
	if (rc < 0)
		return EXIT_FAILURE;
	if (rc > 0)
		iterations = (unsigned long)v;
	printf("test_amount_gmp: CB_TEST_SEED=%" PRIu64 " iterations=%lu\n", seed, iterations);
	fflush(stdout);

	sr = srunner_create(amount_gmp_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed != 0)
		printf("test_amount_gmp: replay with CB_TEST_SEED=%" PRIu64 "\n", seed);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

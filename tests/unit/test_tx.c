/*
 * test_tx.c - transactions: the worked example published in EIP-155, and
 * EIP-1559 / legacy transactions checked byte for byte against an
 * independent encoder and signer.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"
#include "core/hex.h"
#include "eth/keccak.h"
#include "eth/rlp.h"
#include "eth/tx.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char dev_key[] =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char dev_addr[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

static struct secp_key *
key_from_hex(const char *hex)
{
	uint8_t secret[SECP_KEY_LEN];
	struct secp_key *key;

	ck_assert_int_eq(hex_decode_exact(secret, sizeof(secret), hex, strlen(hex)), 0);
	ck_assert_int_eq(secp_key_from_bytes(secret, &key), CB_OK);
	return key;
}

static void
check_hex(const uint8_t *got, size_t len, const char *want)
{
	char *s = malloc(2 * len + 3);

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_gt(hex_encode(s, 2 * len + 3, got, len, true), 0);
	ck_assert_str_eq(s, want);
	free(s);
}

static void
set_u256_dec(u256 *v, const char *dec)
{
	ck_assert_int_eq(u256_from_dec(v, dec, strlen(dec)), 0);
}

static void
set_to(struct tx *tx, const char *addr)
{
	tx->has_to = true;
	ck_assert_int_eq(address_parse(addr, strlen(addr), &tx->to), ADDRESS_OK);
}

/* The example transaction of EIP-155 (chain 1, nonce 9, 20 gwei, 1 ether). */
static void
eip155_example(struct tx *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->type = TX_LEGACY;
	tx->chain_id = 1;
	tx->nonce = 9;
	set_u256_dec(&tx->gas_price, "20000000000");
	tx->gas_limit = 21000;
	set_to(tx, "0x3535353535353535353535353535353535353535");
	set_u256_dec(&tx->value, "1000000000000000000");
}

START_TEST(test_eip155_example)
{
	struct secp_key *key = key_from_hex(
	    "4646464646464646464646464646464646464646464646464646464646464646");
	uint8_t *out, hash[32];
	size_t len;
	struct tx tx;

	eip155_example(&tx);
	ck_assert_int_eq(tx_encode_unsigned(&tx, &out, &len), CB_OK);
	check_hex(out, len,
	    "0xec098504a817c800825208943535353535353535353535353535353535353535"
	    "880de0b6b3a764000080018080");
	free(out);

	/*
	 * The EIP prints 0x2691916f...8fa0 as the signing hash, but that is not
	 * the Keccak-256 of its own signing data; the published signature
	 * below is over this hash, the digest of the signing data above.
	 */
	ck_assert_int_eq(tx_signing_hash(&tx, hash), CB_OK);
	check_hex(hash, sizeof(hash),
	    "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");

	ck_assert_int_eq(tx_sign(&tx, key, &out, &len, hash), CB_OK);
	/* v = 37, r and s exactly as published. */
	check_hex(out, len,
	    "0xf86c098504a817c800825208943535353535353535353535353535353535353535"
	    "880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71"
	    "ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc6421"
	    "4b297fb1966a3b6d83");
	check_hex(hash, sizeof(hash),
	    "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788");
	free(out);
	secp_key_free(key);
}
END_TEST

/* batchMint([dev, second dev account], [1 ether, 2^256 - 1]) call data. */
static uint8_t *
batch_mint_data(size_t *len)
{
	struct abi_enc e;
	uint8_t sel[ABI_SELECTOR_LEN], be[32], *out;
	struct address to[2];
	u256 amounts[2];

	ck_assert_int_eq(address_parse(dev_addr, strlen(dev_addr), &to[0]), ADDRESS_OK);
	ck_assert_int_eq(address_parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
	    ADDRESS_HEX_LEN, &to[1]), ADDRESS_OK);
	set_u256_dec(&amounts[0], "1000000000000000000");
	memset(be, 0xff, sizeof(be));
	ck_assert_int_eq(u256_from_be(&amounts[1], be, sizeof(be)), 0);
	abi_selector("batchMint(address[],uint256[])", sel);
	abi_enc_init(&e, sel, 4096);
	abi_enc_address_array(&e, to, 2);
	abi_enc_uint256_array(&e, amounts, 2);
	ck_assert_int_eq(abi_enc_finish(&e, &out, len), CB_OK);
	return out;
}

static const uint8_t init_code[] = { 0x60, 0x80, 0x60, 0x40, 0x52 };

enum tx_case { CASE_CALL, CASE_CREATE, CASE_LEGACY };

static void
build_case(enum tx_case which, struct tx *tx, uint8_t **data)
{
	memset(tx, 0, sizeof(*tx));
	*data = NULL;
	switch (which) {
	case CASE_CALL:
		tx->type = TX_EIP1559;
		tx->chain_id = 31337;
		tx->nonce = 7;
		set_u256_dec(&tx->max_priority_fee_per_gas, "1000000000");
		set_u256_dec(&tx->max_fee_per_gas, "30000000000");
		tx->gas_limit = 250000;
		set_to(tx, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
		*data = batch_mint_data(&tx->data_len);
		tx->data = *data;
		break;
	case CASE_CREATE:
		tx->type = TX_EIP1559;
		tx->chain_id = 1;
		tx->nonce = 1;
		/* 2^128 + 5 */
		set_u256_dec(&tx->max_fee_per_gas, "340282366920938463463374607431768211461");
		tx->gas_limit = 3000000;
		set_u256_dec(&tx->value, "123456789012345678901234567890");
		tx->data = init_code;
		tx->data_len = sizeof(init_code);
		break;
	default:
		tx->type = TX_LEGACY;
		tx->chain_id = 31337;
		tx->nonce = 300;
		set_u256_dec(&tx->gas_price, "2000000000");
		tx->gas_limit = 21000;
		set_to(tx, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
		set_u256_dec(&tx->value, "1000000000000000000");
		break;
	}
}

/* Expected bytes from an independent implementation (ethers v6). */
static const struct {
	enum tx_case which;
	const char *unsigned_hex;
	const char *sighash;
	const char *signed_hex;
	const char *hash;
} signed_vectors[] = {
	{ CASE_CALL,
	  "0x02f90131827a6907843b9aca008506fc23ac008303d090945fbdb2315678afecb367"
	  "f032d93f642f64180aa380b9010468573107000000000000000000000000000000000000"
	  "000000000000000000000000004000000000000000000000000000000000000000000000"
	  "000000000000000000a00000000000000000000000000000000000000000000000000000"
	  "000000000002000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb9"
	  "226600000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c80000"
	  "0000000000000000000000000000000000000000000000000000000000020000000000000"
	  "000000000000000000000000000000000000de0b6b3a7640000ffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffc0",
	  "0x4df7bce97493d7159defdace542d8d7bbe027fd605b784cd88d1116a3b179b82",
	  "0x02f90174827a6907843b9aca008506fc23ac008303d090945fbdb2315678afecb367"
	  "f032d93f642f64180aa380b9010468573107000000000000000000000000000000000000"
	  "000000000000000000000000004000000000000000000000000000000000000000000000"
	  "000000000000000000a00000000000000000000000000000000000000000000000000000"
	  "000000000002000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb9"
	  "226600000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c80000"
	  "0000000000000000000000000000000000000000000000000000000000020000000000000"
	  "000000000000000000000000000000000000de0b6b3a7640000ffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffc080a0dc768b75f69926bcfb19feba4f"
	  "09277a7f16ff2a0ca1026f1e814140f655086ea00b4b0583164368b1d984694484778897"
	  "ebeffa12ea680db91f7b43b78b84e9c3",
	  "0xaab414b888ac76d6e3eb5d12618d196cf7761fbe6012b7be9b1cd8c24d534ee9" },
	{ CASE_CREATE,
	  "0x02ef010180910100000000000000000000000000000005832dc6c0808d018ee90ff6c3"
	  "73e0ee4e3f0ad2856080604052c0",
	  "0x82e0589ba779aa1d39537c9bf18c855df5f9a30cada2424e633b29834ab65d7c",
	  "0x02f872010180910100000000000000000000000000000005832dc6c0808d018ee90ff6"
	  "c373e0ee4e3f0ad2856080604052c001a04e2d3671deb8d288cca01cc416b85277a1d28b"
	  "5ff2fffe88a06ed80ac6c965d1a05ccd12ac8d0c21db3cd961b2d676533b81be29adffc5"
	  "a7bb74cea01f7bc8a405",
	  "0x07385dc5500249b3f1a43a45d34d18d17beb7d900b9acd7ee0ad11fe48ae712b" },
	{ CASE_LEGACY,
	  "0xef82012c84773594008252089470997970c51812dc3a010c7d01b50e0d17dc79c888"
	  "0de0b6b3a764000080827a698080",
	  "0x1ce0c7134e74f950c549692ef2eef6285538da177dafac368af01169664970d3",
	  "0xf86f82012c84773594008252089470997970c51812dc3a010c7d01b50e0d17dc79c888"
	  "0de0b6b3a76400008082f4f5a0d5bcbaa63c287c75acd07a992ac6b4249a2378d528d5c0"
	  "fad74a08722a6bf553a01468cee685eca3db6ca24b8974d9412f150294007f9182fa763e"
	  "98d0fbc76369",
	  "0x5bd34a401d7687bd028e77d1ecedf4ce79ee5910aaea3d23b44cbe4dc375bc4d" },
};

START_TEST(test_signed_vectors)
{
	struct secp_key *key = key_from_hex(dev_key);
	uint8_t *data, *out, *out2, hash[32], sighash[32];
	size_t len, len2;
	struct secp_sig sig;
	struct tx tx;

	build_case(signed_vectors[_i].which, &tx, &data);

	ck_assert_int_eq(tx_encode_unsigned(&tx, &out, &len), CB_OK);
	check_hex(out, len, signed_vectors[_i].unsigned_hex);
	free(out);

	ck_assert_int_eq(tx_signing_hash(&tx, sighash), CB_OK);
	check_hex(sighash, sizeof(sighash), signed_vectors[_i].sighash);

	ck_assert_int_eq(tx_sign(&tx, key, &out, &len, hash), CB_OK);
	check_hex(out, len, signed_vectors[_i].signed_hex);
	check_hex(hash, sizeof(hash), signed_vectors[_i].hash);

	/* Signing the hash separately and encoding gives the same bytes. */
	ck_assert_int_eq(secp_sign(key, sighash, &sig), CB_OK);
	ck_assert_int_eq(tx_encode_signed(&tx, &sig, &out2, &len2), CB_OK);
	ck_assert_uint_eq(len2, len);
	ck_assert_int_eq(memcmp(out, out2, len), 0);
	tx_hash(out2, len2, sighash);
	ck_assert_int_eq(memcmp(sighash, hash, 32), 0);

	free(out2);
	free(out);
	free(data);
	secp_key_free(key);
}
END_TEST

/* The signed type-2 bytes decode as RLP and the sender recovers from them. */
START_TEST(test_decode_and_recover)
{
	struct secp_key *key = key_from_hex(dev_key);
	uint8_t *data, *raw, hash[32], sighash[32], sig[SECP_SIG_LEN];
	struct rlp_item top, item, items[12];
	struct rlp_iter it;
	struct address from;
	char from_hex[ADDRESS_STR_SIZE];
	size_t len, n = 0;
	uint64_t v;
	struct tx tx;

	build_case(CASE_CALL, &tx, &data);
	ck_assert_int_eq(tx_sign(&tx, key, &raw, &len, hash), CB_OK);
	ck_assert_uint_eq(raw[0], 0x02);
	ck_assert_int_eq(rlp_decode(raw + 1, len - 1, &top), CB_OK);
	ck_assert_int_eq(rlp_iter_init(&it, &top), CB_OK);
	while (rlp_iter_more(&it)) {
		ck_assert_uint_lt(n, N_ELEMS(items));
		ck_assert_int_eq(rlp_iter_next(&it, &item), CB_OK);
		items[n++] = item;
	}
	ck_assert_uint_eq(n, 12);
	ck_assert_int_eq(rlp_item_u64(&items[0], &v), CB_OK);
	ck_assert_uint_eq(v, 31337);
	ck_assert_int_eq(rlp_item_u64(&items[1], &v), CB_OK);
	ck_assert_uint_eq(v, 7);
	ck_assert_uint_eq(items[5].payload_len, ADDRESS_LEN);
	ck_assert_int_eq(memcmp(items[5].payload, tx.to.bytes, ADDRESS_LEN), 0);
	ck_assert_uint_eq(items[7].payload_len, tx.data_len);
	ck_assert_int_eq(items[8].kind, RLP_LIST);
	ck_assert_uint_eq(items[8].payload_len, 0);

	/* r and s are 32 bytes here (no leading zero byte in this vector). */
	ck_assert_uint_eq(items[10].payload_len, 32);
	ck_assert_uint_eq(items[11].payload_len, 32);
	memcpy(sig, items[10].payload, 32);
	memcpy(sig + 32, items[11].payload, 32);
	ck_assert_int_eq(rlp_item_u64(&items[9], &v), CB_OK);
	sig[64] = (uint8_t)v;
	ck_assert_int_eq(tx_signing_hash(&tx, sighash), CB_OK);
	ck_assert_int_eq(secp_recover(sighash, sig, &from), CB_OK);
	address_to_checksum(&from, from_hex);
	ck_assert_str_eq(from_hex, dev_addr);

	free(raw);
	free(data);
	secp_key_free(key);
}
END_TEST

START_TEST(test_rejects)
{
	struct secp_key *key = key_from_hex(dev_key);
	struct secp_sig sig;
	uint8_t *out = (uint8_t *)&sig, hash[32], *big;
	size_t len = 3;
	struct tx tx;

	eip155_example(&tx);
	tx.chain_id = 0;
	ck_assert_int_eq(tx_encode_unsigned(&tx, &out, &len), CB_ERR_INVALID);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(tx_sign(&tx, key, &out, &len, hash), CB_ERR_INVALID);
	ck_assert_ptr_null(out);

	eip155_example(&tx);
	tx.type = (enum tx_type)1;
	ck_assert_int_eq(tx_signing_hash(&tx, hash), CB_ERR_INVALID);

	/* Priority fee above the fee cap. */
	eip155_example(&tx);
	tx.type = TX_EIP1559;
	u256_from_u64(&tx.max_fee_per_gas, 10);
	u256_from_u64(&tx.max_priority_fee_per_gas, 11);
	ck_assert_int_eq(tx_signing_hash(&tx, hash), CB_ERR_INVALID);
	u256_from_u64(&tx.max_priority_fee_per_gas, 10);
	ck_assert_int_eq(tx_signing_hash(&tx, hash), CB_OK);

	/* A legacy v for this chain id would not fit in 64 bits. */
	eip155_example(&tx);
	tx.chain_id = UINT64_MAX / 2;
	ck_assert_int_eq(tx_signing_hash(&tx, hash), CB_OK);
	ck_assert_int_eq(tx_sign(&tx, key, &out, &len, hash), CB_ERR_RANGE);
	tx.chain_id = (UINT64_MAX - 36) / 2;
	ck_assert_int_eq(tx_sign(&tx, key, &out, &len, hash), CB_OK);
	free(out);

	eip155_example(&tx);
	ck_assert_int_eq(tx_signing_hash(&tx, hash), CB_OK);
	ck_assert_int_eq(secp_sign(key, hash, &sig), CB_OK);
	sig.recid = 2;
	ck_assert_int_eq(tx_encode_signed(&tx, &sig, &out, &len), CB_ERR_INVALID);

	/* Call data past the size limit. */
	big = calloc(1, TX_RAW_MAX);
	ck_assert_ptr_nonnull(big);
	eip155_example(&tx);
	tx.data = big;
	tx.data_len = TX_RAW_MAX;
	ck_assert_int_eq(tx_sign(&tx, key, &out, &len, hash), CB_ERR_TOO_LARGE);
	tx.data_len = TX_RAW_MAX - 200;
	ck_assert_int_eq(tx_sign(&tx, key, &out, &len, hash), CB_OK);
	free(out);
	free(big);
	secp_key_free(key);
}
END_TEST

static Suite *
tx_suite(void)
{
	Suite *s = suite_create("tx");
	TCase *tc;

	tc = tcase_create("eip155");
	tcase_add_test(tc, test_eip155_example);
	suite_add_tcase(s, tc);

	tc = tcase_create("reference");
	tcase_add_loop_test(tc, test_signed_vectors, 0, (int)N_ELEMS(signed_vectors));
	tcase_add_test(tc, test_decode_and_recover);
	suite_add_tcase(s, tc);

	tc = tcase_create("rejects");
	tcase_add_test(tc, test_rejects);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tx_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	secp_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * tx.c - transaction encoding, signing hashes and signing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "eth/keccak.h"
#include "eth/rlp.h"
#include "eth/tx.h"

/* Largest chain id whose legacy v = chain_id * 2 + 36 fits in 64 bits. */
#define TX_LEGACY_CHAIN_MAX	((UINT64_MAX - 36) / 2)

static enum cb_err
tx_check(const struct tx *tx)
{
	if (tx->chain_id == 0)
		return CB_ERR_INVALID;
	switch (tx->type) {
	case TX_EIP1559:
		if (u256_cmp(&tx->max_priority_fee_per_gas, &tx->max_fee_per_gas) > 0)
			return CB_ERR_INVALID;
		return CB_OK;
	case TX_LEGACY:
		return CB_OK;
	default:
		return CB_ERR_INVALID;
	}
}

/* The fields both signed and unsigned forms share, in their order. */
static void
tx_put_body(struct rlp_buf *b, const struct tx *tx)
{
	if (tx->type == TX_EIP1559) {
		rlp_put_u64(b, tx->chain_id);
		rlp_put_u64(b, tx->nonce);
		rlp_put_u256(b, &tx->max_priority_fee_per_gas);
		rlp_put_u256(b, &tx->max_fee_per_gas);
	} else {
		rlp_put_u64(b, tx->nonce);
		rlp_put_u256(b, &tx->gas_price);
	}
	rlp_put_u64(b, tx->gas_limit);
	/* Contract creation: "to" is the empty string. */
	rlp_put_bytes(b, tx->to.bytes, tx->has_to ? ADDRESS_LEN : 0);
	rlp_put_u256(b, &tx->value);
	rlp_put_bytes(b, tx->data, tx->data_len);
	if (tx->type == TX_EIP1559)
		rlp_list_end(b, rlp_list_begin(b));	/* empty access list */
}

/* r or s as an RLP integer: big-endian without leading zeros. */
static void
tx_put_sig_word(struct rlp_buf *b, const uint8_t word[32])
{
	u256 v;

	(void)u256_from_be(&v, word, 32);
	rlp_put_u256(b, &v);
}

/*
 * Encodes tx into a new allocation: unsigned (the signing payload) when sig
 * is NULL, signed otherwise.
 */
static enum cb_err
tx_encode(const struct tx *tx, const struct secp_sig *sig, uint8_t **out, size_t *len)
{
	static const uint8_t type2 = TX_EIP1559;
	struct rlp_buf b;
	enum cb_err rc;
	size_t list;

	*out = NULL;
	*len = 0;
	rlp_buf_init(&b, TX_RAW_MAX);
	rc = tx_check(tx);
	if (rc != CB_OK)
		goto out;
	if (sig != NULL && sig->recid > 1) {
		rc = CB_ERR_INVALID;
		goto out;
	}
	if (sig != NULL && tx->type == TX_LEGACY && tx->chain_id > TX_LEGACY_CHAIN_MAX) {
		rc = CB_ERR_RANGE;
		goto out;
	}
	if (tx->type == TX_EIP1559)
		rlp_put_raw(&b, &type2, 1);
	list = rlp_list_begin(&b);
	tx_put_body(&b, tx);
	if (sig != NULL) {
		if (tx->type == TX_EIP1559)
			rlp_put_u64(&b, sig->recid);
		else
			rlp_put_u64(&b, tx->chain_id * 2 + 35 + sig->recid);
		tx_put_sig_word(&b, sig->r);
		tx_put_sig_word(&b, sig->s);
	} else if (tx->type == TX_LEGACY) {
		/* EIP-155: chain id, 0, 0 stand in for v, r, s. */
		rlp_put_u64(&b, tx->chain_id);
		rlp_put_u64(&b, 0);
		rlp_put_u64(&b, 0);
	}
	rlp_list_end(&b, list);
	rc = rlp_buf_take(&b, out, len);
out:
	rlp_buf_free(&b);
	return rc;
}

enum cb_err
tx_encode_unsigned(const struct tx *tx, uint8_t **out, size_t *len)
{
	return tx_encode(tx, NULL, out, len);
}

enum cb_err
tx_signing_hash(const struct tx *tx, uint8_t out[TX_HASH_LEN])
{
	uint8_t *payload = NULL;
	size_t len;
	enum cb_err rc;

	rc = tx_encode(tx, NULL, &payload, &len);
	if (rc == CB_OK)
		keccak256(payload, len, out);
	free(payload);
	return rc;
}

enum cb_err
tx_encode_signed(const struct tx *tx, const struct secp_sig *sig,
    uint8_t **out, size_t *len)
{
	return tx_encode(tx, sig, out, len);
}

enum cb_err
tx_sign(const struct tx *tx, const struct secp_key *key,
    uint8_t **raw, size_t *raw_len, uint8_t hash[TX_HASH_LEN])
{
	uint8_t sighash[TX_HASH_LEN], sigbytes[SECP_SIG_LEN];
	struct address signer, recovered;
	struct secp_sig sig;
	enum cb_err rc;

	*raw = NULL;
	*raw_len = 0;
	rc = tx_signing_hash(tx, sighash);
	if (rc != CB_OK)
		goto out;
	rc = secp_sign(key, sighash, &sig);
	if (rc != CB_OK)
		goto out;
	/* Never hand out a signature that does not recover to our own key. */
	secp_sig_to_bytes(&sig, sigbytes);
	secp_key_address(key, &signer);
	if (secp_recover(sighash, sigbytes, &recovered) != CB_OK ||
	    !address_eq(&signer, &recovered)) {
		rc = CB_ERR_CRYPTO;
		goto out;
	}
	rc = tx_encode(tx, &sig, raw, raw_len);
	if (rc != CB_OK)
		goto out;
	tx_hash(*raw, *raw_len, hash);
out:
	return rc;
}

void
tx_hash(const uint8_t *raw, size_t len, uint8_t out[TX_HASH_LEN])
{
	keccak256(raw, len, out);
}

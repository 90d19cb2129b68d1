/*
 * tx.h - Ethereum transactions: EIP-1559 (type 2) and EIP-155 legacy.
 *
 * A struct tx holds the fields; the functions give the signing payload, the
 * signing hash, the signed raw bytes (what eth_sendRawTransaction takes)
 * and the transaction hash.  The access list is always empty.  A chain id
 * of 0 (pre-EIP-155, replayable on any chain) is refused.
 */
#ifndef CB_TX_H
#define CB_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eth/address.h"
#include "core/err.h"
#include "eth/secp.h"
#include "money/u256.h"

/* Largest encoding produced: the default transaction size limit of geth's pool. */
#define TX_RAW_MAX	(128 * 1024)
#define TX_HASH_LEN	32

enum tx_type {
	TX_LEGACY = 0,		/* EIP-155 replay-protected legacy transaction */
	TX_EIP1559 = 2		/* EIP-2718 type 0x02 */
};

struct tx {
	enum tx_type	 type;
	uint64_t	 chain_id;
	uint64_t	 nonce;
	u256		 max_priority_fee_per_gas;	/* TX_EIP1559 only */
	u256		 max_fee_per_gas;		/* TX_EIP1559 only */
	u256		 gas_price;			/* TX_LEGACY only */
	uint64_t	 gas_limit;
	bool		 has_to;	/* false: contract creation */
	struct address	 to;
	u256		 value;
	const uint8_t	*data;		/* borrowed; may be NULL when data_len is 0 */
	size_t		 data_len;
};

/*
 * Encodes the payload that is hashed for signing: for type 2
 * 0x02 || rlp([chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas,
 * gas_limit, to, value, data, []]), for legacy rlp([nonce, gas_price,
 * gas_limit, to, value, data, chain_id, 0, 0]).  *out is the caller's, to
 * free().  CB_ERR_INVALID for an unknown type, chain id 0, or a priority
 * fee above the fee cap; CB_ERR_TOO_LARGE past TX_RAW_MAX; CB_ERR_NOMEM.
 */
enum cb_err	tx_encode_unsigned(const struct tx *tx, uint8_t **out, size_t *len);

/* Keccak-256 of the signing payload.  Errors as tx_encode_unsigned(). */
enum cb_err	tx_signing_hash(const struct tx *tx, uint8_t out[TX_HASH_LEN]);

/*
 * Encodes the signed transaction with signature sig (over the signing
 * hash): type 2 appends [y_parity, r, s], legacy [v, r, s] with
 * v = chain_id * 2 + 35 + recid.  *out is the caller's, to free().  Errors
 * as tx_encode_unsigned(), plus CB_ERR_RANGE for a chain id too large for
 * a legacy v and CB_ERR_INVALID for a recid other than 0 or 1.
 */
enum cb_err	tx_encode_signed(const struct tx *tx, const struct secp_sig *sig,
		    uint8_t **out, size_t *len);

/*
 * Signs tx with key: writes the raw signed bytes to *raw (the caller's, to
 * free()) and the transaction hash to hash.  The signature is checked by
 * recovering the signer before it is returned (CB_ERR_CRYPTO if that
 * fails).  Errors as tx_encode_signed().
 */
enum cb_err	tx_sign(const struct tx *tx, const struct secp_key *key,
		    uint8_t **raw, size_t *raw_len, uint8_t hash[TX_HASH_LEN]);

/* Transaction hash: Keccak-256 of the raw signed bytes. */
void		tx_hash(const uint8_t *raw, size_t len, uint8_t out[TX_HASH_LEN]);

#endif

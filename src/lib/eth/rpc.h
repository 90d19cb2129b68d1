/*
 * rpc.h - the Ethereum JSON-RPC client, one include for all of it:
 *
 *	rpc_error.h	error objects a node answers and their classes
 *	rpc_transport.h	the client: HTTP(S) over libcurl, retries, JSON-RPC
 *			envelope, batches
 *	rpc_parse.h	strict QUANTITY/DATA parsers and result-object parsers
 *	rpc_eth.h	typed eth_* calls
 *
 * A module that needs only part of it may include that header alone.
 */
#ifndef CB_RPC_H
#define CB_RPC_H

#include "eth/rpc_error.h"
#include "eth/rpc_transport.h"
#include "eth/rpc_parse.h"
#include "eth/rpc_eth.h"

#endif

#!/usr/bin/env bash
# scripts/openapi-check catches drift: made-up exchanges, each a small
# deviation from docs/openapi.yaml (a member the schema does not have, an
# undocumented status, code or header, a missing required header, an
# address that is not EIP-55, an accepted query key the document does not
# list, a generic 404/405 of the wrong shape), must each fail it, and the
# faithful ones pass.  Runs from the build directory, without a stack.
set -uo pipefail

src=${CB_SRCDIR:-..}
check=$src/scripts/openapi-check
python=/usr/bin/python3
if ! "$python" -c 'import yaml, jsonschema' 2>/dev/null; then
	echo "$python lacks python3-yaml or python3-jsonschema (scripts/deps installs them)"
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

n=0
failed=0
# expect RESULT NAME JSON-LINE — RESULT is pass or fail.
expect() {
	local want=$1 name=$2 line=$3 rc=0
	n=$((n + 1))
	printf '%s\n' "$line" >"$work/rec.jsonl"
	"$python" "$check" --doc "$src/docs/openapi.yaml" "$work/rec.jsonl" >"$work/out" 2>&1 || rc=$?
	if { [[ $want == pass ]] && ((rc == 0)); } || { [[ $want == fail ]] && ((rc == 1)); }; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $rc, want $want)"
		sed -e 's/^/# /' "$work/out"
		failed=$((failed + 1))
	fi
}

H='"cache-control":"no-store","x-content-type-options":"nosniff","content-type":"application/json"'
PING='"method":"GET","path":"/api/v1/ping","request_content_type":null,"request_body":null'
ADDR_OK=0x5FbDB2315678afecb367f032d93F642f64180aa3
ADDR_LOWER=0x5fbdb2315678afecb367f032d93f642f64180aa3
balance() { # balance ADDRESS — a token balance answer for ADDRESS
	printf '{"method":"GET","path":"/api/v1/tokens/CPOP/balances/%s","request_content_type":null,"request_body":null,"status":200,"headers":{%s},"body":"{\\"token_symbol\\":\\"CPOP\\",\\"address\\":\\"%s\\",\\"balance\\":\\"0.0\\",\\"balance_raw\\":\\"0\\",\\"block\\":null,\\"updated_block\\":null}"}' \
	    "$1" "$H" "$1"
}

expect pass "a faithful ping" \
	"{$PING,\"status\":200,\"headers\":{$H},\"body\":\"{\\\"status\\\":\\\"ok\\\"}\"}"
expect fail "a member the schema does not have" \
	"{$PING,\"status\":200,\"headers\":{$H},\"body\":\"{\\\"status\\\":\\\"ok\\\",\\\"x\\\":1}\"}"
expect fail "a status the operation does not document" \
	"{$PING,\"status\":418,\"headers\":{$H},\"body\":\"{}\"}"
expect fail "an error code the route does not list" \
	"{$PING,\"status\":400,\"headers\":{$H},\"body\":\"{\\\"error\\\":{\\\"code\\\":\\\"invalid_user_id\\\",\\\"message\\\":\\\"m\\\"}}\"}"
expect pass "a listed error code" \
	"{$PING,\"status\":400,\"headers\":{$H},\"body\":\"{\\\"error\\\":{\\\"code\\\":\\\"unknown_query_parameter\\\",\\\"message\\\":\\\"m\\\",\\\"details\\\":{\\\"parameter\\\":\\\"x\\\"}}}\"}"
expect fail "an undocumented member of details" \
	"{$PING,\"status\":400,\"headers\":{$H},\"body\":\"{\\\"error\\\":{\\\"code\\\":\\\"unknown_query_parameter\\\",\\\"message\\\":\\\"m\\\",\\\"details\\\":{\\\"key\\\":\\\"x\\\"}}}\"}"
expect fail "without X-Content-Type-Options" \
	"{$PING,\"status\":200,\"headers\":{\"cache-control\":\"no-store\",\"content-type\":\"application/json\"},\"body\":\"{\\\"status\\\":\\\"ok\\\"}\"}"
expect fail "another content type" \
	"{$PING,\"status\":200,\"headers\":{\"cache-control\":\"no-store\",\"x-content-type-options\":\"nosniff\",\"content-type\":\"text/html\"},\"body\":\"{\\\"status\\\":\\\"ok\\\"}\"}"
expect fail "an undocumented Retry-After" \
	"{$PING,\"status\":200,\"headers\":{$H,\"retry-after\":\"1\"},\"body\":\"{\\\"status\\\":\\\"ok\\\"}\"}"
expect fail "an accepted query key the document does not list" \
	"{\"method\":\"GET\",\"path\":\"/api/v1/ping?x=1\",\"status\":200,\"headers\":{$H},\"body\":\"{\\\"status\\\":\\\"ok\\\"}\"}"
expect pass "the generic 404 of a path no route has" \
	"{\"method\":\"GET\",\"path\":\"/api/v1/nothing\",\"status\":404,\"headers\":{$H},\"body\":\"{\\\"error\\\":{\\\"code\\\":\\\"not_found\\\",\\\"message\\\":\\\"no such route\\\"}}\\n\"}"
expect fail "a path no route has, answered 200" \
	"{\"method\":\"GET\",\"path\":\"/api/v1/nothing\",\"status\":200,\"headers\":{$H},\"body\":\"{}\"}"
expect pass "the generic 405 with Allow" \
	"{\"method\":\"DELETE\",\"path\":\"/api/v1/ping\",\"status\":405,\"headers\":{$H,\"allow\":\"GET\"},\"body\":\"{\\\"error\\\":{\\\"code\\\":\\\"method_not_allowed\\\",\\\"message\\\":\\\"m\\\"}}\"}"
expect fail "a 405 without Allow" \
	"{\"method\":\"DELETE\",\"path\":\"/api/v1/ping\",\"status\":405,\"headers\":{$H},\"body\":\"{\\\"error\\\":{\\\"code\\\":\\\"method_not_allowed\\\",\\\"message\\\":\\\"m\\\"}}\"}"
expect pass "an EIP-55 address" "$(balance "$ADDR_OK")"
expect fail "an address that is not EIP-55" "$(balance "$ADDR_LOWER")"
expect fail "a replay without Idempotent-Replayed" \
	"{\"method\":\"POST\",\"path\":\"/api/v1/balance/adjust\",\"status\":200,\"headers\":{$H},\"body\":\"{}\"}"

echo "1..$n"
((failed == 0))

#!/usr/bin/env bash
# The HTTPS site as an operator enables it (README.md, "TLS"): both sites
# (nginx/chainbridge.conf, nginx/chainbridge-tls.conf) and their shared
# snippet, with a self-signed certificate made here, in an nginx of this
# test's own on loopback ports, in front of the stack's API socket:
# nginx -t accepts it; a real HTTPS request verified against the
# certificate reaches the API and carries HSTS, on nginx's own error pages
# too; plain HTTP carries none; TLS 1.2 and 1.3 work, TLS 1.1 and a suite
# without forward secrecy are refused.  The nginx it starts is stopped by
# its PID.
set -uo pipefail

if [[ -z ${CHAINBRIDGE_API_SOCKET:-} ]]; then
	[[ ${CB_REQUIRE_STACK:-} == 1 ]] && { echo "no stack (CHAINBRIDGE_API_SOCKET unset)"; exit 1; }
	exit 77
fi
src=${CB_SRCDIR:?CB_SRCDIR unset (run through make check)}
# shellcheck source=scripts/lib.sh disable=SC1091
source "$src/scripts/lib.sh"
set +e

work=$(mktemp -d)
nginx_pid=""
cleanup() {
	if [[ -n $nginx_pid ]] && cb_pid_alive "$nginx_pid"; then
		kill -TERM "$nginx_pid" 2>/dev/null
		wait "$nginx_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
check() { # check NAME STATUS
	if [[ $2 == 0 ]]; then
		passed=$((passed + 1))
		echo "ok - $1"
	else
		failed=$((failed + 1))
		echo "not ok - $1"
	fi
}
finish() {
	printf '%s passed, %s failed\n' "$passed" "$failed"
	((failed == 0))
	exit
}

# ---- a certificate ---------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$work/privkey.pem" -out "$work/fullchain.pem" -days 2 \
	-subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	>"$work/openssl.log" 2>&1
check "a self-signed certificate for localhost" $?
chmod 0600 "$work/privkey.pem"

# ---- the sites, as shipped but for ports, socket and certificate paths -------------
http_port=$(cb_free_port 18443)
tls_port=$(cb_free_port $((http_port + 1)))
mkdir -p "$work/sites" "$work/snippets" "$work/tmp"
cp /etc/nginx/fastcgi_params "$work/fastcgi_params"
cp "$src/nginx/chainbridge-server.conf" "$work/snippets/"

# count FILE PATTERN — lines of FILE matching the extended regex.
count() { grep -cE -- "$2" "$1"; }
plain="$src/nginx/chainbridge.conf"
tls="$src/nginx/chainbridge-tls.conf"
[[ $(count "$plain" '^[[:space:]]*listen 80;') == 1 &&
	$(count "$plain" '^[[:space:]]*server unix:/run/chainbridge/api\.sock;') == 1 ]]
check "chainbridge.conf has one 'listen 80;' and the socket in its upstream" $?
[[ $(count "$tls" '^[[:space:]]*listen 443 ssl;') == 1 &&
	$(count "$tls" '^[[:space:]]*ssl_certificate[[:space:]]') == 1 &&
	$(count "$tls" '^[[:space:]]*ssl_certificate_key[[:space:]]') == 1 ]]
check "chainbridge-tls.conf has one 'listen 443 ssl;' and one certificate and key" $?
sed -e "s|^\([[:space:]]*\)listen 80;|\1listen 127.0.0.1:$http_port;|" \
	-e "s|unix:/run/chainbridge/api.sock|unix:$CHAINBRIDGE_API_SOCKET|" \
	"$plain" >"$work/sites/chainbridge.conf"
sed -e "s|^\([[:space:]]*\)listen 443 ssl;|\1listen 127.0.0.1:$tls_port ssl;|" \
	-e "s|^\([[:space:]]*ssl_certificate[[:space:]]\+\).*|\1$work/fullchain.pem;|" \
	-e "s|^\([[:space:]]*ssl_certificate_key[[:space:]]\+\).*|\1$work/privkey.pem;|" \
	"$tls" >"$work/sites/chainbridge-tls.conf"
user_line=""
# As root, keep the workers root so they reach the stack's socket (as the
# stack's own nginx does).
(($(id -u) == 0)) && user_line="user root root;"
cat >"$work/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
$user_line
events {
    worker_connections 64;
}
http {
    access_log $work/access.log;
    client_body_temp_path $work/tmp/client_body;
    fastcgi_temp_path $work/tmp/fastcgi;
    proxy_temp_path $work/tmp/proxy;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    # In the order of sites-enabled/*: the HTTPS site comes first and uses
    # what chainbridge.conf defines after it.
    include $work/sites/chainbridge-tls.conf;
    include $work/sites/chainbridge.conf;
}
EOF
nginx_args=(-p "$work/" -c "$work/nginx.conf" -e "$work/error.log")
nginx -t -q "${nginx_args[@]}" >"$work/nginx-t.log" 2>&1
rc=$?
check "nginx -t accepts both sites with the certificate in place" "$rc"
if ((rc != 0)); then
	sed -e 's/^/  /' "$work/nginx-t.log"
	finish
fi

# ---- serve ----------------------------------------------------------------
nginx "${nginx_args[@]}" </dev/null >"$work/nginx.out" 2>&1 &
nginx_pid=$!
https="https://localhost:$tls_port"
curl_tls=(curl -sS --max-time 10 --cacert "$work/fullchain.pem" --resolve "localhost:$tls_port:127.0.0.1")
ready() { "${curl_tls[@]}" -o /dev/null "$https/api/v1/ping"; }
cb_wait_until 15 "nginx on port $tls_port" ready
check "nginx serves HTTPS on 127.0.0.1:$tls_port (pid $nginx_pid)" $?

# get NAME CURL-ARGS... — one request; sets code, headers, body, verbose.
get() {
	local name=$1
	shift
	: >"$work/$name.headers" >"$work/$name.body"
	code=$("$@" -v -D "$work/$name.headers" -o "$work/$name.body" -w '%{http_code}' 2>"$work/$name.verbose")
	headers=$(tr -d '\r' <"$work/$name.headers")
	body=$(<"$work/$name.body")
	verbose=$(<"$work/$name.verbose")
}
hsts='Strict-Transport-Security: max-age=63072000'

get ping "${curl_tls[@]}" "$https/api/v1/ping"
[[ $code == 200 && $body == '{"status":"ok"}' ]]
check "GET /api/v1/ping over HTTPS, certificate verified: 200 from the API ($code $body)" $?
grep -qxF "$hsts" <<<"$headers"
check "the API's answer carries HSTS over HTTPS" $?
get unauth "${curl_tls[@]}" "$https/api/v1/tokens"
[[ $code == 401 ]] && grep -qxF "$hsts" <<<"$headers"
check "a route that needs a key still needs one over HTTPS (401, with HSTS)" $?
get nope "${curl_tls[@]}" "$https/nope"
[[ $code == 404 && $body == *'"not_found"'* ]] && grep -qxF "$hsts" <<<"$headers"
check "nginx's own error page over HTTPS: JSON 404 with HSTS" $?

get plain curl -sS --max-time 10 "http://127.0.0.1:$http_port/api/v1/ping"
[[ $code == 200 ]] && ! grep -qi '^Strict-Transport-Security:' <<<"$headers"
check "plain HTTP on loopback still serves, without HSTS ($code)" $?

get tls12 "${curl_tls[@]}" --tlsv1.2 --tls-max 1.2 "$https/api/v1/ping"
[[ $code == 200 ]] && grep -q 'SSL connection using TLSv1\.2 / ECDHE-' <<<"$verbose"
check "TLS 1.2 with a forward-secret suite works" $?
get tls13 "${curl_tls[@]}" --tlsv1.3 "$https/api/v1/ping"
[[ $code == 200 ]] && grep -q 'SSL connection using TLSv1\.3' <<<"$verbose"
check "TLS 1.3 works" $?

# TLS 1.1: the client is told to allow it (security level 0), so a failure
# is the server's refusal; openssl names the server's alert.
get tls11 "${curl_tls[@]}" --tlsv1.1 --tls-max 1.1 --ciphers 'DEFAULT:@SECLEVEL=0' "$https/api/v1/ping"
[[ $code == 000 ]]
check "TLS 1.1 is refused (curl: ${verbose##*$'\n'})" $?
s_client=$(openssl s_client -connect "127.0.0.1:$tls_port" -servername localhost -tls1_1 \
	-cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1)
grep -q 'alert protocol version' <<<"$s_client" && grep -q 'Cipher is (NONE)' <<<"$s_client"
check "TLS 1.1 is refused by the server (its protocol version alert, no cipher)" $?
get static "${curl_tls[@]}" --tlsv1.2 --tls-max 1.2 --ciphers AES128-GCM-SHA256 "$https/api/v1/ping"
[[ $code == 000 ]]
check "a TLS 1.2 suite without forward secrecy is refused" $?

kill -TERM "$nginx_pid"
wait "$nginx_pid"
rc=$?
cb_pid_alive "$nginx_pid"
alive=$?
nginx_pid=""
((rc == 0 && alive != 0))
check "the test's nginx stopped on SIGTERM (status $rc)" $?

finish

#!/usr/bin/env bash
# Migrations against the stack's MariaDB, on a database of their own:
# a fresh database migrates, a second run is a no-op, --status lists them,
# an edited (checksum-mismatched) migration and a newer database are refused.
set -uo pipefail

if [[ -z ${CHAINBRIDGE_CONF:-} ]]; then
	[[ ${CB_REQUIRE_STACK:-} == 1 ]] && { echo "no stack (CHAINBRIDGE_CONF unset)"; exit 1; }
	exit 77
fi
admin="$CHAINBRIDGE_BUILD_DIR/src/admin/chainbridge-admin"
db="cb_migtest_$$"
work=$(mktemp -d)
sql() { mariadb --socket="$CHAINBRIDGE_DB_SOCKET" -N -B "$@"; }
cleanup() { sql -e "DROP DATABASE IF EXISTS $db" || true; rm -rf "$work"; }
trap cleanup EXIT

passed=0 failed=0
check() { # check NAME CONDITION-RESULT(0/1)
	if [[ $2 == 0 ]]; then passed=$((passed + 1)); echo "ok - $1"
	else failed=$((failed + 1)); echo "not ok - $1"; fi
}

sql -e "CREATE DATABASE $db"
sed -e "s/^name = .*/name = $db/" "$CHAINBRIDGE_CONF" > "$work/conf"
conf="$work/conf"

out=$("$admin" -c "$conf" migrate 2>&1); rc=$?
check "fresh database migrates" $(( rc != 0 ))
grep -q "applied 001_initial" <<<"$out"; check "001 applied on fresh run" $?
n=$(sql "$db" -e "SELECT COUNT(*) FROM schema_migrations")
[[ $n -ge 2 ]]; check "schema_migrations records every migration ($n)" $?
n=$(sql "$db" -e "SELECT COUNT(*) FROM reason_types")
[[ $n == 7 ]]; check "reason registry seeded with 7 reasons ($n)" $?
tables=$(sql "$db" -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db'")

out=$("$admin" -c "$conf" migrate 2>&1); rc=$?
check "second run succeeds" $(( rc != 0 ))
grep -q "up to date" <<<"$out"; check "second run is a no-op" $?
n=$(sql "$db" -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db'")
[[ $n == "$tables" ]]; check "no table added or lost by the second run" $?

out=$("$admin" -c "$conf" migrate --status 2>&1); rc=$?
check "--status succeeds" $(( rc != 0 ))
[[ $(grep -c " applied " <<<"$out") -ge 2 ]]; check "--status lists applied migrations" $?

sql "$db" -e "UPDATE schema_migrations SET checksum = REPEAT('0', 64) WHERE version = 1"
out=$("$admin" -c "$conf" migrate 2>&1); rc=$?
check "checksum mismatch refused (exit $rc)" $(( rc == 0 ))
grep -q "differs from the one applied" <<<"$out"; check "refusal names the mismatch" $?
out=$("$admin" -c "$conf" migrate --status 2>&1); rc=$?
grep -q MISMATCH <<<"$out"; check "--status shows MISMATCH" $?
check "--status exits non-zero on mismatch" $(( rc == 0 ))

# Forget 001 (as if never applied) and record a migration from the future.
sql "$db" -e "DELETE FROM schema_migrations WHERE version = 1"
sql "$db" -e "INSERT INTO schema_migrations (version, name, checksum) VALUES (200, 'future', REPEAT('a', 64))"
out=$("$admin" -c "$conf" migrate 2>&1); rc=$?
check "database newer than the binary refused (exit $rc)" $(( rc == 0 ))

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]

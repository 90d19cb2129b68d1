#!/usr/bin/env bash
# chainbridge-api turns core dumps off for itself and its workers
# (proc_no_core_dumps): a private instance (one worker, its own socket, a
# store that is not there, which a worker survives) is started and its
# master and worker are looked at from outside.
#
# Whether a process is dumpable is not a line of /proc/PID/status; it shows
# in who owns the files under /proc/PID (not the directory itself): the
# process's user when it is dumpable, root when it is not (proc(5)).  So the
# instance runs as an ordinary user (nobody when this runs as root) and
# each process must have that user in the Uid line of its status, while
# /proc/PID/status and /proc/PID/fd are root's.  Its limits must give
# "Max core file size" 0.
set -uo pipefail

api=${CB_API:-./src/api/chainbridge-api}
[[ -x $api ]] || { echo "no $api (run from the build directory)"; exit 1; }

work=$(mktemp -d)
pid=""
cleanup() {
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

run_as=()
uid=$(id -u)
if ((uid == 0)); then
	uid=65534
	command -v setpriv >/dev/null || { echo "setpriv (util-linux) is needed as root"; exit 1; }
	run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chmod 0755 "$work"
	chown 65534:65534 "$work"
fi

cat >"$work/api.conf" <<EOF
[database]
socket = $work/no-store.sock
name = chainbridge
user = chainbridge
connect_timeout = 1

[api]
socket = $work/api.sock
workers = 1
EOF
chmod 0644 "$work/api.conf"

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

"${run_as[@]}" "$api" -c "$work/api.conf" </dev/null >"$work/api.log" 2>&1 &
pid=$!

# The socket, then one worker.
worker=""
for _ in $(seq 1 100); do
	if [[ -S $work/api.sock ]]; then
		worker=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | awk '{ print $1 }')
		[[ -n $worker ]] && break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
[[ -n $worker ]]
check "the API started with one worker (master $pid, worker ${worker:-none})" $?
if [[ -z $worker ]]; then
	sed -e 's/^/  /' "$work/api.log"
	printf '%s passed, %s failed\n' "$passed" "$((failed + 1))"
	exit 1
fi
# A worker that has just forked may still be setting itself up.
sleep 0.3

for who in master worker; do
	p=$pid
	[[ $who == worker ]] && p=$worker
	status_uid=$(awk '/^Uid:/ { print $3 }' "/proc/$p/status")
	[[ $status_uid == "$uid" ]]
	check "$who runs as uid $uid (status Uid: ${status_uid:-?})" $?
	owner=$(stat -c %u "/proc/$p/status" "/proc/$p/fd" | sort -u | paste -sd,)
	[[ $owner == 0 ]]
	check "$who is not dumpable (/proc/$p/status and fd owned by uid $owner, not $uid)" $?
	core=$(awk '/^Max core file size/ { print $5 " " $6 }' "/proc/$p/limits")
	[[ $core == "0 0" ]]
	check "$who may not write a core (core size limit: ${core:-?})" $?
done

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""
[[ $rc == 0 ]]
check "the API stops on SIGTERM with status 0 (status $rc)" $?

printf '%s passed, %s failed\n' "$passed" "$failed"
((failed == 0))

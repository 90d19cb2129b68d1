# shellcheck shell=bash
# Shared helpers for chainbridge's scripts. Source it; it sets nothing but
# variables and functions:
#   CB_ROOT    repository root (absolute)
#   CB_TOOLS   tools/ (pinned npm tools; node_modules inside)
#   ANVIL      local EVM node binary (from @foundry-rs/anvil-linux-amd64)
#   CAST       EVM command-line client (from @foundry-rs/cast-linux-amd64)
#   REDOCLY    OpenAPI linter (from @redocly/cli)
#   CB_PYTHON  Debian's python3, with python3-yaml and python3-jsonschema

# Command substitutions stop at the first failure too, like the script.
shopt -s inherit_errexit

CB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CB_TOOLS="$CB_ROOT/tools"
ANVIL="$CB_TOOLS/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
CAST="$CB_TOOLS/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
REDOCLY="$CB_TOOLS/node_modules/.bin/redocly"
# The system's interpreter, whatever python3 comes first in PATH: the
# OpenAPI check needs the Debian packages scripts/deps installs.
CB_PYTHON=/usr/bin/python3
export CB_ROOT CB_TOOLS ANVIL CAST REDOCLY CB_PYTHON

# cb_log MSG... — progress line on stderr, prefixed with the script name.
cb_log() {
    printf '%s: %s\n' "${CB_SCRIPT:-${0##*/}}" "$*" >&2
}

# cb_die MSG... — print MSG and exit 1.
cb_die() {
    cb_log "error: $*"
    exit 1
}

# cb_pid_alive PID — true when PID names a live process (not a zombie).
cb_pid_alive() {
    local pid=$1 state
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/stat ]] || return 1
    # Field 3 of /proc/PID/stat is the state; the command name (field 2) may
    # contain spaces, so cut after its closing parenthesis.
    state=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

# cb_port_busy PORT — true when something listens on 127.0.0.1:PORT (or on
# any address at PORT).
cb_port_busy() {
    local port=$1
    [[ -n $(ss -Hltn "( sport = :$port )" 2>/dev/null) ]]
}

# cb_free_port START — print the first TCP port >= START that nothing
# listens on (tries 200 ports).
cb_free_port() {
    local port=$1 last=$(($1 + 200))
    while ((port < last)); do
        if ! cb_port_busy "$port"; then
            printf '%s\n' "$port"
            return 0
        fi
        port=$((port + 1))
    done
    cb_log "error: no free port in $1..$last"
    return 1
}

# cb_wait_until TIMEOUT_S WHAT CMD... — run CMD every 0.2 s until it
# succeeds; fail after TIMEOUT_S seconds.
cb_wait_until() {
    local timeout=$1 what=$2
    shift 2
    local deadline=$((SECONDS + timeout))
    while ! "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            cb_log "error: timed out after ${timeout}s waiting for $what"
            return 1
        fi
        sleep 0.2
    done
}

# cb_children PID — print the PIDs of PID's direct children, one a line.
cb_children() {
    local parent=$1 stat rest pid ppid
    for stat in /proc/[0-9]*/stat; do
        rest=$(sed -e 's/^.*) //' "$stat" 2>/dev/null) || continue
        ppid=$(cut -d' ' -f2 <<<"$rest")
        if [[ $ppid == "$parent" ]]; then
            pid=${stat#/proc/}
            printf '%s\n' "${pid%/stat}"
        fi
    done
}

# cb_json_field FIELD — read JSON on stdin, print the top-level string or
# number FIELD (empty when absent). Uses node, which the tools need anyway.
cb_json_field() {
    node -e '
        let s = "";
        process.stdin.on("data", (d) => { s += d; });
        process.stdin.on("end", () => {
            let v;
            try { v = JSON.parse(s)[process.argv[1]]; } catch (e) { process.exit(1); }
            if (v !== undefined && v !== null) { process.stdout.write(String(v) + "\n"); }
        });' "$1"
}

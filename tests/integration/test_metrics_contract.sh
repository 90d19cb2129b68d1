#!/usr/bin/env bash
# The monitoring contract (docs/metrics.md): after some activity (a
# balance adjustment, a ping, a 404) GET /metrics of the running stack is
# valid Prometheus text (promtool check metrics), every family has its
# HELP and TYPE line once and every counter ends in _total; the alerting
# rules (contrib/prometheus/chainbridge.rules.yml) pass promtool check
# rules; the Grafana dashboard (contrib/grafana/chainbridge.json) is JSON
# with its data source as the DS_PROMETHEUS input; and every chainbridge_*
# metric the rules' and the dashboard's PromQL use is a family /metrics
# exports with at least one sample (a histogram's _bucket, _sum and
# _count count as the histogram).
set -uo pipefail

if [[ -z ${CHAINBRIDGE_URL:-} || -z ${CHAINBRIDGE_API_KEY:-} ]]; then
	[[ ${CB_REQUIRE_STACK:-} == 1 ]] && { echo "no stack (CHAINBRIDGE_URL unset)"; exit 1; }
	exit 77
fi
src=${CB_SRCDIR:?CB_SRCDIR unset (run through make check)}
rules="$src/contrib/prometheus/chainbridge.rules.yml"
dashboard="$src/contrib/grafana/chainbridge.json"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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

missing=()
for tool in curl jq promtool; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
((${#missing[@]} == 0))
check "curl, jq and promtool are installed (scripts/deps; missing: ${missing[*]:-none})" $?
((${#missing[@]} == 0)) || finish

# http METHOD PATH [BODY] — the status code; the body goes to $work/body.
http() {
	curl -s --max-time 20 -o "$work/body" -w '%{http_code}' -X "$1" \
		-H "Authorization: Bearer $CHAINBRIDGE_API_KEY" -H 'Content-Type: application/json' \
		${3:+--data "$3"} "$CHAINBRIDGE_URL$2"
}

# ---- some activity, so labelled series exist ---------------------------------------
user="metrics-contract-$$-$RANDOM"
code=$(http POST /api/v1/balance/adjust "{\"adjustments\":[{\"user_id\":\"$user\",\
\"token_symbol\":\"CPOP\",\"amount\":\"1\",\"reason_type\":\"adjustment\",\
\"reason_detail\":\"metrics contract\"}]}")
[[ $code == 201 ]]
check "a balance adjustment is recorded (201, got $code)" $?
code=$(http GET /api/v1/ping)
[[ $code == 200 ]]
check "ping answers 200 (got $code)" $?
code=$(http GET /api/v1/no-such-route)
[[ $code == 404 ]]
check "an unknown route answers 404 (got $code)" $?

# ---- the exposition ------------------------------------------------------------------
code=$(curl -s --max-time 20 -o "$work/metrics" -w '%{http_code}' "$CHAINBRIDGE_URL/metrics")
[[ $code == 200 && -s $work/metrics ]]
check "GET /metrics answers 200 with a body (got $code)" $?

promtool check metrics <"$work/metrics" >"$work/promtool-metrics.out" 2>&1
rc=$?
sed 's/^/# /' "$work/promtool-metrics.out"
check "promtool check metrics accepts the exposition" $rc

grep -q '^chainbridge_store_up 1$' "$work/metrics"
check "chainbridge_store_up is 1" $?

# Families: TYPE lines, their types, HELP lines, sample names.
sed -n 's/^# TYPE \([^ ]*\) \([a-z]*\)$/\1 \2/p' "$work/metrics" | sort >"$work/types"
sed -n 's/^# HELP \([^ ]*\) .*/\1/p' "$work/metrics" | sort >"$work/helps"
grep -v '^#' "$work/metrics" | sed -n 's/^\([a-zA-Z_:][a-zA-Z0-9_:]*\).*/\1/p' | sort -u >"$work/samples"

dups=$(cut -d' ' -f1 "$work/types" | uniq -d; uniq -d "$work/helps")
[[ -z $dups ]]
check "each family has one TYPE and one HELP line (repeated: ${dups:-none})" $?

# family NAME — the family a sample name belongs to (a histogram's
# _bucket, _sum and _count belong to the histogram).
family() {
	local base
	for suffix in _bucket _sum _count; do
		if [[ $1 == *"$suffix" ]]; then
			base=${1%"$suffix"}
			if grep -qx "$base histogram" "$work/types"; then
				printf '%s\n' "$base"
				return
			fi
		fi
	done
	printf '%s\n' "$1"
}

bad=()
while read -r name; do
	fam=$(family "$name")
	grep -q "^$fam " "$work/types" && grep -qx "$fam" "$work/helps" || bad+=("$name")
done <"$work/samples"
((${#bad[@]} == 0))
check "every sample's family has HELP and TYPE lines (without: ${bad[*]:-none})" $?

bad=()
while read -r fam type; do
	[[ $type == counter && $fam != *_total ]] && bad+=("$fam")
done <"$work/types"
((${#bad[@]} == 0))
check "every counter's name ends in _total (not: ${bad[*]:-none})" $?

# exported NAME — NAME (or its histogram) is a TYPEd family with a sample.
exported() {
	local fam
	fam=$(family "$1")
	grep -q "^$fam " "$work/types" || return 1
	grep -qxE "$fam(_bucket|_sum|_count)?" "$work/samples"
}

# ---- the alerting rules ----------------------------------------------------------------
promtool check rules "$rules" >"$work/promtool-rules.out" 2>&1
rc=$?
sed 's/^/# /' "$work/promtool-rules.out"
check "promtool check rules accepts contrib/prometheus/chainbridge.rules.yml" $rc

# The expressions: "expr: ..." on one line, or "expr: |" (or ">") and
# the lines indented deeper than the key.
awk '
	in_expr {
		match($0, /^ */)
		if ($0 ~ /^ *$/ || RLENGTH > indent) { print; next }
		in_expr = 0
	}
	/^ *expr:/ {
		match($0, /^ */)
		indent = RLENGTH
		rest = $0
		sub(/^ *expr: */, "", rest)
		if (rest ~ /^[|>][-+]?$/) in_expr = 1
		else print rest
	}' "$rules" >"$work/rules.promql"
grep -oE 'chainbridge_[a-z0-9_]+' "$work/rules.promql" | sort -u >"$work/rules.names"
nrules=$(wc -l <"$work/rules.names")
((nrules >= 10))
check "the rules use chainbridge metrics ($nrules names)" $?
bad=()
while read -r name; do
	exported "$name" || bad+=("$name")
done <"$work/rules.names"
((${#bad[@]} == 0))
check "every metric the rules use is exported with a sample (missing: ${bad[*]:-none})" $?

# ---- the dashboard ---------------------------------------------------------------------
jq empty "$dashboard" 2>"$work/jq.err"
rc=$?
sed 's/^/# /' "$work/jq.err"
check "contrib/grafana/chainbridge.json is valid JSON" $rc

jq -e '([.__inputs[]? | select(.name == "DS_PROMETHEUS" and .pluginId == "prometheus")] | length == 1)
	and ([.. | objects | select(has("datasource")) | .datasource
		| select(type != "object" or .uid != "${DS_PROMETHEUS}")] | length == 0)' \
	"$dashboard" >/dev/null
check "the dashboard's data source is the DS_PROMETHEUS input everywhere" $?

jq -e '[.panels[] | select(.type != "row") | select((.targets // []) | length == 0)] | length == 0' \
	"$dashboard" >/dev/null
check "every dashboard panel has a query" $?

jq -r '.. | objects | (.expr?, .definition?, (.query? | objects | .query?)) // empty | strings' \
	"$dashboard" >"$work/dashboard.promql"
grep -oE 'chainbridge_[a-z0-9_]+' "$work/dashboard.promql" | sort -u >"$work/dashboard.names"
ndash=$(wc -l <"$work/dashboard.names")
((ndash >= 10))
check "the dashboard queries chainbridge metrics ($ndash names)" $?
bad=()
while read -r name; do
	exported "$name" || bad+=("$name")
done <"$work/dashboard.names"
((${#bad[@]} == 0))
check "every metric the dashboard queries is exported with a sample (missing: ${bad[*]:-none})" $?

finish

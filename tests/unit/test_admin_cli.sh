#!/usr/bin/env bash
# chainbridge-admin's command line, with no store and no configuration:
# --help and -h of the tool, of every command and of every action (stdout,
# exit 0); every option a usage line shows is accepted; bad usage exits 2
# with the usage on stderr; signer-address --key-file works without any
# configuration file; the man page names every command and option the
# tool knows, and no other.
set -uo pipefail

admin=${CB_ADMIN:-./src/admin/chainbridge-admin}
man="${CB_SRCDIR:-.}/man/chainbridge-admin.8"
[[ -x $admin ]] || { echo "no $admin (run from the build directory)"; exit 1; }
[[ -r $man ]] || { echo "no $man (CB_SRCDIR)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
missing_conf="$work/no-such.conf"
dev_key=ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
dev_address=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266

passed=0 failed=0
check() { # check NAME STATUS
	if [[ $2 == 0 ]]; then
		passed=$((passed + 1))
		echo "ok - $1"
	else
		failed=$((failed + 1))
		echo "not ok - $1"
		[[ -n ${out:-} ]] && printf '  stdout: %s\n' "${out:0:300}"
		[[ -n ${err:-} ]] && printf '  stderr: %s\n' "${err:0:300}"
	fi
}

# run ARGS... — sets out, err and rc.
run() {
	out=$("$admin" "$@" 2>"$work/stderr")
	rc=$?
	err=$(<"$work/stderr")
}

# expect_help WHAT ARGS... — exit 0, usage on stdout, nothing on stderr.
expect_help() {
	local what=$1
	shift
	run "$@"
	[[ $rc == 0 && $out == "usage: chainbridge-admin"* && -z $err ]]
	check "$what: exit 0 with the usage on stdout" $?
}

# expect_usage_error WHAT ARGS... — exit 2, nothing on stdout, the message
# and the usage on stderr.
expect_usage_error() {
	local what=$1
	shift
	run "$@"
	[[ $rc == 2 && -z $out && $err == *"chainbridge-admin: "* && $err == *"usage: chainbridge-admin"* ]]
	check "$what: exit 2 with the usage on stderr (exit $rc)" $?
}

# ---- the tool ----------------------------------------------------------------
expect_help "--help" --help
expect_help "-h" -h
expect_help "-c FILE --help (the file is not read)" -c "$missing_conf" --help
main_help=$out
run -V
[[ $rc == 0 && $out == "chainbridge-admin "[0-9]* ]]
check "-V prints the version" $?
run --version
[[ $rc == 0 && $out == "chainbridge-admin "[0-9]* ]]
check "--version prints the version" $?
expect_usage_error "no command" 
expect_usage_error "an unknown option" --bogus
expect_usage_error "an unknown short option" -x
expect_usage_error "-c without its value" -c
expect_usage_error "an unknown command" bogus

# The commands and their forms, from the tool's own usage: the lines after
# "commands:", each "COMMAND [ACTION] ARGS".
mapfile -t forms < <(sed -n '/^commands:$/,$p' <<<"$main_help" | sed -n 's/^  //p')
((${#forms[@]} >= 13))
check "--help lists the command forms (${#forms[@]})" $?
declare -A seen_cmd=()
commands=()
for form in "${forms[@]}"; do
	read -r cmd _ <<<"$form"
	if [[ -z ${seen_cmd[$cmd]:-} ]]; then
		seen_cmd[$cmd]=1
		commands+=("$cmd")
	fi
done
# ... and from the man page: the items (.TP, then .B COMMAND) of COMMANDS.
mapfile -t man_commands < <(awk '/^\.SH COMMANDS/ { f = 1; next } /^\.SH/ { f = 0 }
	f && /^\.TP/ { t = 1; next } f && t && /^\.B [a-z]/ { print $2 } { t = 0 }' "$man" |
	sed 's/\\-/-/g' | awk '!seen[$0]++')
[[ $(printf '%s\n' "${commands[@]}" | sort | paste -sd' ') == \
	"$(printf '%s\n' "${man_commands[@]}" | sort | paste -sd' ')" ]]
check "the tool and the man page list the same commands (${commands[*]})" $?

# ---- every command and action ---------------------------------------------------
for cmd in "${commands[@]}"; do
	expect_help "$cmd --help" "$cmd" --help
	expect_help "$cmd -h" "$cmd" -h
	expect_help "-c FILE $cmd --help (the file is not read)" -c "$missing_conf" "$cmd" --help
	expect_usage_error "$cmd with an unknown option" "$cmd" --no-such-option
done
for form in "${forms[@]}"; do
	read -r cmd action rest <<<"$form"
	args=("$cmd")
	if [[ -n $action && $action != -* && $action != \[* ]]; then
		args+=("$action")
		expect_help "$cmd $action --help" "${args[@]}" --help
		expect_help "$cmd $action -h" "${args[@]}" -h
		expect_usage_error "$cmd $action with an unknown option" "${args[@]}" --no-such-option
		expect_usage_error "$cmd $action with a stray argument" "${args[@]}" stray
	else
		rest="$action $rest"
	fi
	# Every option the usage line shows is accepted (a value where one
	# follows in the line): parsing goes on to the final --help.
	opts=()
	read -ra words <<<"${rest//[\[\]|]/ }"
	for ((i = 0; i < ${#words[@]}; i++)); do
		w=${words[i]}
		[[ $w == --* ]] || continue
		opts+=("$w")
		next=${words[i + 1]:-}
		[[ -n $next && $next != --* ]] && opts+=(value)
	done
	if ((${#opts[@]} > 0)); then
		expect_help "${args[*]}: every option of its usage is accepted" "${args[@]}" "${opts[@]}" --help
	fi
done
expect_usage_error "token without an action" token
expect_usage_error "token with an unknown action" token bogus
expect_usage_error "migrate --status given twice" migrate --status --status
expect_usage_error "apikey create without a value for --name" apikey create --name

# ---- signer-address without a configuration ---------------------------------------
key="$work/signer.key"
(umask 077 && printf '%s\n' "$dev_key" >"$key")
run -c "$missing_conf" signer-address --key-file "$key"
[[ $rc == 0 && $out == "$dev_address" && -z $err ]]
check "signer-address --key-file needs no configuration file" $?
run signer-address --key-file "$key"
[[ $rc == 0 && $out == "$dev_address" ]]
check "signer-address --key-file without -c (default file absent or not read)" $?
chmod 0644 "$key"
run signer-address --key-file "$key"
[[ $rc == 1 && -z $out && $err == *"$key"*"mode 0644"* && $err != *"$dev_key"* ]]
check "signer-address refuses a key file others can read, naming file and mode" $?
expect_usage_error "signer-address without --key-file or --chain" signer-address
expect_usage_error "signer-address with both --key-file and --chain" signer-address --key-file "$key" --chain local
run -c "$missing_conf" signer-address --chain local
[[ $rc == 1 && $err == *"$missing_conf"* ]]
check "signer-address --chain reads the configuration, and says when it cannot" $?

# ---- the man page --------------------------------------------------------------
# Every command, and every option of the tool's usage, in roff's spelling
# (\- for each -); and every option the man page names is one the tool has.
for cmd in "${commands[@]}"; do
	grep -q "^\.B ${cmd//-/\\\\-}\b" "$man"
	check "the man page describes $cmd" $?
done
all_help=$main_help
for cmd in "${commands[@]}"; do
	all_help+=$'\n'$("$admin" "$cmd" --help)
done
mapfile -t tool_opts < <(grep -o -- '--[a-z][a-z-]*' <<<"$all_help" | sort -u)
for opt in "${tool_opts[@]}"; do
	grep -qF -- "${opt//-/\\-}" "$man"
	check "the man page names $opt" $?
done
mapfile -t man_opts < <(grep -oE -- '\\-\\-[a-z]+(\\-[a-z]+)*' "$man" | sed -e 's/\\-/-/g' | sort -u)
for opt in "${man_opts[@]}"; do
	grep -qxF -- "$opt" < <(printf '%s\n' "${tool_opts[@]}")
	check "the tool knows $opt, which the man page names" $?
done

printf '%s passed, %s failed\n' "$passed" "$failed"
((failed == 0))

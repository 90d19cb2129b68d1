#!/usr/bin/env bash
# The hardening configure chose (configure.ac, --disable-hardening), checked
# on the built binaries with readelf:
#   PIE              ELF type DYN, FLAGS_1 has PIE
#   full RELRO       a GNU_RELRO segment, and BIND_NOW (FLAGS or FLAGS_1 NOW)
#   stack protector  __stack_chk_fail is imported
#   _FORTIFY_SOURCE  __*_chk functions are imported when configure enabled
#                    it, and none when it did not (debug -O0 and sanitizer
#                    builds)
# Run by make check from the build directory; CB_HARDENING and
# CB_HARDEN_FORTIFY come from configure (Makefile.am).
set -uo pipefail

if [[ ${CB_HARDENING:-} == no ]]; then
	echo "configured with --disable-hardening: nothing to check"
	exit 77
fi
if [[ ${CB_HARDENING:-} != yes || -z ${CB_HARDEN_FORTIFY:-} ]]; then
	echo "CB_HARDENING / CB_HARDEN_FORTIFY unset (run through make check)"
	exit 1
fi
command -v readelf >/dev/null || { echo "readelf (binutils) is needed"; exit 1; }

binaries=()
for b in src/api/chainbridge-api src/admin/chainbridge-admin src/chaind/chainbridge-chaind; do
	[[ -x $b ]] && binaries+=("$b")
done

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

((${#binaries[@]} >= 2))
check "the API and the admin tool are built (${binaries[*]})" $?

for b in "${binaries[@]}"; do
	name=${b##*/}
	header=$(readelf -hW "$b")
	dynamic=$(readelf -dW "$b")
	segments=$(readelf -lW "$b")
	symbols=$(readelf --dyn-syms -W "$b")

	grep -Eq '^ *Type: +DYN' <<<"$header"
	check "$name: position-independent (ELF type DYN)" $?
	grep -Eq '\(FLAGS_1\).*\bPIE\b' <<<"$dynamic"
	check "$name: FLAGS_1 has PIE" $?
	grep -Eq '^ *GNU_RELRO ' <<<"$segments"
	check "$name: has a GNU_RELRO segment" $?
	grep -Eq '\(FLAGS\).*\bBIND_NOW\b|\(FLAGS_1\).*\bNOW\b' <<<"$dynamic"
	check "$name: BIND_NOW (full RELRO)" $?
	grep -Eq '\b__stack_chk_fail\b' <<<"$symbols"
	check "$name: stack protector (__stack_chk_fail imported)" $?
	chk=$(grep -oE '\b__[a-z_0-9]+_chk\b' <<<"$symbols" | grep -v '^__stack_chk_fail$' | sort -u | paste -sd' ')
	if [[ $CB_HARDEN_FORTIFY == yes ]]; then
		[[ -n $chk ]]
		check "$name: _FORTIFY_SOURCE (imports ${chk:-no __*_chk function})" $?
	else
		[[ -z $chk ]]
		check "$name: no _FORTIFY_SOURCE in this build (imports: ${chk:-none})" $?
	fi
done

printf '%s passed, %s failed\n' "$passed" "$failed"
((failed == 0))

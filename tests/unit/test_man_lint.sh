#!/usr/bin/env bash
# Every manual page renders without a warning: mandoc -T lint at level
# "warning" prints nothing for it.  (Style notes below warnings are left to
# taste.)
set -uo pipefail

src=${CB_SRCDIR:-.}
command -v mandoc >/dev/null || { echo "mandoc is missing (scripts/deps installs it)"; exit 1; }
passed=0 failed=0
for page in "$src"/man/*.[1-8]; do
	name=${page##*/}
	out=$(mandoc -T lint -W warning "$page" 2>&1)
	if [[ -z $out ]]; then
		passed=$((passed + 1))
		echo "ok - $name renders without warnings"
	else
		failed=$((failed + 1))
		echo "not ok - $name"
		printf '%s\n' "$out" | sed 's/^/  /'
	fi
done
echo "$passed passed, $failed failed"
((passed > 0 && failed == 0))

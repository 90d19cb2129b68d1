/* namebits.c - comma lists of names to bit sets and back. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/namebits.h"

int
namebits_parse(const char *s, size_t len, const struct namebit *table, size_t n,
    int allow_empty)
{
	unsigned bits = 0;
	size_t i = 0, k;

	if (len == 0)
		return allow_empty ? 0 : -1;
	while (i <= len) {
		size_t j = i;
		int found = 0;

		while (j < len && s[j] != ',')
			j++;
		for (k = 0; k < n; k++) {
			if (strlen(table[k].name) == j - i &&
			    memcmp(table[k].name, s + i, j - i) == 0) {
				bits |= table[k].bit;
				found = 1;
			}
		}
		if (!found)
			return -1;
		i = j + 1;
	}
	return (int)bits;
}

const char *
namebits_format(unsigned bits, const struct namebit *table, size_t n, char *out, size_t cap)
{
	size_t k, o = 0;

	if (cap == 0)
		return out;
	out[0] = '\0';
	for (k = 0; k < n; k++) {
		int w;

		if (!(bits & table[k].bit))
			continue;
		w = snprintf(out + o, cap - o, "%s%s", o ? "," : "", table[k].name);
		if (w < 0 || (size_t)w >= cap - o)
			break;
		o += (size_t)w;
	}
	return out;
}

/*
 * namebits.h - comma lists of names <-> bit sets ("read,write",
 * "mintable,burnable"): one parser for every such list we store or accept.
 */
#ifndef CB_NAMEBITS_H
#define CB_NAMEBITS_H

#include <stddef.h>

struct namebit {
	const char	*name;
	unsigned	 bit;
};

/*
 * Parses s (len bytes, no NUL needed) as names from table (n entries)
 * separated by single commas.  Returns the union of their bits; 0 for an
 * empty string when allow_empty; -1 for an unknown or empty item.
 */
int		 namebits_parse(const char *s, size_t len, const struct namebit *table,
		    size_t n, int allow_empty);
/* Writes the names of the bits set, in table order, comma-separated. Returns out. */
const char	*namebits_format(unsigned bits, const struct namebit *table, size_t n,
		    char *out, size_t cap);

#endif

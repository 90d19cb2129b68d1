/*
 * sqlsplit.h - split a SQL script (a migration file) into statements.
 *
 * Understands -- and # line comments, block comments, and '...' "..." `...`
 * quoting with backslash escapes, so a ';' inside any of them does not end a
 * statement.  Comments and blank text between statements are dropped.
 */
#ifndef CB_SQLSPLIT_H
#define CB_SQLSPLIT_H

#include <stddef.h>

struct sqlsplit {
	const char	*src;
	size_t		 len;
	size_t		 pos;
	unsigned	 line;	/* line of pos, from 1 */
};

void	sqlsplit_init(struct sqlsplit *, const char *src, size_t len);
/*
 * Next statement, without its ';'.  Returns 1 and sets stmt and stmt_len and
 * *stmt_line (where it starts), 0 at the end, -1 on an unterminated quote or
 * comment (stmt_line then says where it began).
 */
int	sqlsplit_next(struct sqlsplit *, const char **stmt, size_t *stmt_len,
	    unsigned *stmt_line);

#endif

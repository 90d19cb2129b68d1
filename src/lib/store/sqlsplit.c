/* sqlsplit.c - statement splitter for migration scripts. */
#include "config.h"

#include <stdbool.h>

#include "store/sqlsplit.h"

void
sqlsplit_init(struct sqlsplit *sp, const char *src, size_t len)
{
	sp->src = src;
	sp->len = len;
	sp->pos = 0;
	sp->line = 1;
}

static void
sqlsplit_advance(struct sqlsplit *sp)
{
	if (sp->src[sp->pos] == '\n')
		sp->line++;
	sp->pos++;
}

/* Skip white space and comments between statements; -1 on an open comment. */
static int
sqlsplit_skip_gap(struct sqlsplit *sp)
{
	while (sp->pos < sp->len) {
		char c = sp->src[sp->pos];
		char d = sp->pos + 1 < sp->len ? sp->src[sp->pos + 1] : '\0';

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';') {
			sqlsplit_advance(sp);
		} else if ((c == '-' && d == '-') || c == '#') {
			while (sp->pos < sp->len && sp->src[sp->pos] != '\n')
				sqlsplit_advance(sp);
		} else if (c == '/' && d == '*') {
			sqlsplit_advance(sp);
			sqlsplit_advance(sp);
			while (sp->pos + 1 < sp->len &&
			    !(sp->src[sp->pos] == '*' && sp->src[sp->pos + 1] == '/'))
				sqlsplit_advance(sp);
			if (sp->pos + 1 >= sp->len)
				return -1;
			sqlsplit_advance(sp);
			sqlsplit_advance(sp);
		} else {
			return 0;
		}
	}
	return 0;
}

int
sqlsplit_next(struct sqlsplit *sp, const char **stmt, size_t *stmt_len,
    unsigned *stmt_line)
{
	size_t start, end;

	*stmt_line = sp->line;
	if (sqlsplit_skip_gap(sp) != 0)
		return -1;
	if (sp->pos >= sp->len)
		return 0;
	start = sp->pos;
	*stmt_line = sp->line;
	end = start;
	while (sp->pos < sp->len) {
		char c = sp->src[sp->pos];
		char d = sp->pos + 1 < sp->len ? sp->src[sp->pos + 1] : '\0';

		if (c == ';')
			break;
		if (c == '\'' || c == '"' || c == '`') {
			bool closed = false;

			sqlsplit_advance(sp);
			while (sp->pos < sp->len) {
				char q = sp->src[sp->pos];

				if (q == '\\' && c != '`' && sp->pos + 1 < sp->len) {
					sqlsplit_advance(sp);
				} else if (q == c) {
					closed = true;
					break;
				}
				sqlsplit_advance(sp);
			}
			if (!closed)
				return -1;
			sqlsplit_advance(sp);
			end = sp->pos;
			continue;
		}
		if ((c == '-' && d == '-') || c == '#') {
			while (sp->pos < sp->len && sp->src[sp->pos] != '\n')
				sqlsplit_advance(sp);
			continue;
		}
		if (c == '/' && d == '*') {
			sqlsplit_advance(sp);
			sqlsplit_advance(sp);
			while (sp->pos + 1 < sp->len &&
			    !(sp->src[sp->pos] == '*' && sp->src[sp->pos + 1] == '/'))
				sqlsplit_advance(sp);
			if (sp->pos + 1 >= sp->len)
				return -1;
			sqlsplit_advance(sp);
			sqlsplit_advance(sp);
			continue;
		}
		sqlsplit_advance(sp);
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			end = sp->pos;
	}
	if (sp->pos < sp->len)
		sqlsplit_advance(sp);	/* the ';' */
	*stmt = sp->src + start;
	*stmt_len = end - start;
	return 1;
}

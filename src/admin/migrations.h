/* migrations.h - the migration scripts compiled into chainbridge-admin. */
#ifndef CB_MIGRATIONS_H
#define CB_MIGRATIONS_H

#include <stddef.h>

struct migration {
	unsigned	 version;
	const char	*name;
	const char	*sql;
	size_t		 len;
};

/* In version order; generated from db/migrations by db/embed.sh. */
extern const struct migration migrations[];
extern const unsigned migrations_count;

#endif

/*
 * test_conf_doc.c - chainbridge.conf(5) against the configuration's key
 * table: every key is documented in its section with its type, default
 * and range exactly as the loader applies them, and the page documents no
 * key the loader does not know.  So the manual cannot drift from the code.
 *
 * Each key is an item of its section:
 *	.TP
 *	.B max_body
 *	\fIbytes\fR; default \fB1048576\fR; range 1024..67108864.
 * CB_CONF_DOC_PRINT=1 prints the expected item heads, to write the page.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"

#define DOC_KEYS_MAX	128
#define DOC_LINE_MAX	512

struct doc_item {
	char	section[32];
	char	name[DOC_LINE_MAX];
	char	spec[DOC_LINE_MAX];
	bool	matched;
};

static struct doc_item	items[DOC_KEYS_MAX];
static size_t		nitems;

/* The spec line the page must carry for key k. */
static void
doc_spec(const struct config_key_info *k, char *out, size_t cap)
{
	int n;

	n = snprintf(out, cap, "\\fI%s\\fR; ", k->type);
	if (k->required)
		n += snprintf(out + n, cap - (size_t)n, "required");
	else if (k->def != NULL)
		n += snprintf(out + n, cap - (size_t)n, "default \\fB%s\\fR", k->def);
	else
		n += snprintf(out + n, cap - (size_t)n, "no default");
	if (k->has_range)
		n += snprintf(out + n, cap - (size_t)n, "; range %" PRIu64 "..%" PRIu64,
		    k->min, k->max);
	snprintf(out + n, cap - (size_t)n, ".");
}

static void
doc_chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Reads the items of the page into items[]. */
static void
doc_read(void)
{
	const char *srcdir = getenv("CB_SRCDIR");
	char path[1024], line[DOC_LINE_MAX], section[32] = "";
	bool after_tp = false;
	struct doc_item *it = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/man/chainbridge.conf.5", srcdir ? srcdir : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	nitems = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		doc_chomp(line);
		if (it != NULL) {
			snprintf(it->spec, sizeof(it->spec), "%s", line);
			it = NULL;
			continue;
		}
		if (strncmp(line, ".SH", 3) == 0) {
			section[0] = '\0';
		} else if (strncmp(line, ".SS ", 4) == 0) {
			/* .SS [database] or .SS "[chain NAME]" */
			const char *p = strchr(line, '[');
			size_t n = p ? strcspn(p + 1, " ]") : 0;

			snprintf(section, sizeof(section), "%.*s", (int)n, p ? p + 1 : "");
		} else if (strcmp(line, ".TP") == 0) {
			after_tp = true;
			continue;
		} else if (after_tp && section[0] != '\0' && strncmp(line, ".B ", 3) == 0) {
			ck_assert_msg(nitems < DOC_KEYS_MAX, "too many items");
			it = &items[nitems++];
			memset(it, 0, sizeof(*it));
			snprintf(it->section, sizeof(it->section), "%s", section);
			snprintf(it->name, sizeof(it->name), "%s", line + 3);
		}
		after_tp = false;
	}
	fclose(f);
}

START_TEST(test_every_key_documented)
{
	struct config_key_info k;
	char want[DOC_LINE_MAX];
	size_t i, j, missing = 0;
	bool print = getenv("CB_CONF_DOC_PRINT") != NULL;

	doc_read();
	ck_assert_uint_gt(config_key_count(), 30);
	for (i = 0; config_key_info(i, &k); i++) {
		struct doc_item *found = NULL;

		doc_spec(&k, want, sizeof(want));
		if (print)
			printf("[%s]\n.TP\n.B %s\n%s\n", k.section, k.name, want);
		for (j = 0; j < nitems; j++)
			if (strcmp(items[j].section, k.section) == 0 &&
			    strcmp(items[j].name, k.name) == 0)
				found = &items[j];
		if (found == NULL) {
			fprintf(stderr, "[%s] %s is not documented; want:\n.TP\n.B %s\n%s\n",
			    k.section, k.name, k.name, want);
			missing++;
			continue;
		}
		found->matched = true;
		if (strcmp(found->spec, want) != 0) {
			fprintf(stderr, "[%s] %s: the page says\n  %s\nthe code has\n  %s\n",
			    k.section, k.name, found->spec, want);
			missing++;
		}
	}
	for (j = 0; j < nitems; j++) {
		if (!items[j].matched) {
			fprintf(stderr, "[%s] %s is documented but is no key\n",
			    items[j].section, items[j].name);
			missing++;
		}
	}
	ck_assert_msg(missing == 0, "%zu differences between chainbridge.conf(5) and the"
	    " key table (see above)", missing);
}
END_TEST

START_TEST(test_info_bounds)
{
	struct config_key_info k;

	ck_assert(config_key_info(0, &k));
	ck_assert_str_eq(k.section, "database");
	ck_assert(!config_key_info(config_key_count(), &k));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conf_doc");
	TCase *tc = tcase_create("manual");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_every_key_documented);
	tcase_add_test(tc, test_info_bounds);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

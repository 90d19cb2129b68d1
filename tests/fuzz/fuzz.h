/*
 * fuzz.h - what the libFuzzer targets share (docs/fuzzing.md).
 *
 * Each target is one program with an LLVMFuzzerTestOneInput() that feeds
 * the input to one family of parsers and checks properties that must hold
 * for every input (round trips, bounds, well-formed answers).  A broken
 * property calls fuzz_fail(), which aborts, so libFuzzer reports it as a
 * crash and saves the input like any sanitizer finding.
 */
#ifndef CB_FUZZ_H
#define CB_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/json.h"

struct worker;

/*
 * The entry points libFuzzer calls.  LLVMFuzzerInitialize is optional: a
 * target without one gets common.c's, which does nothing.
 */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

/* Prints what failed and where, then aborts. */
_Noreturn void	fuzz_fail(const char *what, const char *file, int line);

/* Checks a property of the code under test (never of the input). */
#define FUZZ_CHECK(cond) do {					\
	if (!(cond))						\
		fuzz_fail(#cond, __FILE__, __LINE__);		\
} while (0)

/*
 * Loads a configuration from text[0..len) through the real loader
 * (config_load), by way of an anonymous memory file.  Returns the config
 * (free with config_free) or NULL with errbuf filled.
 */
struct config	*fuzz_config_from_text(const char *text, size_t len,
		    char *errbuf, size_t errlen);

/*
 * The smallest valid configuration, loaded once: every key at its
 * default.  Aborts if it does not load.  Borrowed; lives until exit.
 */
const struct config *fuzz_default_config(void);

/*
 * True when s[0..len) is one strict JSON object (json_parse_strict, any
 * depth the parser allows): the check that everything the API answers is
 * well-formed JSON in valid UTF-8.
 */
bool		fuzz_json_valid(const char *s, size_t len);

/* Prints what (a label) and s[0..len) to stderr, bytes outside printable
 * ASCII as \xNN: shows the text behind a failed property. */
void		fuzz_dump(const char *what, const char *s, size_t len);

/* Quiets the library's log lines (a fuzzer runs millions of inputs). */
void		fuzz_quiet_logs(void);

/*
 * The API worker the request targets hand their handlers: the default
 * configuration (fuzz_default_config), no store, no route tables.  Set up
 * on the first call, which also quiets the logs.  Borrowed; lives until
 * exit.
 */
struct worker	*fuzz_api_worker(void);

#endif

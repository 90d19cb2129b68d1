/* common.c - helpers shared by the libFuzzer targets (fuzz.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/log.h"
#include "worker.h"
#include "fuzz.h"

/* libFuzzer calls it only when it is defined; a target that has something
 * to set up defines its own, which takes the place of this one. */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

void
fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what);
	abort();
}

struct config *
fuzz_config_from_text(const char *text, size_t len, char *errbuf,
    size_t errlen)
{
	static int fd = -1;
	char path[64];
	struct config *cfg;
	size_t off = 0;
	ssize_t n;

	/* One memory file for the whole run, truncated for each input;
	 * config_load opens it by name like any file. */
	if (fd < 0 && (fd = memfd_create("chainbridge.conf", MFD_CLOEXEC)) < 0) {
		perror("memfd_create");
		abort();
	}
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		perror("ftruncate");
		abort();
	}
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) <= 0) {
			perror("write");
			abort();
		}
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cfg = config_load(path, errbuf, errlen);
	return cfg;
}

const struct config *
fuzz_default_config(void)
{
	static const char text[] = "[database]\nname = cb\nuser = cb\n";
	static struct config *cfg;
	char err[512];

	if (cfg == NULL &&
	    (cfg = fuzz_config_from_text(text, sizeof(text) - 1, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "default config: %s\n", err);
		abort();
	}
	return cfg;
}

bool
fuzz_json_valid(const char *s, size_t len)
{
	json_object *obj;

	if ((obj = json_parse_strict(s, len, 128, NULL)) == NULL)
		return false;
	json_object_put(obj);
	return true;
}

void
fuzz_dump(const char *what, const char *s, size_t len)
{
	size_t i;

	fprintf(stderr, "%s (%zu bytes): ", what, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputc('\n', stderr);
}

void
fuzz_quiet_logs(void)
{
	log_init("fuzz", LOG_LEVEL_ERROR, LOG_FORMAT_KV);
}

struct worker *
fuzz_api_worker(void)
{
	static struct worker w;

	if (w.cfg == NULL) {
		fuzz_quiet_logs();
		w.cfg = fuzz_default_config();
	}
	return &w;
}

# tests/openapi/openapi.mk: what checks docs/openapi.yaml against the code
# (included by Makefile.am).  scripts/test lints the document and runs
# scripts/openapi-check, which compares it with the route tables (printed
# by tests/openapi/api_routes) and validates every response the
# integration tests recorded (CB_RECORD_RESPONSES, tests/integration/harness.h).

check_PROGRAMS += tests/openapi/api_routes
tests_openapi_api_routes_SOURCES = tests/openapi/api_routes.c
tests_openapi_api_routes_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/api
tests_openapi_api_routes_LDADD = $(API_LIBS)

# The checker itself catches made-up drift (no stack needed).
TESTS += tests/openapi/test_openapi_check.sh
EXTRA_DIST += tests/openapi/test_openapi_check.sh

EXTRA_DIST += docs/openapi.yaml docs/redocly.yaml docs/.redocly.lint-ignore.yaml \
	scripts/openapi-check

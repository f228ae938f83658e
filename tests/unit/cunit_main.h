/*
 * cunit_main.h - the one main() every unit test executable shares.
 *
 * Each tests/unit/test_*.c defines test_register(), which adds its
 * suites to the CUnit registry; cunit_main.c runs them and turns any
 * failure into a non-zero exit status for CTest.
 */
#ifndef SMTPCONF_CUNIT_MAIN_H
#define SMTPCONF_CUNIT_MAIN_H

#include <CUnit/CUnit.h>

/* test_register - add this file's suites; return 0 or a CUnit error */
int test_register(void);

/* ADD_SUITE - helper: add a suite with the given NULL-terminated tests */
struct test_case {
	const char *name;
	void (*fn)(void);
};
int test_add_suite(const char *name, const struct test_case *cases);

#endif

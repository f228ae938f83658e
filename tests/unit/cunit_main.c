/*
 * cunit_main.c - shared runner for the CUnit test executables.
 */
#include <stdio.h>
#include <CUnit/Basic.h>
#include "cunit_main.h"

/* test_add_suite - add a suite and its cases (cases ends with {NULL, NULL}) */
int test_add_suite(const char *name, const struct test_case *cases)
{
	CU_pSuite suite = CU_add_suite(name, NULL, NULL);

	if (suite == NULL)
		return CU_get_error();
	for (; cases->name != NULL; cases++)
		if (CU_add_test(suite, cases->name, cases->fn) == NULL)
			return CU_get_error();
	return CUE_SUCCESS;
}

int main(void)
{
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (test_register() != CUE_SUCCESS) {
		fprintf(stderr, "test registration failed: %s\n",
			CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() +
		   CU_get_number_of_tests_failed();
	if (CU_get_number_of_tests_run() == 0)
		failures = 1;
	CU_cleanup_registry();
	return failures ? 1 : 0;
}

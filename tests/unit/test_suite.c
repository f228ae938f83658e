/*
 * test_suite.c - loading scenario files from disk, and glob matching.
 *
 * A temporary tree holds valid files, a broken one, hidden entries, a
 * symlink loop, a symlinked file and a dangling link: the suite must
 * collect the broken ones as errors, load the rest, sort them by id
 * and never follow the loop.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cunit_main.h"
#include "smtpconf/scenario.h"

#define VALID "title: t\nrfc: 5321\nlevel: MUST\n\nS: 220\n"

static struct sc_vars vars;
static char tmp[256];		/* the tree's root, made by mkdtemp() */

/* put - write text to tmp/rel, creating nothing else */
static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* dir - make tmp/rel */
static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
}

/* link_to - tmp/rel becomes a symlink to target */
static void link_to(const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	CU_ASSERT_EQUAL_FATAL(symlink(target, path), 0);
}

/* rm_one - nftw callback: remove one entry, children first */
static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* tree_new - an empty temporary root */
static void tree_new(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/smtpconf-suite-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmp));
	sc_vars_init(&vars);
}

/* tree_free - remove the temporary root and all below it */
static void tree_free(void)
{
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* find_error - the suite error whose file ends in name, or NULL */
static const struct sc_error *find_error(const struct sc_suite *s,
					 const char *name)
{
	size_t i, n = strlen(name), m;

	for (i = 0; i < s->nerrors; i++) {
		m = strlen(s->errors[i].file);
		if (m >= n && strcmp(s->errors[i].file + m - n, name) == 0)
			return &s->errors[i];
	}
	return NULL;
}

/* build_tree - the mixed tree the directory tests walk */
static void build_tree(void)
{
	tree_new();
	dir("a");
	dir("b");
	dir("b/c");
	dir(".hidden");
	dir("z.smtp");
	put("a/one.smtp", VALID);
	put("b/two.smtp", VALID "C: QUIT\n");
	put("b/c/three.smtp", VALID);
	put("z.smtp/four.smtp", VALID);
	put("broken.smtp", "title: t\nrfc: 5321\nlevel: MUST\n\nS: 6xx\n");
	put("notes.txt", VALID);
	put("one.smtp.bak", VALID);
	put(".hidden/x.smtp", VALID);
	put(".dot.smtp", VALID);
	put("b/.smtp", VALID);
	link_to("loop", ".");
	link_to("b/up", "..");
	link_to("link.smtp", "a/one.smtp");
	link_to("dangling.smtp", "does-not-exist.smtp");
}

/* test_directory - walk, skip, sort, collect errors */
static void test_directory(void)
{
	static const char *const ids[] = {
		"a/one", "b/c/three", "b/two", "link", "z.smtp/four",
	};
	struct sc_suite s;
	struct sc_error e;
	const struct sc_error *be;
	char path[512];
	size_t i;

	build_tree();
	CU_ASSERT_EQUAL_FATAL(sc_suite_load(tmp, &vars, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.count, 5);
	for (i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(s.items[i].id, ids[i]);
	snprintf(path, sizeof(path), "%s/b/two.smtp", tmp);
	CU_ASSERT_STRING_EQUAL(s.items[2].path, path);
	CU_ASSERT_EQUAL(s.items[2].nsteps, 2);
	CU_ASSERT_EQUAL(s.nerrors, 2);
	be = find_error(&s, "/broken.smtp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(be);
	CU_ASSERT_EQUAL(be->status, SC_ERR_SYNTAX);
	CU_ASSERT_EQUAL(be->line, 5);
	CU_ASSERT_EQUAL(be->col, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(be->msg, "'6xx'"));
	be = find_error(&s, "/dangling.smtp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(be);
	CU_ASSERT_EQUAL(be->status, SC_ERR_IO);
	sc_suite_free(&s);
	CU_ASSERT_EQUAL(s.count, 0);
	CU_ASSERT_PTR_NULL(s.items);
	/* "dir/" gives the same ids and no "//" in paths. */
	snprintf(path, sizeof(path), "%s/", tmp);
	CU_ASSERT_EQUAL_FATAL(sc_suite_load(path, &vars, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.count, 5);
	CU_ASSERT_STRING_EQUAL(s.items[0].id, "a/one");
	CU_ASSERT_PTR_NULL(strstr(s.items[0].path, "//"));
	sc_suite_free(&s);
	tree_free();
}

/* test_single_file - the id comes from the .smtpconf-suite marker */
static void test_single_file(void)
{
	struct sc_suite s;
	struct sc_error e;
	char path[512];

	build_tree();
	snprintf(path, sizeof(path), "%s/b/c/three.smtp", tmp);
	/* No marker up to / (none is expected there): the base name. */
	CU_ASSERT_EQUAL_FATAL(sc_suite_load(path, &vars, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.count, 1);
	CU_ASSERT_STRING_EQUAL(s.items[0].id, "three");
	sc_suite_free(&s);
	put(".smtpconf-suite", "");
	CU_ASSERT_EQUAL_FATAL(sc_suite_load(path, &vars, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.count, 1);
	CU_ASSERT_STRING_EQUAL(s.items[0].id, "b/c/three");
	sc_suite_free(&s);
	/* The nearest marker wins. */
	put("b/.smtpconf-suite", "");
	CU_ASSERT_EQUAL_FATAL(sc_suite_load(path, &vars, &s, &e), SC_OK);
	CU_ASSERT_STRING_EQUAL(s.items[0].id, "c/three");
	sc_suite_free(&s);
	/* A broken root file is read, so SC_OK with one error. */
	snprintf(path, sizeof(path), "%s/broken.smtp", tmp);
	CU_ASSERT_EQUAL_FATAL(sc_suite_load(path, &vars, &s, &e), SC_OK);
	CU_ASSERT_EQUAL(s.count, 0);
	CU_ASSERT_EQUAL_FATAL(s.nerrors, 1);
	CU_ASSERT_EQUAL(s.errors[0].line, 5);
	CU_ASSERT_STRING_EQUAL(s.errors[0].file, path);
	sc_suite_free(&s);
	/* Named explicitly, a file needs no .smtp. */
	snprintf(path, sizeof(path), "%s/notes.txt", tmp);
	CU_ASSERT_EQUAL_FATAL(sc_suite_load(path, &vars, &s, &e), SC_OK);
	CU_ASSERT_EQUAL_FATAL(s.count, 1);
	CU_ASSERT_STRING_EQUAL(s.items[0].id, "notes.txt");
	sc_suite_free(&s);
	tree_free();
}

/* test_unreadable - a root that cannot be read is SC_ERR_IO */
static void test_unreadable(void)
{
	struct sc_suite s;
	struct sc_error e;
	char path[512];

	tree_new();
	snprintf(path, sizeof(path), "%s/nope", tmp);
	CU_ASSERT_EQUAL(sc_suite_load(path, &vars, &s, &e), SC_ERR_IO);
	CU_ASSERT_STRING_EQUAL(e.file, path);
	CU_ASSERT_EQUAL(s.count, 0);
	CU_ASSERT_EQUAL(s.nerrors, 0);
	CU_ASSERT_EQUAL(sc_suite_load("/dev/null", &vars, &s, &e),
			SC_ERR_IO);
	CU_ASSERT_EQUAL(sc_suite_load(NULL, &vars, &s, &e), SC_ERR_USAGE);
	/* An empty directory is a readable, empty suite. */
	CU_ASSERT_EQUAL(sc_suite_load(tmp, &vars, &s, &e), SC_OK);
	CU_ASSERT_EQUAL(s.count, 0);
	CU_ASSERT_EQUAL(s.nerrors, 0);
	sc_suite_free(&s);
	tree_free();
}

/* test_load_file - sc_scenario_load's own bounds */
static void test_load_file(void)
{
	struct sc_scenario sc;
	struct sc_error e;
	char path[512];
	FILE *f;
	size_t i;

	tree_new();
	snprintf(path, sizeof(path), "%s/big.smtp", tmp);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(VALID, f);
	for (i = 0; i <= SC_SCENARIO_FILE_MAX / 16; i++)
		fputs("# 13 more bytes\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(sc_scenario_load(path, "big", &vars, &sc, &e),
			SC_ERR_SYNTAX);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "file is larger than"));
	CU_ASSERT_STRING_EQUAL(e.file, path);
	CU_ASSERT_EQUAL(sc_scenario_load(tmp, "dir", &vars, &sc, &e),
			SC_ERR_IO);
	snprintf(path, sizeof(path), "%s/none.smtp", tmp);
	CU_ASSERT_EQUAL(sc_scenario_load(path, "none", &vars, &sc, &e),
			SC_ERR_IO);
	put("ok.smtp", VALID);
	snprintf(path, sizeof(path), "%s/ok.smtp", tmp);
	CU_ASSERT_EQUAL_FATAL(sc_scenario_load(path, "x/ok", &vars, &sc, &e),
			      SC_OK);
	CU_ASSERT_STRING_EQUAL(sc.id, "x/ok");
	CU_ASSERT_STRING_EQUAL(sc.path, path);
	sc_scenario_free(&sc);
	tree_free();
}

/* test_glob - shell globs over ids; '*' crosses '/' */
static void test_glob(void)
{
	static const struct {
		const char *pat;
		const char *s;
		int match;
	} cases[] = {
		{ "rfc5321/ehlo/basic", "rfc5321/ehlo/basic", 1 },
		{ "rfc5321/ehlo/basic", "rfc5321/ehlo/basics", 0 },
		{ "*", "", 1 },
		{ "*", "a/b/c", 1 },
		{ "rfc5321/*", "rfc5321/ehlo/basic", 1 },
		{ "*basic", "rfc5321/ehlo/basic", 1 },
		{ "*/ehlo/*", "rfc5321/ehlo/basic", 1 },
		{ "*/helo/*", "rfc5321/ehlo/basic", 0 },
		{ "rfc\?\?\?\?/*", "rfc5321/x", 1 },
		{ "rfc\?\?\?\?/*", "rfc532/x", 0 },
		{ "?", "", 0 },
		{ "", "", 1 },
		{ "", "a", 0 },
		{ "a*b*c", "aXbYbZc", 1 },
		{ "a*b*c", "aXbYbZ", 0 },
		{ "rfc[0-9][0-9]*", "rfc5321/a", 1 },
		{ "rfc[0-9]*", "rfcx", 0 },
		{ "[abc]x", "bx", 1 },
		{ "[abc]x", "dx", 0 },
		{ "[!abc]x", "dx", 1 },
		{ "[!abc]x", "ax", 0 },
		{ "[!a-z]", "5", 1 },
		{ "[!a-z]", "q", 0 },
		{ "[]]", "]", 1 },
		{ "[!]]", "]", 0 },
		{ "[a-]", "-", 1 },
		{ "[", "[", 1 },
		{ "a[b", "a[b", 1 },
		{ "**a", "xxa", 1 },
		/* Many stars on a long miss stay fast (one backtrack). */
		{ "*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = sc_glob_match(cases[i].pat, cases[i].s);

		CU_ASSERT_EQUAL(got, cases[i].match);
		if (got != cases[i].match)
			fprintf(stderr, "\n  glob '%s' '%s' -> %d\n",
				cases[i].pat, cases[i].s, got);
	}
	CU_ASSERT_FALSE(sc_glob_match(NULL, "a"));
	CU_ASSERT_FALSE(sc_glob_match("a", NULL));
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "directory", test_directory },
		{ "single file", test_single_file },
		{ "unreadable root", test_unreadable },
		{ "load one file", test_load_file },
		{ "glob", test_glob },
		{ NULL, NULL }
	};

	return test_add_suite("suite", cases);
}

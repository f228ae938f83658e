/*
 * suite.c - loading scenarios from disk: one file, or every *.smtp
 * below a directory, sorted by id; and the globs that select them.
 *
 * The walk is bounded (files, depth) and follows no symlinked
 * directory, so a loop in the tree cannot make it run forever.  A file
 * that does not parse is recorded and the walk goes on: one typo must
 * not hide the rest of the suite.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "scenario_int.h"

#define SUITE_MARKER		".smtpconf-suite"
#define SUITE_MARKER_LEVELS	16	/* ancestors searched for the marker */
#define SCENARIO_EXT		".smtp"

/* One file found by the walk. */
struct suite_file {
	char *path;
	char *id;
};

/* The walk's state. */
struct walk {
	struct suite_file *files;
	size_t n;
	size_t cap;
	int full;		/* SC_SUITE_MAX_FILES reached */
	struct sc_suite *suite;
};

/* suite_error - append a copy of e to suite->errors */
static int suite_error(struct sc_suite *suite, const struct sc_error *e)
{
	if (sp_grow_pow2((void **)&suite->errors, suite->nerrors,
		      sizeof(*e)) < 0)
		return SC_ERR_NOMEM;
	suite->errors[suite->nerrors++] = *e;
	return SC_OK;
}

/* suite_io_error - append "path: what: strerror(errno)" */
static int suite_io_error(struct sc_suite *suite, const char *path,
			  const char *what)
{
	struct sc_error e;

	sc_error_at(&e, SC_ERR_IO, path, 0, 0, "%s: %s", what,
		    strerror(errno));
	return suite_error(suite, &e);
}

/* has_ext - does name end in ".smtp" after at least one byte? */
static int has_ext(const char *name)
{
	size_t n = strlen(name), e = strlen(SCENARIO_EXT);

	return n > e && strcmp(name + n - e, SCENARIO_EXT) == 0;
}

/* strip_ext - the id of a file: without ".smtp" */
static void strip_ext(char *id)
{
	if (has_ext(id))
		id[strlen(id) - strlen(SCENARIO_EXT)] = '\0';
}

/* join - "a/b" in a new string ("b" when a is NULL) */
static char *join(const char *a, const char *b)
{
	size_t na = a ? strlen(a) : 0, nb = strlen(b);
	char *s = malloc(na + nb + 2);

	if (s == NULL)
		return NULL;
	if (a == NULL) {
		memcpy(s, b, nb + 1);
		return s;
	}
	memcpy(s, a, na);
	/* "dir/" given as the root must not give "dir//x". */
	if (na && a[na - 1] != '/')
		s[na++] = '/';
	memcpy(s + na, b, nb + 1);
	return s;
}

/* walk_add - remember path with id rel (without .smtp) */
static int walk_add(struct walk *w, const char *path, const char *rel)
{
	struct sc_error e;
	struct suite_file *f;

	if (w->n >= SC_SUITE_MAX_FILES) {
		if (!w->full) {
			w->full = 1;
			sc_error_at(&e, SC_ERR_LIMIT, path, 0, 0, "more than "
				    "%d scenario files; the rest are ignored",
				    SC_SUITE_MAX_FILES);
			return suite_error(w->suite, &e);
		}
		return SC_OK;
	}
	if (w->n == w->cap) {
		f = realloc(w->files, (w->cap ? w->cap * 2 : 64) * sizeof(*f));
		if (f == NULL)
			return SC_ERR_NOMEM;
		w->files = f;
		w->cap = w->cap ? w->cap * 2 : 64;
	}
	f = &w->files[w->n];
	f->path = strdup(path);
	f->id = strdup(rel);
	if (f->path == NULL || f->id == NULL) {
		free(f->path);
		free(f->id);
		return SC_ERR_NOMEM;
	}
	strip_ext(f->id);
	w->n++;
	return SC_OK;
}

static int walk_dir(struct walk *w, const char *dir, const char *rel,
		    unsigned depth);

/*
 * walk_entry - one directory entry: recurse into real directories,
 * take *.smtp files (a symlink to a file counts, to a directory not).
 */
static int walk_entry(struct walk *w, const char *path, const char *rel,
		      const char *name, unsigned depth)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return suite_io_error(w->suite, path, "cannot stat");
	if (S_ISDIR(st.st_mode)) {
		if (depth + 1 > SC_SUITE_MAX_DEPTH) {
			errno = ELOOP;
			return suite_io_error(w->suite, path, "too deep");
		}
		return walk_dir(w, path, rel, depth + 1);
	}
	if (!has_ext(name))
		return SC_OK;
	if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
		return suite_io_error(w->suite, path, "broken symlink");
	if (!S_ISREG(st.st_mode))
		return SC_OK;
	return walk_add(w, path, rel);
}

/* walk_dir - every entry of dir except dot-files */
static int walk_dir(struct walk *w, const char *dir, const char *rel,
		    unsigned depth)
{
	struct dirent *de;
	char *path, *sub;
	DIR *d = opendir(dir);
	int rc = SC_OK;

	if (d == NULL)
		return depth == 0 ? SC_ERR_IO
				  : suite_io_error(w->suite, dir,
						   "cannot read directory");
	while (rc == SC_OK && !w->full && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = join(dir, de->d_name);
		sub = join(rel, de->d_name);
		if (path == NULL || sub == NULL)
			rc = SC_ERR_NOMEM;
		else
			rc = walk_entry(w, path, sub, de->d_name, depth);
		free(path);
		free(sub);
	}
	closedir(d);
	return rc;
}

/* file_cmp - order files by id, byte-wise, for a stable run order */
static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct suite_file *)a)->id,
		      ((const struct suite_file *)b)->id);
}

/* suite_add - parse one file into the suite, or record its error */
static int suite_add(struct sc_suite *suite, const char *path,
		     const char *id, const struct sc_vars *defined)
{
	struct sc_scenario s;
	struct sc_error e;
	int rc;

	rc = sc_scenario_load(path, id, defined, &s, &e);
	if (rc == SC_ERR_NOMEM)
		return rc;
	if (rc != SC_OK)
		return suite_error(suite, &e);
	if (suite->light)
		sc_scenario_lighten(&s);
	if (sp_grow_pow2((void **)&suite->items, suite->count,
		      sizeof(s)) < 0) {
		sc_scenario_free(&s);
		return SC_ERR_NOMEM;
	}
	suite->items[suite->count++] = s;
	return SC_OK;
}

/* marker_at - does dir[0..n) hold the suite marker file? */
static int marker_at(const char *dir, size_t n)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%.*s/%s", (int)n, dir,
		     SUITE_MARKER) >= (int)sizeof(path))
		return 0;
	return stat(path, &st) == 0;
}

/*
 * file_id - the id of a single file: its path below the nearest
 * ancestor holding .smtpconf-suite, else its base name; no ".smtp".
 */
static char *file_id(const char *path)
{
	char *abs = realpath(path, NULL), *id;
	const char *base = strrchr(path, '/');
	size_t n;
	int level;

	if (abs != NULL) {
		n = strlen(abs);
		for (level = 0; level < SUITE_MARKER_LEVELS; level++) {
			while (n > 0 && abs[n - 1] != '/')
				n--;
			if (n == 0)
				break;
			if (marker_at(abs, n - 1)) {
				id = strdup(abs + n);
				free(abs);
				if (id)
					strip_ext(id);
				return id;
			}
			n--;
		}
		free(abs);
	}
	id = strdup(base ? base + 1 : path);
	if (id)
		strip_ext(id);
	return id;
}

/* suite_load_file - the root is one file */
static int suite_load_file(const char *root, const struct sc_vars *defined,
			   struct sc_suite *suite, struct sc_error *err)
{
	char *id = file_id(root);
	int rc;

	if (id == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	if (access(root, R_OK) != 0) {
		rc = sc_error_at(err, SC_ERR_IO, root, 0, 0, "cannot read: %s",
				 strerror(errno));
		free(id);
		return rc;
	}
	rc = suite_add(suite, root, id, defined);
	free(id);
	if (rc == SC_ERR_NOMEM)
		return sc_error_set(err, rc, "out of memory");
	return SC_OK;
}

/* suite_load_dir - the root is a directory: walk, sort, parse */
static int suite_load_dir(const char *root, const struct sc_vars *defined,
			  struct sc_suite *suite, struct sc_error *err)
{
	struct walk w;
	size_t i;
	int rc;

	memset(&w, 0, sizeof(w));
	w.suite = suite;
	rc = walk_dir(&w, root, NULL, 0);
	if (rc == SC_ERR_IO)
		sc_error_at(err, SC_ERR_IO, root, 0, 0, "cannot read "
			    "directory: %s", strerror(errno));
	if (rc == SC_OK && w.n > 1)
		qsort(w.files, w.n, sizeof(*w.files), file_cmp);
	for (i = 0; i < w.n && rc == SC_OK; i++)
		rc = suite_add(suite, w.files[i].path, w.files[i].id,
			       defined);
	for (i = 0; i < w.n; i++) {
		free(w.files[i].path);
		free(w.files[i].id);
	}
	free(w.files);
	if (rc == SC_ERR_NOMEM)
		sc_error_set(err, rc, "out of memory");
	return rc;
}

/* suite_load - a file or a directory, its scenarios light or in full */
static int suite_load(const char *root, const struct sc_vars *defined,
		      int light, struct sc_suite *suite, struct sc_error *err)
{
	struct stat st;
	int rc;

	sc_error_clear(err);
	if (suite == NULL || root == NULL)
		return sc_error_set(err, SC_ERR_USAGE, "no suite root");
	memset(suite, 0, sizeof(*suite));
	suite->light = light;
	if (stat(root, &st) != 0)
		return sc_error_at(err, SC_ERR_IO, root, 0, 0, "cannot read: "
				   "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		rc = suite_load_dir(root, defined, suite, err);
	else if (S_ISREG(st.st_mode))
		rc = suite_load_file(root, defined, suite, err);
	else
		rc = sc_error_at(err, SC_ERR_IO, root, 0, 0, "not a file or a "
				 "directory");
	if (rc != SC_OK)
		sc_suite_free(suite);
	return rc;
}

/* sc_suite_load - load a file or every *.smtp below a directory */
int sc_suite_load(const char *root, const struct sc_vars *defined,
		  struct sc_suite *suite, struct sc_error *err)
{
	return suite_load(root, defined, 0, suite, err);
}

/* sc_suite_load_light - the same, each scenario lightened once parsed */
int sc_suite_load_light(const char *root, const struct sc_vars *defined,
			struct sc_suite *suite, struct sc_error *err)
{
	return suite_load(root, defined, 1, suite, err);
}

/* sc_suite_free - release the scenarios and errors of a suite */
void sc_suite_free(struct sc_suite *suite)
{
	size_t i;

	if (suite == NULL)
		return;
	for (i = 0; i < suite->count; i++)
		sc_scenario_free(&suite->items[i]);
	free(suite->items);
	free(suite->errors);
	memset(suite, 0, sizeof(*suite));
}

/* read_all - the whole of fd into b, one byte past the bound at most */
static int read_all(int fd, struct sc_buf *b)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0 || sc_buf_append(b, chunk, (size_t)n) != 0)
			return 0;
	}
}

/* sc_scenario_load - read (SC_SCENARIO_FILE_MAX at most) and parse a file */
int sc_scenario_load(const char *path, const char *id,
		     const struct sc_vars *defined, struct sc_scenario *out,
		     struct sc_error *err)
{
	struct sc_buf b;
	struct stat st;
	int fd, rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sc_error_at(err, SC_ERR_IO, path, 0, 0, "cannot open: "
				   "%s", strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sc_error_at(err, SC_ERR_IO, path, 0, 0, "not a "
				   "regular file");
	}
	sc_buf_init(&b, SC_SCENARIO_FILE_MAX + 1);
	rc = read_all(fd, &b);
	close(fd);
	if (rc != 0 || b.failed) {
		rc = b.failed ? SC_ERR_NOMEM : SC_ERR_IO;
		sc_error_at(err, rc, path, 0, 0, "cannot read: %s",
			    b.failed ? "out of memory" : strerror(errno));
		sc_buf_free(&b);
		return rc;
	}
	rc = sc_scenario_parse(b.data, b.len, path, id, defined, out, err);
	sc_buf_free(&b);
	return rc;
}

/*
 * bracket - match c against the class at p ('['); -1 when the class
 * has no closing ']' (then '[' is an ordinary character).
 */
static int bracket(const char *p, unsigned char c, const char **next)
{
	const char *q = p + 1;
	int neg = 0, hit = 0, first = 1;

	if (*q == '!') {
		neg = 1;
		q++;
	}
	for (; *q && (*q != ']' || first); first = 0) {
		if (q[1] == '-' && q[2] && q[2] != ']') {
			if ((unsigned char)q[0] <= c &&
			    c <= (unsigned char)q[2])
				hit = 1;
			q += 3;
		} else {
			if ((unsigned char)*q == c)
				hit = 1;
			q++;
		}
	}
	if (*q != ']')
		return -1;
	*next = q + 1;
	return hit != neg;
}

/* glob_one - does pattern position p consume s[0]?  Sets *np */
static int glob_one(const char *p, const char *s, const char **np)
{
	int r;

	if (*p == '?') {
		*np = p + 1;
		return 1;
	}
	if (*p == '[') {
		r = bracket(p, (unsigned char)*s, np);
		if (r >= 0)
			return r;
	}
	*np = p + 1;
	return *p != '\0' && *p == *s;
}

/*
 * sc_glob_match - shell glob (* ? [..]) against an id, '/' matched by
 * '*' too.  One backtrack point (the last '*') is enough for these
 * operators, which keeps the match linear-times-pattern, never
 * exponential, whatever the pattern.
 */
int sc_glob_match(const char *pattern, const char *s)
{
	const char *p = pattern, *star_p = NULL, *star_s = NULL, *np;

	if (p == NULL || s == NULL)
		return 0;
	while (*s) {
		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (glob_one(p, s, &np)) {
			p = np;
			s++;
			continue;
		}
		if (star_p == NULL)
			return 0;
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

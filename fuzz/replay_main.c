/*
 * replay_main.c - run a fuzz target over saved inputs, without libFuzzer.
 *
 * Linked with one fuzz_*.c, this makes an ordinary program that any
 * compiler builds: it calls LLVMFuzzerTestOneInput once for every file
 * named on the command line and for every regular file in every
 * directory named there (not recursively, in name order, so runs are
 * reproducible).  CTest runs it over corpora/<target>/ on every build,
 * so the seeds and every crash reproducer ever saved stay regression
 * tests even where clang and libFuzzer are not available.
 *
 * Each input is copied into a buffer of exactly its size, so that a
 * sanitizer sees a read past the end, as it would under libFuzzer.
 * Exit status: 0 when every input ran, 1 when a file could not be read
 * or no input was found (an empty corpus is a broken test, not a pass),
 * 2 on usage errors.  A crash in the target crashes the program, which
 * is the point.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Inputs larger than this are refused: libFuzzer's -max_len is smaller. */
#define REPLAY_MAX_INPUT	(16 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* read_input - the whole of path into a fresh buffer of exactly its size */
static int read_input(const char *path, uint8_t **out, size_t *outlen)
{
	struct stat st;
	uint8_t *buf;
	FILE *fp;
	size_t n;

	fp = fopen(path, "rb");
	if (fp == NULL)
		return -1;
	if (fstat(fileno(fp), &st) < 0 || st.st_size < 0 ||
	    st.st_size > REPLAY_MAX_INPUT) {
		fclose(fp);
		return -1;
	}
	n = (size_t)st.st_size;
	/* malloc(0) may return NULL; one spare byte keeps it simple. */
	buf = malloc(n ? n : 1);
	if (buf == NULL || fread(buf, 1, n, fp) != n) {
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	*out = buf;
	*outlen = n;
	return 0;
}

/* run_file - feed one file to the target; 0 on success */
static int run_file(const char *path)
{
	uint8_t *data;
	size_t size;

	if (read_input(path, &data, &size) < 0) {
		fprintf(stderr, "replay: %s: cannot read: %s\n", path,
			errno ? strerror(errno) : "too large");
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* name_cmp - qsort comparison of two directory entry names */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_dir - sorted names of the entries in dir (caller frees) */
static char **list_dir(const char *dir, size_t *count)
{
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	DIR *d = opendir(dir);

	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* ".", "..", and hidden files */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				break;
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	*count = n;
	return names != NULL ? names : calloc(1, sizeof(*names));
}

/* run_dir - every regular file in dir; returns inputs run, -1 on error */
static long run_dir(const char *dir)
{
	char path[4096];
	struct stat st;
	char **names;
	size_t n = 0, i;
	long ran = 0;

	names = list_dir(dir, &n);
	if (names == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path) < 0)
				ran = -1;
			else if (ran >= 0)
				ran++;
		}
		free(names[i]);
	}
	free(names);
	return ran;
}

/* main - replay every input named on the command line */
int main(int argc, char **argv)
{
	struct stat st;
	long total = 0, ran;
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s file-or-directory...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			failed = 1;
			continue;
		}
		ran = S_ISDIR(st.st_mode) ? run_dir(argv[i])
					  : (run_file(argv[i]) < 0 ? -1 : 1);
		if (ran < 0)
			failed = 1;
		else
			total += ran;
	}
	printf("replay: %ld input%s ran\n", total, total == 1 ? "" : "s");
	if (total == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	return failed;
}

/*
 * atomic.c - replace a file so that readers see the old or the new
 * contents, never half of either.
 *
 * rename(2) within one file system is atomic (POSIX), so the data goes
 * to a temporary file beside the target, is flushed to disk, and is
 * then renamed over it.  A CI job reading reports/results.json while a
 * run finishes therefore never parses a truncated document.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smtpconf/report.h"

/* Report files are meant to be read by CI users and web servers. */
#define ATOMIC_FILE_MODE	0644
/* What mkstemp(3) replaces, after "path.tmp". */
#define ATOMIC_SUFFIX		".tmpXXXXXX"

/* write_all - write len bytes, resuming after partial writes and EINTR */
static int write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			/* write(2) of a regular file only says 0 when it
			 * cannot make progress; do not spin. */
			errno = EIO;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fill_and_close - write, flush and set the mode of the temp file */
static int fill_and_close(int fd, const char *data, size_t len,
			  const char **what)
{
	int saved;

	*what = "write";
	if (write_all(fd, data, len) < 0)
		goto fail;
	*what = "fsync";
	if (fsync(fd) < 0)
		goto fail;
	*what = "fchmod";
	if (fchmod(fd, ATOMIC_FILE_MODE) < 0)
		goto fail;
	*what = "close";
	return close(fd);
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* sc_write_atomic - write data to path via a temp file beside it + rename */
int sc_write_atomic(const char *path, const char *data, size_t len,
		    struct sc_error *err)
{
	const char *what = "create temporary file for";
	size_t plen;
	char *tmp;
	int fd, saved;

	if (path == NULL || *path == '\0' || (data == NULL && len > 0))
		return sc_error_set(err, SC_ERR_USAGE,
				    "no file name to write to");
	plen = strlen(path);
	tmp = malloc(plen + sizeof(ATOMIC_SUFFIX));
	if (tmp == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "%s: out of memory",
				    path);
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ATOMIC_SUFFIX, sizeof(ATOMIC_SUFFIX));
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	if (fill_and_close(fd, data, len, &what) < 0)
		goto fail_unlink;
	what = "rename temporary file to";
	if (rename(tmp, path) < 0)
		goto fail_unlink;
	free(tmp);
	return SC_OK;
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	free(tmp);
	return sc_error_set(err, SC_ERR_IO, "cannot %s %s: %s", what, path,
			    strerror(saved));
}

/* sc_atomic_open - create the temporary file beside path */
int sc_atomic_open(struct sc_atomic_file *a, const char *path,
		   struct sc_error *err)
{
	size_t plen;
	int fd, saved;

	memset(a, 0, sizeof(*a));
	if (path == NULL || *path == '\0')
		return sc_error_set(err, SC_ERR_USAGE,
				    "no file name to write to");
	plen = strlen(path);
	a->path = path;
	a->tmp = malloc(plen + sizeof(ATOMIC_SUFFIX));
	if (a->tmp == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "%s: out of memory",
				    path);
	memcpy(a->tmp, path, plen);
	memcpy(a->tmp + plen, ATOMIC_SUFFIX, sizeof(ATOMIC_SUFFIX));
	fd = mkstemp(a->tmp);
	if (fd >= 0 && (a->f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		unlink(a->tmp);
		errno = saved;
	}
	if (a->f == NULL) {
		saved = errno;
		free(a->tmp);
		a->tmp = NULL;
		return sc_error_set(err, SC_ERR_IO, "cannot create temporary "
				    "file for %s: %s", path, strerror(saved));
	}
	return SC_OK;
}

/* sc_atomic_commit - flush, sync, rename into place; closed either way */
int sc_atomic_commit(struct sc_atomic_file *a, struct sc_error *err)
{
	const char *what = "write";
	int saved;

	if (a->f == NULL)
		return sc_error_set(err, SC_ERR_USAGE, "no file open");
	if (fflush(a->f) != 0 || ferror(a->f))
		goto fail;
	what = "fsync";
	if (fsync(fileno(a->f)) < 0)
		goto fail;
	what = "fchmod";
	if (fchmod(fileno(a->f), ATOMIC_FILE_MODE) < 0)
		goto fail;
	what = "close";
	saved = fclose(a->f);
	a->f = NULL;
	if (saved != 0)
		goto fail;
	what = "rename temporary file to";
	if (rename(a->tmp, a->path) < 0)
		goto fail;
	free(a->tmp);
	a->tmp = NULL;
	return SC_OK;
fail:
	saved = errno ? errno : EIO;
	sc_atomic_abort(a);
	return sc_error_set(err, SC_ERR_IO, "cannot %s %s: %s", what,
			    a->path, strerror(saved));
}

/* sc_atomic_abort - close and remove the temporary file */
void sc_atomic_abort(struct sc_atomic_file *a)
{
	if (a->f != NULL)
		fclose(a->f);
	a->f = NULL;
	if (a->tmp != NULL)
		unlink(a->tmp);
	free(a->tmp);
	a->tmp = NULL;
}

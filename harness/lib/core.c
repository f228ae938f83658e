/*
 * core.c - finding the core files a crashed server under test left.
 *
 * Linux core(5): core_pattern names the file (relative to the
 * crashing process's working directory unless absolute), or pipes
 * the core to a program when it starts with "|"; core_uses_pid adds
 * ".PID" to a pattern without %p.  A candidate is a regular file in
 * the core directory whose name starts with the pattern's literal
 * part, written after the watch began, and that is an ELF core
 * (e_type ET_CORE): the last test makes the name match safe.  The
 * PID and process name come from the core's NT_PRPSINFO note.  The
 * core is untrusted input too: every read is bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#ifdef __linux__
#include <elf.h>
#include <sys/procfs.h>
#endif
#include "smtpconf/core.h"

#define PATTERN_FILE	"/proc/sys/kernel/core_pattern"

/* now_real_ns - the wall clock, in the units of st_mtim */
static long long now_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* read_pattern - the first line of core_pattern into out ("" if none) */
static void read_pattern(char *out, size_t n)
{
	FILE *f = fopen(PATTERN_FILE, "r");

	out[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(out, (int)n, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

/* sc_core_watch_init - where the cores of a process working in cwd go */
void sc_core_watch_init(struct sc_core_watch *w, const char *pattern,
			const char *cwd, const char *dir)
{
	char pat[SC_CORE_PATH_MAX];
	const char *base, *slash;
	size_t plen;

	memset(w, 0, sizeof(*w));
	w->since_ns = now_real_ns();
	if (pattern == NULL)
		read_pattern(pat, sizeof(pat));
	else
		snprintf(pat, sizeof(pat), "%s", pattern);
	/* An empty pattern is the kernel's default: "core". */
	if (pat[0] == '\0')
		snprintf(pat, sizeof(pat), "core");
	w->piped = pat[0] == '|';
	slash = strrchr(pat, '/');
	base = slash ? slash + 1 : pat;
	plen = strcspn(base, "%");
	if (plen >= sizeof(w->prefix))
		plen = sizeof(w->prefix) - 1;
	memcpy(w->prefix, base, plen);
	w->prefix[plen] = '\0';
	if (dir != NULL && dir[0] != '\0')
		snprintf(w->dir, sizeof(w->dir), "%s", dir);
	else if (pat[0] == '/')
		snprintf(w->dir, sizeof(w->dir), "%.*s",
			 (int)(slash == pat ? 1 : slash - pat), pat);
	else if (slash != NULL)
		snprintf(w->dir, sizeof(w->dir), "%s/%.*s",
			 cwd ? cwd : ".", (int)(slash - pat), pat);
	else
		snprintf(w->dir, sizeof(w->dir), "%s", cwd ? cwd : ".");
}

#ifdef __linux__
/* note_prpsinfo - pid and name from an NT_PRPSINFO note's descriptor */
static void note_prpsinfo(const unsigned char *desc, size_t len, long *pid,
			  char *comm, size_t n)
{
	prpsinfo_t ps;

	if (len != sizeof(ps))
		return;		/* another machine's layout: not ours to read */
	memcpy(&ps, desc, sizeof(ps));
	*pid = (long)ps.pr_pid;
	snprintf(comm, n, "%.*s", (int)sizeof(ps.pr_fname), ps.pr_fname);
}

/* walk_notes - find NT_PRPSINFO in a PT_NOTE segment's bytes */
static void walk_notes(const unsigned char *p, size_t len, long *pid,
		       char *comm, size_t n)
{
	size_t off = 0, nsz, dsz;
	Elf64_Nhdr h;

	while (len - off >= sizeof(h)) {
		memcpy(&h, p + off, sizeof(h));
		off += sizeof(h);
		nsz = ((size_t)h.n_namesz + 3) & ~(size_t)3;
		dsz = ((size_t)h.n_descsz + 3) & ~(size_t)3;
		if (nsz > len - off || dsz > len - nsz - off ||
		    h.n_descsz > dsz)
			return;
		if (h.n_type == NT_PRPSINFO)
			note_prpsinfo(p + off + nsz, h.n_descsz, pid, comm,
				      n);
		off += nsz + dsz;
	}
}

/* core_notes - read the first PT_NOTE segment of a 64-bit core */
static void core_notes(int fd, const Elf64_Ehdr *eh, long *pid, char *comm,
		       size_t n)
{
	unsigned char notes[SC_CORE_NOTES_MAX];
	Elf64_Phdr ph;
	size_t i, len;
	ssize_t got;

	if (eh->e_phentsize != sizeof(ph))
		return;
	for (i = 0; i < eh->e_phnum && i < SC_CORE_PHDR_MAX; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff +
		    i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return;
		if (ph.p_type != PT_NOTE)
			continue;
		len = ph.p_filesz < sizeof(notes) ? (size_t)ph.p_filesz
		    : sizeof(notes);
		got = pread(fd, notes, len, (off_t)ph.p_offset);
		if (got > 0)
			walk_notes(notes, (size_t)got, pid, comm, n);
		return;
	}
}
#endif

/* sc_core_read - 1 when path is an ELF core; pid and comm from its notes */
int sc_core_read(const char *path, long *pid, char *comm, size_t n)
{
	unsigned char id[18];
	int fd, is_core;

	*pid = 0;
	if (n > 0)
		comm[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	/* e_ident, then e_type (ET_CORE is 4) in the file's byte order. */
	is_core = read(fd, id, sizeof(id)) == (ssize_t)sizeof(id) &&
		  memcmp(id, "\177ELF", 4) == 0 &&
		  ((id[5] == 1 && id[16] == 4 && id[17] == 0) ||
		   (id[5] == 2 && id[16] == 0 && id[17] == 4));
#ifdef __linux__
	if (is_core && id[4] == ELFCLASS64) {
		Elf64_Ehdr eh;

		if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh))
			core_notes(fd, &eh, pid, comm, n);
	}
#endif
	close(fd);
	return is_core;
}

/* seen - 1 when this file, as it is now, was reported before */
static int seen(const struct sc_core_watch *w, const struct stat *st,
		long long mtime_ns)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		if (w->seen[i].dev == st->st_dev &&
		    w->seen[i].ino == st->st_ino &&
		    w->seen[i].mtime_ns == mtime_ns)
			return 1;
	return 0;
}

/* remember - note a reported core; the oldest is forgotten when full */
static void remember(struct sc_core_watch *w, const struct stat *st,
		     long long mtime_ns)
{
	if (w->nseen == SC_CORE_SEEN_MAX) {
		memmove(&w->seen[0], &w->seen[1],
			(SC_CORE_SEEN_MAX - 1) * sizeof(w->seen[0]));
		w->nseen--;
	}
	w->seen[w->nseen].dev = st->st_dev;
	w->seen[w->nseen].ino = st->st_ino;
	w->seen[w->nseen].mtime_ns = mtime_ns;
	w->nseen++;
}

/* candidate - a new regular file named like a core: its mtime, or -1 */
static long long candidate(const struct sc_core_watch *w, const char *path,
			   struct stat *st)
{
	long long mtime_ns;

	if (lstat(path, st) < 0 || !S_ISREG(st->st_mode))
		return -1;
	mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL +
		   st->st_mtim.tv_nsec;
	if (mtime_ns < w->since_ns || seen(w, st, mtime_ns))
		return -1;
	return mtime_ns;
}

/* sc_core_find - 1 and *out for the newest core not reported yet, else 0 */
int sc_core_find(struct sc_core_watch *w, struct sc_core_found *out)
{
	char path[SC_CORE_PATH_MAX];
	struct stat st, best_st;
	struct dirent *e;
	long long m, best = -1;
	size_t plen = strlen(w->prefix), scanned = 0;
	DIR *d;

	memset(&best_st, 0, sizeof(best_st));
	if (w->piped || w->dir[0] == '\0' || (d = opendir(w->dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && scanned++ < SC_CORE_SCAN_MAX) {
		if (strncmp(e->d_name, w->prefix, plen) != 0 ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", w->dir,
				     e->d_name) >= sizeof(path))
			continue;
		m = candidate(w, path, &st);
		if (m < 0 || m <= best ||
		    !sc_core_read(path, &out->pid, out->comm,
				  sizeof(out->comm)))
			continue;
		best = m;
		best_st = st;
		snprintf(out->path, sizeof(out->path), "%s", path);
	}
	closedir(d);
	if (best < 0)
		return 0;
	/* The winner's notes again: a later candidate may have failed. */
	sc_core_read(out->path, &out->pid, out->comm, sizeof(out->comm));
	remember(w, &best_st, best);
	return 1;
}

/*
 * server.c - starting, watching and stopping the server under test.
 *
 * The server runs as `/bin/sh -c CMD` in a process group of its own,
 * so one signal reaches the shell, the server and every process the
 * server forked.  Its stdout and stderr share one pipe whose read end
 * is non-blocking; every poll drains it into a ring of the last
 * SC_SERVER_OUTPUT_RING bytes and scans what arrived for sanitizer
 * and valgrind reports.  Nothing here blocks without a deadline.
 *
 * RFC 5321 3.1: a server that is up greets with 220, or with 554 when
 * it refuses service; either means it listens.  A 4xx greeting (421
 * "too busy") means not yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
/* _GNU_SOURCE would bring it; the value is the Linux ABI. */
#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ	1031
#endif
#endif
#include "smtpconf/server.h"
#include "smtpconf/transport.h"

#define READ_CHUNK	16384		/* bytes per read() of the pipe */
#define DRAIN_ROUNDS	64		/* reads per poll: 1 MiB at most */
#define PIPE_SIZE	(1024 * 1024)	/* room while we wait on a reply */
#define SLICE_MS	20		/* polling interval of the waits */
#define KILL_WAIT_MS	2000		/* after SIGKILL */
#define GREET_LINE_MAX	512		/* RFC 5321 4.5.3.1.5 */

/* Signal names, for "killed by signal 11 (SIGSEGV)". */
static const struct signal_name {
	int sig;
	const char *name;
	int stop;		/* may be given to --stop-signal */
	int fault;		/* a crash even while stopping */
} signal_names[] = {
	{ SIGHUP, "SIGHUP", 0, 0 },
	{ SIGINT, "SIGINT", 1, 0 },
	{ SIGQUIT, "SIGQUIT", 1, 0 },
	{ SIGILL, "SIGILL", 0, 1 },
	{ SIGTRAP, "SIGTRAP", 0, 1 },
	{ SIGABRT, "SIGABRT", 0, 1 },
	{ SIGBUS, "SIGBUS", 0, 1 },
	{ SIGFPE, "SIGFPE", 0, 1 },
	{ SIGKILL, "SIGKILL", 1, 0 },
	{ SIGUSR1, "SIGUSR1", 0, 0 },
	{ SIGSEGV, "SIGSEGV", 0, 1 },
	{ SIGUSR2, "SIGUSR2", 0, 0 },
	{ SIGPIPE, "SIGPIPE", 0, 0 },
	{ SIGALRM, "SIGALRM", 0, 0 },
	{ SIGTERM, "SIGTERM", 1, 0 },
	{ SIGXCPU, "SIGXCPU", 0, 0 },
	{ SIGXFSZ, "SIGXFSZ", 0, 0 },
	{ SIGSYS, "SIGSYS", 0, 1 },
	{ 0, NULL, 0, 0 }
};

static int match_valgrind(const char *text, size_t len);

/*
 * What a memory checker prints when it found a bug.  The first line
 * of each report is enough: "==123==ERROR: AddressSanitizer: ...",
 * "file.c:10:5: runtime error: ..." (UBSan), "WARNING:
 * ThreadSanitizer: data race", "==123== Invalid read of size 4"
 * (valgrind memcheck).
 */
static const struct report_pattern {
	const char *name;
	const char *needle;	/* substring; NULL: use match */
	int (*match)(const char *text, size_t len);
} report_patterns[] = {
	{ "AddressSanitizer", "ERROR: AddressSanitizer", NULL },
	{ "LeakSanitizer", "ERROR: LeakSanitizer", NULL },
	{ "UndefinedBehaviorSanitizer", "runtime error:", NULL },
	{ "ThreadSanitizer", "ThreadSanitizer:", NULL },
	{ "MemorySanitizer", "WARNING: MemorySanitizer", NULL },
	{ "valgrind", NULL, match_valgrind },
	{ NULL, NULL, NULL }
};

/* find_bytes - first needle in text (both may hold NUL), or NULL */
static const char *find_bytes(const char *text, size_t len,
			      const char *needle, size_t nlen)
{
	const char *p = text, *end = text + len;

	if (nlen == 0 || nlen > len)
		return NULL;
	while ((size_t)(end - p) >= nlen) {
		p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* match_valgrind - "==PID== Invalid ..." or "==PID== Conditional jump" */
static int match_valgrind(const char *text, size_t len)
{
	static const char *const what[] = { "Invalid", "Conditional jump" };
	const char *p = text, *end = text + len, *q;
	size_t i, w;

	while ((q = find_bytes(p, (size_t)(end - p), "==", 2)) != NULL) {
		p = q + 2;
		for (i = 0; p + i < end && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == 0 || (size_t)(end - p) < i + 3 ||
		    memcmp(p + i, "== ", 3) != 0)
			continue;
		q = p + i + 3;
		for (w = 0; w < sizeof(what) / sizeof(what[0]); w++)
			if ((size_t)(end - q) >= strlen(what[w]) &&
			    memcmp(q, what[w], strlen(what[w])) == 0)
				return 1;
	}
	return 0;
}

/* sc_server_scan - name of the sanitizer/valgrind report in text, or NULL */
const char *sc_server_scan(const char *text, size_t len)
{
	const struct report_pattern *r;

	for (r = report_patterns; r->name != NULL; r++) {
		if (r->needle != NULL &&
		    find_bytes(text, len, r->needle, strlen(r->needle)))
			return r->name;
		if (r->match != NULL && r->match(text, len))
			return r->name;
	}
	return NULL;
}

/* signal_find - the table row of sig, or NULL */
static const struct signal_name *signal_find(int sig)
{
	const struct signal_name *n;

	for (n = signal_names; n->name != NULL; n++)
		if (n->sig == sig)
			return n;
	return NULL;
}

/* sc_signal_name - "SIGSEGV" for 11; "signal" for unknown numbers */
const char *sc_signal_name(int sig)
{
	const struct signal_name *n = signal_find(sig);

	return n ? n->name : "signal";
}

/* sc_signal_parse - "TERM" or "SIGTERM" to a stop signal; -1 if not one */
int sc_signal_parse(const char *name)
{
	const struct signal_name *n;

	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (n = signal_names; n->name != NULL; n++)
		if (n->stop && strcasecmp(n->name + 3, name) == 0)
			return n->sig;
	return -1;
}

/* sc_server_options_init - defaults from limits.h, SIGTERM to stop */
void sc_server_options_init(struct sc_server_options *o)
{
	memset(o, 0, sizeof(*o));
	memcpy(o->host, "127.0.0.1", sizeof("127.0.0.1"));
	memcpy(o->port, "25", sizeof("25"));
	o->stop_signal = SIGTERM;
	o->spawn_timeout_ms = SC_DEFAULT_SPAWN_TIMEOUT_MS;
	o->stop_timeout_ms = SC_DEFAULT_STOP_TIMEOUT_MS;
}

/* expand_cmd - cmd with every "${port}" replaced by port, bounded */
static int expand_cmd(const char *cmd, const char *port, char *out,
		      size_t n, struct sc_error *err)
{
	static const char key[] = "${port}";
	const size_t klen = sizeof(key) - 1;
	const char *piece;
	size_t o = 0, plen, skip;

	out[0] = '\0';
	if (cmd == NULL)
		return SC_OK;
	while (*cmd) {
		if (strncmp(cmd, key, klen) == 0) {
			piece = port;
			plen = strlen(port);
			skip = klen;
		} else {
			piece = cmd;
			plen = skip = 1;
		}
		if (o + plen >= n)
			return sc_error_set(err, SC_ERR_USAGE, "server "
					    "command is longer than %zu bytes",
					    n - 1);
		memcpy(out + o, piece, plen);
		o += plen;
		cmd += skip;
	}
	out[o] = '\0';
	return SC_OK;
}

/* pipe_open - the capture pipe: read end non-blocking, both close-on-exec */
static int pipe_open(struct sc_server *s, struct sc_error *err)
{
	int fds[2];

	if (pipe(fds) < 0)
		return sc_error_set(err, SC_ERR_IO, "pipe: %s",
				    strerror(errno));
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
#ifdef __linux__
	/* A chatty server must not block on stderr while we wait for
	 * its reply; failing to grow the pipe only makes that likelier. */
	fcntl(fds[0], F_SETPIPE_SZ, PIPE_SIZE);
#endif
	s->out_rd = fds[0];
	s->out_wr = fds[1];
	return SC_OK;
}

/* server_lock - serialise threads that watch the same server (-j) */
static void server_lock(const struct sc_server *s)
{
	if (s->lock_ready)
		pthread_mutex_lock((pthread_mutex_t *)&s->lock);
}

/* server_unlock - the other half of server_lock */
static void server_unlock(const struct sc_server *s)
{
	if (s->lock_ready)
		pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
}

/*
 * lock_init - a recursive mutex: public calls made under the lock
 * (describe asks whether the server crashed) take it again.
 */
static int lock_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	int ok;

	if (pthread_mutexattr_init(&a) != 0)
		return 0;
	ok = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE) == 0 &&
	     pthread_mutex_init(m, &a) == 0;
	pthread_mutexattr_destroy(&a);
	return ok;
}

/* sc_server_init - an idle server with these options (nothing runs) */
int sc_server_init(struct sc_server *s, const struct sc_server_options *o,
		   struct sc_error *err)
{
	memset(s, 0, sizeof(*s));
	s->o = *o;
	s->out_rd = s->out_wr = -1;
	s->lock_ready = lock_init(&s->lock);
	if (expand_cmd(o->spawn_cmd, o->port, s->spawn, sizeof(s->spawn),
		       err) != SC_OK ||
	    expand_cmd(o->stop_cmd, o->port, s->stop, sizeof(s->stop),
		       err) != SC_OK)
		return err->status;
	s->ring = malloc(SC_SERVER_OUTPUT_RING);
	if (s->ring == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	return pipe_open(s, err);
}

/* capture - keep bytes in the ring and scan them (with the carry) */
static void capture(struct sc_server *s, const char *p, size_t n)
{
	char win[sizeof(s->carry) + READ_CHUNK];
	size_t at, first, wlen;
	const char *name;

	at = (size_t)(s->total % SC_SERVER_OUTPUT_RING);
	first = SC_SERVER_OUTPUT_RING - at < n ? SC_SERVER_OUTPUT_RING - at
	    : n;
	memcpy(s->ring + at, p, first);
	memcpy(s->ring, p + first, n - first);
	s->total += n;
	/* The carry lets a pattern split across two reads be seen. */
	memcpy(win, s->carry, s->carry_len);
	memcpy(win + s->carry_len, p, n);
	wlen = s->carry_len + n;
	name = sc_server_scan(win, wlen);
	if (name != NULL && s->report == NULL) {
		s->report = name;
		if (s->fate == SC_SERVER_RUNNING ||
		    s->fate == SC_SERVER_STOPPED)
			s->fate = SC_SERVER_SANITIZER;
	}
	s->carry_len = wlen < sizeof(s->carry) - 1 ? wlen
	    : sizeof(s->carry) - 1;
	memmove(s->carry, win + wlen - s->carry_len, s->carry_len);
}

/* drain - read what the pipe holds, bounded per call */
static void drain(struct sc_server *s)
{
	char buf[READ_CHUNK];
	ssize_t n;
	int i;

	if (s->out_rd < 0)
		return;
	for (i = 0; i < DRAIN_ROUNDS; i++) {
		n = read(s->out_rd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		capture(s, buf, (size_t)n);
	}
}

/* signal_fault - 1 for a signal that means a bug, not a request */
static int signal_fault(int sig)
{
	const struct signal_name *n = signal_find(sig);

	return n != NULL && n->fault;
}

/*
 * note_exit - what the shell's wait status says.  dash stays the
 * parent of the command, and reports a child killed by signal N as
 * exit status 128 + N; that is read back as the signal.
 */
static void note_exit(struct sc_server *s, int st)
{
	int sig = 0;

	s->reaped = 1;
	if (WIFSIGNALED(st))
		sig = WTERMSIG(st);
	if (WIFSIGNALED(st) && WCOREDUMP(st))
		s->core_dumped = 1;
	else if (WIFEXITED(st))
		s->exit_status = WEXITSTATUS(st);
	if (s->exit_status > 128 && s->exit_status < 128 + 65)
		sig = s->exit_status - 128;
	if (s->fate != SC_SERVER_RUNNING)
		return;
	if (s->stopping && !(sig && signal_fault(sig))) {
		s->fate = SC_SERVER_STOPPED;
		return;
	}
	s->term_signal = sig;
	s->fate = sig ? SC_SERVER_SIGNALED : SC_SERVER_EXITED;
}

/* reap - collect the shell and its orphans (we are their subreaper) */
static void reap(struct sc_server *s)
{
	pid_t p;
	int st;

	while (s->pid > 0 && !s->gone &&
	       (p = waitpid(-s->pid, &st, WNOHANG)) > 0)
		if (p == s->pid)
			note_exit(s, st);
	if (s->stop_pid > 0 && waitpid(s->stop_pid, &st, WNOHANG) ==
	    s->stop_pid)
		s->stop_pid = 0;
}

/* group_gone - the shell is reaped and no process of its group is left */
static int group_gone(struct sc_server *s)
{
	reap(s);
	if (s->pid <= 0 || s->gone)
		return 1;
	/* Once empty, the group id may be reused by strangers. */
	s->gone = s->reaped && kill(-s->pid, 0) < 0 && errno == ESRCH;
	return s->gone;
}

/* sc_server_poll - drain the output, reap, scan: the fate now */
enum sc_server_fate sc_server_poll(struct sc_server *s)
{
	enum sc_server_fate f;

	server_lock(s);
	/* Output first: a report written just before death must win
	 * over the bare exit status. */
	drain(s);
	reap(s);
	drain(s);
	f = s->fate;
	server_unlock(s);
	return f;
}

/* wait_slice - sleep up to ms, waking early when output arrives */
static void wait_slice(struct sc_server *s, int ms)
{
	struct pollfd pfd;

	pfd.fd = s->out_rd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, s->out_rd >= 0 ? 1 : 0, ms) > 0) {
		server_lock(s);
		drain(s);
		server_unlock(s);
	}
}

/* sc_server_settle - poll until the fate changes or ms pass */
enum sc_server_fate sc_server_settle(struct sc_server *s, unsigned ms)
{
	long long end = sc_now_ms() + ms;

	enum sc_server_fate f;

	while ((f = sc_server_poll(s)) == SC_SERVER_RUNNING &&
	       sc_now_ms() < end)
		wait_slice(s, SLICE_MS);
	return f;
}

/* sc_server_crashed - 1 when the fate is an exit, a signal, a report or a core */
int sc_server_crashed(const struct sc_server *s)
{
	enum sc_server_fate f;

	server_lock(s);
	f = s->fate;
	server_unlock(s);
	return f == SC_SERVER_EXITED || f == SC_SERVER_SIGNALED ||
	    f == SC_SERVER_SANITIZER || f == SC_SERVER_CORE;
}

/*
 * watch_cores - after the first start: where the server's cores would
 * go, from core_pattern and the shell's working directory (the
 * command may cd before it execs the server)
 */
static void watch_cores(struct sc_server *s)
{
	char link[64], cwd[SC_CORE_PATH_MAX];
	ssize_t n;

	if (s->cores_ready)
		return;
	snprintf(link, sizeof(link), "/proc/%ld/cwd", (long)s->pid);
	n = readlink(link, cwd, sizeof(cwd) - 1);
	if (n <= 0 && getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), ".");
	else if (n > 0)
		cwd[n] = '\0';
	sc_core_watch_init(&s->cores, NULL, cwd, s->o.core_dir);
	s->cores_ready = 1;
}

/* check_cores - sc_server_check_cores under the lock */
static int check_cores(struct sc_server *s)
{
	if (!s->cores_ready || s->has_core ||
	    !sc_core_find(&s->cores, &s->core))
		return 0;
	s->has_core = 1;
	/* A core while stopping is still a crash, as a fault signal is. */
	if (s->fate == SC_SERVER_RUNNING || s->fate == SC_SERVER_STOPPED)
		s->fate = SC_SERVER_CORE;
	return 1;
}

/* sc_server_check_cores - a new core file of the server's processes? */
int sc_server_check_cores(struct sc_server *s)
{
	int found;

	server_lock(s);
	found = check_cores(s);
	server_unlock(s);
	return found;
}

/* child_exec - in the forked child: own group, output to the pipe, exec sh */
static void child_exec(const char *cmd, int out)
{
	struct sigaction sa;
	sigset_t none;
	int nul;

	setpgid(0, 0);
	nul = open("/dev/null", O_RDONLY);
	if (nul >= 0)
		dup2(nul, 0);
	dup2(out, 1);
	dup2(out, 2);
	/* Ignored signals survive exec: give the server the defaults. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* spawn_shell - `sh -c cmd` in its own process group, output captured */
static int spawn_shell(const char *cmd, int out, pid_t *pid,
		       struct sc_error *err)
{
	pid_t p = fork();

	if (p < 0)
		return sc_error_set(err, SC_ERR_IO, "fork: %s",
				    strerror(errno));
	if (p == 0)
		child_exec(cmd, out);
	/* Both sides set the group, so it exists before we signal it. */
	setpgid(p, p);
	*pid = p;
	return SC_OK;
}

/* greet_line - read the first line within the deadline; 1 got one */
static int greet_line(struct sc_transport *t, long long deadline,
		      char *line, size_t n)
{
	struct sc_error e;
	size_t len = 0;
	ssize_t got;

	while (len + 1 < n) {
		sc_error_clear(&e);
		got = t->ops->read(t, line + len, n - 1 - len, deadline, &e);
		if (got <= 0)
			break;
		len += (size_t)got;
		if (memchr(line, '\n', len) != NULL)
			break;
	}
	line[len] = '\0';
	return len > 0;
}

/*
 * try_greeting - one connection attempt: 1 the server is up, 0 not
 * yet (why says it).  A 2xx or 5xx greeting, or any line that is no
 * 4xx reply, means it listens; the scenarios judge the greeting.
 */
static int try_greeting(struct sc_server *s, long long deadline,
			char *why, size_t whylen)
{
	struct sc_transport t;
	struct sc_error e;
	char line[GREET_LINE_MAX + 1];
	long long until = sc_now_ms() + 1000;
	int got;

	sc_error_clear(&e);
	if (sc_tcp_connect(s->o.host, s->o.port, until < deadline ? until
			   : deadline, s->o.interrupted, &t, &e) != SC_OK) {
		snprintf(why, whylen, "%.250s", e.msg);
		return 0;
	}
	got = greet_line(&t, deadline, line, sizeof(line));
	t.ops->close(&t);
	if (!got) {
		snprintf(why, whylen, "connected, but no greeting came");
		return 0;
	}
	if (line[0] == '4') {
		snprintf(why, whylen, "the server greets with a 4xx reply");
		return 0;
	}
	return 1;
}

/* kill_hard - SIGKILL the group and reap it, bounded */
static void kill_hard(struct sc_server *s)
{
	long long end = sc_now_ms() + KILL_WAIT_MS;

	if (s->pid > 0 && !group_gone(s)) {
		kill(-s->pid, SIGKILL);
		while (!group_gone(s) && sc_now_ms() < end)
			wait_slice(s, SLICE_MS);
	}
	if (s->stop_pid > 0) {
		kill(-s->stop_pid, SIGKILL);
		waitpid(s->stop_pid, NULL, 0);
		s->stop_pid = 0;
	}
	drain(s);
}

/* wait_ready - until the port greets, the process ends, or the deadline */
static int wait_ready(struct sc_server *s, struct sc_error *err)
{
	long long deadline = sc_now_ms() + s->o.spawn_timeout_ms;
	char why[300] = "nothing tried yet", what[SC_SERVER_DESCRIBE_MAX];

	for (;;) {
		if (sc_server_poll(s) != SC_SERVER_RUNNING) {
			sc_server_describe(s, what, sizeof(what));
			return sc_error_set(err, SC_ERR_CONNECT, "the server "
					    "ended (%s) before it greeted on "
					    "%s:%s",
					    what, s->o.host, s->o.port);
		}
		if (s->o.interrupted && *s->o.interrupted)
			return sc_error_set(err, SC_ERR_INTERRUPTED,
					    "interrupted");
		if (try_greeting(s, deadline, why, sizeof(why)))
			return SC_OK;
		if (sc_now_ms() >= deadline)
			return sc_error_set(err, SC_ERR_TIMEOUT, "the server "
					    "did not greet on %s:%s within "
					    "%u ms (%s)", s->o.host,
					    s->o.port, s->o.spawn_timeout_ms,
					    why);
		wait_slice(s, 100);
	}
}

/* port_taken - 1 when something already accepts on the port */
static int port_taken(const struct sc_server *s)
{
	struct sc_transport t;
	struct sc_error e;

	sc_error_clear(&e);
	if (sc_tcp_connect(s->o.host, s->o.port, sc_now_ms() + 500,
			   s->o.interrupted, &t, &e) != SC_OK)
		return 0;
	t.ops->close(&t);
	return 1;
}

/* reset_fate - forget the last process before a new one starts */
static void reset_fate(struct sc_server *s)
{
	s->pid = 0;
	s->stopping = s->reaped = s->gone = 0;
	s->fate = SC_SERVER_NONE;
	s->exit_status = s->term_signal = 0;
	s->report = NULL;
	s->total = 0;
	s->carry_len = 0;
	s->core_dumped = s->has_core = 0;
}

/* sc_server_start - run spawn_cmd and wait until the port greets */
int sc_server_start(struct sc_server *s, struct sc_error *err)
{
	int rc;

	reset_fate(s);
	if (s->spawn[0] == '\0')
		return SC_OK;	/* --stop alone: the server is not ours */
#ifdef __linux__
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	if (port_taken(s))
		return sc_error_set(err, SC_ERR_USAGE, "something already "
				    "listens on %s:%s; the scenarios would "
				    "test it, not the server started by "
				    "--spawn", s->o.host, s->o.port);
	rc = spawn_shell(s->spawn, s->out_wr, &s->pid, err);
	if (rc != SC_OK)
		return rc;
	s->fate = SC_SERVER_RUNNING;
	rc = wait_ready(s, err);
	if (rc != SC_OK)
		kill_hard(s);
	else
		watch_cores(s);
	return rc;
}

/* stop_begin - sc_server_stop_begin under the lock */
static int stop_begin(struct sc_server *s, struct sc_error *err)
{
	if (s->stopping)
		return SC_OK;
	s->stopping = 1;
	if (s->stop[0] != '\0')
		return spawn_shell(s->stop, s->out_wr, &s->stop_pid, err);
	if (s->pid <= 0)
		return sc_error_set(err, SC_ERR_USAGE, "no server to stop");
	if (!group_gone(s) && kill(-s->pid, s->o.stop_signal) < 0 &&
	    errno != ESRCH)
		return sc_error_set(err, SC_ERR_IO, "kill: %s",
				    strerror(errno));
	return SC_OK;
}

/* sc_server_stop_begin - send the stop signal or run the stop command */
int sc_server_stop_begin(struct sc_server *s, struct sc_error *err)
{
	int rc;

	server_lock(s);
	rc = stop_begin(s, err);
	server_unlock(s);
	return rc;
}

/* sc_server_stop - stop, wait up to stop_timeout_ms, then SIGKILL the group */
int sc_server_stop(struct sc_server *s, struct sc_error *err)
{
	long long end = sc_now_ms() + s->o.stop_timeout_ms;
	int rc = SC_OK;

	if (s->pid <= 0 && s->stop_pid <= 0)
		return SC_OK;
	if (s->pid > 0 && !group_gone(s))
		rc = sc_server_stop_begin(s, err);
	while ((!group_gone(s) || s->stop_pid > 0) && sc_now_ms() < end)
		wait_slice(s, SLICE_MS);
	if (!group_gone(s) && rc == SC_OK)
		rc = sc_error_set(err, SC_ERR_TIMEOUT, "the server did not "
				  "stop within %u ms; killed",
				  s->o.stop_timeout_ms);
	kill_hard(s);
	sc_server_poll(s);
	return rc;
}

/* sc_server_restart - stop (if running) and start afresh */
int sc_server_restart(struct sc_server *s, struct sc_error *err)
{
	struct sc_error ignored;

	/* A server that will not stop is killed; the new one matters. */
	sc_error_clear(&ignored);
	sc_server_stop(s, &ignored);
	return sc_server_start(s, err);
}

/*
 * describe_core - ", core dumped" from the wait status, and the core
 * file with the PID and name its notes give, if one was found
 */
static void describe_core(const struct sc_server *s, char *out, size_t n)
{
	size_t len = strlen(out);

	if (!s->has_core) {
		if (s->core_dumped && len < n)
			snprintf(out + len, n - len, ", core dumped");
		return;
	}
	if (len >= n)
		return;
	if (s->fate != SC_SERVER_CORE)
		len += (size_t)snprintf(out + len, n - len, ", core dumped:");
	if (len >= n)
		return;
	if (s->core.pid > 0)
		snprintf(out + len, n - len, " %s (pid %ld, %s)", s->core.path,
			 s->core.pid, s->core.comm[0] ? s->core.comm : "?");
	else
		snprintf(out + len, n - len, " %s", s->core.path);
}

/* describe - sc_server_describe under the lock */
static void describe(const struct sc_server *s, char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = '\0';
	switch (s->fate) {
	case SC_SERVER_SIGNALED:
		if (s->exit_status)
			snprintf(out, n, "killed by signal %d (%s; the "
				 "shell reported exit status %d)",
				 s->term_signal,
				 sc_signal_name(s->term_signal),
				 s->exit_status);
		else
			snprintf(out, n, "killed by signal %d (%s)",
				 s->term_signal,
				 sc_signal_name(s->term_signal));
		break;
	case SC_SERVER_EXITED:
		snprintf(out, n, "exited with status %d", s->exit_status);
		break;
	case SC_SERVER_SANITIZER:
		snprintf(out, n, "printed %s %s report",
			 s->report[0] == 'v' ? "a" : "an", s->report);
		break;
	case SC_SERVER_CORE:
		snprintf(out, n, "left a core file:");
		break;
	case SC_SERVER_STOPPED:
		snprintf(out, n, "stopped as asked");
		break;
	case SC_SERVER_RUNNING:
		snprintf(out, n, "running");
		break;
	default:
		snprintf(out, n, "not started");
		break;
	}
	if (sc_server_crashed(s))
		describe_core(s, out, n);
}

/* sc_server_describe - "killed by signal 11 (SIGSEGV)", "exited with ..." */
void sc_server_describe(const struct sc_server *s, char *out, size_t n)
{
	server_lock(s);
	describe(s, out, n);
	server_unlock(s);
}

/* output_copy - sc_server_output under the lock */
static char *output_copy(const struct sc_server *s, size_t max, size_t *len)
{
	unsigned long long have = s->ring ? s->total : 0;
	size_t n, at, first;
	char *out;

	if (have > SC_SERVER_OUTPUT_RING)
		have = SC_SERVER_OUTPUT_RING;
	n = have < max ? (size_t)have : max;
	out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	at = (size_t)((s->total - n) % SC_SERVER_OUTPUT_RING);
	first = SC_SERVER_OUTPUT_RING - at < n ? SC_SERVER_OUTPUT_RING - at
	    : n;
	if (n > 0) {
		memcpy(out, s->ring + at, first);
		memcpy(out + first, s->ring, n - first);
	}
	out[n] = '\0';
	if (len != NULL)
		*len = n;
	return out;
}

/* sc_server_output - malloc'd copy of at most max last output bytes */
char *sc_server_output(const struct sc_server *s, size_t max, size_t *len)
{
	char *out;

	server_lock(s);
	out = output_copy(s, max, len);
	server_unlock(s);
	return out;
}

/* sc_server_output_total - bytes captured since start, under the lock */
unsigned long long sc_server_output_total(const struct sc_server *s)
{
	unsigned long long total;

	server_lock(s);
	total = s->total;
	server_unlock(s);
	return total;
}

/* sc_server_output_since - the bytes captured after mark, at most max */
char *sc_server_output_since(const struct sc_server *s,
			     unsigned long long mark, size_t max, size_t *len)
{
	unsigned long long since;
	char *out;

	server_lock(s);
	since = s->total > mark ? s->total - mark : 0;
	/* A restart resets the count: then everything is "since". */
	if (mark > s->total)
		since = s->total;
	out = output_copy(s, since < max ? (size_t)since : max, len);
	server_unlock(s);
	return out;
}

/* sc_server_free - kill what still runs, reap, release */
void sc_server_free(struct sc_server *s)
{
	kill_hard(s);
	if (s->out_rd >= 0)
		close(s->out_rd);
	if (s->out_wr >= 0)
		close(s->out_wr);
	free(s->ring);
	s->ring = NULL;
	s->out_rd = s->out_wr = -1;
	s->pid = 0;
	if (s->lock_ready)
		pthread_mutex_destroy(&s->lock);
	s->lock_ready = 0;
}

/*
 * mock_server.c - sockets, processes and signals of the mock server.
 *
 * The parent listens on a loopback address and forks one child per
 * connection, so that scenarios with several sessions at once work
 * and a session that hangs (quit-stay-open, greet-none) blocks no
 * other.  SIGTERM or SIGINT stops the parent, which passes SIGTERM to
 * every child (each sends 421 unless shutdown-silent), waits a bounded
 * time, then kills what is left.  A self-pipe per process turns
 * signals into poll() events.  Every wait is bounded: the idle
 * timeout between reads, MOCK_SESSION_MAX_S for a whole session, and
 * SO_SNDTIMEO for writes to a client that does not read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "mock.h"

#define READ_CHUNK		16384	/* bytes per read() */
#define STOP_GRACE_MS		3000	/* children's time to say 421 */
#define CLOSE_DRAIN_MS		2000	/* reading after our FIN */
#define LOG_CLIP		400	/* bytes of one logged transfer */

/* Per-process signal state: a flag and the self-pipe. */
static volatile sig_atomic_t sig_stop;
static int sig_pipe[2] = {-1, -1};

/*
 * The listening process, as its session children knew it when they
 * were forked.  A child whose parent is gone has been re-parented (to
 * a subreaper such as smtpconf, or to init), and its faults must not
 * signal whoever adopted it.
 */
static pid_t server_pid;

/* One child per session, so the parent can signal and reap it. */
struct server {
	const struct mock_config *cfg;
	int lfd;
	unsigned long sessions;		/* accepted so far, for ids */
	size_t nchild;
	pid_t child[MOCK_SESSIONS_MAX];
};

/* What the session's write callback needs. */
struct child_io {
	int fd;
	unsigned long id;
	const struct mock_config *cfg;
	void *ssl;		/* inside TLS (mock_tls.c), else NULL */
};

/* sig_handler - remember a stop request, wake poll() */
static void sig_handler(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGTERM || sig == SIGINT)
		sig_stop = 1;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
		/* A full pipe already holds a wake-up. */
	}
	errno = saved;
}

/* fault_exit - SIGUSR1 in the parent: a session asked for exit-on */
static void fault_exit(int sig)
{
	(void)sig;
	_exit(1);
}

/*
 * dump_core - core-on: this session process alone dies with a core
 * file, as a forked session of a real MTA would; the parent serves on
 * and only the core (and the dropped connection) tells.
 */
static void dump_core(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_CORE, &rl);
	}
	signal(SIGABRT, SIG_DFL);
	abort();
}

/*
 * mock_fault - act out a fault of the server process.  Sessions run
 * in children, but a harness watches the process it started: a crash
 * must take the parent down too, as it would in a server that serves
 * every session in one process.
 */
void mock_fault(enum mock_fault f)
{
	long pid = (long)getppid();
	int orphaned = getppid() != server_pid;

	switch (f) {
	case MOCK_FAULT_CRASH:
		if (!orphaned)
			kill(server_pid, SIGABRT);
		signal(SIGABRT, SIG_DFL);
		abort();
	case MOCK_FAULT_EXIT:
		if (!orphaned)
			kill(server_pid, SIGUSR1);
		_exit(1);
	case MOCK_FAULT_ASAN:
		fprintf(stderr, "================================"
			"=================================\n"
			"==%ld==ERROR: AddressSanitizer: heap-buffer-overflow "
			"on address 0x602000000011 at pc 0x000000000000 "
			"bp 0x000000000000 sp 0x000000000000\n"
			"READ of size 1 at 0x602000000011 thread T0\n"
			"    #0 0x0 in mock_fault (a fake report: mock_smtpd "
			"asan-report-on)\n"
			"SUMMARY: AddressSanitizer: heap-buffer-overflow "
			"(fake)\n", pid);
		fflush(stderr);
		break;
	case MOCK_FAULT_CORE:
		dump_core();
	}
}

/* faults_on - 1 when a mode may crash the server */
static int faults_on(const struct mock_modes *m)
{
	return m->crash_on.n > 0 || m->exit_on.n > 0;
}

/* sig_setup - a fresh self-pipe and the handlers for this process */
static int sig_setup(int want_chld)
{
	struct sigaction sa;
	int i;

	if (pipe(sig_pipe) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = sig_handler;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (want_chld)
		sigaction(SIGCHLD, &sa, NULL);
	else
		signal(SIGCHLD, SIG_DFL);
	/* exit-on: a child asks the parent to exit; only it listens. */
	signal(SIGUSR1, want_chld ? fault_exit : SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* sig_drain - empty the self-pipe */
static void sig_drain(void)
{
	char buf[64];

	while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
}

/* now_ms - monotonic milliseconds */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sleep_ms - wait, restarting after signals unless a stop came */
static void sleep_ms(unsigned ms)
{
	long long end = now_ms() + ms;
	long long left;

	while (!sig_stop && (left = end - now_ms()) > 0)
		poll(NULL, 0, (int)left);
}

/* log_bytes - one transfer to stderr, escaped and clipped (-v) */
static void log_bytes(unsigned long id, const char *dir, const char *p,
		      size_t len)
{
	char out[LOG_CLIP * 4 + 8];
	size_t i;
	size_t o = 0;
	unsigned char ch;

	for (i = 0; i < len && i < LOG_CLIP; i++) {
		ch = (unsigned char)p[i];
		if (ch == '\r' || ch == '\n')
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\%c",
					      ch == '\r' ? 'r' : 'n');
		else if (ch < 32 || ch > 126 || ch == '\\')
			o += (size_t)snprintf(out + o, sizeof(out) - o,
					      "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
	fprintf(stderr, "mock_smtpd[%lu] %s %s%s\n", id, dir, out,
		len > LOG_CLIP ? "..." : "");
}

/* io_write - the session's write callback: delay, then send it all */
static int io_write(void *ctx, const char *bytes, size_t len)
{
	struct child_io *io = ctx;
	ssize_t n;

	if (io->cfg->modes.delay_ms)
		sleep_ms(io->cfg->modes.delay_ms);
	if (io->cfg->verbose)
		log_bytes(io->id, "S:", bytes, len);
	/* shutdown-plaintext: the shutdown's 421 goes past TLS. */
	if (io->ssl != NULL &&
	    !(sig_stop && io->cfg->modes.on[MF_SHUTDOWN_PLAINTEXT]))
		return mock_tls_write(io->ssl, bytes, len);
	while (len > 0) {
		/* trickle=MS: one byte, then a pause, as a slow link would. */
		if (io->cfg->modes.trickle_ms && !sig_stop)
			sleep_ms(io->cfg->modes.trickle_ms);
		n = write(io->fd, bytes, io->cfg->modes.trickle_ms ? 1 : len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;	/* includes SO_SNDTIMEO expiry */
		bytes += n;
		len -= (size_t)n;
	}
	return 0;
}

/* close_gently - FIN first, then read what is in flight, bounded */
static void close_gently(int fd)
{
	char buf[READ_CHUNK];
	long long end = now_ms() + CLOSE_DRAIN_MS;
	struct pollfd pfd = {fd, POLLIN, 0};
	long long left;

	/* Closing with unread input would send RST and could destroy
	 * the reply the client has not read yet. */
	shutdown(fd, SHUT_WR);
	while ((left = end - now_ms()) > 0 && poll(&pfd, 1, (int)left) > 0)
		if (read(fd, buf, sizeof(buf)) <= 0)
			break;
	close(fd);
}

/* idle_seconds - idle-timeout=SEC if set, else --idle-timeout SEC */
static unsigned idle_seconds(const struct mock_config *cfg)
{
	return cfg->modes.idle_timeout_s ? cfg->modes.idle_timeout_s :
	       cfg->idle_timeout_s;
}

/* child_wait - poll timeout in ms: the idle bound or the session bound */
static int child_wait(const struct mock_config *cfg, long long deadline)
{
	long long idle = (long long)idle_seconds(cfg) * 1000;
	long long left = deadline - now_ms();

	if (left < 0)
		left = 0;
	return (int)(idle < left ? idle : left);
}

/* child_starttls - after 220 to STARTTLS: the handshake (or a misbehaviour) */
static int child_starttls(struct mock_session *s, struct child_io *io)
{
	if (mock_tls_misbehave(&io->cfg->modes, io->fd))
		return -1;
	io->ssl = mock_tls_accept(io->fd, io->id, io->cfg->verbose);
	if (io->ssl == NULL)
		return -1;
	mock_tls_started(s);
	return 0;
}

/* child_read_once - one read, through TLS when it is on */
static ssize_t child_read_once(struct child_io *io, char *buf, size_t len)
{
	ssize_t n;

	if (io->ssl == NULL)
		return read(io->fd, buf, len);
	n = mock_tls_read(io->ssl, buf, len);
	if (n == -2) {
		errno = EINTR;
		return -1;
	}
	errno = 0;
	return n;
}

/* child_read - one read into the session; 0 to go on, -1 at EOF */
static int child_read(struct mock_session *s, struct child_io *io)
{
	char buf[READ_CHUNK];
	ssize_t n;

	do {
		n = child_read_once(io, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return 0;
		if (n <= 0)
			return -1;
		if (io->cfg->verbose)
			log_bytes(io->id, "C:", buf, (size_t)n);
		mock_session_feed(s, buf, (size_t)n);
		if (s->tls_start && child_starttls(s, io) < 0)
			return -1;
		/* Records already decrypted never wake poll(). */
	} while (io->ssl != NULL && mock_tls_pending(io->ssl) > 0 &&
		 s->end == MOCK_RUNNING);
	return 0;
}

/* child_loop - serve one session until it ends */
static void child_loop(struct mock_session *s, struct child_io *io)
{
	long long deadline = now_ms() + (long long)MOCK_SESSION_MAX_S * 1000;
	struct pollfd pfd[2];
	int rc;

	while (s->end == MOCK_RUNNING || s->end == MOCK_LINGER) {
		if (sig_stop) {
			mock_session_shutdown(s);
			break;
		}
		pfd[0] = (struct pollfd){io->fd, POLLIN, 0};
		pfd[1] = (struct pollfd){sig_pipe[0], POLLIN, 0};
		rc = poll(pfd, 2, child_wait(io->cfg, deadline));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			mock_session_timeout(s);
			break;
		}
		if (pfd[1].revents)
			sig_drain();
		if (pfd[0].revents && child_read(s, io) < 0) {
			s->end = MOCK_ABORT;	/* the client went away */
			break;
		}
	}
}

/* child_run - the body of a forked session process */
static void child_run(struct server *srv, int fd)
{
	struct mock_session *s;
	struct child_io io = {fd, srv->sessions, srv->cfg, NULL};
	struct timeval tv = {(time_t)idle_seconds(srv->cfg), 0};

#ifdef __linux__
	/* Do not outlive a parent that was killed without notice. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	close(srv->lfd);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	if (sig_setup(0) < 0)
		_exit(1);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	s = malloc(sizeof(*s));	/* 64 KiB line buffer: not on the stack */
	if (s == NULL)
		_exit(1);
	/* RFC 8314 3.3: implicit TLS starts with the handshake. */
	if (srv->cfg->modes.on[MF_IMPLICIT_TLS]) {
		io.ssl = mock_tls_accept(fd, io.id, srv->cfg->verbose);
		if (io.ssl == NULL)
			_exit(0);
	}
	mock_session_start(s, &srv->cfg->modes, io.id, io_write, &io);
	if (io.ssl != NULL)
		s->tls = 1;
	child_loop(s, &io);
	mock_tls_free(io.ssl);
	if (s->end == MOCK_CLOSE)
		close_gently(fd);
	else
		close(fd);
	free(s);
	_exit(0);
}

/* server_reap - collect finished children without blocking */
static void server_reap(struct server *srv)
{
	pid_t pid;
	size_t i;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (i = 0; i < srv->nchild; i++)
			if (srv->child[i] == pid) {
				srv->child[i] = srv->child[--srv->nchild];
				break;
			}
}

/* server_busy - over the session limit: 421 greeting and close */
static void server_busy(int fd)
{
	static const char busy[] = "421 " MOCK_HOSTNAME
	    " Too many sessions, try again later\r\n";

	if (write(fd, busy, sizeof(busy) - 1) < 0) {
		/* The client is gone; nothing to tell it. */
	}
	close(fd);
}

/* session_limit - max-sessions=N if set, else --max-sessions N */
static unsigned session_limit(const struct mock_config *cfg)
{
	return cfg->modes.max_sessions ? cfg->modes.max_sessions :
	       cfg->max_sessions;
}

/* server_accept - take one connection and fork its session */
static void server_accept(struct server *srv)
{
	int fd = accept(srv->lfd, NULL, NULL);
	pid_t pid;

	if (fd < 0)
		return;
	if (srv->nchild >= session_limit(srv->cfg)) {
		server_busy(fd);
		return;
	}
	srv->sessions++;
	server_pid = getpid();
	pid = fork();
	if (pid == 0)
		child_run(srv, fd);	/* does not return */
	if (pid < 0) {
		server_busy(fd);
		return;
	}
	srv->child[srv->nchild++] = pid;
	close(fd);
}

/* server_stop - SIGTERM to every child, wait a while, then SIGKILL */
static void server_stop(struct server *srv)
{
	long long end = now_ms() + STOP_GRACE_MS;
	size_t i;

	for (i = 0; i < srv->nchild; i++)
		kill(srv->child[i], SIGTERM);
	while (srv->nchild > 0 && now_ms() < end) {
		server_reap(srv);
		if (srv->nchild > 0)
			poll(NULL, 0, 20);
	}
	for (i = 0; i < srv->nchild; i++) {
		kill(srv->child[i], SIGKILL);
		waitpid(srv->child[i], NULL, 0);
	}
	srv->nchild = 0;
}

/* server_loop - accept until a stop signal */
static void server_loop(struct server *srv)
{
	struct pollfd pfd[2];

	while (!sig_stop) {
		pfd[0] = (struct pollfd){srv->lfd, POLLIN, 0};
		pfd[1] = (struct pollfd){sig_pipe[0], POLLIN, 0};
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		sig_drain();
		server_reap(srv);
		if (!sig_stop && (pfd[0].revents & POLLIN))
			server_accept(srv);
	}
}

/* listen_bind - a listening socket on the loopback address */
static int listen_bind(const struct mock_config *cfg, unsigned *port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t slen;
	int one = 1;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, cfg->listen, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((unsigned short)cfg->port);
		slen = sizeof(*in4);
	} else if (inet_pton(AF_INET6, cfg->listen, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)cfg->port);
		slen = sizeof(*in6);
	} else {
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, slen) < 0 ||
	    listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &slen) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(ss.ss_family == AF_INET ? in4->sin_port :
		      in6->sin6_port);
	return fd;
}

/* write_atomic - "value\n" into path via a temporary file and rename */
static int write_atomic(const char *path, unsigned long value)
{
	char tmp[4096];
	char text[32];
	int fd;
	int n;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid())
	    >= (int)sizeof(tmp))
		return -1;
	n = snprintf(text, sizeof(text), "%lu\n", value);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, text, (size_t)n) != n || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* server_files - pid file and port file, once we are listening */
static int server_files(const struct mock_config *cfg, unsigned port)
{
	if (cfg->pid_file && write_atomic(cfg->pid_file,
					  (unsigned long)getpid()) < 0) {
		fprintf(stderr, "mock_smtpd: cannot write %s: %s\n",
			cfg->pid_file, strerror(errno));
		return -1;
	}
	if (cfg->port_file && write_atomic(cfg->port_file, port) < 0) {
		fprintf(stderr, "mock_smtpd: cannot write %s: %s\n",
			cfg->port_file, strerror(errno));
		return -1;
	}
	return 0;
}

/* server_cleanup - remove the files we wrote and close the listener */
static void server_cleanup(struct server *srv)
{
	if (srv->cfg->pid_file)
		unlink(srv->cfg->pid_file);
	if (srv->cfg->port_file)
		unlink(srv->cfg->port_file);
	close(srv->lfd);
}

/* mock_server_run - listen, serve until SIGTERM/SIGINT; exit status */
int mock_server_run(const struct mock_config *cfg)
{
	static struct server srv;
	unsigned port = 0;

	srv.cfg = cfg;
	/* A crash we cause on purpose should leave no core file. */
	if (faults_on(&cfg->modes)) {
		struct rlimit none = {0, 0};

		setrlimit(RLIMIT_CORE, &none);
	}
	if (sig_setup(1) < 0) {
		fprintf(stderr, "mock_smtpd: pipe: %s\n", strerror(errno));
		return 1;
	}
	/* One TLS identity, made before forking, shared by the sessions. */
	if (mock_tls_init() < 0) {
		fprintf(stderr, "mock_smtpd: cannot make a TLS identity\n");
		return 1;
	}
	srv.lfd = listen_bind(cfg, &port);
	if (srv.lfd < 0) {
		fprintf(stderr, "mock_smtpd: cannot listen on %s port %u: "
			"%s\n", cfg->listen, cfg->port, strerror(errno));
		return 1;
	}
	if (server_files(cfg, port) < 0) {
		server_cleanup(&srv);
		return 1;
	}
	if (cfg->verbose)
		fprintf(stderr, "mock_smtpd: listening on %s port %u\n",
			cfg->listen, port);
	server_loop(&srv);
	server_stop(&srv);
	server_cleanup(&srv);
	return 0;
}

/*
 * hostile_main.c - hostile_smtpd's command line, socket and processes.
 *
 * usage: hostile_smtpd --mode NAME [--port N] [--port-file FILE]
 *                      [--interval-ms N] | --list-modes
 *
 * Listens on 127.0.0.1 only and forks one child per connection, so
 * a mode that never ends (silent, slowloris) blocks no other session.
 * Every child is bounded: it dies with its parent (PR_SET_PDEATHSIG)
 * and after SESSION_MAX_S seconds (alarm), whatever the mode does.
 * SIGTERM or SIGINT kills the children and ends the parent (exit 0).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "hostile.h"

#define SESSION_MAX_S	300	/* a child's lifetime, at most */
#define CHILDREN_MAX	64	/* sessions at once; more are refused */

static volatile sig_atomic_t stop;

/* on_stop - SIGTERM/SIGINT: leave the accept loop */
static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* usage - the synopsis on stderr, exit 2 */
static void usage(void)
{
	fprintf(stderr, "usage: hostile_smtpd --mode NAME [--port N] "
		"[--port-file FILE] [--interval-ms N] | --list-modes\n");
	exit(2);
}

/* parse_uint - a decimal number in [lo, hi], or usage() */
static unsigned parse_uint(const char *s, unsigned lo, unsigned hi)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi)
		usage();
	return (unsigned)v;
}

/* write_port_file - "PORT\n" into path, atomically (temp + rename) */
static int write_port_file(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* listen_loopback - a listening socket on 127.0.0.1:port; its port */
static int listen_loopback(unsigned port, unsigned *bound)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		close(fd);
		return -1;
	}
	*bound = ntohs(sa.sin_port);
	return fd;
}

/* child_serve - the body of a session process */
static void child_serve(int lfd, int fd, const struct hostile_mode *m,
			const struct hostile_opts *o)
{
	struct sigaction sa;

#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	close(lfd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	alarm(SESSION_MAX_S);
	m->serve(fd, o);
	close(fd);
	_exit(0);
}

/* reap - collect finished children; returns how many are left */
static size_t reap(pid_t *kids, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (waitpid(kids[i], NULL, WNOHANG) == kids[i])
			kids[i] = kids[--n];
		else
			i++;
	}
	return n;
}

/* serve - accept and fork until told to stop */
static void serve(int lfd, const struct hostile_mode *m,
		  struct hostile_opts *o)
{
	pid_t kids[CHILDREN_MAX], pid;
	struct pollfd pfd = { lfd, POLLIN, 0 };
	size_t n = 0, i;
	int fd;

	while (!stop) {
		n = reap(kids, n);
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (n == CHILDREN_MAX) {
			close(fd);
			continue;
		}
		pid = fork();
		if (pid == 0)
			child_serve(lfd, fd, m, o);
		if (pid > 0)
			kids[n++] = pid;
		o->session++;	/* the next child's number */
		close(fd);
	}
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
}

/* main - parse, listen, announce the port, serve */
int main(int argc, char **argv)
{
	const struct hostile_mode *m = NULL;
	struct hostile_opts o = { 1000, TLS_TRICK_NONE, 0 };
	const char *port_file = NULL;
	struct sigaction sa;
	unsigned port = 0, bound;
	int i, lfd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list-modes") == 0) {
			hostile_modes_list();
			return 0;
		}
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--mode") == 0)
			m = hostile_mode_find(argv[++i]);
		else if (strcmp(argv[i], "--port") == 0)
			port = parse_uint(argv[++i], 0, 65535);
		else if (strcmp(argv[i], "--port-file") == 0)
			port_file = argv[++i];
		else if (strcmp(argv[i], "--interval-ms") == 0)
			o.interval_ms = parse_uint(argv[++i], 1, 60000);
		else
			usage();
	}
	if (m == NULL)
		usage();
	o.trick = m->trick;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	lfd = listen_loopback(port, &bound);
	if (lfd < 0 || (port_file && write_port_file(port_file, bound) < 0)) {
		perror("hostile_smtpd");
		return 1;
	}
	serve(lfd, m, &o);
	close(lfd);
	return 0;
}

/*
 * transport_tcp.c - TCP transport with deadlines.
 *
 * The socket is non-blocking; every read and write waits with poll()
 * until its absolute deadline, so a silent or slow server can never
 * hold a session longer than the scenario allows.  Writes use
 * MSG_NOSIGNAL: a server that closes early gives an error, not SIGPIPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include "smtpconf/transport.h"

struct tcp_impl {
	int fd;
	struct sc_tcp_tap tap;	/* observer; tap.ctx NULL when none */
};

/* wall_now - the wall-clock time of a read or write, for captures */
static void wall_now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

/* sc_now_ms - monotonic clock in milliseconds */
long long sc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * wait_fd - poll fd until deadline: 1 ready, 0 timeout, -1 error,
 * -2 interrupted.  Polls in slices of at most a second so that a
 * Ctrl-C flag is noticed promptly even when poll() is restarted.
 */
static int wait_fd(int fd, short events, long long deadline_ms,
		   volatile sig_atomic_t *interrupted)
{
	struct pollfd pfd;
	long long left;
	int rc;

	for (;;) {
		if (interrupted != NULL && *interrupted)
			return -2;
		left = deadline_ms - sc_now_ms();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

/* tap_recv - tell the observer what recv(2) returned (0: the FIN) */
static void tap_recv(struct tcp_impl *impl, const void *buf, size_t n)
{
	struct timespec ts;

	if (impl->tap.recv == NULL)
		return;
	wall_now(&ts);
	impl->tap.recv(impl->tap.ctx, buf, n, &ts);
}

/* tap_send - tell the observer what send(2) accepted */
static void tap_send(struct tcp_impl *impl, const void *buf, size_t n)
{
	struct timespec ts;

	if (impl->tap.send == NULL)
		return;
	wall_now(&ts);
	impl->tap.send(impl->tap.ctx, buf, n, &ts);
}

/* tap_reset - tell the observer the peer reset the connection */
static void tap_reset(struct tcp_impl *impl)
{
	struct timespec ts;

	if (impl->tap.reset == NULL)
		return;
	wall_now(&ts);
	impl->tap.reset(impl->tap.ctx, &ts);
}

/* tcp_read - read with a deadline */
static ssize_t tcp_read(struct sc_transport *t, void *buf, size_t len,
			long long deadline_ms, struct sc_error *err)
{
	struct tcp_impl *impl = t->impl;
	ssize_t n;
	int rc, saved;

	for (;;) {
		n = recv(impl->fd, buf, len, 0);
		if (n >= 0) {
			tap_recv(impl, buf, (size_t)n);
			return n;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			saved = errno;
			if (saved == ECONNRESET)
				tap_reset(impl);
			sc_error_set(err, saved == ECONNRESET ? SC_ERR_EOF
				     : SC_ERR_IO, "read from %s: %s",
				     t->peer, strerror(saved));
			return -1;
		}
		rc = wait_fd(impl->fd, POLLIN, deadline_ms, t->interrupted);
		if (rc == 0) {
			sc_error_set(err, SC_ERR_TIMEOUT,
				     "no data from %s before the deadline",
				     t->peer);
			return -1;
		}
		if (rc == -2) {
			sc_error_set(err, SC_ERR_INTERRUPTED, "interrupted");
			return -1;
		}
		if (rc < 0) {
			sc_error_set(err, SC_ERR_IO, "poll: %s",
				     strerror(errno));
			return -1;
		}
	}
}

/* tcp_write - write everything with a deadline, handling partial writes */
static int tcp_write(struct sc_transport *t, const void *buf, size_t len,
		     long long deadline_ms, struct sc_error *err)
{
	struct tcp_impl *impl = t->impl;
	const char *p = buf;
	ssize_t n;
	int rc;

	while (len > 0) {
		n = send(impl->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			tap_send(impl, p, (size_t)n);
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return sc_error_set(err, (errno == EPIPE ||
					     errno == ECONNRESET) ? SC_ERR_EOF
					    : SC_ERR_IO, "write to %s: %s",
					    t->peer, strerror(errno));
		rc = wait_fd(impl->fd, POLLOUT, deadline_ms, t->interrupted);
		if (rc == 0)
			return sc_error_set(err, SC_ERR_TIMEOUT,
					    "%s did not accept data before "
					    "the deadline", t->peer);
		if (rc == -2)
			return sc_error_set(err, SC_ERR_INTERRUPTED,
					    "interrupted");
		if (rc < 0)
			return sc_error_set(err, SC_ERR_IO, "poll: %s",
					    strerror(errno));
	}
	return SC_OK;
}

/* tcp_close - close the socket and free the state */
static void tcp_close(struct sc_transport *t)
{
	struct tcp_impl *impl = t->impl;
	struct timespec ts;

	if (impl == NULL)
		return;
	if (impl->tap.close != NULL) {
		wall_now(&ts);
		impl->tap.close(impl->tap.ctx, &ts);
	}
	close(impl->fd);
	free(impl);
	t->impl = NULL;
}

static const struct sc_transport_ops tcp_ops = {
	.read = tcp_read,
	.write = tcp_write,
	.close = tcp_close,
};

/* connect_one - non-blocking connect to one address with a deadline */
static int connect_one(const struct addrinfo *ai, long long deadline_ms,
		       volatile sig_atomic_t *interrupted, int *fd_out,
		       int *saved_errno)
{
	int fd, rc, soerr = 0, one = 1;
	socklen_t slen = sizeof(soerr);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0) {
		*saved_errno = errno;
		return -1;
	}
	rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (rc < 0 && errno == EINPROGRESS) {
		rc = wait_fd(fd, POLLOUT, deadline_ms, interrupted);
		if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
					  &slen) == 0 && soerr == 0)
			rc = 0;
		else {
			*saved_errno = rc == 0 ? ETIMEDOUT : rc == -2 ? EINTR
				       : (soerr ? soerr : errno);
			rc = -1;
		}
	} else if (rc < 0) {
		*saved_errno = errno;
	}
	if (rc < 0) {
		close(fd);
		return -1;
	}
	/* SMTP dialogues are small request/response exchanges. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*fd_out = fd;
	return 0;
}

/* sc_tcp_connect - connect with a deadline; SC_ERR_CONNECT when unreachable */
int sc_tcp_connect(const char *host, const char *port, long long deadline_ms,
		   volatile sig_atomic_t *interrupted,
		   struct sc_transport *out, struct sc_error *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct tcp_impl *impl;
	int rc, fd = -1, saved = ETIMEDOUT;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return sc_error_set(err, SC_ERR_CONNECT, "cannot resolve %s: %s",
				    host, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (connect_one(ai, deadline_ms, interrupted, &fd,
				&saved) == 0)
			break;
	freeaddrinfo(res);
	if (fd < 0)
		return sc_error_set(err, SC_ERR_CONNECT,
				    "cannot connect to %s port %s: %s", host,
				    port, strerror(saved));
	impl = calloc(1, sizeof(*impl));
	if (impl == NULL) {
		close(fd);
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	}
	impl->fd = fd;
	memset(out, 0, sizeof(*out));
	out->ops = &tcp_ops;
	out->impl = impl;
	out->interrupted = interrupted;
	snprintf(out->peer, sizeof(out->peer), "%s:%s", host, port);
	return SC_OK;
}

/* sc_tcp_tap_attach - observe a TCP transport (SC_ERR_USAGE if not TCP) */
int sc_tcp_tap_attach(struct sc_transport *t, const struct sc_tcp_tap *tap,
		      struct sc_error *err)
{
	struct sockaddr_storage local, peer;
	socklen_t llen = sizeof(local), plen = sizeof(peer);
	struct tcp_impl *impl;
	struct timespec ts;

	if (t->ops != &tcp_ops || t->impl == NULL)
		return sc_error_set(err, SC_ERR_USAGE,
				    "only a TCP connection can be observed");
	impl = t->impl;
	if (getsockname(impl->fd, (struct sockaddr *)&local, &llen) < 0 ||
	    getpeername(impl->fd, (struct sockaddr *)&peer, &plen) < 0)
		return sc_error_set(err, SC_ERR_IO, "addresses of %s: %s",
				    t->peer, strerror(errno));
	impl->tap = *tap;
	wall_now(&ts);
	if (tap->connect != NULL)
		tap->connect(tap->ctx, (struct sockaddr *)&local,
			     (struct sockaddr *)&peer, &ts);
	return SC_OK;
}

/* sc_target_parse - "HOST:PORT", "[v6]:PORT" or "HOST" (port 25) into host and port */
int sc_target_parse(const char *spec, char *host, size_t hostlen,
		    char *port, size_t portlen, struct sc_error *err)
{
	const char *colon, *hbeg = spec, *hend;
	const char *p;
	char *end;
	long n;

	if (spec == NULL || *spec == '\0')
		return sc_error_set(err, SC_ERR_USAGE, "empty target");
	if (*spec == '[') {
		hbeg = spec + 1;
		hend = strchr(hbeg, ']');
		if (hend == NULL)
			return sc_error_set(err, SC_ERR_USAGE,
					    "target '%s': missing ']'", spec);
		colon = hend[1] == ':' ? hend + 1 : NULL;
		if (hend[1] != '\0' && colon == NULL)
			return sc_error_set(err, SC_ERR_USAGE,
					    "target '%s': expected ':PORT' "
					    "after ']'", spec);
	} else {
		colon = strrchr(spec, ':');
		if (colon && strchr(spec, ':') != colon)
			return sc_error_set(err, SC_ERR_USAGE,
					    "target '%s': write IPv6 "
					    "addresses as [ADDR]:PORT", spec);
		hend = colon ? colon : spec + strlen(spec);
	}
	if (hend == hbeg || (size_t)(hend - hbeg) >= hostlen)
		return sc_error_set(err, SC_ERR_USAGE,
				    "target '%s': bad host", spec);
	memcpy(host, hbeg, (size_t)(hend - hbeg));
	host[hend - hbeg] = '\0';
	p = colon ? colon + 1 : "25";
	errno = 0;
	n = strtol(p, &end, 10);
	if (*p == '\0' || *end != '\0' || errno || n < 1 || n > 65535)
		return sc_error_set(err, SC_ERR_USAGE,
				    "target '%s': port must be 1-65535", spec);
	snprintf(port, portlen, "%ld", n);
	return SC_OK;
}

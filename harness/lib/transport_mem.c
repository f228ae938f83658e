/*
 * transport_mem.c - in-memory transport for unit tests and fuzzers.
 *
 * The "server" is a callback that sees each client write and queues
 * reply bytes.  Everything is synchronous: when the queue is empty and
 * the server has not hung up, nothing more can arrive, so a read
 * reports a timeout at once instead of waiting for the deadline.
 */
#include <stdlib.h>
#include <string.h>
#include "smtpconf/transport.h"
#include "smtpconf/buf.h"

struct mem_impl {
	struct sc_mem_server server;
	struct sc_buf queue;	/* bytes the client has not read yet */
	size_t rpos;		/* read position in queue */
	int hung_up;
};

/* mem_read - hand out queued bytes; EOF after a hangup, else a timeout */
static ssize_t mem_read(struct sc_transport *t, void *buf, size_t len,
			long long deadline_ms, struct sc_error *err)
{
	struct mem_impl *m = t->impl;
	size_t avail = m->queue.len - m->rpos;

	if (avail == 0) {
		if (m->hung_up)
			return 0;
		sc_error_set(err, SC_ERR_TIMEOUT,
			     "no data from %s before the deadline", t->peer);
		return -1;
	}
	if (len > avail)
		len = avail;
	memcpy(buf, m->queue.data + m->rpos, len);
	m->rpos += len;
	if (m->rpos == m->queue.len) {
		sc_buf_reset(&m->queue);
		m->rpos = 0;
	}
	return (ssize_t)len;
}

/* mem_write - pass the bytes to the server callback */
static int mem_write(struct sc_transport *t, const void *buf, size_t len,
		     long long deadline_ms, struct sc_error *err)
{
	struct mem_impl *m = t->impl;

	if (m->hung_up)
		return sc_error_set(err, SC_ERR_EOF,
				    "write to %s: connection closed", t->peer);
	if (m->server.on_write)
		m->server.on_write(m->server.ctx, buf, len, t);
	return SC_OK;
}

/* mem_close - free the queue */
static void mem_close(struct sc_transport *t)
{
	struct mem_impl *m = t->impl;

	if (m == NULL)
		return;
	sc_buf_free(&m->queue);
	free(m);
	t->impl = NULL;
}

static const struct sc_transport_ops mem_ops = {
	.read = mem_read,
	.write = mem_write,
	.close = mem_close,
};

/* sc_mem_open - an in-memory transport driven by server */
int sc_mem_open(const struct sc_mem_server *server, struct sc_transport *out,
		struct sc_error *err)
{
	struct mem_impl *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	m->server = *server;
	sc_buf_init(&m->queue, 0);
	memset(out, 0, sizeof(*out));
	out->ops = &mem_ops;
	out->impl = m;
	strncpy(out->peer, "memory", sizeof(out->peer) - 1);
	if (server->on_write)
		server->on_write(server->ctx, NULL, 0, out);
	return SC_OK;
}

/* sc_mem_queue - server side: queue bytes for the client to read */
void sc_mem_queue(struct sc_transport *t, const char *data, size_t len)
{
	struct mem_impl *m = t->impl;

	if (!m->hung_up)
		sc_buf_append(&m->queue, data, len);
}

/* sc_mem_hangup - server side: EOF after the queued bytes */
void sc_mem_hangup(struct sc_transport *t)
{
	struct mem_impl *m = t->impl;

	m->hung_up = 1;
}

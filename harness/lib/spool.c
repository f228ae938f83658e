/*
 * spool.c - results on disk, one binary record each (see spool.h).
 *
 * The file is private to this process and read back by it alone, so
 * records are in the machine's own byte order.  Reading still checks
 * every count and length against the bounds the results were built
 * with: a record that does not fit them is reported, not trusted.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "smtpconf/spool.h"
#include "smtpconf/limits.h"

#define SPOOL_MAGIC	0x31524353u	/* "SCR1" */
#define SPOOL_NULL	UINT64_MAX	/* length of a NULL string */
/* The longest string a record may hold: a result's longest is its
 * server output tail; scenario text is bounded by the file size. */
#define SPOOL_STR_MAX	((uint64_t)SC_SCENARIO_FILE_MAX + \
			 SC_SERVER_OUTPUT_TAIL + SC_BUF_DEFAULT_LIMIT)

/* put_u64 - one number */
static void put_u64(FILE *f, uint64_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

/* put_blob - length and bytes; NULL is its own length */
static void put_blob(FILE *f, const char *p, size_t n)
{
	put_u64(f, p == NULL ? SPOOL_NULL : (uint64_t)n);
	if (p != NULL && n > 0)
		fwrite(p, 1, n, f);
}

/* put_str - a C string or NULL */
static void put_str(FILE *f, const char *s)
{
	put_blob(f, s, s ? strlen(s) : 0);
}

/* put_scenario - the header fields the reports show */
static void put_scenario(FILE *f, const struct sc_scenario *s)
{
	size_t i;

	put_u64(f, s != NULL);
	if (s == NULL)
		return;
	put_str(f, s->id);
	put_str(f, s->path);
	put_str(f, s->title);
	put_str(f, s->rfc);
	put_str(f, s->quote);
	put_str(f, s->why);
	put_str(f, s->when);
	put_u64(f, (uint64_t)s->level);
	put_u64(f, s->tags ? s->ntags : 0);
	for (i = 0; s->tags != NULL && i < s->ntags; i++)
		put_str(f, s->tags[i]);
}

/* put_tx - one transcript entry */
static void put_tx(FILE *f, const struct sc_tx_entry *e)
{
	put_u64(f, (uint64_t)e->kind);
	fwrite(e->session, sizeof(e->session), 1, f);
	put_blob(f, e->bytes, e->len);
	put_u64(f, e->wire_len);
	put_u64(f, (uint64_t)e->t_ms);
	put_u64(f, e->line);
	put_u64(f, (uint64_t)e->failed);
}

/* put_result - the whole record */
static void put_result(FILE *f, const struct sc_result *r)
{
	size_t i;

	put_u64(f, SPOOL_MAGIC);
	put_scenario(f, r->scenario);
	put_u64(f, (uint64_t)r->verdict);
	put_u64(f, (uint64_t)r->fail_level);
	put_u64(f, r->fail_line);
	put_u64(f, (uint64_t)r->unreachable);
	put_u64(f, (uint64_t)r->crashed);
	put_u64(f, (uint64_t)r->hung);
	put_u64(f, (uint64_t)r->duration_ms);
	put_str(f, r->reason);
	put_str(f, r->expected);
	put_str(f, r->observed);
	put_str(f, r->waiver);
	put_blob(f, r->server_output, r->server_output_len);
	put_u64(f, r->tx ? r->ntx : 0);
	for (i = 0; r->tx != NULL && i < r->ntx; i++)
		put_tx(f, &r->tx[i]);
	put_u64(f, r->tx_dropped);
	put_u64(f, r->tx_bytes);
	put_u64(f, r->tls ? r->ntls : 0);
	for (i = 0; r->tls != NULL && i < r->ntls; i++)
		fwrite(&r->tls[i], sizeof(r->tls[i]), 1, f);
}

/* sc_spool_open - an empty spool in a temporary file */
int sc_spool_open(struct sc_spool *sp, struct sc_error *err)
{
	memset(sp, 0, sizeof(*sp));
	/* tmpfile(3): already unlinked, so nothing is left behind. */
	sp->f = tmpfile();
	if (sp->f == NULL)
		return sc_error_set(err, SC_ERR_IO, "cannot create the "
				    "results spool: %s", strerror(errno));
	sp->writing = 1;
	return SC_OK;
}

/* index_add - remember where record n starts and what it says */
static int index_add(struct sc_spool *sp, const struct sc_result *r)
{
	struct sc_spool_entry *e;

	if ((sp->n & (sp->n - 1)) == 0) {
		e = realloc(sp->index, (sp->n ? sp->n * 2 : 1) * sizeof(*e));
		if (e == NULL)
			return -1;
		sp->index = e;
	}
	e = &sp->index[sp->n++];
	e->off = sp->end;
	e->verdict = (unsigned char)r->verdict;
	e->fail_level = (unsigned char)r->fail_level;
	e->has_scenario = r->scenario != NULL;
	e->level = r->scenario ? (unsigned char)r->scenario->level : 0;
	return 0;
}

/* sc_spool_put - append r (its scenario's header included) */
int sc_spool_put(struct sc_spool *sp, const struct sc_result *r,
		 struct sc_error *err)
{
	off_t end;

	if (sp->f == NULL)
		return sc_error_set(err, SC_ERR_USAGE, "no spool open");
	if (!sp->writing && fseeko(sp->f, (off_t)sp->end, SEEK_SET) != 0)
		return sc_error_set(err, SC_ERR_IO, "results spool: %s",
				    strerror(errno));
	sp->writing = 1;
	if (index_add(sp, r) < 0)
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	put_result(sp->f, r);
	end = ftello(sp->f);
	if (ferror(sp->f) || end < 0) {
		sp->n--;
		return sc_error_set(err, SC_ERR_IO, "cannot write the results "
				    "spool: %s", strerror(errno));
	}
	sp->end = (long long)end;
	return SC_OK;
}

/* sc_spool_close - close and forget the file (its space is freed) */
void sc_spool_close(struct sc_spool *sp)
{
	if (sp->f != NULL)
		fclose(sp->f);
	free(sp->index);
	memset(sp, 0, sizeof(*sp));
}

/* ------------------------------------------------------------------ */
/* Reading a record back.                                             */

/* get_u64 - one number; -1 at a short read */
static int get_u64(FILE *f, uint64_t *v)
{
	return fread(v, sizeof(*v), 1, f) == 1 ? 0 : -1;
}

/* get_small - a number that must be at most max */
static int get_small(FILE *f, uint64_t max, uint64_t *v)
{
	return get_u64(f, v) == 0 && *v <= max ? 0 : -1;
}

/* get_blob - a length and its bytes, NUL-terminated; NULL stays NULL */
static int get_blob(FILE *f, char **out, size_t *len)
{
	uint64_t n;

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (get_u64(f, &n) < 0)
		return -1;
	if (n == SPOOL_NULL)
		return 0;
	if (n > SPOOL_STR_MAX || (*out = malloc((size_t)n + 1)) == NULL)
		return -1;
	if (n > 0 && fread(*out, 1, (size_t)n, f) != (size_t)n)
		return -1;
	(*out)[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return 0;
}

/* get_scenario - the header fields, into s */
static int get_scenario(FILE *f, struct sc_scenario *s)
{
	uint64_t v, i;

	if (get_blob(f, &s->id, NULL) < 0 || get_blob(f, &s->path, NULL) < 0 ||
	    get_blob(f, &s->title, NULL) < 0 ||
	    get_blob(f, &s->rfc, NULL) < 0 ||
	    get_blob(f, &s->quote, NULL) < 0 ||
	    get_blob(f, &s->why, NULL) < 0 || get_blob(f, &s->when, NULL) < 0)
		return -1;
	if (get_small(f, SC_LEVEL_MAY, &v) < 0)
		return -1;
	s->level = (enum sc_level)v;
	if (get_small(f, SC_SCENARIO_MAX_TAGS, &v) < 0)
		return -1;
	if (v == 0)
		return 0;
	if ((s->tags = calloc((size_t)v, sizeof(*s->tags))) == NULL)
		return -1;
	for (i = 0; i < v; i++, s->ntags++)
		if (get_blob(f, &s->tags[i], NULL) < 0 || s->tags[i] == NULL)
			return -1;
	return 0;
}

/* get_tx - one transcript entry */
static int get_tx(FILE *f, struct sc_tx_entry *e)
{
	uint64_t v[5];

	if (get_small(f, SC_TX_EVENT, &v[0]) < 0 ||
	    fread(e->session, sizeof(e->session), 1, f) != 1)
		return -1;
	e->kind = (enum sc_tx_kind)v[0];
	e->session[sizeof(e->session) - 1] = '\0';
	if (get_blob(f, &e->bytes, &e->len) < 0 || get_u64(f, &v[1]) < 0 ||
	    get_u64(f, &v[2]) < 0 || get_small(f, UINT32_MAX, &v[3]) < 0 ||
	    get_small(f, 1, &v[4]) < 0)
		return -1;
	e->wire_len = (size_t)v[1];
	e->t_ms = (long long)v[2];
	e->line = (unsigned)v[3];
	e->failed = (int)v[4];
	return 0;
}

/* get_verdict - verdict, levels, line, flags, duration */
static int get_verdict(FILE *f, struct sc_result *r)
{
	uint64_t v[7];

	if (get_small(f, SC_VERDICT_NOTRUN, &v[0]) < 0 ||
	    get_small(f, SC_LEVEL_MAY, &v[1]) < 0 ||
	    get_small(f, UINT32_MAX, &v[2]) < 0 ||
	    get_small(f, 1, &v[3]) < 0 || get_small(f, 1, &v[4]) < 0 ||
	    get_small(f, 1, &v[5]) < 0 || get_u64(f, &v[6]) < 0)
		return -1;
	r->verdict = (enum sc_verdict)v[0];
	r->fail_level = (enum sc_level)v[1];
	r->fail_line = (unsigned)v[2];
	r->unreachable = (int)v[3];
	r->crashed = (int)v[4];
	r->hung = (int)v[5];
	r->duration_ms = (long long)v[6];
	return 0;
}

/* get_transcript - the entries, the drop counts and the handshakes */
static int get_transcript(FILE *f, struct sc_result *r)
{
	uint64_t n, i;

	if (get_small(f, SC_TRANSCRIPT_MAX_ENTRIES, &n) < 0)
		return -1;
	if (n > 0 && (r->tx = calloc((size_t)n, sizeof(*r->tx))) == NULL)
		return -1;
	r->tx_cap = (size_t)n;
	for (i = 0; i < n; i++, r->ntx++)
		if (get_tx(f, &r->tx[i]) < 0)
			return -1;
	if (get_u64(f, &i) < 0 || get_u64(f, &n) < 0)
		return -1;
	r->tx_dropped = (size_t)i;
	r->tx_bytes = (size_t)n;
	if (get_small(f, SC_TLS_MAX_RECORDS, &n) < 0)
		return -1;
	if (n > 0 && (r->tls = calloc((size_t)n, sizeof(*r->tls))) == NULL)
		return -1;
	if (n > 0 && fread(r->tls, sizeof(*r->tls), (size_t)n, f) != n)
		return -1;
	r->ntls = (size_t)n;
	return 0;
}

/* read_record - record i of the spool into l->cur */
static int read_record(struct sc_result_list *l, size_t i)
{
	struct sc_spool *sp = l->spool;
	struct sc_result *r = &l->cur;
	FILE *f = sp->f;
	uint64_t v;

	if ((sp->writing && fflush(f) != 0) ||
	    fseeko(f, (off_t)sp->index[i].off, SEEK_SET) != 0)
		return -1;
	sp->writing = 0;
	if (get_u64(f, &v) < 0 || v != SPOOL_MAGIC ||
	    get_small(f, 1, &v) < 0)
		return -1;
	if (v == 1) {
		if (get_scenario(f, &l->cur_scenario) < 0)
			return -1;
		r->scenario = &l->cur_scenario;
	}
	if (get_verdict(f, r) < 0 || get_blob(f, &r->reason, NULL) < 0 ||
	    get_blob(f, &r->expected, NULL) < 0 ||
	    get_blob(f, &r->observed, NULL) < 0 ||
	    get_blob(f, &r->waiver, NULL) < 0 ||
	    get_blob(f, &r->server_output, &r->server_output_len) < 0)
		return -1;
	return get_transcript(f, r);
}

/* sc_result_list_array - the list of n results in memory */
void sc_result_list_array(struct sc_result_list *l,
			  const struct sc_result *a, size_t n)
{
	memset(l, 0, sizeof(*l));
	l->array = a;
	l->n = a != NULL ? n : 0;
}

/* sc_result_list_spool - the list of the results in a spool */
void sc_result_list_spool(struct sc_result_list *l, struct sc_spool *sp)
{
	memset(l, 0, sizeof(*l));
	l->spool = sp;
	l->n = sp->n;
}

/* sc_result_list_free - release the record read last */
void sc_result_list_free(struct sc_result_list *l)
{
	sc_result_free(&l->cur);
	sc_scenario_free(&l->cur_scenario);
	l->have_cur = 0;
}

/* sc_result_list_get - result i (see spool.h) */
const struct sc_result *sc_result_list_get(struct sc_result_list *l,
					   size_t i)
{
	if (l->array != NULL)
		return &l->array[i];
	if (l->have_cur && l->cur_i == i)
		return &l->cur;
	sc_result_list_free(l);
	l->cur_i = i;
	l->have_cur = 1;
	if (l->spool == NULL || i >= l->spool->n || read_record(l, i) < 0) {
		sc_result_list_free(l);
		l->have_cur = 0;
		l->failed = 1;
		l->cur.verdict = SC_VERDICT_ERROR;
	}
	return &l->cur;
}

/* sc_result_list_brief - result i's verdict and levels, from memory */
void sc_result_list_brief(const struct sc_result_list *l, size_t i,
			  struct sc_result_brief *out)
{
	const struct sc_spool_entry *e;
	const struct sc_result *r;

	if (l->array != NULL) {
		r = &l->array[i];
		out->verdict = r->verdict;
		out->fail_level = r->fail_level;
		out->has_scenario = r->scenario != NULL;
		out->level = r->scenario ? r->scenario->level : SC_LEVEL_MUST;
		return;
	}
	e = &l->spool->index[i];
	out->verdict = (enum sc_verdict)e->verdict;
	out->fail_level = (enum sc_level)e->fail_level;
	out->has_scenario = e->has_scenario;
	out->level = (enum sc_level)e->level;
}

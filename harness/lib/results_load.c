/*
 * results_load.c - a JSON results file (docs/json-format.md) back into
 * struct sc_run_info, sc_server_info, sc_result and sc_scenario, so that
 * `smtpconf report` can write any report from saved results.
 *
 * The file may come from anywhere, so it is read with the bounded
 * reader of json.c and every field is checked for its type; an error
 * names the file, the line and column of the value, and the field.
 * Keys we do not know are ignored (the format promises only additions
 * within a version).  Server text in the file is in display form; the
 * writers display raw bytes, so the loader undoes display form for the
 * text they display (banner, capabilities, transcript, server output)
 * and leaves reason and observed alone, which the writers pass through
 * sc_escape_redisplay: either way nothing is escaped twice.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtpconf/results_load.h"
#include "smtpconf/json.h"
#include "smtpconf/escape.h"
#include "smtpconf/limits.h"

#define RESULTS_FORMAT_NAME	"smtpconf-results"
#define RESULTS_FORMAT_VERSION	1

/* What a load is working on, for messages. */
struct rl {
	const char *path;
	struct sc_error *err;
	char where[64];		/* "results[3]" */
};

/* The display form escapes (escape.h) and the bytes they stand for. */
static const struct {
	char letter;
	char byte;
} display_escapes[] = {
	{ 'r', '\r' }, { 'n', '\n' }, { 't', '\t' }, { '0', '\0' },
	{ '\\', '\\' }, { 0, 0 }
};

/* tx kinds by name; an unknown kind is shown as an event */
static const char *const tx_kinds[] = {
	[SC_TX_SEND] = "send",
	[SC_TX_REPLY] = "reply",
	[SC_TX_EVENT] = "event",
};

/* rl_fail - a field error at the value's position */
static int rl_fail(struct rl *rl, const struct sc_json *v, const char *fmt,
		   ...)
	__attribute__((format(printf, 3, 4)));
static int rl_fail(struct rl *rl, const struct sc_json *v, const char *fmt,
		   ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sc_error_at(rl->err, SC_ERR_SYNTAX, rl->path, v->line, v->col,
			   "%s%s%s", rl->where, rl->where[0] ? "." : "", msg);
}

/* want - the member key of obj, which must be of type t or null/absent */
static int want(struct rl *rl, const struct sc_json *obj, const char *key,
		enum sc_json_type t, const struct sc_json **out)
{
	const struct sc_json *v = sc_json_get(obj, key);

	*out = NULL;
	if (v == NULL || v->type == SC_JSON_NULL)
		return SC_OK;
	if (v->type != t)
		return rl_fail(rl, v, "%s: expected %s, found %s", key,
			       sc_json_type_name(t),
			       sc_json_type_name(v->type));
	*out = v;
	return SC_OK;
}

/* get_str - a string member as a heap copy, NULL when null or absent */
static int get_str(struct rl *rl, const struct sc_json *obj, const char *key,
		   char **out)
{
	const struct sc_json *v;
	int rc = want(rl, obj, key, SC_JSON_STRING, &v);

	*out = NULL;
	if (rc != SC_OK || v == NULL)
		return rc;
	if ((*out = malloc(v->len + 1)) == NULL)
		return sc_error_set(rl->err, SC_ERR_NOMEM, "out of memory");
	memcpy(*out, v->str, v->len + 1);
	return SC_OK;
}

/* get_int - an integer member, 0 when null or absent */
static int get_int(struct rl *rl, const struct sc_json *obj, const char *key,
		   long long *out)
{
	const struct sc_json *v;
	int rc = want(rl, obj, key, SC_JSON_INT, &v);

	*out = v ? v->integer : 0;
	return rc;
}

/* get_count - a non-negative integer member that fits what holds it */
static int get_count(struct rl *rl, const struct sc_json *obj,
		     const char *key, long long max, long long *out)
{
	int rc = get_int(rl, obj, key, out);

	if (rc == SC_OK && (*out < 0 || *out > max))
		return rl_fail(rl, sc_json_get(obj, key), "%s: %lld is out of "
			       "range", key, *out);
	return rc;
}

/* get_bool - a boolean member, 0 when null or absent */
static int get_bool(struct rl *rl, const struct sc_json *obj,
		    const char *key, int *out)
{
	const struct sc_json *v;
	int rc = want(rl, obj, key, SC_JSON_BOOL, &v);

	*out = v ? v->boolean : 0;
	return rc;
}

/* sc_display_undo - display form back to the bytes it stands for */
void sc_display_undo(struct sc_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const char *hi, *lo;
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			sc_buf_putc(out, (unsigned char)s[i]);
			continue;
		}
		for (k = 0; display_escapes[k].letter != 0; k++)
			if (display_escapes[k].letter == s[i + 1])
				break;
		if (display_escapes[k].letter != 0) {
			sc_buf_putc(out,
				    (unsigned char)display_escapes[k].byte);
			i++;
		} else if (s[i + 1] == 'x' && i + 3 < n &&
			   (hi = memchr(hex, s[i + 2], 16)) != NULL &&
			   (lo = memchr(hex, s[i + 3], 16)) != NULL) {
			sc_buf_putc(out, (int)((hi - hex) << 4 | (lo - hex)));
			i += 3;
		} else {
			sc_buf_putc(out, '\\');
		}
	}
}

/* get_raw - a display-form string member as raw bytes (NUL added) */
static int get_raw(struct rl *rl, const struct sc_json *obj, const char *key,
		   char **out, size_t *len)
{
	const struct sc_json *v;
	struct sc_buf b;
	int rc = want(rl, obj, key, SC_JSON_STRING, &v);

	*out = NULL;
	*len = 0;
	if (rc != SC_OK || v == NULL)
		return rc;
	sc_buf_init(&b, 0);
	sc_display_undo(&b, v->str, v->len);
	if (b.failed) {
		sc_buf_free(&b);
		return sc_error_set(rl->err, SC_ERR_NOMEM, "out of memory");
	}
	*len = b.len;
	*out = sc_buf_steal(&b);
	return SC_OK;
}

/* get_fixed - a display-form string member into a fixed array, cut to fit */
static int get_fixed(struct rl *rl, const struct sc_json *obj,
		     const char *key, char *dst, size_t size)
{
	char *raw;
	size_t len;
	int rc = get_raw(rl, obj, key, &raw, &len);

	dst[0] = '\0';
	if (rc != SC_OK || raw == NULL)
		return rc;
	len = strnlen(raw, len);	/* a C string ends at a NUL */
	if (len >= size)
		len = size - 1;
	memcpy(dst, raw, len);
	dst[len] = '\0';
	free(raw);
	return SC_OK;
}

/* get_level - a level member ("MUST", ...); *set is 0 when null/absent */
static int get_level(struct rl *rl, const struct sc_json *obj,
		     const char *key, enum sc_level *out, int *set)
{
	const struct sc_json *v;
	int rc = want(rl, obj, key, SC_JSON_STRING, &v);

	*set = 0;
	*out = SC_LEVEL_MUST;
	if (rc != SC_OK || v == NULL)
		return rc;
	if (sc_level_parse(v->str, out) != 0)
		return rl_fail(rl, v, "%s: unknown level \"%.40s\"", key,
			       v->str);
	*set = 1;
	return SC_OK;
}

/*
 * note_start - where a trailing "...[N more bytes]" begins, with N in
 * *more; len when there is none.  The writers append that note to text
 * they cut short; the HTML writer appends its own, so a loader that
 * kept the JSON's note would show two.
 */
static size_t note_start(const char *s, size_t len, unsigned long long *more)
{
	static const char tail[] = " more bytes]";
	size_t tl = sizeof(tail) - 1, end, start, i;

	*more = 0;
	if (len < tl || memcmp(s + len - tl, tail, tl) != 0)
		return len;
	end = len - tl;
	for (start = end; start > 0 && end - start < 18 &&
	     s[start - 1] >= '0' && s[start - 1] <= '9'; start--)
		;
	if (start == end || start < 4 || memcmp(s + start - 4, "...[", 4))
		return len;
	for (i = start; i < end; i++)
		*more = *more * 10 + (unsigned)(s[i] - '0');
	return start - 4;
}

/* strip_more - drop a transcript entry's note when it counts to wire */
static size_t strip_more(const char *s, size_t len, long long wire)
{
	unsigned long long more;
	size_t kept = note_start(s, len, &more);

	if (kept == len || wire < 0 || (unsigned long long)wire != kept + more)
		return len;
	return kept;
}

/* strip_clipped - drop the note after text clipped at exactly keep bytes */
static size_t strip_clipped(const char *s, size_t len, size_t keep)
{
	unsigned long long more;
	size_t kept = note_start(s, len, &more);

	return kept == keep ? kept : len;
}

/* check_format - "format": "smtpconf-results", "version": 1 */
static int check_format(struct rl *rl, const struct sc_json *root)
{
	const struct sc_json *f = sc_json_get(root, "format");
	const struct sc_json *v = sc_json_get(root, "version");

	if (root->type != SC_JSON_OBJECT)
		return rl_fail(rl, root, "not a results file: the document "
			       "is %s %s, not an object",
			       root->type == SC_JSON_INT ? "an" : "a",
			       sc_json_type_name(root->type));
	if (f == NULL || f->type != SC_JSON_STRING ||
	    strcmp(f->str, RESULTS_FORMAT_NAME) != 0)
		return rl_fail(rl, f ? f : root, "not a results file: "
			       "\"format\" must be \"%s\"",
			       RESULTS_FORMAT_NAME);
	if (v == NULL || v->type != SC_JSON_INT)
		return rl_fail(rl, v ? v : root, "\"version\" must be an "
			       "integer");
	if (v->integer != RESULTS_FORMAT_VERSION)
		return rl_fail(rl, v, "results format version %lld is not "
			       "supported (this smtpconf reads version %d)",
			       v->integer, RESULTS_FORMAT_VERSION);
	return SC_OK;
}

/* load_header - the run's own facts */
static int load_header(struct rl *rl, const struct sc_json *root,
		       struct sc_loaded *l)
{
	long long n, k;
	int rc;

	if ((rc = get_str(rl, root, "tool_version", &l->tool_version)) ||
	    (rc = get_str(rl, root, "target", &l->target)) ||
	    (rc = get_str(rl, root, "command_line", &l->command_line)) ||
	    (rc = get_int(rl, root, "started_unix_ms",
			  &l->info.started_unix_ms)) ||
	    (rc = get_int(rl, root, "duration_ms", &l->info.duration_ms)) ||
	    (rc = get_bool(rl, root, "interrupted", &l->info.interrupted)) ||
	    (rc = get_count(rl, root, "shard_count", SC_SHARDS_MAX, &n)) ||
	    (rc = get_count(rl, root, "shard_index", n, &k)))
		return rc;
	if ((n == 0) != (k == 0))
		return rl_fail(rl, sc_json_get(root, "shard_index"),
			       "shard_index and shard_count go together");
	l->info.shard_index = (unsigned)k;
	l->info.shard_count = (unsigned)n;
	l->info.tool_version = l->tool_version;
	l->info.target = l->target;
	l->info.command_line = l->command_line;
	return SC_OK;
}

/* load_cap - one capabilities[] element */
static int load_cap(struct rl *rl, const struct sc_json *c,
		    struct sc_capability *cap)
{
	int rc;

	if (c->type != SC_JSON_OBJECT)
		return rl_fail(rl, c, "capabilities: expected objects, "
			       "found %s", sc_json_type_name(c->type));
	if ((rc = get_fixed(rl, c, "keyword", cap->keyword,
			    sizeof(cap->keyword))) != SC_OK)
		return rc;
	return get_fixed(rl, c, "params", cap->params, sizeof(cap->params));
}

/* load_caps - the EHLO domain and capabilities */
static int load_caps(struct rl *rl, const struct sc_json *s,
		     struct sc_capabilities *caps)
{
	const struct sc_json *dom, *list;
	long long malformed;
	size_t i;
	int rc;

	if ((rc = want(rl, s, "ehlo_domain", SC_JSON_STRING, &dom)) ||
	    (rc = want(rl, s, "capabilities", SC_JSON_ARRAY, &list)) ||
	    (rc = get_count(rl, s, "capabilities_malformed", 1000000000,
			    &malformed)))
		return rc;
	caps->malformed = (unsigned)malformed;
	caps->valid = dom != NULL;
	if (dom != NULL &&
	    (rc = get_fixed(rl, s, "ehlo_domain", caps->domain,
			    sizeof(caps->domain))) != SC_OK)
		return rc;
	for (i = 0; list != NULL && i < list->len &&
	     caps->count < SC_EHLO_MAX_CAPS; i++) {
		rc = load_cap(rl, &list->items[i], &caps->items[caps->count]);
		if (rc != SC_OK)
			return rc;
		caps->count++;
	}
	return SC_OK;
}

/* load_server_tls - server.tls (null or absent: none) */
static int load_server_tls(struct rl *rl, const struct sc_json *o,
			   struct sc_server_info *s)
{
	static const enum sc_tls_mode modes[] = {
		SC_TLS_NONE, SC_TLS_STARTTLS, SC_TLS_IMPLICIT
	};
	struct sc_tls_info *t = &s->tls;
	const struct sc_json *tls;
	char mode[16];
	size_t i;
	int rc;

	if ((rc = want(rl, o, "tls", SC_JSON_OBJECT, &tls)) || tls == NULL)
		return rc;
	if ((rc = get_fixed(rl, tls, "mode", mode, sizeof(mode))) ||
	    (rc = get_bool(rl, tls, "established", &t->done)) ||
	    (rc = get_fixed(rl, tls, "protocol", t->protocol,
			    sizeof(t->protocol))) ||
	    (rc = get_fixed(rl, tls, "cipher", t->cipher,
			    sizeof(t->cipher))) ||
	    (rc = get_fixed(rl, tls, "subject", t->subject,
			    sizeof(t->subject))) ||
	    (rc = get_fixed(rl, tls, "issuer", t->issuer,
			    sizeof(t->issuer))) ||
	    (rc = get_bool(rl, tls, "verified", &t->verify_ok)) ||
	    (rc = get_fixed(rl, tls, "verify_result", t->verify,
			    sizeof(t->verify))) ||
	    (rc = get_fixed(rl, tls, "error", s->tls_error,
			    sizeof(s->tls_error))))
		return rc;
	t->have_cert = t->subject[0] != '\0';
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(mode, sc_tls_mode_name(modes[i])) == 0)
			s->tls_mode = modes[i];
	return SC_OK;
}

/* load_server - what the probe learned, or nothing when null */
static int load_server(struct rl *rl, const struct sc_json *root,
		       struct sc_loaded *l)
{
	struct sc_server_info *s = &l->server;
	const struct sc_json *o;
	long long greeting, ehlo;
	int rc;

	snprintf(rl->where, sizeof(rl->where), "server");
	if ((rc = want(rl, root, "server", SC_JSON_OBJECT, &o)) || o == NULL)
		return rc;
	if ((rc = get_bool(rl, o, "reachable", &s->reachable)) ||
	    (rc = get_fixed(rl, o, "error", s->error, sizeof(s->error))) ||
	    (rc = get_count(rl, o, "greeting_code", 999, &greeting)) ||
	    (rc = get_raw(rl, o, "banner", &s->banner, &s->banner_len)) ||
	    (rc = get_count(rl, o, "ehlo_code", 999, &ehlo)) ||
	    (rc = load_caps(rl, o, &s->caps)) ||
	    (rc = load_server_tls(rl, o, s)))
		return rc;
	/* A banner the writer clipped: the HTML page counts anew. */
	if (s->banner != NULL)
		s->banner_len = strip_clipped(s->banner, s->banner_len,
					      SC_TRANSCRIPT_ENTRY_KEEP);
	s->greeting_code = (int)greeting;
	s->ehlo_code = (int)ehlo;
	l->info.server = s;
	return SC_OK;
}

/* load_tags - the scenario's tags, all strings */
static int load_tags(struct rl *rl, const struct sc_json *r,
		     struct sc_scenario *sc)
{
	const struct sc_json *tags;
	size_t i;
	int rc;

	if ((rc = want(rl, r, "tags", SC_JSON_ARRAY, &tags)) ||
	    tags == NULL || tags->len == 0)
		return rc;
	if ((sc->tags = calloc(tags->len, sizeof(*sc->tags))) == NULL)
		return sc_error_set(rl->err, SC_ERR_NOMEM, "out of memory");
	for (i = 0; i < tags->len; i++) {
		if (tags->items[i].type != SC_JSON_STRING)
			return rl_fail(rl, &tags->items[i], "tags: expected "
				       "strings");
		sc->tags[i] = strdup(tags->items[i].str);
		if (sc->tags[i] == NULL)
			return sc_error_set(rl->err, SC_ERR_NOMEM,
					    "out of memory");
		sc->ntags++;
	}
	return SC_OK;
}

/* load_scenario - the scenario's own fields */
static int load_scenario(struct rl *rl, const struct sc_json *r,
			 struct sc_scenario *sc)
{
	const struct sc_json *id = sc_json_get(r, "id");
	int rc, set;

	if (id == NULL || id->type != SC_JSON_STRING)
		return rl_fail(rl, id ? id : r, "id: a result needs a string "
			       "id");
	if ((rc = get_str(rl, r, "id", &sc->id)) ||
	    (rc = get_str(rl, r, "title", &sc->title)) ||
	    (rc = get_str(rl, r, "rfc", &sc->rfc)) ||
	    (rc = get_level(rl, r, "level", &sc->level, &set)) ||
	    (rc = load_tags(rl, r, sc)) ||
	    (rc = get_str(rl, r, "quote", &sc->quote)) ||
	    (rc = get_str(rl, r, "why", &sc->why)) ||
	    (rc = get_str(rl, r, "when", &sc->when)))
		return rc;
	return get_str(rl, r, "path", &sc->path);
}

/* tx_kind_of - the enum for a "kind" name */
static enum sc_tx_kind tx_kind_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tx_kinds) / sizeof(tx_kinds[0]); i++)
		if (strcmp(name, tx_kinds[i]) == 0)
			return (enum sc_tx_kind)i;
	return SC_TX_EVENT;
}

/* load_tx_entry - one transcript[] element, through sc_result_add_tx */
static int load_tx_entry(struct rl *rl, const struct sc_json *e,
			 struct sc_result *r)
{
	const struct sc_json *kind, *session;
	long long t_ms, line, bytes;
	char *raw;
	size_t len;
	long idx;
	int rc, failed;

	if (e->type != SC_JSON_OBJECT)
		return rl_fail(rl, e, "expected an object, found %s",
			       sc_json_type_name(e->type));
	if ((rc = want(rl, e, "kind", SC_JSON_STRING, &kind)) ||
	    (rc = want(rl, e, "session", SC_JSON_STRING, &session)) ||
	    (rc = get_int(rl, e, "t_ms", &t_ms)) ||
	    (rc = get_count(rl, e, "line", 0xffffffffLL, &line)) ||
	    (rc = get_bool(rl, e, "failed", &failed)) ||
	    (rc = get_count(rl, e, "bytes", 1LL << 62, &bytes)) ||
	    (rc = get_raw(rl, e, "text", &raw, &len)))
		return rc;
	len = strip_more(raw ? raw : "", len, bytes);
	if ((long long)len > bytes)
		bytes = (long long)len;
	idx = sc_result_add_tx(r, kind ? tx_kind_of(kind->str) : SC_TX_EVENT,
			       session ? session->str : "main",
			       raw ? raw : "", len, (size_t)bytes, t_ms,
			       (unsigned)line);
	free(raw);
	if (idx >= 0)
		r->tx[idx].failed = failed;
	return SC_OK;
}

/* load_transcript - every entry, then the count the writer dropped */
static int load_transcript(struct rl *rl, const struct sc_json *o,
			   struct sc_result *r)
{
	const struct sc_json *tx;
	long long dropped;
	size_t i, base = strlen(rl->where);
	int rc;

	if ((rc = want(rl, o, "transcript", SC_JSON_ARRAY, &tx)) ||
	    (rc = get_count(rl, o, "tx_dropped", 1LL << 40, &dropped)))
		return rc;
	for (i = 0; tx != NULL && i < tx->len; i++) {
		snprintf(rl->where + base, sizeof(rl->where) - base,
			 ".transcript[%zu]", i);
		if ((rc = load_tx_entry(rl, &tx->items[i], r)) != SC_OK)
			return rc;
	}
	rl->where[base] = '\0';
	r->tx_dropped += (size_t)dropped;
	return SC_OK;
}

/* verdict_of - the enum for a verdict name; -1 when unknown */
static int verdict_of(const char *name)
{
	int v;

	for (v = SC_VERDICT_PASS; v <= SC_VERDICT_NOTRUN; v++)
		if (strcmp(name, sc_verdict_name((enum sc_verdict)v)) == 0)
			return v;
	return -1;
}

/* load_verdict - verdict and fail level */
static int load_verdict(struct rl *rl, const struct sc_json *o,
			struct sc_result *r)
{
	const struct sc_json *v = sc_json_get(o, "verdict");
	int set, verdict;

	if (v == NULL || v->type != SC_JSON_STRING)
		return rl_fail(rl, v ? v : o, "verdict: a result needs a "
			       "string verdict");
	if ((verdict = verdict_of(v->str)) < 0)
		return rl_fail(rl, v, "verdict: unknown verdict \"%.40s\"",
			       v->str);
	r->verdict = (enum sc_verdict)verdict;
	return get_level(rl, o, "fail_level", &r->fail_level, &set);
}

/* load_result - one results[] element into r and its scenario */
static int load_result(struct rl *rl, const struct sc_json *o,
		       struct sc_result *r, struct sc_scenario *sc)
{
	long long fail_line;
	int rc;

	if (o->type != SC_JSON_OBJECT)
		return rl_fail(rl, o, "expected an object, found %s",
			       sc_json_type_name(o->type));
	r->scenario = sc;
	if ((rc = load_scenario(rl, o, sc)) ||
	    (rc = load_verdict(rl, o, r)) ||
	    (rc = get_count(rl, o, "fail_line", 0xffffffffLL, &fail_line)) ||
	    (rc = get_str(rl, o, "reason", &r->reason)) ||
	    (rc = get_str(rl, o, "expected", &r->expected)) ||
	    (rc = get_str(rl, o, "observed", &r->observed)) ||
	    (rc = get_str(rl, o, "waiver", &r->waiver)) ||
	    (rc = get_bool(rl, o, "unreachable", &r->unreachable)) ||
	    (rc = get_bool(rl, o, "crashed", &r->crashed)) ||
	    (rc = get_raw(rl, o, "server_output", &r->server_output,
			  &r->server_output_len)) ||
	    (rc = get_int(rl, o, "duration_ms", &r->duration_ms)))
		return rc;
	r->fail_line = (unsigned)fail_line;
	return load_transcript(rl, o, r);
}

/* load_results - the results[] array */
static int load_results(struct rl *rl, const struct sc_json *root,
			struct sc_loaded *l)
{
	const struct sc_json *a = sc_json_get(root, "results");
	size_t i;
	int rc;

	rl->where[0] = '\0';
	if (a == NULL || a->type != SC_JSON_ARRAY)
		return rl_fail(rl, a ? a : root, "results: expected an array");
	if (a->len == 0)
		return SC_OK;
	l->results = calloc(a->len, sizeof(*l->results));
	l->scenarios = calloc(a->len, sizeof(*l->scenarios));
	if (l->results == NULL || l->scenarios == NULL)
		return sc_error_set(rl->err, SC_ERR_NOMEM, "out of memory");
	for (i = 0; i < a->len; i++) {
		snprintf(rl->where, sizeof(rl->where), "results[%zu]", i);
		l->n = i + 1;
		rc = load_result(rl, &a->items[i], &l->results[i],
				 &l->scenarios[i]);
		if (rc != SC_OK)
			return rc;
	}
	return SC_OK;
}

/* sc_results_parse - a results document from memory */
int sc_results_parse(const char *text, size_t len, const char *path,
		     struct sc_loaded *out, struct sc_error *err)
{
	struct sc_json_doc doc;
	struct rl rl;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&doc, 0, sizeof(doc));
	memset(&rl, 0, sizeof(rl));
	rl.path = path ? path : "";
	rl.err = err;
	if ((rc = sc_json_parse(&doc, text, len, path, err)) != SC_OK)
		return rc;
	if ((rc = check_format(&rl, &doc.root)) == SC_OK &&
	    (rc = load_header(&rl, &doc.root, out)) == SC_OK &&
	    (rc = load_server(&rl, &doc.root, out)) == SC_OK)
		rc = load_results(&rl, &doc.root, out);
	sc_json_free(&doc);
	if (rc != SC_OK)
		sc_loaded_free(out);
	return rc;
}

/* read_file - the whole file, bounded by SC_JSON_MAX_INPUT */
static int read_file(const char *path, struct sc_buf *b, struct sc_error *err)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return sc_error_at(err, SC_ERR_IO, path, 0, 0, "cannot open: "
				   "%s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > SC_JSON_MAX_INPUT) {
			fclose(f);
			return sc_error_at(err, SC_ERR_LIMIT, path, 0, 0,
					   "larger than %d bytes",
					   SC_JSON_MAX_INPUT);
		}
		sc_buf_append(b, chunk, n);
	}
	if (ferror(f) || b->failed) {
		fclose(f);
		return sc_error_at(err, b->failed ? SC_ERR_NOMEM : SC_ERR_IO,
				   path, 0, 0, "cannot read");
	}
	fclose(f);
	return SC_OK;
}

/* sc_results_load - read and parse one results file */
int sc_results_load(const char *path, struct sc_loaded *out,
		    struct sc_error *err)
{
	struct sc_buf b;
	int rc;

	memset(out, 0, sizeof(*out));
	sc_buf_init(&b, SC_JSON_MAX_INPUT + 1);
	rc = read_file(path, &b, err);
	if (rc == SC_OK)
		rc = sc_results_parse(b.data ? b.data : "", b.len, path, out,
				      err);
	sc_buf_free(&b);
	return rc;
}

/* sc_loaded_free - release everything a load produced */
void sc_loaded_free(struct sc_loaded *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		sc_result_free(&l->results[i]);
		sc_scenario_free(&l->scenarios[i]);
	}
	free(l->results);
	free(l->scenarios);
	free(l->server.banner);
	free(l->tool_version);
	free(l->target);
	free(l->command_line);
	memset(l, 0, sizeof(*l));
}

/*
 * mutate.c - the session-level mutator (mutate.h).
 *
 * A session is split into lines; each mutation is one function of the
 * table below, working on the line vector or, through the command
 * parser's spans (RFC 5321 4.1.1 verbs, 4.1.2 paths and parameters),
 * on one part of one line.  Lengths aim at the limits of RFC 5321
 * 4.5.3.1 (64-octet local part, 255-octet domain, 512-octet command
 * line, 1000-octet text line); line endings at 2.3.8 (only CRLF ends
 * a line); 8-bit bytes at RFC 6531 (UTF-8 only after SMTPUTF8).
 * Whole commands from the dictionary go where the server reads a
 * command: RFC 5321 4.1.1.4 (DATA text up to the "." line), RFC 3030
 * 2 (a BDAT chunk is octets, not lines), RFC 4954 4 (AUTH responses).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smtpconf/command.h"
#include "smtpconf/mutate.h"

struct mline {
	char *p;
	size_t len;
};

/* The session being mutated: its lines and their total size. */
struct mvec {
	struct mline l[SC_FUZZ_MAX_LINES];
	size_t n;
	size_t bytes;
	size_t max;		/* the caller's buffer */
};

/* What the server makes of the next line, as the session itself shows
 * (the mutator sees no replies: it assumes each command is accepted). */
enum mstate {
	MS_COMMAND,	/* a command */
	MS_TEXT,	/* message text, up to the "." line (DATA) */
	MS_CHUNK,	/* octets of a BDAT chunk */
	MS_SASL,	/* a response in an AUTH exchange */
	MS_DONE		/* nothing: after QUIT or STARTTLS */
};

/* The walk through a session: state and what is left of it. */
struct mwalk {
	enum mstate st;
	unsigned long long chunk;	/* chunk octets still to come */
	unsigned sasl;		/* AUTH responses still to come */
};

typedef int (*mut_fn)(struct sc_mutator *m, struct mvec *v,
		      const char *other, size_t olen);

static int mut_insert(struct sc_mutator *, struct mvec *, const char *,
		      size_t);
static int mut_drop(struct sc_mutator *, struct mvec *, const char *,
		    size_t);
static int mut_repeat(struct sc_mutator *, struct mvec *, const char *,
		      size_t);
static int mut_swap(struct sc_mutator *, struct mvec *, const char *,
		    size_t);
static int mut_splice(struct sc_mutator *, struct mvec *, const char *,
		      size_t);
static int mut_verb(struct sc_mutator *, struct mvec *, const char *,
		    size_t);
static int mut_path(struct sc_mutator *, struct mvec *, const char *,
		    size_t);
static int mut_param(struct sc_mutator *, struct mvec *, const char *,
		     size_t);
static int mut_length(struct sc_mutator *, struct mvec *, const char *,
		      size_t);
static int mut_case(struct sc_mutator *, struct mvec *, const char *,
		    size_t);
static int mut_eol(struct sc_mutator *, struct mvec *, const char *,
		   size_t);
static int mut_nul(struct sc_mutator *, struct mvec *, const char *,
		   size_t);
static int mut_utf8(struct sc_mutator *, struct mvec *, const char *,
		    size_t);
static int mut_dict(struct sc_mutator *, struct mvec *, const char *,
		    size_t);
static int mut_number(struct sc_mutator *, struct mvec *, const char *,
		      size_t);
static int mut_byte(struct sc_mutator *, struct mvec *, const char *,
		    size_t);
static int mut_command(struct sc_mutator *, struct mvec *, const char *,
		       size_t);

/* The mutation table, in enum sc_mutation order: name, function, weight. */
static const struct mut_op {
	const char *name;
	mut_fn fn;
	unsigned weight;
} mut_ops[SC_MUT_COUNT] = {
	{ "insert", mut_insert, 8 },
	{ "drop", mut_drop, 4 },
	{ "repeat", mut_repeat, 4 },
	{ "swap", mut_swap, 3 },
	{ "splice", mut_splice, 3 },
	{ "verb", mut_verb, 6 },
	{ "path", mut_path, 6 },
	{ "param", mut_param, 6 },
	{ "length", mut_length, 3 },
	{ "case", mut_case, 2 },
	{ "eol", mut_eol, 3 },
	{ "nul", mut_nul, 2 },
	{ "utf8", mut_utf8, 3 },
	{ "dict", mut_dict, 6 },
	{ "number", mut_number, 3 },
	{ "byte", mut_byte, 1 },
	{ "command", mut_command, 8 },
};

/* Commands a client may send, for insertion (RFC 5321 4.1.1 and the
 * extensions of command.h).  QUIT is left out: it ends the session. */
static const char *const templates[] = {
	"EHLO fuzz.example.org\r\n",
	"HELO fuzz.example.org\r\n",
	"MAIL FROM:<fuzz@example.org>\r\n",
	"MAIL FROM:<> BODY=8BITMIME SIZE=100\r\n",
	"RCPT TO:<postmaster@example.org>\r\n",
	"RCPT TO:<Postmaster>\r\n",
	"DATA\r\n",
	"Subject: fuzz\r\n\r\nbody\r\n.\r\n",
	".\r\n",
	"BDAT 6 LAST\r\nbody\r\n",
	"BDAT 0 LAST\r\n",
	"BDAT 4\r\nbody",
	"RSET\r\n",
	"NOOP\r\n",
	"VRFY postmaster\r\n",
	"EXPN staff\r\n",
	"HELP\r\n",
	"HELP MAIL\r\n",
	"AUTH PLAIN AHVzZXIAcGFzcw==\r\n",
	"AUTH LOGIN\r\n",
	"dXNlcg==\r\n",
	"*\r\n",
	"STARTTLS\r\n",
	"ETRN example.org\r\n",
	"TURN\r\n",
	"\r\n",
};

/* Paths for MAIL and RCPT (RFC 5321 4.1.2, 4.1.3, RFC 6531). */
static const char *const paths[] = {
	"<>", "<postmaster>", "<Postmaster>", "<a@example.org>",
	"<@a.example,@b.example:x@example.org>", "<\"a b\"@example.org>",
	"<\"a\\\"b\"@example.org>", "<x@[127.0.0.1]>", "<x@[IPv6:::1]>",
	"<x@[IPv6:1:2:3:4:5:6:7:8]>", "<x@[tag:stuff]>", "a@example.org",
	"<a@example.org", "a@example.org>", "<<a@example.org>>",
	"<\xc3\xa9@ex\xc3\xa4mple.org>", "<a@-bad-.example>", "<a@.>",
	"<a..b@example.org>", "<.a@example.org>", "<a@example.org.>",
	"<@>", "<:a@example.org>", "< a@example.org>", "<a@example.org >",
};

/* ESMTP parameters (RFC 1870, 6152, 6531, 3461, 4954, 3030). */
static const char *const params[] = {
	" SIZE=100", " SIZE=0", " SIZE=99999999999999999999", " SIZE=-1",
	" SIZE=", " SIZE", " BODY=7BIT", " BODY=8BITMIME",
	" BODY=BINARYMIME", " BODY=X", " SMTPUTF8", " SMTPUTF8=yes",
	" RET=HDRS", " RET=FULL", " ENVID=abc+2Bdef", " NOTIFY=NEVER",
	" NOTIFY=SUCCESS,FAILURE,DELAY", " ORCPT=rfc822;a@example.org",
	" AUTH=<>", " AUTH=a+2Bb@example.org", " X-UNKNOWN=1", " =x",
	" SIZE=1 SIZE=2", "  SIZE=1", "\tSIZE=1", " MT-PRIORITY=3",
	" REQUIRETLS", " HOLDFOR=10",
};

/* Line terminators (RFC 5321 2.3.8): the right one and the tricks. */
static const char *const eols[] = {
	"\r\n", "\n", "\r", "", "\r\r\n", "\n\r", " \r\n", "\r\n\r\n",
	"\r\n.\r\n", "\n.\n", "\r\0\n",
};
static const size_t eol_lens[] = { 2, 1, 1, 0, 3, 2, 3, 4, 5, 3, 3 };

/* UTF-8, good and broken (RFC 3629; RFC 6531 for where it may go). */
static const char *const utf8s[] = {
	"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc0\xaf",
	"\x80", "\xff", "\xe2\x82", "\xef\xbb\xbf", "\xed\xa0\x80",
	"\xf4\x90\x80\x80", "\xc2\xa0",
};

/* Numbers at the edges: BDAT sizes, SIZE values. */
static const char *const numbers[] = {
	"0", "1", "2", "511", "512", "513", "999", "1000", "1001", "65536",
	"2147483647", "2147483648", "4294967295", "4294967296",
	"18446744073709551615", "18446744073709551616", "-1", "00001",
	"1e3", "",
};

/* Lengths around the RFC 5321 4.5.3.1 limits. */
static const size_t lengths[] = {
	63, 64, 65, 254, 255, 256, 257, 509, 510, 511, 512, 513, 998, 999,
	1000, 1001, 2048, 4096,
};

/* The built-in seed sessions; corpora/live/ holds the same. */
static const char *const seeds[] = {
	"EHLO fuzz.example.org\r\nMAIL FROM:<fuzz@example.org>\r\n"
	"RCPT TO:<postmaster@example.org>\r\nDATA\r\n"
	"Subject: fuzz\r\n\r\nhello\r\n.\r\nQUIT\r\n",
	"EHLO fuzz.example.org\r\n"
	"MAIL FROM:<fuzz@example.org> SIZE=100 BODY=8BITMIME\r\n"
	"RCPT TO:<postmaster@example.org>\r\nRCPT TO:<Postmaster>\r\n"
	"RSET\r\nQUIT\r\n",
	"EHLO fuzz.example.org\r\nMAIL FROM:<fuzz@example.org>\r\n"
	"RCPT TO:<postmaster@example.org>\r\nBDAT 14 LAST\r\n"
	"Subject: x\r\n\r\nQUIT\r\n",
	"EHLO fuzz.example.org\r\nAUTH PLAIN AHVzZXIAcGFzcw==\r\n"
	"MAIL FROM:<fuzz@example.org>\r\nQUIT\r\n",
	"EHLO fuzz.example.org\r\nAUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n"
	"QUIT\r\n",
	"EHLO fuzz.example.org\r\nVRFY postmaster\r\nEXPN staff\r\n"
	"HELP\r\nNOOP\r\nETRN example.org\r\nQUIT\r\n",
	"EHLO fuzz.example.org\r\nSTARTTLS\r\nQUIT\r\n",
	"HELO fuzz.example.org\r\nMAIL FROM:<>\r\n"
	"RCPT TO:<postmaster@example.org>\r\nDATA\r\n"
	"..leading dot\r\n.\r\nQUIT\r\n",
};

/* sc_rng_seed - start the generator from a seed */
void sc_rng_seed(struct sc_rng *r, unsigned long long seed)
{
	r->state = seed;
}

/* sc_rng_next - the next 64 random bits (splitmix64) */
unsigned long long sc_rng_next(struct sc_rng *r)
{
	unsigned long long z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* sc_rng_below - a number in [0, n); 0 when n is 0 */
size_t sc_rng_below(struct sc_rng *r, size_t n)
{
	return n == 0 ? 0 : (size_t)(sc_rng_next(r) % n);
}

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PICK(m, a)	((a)[sc_rng_below(&(m)->rng, NELEM(a))])

/* sc_mutator_init - a mutator with an empty dictionary */
void sc_mutator_init(struct sc_mutator *m, unsigned long long seed)
{
	memset(m, 0, sizeof(*m));
	sc_rng_seed(&m->rng, seed);
}

/* is_alpha - an ASCII letter (no locale: bytes are bytes) */
static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* is_word_char - a letter, digit or "-", as in verbs and keywords */
static int is_word_char(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '-';
}

/*
 * token_word - the length of the command word a token starts with: a
 * letter, then letters, digits and "-" (RFC 5321 4.1.1 verbs, 4.1.1.1
 * ehlo-keywords), three or more, ending the token or followed by a
 * blank, ":" or "=".  0 when the token is no such word.  *verb says
 * it is an upper-case word followed by a blank or ":", as smtp.dict
 * writes its verbs ("XCLIENT ", "MAIL FROM:").
 */
static size_t token_word(const char *t, size_t len, int *verb)
{
	size_t k = 0;
	int upper = 1;

	*verb = 0;
	if (len == 0 || !is_alpha(t[0]))
		return 0;
	for (; k < len && is_word_char(t[k]); k++)
		if (t[k] >= 'a' && t[k] <= 'z')
			upper = 0;
	if (k < 3)
		return 0;
	if (k < len && t[k] != ' ' && t[k] != ':' && t[k] != '=')
		return 0;
	*verb = upper && k < len && t[k] != '=';
	return k;
}

/* sc_mutator_add_token - add one dictionary entry (copied) */
int sc_mutator_add_token(struct sc_mutator *m, const char *tok, size_t len)
{
	char *copy;
	int verb;

	if (len == 0 || len > SC_FUZZ_TOKEN_MAX ||
	    m->ntokens >= SC_FUZZ_MAX_TOKENS)
		return SC_ERR_LIMIT;
	copy = malloc(len);
	if (copy == NULL)
		return SC_ERR_NOMEM;
	memcpy(copy, tok, len);
	if (token_word(copy, len, &verb) > 0) {
		m->words[m->nwords++] = m->ntokens;
		if (verb)
			m->verbs[m->nverbs++] = m->ntokens;
	}
	m->tokens[m->ntokens] = copy;
	m->token_len[m->ntokens++] = len;
	return SC_OK;
}

/* hex_value - the value of one hex digit, or -1 */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* dict_value - unescape the quoted value at p; its length or -1 */
static long dict_value(const char *p, const char *end, char *out)
{
	long n = 0;
	int hi, lo;

	for (; p < end && *p != '"'; p++) {
		if (n >= SC_FUZZ_TOKEN_MAX)
			return -1;
		if (*p != '\\') {
			out[n++] = *p;
			continue;
		}
		if (++p == end)
			return -1;
		if (*p == '\\' || *p == '"') {
			out[n++] = *p;
			continue;
		}
		if (*p != 'x' || end - p < 3 ||
		    (hi = hex_value(p[1])) < 0 || (lo = hex_value(p[2])) < 0)
			return -1;
		out[n++] = (char)(hi * 16 + lo);
		p += 2;
	}
	if (p == end || p + 1 != end)
		return -1;	/* no closing quote, or text after it */
	return n;
}

/* dict_line - one line of a dictionary; SC_OK or SC_ERR_SYNTAX */
static int dict_line(struct sc_mutator *m, const char *p, const char *end)
{
	char value[SC_FUZZ_TOKEN_MAX];
	const char *q;
	long n;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r'))
		end--;
	if (p == end || *p == '#')
		return SC_OK;
	q = memchr(p, '"', (size_t)(end - p));
	if (q == NULL || (q > p && q[-1] != '='))
		return SC_ERR_SYNTAX;
	n = dict_value(q + 1, end, value);
	if (n < 0)
		return SC_ERR_SYNTAX;
	if (n > 0 && m->ntokens < SC_FUZZ_MAX_TOKENS)
		return sc_mutator_add_token(m, value, (size_t)n);
	return SC_OK;
}

/* sc_mutator_load_dict - the entries of a libFuzzer dictionary text */
int sc_mutator_load_dict(struct sc_mutator *m, const char *text,
			 size_t len, const char *file, struct sc_error *err)
{
	const char *p = text, *end = text + len, *nl;
	unsigned line = 0;
	int rc;

	if (len > SC_FUZZ_DICT_MAX)
		return sc_error_at(err, SC_ERR_LIMIT, file, 0, 0, "dictionary "
				   "is larger than %u bytes",
				   (unsigned)SC_FUZZ_DICT_MAX);
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		rc = dict_line(m, p, nl);
		if (rc == SC_ERR_SYNTAX)
			return sc_error_at(err, rc, file, line, 0, "bad "
					   "dictionary entry: expected "
					   "name=\"value\" or \"value\"");
		if (rc != SC_OK)
			return sc_error_at(err, rc, file, line, 0,
					   "cannot keep this entry");
		p = nl + (nl < end);
	}
	return SC_OK;
}

/* load_dict_file - a dictionary file into the mutator; ENOENT is no error */
static int load_dict_file(struct sc_mutator *m, const char *path,
			  int must_exist, struct sc_error *err)
{
	char *text;
	size_t n;
	FILE *fp;
	int rc;

	fp = fopen(path, "rb");
	if (fp == NULL && !must_exist && errno == ENOENT)
		return SC_OK;
	if (fp == NULL)
		return sc_error_at(err, SC_ERR_IO, path, 0, 0, "cannot open "
				   "the dictionary: %s", strerror(errno));
	text = malloc(SC_FUZZ_DICT_MAX + 1);
	if (text == NULL) {
		fclose(fp);
		return sc_error_set(err, SC_ERR_NOMEM, "out of memory");
	}
	/* One byte more than the limit, so that an oversized file is seen. */
	n = fread(text, 1, SC_FUZZ_DICT_MAX + 1, fp);
	if (ferror(fp))
		rc = sc_error_at(err, SC_ERR_IO, path, 0, 0, "cannot read the "
				 "dictionary");
	else
		rc = sc_mutator_load_dict(m, text, n, path, err);
	fclose(fp);
	free(text);
	return rc;
}

/* sc_mutator_load_default_dict - $SMTPCONF_FUZZ_DICT, else beside us */
int sc_mutator_load_default_dict(struct sc_mutator *m, struct sc_error *err)
{
	const char *env = getenv("SMTPCONF_FUZZ_DICT");
	char exe[4096], *slash;
	ssize_t n;

	if (env != NULL && *env)
		return load_dict_file(m, env, 1, err);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - sizeof("smtp.dict"));
	if (n <= 0 || (size_t)n >= sizeof(exe) - sizeof("smtp.dict"))
		return SC_OK;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return SC_OK;
	memcpy(slash + 1, "smtp.dict", sizeof("smtp.dict"));
	return load_dict_file(m, exe, 0, err);
}

/* sc_mutator_free - release the dictionary */
void sc_mutator_free(struct sc_mutator *m)
{
	size_t i;

	for (i = 0; i < m->ntokens; i++)
		free(m->tokens[i]);
	m->ntokens = 0;
	m->nwords = 0;
	m->nverbs = 0;
}

/* vec_free - release every line */
static void vec_free(struct mvec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->l[i].p);
	v->n = 0;
	v->bytes = 0;
}

/* vec_insert - a copy of p[0..len) as a new line at index at */
static int vec_insert(struct mvec *v, size_t at, const char *p, size_t len)
{
	char *copy;

	if (v->n >= SC_FUZZ_MAX_LINES || v->bytes + len > v->max ||
	    at > v->n)
		return -1;
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return -1;
	if (len)
		memcpy(copy, p, len);
	memmove(&v->l[at + 1], &v->l[at], (v->n - at) * sizeof(v->l[0]));
	v->l[at].p = copy;
	v->l[at].len = len;
	v->n++;
	v->bytes += len;
	return 0;
}

/* vec_insert_text - text split into lines, inserted at index at */
static int vec_insert_text(struct mvec *v, size_t at, const char *text,
			   size_t len)
{
	size_t n;
	int done = -1;

	while (len > 0) {
		n = sc_command_line_len(text, len);
		if (vec_insert(v, at++, text, n) < 0)
			break;
		done = 0;
		text += n;
		len -= n;
	}
	return done;
}

/* vec_remove - drop line i */
static void vec_remove(struct mvec *v, size_t i)
{
	v->bytes -= v->l[i].len;
	free(v->l[i].p);
	memmove(&v->l[i], &v->l[i + 1], (v->n - i - 1) * sizeof(v->l[0]));
	v->n--;
}

/* line_replace - replace bytes [off, off+len) of line i with w[0..wlen) */
static int line_replace(struct mvec *v, size_t i, size_t off, size_t len,
			const char *w, size_t wlen)
{
	struct mline *l = &v->l[i];
	size_t nlen = l->len - len + wlen;
	char *p;

	if (off + len > l->len || v->bytes - len + wlen > v->max)
		return -1;
	p = malloc(nlen ? nlen : 1);
	if (p == NULL)
		return -1;
	memcpy(p, l->p, off);
	if (wlen)
		memcpy(p + off, w, wlen);
	memcpy(p + off + wlen, l->p + off + len, l->len - off - len);
	free(l->p);
	v->bytes = v->bytes - len + wlen;
	l->p = p;
	l->len = nlen;
	return 0;
}

/* vec_open - data[0..size) split into lines, in a buffer of max bytes;
 * NULL when out of memory */
static struct mvec *vec_open(const char *data, size_t size, size_t max)
{
	struct mvec *v = malloc(sizeof(*v));

	if (v == NULL)
		return NULL;
	v->n = 0;
	v->bytes = 0;
	v->max = max;
	vec_insert_text(v, 0, data, size);
	return v;
}

/* vec_close - the lines, concatenated, into data; frees v; the new size */
static size_t vec_close(struct mvec *v, char *data, size_t max)
{
	size_t i, n = 0, k;

	for (i = 0; i < v->n && n < max; i++) {
		k = v->l[i].len < max - n ? v->l[i].len : max - n;
		memcpy(data + n, v->l[i].p, k);
		n += k;
	}
	vec_free(v);
	free(v);
	return n;
}

/* pick_line - a line index, rarely the first (EHLO must get through) */
static size_t pick_line(struct sc_mutator *m, const struct mvec *v)
{
	if (v->n > 1 && sc_rng_below(&m->rng, 10) != 0)
		return 1 + sc_rng_below(&m->rng, v->n - 1);
	return sc_rng_below(&m->rng, v->n);
}

/* content_len - bytes of line i before its terminator (CR and LF) */
static size_t content_len(const struct mline *l)
{
	size_t n = l->len;

	while (n > 0 && (l->p[n - 1] == '\n' || l->p[n - 1] == '\r'))
		n--;
	return n;
}

/* parse_line - the command parser's view of line i */
static void parse_line(const struct mvec *v, size_t i, struct sc_command *c)
{
	sc_command_parse(v->l[i].p, v->l[i].len, c);
}

/* mut_insert - a known command or a dictionary token as a new line */
static int mut_insert(struct sc_mutator *m, struct mvec *v,
		      const char *other, size_t olen)
{
	size_t at = v->n ? 1 + sc_rng_below(&m->rng, v->n) : 0;
	char line[SC_FUZZ_TOKEN_MAX + 2];
	size_t k;
	const char *t;

	(void)other;
	(void)olen;
	if (m->ntokens == 0 || sc_rng_below(&m->rng, 4) != 0) {
		t = PICK(m, templates);
		return vec_insert_text(v, at, t, strlen(t));
	}
	k = sc_rng_below(&m->rng, m->ntokens);
	memcpy(line, m->tokens[k], m->token_len[k]);
	memcpy(line + m->token_len[k], "\r\n", 2);
	return vec_insert(v, at, line, m->token_len[k] + 2);
}

/* mut_drop - remove a line */
static int mut_drop(struct sc_mutator *m, struct mvec *v, const char *other,
		    size_t olen)
{
	(void)other;
	(void)olen;
	if (v->n < 2)
		return -1;
	vec_remove(v, pick_line(m, v));
	return 0;
}

/* mut_repeat - repeat a line (up to 12 times: error-limit territory) */
static int mut_repeat(struct sc_mutator *m, struct mvec *v,
		      const char *other, size_t olen)
{
	size_t i, k, times = 1 + sc_rng_below(&m->rng, 12);

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	for (k = 0; k < times; k++)
		if (vec_insert(v, i + 1, v->l[i].p, v->l[i].len) < 0)
			return k ? 0 : -1;
	return 0;
}

/* mut_swap - exchange two lines */
static int mut_swap(struct sc_mutator *m, struct mvec *v, const char *other,
		    size_t olen)
{
	struct mline t;
	size_t a, b;

	(void)other;
	(void)olen;
	if (v->n < 2)
		return -1;
	a = pick_line(m, v);
	b = pick_line(m, v);
	if (a == b)
		return -1;
	t = v->l[a];
	v->l[a] = v->l[b];
	v->l[b] = t;
	return 0;
}

/* mut_splice - lines from another session (or a seed) replace the tail */
static int mut_splice(struct sc_mutator *m, struct mvec *v,
		      const char *other, size_t olen)
{
	size_t cut, from, n;
	const char *p;

	if (other == NULL || olen == 0)
		other = sc_fuzz_seed(sc_rng_below(&m->rng, NELEM(seeds)),
				     &olen);
	/* Start the borrowed part at a line boundary of the other. */
	from = sc_rng_below(&m->rng, olen);
	for (p = other; p < other + olen; p += n) {
		n = sc_command_line_len(p, olen - (size_t)(p - other));
		if ((size_t)(p - other) + n > from)
			break;
	}
	cut = v->n ? 1 + sc_rng_below(&m->rng, v->n) : 0;
	while (v->n > cut)
		vec_remove(v, v->n - 1);
	return vec_insert_text(v, v->n, p, olen - (size_t)(p - other));
}

/* token_trimmed - a dictionary token without the blanks around it */
static const char *token_trimmed(struct sc_mutator *m, size_t *len)
{
	size_t k = sc_rng_below(&m->rng, m->ntokens);
	const char *t = m->tokens[k];
	size_t n = m->token_len[k];

	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == ':'))
		n--;
	*len = n;
	return t;
}

/* mut_verb - another verb, a dictionary word, or a damaged verb */
static int mut_verb(struct sc_mutator *m, struct mvec *v, const char *other,
		    size_t olen)
{
	const struct sc_verb_info *tab;
	struct sc_command c;
	size_t i, n, wlen;
	const char *w;

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	parse_line(v, i, &c);
	switch (sc_rng_below(&m->rng, 4)) {
	case 0:
		if (m->ntokens == 0)
			return -1;
		w = token_trimmed(m, &wlen);
		break;
	case 1:		/* cut the verb short: "MAI" */
		wlen = c.verb_text.len ? c.verb_text.len - 1 : 0;
		w = v->l[i].p + c.verb_text.off;
		break;
	default:
		tab = sc_verb_table(&n);
		w = tab[sc_rng_below(&m->rng, n)].name;
		wlen = strlen(w);
		break;
	}
	return line_replace(v, i, c.verb_text.off, c.verb_text.len, w, wlen);
}

/* mut_path - another path for a MAIL or RCPT line (or any argument) */
static int mut_path(struct sc_mutator *m, struct mvec *v, const char *other,
		    size_t olen)
{
	struct sc_command c;
	const char *p = PICK(m, paths);
	size_t i;

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	parse_line(v, i, &c);
	if (c.path.present)
		return line_replace(v, i, c.path.whole.off, c.path.whole.len,
				    p, strlen(p));
	if (c.word.len)
		return line_replace(v, i, c.word.off, c.word.len, p,
				    strlen(p));
	return -1;
}

/* mut_param - add a parameter, or drop the parameters of a line */
static int mut_param(struct sc_mutator *m, struct mvec *v,
		     const char *other, size_t olen)
{
	struct sc_command c;
	const char *p = PICK(m, params);
	size_t i, end;

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	parse_line(v, i, &c);
	end = content_len(&v->l[i]);
	if (c.nparams > 0 && sc_rng_below(&m->rng, 4) == 0) {
		size_t from = c.params[0].keyword.off;

		while (from > 0 && v->l[i].p[from - 1] == ' ')
			from--;
		return line_replace(v, i, from, end - from, "", 0);
	}
	return line_replace(v, i, end, 0, p, strlen(p));
}

/* mut_length - stretch a part of a line to a length near a limit */
static int mut_length(struct sc_mutator *m, struct mvec *v,
		      const char *other, size_t olen)
{
	struct sc_command c;
	size_t i, want, at, k;
	char *fill;
	int rc;

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	parse_line(v, i, &c);
	want = PICK(m, lengths);
	/* Grow the local part, the domain, or the whole line. */
	if (c.path.local.len && sc_rng_below(&m->rng, 2))
		at = c.path.local.off;
	else if (c.path.domain.len && sc_rng_below(&m->rng, 2))
		at = c.path.domain.off;
	else
		at = content_len(&v->l[i]);
	k = want > v->l[i].len ? want - v->l[i].len : 1;
	if (v->bytes + k > v->max)
		return -1;
	fill = malloc(k);
	if (fill == NULL)
		return -1;
	memset(fill, "aAx0."[sc_rng_below(&m->rng, 5)], k);
	rc = line_replace(v, i, at, 0, fill, k);
	free(fill);
	return rc;
}

/* mut_case - flip the case of the verb or of the whole line */
static int mut_case(struct sc_mutator *m, struct mvec *v, const char *other,
		    size_t olen)
{
	struct sc_command c;
	size_t i, k, end;
	char *p;

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	parse_line(v, i, &c);
	p = v->l[i].p;
	end = sc_rng_below(&m->rng, 2) ? c.verb_text.off + c.verb_text.len
				       : v->l[i].len;
	for (k = 0; k < end; k++)
		if ((p[k] >= 'a' && p[k] <= 'z') ||
		    (p[k] >= 'A' && p[k] <= 'Z'))
			if (sc_rng_below(&m->rng, 2))
				p[k] ^= 0x20;
	return 0;
}

/* mut_eol - another line ending (RFC 5321 2.3.8) */
static int mut_eol(struct sc_mutator *m, struct mvec *v, const char *other,
		   size_t olen)
{
	size_t i, k = sc_rng_below(&m->rng, NELEM(eols)), end;

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	end = content_len(&v->l[i]);
	return line_replace(v, i, end, v->l[i].len - end, eols[k],
			    eol_lens[k]);
}

/* insert_at_random - w inserted anywhere in a line's content */
static int insert_at_random(struct sc_mutator *m, struct mvec *v,
			    const char *w, size_t wlen)
{
	size_t i, at;

	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	at = sc_rng_below(&m->rng, content_len(&v->l[i]) + 1);
	return line_replace(v, i, at, 0, w, wlen);
}

/* mut_nul - a NUL octet somewhere in a line */
static int mut_nul(struct sc_mutator *m, struct mvec *v, const char *other,
		   size_t olen)
{
	(void)other;
	(void)olen;
	return insert_at_random(m, v, "\0", 1);
}

/* mut_utf8 - a UTF-8 sequence (or a broken one) somewhere in a line */
static int mut_utf8(struct sc_mutator *m, struct mvec *v, const char *other,
		    size_t olen)
{
	const char *u = PICK(m, utf8s);

	(void)other;
	(void)olen;
	return insert_at_random(m, v, u, strlen(u));
}

/* mut_dict - a dictionary token inserted into a line, or replacing it */
static int mut_dict(struct sc_mutator *m, struct mvec *v, const char *other,
		    size_t olen)
{
	size_t k, i;

	(void)other;
	(void)olen;
	if (m->ntokens == 0 || v->n == 0)
		return -1;
	k = sc_rng_below(&m->rng, m->ntokens);
	if (sc_rng_below(&m->rng, 3) != 0)
		return insert_at_random(m, v, m->tokens[k], m->token_len[k]);
	i = pick_line(m, v);
	return line_replace(v, i, 0, content_len(&v->l[i]), m->tokens[k],
			    m->token_len[k]);
}

/* mut_number - a run of digits replaced by an edge value */
static int mut_number(struct sc_mutator *m, struct mvec *v,
		      const char *other, size_t olen)
{
	const char *num = PICK(m, numbers), *p;
	size_t i, a, b, len;

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	p = v->l[i].p;
	len = content_len(&v->l[i]);
	for (a = 0; a < len && (p[a] < '0' || p[a] > '9'); a++)
		;
	if (a == len)
		return -1;
	for (b = a; b < len && p[b] >= '0' && p[b] <= '9'; b++)
		;
	return line_replace(v, i, a, b - a, num, strlen(num));
}

/* mut_byte - one random byte changed (the blind mutation, kept rare) */
static int mut_byte(struct sc_mutator *m, struct mvec *v, const char *other,
		    size_t olen)
{
	size_t i;

	(void)other;
	(void)olen;
	if (v->n == 0)
		return -1;
	i = pick_line(m, v);
	if (v->l[i].len == 0)
		return -1;
	v->l[i].p[sc_rng_below(&m->rng, v->l[i].len)] =
		(char)sc_rng_below(&m->rng, 256);
	return 0;
}

/* walk_command - the state after command line l */
static void walk_command(struct mwalk *w, const struct mline *l)
{
	struct sc_command c;

	sc_command_parse(l->p, l->len, &c);
	switch (c.verb) {
	case SC_VERB_DATA:
		w->st = c.args.len == 0 ? MS_TEXT : MS_COMMAND;
		break;
	case SC_VERB_BDAT:
		/* A chunk longer than any session takes all that follows. */
		w->chunk = c.chunk_size;
		if (c.chunk_size == 0)
			w->st = MS_COMMAND;
		else if (c.chunk_size > SC_FUZZ_SESSION_MAX)
			w->st = MS_DONE;
		else
			w->st = MS_CHUNK;
		break;
	case SC_VERB_AUTH:
		/* LOGIN asks twice (user, password); others once. */
		w->sasl = c.initial.len > 0 || c.word.len == 0 ? 0
			: sc_command_span_eq(&c, &c.word, "LOGIN") ? 2 : 1;
		w->st = w->sasl > 0 ? MS_SASL : MS_COMMAND;
		break;
	case SC_VERB_QUIT:
	case SC_VERB_STARTTLS:
		w->st = MS_DONE;
		break;
	default:
		break;
	}
}

/* walk_line - the state after line l, read in state w->st */
static void walk_line(struct mwalk *w, const struct mline *l)
{
	switch (w->st) {
	case MS_COMMAND:
		walk_command(w, l);
		break;
	case MS_TEXT:		/* RFC 5321 4.1.1.4: "." CRLF ends it */
		if (content_len(l) == 1 && l->p[0] == '.')
			w->st = MS_COMMAND;
		break;
	case MS_CHUNK:
		if (l->len >= w->chunk)
			w->st = MS_COMMAND;
		else
			w->chunk -= l->len;
		break;
	case MS_SASL:
		if (--w->sasl == 0)
			w->st = MS_COMMAND;
		break;
	case MS_DONE:
		break;
	}
}

/*
 * command_slots - where a new line would be read as a command: indices
 * (1..n, never before the first line) into slot[], their count.
 */
static size_t command_slots(const struct mvec *v, size_t *slot)
{
	struct mwalk w = { MS_COMMAND, 0, 0 };
	size_t i, n = 0;

	for (i = 0; i < v->n && w.st != MS_DONE; i++) {
		if (i > 0 && w.st == MS_COMMAND)
			slot[n++] = i;
		walk_line(&w, &v->l[i]);
	}
	if (v->n > 0 && w.st == MS_COMMAND)
		slot[n++] = v->n;
	return n;
}

/* command_arg - an argument for an inserted command, or NULL for none */
static const char *command_arg(struct sc_mutator *m, size_t *len)
{
	const char *a;
	size_t k;

	switch (sc_rng_below(&m->rng, 6)) {
	case 0:
		a = PICK(m, paths);
		break;
	case 1:
		a = PICK(m, params) + 1;	/* without its blank */
		break;
	case 2:
		if (m->ntokens == 0)
			return NULL;
		k = sc_rng_below(&m->rng, m->ntokens);
		*len = m->token_len[k];
		return m->tokens[k];
	default:
		return NULL;
	}
	*len = strlen(a);
	return a;
}

/*
 * mut_command - a dictionary verb or keyword as a whole command line,
 * at a point where the server reads commands: a verb that only the
 * dictionary knows (XCLIENT, XFORWARD, an EHLO keyword) must reach
 * the command parser, not end up inside message text.
 */
static int mut_command(struct sc_mutator *m, struct mvec *v,
		       const char *other, size_t olen)
{
	size_t slot[SC_FUZZ_MAX_LINES + 1], nslots, k, n, alen = 0;
	char line[2 * SC_FUZZ_TOKEN_MAX + 3];
	const char *arg;
	int verb;

	(void)other;
	(void)olen;
	if (m->nwords == 0 || (nslots = command_slots(v, slot)) == 0)
		return -1;
	/* Half the time a verb: the dictionary lists far more keywords. */
	if (m->nverbs > 0 && sc_rng_below(&m->rng, 2) == 0)
		k = m->verbs[sc_rng_below(&m->rng, m->nverbs)];
	else
		k = m->words[sc_rng_below(&m->rng, m->nwords)];
	n = token_word(m->tokens[k], m->token_len[k], &verb);
	memcpy(line, m->tokens[k], n);
	arg = command_arg(m, &alen);
	if (arg != NULL) {
		line[n++] = ' ';
		memcpy(line + n, arg, alen);
		n += alen;
	}
	memcpy(line + n, "\r\n", 2);
	return vec_insert(v, slot[sc_rng_below(&m->rng, nslots)], line,
			  n + 2);
}

/* pick_op - a mutation, by the weights of the table */
static enum sc_mutation pick_op(struct sc_mutator *m)
{
	unsigned total = 0, r;
	size_t k;

	for (k = 0; k < SC_MUT_COUNT; k++)
		total += mut_ops[k].weight;
	r = (unsigned)sc_rng_below(&m->rng, total);
	for (k = 0; k < SC_MUT_COUNT; k++) {
		if (r < mut_ops[k].weight)
			break;
		r -= mut_ops[k].weight;
	}
	return (enum sc_mutation)k;
}

/* sc_mutate_session - one to four mutations of the session, in place */
size_t sc_mutate_session(struct sc_mutator *m, char *data, size_t size,
			 size_t max, const char *other, size_t other_len)
{
	struct mvec *v;
	size_t want, tries, done = 0;
	enum sc_mutation k;

	if (max == 0)
		return 0;
	if (size > max)
		size = max;
	if ((v = vec_open(data, size, max)) == NULL)
		return size;
	want = 1 + sc_rng_below(&m->rng, 4);
	for (tries = 0; done < want && tries < want * 8; tries++) {
		k = pick_op(m);
		if (mut_ops[k].fn(m, v, other, other_len) == 0) {
			m->applied[k]++;
			done++;
		}
	}
	return vec_close(v, data, max);
}

/* sc_mutate_one - mutation k once, for tests of one mutation */
size_t sc_mutate_one(struct sc_mutator *m, enum sc_mutation k, char *data,
		     size_t size, size_t max)
{
	struct mvec *v;

	if (max == 0 || (unsigned)k >= SC_MUT_COUNT)
		return size < max ? size : max;
	if (size > max)
		size = max;
	if ((v = vec_open(data, size, max)) == NULL)
		return size;
	if (mut_ops[k].fn(m, v, NULL, 0) == 0)
		m->applied[k]++;
	return vec_close(v, data, max);
}

/* sc_mutation_name - "insert", "drop", ... for statistics */
const char *sc_mutation_name(enum sc_mutation k)
{
	return (unsigned)k < SC_MUT_COUNT ? mut_ops[k].name : "unknown";
}

/* sc_fuzz_seed_count - how many built-in seed sessions there are */
size_t sc_fuzz_seed_count(void)
{
	return NELEM(seeds);
}

/* sc_fuzz_seed - built-in seed session i (same as corpora/live/) */
const char *sc_fuzz_seed(size_t i, size_t *len)
{
	if (i >= NELEM(seeds))
		i = 0;
	*len = strlen(seeds[i]);
	return seeds[i];
}

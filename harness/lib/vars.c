/*
 * vars.c - ${name} variables of the scenario language.
 *
 * The built-in defaults live under example.org, which RFC 2606 3
 * reserves for documentation, so a run with no --var never names a
 * real host or mailbox.  Names of the form ehlo.KEYWORD are resolved
 * from the server's EHLO reply at run time and cannot be set here.
 */
#include <string.h>
#include "smtpconf/status.h"
#include "smtpconf/vars.h"

/* builtin_vars - the defaults every run starts with */
static const struct {
	const char *name;
	const char *value;
} builtin_vars[] = {
	{ "client", "smtpconf.example.org" },
	{ "mail_from", "smtpconf@example.org" },
	{ "rcpt", "postmaster@example.org" },
	{ "domain", "example.org" },
	/* RFC 5321 4.5.3.2.7: "An SMTP server SHOULD have a timeout of
	 * at least 5 minutes": the idle scenarios' bound, in seconds
	 * (a test against a mock sets a short one). */
	{ "server_timeout", "300" },
	/* Test credentials (--auth-user, --auth-pass) and their base64
	 * forms for AUTH PLAIN and LOGIN (RFC 4954, RFC 4616); empty until
	 * given, so scenarios that need them say when: $auth_user. */
	{ "auth_user", "" },
	{ "auth_pass", "" },
	{ "auth_plain", "" },
	{ "auth_plain_wrong", "" },
	{ "auth_user_b64", "" },
	{ "auth_pass_b64", "" },
};

/* sc_vars_init - the built-in variables with their defaults */
void sc_vars_init(struct sc_vars *v)
{
	size_t i;

	v->count = 0;
	for (i = 0; i < sizeof(builtin_vars) / sizeof(builtin_vars[0]); i++)
		sc_vars_set(v, builtin_vars[i].name, builtin_vars[i].value);
}

/* var_char_ok - may c appear in a name after its first character? */
static int var_char_ok(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* sc_var_name_valid - [A-Za-z_][A-Za-z0-9_.-]* within SC_VAR_NAME_MAX */
int sc_var_name_valid(const char *name, size_t len)
{
	size_t i;
	int c;

	if (name == NULL || len == 0 || len >= SC_VAR_NAME_MAX)
		return 0;
	c = (unsigned char)name[0];
	if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'))
		return 0;
	for (i = 1; i < len; i++)
		if (!var_char_ok((unsigned char)name[i]))
			return 0;
	return 1;
}

/* vars_find - index of name, or -1 */
static long vars_find(const struct sc_vars *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->count && i < SC_VARS_MAX; i++)
		if (strcmp(v->items[i].name, name) == 0)
			return (long)i;
	return -1;
}

/*
 * sc_vars_set - set or add; SC_ERR_SYNTAX for a bad name, SC_ERR_LIMIT
 * when full or too long.  ehlo.* names are refused: the server's EHLO
 * reply is their only source, and a stored value would never be read.
 */
int sc_vars_set(struct sc_vars *v, const char *name, const char *value)
{
	size_t nlen, vlen;
	long i;

	if (v == NULL || name == NULL || value == NULL)
		return SC_ERR_USAGE;
	nlen = strlen(name);
	if (!sc_var_name_valid(name, nlen) || strncmp(name, "ehlo.", 5) == 0)
		return SC_ERR_SYNTAX;
	vlen = strlen(value);
	if (vlen >= SC_VAR_VALUE_MAX)
		return SC_ERR_LIMIT;
	i = vars_find(v, name);
	if (i < 0) {
		if (v->count >= SC_VARS_MAX)
			return SC_ERR_LIMIT;
		i = (long)v->count++;
		memcpy(v->items[i].name, name, nlen + 1);
	}
	memcpy(v->items[i].value, value, vlen + 1);
	return SC_OK;
}

/* sc_vars_get - value or NULL */
const char *sc_vars_get(const struct sc_vars *v, const char *name)
{
	long i;

	if (v == NULL || name == NULL)
		return NULL;
	i = vars_find(v, name);
	return i < 0 ? NULL : v->items[i].value;
}

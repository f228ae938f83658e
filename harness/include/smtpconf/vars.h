/*
 * vars.h - ${name} variables of the scenario language.
 *
 * Built-in variables (client, mail_from, rcpt, domain) have defaults
 * under the reserved example.org domain (RFC 2606) and are set from the
 * command line; `--var name=value` adds others.  Names of the form
 * ehlo.KEYWORD read the value the server advertised (e.g. ${ehlo.SIZE})
 * and are resolved at run time.
 */
#ifndef SMTPCONF_VARS_H
#define SMTPCONF_VARS_H

#include "smtpconf/limits.h"

struct sc_var {
	char name[SC_VAR_NAME_MAX];
	char value[SC_VAR_VALUE_MAX];
};

struct sc_vars {
	size_t count;
	struct sc_var items[SC_VARS_MAX];
};

/* sc_vars_init - the built-in variables with their defaults */
void sc_vars_init(struct sc_vars *v);
/* sc_vars_set - set or add; SC_ERR_SYNTAX for a bad name, SC_ERR_LIMIT when full or too long */
int sc_vars_set(struct sc_vars *v, const char *name, const char *value);
/* sc_vars_get - value or NULL */
const char *sc_vars_get(const struct sc_vars *v, const char *name);
/* sc_var_name_valid - [A-Za-z_][A-Za-z0-9_.-]* within SC_VAR_NAME_MAX */
int sc_var_name_valid(const char *name, size_t len);

#endif

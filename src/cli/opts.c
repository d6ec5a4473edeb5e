/* opts.c - what every command shares: the option parser, error lines,
 * number parsing, loading a profile and choosing its sample type.
 *
 * The parser is a small re-entrant replacement for getopt_long: its state
 * lives in struct em_opts, options and operands may be mixed, and errors
 * come out in one format ("embers: unknown option '--x'" + a usage line). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "embers/reader.h"

void em_cli_error(const char *fmt, ...)
{
	char msg[EM_ERROR_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "embers: %s\n", msg);
}

int em_cli_usage_error(const struct em_cmd *cmd, const char *fmt, ...)
{
	char msg[EM_ERROR_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "embers: %s\n", msg);
	if (cmd != NULL)
		fprintf(stderr, "usage: embers %s\n", cmd->usage);
	else
		fprintf(stderr, "usage: embers [COMMAND] [options] FILE (see 'embers --help')\n");
	return EM_EXIT_USAGE;
}

void em_opts_init(struct em_opts *st, const struct em_cmd *cmd,
    const struct em_opt *table, int argc, char **argv)
{
	memset(st, 0, sizeof(*st));
	st->cmd = cmd;
	st->table = table;
	st->argc = argc;
	st->argv = argv;
	st->i = 1; /* argv[0] is the command name */
}

/* The option's value: the rest of the word, or the next argument. */
static int take_value(struct em_opts *st, const char *inline_val)
{
	if (inline_val != NULL) {
		st->arg = inline_val;
		return 0;
	}
	if (st->i >= st->argc) {
		em_cli_usage_error(st->cmd, "option '%s' requires a value", st->optname);
		return -1;
	}
	st->arg = st->argv[st->i++];
	return 0;
}

static int parse_long(struct em_opts *st, const char *word)
{
	const char *name = word + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct em_opt *o;

	snprintf(st->optname, sizeof(st->optname), "--%.*s",
	    (int)(len < 60 ? len : 60), name);
	if (len == 4 && strncmp(name, "help", 4) == 0 && eq == NULL)
		return EM_OPTS_HELP;
	for (o = st->table; o != NULL && o->id != 0; o++) {
		if (o->name == NULL || strlen(o->name) != len ||
		    strncmp(o->name, name, len) != 0)
			continue;
		if (o->has_arg == EM_OPT_NOARG) {
			if (eq != NULL) {
				em_cli_usage_error(st->cmd, "option '%s' takes no value",
				    st->optname);
				return EM_OPTS_ERROR;
			}
			st->arg = NULL;
			return o->id;
		}
		return take_value(st, eq ? eq + 1 : NULL) < 0 ? EM_OPTS_ERROR : o->id;
	}
	em_cli_usage_error(st->cmd, "unknown option '%s'", st->optname);
	return EM_OPTS_ERROR;
}

/* One letter of a "-abc" cluster; st->shorts points at it. */
static int parse_short(struct em_opts *st)
{
	int c = (unsigned char)*st->shorts++;
	const struct em_opt *o;

	snprintf(st->optname, sizeof(st->optname), "-%c", isprint(c) ? c : '?');
	if (c == 'h')
		return EM_OPTS_HELP;
	for (o = st->table; o != NULL && o->id != 0; o++) {
		if (o->short_name != c)
			continue;
		if (o->has_arg == EM_OPT_NOARG) {
			st->arg = NULL;
			if (*st->shorts == '\0')
				st->shorts = NULL;
			return o->id;
		}
		if (*st->shorts != '\0') {
			const char *v = st->shorts;

			st->shorts = NULL;
			return take_value(st, v) < 0 ? EM_OPTS_ERROR : o->id;
		}
		st->shorts = NULL;
		return take_value(st, NULL) < 0 ? EM_OPTS_ERROR : o->id;
	}
	st->shorts = NULL;
	em_cli_usage_error(st->cmd, "unknown option '%s'", st->optname);
	return EM_OPTS_ERROR;
}

int em_opts_next(struct em_opts *st)
{
	const char *w;

	if (st->shorts != NULL)
		return parse_short(st);
	if (st->i >= st->argc)
		return EM_OPTS_END;
	w = st->argv[st->i++];
	if (st->only_operands || w[0] != '-' || w[1] == '\0') {
		st->arg = w;
		return EM_OPTS_OPERAND;
	}
	if (strcmp(w, "--") == 0) {
		st->only_operands = 1;
		return em_opts_next(st);
	}
	if (w[1] == '-')
		return parse_long(st, w);
	st->shorts = w + 1;
	return parse_short(st);
}

int em_cli_parse_int(const struct em_cmd *cmd, const char *optname,
    const char *s, long long min, long long max, long long *out)
{
	char *end = NULL;
	long long v;

	errno = 0;
	if (s[0] == '\0' || !(isdigit((unsigned char)s[0]) ||
	    (s[0] == '-' && isdigit((unsigned char)s[1]))))
		goto bad;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	em_cli_usage_error(cmd, "invalid value '%s' for '%s': expected a whole number from %lld to %lld",
	    s, optname, min, max);
	return -1;
}

em_profile *em_cli_load(const char *path)
{
	em_error err;
	em_profile *p;

	err.msg[0] = '\0';
	p = em_read_file(path, NULL, &err);
	if (p == NULL)
		em_cli_error("%s", err.msg[0] ? err.msg : "cannot read the profile");
	return p;
}

/* "'alloc_objects', 'alloc_space'" into buf, cut short with "..." if long. */
static void list_types(const em_profile *p, char *buf, size_t n)
{
	size_t used = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < p->ntypes && used + 1 < n; i++) {
		int w = snprintf(buf + used, n - used, "%s'%s'", i ? ", " : "",
		    em_profile_cstr(p, p->types[i].type));

		if (w < 0 || (size_t)w >= n - used) {
			if (n > 4)
				memcpy(buf + n - 4, "...", 4);
			return;
		}
		used += (size_t)w;
	}
}

int em_cli_sample_type(const em_profile *p, const char *path, const char *want,
    uint32_t *out)
{
	char avail[300];
	int t;

	if (p->ntypes == 0) {
		em_cli_error("'%s': the profile has no sample types", path);
		return -1;
	}
	if (want == NULL) {
		*out = p->default_type < p->ntypes ? p->default_type : 0;
		return 0;
	}
	t = em_profile_find_type(p, want);
	if (t >= 0 && (uint32_t)t < p->ntypes) {
		*out = (uint32_t)t;
		return 0;
	}
	list_types(p, avail, sizeof(avail));
	em_cli_error("'%s': unknown sample type '%s' (available: %s, or an index from 0 to %u)",
	    path, want, avail, p->ntypes - 1);
	return -1;
}

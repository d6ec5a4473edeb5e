/* source.c - `embers source`: the annotated source of every function whose
 * name matches REGEX, like `go tool pprof -list`, as text or CSV.
 *
 * Per-line figures come from em_lines (the same as pprof -list at line
 * granularity); the file comes from em_source (local checkout, GitHub raw
 * fetch, cache, .pyroscope.yaml and the language rules). Each function
 * shows the lines pprof shows: from its start line (or 5 above its first
 * sampled line) to 5 below its last sampled line, stopping at the end of
 * the file. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/source_opts.h"
#include "cli/srcflags.h"
#include "embers/lines.h"
#include "embers/source.h"
#include "embers/textout.h"
#include "embers/units.h"

enum { OPT_PROFILE = 1, OPT_TYPE, OPT_FORMAT };

struct source_args {
	const char *file;
	const char *regex;
	const char *type;
	int csv;
	struct em_src_flags src; /* shared with the viewer (srcflags.h) */
	struct em_srv_args srv;
};

/* ---- output helpers ---------------------------------------------------- */

static const char *value_or_dot(char *buf, size_t n, int64_t v, const char *unit)
{
	if (v == 0)
		return ".";
	return em_fmt_value(buf, n, v, unit);
}

/* ---- one function ------------------------------------------------------ */

struct ctx {
	const em_profile *p;
	const em_lines *l;
	const char *unit;
	int csv;
	em_source *src;
	int warned;
};

static void print_header(const struct ctx *c, const em_func_lines *fl, const char *name,
    size_t nlen, const char *file)
{
	char a[32], b[32], pct[16];

	fputs("ROUTINE ======================== ", stdout);
	em_put_text(stdout, name, nlen, EM_TEXT_KEEP_TAB);
	fputs(" in ", stdout);
	em_put_text(stdout, file, strlen(file), EM_TEXT_KEEP_TAB);
	printf("\n%10s %10s (flat, cum) %s of Total\n",
	    em_fmt_value(a, sizeof(a), fl->self, c->unit),
	    em_fmt_value(b, sizeof(b), fl->total, c->unit),
	    em_fmt_pct(pct, sizeof(pct), fl->total, c->l->total));
}

static void print_row(const struct ctx *c, const em_func_lines *fl, const char *name,
    size_t nlen, const char *file, int64_t line, const char *text, size_t tlen)
{
	const em_line_row *r = em_lines_row(c->l, fl, line);
	int64_t self = r ? r->self : 0, total = r ? r->total : 0;
	char a[32], b[32];

	if (c->csv) {
		em_put_csv(stdout, name, nlen);
		putc(',', stdout);
		em_put_csv(stdout, file, strlen(file));
		printf(",%" PRId64 ",%" PRId64 ",%" PRId64 ",", line, self, total);
		em_put_csv(stdout, text ? text : "", text ? tlen : 0);
		putc('\n', stdout);
		return;
	}
	printf("%10s %10s %6" PRId64 ":", value_or_dot(a, sizeof(a), self, c->unit),
	    value_or_dot(b, sizeof(b), total, c->unit), line);
	if (text)
		em_put_text(stdout, text, tlen, EM_TEXT_KEEP_TAB);
	putc('\n', stdout);
}

/* Without the file there is no end of file to stop at, and a profile may
 * claim line 10^15: then only the lines with weight are printed. */
#define MAX_BLIND_WINDOW 100000

/* The rows of the window; with the file, up to its last line. */
static void print_rows(struct ctx *c, const em_func_lines *fl, const char *name,
    size_t nlen, const char *file, em_source_file *sf)
{
	int64_t start, end, n;
	size_t i;

	em_lines_window(c->p, c->l, fl, &start, &end);
	if (sf->data == NULL && end - start >= MAX_BLIND_WINDOW) {
		for (i = 0; i < fl->n; i++) {
			int64_t line = c->l->rows[fl->first + i].line;

			if (line >= start && line <= end)
				print_row(c, fl, name, nlen, file, line, NULL, 0);
		}
		return;
	}
	for (n = start; n <= end; n++) {
		size_t tlen = 0;
		const char *text = NULL;

		if (sf->data != NULL && (text = em_source_file_line(sf, n, &tlen)) == NULL)
			break; /* end of the file, as pprof */
		print_row(c, fl, name, nlen, file, n, text, tlen);
	}
}

static void print_function(struct ctx *c, const em_func_lines *fl)
{
	const em_function *fn = &c->p->funcs[fl->func];
	const char *name = em_func_name(c->p, fl->func);
	size_t nlen = em_name_len(c->p, fn->name);
	const char *file = em_profile_cstr(c->p, fl->file); /* one routine per file */
	em_source_file sf;

	if (file[0] == '\0') {
		if (!c->csv) {
			fputs("No source information for ", stdout);
			em_put_text(stdout, name, nlen, EM_TEXT_KEEP_TAB);
			putc('\n', stdout);
		}
		return;
	}
	em_source_find(c->src, name, file, NULL, &sf);
	if (sf.warning[0] != '\0' && !c->warned) {
		em_cli_error("warning: %s", sf.warning);
		c->warned = 1;
	}
	if (!c->csv) {
		const char *where = sf.data == NULL ? sf.why : sf.origin;

		print_header(c, fl, name, nlen, file);
		fputs(sf.data == NULL ? " Error: " : " Source: ", stdout);
		em_put_text(stdout, where, strlen(where), EM_TEXT_KEEP_TAB);
		putc('\n', stdout);
	}
	print_rows(c, fl, name, nlen, file, &sf);
	em_source_file_free(&sf);
}

/* ---- choosing the functions ------------------------------------------ */

static int cmp_str(const em_profile *p, em_str x, em_str y)
{
	size_t lx = em_name_len(p, x), ly = em_name_len(p, y);
	int r = memcmp(em_profile_cstr(p, x), em_profile_cstr(p, y), lx < ly ? lx : ly);

	return r ? r : (lx > ly) - (lx < ly);
}

/* Bytewise by name, then file, as pprof orders the routines it lists. */
static int by_name(const void *x, const void *y, void *ctx)
{
	const em_profile *p = ctx;
	const em_func_lines *a = x, *b = y;
	int r = cmp_str(p, p->funcs[a->func].name, p->funcs[b->func].name);

	return r ? r : cmp_str(p, a->file, b->file);
}

/* pprof lists a function's frames without a file only when none of its
 * frames has one ("No source information"); ordered by file, they come
 * first. */
static int hidden(const em_func_lines *order, uint32_t i, uint32_t n)
{
	return order[i].file == 0 && i + 1 < n && order[i + 1].func == order[i].func;
}

/* want[f] = 1 for each function whose name matches re. */
static unsigned char *match_functions(const em_profile *p, const regex_t *re, uint32_t *n)
{
	unsigned char *want = calloc(p->nfuncs ? p->nfuncs : 1, 1);
	uint32_t f;

	*n = 0;
	for (f = 0; want != NULL && f < p->nfuncs; f++)
		if (regexec(re, em_func_name(p, f), 0, NULL, 0) == 0) {
			want[f] = 1;
			(*n)++;
		}
	return want;
}

/* ---- settings ---------------------------------------------------------- */

static em_source *open_source(const struct source_args *a, const em_profile *p)
{
	em_source_opts o;
	em_source *s = NULL;
	em_error err;

	if (em_cli_source_settings(&a->src, &o) < 0)
		return NULL;
	if (em_source_opts_from_labels(&o, p) < 0) {
		em_cli_error("out of memory");
		em_source_opts_free(&o);
		return NULL;
	}
	err.msg[0] = '\0';
	s = em_source_new(&o, &err);
	if (s == NULL)
		em_cli_error("%s", err.msg);
	em_source_opts_free(&o);
	return s;
}

/* ---- the command ----------------------------------------------------- */

static int operand(struct source_args *a, const char *arg)
{
	if (a->regex == NULL) {
		a->regex = arg;
		return 0;
	}
	if (a->file != NULL)
		return em_cli_usage_error(&em_cmd_source, "too many arguments: '%s'", arg), -1;
	/* `source FILE REGEX`: the first operand was the file */
	a->file = a->regex;
	a->regex = arg;
	return 0;
}

static int parse_args(struct source_args *a, int argc, char **argv, int *done)
{
	static const struct em_opt table[] = {
		{ "profile", 0, EM_OPT_ARG, OPT_PROFILE },
		{ "sample-type", 0, EM_OPT_ARG, OPT_TYPE },
		{ "format", 0, EM_OPT_ARG, OPT_FORMAT },
		EM_CLI_SOURCE_OPTS,
		EM_CLI_SERVER_OPTS,
		{ NULL, 0, 0, 0 },
	};
	struct em_opts st;
	int r;

	em_opts_init(&st, &em_cmd_source, table, argc, argv);
	while ((r = em_opts_next(&st)) != EM_OPTS_END) {
		int srv = em_cli_server_opt(&em_cmd_source, &a->srv, r, st.arg);
		int sf = srv == 0 ? em_cli_source_opt(&em_cmd_source, &a->src, r, st.arg) : 0;

		if (srv < 0 || sf < 0)
			return EM_EXIT_USAGE;
		if (srv > 0 || sf > 0)
			continue;
		switch (r) {
		case EM_OPTS_ERROR:
			return EM_EXIT_USAGE;
		case EM_OPTS_HELP:
			em_cli_print_cmd_help(stdout, &em_cmd_source);
			*done = 1;
			return EM_EXIT_OK;
		case EM_OPTS_OPERAND:
			if (operand(a, st.arg) < 0)
				return EM_EXIT_USAGE;
			break;
		case OPT_PROFILE:
			if (a->file != NULL)
				return em_cli_usage_error(&em_cmd_source, "more than one profile given");
			a->file = st.arg;
			break;
		case OPT_TYPE: a->type = st.arg; break;
		case OPT_FORMAT:
			if (strcmp(st.arg, "text") == 0 || strcmp(st.arg, "csv") == 0)
				a->csv = st.arg[0] == 'c';
			else
				return em_cli_usage_error(&em_cmd_source,
				    "unknown format '%s' (use text or csv)", st.arg);
			break;
		}
	}
	if (a->regex == NULL || (a->file == NULL && !a->srv.used))
		return em_cli_usage_error(&em_cmd_source, "no REGEX given");
	return EM_EXIT_OK;
}

/* Print every matching function; EM_EXIT_FAIL when none matches. */
static int list(const struct source_args *a, const em_profile *p, uint32_t type,
    const regex_t *re)
{
	struct ctx c;
	em_func_lines *order;
	em_lines l;
	em_error err;
	unsigned char *want;
	uint32_t nmatch, i;
	char tot[32];
	int rc = EM_EXIT_OK;

	want = match_functions(p, re, &nmatch);
	if (want == NULL) {
		em_cli_error("out of memory");
		return EM_EXIT_FAIL;
	}
	err.msg[0] = '\0';
	if (em_lines_build(&l, p, type, want, &err) < 0) {
		free(want);
		em_cli_error("'%s': %s", a->file, err.msg);
		return EM_EXIT_FAIL;
	}
	free(want);
	if (l.nfuncs == 0) {
		em_lines_free(&l);
		em_cli_error("no function matches '%s'", a->regex);
		return EM_EXIT_FAIL;
	}
	memset(&c, 0, sizeof(c));
	c.p = p;
	c.l = &l;
	c.unit = em_profile_cstr(p, p->types[type].unit);
	c.csv = a->csv;
	c.src = open_source(a, p);
	if (c.src == NULL) {
		em_lines_free(&l);
		return EM_EXIT_USAGE;
	}
	order = malloc(l.nfuncs * sizeof(*order));
	if (order == NULL) {
		em_cli_error("out of memory");
		em_source_free(c.src);
		em_lines_free(&l);
		return EM_EXIT_FAIL;
	}
	memcpy(order, l.funcs, l.nfuncs * sizeof(*order));
	qsort_r(order, l.nfuncs, sizeof(*order), by_name, (void *)p);
	if (c.csv)
		fputs("function,file,line,self,total,source\n", stdout);
	else
		printf("Total: %s\n", em_fmt_value(tot, sizeof(tot), l.total, c.unit));
	for (i = 0; i < l.nfuncs; i++)
		if (!hidden(order, i, l.nfuncs))
			print_function(&c, &order[i]);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		em_cli_error("error writing the output");
		rc = EM_EXIT_FAIL;
	}
	free(order);
	em_source_free(c.src);
	em_lines_free(&l);
	return rc;
}

static int source_run(int argc, char **argv)
{
	struct source_args a;
	em_profile *p;
	regex_t re;
	uint32_t type;
	int done = 0, rc;

	memset(&a, 0, sizeof(a));
	em_srv_args_init(&a.srv);
	rc = parse_args(&a, argc, argv, &done);
	if (rc != EM_EXIT_OK || done)
		return rc;
	rc = regcomp(&re, a.regex, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[256];

		regerror(rc, &re, msg, sizeof(msg));
		return em_cli_usage_error(&em_cmd_source, "invalid regular expression '%s': %s",
		    a.regex, msg);
	}
	p = em_cli_load_any(&em_cmd_source, a.file, &a.srv, &rc);
	if (p == NULL) {
		regfree(&re);
		return rc;
	}
	a.file = em_cli_source_name(a.file, &a.srv);
	if (em_cli_sample_type(p, a.file, a.type, &type) < 0)
		rc = EM_EXIT_USAGE;
	else
		rc = list(&a, p, type, &re);
	regfree(&re);
	em_profile_free(p);
	return rc;
}

const struct em_cmd em_cmd_source = {
	"source",
	"source [options] [--profile FILE | FILE | server options] REGEX",
	"per-line source view of functions matching REGEX (like pprof -list)",
	"options:\n"
	"  --profile FILE            the profile (or give FILE before REGEX)\n"
	"  --sample-type NAME|INDEX  which sample type (default: the profile's default)\n"
	"  --format text|csv         output format (default: text)\n"
	EM_CLI_SOURCE_HELP
	"  -h, --help                show this help\n"
	"\n"
	EM_CLI_SERVER_HELP
	"\n"
	"REGEX is an extended regular expression matched anywhere in function names.\n"
	"Per-line flat (self) and cum (total) equal 'go tool pprof -list'. csv has the\n"
	"header 'function,file,line,self,total,source' with raw integers; source is\n"
	"empty when the file could not be had. A token in GITHUB_TOKEN (or github.token\n"
	"in the config file) is sent only to the GitHub raw URL's host. Fetched files\n"
	"are cached in $XDG_CACHE_HOME/embers.\n",
	source_run,
};

/* top.c - `embers top`: per-function self and total as a text table (like
 * `go tool pprof -top`), CSV or JSON.
 *
 * The figures come from em_top_build; this file only chooses the sample
 * type, sorts, cuts to --limit and prints. CSV and JSON carry raw integers
 * in the sample unit so that scripts never parse "1.2MiB". */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/diff.h"
#include "cli/source_opts.h"
#include "embers/textout.h"
#include "embers/top.h"
#include "embers/units.h"

enum { OPT_TYPE = 1, OPT_SORT, OPT_LIMIT, OPT_FORMAT, OPT_BASE };
enum top_format { TOP_TEXT, TOP_CSV, TOP_JSON };

struct top_args {
	const char *file;
	const char *base; /* --base: compare with this profile (src/cli/diff.c) */
	const char *type;
	int sort;
	long long limit;
	enum top_format format;
	struct em_srv_args srv; /* --url ... instead of FILE */
};

/* ---- output formats -------------------------------------------------- */

static const char *func_name(const em_profile *p, em_func_id f, size_t *len)
{
	*len = em_name_len(p, p->funcs[f].name);
	return em_func_name(p, f);
}

static void print_csv(FILE *out, const em_profile *p, const em_top *t, uint32_t n)
{
	uint32_t i;

	fputs("function,self,total\n", out);
	for (i = 0; i < n; i++) {
		size_t len;
		const char *name = func_name(p, t->rows[i].func, &len);

		em_put_csv(out, name, len);
		fprintf(out, ",%" PRId64 ",%" PRId64 "\n", t->rows[i].self, t->rows[i].total);
	}
}

static void print_json(FILE *out, const em_profile *p, const em_top *t, uint32_t n)
{
	const em_sample_type *st = &p->types[t->type];
	uint32_t i;

	fputs("{\"sample_type\":", out);
	em_put_json(out, em_profile_cstr(p, st->type), em_name_len(p, st->type),
	    EM_JSON_SHORT);
	fputs(",\"unit\":", out);
	em_put_json(out, em_profile_cstr(p, st->unit), em_name_len(p, st->unit),
	    EM_JSON_SHORT);
	fprintf(out, ",\"total\":%" PRId64 ",\"functions\":[", t->total);
	for (i = 0; i < n; i++) {
		size_t len;
		const char *name = func_name(p, t->rows[i].func, &len);

		fputs(i ? ",\n{\"name\":" : "\n{\"name\":", out);
		em_put_json(out, name, len, EM_JSON_SHORT);
		fprintf(out, ",\"self\":%" PRId64 ",\"total\":%" PRId64 "}",
		    t->rows[i].self, t->rows[i].total);
	}
	fputs("\n]}\n", out);
}

/* The five number columns of one text row. */
struct text_row {
	char self[32], self_pct[16], sum_pct[16], total[32], total_pct[16];
};

/* A value in human units; a plain "0" (as pprof prints) for nothing. */
static void text_value(char *buf, size_t n, int64_t v, const char *unit)
{
	if (v == 0)
		snprintf(buf, n, "0");
	else
		em_fmt_value(buf, n, v, unit);
}

static void text_cells(struct text_row *r, const em_top_row *row, int64_t sum,
    int64_t total, const char *unit)
{
	text_value(r->self, sizeof(r->self), row->self, unit);
	em_fmt_pct(r->self_pct, sizeof(r->self_pct), row->self, total);
	em_fmt_pct(r->sum_pct, sizeof(r->sum_pct), sum, total);
	text_value(r->total, sizeof(r->total), row->total, unit);
	em_fmt_pct(r->total_pct, sizeof(r->total_pct), row->total, total);
}

/* Running sum of self for sum%; saturates (mixed-sign values could
 * overflow a partial sum even when the total fits). */
static int64_t add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static int widen(int w, const char *s)
{
	int n = (int)strlen(s);

	return n > w ? n : w;
}

/* Like `go tool pprof -top`, with columns as wide as their widest cell. */
static int print_text(FILE *out, const em_profile *p, const em_top *t, uint32_t n)
{
	const em_sample_type *st = &p->types[t->type];
	const char *unit = em_profile_cstr(p, st->unit);
	int w[5] = { 4, 5, 4, 5, 6 }; /* "self" "self%" "sum%" "total" "total%" */
	struct text_row r;
	char buf[32];
	int64_t sum = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		sum = add_sat(sum, t->rows[i].self);
		text_cells(&r, &t->rows[i], sum, t->total, unit);
		w[0] = widen(w[0], r.self);
		w[1] = widen(w[1], r.self_pct);
		w[2] = widen(w[2], r.sum_pct);
		w[3] = widen(w[3], r.total);
		w[4] = widen(w[4], r.total_pct);
	}
	text_value(buf, sizeof(buf), t->total, unit);
	fputs("Type: ", out);
	em_put_text(out, em_profile_cstr(p, st->type), em_name_len(p, st->type),
	    EM_TEXT_SHORT);
	fprintf(out, "\nShowing %" PRIu32 " of %" PRIu32 " functions, total %s\n",
	    n, t->n, buf);
	fprintf(out, "%*s %*s %*s %*s %*s  %s\n", w[0], "self", w[1], "self%",
	    w[2], "sum%", w[3], "total", w[4], "total%", "name");
	sum = 0;
	for (i = 0; i < n; i++) {
		size_t len;
		const char *name = func_name(p, t->rows[i].func, &len);

		sum = add_sat(sum, t->rows[i].self);
		text_cells(&r, &t->rows[i], sum, t->total, unit);
		fprintf(out, "%*s %*s %*s %*s %*s  ", w[0], r.self, w[1], r.self_pct,
		    w[2], r.sum_pct, w[3], r.total, w[4], r.total_pct);
		em_put_text(out, name, len, EM_TEXT_SHORT);
		putc('\n', out);
	}
	return 0;
}

/* ---- the command ----------------------------------------------------- */

static int parse_args(struct top_args *a, int argc, char **argv, int *done)
{
	static const struct em_opt table[] = {
		{ "sample-type", 0, EM_OPT_ARG, OPT_TYPE },
		{ "sort", 0, EM_OPT_ARG, OPT_SORT },
		{ "limit", 0, EM_OPT_ARG, OPT_LIMIT },
		{ "format", 0, EM_OPT_ARG, OPT_FORMAT },
		{ "base", 0, EM_OPT_ARG, OPT_BASE },
		EM_CLI_SERVER_OPTS,
		{ NULL, 0, 0, 0 },
	};
	struct em_opts st;
	int r;

	em_srv_args_init(&a->srv);
	em_opts_init(&st, &em_cmd_top, table, argc, argv);
	while ((r = em_opts_next(&st)) != EM_OPTS_END) {
		switch (r) {
		case EM_OPTS_ERROR:
			return EM_EXIT_USAGE;
		case EM_OPTS_HELP:
			em_cli_print_cmd_help(stdout, &em_cmd_top);
			*done = 1;
			return EM_EXIT_OK;
		case EM_OPTS_OPERAND:
			if (a->file != NULL)
				return em_cli_usage_error(&em_cmd_top,
				    "too many arguments: '%s'", st.arg);
			a->file = st.arg;
			break;
		case OPT_TYPE:
			a->type = st.arg;
			break;
		case OPT_BASE:
			a->base = st.arg;
			break;
		case OPT_SORT:
			a->sort = em_sort_parse(st.arg);
			if (a->sort < 0)
				return em_cli_usage_error(&em_cmd_top,
				    "unknown sort '%s' (use self, total or name)", st.arg);
			break;
		case OPT_LIMIT:
			if (em_cli_parse_int(&em_cmd_top, st.optname, st.arg, 0,
			    UINT32_MAX, &a->limit) < 0)
				return EM_EXIT_USAGE;
			break;
		case OPT_FORMAT:
			if (strcmp(st.arg, "text") == 0)
				a->format = TOP_TEXT;
			else if (strcmp(st.arg, "csv") == 0)
				a->format = TOP_CSV;
			else if (strcmp(st.arg, "json") == 0)
				a->format = TOP_JSON;
			else
				return em_cli_usage_error(&em_cmd_top,
				    "unknown format '%s' (use text, csv or json)", st.arg);
			break;
		default:
			if (em_cli_server_opt(&em_cmd_top, &a->srv, r, st.arg) < 0)
				return EM_EXIT_USAGE;
			break;
		}
	}
	return EM_EXIT_OK;
}

static int print_top(const em_profile *p, const em_top *t, const struct top_args *a)
{
	uint32_t n = t->n;

	if (a->limit > 0 && (uint64_t)a->limit < n)
		n = (uint32_t)a->limit;
	if (a->format == TOP_CSV)
		print_csv(stdout, p, t, n);
	else if (a->format == TOP_JSON)
		print_json(stdout, p, t, n);
	else
		print_text(stdout, p, t, n);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		em_cli_error("error writing the output");
		return EM_EXIT_FAIL;
	}
	return EM_EXIT_OK;
}

/* `top --base BASE FILE`: the table of `embers diff BASE FILE`. */
static int top_diff(const struct top_args *a)
{
	static const enum em_diff_format formats[] = {
		[TOP_TEXT] = EM_DIFF_TEXT,
		[TOP_CSV] = EM_DIFF_CSV,
		[TOP_JSON] = EM_DIFF_JSON,
	};

	if (a->srv.used)
		return em_cli_usage_error(&em_cmd_top,
		    "--base compares files; it takes no server options");
	if (a->file == NULL)
		return em_cli_usage_error(&em_cmd_top, "no profile file given");
	return em_cli_top_diff(a->base, a->file, a->type, (em_sort)a->sort, a->limit,
	    formats[a->format]);
}

static int top_run(int argc, char **argv)
{
	struct top_args a = { .sort = EM_SORT_SELF, .limit = 20, .format = TOP_TEXT };
	const char *name;
	em_profile *p;
	em_top t;
	em_error err;
	uint32_t type;
	int done = 0, rc;

	rc = parse_args(&a, argc, argv, &done);
	if (rc != EM_EXIT_OK || done)
		return rc;
	if (a.base != NULL)
		return top_diff(&a);
	p = em_cli_load_any(&em_cmd_top, a.file, &a.srv, &rc);
	if (p == NULL)
		return rc;
	name = em_cli_source_name(a.file, &a.srv);
	if (em_cli_sample_type(p, name, a.type, &type) < 0) {
		em_profile_free(p);
		return EM_EXIT_USAGE;
	}
	memset(&t, 0, sizeof(t));
	err.msg[0] = '\0';
	if (em_top_build(&t, p, type, &err) < 0) {
		em_error_prefix(&err, name);
		em_cli_error("%s", err.msg);
		em_profile_free(p);
		return EM_EXIT_FAIL;
	}
	em_top_sort(&t, p, (em_sort)a.sort);
	rc = print_top(p, &t, &a);
	em_top_free(&t);
	em_profile_free(p);
	return rc;
}

const struct em_cmd em_cmd_top = {
	"top",
	"top [options] FILE",
	"print the functions with the largest self or total value",
	"options:\n"
	"  --sample-type NAME|INDEX  which sample type (default: the profile's default)\n"
	"  --sort self|total|name    order of the rows (default: self)\n"
	"  --limit N                 print the first N rows; 0 prints all (default: 20)\n"
	"  --format text|csv|json    output format (default: text)\n"
	"  --base BASE               compare FILE with BASE: the table of\n"
	"                            'embers diff BASE FILE' (sorts by the change)\n"
	"  -h, --help                show this help\n"
	"\n"
	"csv has the header 'function,self,total'; csv and json give raw integers\n"
	"in the sample unit. FILE '-' reads standard input.\n"
	"\n"
	EM_CLI_SERVER_HELP,
	top_run,
};

/* diff.c - `embers diff BASE NEW` (and `embers top --base`): per-function
 * self and total of two profiles side by side, as text, CSV or JSON.
 *
 * The sources are two profile files, or one differential folded file
 * ("stack before after", as difffolded.pl and inferno-diff-folded write)
 * whose sample types "before" and "after" are base and new. The figures
 * come from em_top on each side and em_diff_top; this file chooses the
 * sample types, sorts, cuts to --limit and prints. CSV keeps raw integers
 * (header function,base_self,base_total,new_self,new_total) so scripts
 * compute whatever ratio they like; JSON adds the shares and changes. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/diff.h"
#include "embers/textout.h"
#include "embers/units.h"

enum { OPT_TYPE = 1, OPT_SORT, OPT_LIMIT, OPT_FORMAT, OPT_ABSOLUTE };

/* The two sides being compared. */
struct sides {
	em_profile *p[2];
	const char *path[2];
	uint32_t type[2];
	em_top top[2];
	em_diff_top t;
};

/* ---- output ---------------------------------------------------------- */

static const char *row_name(const em_diff_top *t, const em_diff_row *r, size_t *len)
{
	*len = em_strtab_len(t->names->strs, t->names->funcs[r->func].name);
	return em_func_name(t->names, r->func);
}

/* "added" (only in new), "removed" (only in base) or "both". */
static const char *row_status(const em_diff_row *r)
{
	if (r->total[EM_BASE] == 0 && r->self[EM_BASE] == 0)
		return "added";
	if (r->total[EM_NEW] == 0 && r->self[EM_NEW] == 0)
		return "removed";
	return "both";
}

static void print_csv(FILE *out, const em_diff_top *t, uint32_t n)
{
	uint32_t i;

	fputs("function,base_self,base_total,new_self,new_total\n", out);
	for (i = 0; i < n; i++) {
		const em_diff_row *r = &t->rows[i];
		size_t len;
		const char *name = row_name(t, r, &len);

		em_put_csv(out, name, len);
		fprintf(out, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\n",
		    r->self[EM_BASE], r->total[EM_BASE], r->self[EM_NEW], r->total[EM_NEW]);
	}
}

static void put_json_type(FILE *out, const em_profile *p, uint32_t type)
{
	const em_sample_type *st = &p->types[type];

	fputs("{\"type\":", out);
	em_put_json(out, em_profile_cstr(p, st->type), em_name_len(p, st->type),
	    EM_JSON_SHORT);
	fputs(",\"unit\":", out);
	em_put_json(out, em_profile_cstr(p, st->unit), em_name_len(p, st->unit),
	    EM_JSON_SHORT);
	putc('}', out);
}

/* A change: a fraction of the totals, or (absolute) the exact integer
 * difference when it fits in 64 bits. */
static void put_json_change(FILE *out, int64_t b, int64_t bt, int64_t n, int64_t nt,
    em_diff_scale scale)
{
	int64_t raw;

	if (scale == EM_DIFF_ABSOLUTE && !__builtin_sub_overflow(n, b, &raw))
		fprintf(out, "%" PRId64, raw);
	else
		fprintf(out, "%.15g", em_diff_delta(b, bt, n, nt, scale));
}

static void print_json(FILE *out, const struct sides *s, const struct em_diff_args *a,
    uint32_t n)
{
	const em_diff_top *t = &s->t;
	uint32_t i;

	fputs("{\"base\":", out);
	put_json_type(out, s->p[EM_BASE], s->type[EM_BASE]);
	fputs(",\"new\":", out);
	put_json_type(out, s->p[EM_NEW], s->type[EM_NEW]);
	fprintf(out, ",\"base_total\":%" PRId64 ",\"new_total\":%" PRId64
	    ",\"scale\":\"%s\",\"sort\":\"%s\",\"functions\":[", t->sum[EM_BASE],
	    t->sum[EM_NEW], a->scale == EM_DIFF_ABSOLUTE ? "absolute" : "normalised",
	    em_diff_sort_name(a->sort));
	for (i = 0; i < n; i++) {
		const em_diff_row *r = &t->rows[i];
		size_t len;
		const char *name = row_name(t, r, &len);

		fputs(i ? ",\n{\"name\":" : "\n{\"name\":", out);
		em_put_json(out, name, len, EM_JSON_SHORT);
		fprintf(out, ",\"status\":\"%s\",\"base_self\":%" PRId64 ",\"base_total\":%"
		    PRId64 ",\"new_self\":%" PRId64 ",\"new_total\":%" PRId64, row_status(r),
		    r->self[EM_BASE], r->total[EM_BASE], r->self[EM_NEW], r->total[EM_NEW]);
		fprintf(out, ",\"base_self_share\":%.15g,\"new_self_share\":%.15g"
		    ",\"base_total_share\":%.15g,\"new_total_share\":%.15g",
		    em_diff_share(r->self[EM_BASE], t->sum[EM_BASE]),
		    em_diff_share(r->self[EM_NEW], t->sum[EM_NEW]),
		    em_diff_share(r->total[EM_BASE], t->sum[EM_BASE]),
		    em_diff_share(r->total[EM_NEW], t->sum[EM_NEW]));
		fputs(",\"self_change\":", out);
		put_json_change(out, r->self[EM_BASE], t->sum[EM_BASE], r->self[EM_NEW],
		    t->sum[EM_NEW], a->scale);
		fputs(",\"total_change\":", out);
		put_json_change(out, r->total[EM_BASE], t->sum[EM_BASE], r->total[EM_NEW],
		    t->sum[EM_NEW], a->scale);
		putc('}', out);
	}
	fputs("\n]}\n", out);
}

/* The six number columns of a text row. */
struct text_row {
	char c[6][40];
};

static void text_value(char *buf, size_t n, int64_t v, const char *unit)
{
	if (v == 0)
		snprintf(buf, n, "0");
	else
		em_fmt_value(buf, n, v, unit);
}

/* A change: percentage points of the shares, or a signed raw value. */
static void text_change(char *buf, size_t n, int64_t b, int64_t bt, int64_t v,
    int64_t vt, em_diff_scale scale, const char *unit)
{
	double d = em_diff_delta(b, bt, v, vt, scale);
	int64_t raw;

	if (scale == EM_DIFF_NORMALISED) {
		snprintf(buf, n, "%+.2fpp", d * 100.0);
		return;
	}
	if (__builtin_sub_overflow(v, b, &raw))
		snprintf(buf, n, "?");
	else if (raw == 0)
		snprintf(buf, n, "0");
	else if (raw < 0)
		em_fmt_value(buf, n, raw, unit);
	else {
		buf[0] = '+';
		em_fmt_value(buf + 1, n - 1, raw, unit);
	}
}

static void text_cells(struct text_row *r, const em_diff_top *t, const em_diff_row *row,
    em_diff_scale scale, const char *unit)
{
	const int64_t *sum = t->sum;
	size_t n = sizeof(r->c[0]);

	if (scale == EM_DIFF_NORMALISED) {
		em_fmt_pct(r->c[0], n, row->self[EM_BASE], sum[EM_BASE]);
		em_fmt_pct(r->c[1], n, row->self[EM_NEW], sum[EM_NEW]);
		em_fmt_pct(r->c[3], n, row->total[EM_BASE], sum[EM_BASE]);
		em_fmt_pct(r->c[4], n, row->total[EM_NEW], sum[EM_NEW]);
	} else {
		text_value(r->c[0], n, row->self[EM_BASE], unit);
		text_value(r->c[1], n, row->self[EM_NEW], unit);
		text_value(r->c[3], n, row->total[EM_BASE], unit);
		text_value(r->c[4], n, row->total[EM_NEW], unit);
	}
	text_change(r->c[2], n, row->self[EM_BASE], sum[EM_BASE], row->self[EM_NEW],
	    sum[EM_NEW], scale, unit);
	text_change(r->c[5], n, row->total[EM_BASE], sum[EM_BASE], row->total[EM_NEW],
	    sum[EM_NEW], scale, unit);
}

static void put_type_line(FILE *out, const char *what, const struct sides *s, int side)
{
	const em_profile *p = s->p[side];
	const em_sample_type *st = &p->types[s->type[side]];
	char buf[40];

	text_value(buf, sizeof(buf), s->t.sum[side], em_profile_cstr(p, st->unit));
	fprintf(out, "%s ", what);
	em_put_text(out, s->path[side], strlen(s->path[side]), EM_TEXT_SHORT);
	fputs(": ", out);
	em_put_text(out, em_profile_cstr(p, st->type), em_name_len(p, st->type),
	    EM_TEXT_SHORT);
	fprintf(out, ", total %s\n", buf);
}

static const char *sort_label(em_diff_sort by)
{
	switch (by) {
	case EM_DSORT_SELF_CHANGE:
		return "self change, largest growth first";
	case EM_DSORT_TOTAL_CHANGE:
		return "total change, largest growth first";
	case EM_DSORT_NAME:
		return "name";
	default:
		return em_diff_sort_name(by);
	}
}

static void print_text(FILE *out, const struct sides *s, const struct em_diff_args *a,
    uint32_t n)
{
	static const char *const norm[6] = { "base self%", "new self%", "change",
		"base total%", "new total%", "change" };
	static const char *const abso[6] = { "base self", "new self", "change",
		"base total", "new total", "change" };
	const char *const *head = a->scale == EM_DIFF_NORMALISED ? norm : abso;
	const em_profile *np = s->p[EM_NEW];
	const char *unit = em_profile_cstr(np, np->types[s->type[EM_NEW]].unit);
	const em_diff_top *t = &s->t;
	struct text_row r;
	int w[6], k;
	uint32_t i;

	for (k = 0; k < 6; k++)
		w[k] = (int)strlen(head[k]);
	for (i = 0; i < n; i++) {
		text_cells(&r, t, &t->rows[i], a->scale, unit);
		for (k = 0; k < 6; k++)
			if ((int)strlen(r.c[k]) > w[k])
				w[k] = (int)strlen(r.c[k]);
	}
	put_type_line(out, "Base", s, EM_BASE);
	put_type_line(out, "New ", s, EM_NEW);
	fprintf(out, "Showing %" PRIu32 " of %" PRIu32 " functions, sorted by %s; %s\n", n,
	    t->n, sort_label(a->sort), a->scale == EM_DIFF_NORMALISED ?
	    "shares of each side's total, change in percentage points" :
	    "raw values");
	for (k = 0; k < 6; k++)
		fprintf(out, "%*s ", w[k], head[k]);
	fputs(" name\n", out);
	for (i = 0; i < n; i++) {
		const em_diff_row *row = &t->rows[i];
		const char *status = row_status(row);
		size_t len;
		const char *name = row_name(t, row, &len);

		text_cells(&r, t, row, a->scale, unit);
		for (k = 0; k < 6; k++)
			fprintf(out, "%*s ", w[k], r.c[k]);
		putc(' ', out);
		em_put_text(out, name, len, EM_TEXT_SHORT);
		if (strcmp(status, "both") != 0)
			fprintf(out, " (%s)", status);
		putc('\n', out);
	}
}

/* ---- loading and comparing ------------------------------------------- */

/* The type of the new side (given or default), then the type of the same
 * name in the base (or, without --sample-type, the base's default). */
static int choose_types(struct sides *s, const char *want)
{
	const em_profile *np = s->p[EM_NEW], *bp = s->p[EM_BASE];
	const char *name;
	int t;

	if (em_cli_sample_type(np, s->path[EM_NEW], want, &s->type[EM_NEW]) < 0)
		return -1;
	if (want != NULL)
		return em_cli_sample_type(bp, s->path[EM_BASE], want, &s->type[EM_BASE]);
	name = em_profile_cstr(np, np->types[s->type[EM_NEW]].type);
	t = bp->ntypes ? em_profile_find_type(bp, name) : -1;
	if (t >= 0 && (uint32_t)t < bp->ntypes) {
		s->type[EM_BASE] = (uint32_t)t;
		return 0;
	}
	if (em_cli_sample_type(bp, s->path[EM_BASE], NULL, &s->type[EM_BASE]) < 0)
		return -1;
	em_cli_error("warning: '%s' has no sample type '%s'; comparing its '%s'",
	    s->path[EM_BASE], name, em_profile_cstr(bp, bp->types[s->type[EM_BASE]].type));
	return 0;
}

/* One differential folded file: its "before" and "after" types. */
static int differential_types(struct sides *s, const struct em_diff_args *a)
{
	const em_profile *p = s->p[EM_BASE];
	int b = em_profile_find_type(p, "before"), n = em_profile_find_type(p, "after");

	if (a->type != NULL) {
		em_cli_usage_error(&em_cmd_diff,
		    "--sample-type needs two files; '%s' is compared before to after",
		    a->base);
		return -1;
	}
	if (p->ntypes != 2 || b != 0 || n != 1 || p->format == NULL ||
	    strcmp(p->format, "folded") != 0) {
		em_cli_usage_error(&em_cmd_diff,
		    "'%s' is not a differential folded file (stack before after); "
		    "give BASE and NEW", a->base);
		return -1;
	}
	s->type[EM_BASE] = 0;
	s->type[EM_NEW] = 1;
	return 0;
}

static int load(struct sides *s, const struct em_diff_args *a)
{
	int rc;

	if (em_cli_diff_server_used(a)) {
		rc = em_cli_diff_server_load(a, s->p, s->path);
		if (rc == EM_EXIT_OK && choose_types(s, a->type) < 0)
			rc = EM_EXIT_USAGE;
		return rc;
	}
	s->path[EM_BASE] = a->base;
	s->path[EM_NEW] = a->nw ? a->nw : a->base;
	s->p[EM_BASE] = em_cli_load(a->base);
	if (s->p[EM_BASE] == NULL)
		return EM_EXIT_USAGE;
	if (a->nw == NULL) {
		s->p[EM_NEW] = s->p[EM_BASE];
		return differential_types(s, a) < 0 ? EM_EXIT_USAGE : EM_EXIT_OK;
	}
	s->p[EM_NEW] = em_cli_load(a->nw);
	if (s->p[EM_NEW] == NULL)
		return EM_EXIT_USAGE;
	return choose_types(s, a->type) < 0 ? EM_EXIT_USAGE : EM_EXIT_OK;
}

static int compare(struct sides *s)
{
	em_error err;
	int i;

	err.msg[0] = '\0';
	for (i = 0; i < 2; i++)
		if (em_top_build(&s->top[i], s->p[i], s->type[i], &err) < 0) {
			em_error_prefix(&err, s->path[i]);
			em_cli_error("%s", err.msg);
			return EM_EXIT_FAIL;
		}
	if (em_diff_top_build(&s->t, s->p[EM_BASE], &s->top[EM_BASE], s->p[EM_NEW],
	    &s->top[EM_NEW], &err) < 0) {
		em_cli_error("%s", err.msg);
		return EM_EXIT_FAIL;
	}
	return EM_EXIT_OK;
}

static void sides_free(struct sides *s)
{
	em_diff_top_free(&s->t);
	em_top_free(&s->top[0]);
	em_top_free(&s->top[1]);
	if (s->p[EM_NEW] != s->p[EM_BASE])
		em_profile_free(s->p[EM_NEW]);
	em_profile_free(s->p[EM_BASE]);
}

int em_cli_diff_open(const struct em_diff_args *a, em_profile *p[2], uint32_t type[2])
{
	struct sides s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = load(&s, a);
	if (rc != EM_EXIT_OK) {
		sides_free(&s);
		return rc;
	}
	p[EM_BASE] = s.p[EM_BASE];
	p[EM_NEW] = s.p[EM_NEW];
	type[EM_BASE] = s.type[EM_BASE];
	type[EM_NEW] = s.type[EM_NEW];
	return EM_EXIT_OK;
}

int em_cli_diff(const struct em_diff_args *a)
{
	struct sides s;
	uint32_t n;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = load(&s, a);
	if (rc == EM_EXIT_OK && a->format == EM_DIFF_FLAMEGRAPH)
		rc = em_cli_diff_print_flamegraph(stdout, s.p[EM_BASE], s.type[EM_BASE],
		    s.p[EM_NEW], s.type[EM_NEW], a->srv && a->srv->max_nodes > 0 ?
		    a->srv->max_nodes : EM_DIFF_DEFAULT_MAX_NODES);
	else if (rc == EM_EXIT_OK)
		rc = compare(&s);
	if (rc == EM_EXIT_OK && a->format != EM_DIFF_FLAMEGRAPH) {
		em_diff_top_sort(&s.t, a->sort, a->scale, 0);
		n = s.t.n;
		if (a->limit > 0 && (uint64_t)a->limit < n)
			n = (uint32_t)a->limit;
		if (a->format == EM_DIFF_CSV)
			print_csv(stdout, &s.t, n);
		else if (a->format == EM_DIFF_JSON)
			print_json(stdout, &s, a, n);
		else
			print_text(stdout, &s, a, n);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			em_cli_error("error writing the output");
			rc = EM_EXIT_FAIL;
		}
	}
	sides_free(&s);
	return rc;
}

int em_cli_top_diff(const char *base, const char *nw, const char *type, em_sort sort,
    long long limit, enum em_diff_format format)
{
	struct em_diff_args a;

	a.base = base;
	a.nw = nw;
	a.type = type;
	a.sort = sort == EM_SORT_TOTAL ? EM_DSORT_TOTAL_CHANGE :
	    sort == EM_SORT_NAME ? EM_DSORT_NAME : EM_DSORT_SELF_CHANGE;
	a.limit = limit;
	a.format = format;
	a.scale = EM_DIFF_NORMALISED;
	a.srv = NULL;
	return em_cli_diff(&a);
}

/* ---- the command ----------------------------------------------------- */

static int parse_format(const char *s, enum em_diff_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = EM_DIFF_TEXT;
	else if (strcmp(s, "csv") == 0)
		*out = EM_DIFF_CSV;
	else if (strcmp(s, "json") == 0)
		*out = EM_DIFF_JSON;
	else if (strcmp(s, "flamegraph-json") == 0)
		*out = EM_DIFF_FLAMEGRAPH;
	else
		return -1;
	return 0;
}

static int parse_args(struct em_diff_args *a, int argc, char **argv, int *done)
{
	static const struct em_opt table[] = {
		{ "sample-type", 0, EM_OPT_ARG, OPT_TYPE },
		{ "sort", 0, EM_OPT_ARG, OPT_SORT },
		{ "limit", 0, EM_OPT_ARG, OPT_LIMIT },
		{ "format", 0, EM_OPT_ARG, OPT_FORMAT },
		{ "absolute", 0, EM_OPT_NOARG, OPT_ABSOLUTE },
		EM_CLI_DIFF_SERVER_OPTS,
		{ NULL, 0, 0, 0 },
	};
	struct em_opts st;
	int r, sort;

	em_opts_init(&st, &em_cmd_diff, table, argc, argv);
	while ((r = em_opts_next(&st)) != EM_OPTS_END) {
		switch (r) {
		case EM_OPTS_ERROR:
			return EM_EXIT_USAGE;
		case EM_OPTS_HELP:
			em_cli_print_cmd_help(stdout, &em_cmd_diff);
			*done = 1;
			return EM_EXIT_OK;
		case EM_OPTS_OPERAND:
			if (a->base == NULL)
				a->base = st.arg;
			else if (a->nw == NULL)
				a->nw = st.arg;
			else
				return em_cli_usage_error(&em_cmd_diff,
				    "too many arguments: '%s'", st.arg);
			break;
		case OPT_TYPE:
			a->type = st.arg;
			break;
		case OPT_SORT:
			sort = em_diff_sort_parse(st.arg);
			if (sort < 0)
				return em_cli_usage_error(&em_cmd_diff, "unknown sort '%s' (use self, "
				    "total, base-self, new-self, base-total, new-total or name)", st.arg);
			a->sort = (em_diff_sort)sort;
			break;
		case OPT_LIMIT:
			if (em_cli_parse_int(&em_cmd_diff, st.optname, st.arg, 0, UINT32_MAX,
			    &a->limit) < 0)
				return EM_EXIT_USAGE;
			break;
		case OPT_FORMAT:
			if (parse_format(st.arg, &a->format) < 0)
				return em_cli_usage_error(&em_cmd_diff,
				    "unknown format '%s' (use text, csv, json or flamegraph-json)", st.arg);
			break;
		case OPT_ABSOLUTE:
			a->scale = EM_DIFF_ABSOLUTE;
			break;
		default:
			if (em_cli_diff_server_opt(a->srv, r, st.arg) < 0)
				return EM_EXIT_USAGE;
			break;
		}
	}
	if (a->base == NULL && !em_cli_diff_server_used(a))
		return em_cli_usage_error(&em_cmd_diff, "no profile file given (or --url "
		    "and --query for a server)");
	if (a->nw != NULL && strcmp(a->base, "-") == 0 && strcmp(a->nw, "-") == 0)
		return em_cli_usage_error(&em_cmd_diff, "standard input can be read only once");
	return EM_EXIT_OK;
}

static int diff_run(int argc, char **argv)
{
	struct em_diff_args a = { NULL, NULL, NULL, EM_DSORT_SELF_CHANGE, 20, EM_DIFF_TEXT,
		EM_DIFF_NORMALISED, NULL };
	struct em_diff_srv srv;
	int done = 0, rc;

	em_diff_srv_init(&srv);
	a.srv = &srv;

	rc = parse_args(&a, argc, argv, &done);
	if (rc != EM_EXIT_OK || done)
		return rc;
	return em_cli_diff(&a);
}

const struct em_cmd em_cmd_diff = {
	"diff",
	"diff [options] BASE NEW | diff [options] DIFF.folded |\n"
	"       diff [options] [BASE] --url URL --query SEL [--base-query SEL] [--compare W]",
	"compare two profiles function by function",
	"options:\n"
	"  --sample-type NAME|INDEX  which sample type (default: NEW's default, and the\n"
	"                            type of the same name in BASE)\n"
	"  --sort KEY                self (self change, the default), total (total\n"
	"                            change), base-self, new-self, base-total,\n"
	"                            new-total or name; changes largest growth first\n"
	"  --limit N                 print the first N rows; 0 prints all (default: 20)\n"
	"  --format FORMAT           text (the default), csv, json, or flamegraph-json\n"
	"                            (the diff flame graph as Pyroscope's Diff reply)\n"
	"  --max-nodes N             flamegraph-json: at most N nodes (default 8192)\n"
	"  --absolute                compare raw values instead of shares of each total\n"
	"  -h, --help                show this help\n"
	"server sides (with the server options below; the query is the new side):\n"
	"  --base-query SEL          the base's label selector (default: --query)\n"
	"  --base-from T, --base-to T  the base's time range\n"
	"  --compare previous|DUR    the base range: the one just before, or DUR\n"
	"                            (e.g. 24h) earlier\n"
	"  A BASE file with server options is compared against the server's query.\n"
	"\n"
	EM_CLI_SERVER_HELP
	"\n"
	"With one file, it must be a differential folded file ('stack before after',\n"
	"as difffolded.pl writes): before is the base, after the new profile.\n"
	"csv has the header 'function,base_self,base_total,new_self,new_total' with\n"
	"raw integers; json adds shares and changes. A change is new share minus\n"
	"base share (or new minus base with --absolute).\n",
	diff_run,
};

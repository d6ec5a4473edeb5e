/* query.c - `embers query`: scripting access to a Pyroscope server.
 *
 *   profile-types | label-names | label-values NAME | series |
 *   series-values | profile [-o FILE] | diff
 *
 * Text output is one item per line for shells; --format json gives the
 * same data as one JSON document. Connection and query options are the
 * shared server options (source_opts.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/source_opts.h"
#include "embers/textout.h"
#include "embers/writer.h"

enum {
	OPT_FORMAT = 1, OPT_OUTPUT, OPT_LABEL_NAMES, OPT_STEP, OPT_GROUP_BY,
	OPT_AGG, OPT_RIGHT_QUERY, OPT_RIGHT_FROM, OPT_RIGHT_TO
};

#define MAX_LIST 64

struct query_args {
	const char *sub, *name, *out;
	int json;
	const char *label_names[MAX_LIST];
	size_t nlabel_names;
	const char *group_by[MAX_LIST];
	size_t ngroup_by;
	const char *step;
	int avg;
	const char *right_query, *right_from, *right_to;
	struct em_srv_args srv;
};

static const char *const subs[] = {
	"profile-types", "label-names", "label-values", "series", "series-values",
	"profile", "diff", NULL
};

/* ---- output helpers -------------------------------------------------- */

/* Labels, names and stacks from the server are C strings. JSON spells
 * every control byte \u00XX, text \xHH (textout.h). */
static void json_str(FILE *out, const char *s)
{
	em_put_json(out, s, strlen(s), 0);
}

static void text_str(FILE *out, const char *s)
{
	em_put_text(out, s, strlen(s), 0);
}

/* A label value inside a selector: quotes and backslashes escaped. */
static void selector_value(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			putc(*s, out);
	}
	putc('"', out);
}

static void print_labelset(FILE *out, const em_pyro_labelset *ls)
{
	size_t i;

	putc('{', out);
	for (i = 0; i < ls->n; i++) {
		fputs(i ? ", " : "", out);
		text_str(out, ls->v[i].name);
		putc('=', out);
		selector_value(out, ls->v[i].value);
	}
	putc('}', out);
}

static void json_labelset(FILE *out, const em_pyro_labelset *ls)
{
	size_t i;

	putc('{', out);
	for (i = 0; i < ls->n; i++) {
		fputs(i ? "," : "", out);
		json_str(out, ls->v[i].name);
		putc(':', out);
		json_str(out, ls->v[i].value);
	}
	putc('}', out);
}

/* Sums of integer samples print as integers; averages keep decimals. */
static void print_number(FILE *out, double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0)
		fprintf(out, "%.0f", v);
	else if (isfinite(v))
		fprintf(out, "%.17g", v);
	else
		fputs("null", out);
}

/* ---- listing subcommands --------------------------------------------- */

static void print_strs(const em_pyro_result *r, int json)
{
	size_t i;

	if (!json) {
		for (i = 0; i < r->nstrs; i++) {
			text_str(stdout, r->strs[i]);
			putc('\n', stdout);
		}
		return;
	}
	putc('[', stdout);
	for (i = 0; i < r->nstrs; i++) {
		fputs(i ? ",\n" : "\n", stdout);
		json_str(stdout, r->strs[i]);
	}
	fputs(r->nstrs ? "\n]\n" : "]\n", stdout);
}

static void print_profile_types(const em_pyro_result *r, int json)
{
	static const char *const keys[5] = {
		"name", "sample_type", "sample_unit", "period_type", "period_unit"
	};
	size_t i;
	int k;

	if (!json) {
		print_strs(r, 0);
		return;
	}
	putc('[', stdout);
	for (i = 0; i < r->nstrs; i++) {
		char buf[1024];
		const char *part[5];

		fputs(i ? ",\n{\"id\":" : "\n{\"id\":", stdout);
		json_str(stdout, r->strs[i]);
		if (em_pyro_type_split(r->strs[i], buf, sizeof(buf), part) == 0) {
			for (k = 0; k < 5; k++) {
				fprintf(stdout, ",\"%s\":", keys[k]);
				json_str(stdout, part[k]);
			}
		}
		putc('}', stdout);
	}
	fputs(r->nstrs ? "\n]\n" : "]\n", stdout);
}

static void print_sets(const em_pyro_result *r, int json)
{
	size_t i;

	if (json)
		putc('[', stdout);
	for (i = 0; i < r->nsets; i++) {
		if (json) {
			fputs(i ? ",\n" : "\n", stdout);
			json_labelset(stdout, &r->sets[i]);
		} else {
			print_labelset(stdout, &r->sets[i]);
			putc('\n', stdout);
		}
	}
	if (json)
		fputs(r->nsets ? "\n]\n" : "]\n", stdout);
}

static void print_series(const em_pyro_result *r, int json)
{
	char when[48];
	size_t i, j;

	if (json)
		putc('[', stdout);
	for (i = 0; i < r->nseries; i++) {
		const em_pyro_timeseries *s = &r->series[i];

		if (json) {
			fputs(i ? ",\n{\"labels\":" : "\n{\"labels\":", stdout);
			json_labelset(stdout, &s->labels);
			fputs(",\"points\":[", stdout);
		}
		for (j = 0; j < s->npts; j++) {
			if (json) {
				fprintf(stdout, "%s{\"t\":%" PRId64 ",\"v\":", j ? "," : "",
				    s->pts[j].t_ms);
				print_number(stdout, s->pts[j].value);
				putc('}', stdout);
				continue;
			}
			em_time_format(when, sizeof(when), s->pts[j].t_ms);
			fprintf(stdout, "%s\t", when);
			print_number(stdout, s->pts[j].value);
			putc('\t', stdout);
			print_labelset(stdout, &s->labels);
			putc('\n', stdout);
		}
		if (json)
			fputs("]}", stdout);
	}
	if (json)
		fputs(r->nseries ? "\n]\n" : "]\n", stdout);
}

/* Step: "15s", "1m", or bare seconds; default range/100, at least 15 s. */
static int step_seconds(const struct query_args *a, const em_pyro_query *q, double *out)
{
	int64_t ms;
	em_error err;
	size_t i;

	if (a->step == NULL) {
		ms = (q->end_ms - q->start_ms) / 100;
		ms = ms < 15000 ? 15000 : (ms + 999) / 1000 * 1000;
		*out = (double)ms / 1000.0;
		return 0;
	}
	for (i = 0; a->step[i] >= '0' && a->step[i] <= '9'; i++)
		;
	if (i > 0 && a->step[i] == '\0' && i < 10) {
		*out = (double)strtol(a->step, NULL, 10);
	} else {
		err.msg[0] = '\0';
		if (em_duration_parse(a->step, &ms, &err) < 0) {
			em_cli_usage_error(&em_cmd_query, "--step: %s", err.msg);
			return -1;
		}
		*out = (double)ms / 1000.0;
	}
	if (*out < 0.001) {
		em_cli_usage_error(&em_cmd_query, "--step must be at least 1ms");
		return -1;
	}
	return 0;
}

static int run_list(struct query_args *a, em_pyro_client *cl, const em_pyro_query *q,
    em_error *err)
{
	em_pyro_result r;
	double step;
	int rc;

	if (strcmp(a->sub, "profile-types") == 0)
		rc = em_pyro_profile_types(cl, q->start_ms, q->end_ms, &r, err);
	else if (strcmp(a->sub, "label-names") == 0)
		rc = em_pyro_label_names(cl, q->selector, q->start_ms, q->end_ms, &r, err);
	else if (strcmp(a->sub, "label-values") == 0)
		rc = em_pyro_label_values(cl, a->name, q->selector, q->start_ms, q->end_ms, &r, err);
	else if (strcmp(a->sub, "series") == 0)
		rc = em_pyro_series(cl, q->selector, a->label_names, a->nlabel_names,
		    q->start_ms, q->end_ms, &r, err);
	else {
		if (step_seconds(a, q, &step) < 0)
			return -2;
		rc = em_pyro_select_series(cl, q, step, a->group_by, a->ngroup_by,
		    a->avg ? EM_PYRO_AVG : EM_PYRO_SUM, &r, err);
	}
	if (rc < 0)
		return -1;
	if (strcmp(a->sub, "profile-types") == 0)
		print_profile_types(&r, a->json);
	else if (strcmp(a->sub, "series") == 0)
		print_sets(&r, a->json);
	else if (strcmp(a->sub, "series-values") == 0)
		print_series(&r, a->json);
	else
		print_strs(&r, a->json);
	em_pyro_result_free(&r);
	return 0;
}

/* ---- profile and diff ------------------------------------------------ */

struct write_job {
	const em_profile *p;
	int json;
	int pprof;
};

static int write_profile(FILE *out, void *ctx, em_error *err)
{
	const struct write_job *job = ctx;

	if (job->pprof)
		return em_write_pprof(out, job->p, err);
	if (job->json)
		return em_write_flamebearer(out, job->p, job->p->default_type, err);
	return em_write_folded(out, job->p, job->p->default_type, err);
}

static int run_profile(struct query_args *a, em_pyro_client *cl, const em_pyro_query *q,
    em_error *err)
{
	struct write_job job;
	em_profile *p;
	int rc;

	p = a->srv.max_nodes > 0 ? em_pyro_flamegraph(cl, q, err) : em_pyro_merge_profile(cl, q, err);
	if (p == NULL)
		return -1;
	job.p = p;
	job.json = a->json;
	job.pprof = a->out != NULL;
	rc = em_write_file_atomic(a->out ? a->out : "-", write_profile, &job, err);
	em_profile_free(p);
	return rc;
}

struct diff_row {
	char *stack;
	int64_t v[2];
};

static int cmp_row(const void *x, const void *y)
{
	return strcmp(((const struct diff_row *)x)->stack, ((const struct diff_row *)y)->stack);
}

/* "root;...;leaf" of sample s (malloc'd). */
static char *stack_of(const em_profile *p, size_t s)
{
	const uint32_t *locs = em_sample_locs(p, s);
	size_t depth = em_sample_depth(p, s), len = 1, d, o = 0;
	char *out;

	for (d = 0; d < depth; d++) {
		const em_location *l = &p->locs[locs[d]];

		len += strlen(em_func_name(p, p->lines[l->first_line + l->nlines - 1].func)) + 1;
	}
	out = malloc(len);
	if (out == NULL)
		return NULL;
	for (d = 0; d < depth; d++) {
		const em_location *l = &p->locs[locs[d]];
		const char *name = em_func_name(p, p->lines[l->first_line + l->nlines - 1].func);
		size_t n = strlen(name);

		if (d)
			out[o++] = ';';
		memcpy(out + o, name, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}

static void print_diff(struct diff_row *rows, size_t n, int json)
{
	int64_t tot[2] = { 0, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		tot[0] += rows[i].v[0];
		tot[1] += rows[i].v[1];
	}
	if (json)
		fprintf(stdout, "{\"left_total\":%" PRId64 ",\"right_total\":%" PRId64
		    ",\"stacks\":[", tot[0], tot[1]);
	for (i = 0; i < n; i++) {
		if (json) {
			fputs(i ? ",\n{\"stack\":" : "\n{\"stack\":", stdout);
			json_str(stdout, rows[i].stack);
			fprintf(stdout, ",\"left\":%" PRId64 ",\"right\":%" PRId64 "}",
			    rows[i].v[0], rows[i].v[1]);
		} else {
			text_str(stdout, rows[i].stack);
			fprintf(stdout, " %" PRId64 " %" PRId64 "\n", rows[i].v[0], rows[i].v[1]);
		}
	}
	if (json)
		fputs(n ? "\n]}\n" : "]}\n", stdout);
}

/* Folded diff lines "stack left right" (FlameGraph's difffolded format). */
static int diff_rows(const em_profile *p, int json, em_error *err)
{
	struct diff_row *rows = calloc(p->nsamples ? p->nsamples : 1, sizeof(*rows));
	size_t i, n = 0, w;
	int rc = -1;

	if (rows == NULL)
		return em_error_set(err, "out of memory");
	for (i = 0; i < p->nsamples; i++) {
		if (em_sample_depth(p, i) == 0)
			continue;
		rows[n].stack = stack_of(p, i);
		if (rows[n].stack == NULL) {
			em_error_set(err, "out of memory");
			goto out;
		}
		rows[n].v[0] = em_sample_value(p, i, 0);
		rows[n].v[1] = em_sample_value(p, i, 1);
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
	w = 0;
	for (i = 0; i < n; i++) { /* merge equal stacks (a by-hand diff has two) */
		if (w > 0 && strcmp(rows[w - 1].stack, rows[i].stack) == 0) {
			rows[w - 1].v[0] += rows[i].v[0];
			rows[w - 1].v[1] += rows[i].v[1];
			free(rows[i].stack);
			continue;
		}
		rows[w++] = rows[i];
	}
	n = w;
	print_diff(rows, n, json);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(rows[i].stack);
	free(rows);
	return rc;
}

static int run_diff(struct query_args *a, em_pyro_client *cl, const em_pyro_query *q,
    em_error *err)
{
	em_pyro_query right = *q;
	em_profile *p;
	int rc;

	if (a->right_query != NULL)
		right.selector = a->right_query;
	if ((a->right_from || a->right_to) &&
	    em_time_range(a->right_from ? a->right_from : a->srv.from,
	    a->right_to ? a->right_to : a->srv.to, em_now_ms(), &right.start_ms,
	    &right.end_ms, err) < 0) {
		em_cli_usage_error(&em_cmd_query, "%s", err->msg);
		return -2;
	}
	p = em_pyro_diff(cl, q, &right, err);
	if (p == NULL)
		return -1;
	rc = diff_rows(p, a->json, err);
	em_profile_free(p);
	return rc;
}

/* ---- the command ----------------------------------------------------- */

/* "a,b" or repeated options into list. */
static int add_list(const char **list, size_t *n, char *arg)
{
	char *p = arg, *comma;

	for (;;) {
		comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		if (*p != '\0') {
			if (*n == MAX_LIST)
				return em_cli_usage_error(&em_cmd_query, "too many names (at most %d)",
				    MAX_LIST);
			list[(*n)++] = p;
		}
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int take_operand(struct query_args *a, const char *arg)
{
	size_t i;

	if (a->sub == NULL) {
		for (i = 0; subs[i] != NULL; i++)
			if (strcmp(subs[i], arg) == 0)
				break;
		if (subs[i] == NULL)
			return em_cli_usage_error(&em_cmd_query, "unknown query '%s'", arg);
		a->sub = subs[i];
		return 0;
	}
	if (strcmp(a->sub, "label-values") == 0 && a->name == NULL) {
		a->name = arg;
		return 0;
	}
	return em_cli_usage_error(&em_cmd_query, "too many arguments: '%s'", arg);
}

static int take_option(struct query_args *a, int id, char *arg)
{
	switch (id) {
	case OPT_FORMAT:
		if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0)
			return em_cli_usage_error(&em_cmd_query,
			    "unknown format '%s' (use text or json)", arg);
		a->json = strcmp(arg, "json") == 0;
		return 0;
	case OPT_OUTPUT:
		if (arg[0] == '\0')
			return em_cli_usage_error(&em_cmd_query, "empty file name for '-o'");
		a->out = arg;
		return 0;
	case OPT_LABEL_NAMES:
		return add_list(a->label_names, &a->nlabel_names, arg);
	case OPT_GROUP_BY:
		return add_list(a->group_by, &a->ngroup_by, arg);
	case OPT_STEP:
		a->step = arg;
		return 0;
	case OPT_AGG:
		if (strcmp(arg, "sum") != 0 && strcmp(arg, "avg") != 0)
			return em_cli_usage_error(&em_cmd_query,
			    "unknown aggregation '%s' (use sum or avg)", arg);
		a->avg = strcmp(arg, "avg") == 0;
		return 0;
	case OPT_RIGHT_QUERY:
		a->right_query = arg;
		return 0;
	case OPT_RIGHT_FROM:
		a->right_from = arg;
		return 0;
	case OPT_RIGHT_TO:
		a->right_to = arg;
		return 0;
	}
	return em_cli_server_opt(&em_cmd_query, &a->srv, id, arg) < 0 ? EM_EXIT_USAGE : 0;
}

static int check_args(const struct query_args *a)
{
	if (a->sub == NULL)
		return em_cli_usage_error(&em_cmd_query, "which query? (%s, ...)", subs[0]);
	if (strcmp(a->sub, "label-values") == 0 && a->name == NULL)
		return em_cli_usage_error(&em_cmd_query, "label-values needs a label NAME");
	if (a->out != NULL && strcmp(a->sub, "profile") != 0)
		return em_cli_usage_error(&em_cmd_query, "-o is for 'query profile'");
	if (a->out != NULL && strcmp(a->out, "-") == 0 && isatty(STDOUT_FILENO))
		return em_cli_usage_error(&em_cmd_query,
		    "refusing to write binary pprof to a terminal (use -o FILE or a redirect)");
	return EM_EXIT_OK;
}

static int parse_args(struct query_args *a, int argc, char **argv, int *done)
{
	static const struct em_opt table[] = {
		{ "format", 0, EM_OPT_ARG, OPT_FORMAT },
		{ "output", 'o', EM_OPT_ARG, OPT_OUTPUT },
		{ "label-names", 0, EM_OPT_ARG, OPT_LABEL_NAMES },
		{ "step", 0, EM_OPT_ARG, OPT_STEP },
		{ "group-by", 0, EM_OPT_ARG, OPT_GROUP_BY },
		{ "aggregation", 0, EM_OPT_ARG, OPT_AGG },
		{ "right-query", 0, EM_OPT_ARG, OPT_RIGHT_QUERY },
		{ "right-from", 0, EM_OPT_ARG, OPT_RIGHT_FROM },
		{ "right-to", 0, EM_OPT_ARG, OPT_RIGHT_TO },
		EM_CLI_SERVER_OPTS,
		{ NULL, 0, 0, 0 },
	};
	struct em_opts st;
	int r;

	em_opts_init(&st, &em_cmd_query, table, argc, argv);
	while ((r = em_opts_next(&st)) != EM_OPTS_END) {
		if (r == EM_OPTS_ERROR)
			return EM_EXIT_USAGE;
		if (r == EM_OPTS_HELP) {
			em_cli_print_cmd_help(stdout, &em_cmd_query);
			*done = 1;
			return EM_EXIT_OK;
		}
		if ((r == EM_OPTS_OPERAND ? take_operand(a, st.arg)
		    : take_option(a, r, (char *)st.arg)) != 0)
			return EM_EXIT_USAGE;
	}
	return check_args(a);
}

static int query_run(int argc, char **argv)
{
	struct query_args a;
	em_pyro_client *cl;
	em_pyro_query q;
	em_error err;
	int done = 0, rc;

	memset(&a, 0, sizeof(a));
	em_srv_args_init(&a.srv);
	rc = parse_args(&a, argc, argv, &done);
	if (rc != EM_EXIT_OK || done)
		return rc;
	if (em_cli_server_query(&a.srv, &q, &rc) < 0 || (cl = em_cli_server_client(&a.srv, &rc)) == NULL)
		return rc;
	err.msg[0] = '\0';
	if (strcmp(a.sub, "profile") == 0)
		rc = run_profile(&a, cl, &q, &err);
	else if (strcmp(a.sub, "diff") == 0)
		rc = run_diff(&a, cl, &q, &err);
	else
		rc = run_list(&a, cl, &q, &err);
	em_pyro_client_free(cl);
	if (rc == -2)
		return EM_EXIT_USAGE;
	if (rc < 0) {
		em_cli_error("%s", err.msg[0] ? err.msg : "query failed");
		return EM_EXIT_FAIL;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		em_cli_error("error writing the output");
		return EM_EXIT_FAIL;
	}
	return EM_EXIT_OK;
}

const struct em_cmd em_cmd_query = {
	"query",
	"query profile-types|label-names|label-values NAME|series|series-values|profile|diff [options]",
	"ask a Pyroscope server: profile types, labels, series, merged profiles",
	"queries:\n"
	"  profile-types             the profile type IDs with data in the range\n"
	"  label-names               label names of the series matching --query\n"
	"  label-values NAME         values of label NAME\n"
	"  series                    label sets (--label-names a,b projects them)\n"
	"  series-values             the time series of --profile-type and --query:\n"
	"                            'TIME<TAB>VALUE<TAB>{labels}' per point\n"
	"  profile                   the merged profile as folded stacks (text) or\n"
	"                            flame graph JSON; -o FILE writes gzip pprof\n"
	"  diff                      'stack left right' lines of --query against\n"
	"                            --right-query (and --right-from/--right-to)\n"
	"options:\n"
	"  --format text|json        output format (default: text)\n"
	"  -o, --output FILE         profile: write gzip pprof to FILE ('-' = stdout)\n"
	"  --label-names A,B         series: only these labels (repeatable)\n"
	"  --step DURATION           series-values: bucket size, e.g. 15s, 1m (default:\n"
	"                            the range / 100, at least 15s)\n"
	"  --group-by A,B            series-values: one series per value of A, B\n"
	"  --aggregation sum|avg     series-values: how a bucket combines profiles\n"
	"  --right-query SEL, --right-from T, --right-to T  diff: the right side\n"
	"                            (defaults: the left side's)\n"
	EM_CLI_SERVER_HELP
	"\n"
	"exit status: 2 for bad options or time strings, 1 when the server cannot\n"
	"be reached or answers with an error.\n",
	query_run,
};

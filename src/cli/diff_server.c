/* diff_server.c - the server sides of `embers diff`: two merged profiles
 * (SelectMergeProfile) of a Pyroscope server, or a file against one.
 *
 * The new side is the query of the shared server options (--query,
 * --from, --to, --profile-type); the base is the same query changed by
 * --base-query, --base-from/--base-to, or --compare previous|DURATION
 * (the range of equal length just before, or the range DURATION earlier),
 * so two time ranges, two label selectors, or both can be compared. With
 * a BASE file the file is the base and the server query the new side.
 * The two profiles then go to the same table and view as two files. */
#include <stdio.h>
#include <string.h>

#include "cli/diff.h"

void em_diff_srv_init(struct em_diff_srv *s)
{
	memset(s, 0, sizeof(*s));
	em_srv_args_init(&s->srv);
	s->max_nodes = -1;
}

int em_cli_diff_server_opt(struct em_diff_srv *s, int id, const char *arg)
{
	switch (id) {
	case EM_SRV_MAX_NODES: /* truncates the flame graph; not a source */
		return em_cli_parse_int(&em_cmd_diff, "--max-nodes", arg, 1, 1 << 24,
		    &s->max_nodes) < 0 ? -1 : 1;
	case EM_DSRV_BASE_QUERY:
		s->base_query = arg;
		break;
	case EM_DSRV_BASE_FROM:
		s->base_from = arg;
		break;
	case EM_DSRV_BASE_TO:
		s->base_to = arg;
		break;
	case EM_DSRV_COMPARE:
		s->compare = arg;
		break;
	default:
		return em_cli_server_opt(&em_cmd_diff, &s->srv, id, arg);
	}
	s->srv.used = 1;
	return 1;
}

int em_cli_diff_server_used(const struct em_diff_args *a)
{
	return a->srv != NULL && a->srv->srv.used;
}

/* The base range from --compare: "previous" or a duration back. */
static int compare_range(const char *how, em_pyro_query *b, int *rc)
{
	int64_t back;
	em_error err;

	err.msg[0] = '\0';
	if (em_time_compare_back(how, b->start_ms, b->end_ms, &back, &err) < 0) {
		em_cli_usage_error(&em_cmd_diff, "invalid --compare '%s' (use previous "
		    "or a duration such as 24h or 7d)", how);
		*rc = EM_EXIT_USAGE;
		return -1;
	}
	b->start_ms -= back;
	b->end_ms -= back;
	return 0;
}

/* The base query: the new one with the --base-* and --compare changes. */
static int base_query(const struct em_diff_srv *s, const em_pyro_query *nq,
    em_pyro_query *bq, int *rc)
{
	em_error err;

	*bq = *nq;
	err.msg[0] = '\0';
	if (s->base_query != NULL)
		bq->selector = s->base_query;
	if (s->compare != NULL && (s->base_from || s->base_to)) {
		em_cli_usage_error(&em_cmd_diff, "give --compare or --base-from/--base-to, "
		    "not both");
		*rc = EM_EXIT_USAGE;
		return -1;
	}
	if (s->compare != NULL)
		return compare_range(s->compare, bq, rc);
	if ((s->base_from || s->base_to) && em_time_range(s->base_from ? s->base_from :
	    s->srv.from, s->base_to ? s->base_to : s->srv.to, em_now_ms(), &bq->start_ms,
	    &bq->end_ms, &err) < 0) {
		em_cli_error("%s", err.msg);
		*rc = EM_EXIT_USAGE;
		return -1;
	}
	return 0;
}

/* "{selector} FROM..TO" for titles and messages. */
static void label(char *buf, size_t n, const em_pyro_query *q)
{
	char from[40], to[40];

	em_time_format(from, sizeof(from), q->start_ms);
	em_time_format(to, sizeof(to), q->end_ms);
	snprintf(buf, n, "%s %s..%s", q->selector && q->selector[0] ? q->selector : "{}",
	    from, to);
}

static em_profile *merge(em_pyro_client *cl, const em_pyro_query *q, const char *what,
    int *rc)
{
	em_profile *p;
	em_error err;

	err.msg[0] = '\0';
	p = em_pyro_merge_profile(cl, q, &err);
	if (p == NULL) {
		if (err.msg[0] == '\0')
			em_error_set(&err, "query failed");
		em_cli_error("%s side: %s", what, err.msg);
		*rc = em_pyro_client_status(cl) == EM_PYRO_E_USAGE ? EM_EXIT_USAGE : EM_EXIT_FAIL;
	}
	return p;
}

static int check_sides(const struct em_diff_args *a, const em_pyro_query *nq,
    const em_pyro_query *bq)
{
	const char *ns = nq->selector ? nq->selector : "", *bs = bq->selector ? bq->selector : "";

	if (a->nw != NULL)
		return em_cli_usage_error(&em_cmd_diff, "give two files or server options, "
		    "not both (a BASE file is compared with the server's query)");
	if (a->base == NULL && nq->start_ms == bq->start_ms && nq->end_ms == bq->end_ms &&
	    strcmp(ns, bs) == 0)
		return em_cli_usage_error(&em_cmd_diff, "both sides are the same query; give "
		    "--base-query, --base-from/--base-to or --compare");
	if (a->base != NULL && (a->srv->base_query || a->srv->base_from || a->srv->base_to ||
	    a->srv->compare))
		return em_cli_usage_error(&em_cmd_diff, "with a BASE file, the --base-* and "
		    "--compare options have no side to change");
	return EM_EXIT_OK;
}

int em_cli_diff_server_load(const struct em_diff_args *a, em_profile *p[2],
    const char *path[2])
{
	struct em_diff_srv *s = a->srv;
	em_pyro_query nq, bq;
	em_pyro_client *cl;
	int rc = EM_EXIT_OK;

	p[EM_BASE] = p[EM_NEW] = NULL;
	if (em_cli_server_query(&s->srv, &nq, &rc) < 0)
		return rc;
	if (base_query(s, &nq, &bq, &rc) < 0)
		return rc;
	rc = check_sides(a, &nq, &bq);
	if (rc != EM_EXIT_OK)
		return rc;
	label(s->label[EM_NEW], sizeof(s->label[EM_NEW]), &nq);
	label(s->label[EM_BASE], sizeof(s->label[EM_BASE]), &bq);
	path[EM_NEW] = s->label[EM_NEW];
	path[EM_BASE] = a->base ? a->base : s->label[EM_BASE];
	if (a->base != NULL && (p[EM_BASE] = em_cli_load(a->base)) == NULL)
		return EM_EXIT_USAGE;
	cl = em_cli_server_client(&s->srv, &rc);
	if (cl == NULL)
		return rc;
	if (p[EM_BASE] == NULL)
		p[EM_BASE] = merge(cl, &bq, "base", &rc);
	if (p[EM_BASE] != NULL)
		p[EM_NEW] = merge(cl, &nq, "new", &rc);
	em_pyro_client_free(cl);
	return rc;
}

/* source_opts.c - server options shared by `top`, `export` and `query`,
 * and em_cli_load_any, which reads a FILE or asks the server instead.
 *
 * Exit statuses: a bad option, URL or time string is a usage error (2);
 * a server that cannot be reached or answers with an error is 1. */
#include <stdio.h>
#include <string.h>

#include "cli/source_opts.h"

void em_srv_args_init(struct em_srv_args *a)
{
	memset(a, 0, sizeof(*a));
	a->max_nodes = -1;
}

int em_cli_server_opt(const struct em_cmd *cmd, struct em_srv_args *a, int id,
    const char *arg)
{
	if (id < EM_SRV_OPT_BASE || id >= EM_SRV_END)
		return 0;
	a->used = 1;
	if (id < EM_SRV_OPT_BASE + EM_PK_N) {
		a->flags[id - EM_SRV_OPT_BASE] = id == EM_SRV_OPT_BASE + EM_PK_INSECURE
		    ? "true" : arg;
		return 1;
	}
	switch (id) {
	case EM_SRV_SERVER:
		a->server = arg;
		break;
	case EM_SRV_QUERY:
		a->query = arg;
		break;
	case EM_SRV_PROFILE_TYPE:
		a->profile_type = arg;
		break;
	case EM_SRV_FROM:
		a->from = arg;
		break;
	case EM_SRV_TO:
		a->to = arg;
		break;
	case EM_SRV_MAX_NODES:
		if (em_cli_parse_int(cmd, "--max-nodes", arg, 1, 1 << 24, &a->max_nodes) < 0)
			return -1;
		break;
	case EM_SRV_CALL_SITE:
		if (a->ncall_site == EM_SRV_MAX_CALL_SITE) {
			em_cli_usage_error(cmd, "too many --call-site frames (at most %d)",
			    EM_SRV_MAX_CALL_SITE);
			return -1;
		}
		a->call_site[a->ncall_site++] = arg;
		break;
	}
	return 1;
}

em_pyro_client *em_cli_server_client(struct em_srv_args *a, int *rc)
{
	em_pyro_conf conf;
	em_pyro_client *cl;
	em_error err;

	err.msg[0] = '\0';
	if (em_pyro_conf_resolve(&conf, a->flags, a->server, NULL, &err) < 0) {
		em_cli_error("%s", err.msg);
		*rc = EM_EXIT_USAGE;
		return NULL;
	}
	snprintf(a->label, sizeof(a->label), "%s", conf.url);
	cl = em_pyro_client_new(&conf, &err);
	em_pyro_conf_free(&conf);
	if (cl == NULL) {
		em_cli_error("%s", err.msg);
		*rc = EM_EXIT_USAGE;
	}
	return cl;
}

int em_cli_server_query(const struct em_srv_args *a, em_pyro_query *q, int *rc)
{
	em_error err;

	memset(q, 0, sizeof(*q));
	err.msg[0] = '\0';
	if (em_time_range(a->from, a->to, em_now_ms(), &q->start_ms, &q->end_ms, &err) < 0) {
		em_cli_error("%s", err.msg);
		*rc = EM_EXIT_USAGE;
		return -1;
	}
	q->profile_type = a->profile_type ? a->profile_type : EM_DEFAULT_PROFILE_TYPE;
	q->selector = a->query;
	q->max_nodes = a->max_nodes > 0 ? a->max_nodes : 0;
	q->call_site = a->call_site;
	q->ncall_site = a->ncall_site;
	return 0;
}

static em_profile *load_server(struct em_srv_args *a, int *rc)
{
	em_pyro_client *cl;
	em_pyro_query q;
	em_profile *p;
	em_error err;

	if (em_cli_server_query(a, &q, rc) < 0 || (cl = em_cli_server_client(a, rc)) == NULL)
		return NULL;
	err.msg[0] = '\0';
	p = a->max_nodes > 0 ? em_pyro_flamegraph(cl, &q, &err)
	    : em_pyro_merge_profile(cl, &q, &err);
	if (p == NULL) {
		em_cli_error("%s", err.msg[0] ? err.msg : "query failed");
		*rc = em_pyro_client_status(cl) == EM_PYRO_E_USAGE ? EM_EXIT_USAGE : EM_EXIT_FAIL;
	}
	em_pyro_client_free(cl);
	return p;
}

em_profile *em_cli_load_any(const struct em_cmd *cmd, const char *file,
    struct em_srv_args *a, int *rc)
{
	em_profile *p;

	*rc = EM_EXIT_OK;
	if (file != NULL && a->used) {
		*rc = em_cli_usage_error(cmd, "give a profile FILE or server options, not both");
		return NULL;
	}
	if (file == NULL && !a->used) {
		*rc = em_cli_usage_error(cmd, "no profile file given (or --url for a server)");
		return NULL;
	}
	if (file != NULL) {
		p = em_cli_load(file);
		if (p == NULL)
			*rc = EM_EXIT_USAGE;
		return p;
	}
	return load_server(a, rc);
}

const char *em_cli_source_name(const char *file, const struct em_srv_args *a)
{
	if (file != NULL)
		return file;
	return a->label[0] ? a->label : "server";
}

/* source_opts.h - the server options every command that reads a profile
 * shares (`top`, `export`, `query`): where the server is, how to log in,
 * and which profile to merge.
 *
 * A command adds EM_CLI_SERVER_OPTS to its option table, hands unknown
 * option ids to em_cli_server_opt, and loads with em_cli_load_any, which
 * reads FILE or, when server options were given instead, asks the server
 * for the merged profile. */
#ifndef EMBERS_CLI_SOURCE_OPTS_H
#define EMBERS_CLI_SOURCE_OPTS_H

#include "cli/cli.h"
#include "embers/pyroscope.h"

/* Option ids; the first EM_PK_N follow enum em_pyro_key. */
enum {
	EM_SRV_OPT_BASE = 1000,
	EM_SRV_SERVER = EM_SRV_OPT_BASE + EM_PK_N,
	EM_SRV_QUERY,
	EM_SRV_PROFILE_TYPE,
	EM_SRV_FROM,
	EM_SRV_TO,
	EM_SRV_MAX_NODES,
	EM_SRV_CALL_SITE,
	EM_SRV_END
};

#define EM_CLI_SERVER_OPTS \
	{ "url", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_URL }, \
	{ "username", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_USERNAME }, \
	{ "password", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_PASSWORD }, \
	{ "token", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_TOKEN }, \
	{ "tenant-id", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_TENANT }, \
	{ "insecure", 0, EM_OPT_NOARG, EM_SRV_OPT_BASE + EM_PK_INSECURE }, \
	{ "ca-cert", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_CA_CERT }, \
	{ "connect-timeout", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_CONNECT_TIMEOUT }, \
	{ "timeout", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_TIMEOUT }, \
	{ "max-reply-size", 0, EM_OPT_ARG, EM_SRV_OPT_BASE + EM_PK_MAX_REPLY }, \
	{ "server", 0, EM_OPT_ARG, EM_SRV_SERVER }, \
	{ "query", 'q', EM_OPT_ARG, EM_SRV_QUERY }, \
	{ "profile-type", 0, EM_OPT_ARG, EM_SRV_PROFILE_TYPE }, \
	{ "from", 0, EM_OPT_ARG, EM_SRV_FROM }, \
	{ "to", 0, EM_OPT_ARG, EM_SRV_TO }, \
	{ "max-nodes", 0, EM_OPT_ARG, EM_SRV_MAX_NODES }, \
	{ "call-site", 0, EM_OPT_ARG, EM_SRV_CALL_SITE }

/* For a command's help text. */
#define EM_CLI_SERVER_HELP \
	"server options (instead of FILE: merge the profiles a Pyroscope server holds):\n" \
	"  --url URL                 server base URL (env EMBERS_URL, PROFILECLI_URL;\n" \
	"                            default http://localhost:4040; a base path is kept)\n" \
	"  --server NAME             use the settings of NAME in\n" \
	"                            $XDG_CONFIG_HOME/embers/config.yaml\n" \
	"  --username U, --password P  basic auth (env PROFILECLI_USERNAME/_PASSWORD)\n" \
	"  --token T                 bearer token (env PROFILECLI_TOKEN)\n" \
	"  --tenant-id ID            X-Scope-OrgID tenant (env PROFILECLI_TENANT_ID)\n" \
	"  --insecure, --ca-cert FILE  skip TLS checks / trust the CAs in FILE\n" \
	"  --connect-timeout S, --timeout S  seconds (defaults 10 and 120; 0 = none)\n" \
	"  --max-reply-size N        refuse replies above N bytes (K, M, G; default 1G)\n" \
	"  -q, --query SELECTOR      label selector, e.g. '{service_name=\"api\"}' (default {})\n" \
	"  --profile-type ID         default process_cpu:cpu:nanoseconds:cpu:nanoseconds\n" \
	"  --from T, --to T          now, now-15m, now-1h30m, now-7d, RFC 3339, unix\n" \
	"                            seconds or ms (default: the last hour)\n" \
	"  --max-nodes N             ask for the server's flame graph of N nodes (cut\n" \
	"                            nodes fold into 'other') instead of the full pprof\n" \
	"  --call-site NAME          keep stacks starting with these frames (repeat,\n" \
	"                            root first)\n"

#define EM_SRV_MAX_CALL_SITE 64
#define EM_DEFAULT_PROFILE_TYPE "process_cpu:cpu:nanoseconds:cpu:nanoseconds"

struct em_srv_args {
	const char *flags[EM_PK_N];
	const char *server;
	const char *query, *profile_type, *from, *to;
	long long max_nodes;      /* -1 = not given */
	const char *call_site[EM_SRV_MAX_CALL_SITE];
	size_t ncall_site;
	int used;                 /* any of these options was given */
	char label[512];          /* the server for messages, once connected */
};

/* Clear a (max_nodes = -1). */
void em_srv_args_init(struct em_srv_args *a);

/* Take option id with value arg: 1 when it is a server option, 0 when
 * not, -1 after printing a usage error. */
int em_cli_server_opt(const struct em_cmd *cmd, struct em_srv_args *a, int id,
    const char *arg);

/* A client for the resolved settings; NULL after printing the error, with
 * *rc the exit status. */
em_pyro_client *em_cli_server_client(struct em_srv_args *a, int *rc);
/* The query of a (time range parsed, defaults applied); -1 after printing. */
int em_cli_server_query(const struct em_srv_args *a, em_pyro_query *q, int *rc);

/* FILE, or the merged profile of the server options; never both. NULL
 * after printing the error, with *rc the exit status. */
em_profile *em_cli_load_any(const struct em_cmd *cmd, const char *file,
    struct em_srv_args *a, int *rc);
/* What to call the source in messages: FILE or the server URL. */
const char *em_cli_source_name(const char *file, const struct em_srv_args *a);

#endif

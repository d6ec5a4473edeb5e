/* export.c - `embers export`: write a profile as folded stacks, gzip pprof
 * or flamebearer JSON.
 *
 * The writers live in src/formats; this file picks one and hands it to
 * em_write_file_atomic, so a failed export never leaves a partial file.
 * Binary pprof is not written to a terminal. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/source_opts.h"
#include "embers/writer.h"

enum { OPT_FORMAT = 1, OPT_TYPE, OPT_OUTPUT };

struct export_args {
	const char *file;
	const char *type;
	const char *out;
	int format; /* em_export_format, or -1 until given */
	struct em_srv_args srv; /* --url ... instead of FILE */
};

struct export_job {
	const em_profile *p;
	uint32_t type;
	int format;
};

static int write_job(FILE *out, void *ctx, em_error *err)
{
	const struct export_job *job = ctx;

	switch (job->format) {
	case EM_EXPORT_FOLDED:
		return em_write_folded(out, job->p, job->type, err);
	case EM_EXPORT_PPROF:
		return em_write_pprof(out, job->p, err);
	case EM_EXPORT_JSON:
		return em_write_flamebearer(out, job->p, job->type, err);
	}
	return em_error_set(err, "unknown export format");
}

static int parse_args(struct export_args *a, int argc, char **argv, int *done)
{
	static const struct em_opt table[] = {
		{ "format", 0, EM_OPT_ARG, OPT_FORMAT },
		{ "sample-type", 0, EM_OPT_ARG, OPT_TYPE },
		{ "output", 'o', EM_OPT_ARG, OPT_OUTPUT },
		EM_CLI_SERVER_OPTS,
		{ NULL, 0, 0, 0 },
	};
	struct em_opts st;
	int r;

	em_srv_args_init(&a->srv);
	em_opts_init(&st, &em_cmd_export, table, argc, argv);
	while ((r = em_opts_next(&st)) != EM_OPTS_END) {
		switch (r) {
		case EM_OPTS_ERROR:
			return EM_EXIT_USAGE;
		case EM_OPTS_HELP:
			em_cli_print_cmd_help(stdout, &em_cmd_export);
			*done = 1;
			return EM_EXIT_OK;
		case EM_OPTS_OPERAND:
			if (a->file != NULL)
				return em_cli_usage_error(&em_cmd_export,
				    "too many arguments: '%s'", st.arg);
			a->file = st.arg;
			break;
		case OPT_FORMAT:
			a->format = em_export_parse(st.arg);
			if (a->format < 0)
				return em_cli_usage_error(&em_cmd_export,
				    "unknown format '%s' (use folded, pprof or json)", st.arg);
			break;
		case OPT_TYPE:
			a->type = st.arg;
			break;
		case OPT_OUTPUT:
			if (st.arg[0] == '\0')
				return em_cli_usage_error(&em_cmd_export,
				    "empty file name for '%s'", st.optname);
			a->out = st.arg;
			break;
		default:
			if (em_cli_server_opt(&em_cmd_export, &a->srv, r, st.arg) < 0)
				return EM_EXIT_USAGE;
			break;
		}
	}
	if (a->format < 0)
		return em_cli_usage_error(&em_cmd_export, "missing --format");
	return EM_EXIT_OK;
}

static int export_run(int argc, char **argv)
{
	struct export_args a = { .out = "-", .format = -1 };
	struct export_job job;
	em_profile *p;
	em_error err;
	int done = 0, rc;

	rc = parse_args(&a, argc, argv, &done);
	if (rc != EM_EXIT_OK || done)
		return rc;
	if (a.format == EM_EXPORT_PPROF && strcmp(a.out, "-") == 0 &&
	    isatty(STDOUT_FILENO)) {
		em_cli_error("refusing to write binary pprof to a terminal (use -o FILE or a redirect)");
		return EM_EXIT_USAGE;
	}
	p = em_cli_load_any(&em_cmd_export, a.file, &a.srv, &rc);
	if (p == NULL)
		return rc;
	job.p = p;
	job.format = a.format;
	if (em_cli_sample_type(p, em_cli_source_name(a.file, &a.srv), a.type,
	    &job.type) < 0) {
		em_profile_free(p);
		return EM_EXIT_USAGE;
	}
	err.msg[0] = '\0';
	rc = EM_EXIT_OK;
	if (em_write_file_atomic(a.out, write_job, &job, &err) < 0) {
		em_cli_error("%s", err.msg[0] ? err.msg : "export failed");
		rc = EM_EXIT_FAIL;
	}
	em_profile_free(p);
	return rc;
}

const struct em_cmd em_cmd_export = {
	"export",
	"export --format folded|pprof|json [options] FILE",
	"write the profile as folded stacks, gzip pprof or flame graph JSON",
	"options:\n"
	"  --format folded|pprof|json  output format (required):\n"
	"                              folded  'root;...;leaf value' lines of one sample type\n"
	"                              pprof   gzip-compressed pprof with every sample type\n"
	"                              json    Pyroscope flamebearer JSON of one sample type\n"
	"  --sample-type NAME|INDEX    sample type for folded and json (default: the\n"
	"                              profile's default)\n"
	"  -o, --output OUT            write to OUT (default: standard output); the file\n"
	"                              is replaced only when the export succeeds\n"
	"  -h, --help                  show this help\n"
	"\n"
	EM_CLI_SERVER_HELP,
	export_run,
};

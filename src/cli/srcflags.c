/* srcflags.c - the source lookup flags shared by `embers source` and the
 * viewer: parsing them and turning them into em_source_opts. */
#include <string.h>

#include "cli/srcflags.h"

int em_cli_source_opt(const struct em_cmd *cmd, struct em_src_flags *f, int id,
    const char *arg)
{
	switch (id) {
	case EM_SRCF_SOURCE_DIR: f->source_dir = arg; break;
	case EM_SRCF_REPO: f->repo = arg; break;
	case EM_SRCF_REF: f->ref = arg; break;
	case EM_SRCF_ROOT: f->root = arg; break;
	case EM_SRCF_RAW_URL: f->raw_url = arg; break;
	case EM_SRCF_OFFLINE: f->offline = 1; break;
	case EM_SRCF_TIMEOUT:
		if (em_cli_parse_int(cmd, "--fetch-timeout", arg, 1, 3600, &f->timeout_s) < 0)
			return -1;
		break;
	default:
		return 0;
	}
	return 1;
}

int em_cli_source_settings(const struct em_src_flags *f, em_source_opts *o)
{
	em_error err;

	err.msg[0] = '\0';
	if (em_source_opts_init(o, &err) < 0)
		em_cli_error("warning: %s", err.msg);
	/* a flag given as "" unsets what the environment or config set */
	if ((f->source_dir && em_source_opts_set(&o->source_dir, f->source_dir) < 0) ||
	    (f->repo && em_source_opts_set(&o->repo, f->repo) < 0) ||
	    (f->ref && em_source_opts_set(&o->ref, f->ref) < 0) ||
	    (f->root && em_source_opts_set(&o->root_path, f->root) < 0) ||
	    (f->raw_url && em_source_opts_set(&o->raw_url, f->raw_url) < 0)) {
		em_cli_error("out of memory");
		em_source_opts_free(o);
		return -1;
	}
	if (f->offline)
		o->offline = 1;
	if (f->timeout_s > 0)
		o->timeout_ms = (long)f->timeout_s * 1000;
	return 0;
}

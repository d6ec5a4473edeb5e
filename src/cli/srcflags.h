/* srcflags.h - the source lookup flags that `embers source` and the viewer
 * (its function details pane) share: --source-dir, --repo, --ref,
 * --root-path, --github-raw-url, --offline and --fetch-timeout.
 *
 * A command adds EM_CLI_SOURCE_OPTS to its option table, hands option ids
 * to em_cli_source_opt, and turns the flags into em_source_opts with
 * em_cli_source_settings (defaults from the environment and the config
 * file, then the flags; the profile's service_* labels come last, with
 * em_source_opts_from_labels, and fill only what is still unset). */
#ifndef EMBERS_CLI_SRCFLAGS_H
#define EMBERS_CLI_SRCFLAGS_H

#include "cli/cli.h"
#include "embers/source.h"

enum {
	EM_SRCF_BASE = 1100, /* after the server options' ids */
	EM_SRCF_SOURCE_DIR = EM_SRCF_BASE,
	EM_SRCF_REPO,
	EM_SRCF_REF,
	EM_SRCF_ROOT,
	EM_SRCF_RAW_URL,
	EM_SRCF_OFFLINE,
	EM_SRCF_TIMEOUT,
	EM_SRCF_END
};

#define EM_CLI_SOURCE_OPTS \
	{ "source-dir", 0, EM_OPT_ARG, EM_SRCF_SOURCE_DIR }, \
	{ "repo", 0, EM_OPT_ARG, EM_SRCF_REPO }, \
	{ "ref", 0, EM_OPT_ARG, EM_SRCF_REF }, \
	{ "root-path", 0, EM_OPT_ARG, EM_SRCF_ROOT }, \
	{ "github-raw-url", 0, EM_OPT_ARG, EM_SRCF_RAW_URL }, \
	{ "offline", 0, EM_OPT_NOARG, EM_SRCF_OFFLINE }, \
	{ "fetch-timeout", 0, EM_OPT_ARG, EM_SRCF_TIMEOUT }

/* For a command's help text. */
#define EM_CLI_SOURCE_HELP \
	"  --source-dir DIR          read files and .pyroscope.yaml from a local checkout\n" \
	"  --repo URL                service repository (default: the profile's\n" \
	"                            service_repository label)\n" \
	"  --ref REF                 git ref (default: service_git_ref label, else HEAD)\n" \
	"  --root-path PATH          the service's directory in the repository\n" \
	"                            (default: service_root_path label)\n" \
	"  --github-raw-url URL      GitHub raw base URL (env EMBERS_GITHUB_RAW_URL;\n" \
	"                            default https://raw.githubusercontent.com)\n" \
	"  --offline                 no network: local checkout and cache only\n" \
	"  --fetch-timeout SECONDS   time limit per fetched file (default: 30)\n"

struct em_src_flags {
	const char *source_dir, *repo, *ref, *root, *raw_url;
	int offline;
	long long timeout_s; /* 0 = not given */
};

/* Take option id with value arg: 1 when it is a source flag, 0 when not,
 * -1 after printing a usage error. */
int em_cli_source_opt(const struct em_cmd *cmd, struct em_src_flags *f, int id,
    const char *arg);

/* The settings: defaults (em_source_opts_init; a broken config file is
 * printed as a warning), then the flags. 0, or -1 after printing "out of
 * memory" (o is freed then). */
int em_cli_source_settings(const struct em_src_flags *f, em_source_opts *o);

#endif

/* help.c - the table of commands, `embers --help`, `embers --version` and
 * the `help` command.
 *
 * To add a command: write src/cli/NAME.c exporting em_cmd_NAME, declare it
 * in cli.h and add it to em_cmds[] below; help, dispatch and the
 * "unknown command" hint follow from the table. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

const struct em_cmd *const em_cmds[] = {
	&em_cmd_top,
	&em_cmd_diff,
	&em_cmd_export,
	&em_cmd_query,
	&em_cmd_source,
	&em_cmd_help,
	NULL
};

const struct em_cmd *em_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; em_cmds[i] != NULL; i++)
		if (strcmp(em_cmds[i]->name, name) == 0)
			return em_cmds[i];
	return NULL;
}

const char *em_cli_version(void)
{
	return PACKAGE_VERSION;
}

void em_cli_print_main_help(FILE *out)
{
	size_t i;

	fprintf(out,
	    "usage: embers [COMMAND] [options] FILE\n"
	    "       embers --help | --version | help COMMAND\n"
	    "\n"
	    "Explore pprof, folded-stack and Pyroscope flame graph profiles.\n"
	    "FILE may be gzip-compressed; '-' reads standard input.\n"
	    "Without a command, embers opens FILE in the flame graph viewer, or\n"
	    "prints 'embers top FILE' when standard output is not a terminal.\n"
	    "\n"
	    "commands:\n");
	for (i = 0; em_cmds[i] != NULL; i++)
		fprintf(out, "  %-8s %s\n", em_cmds[i]->name, em_cmds[i]->summary);
	fprintf(out,
	    "\n"
	    "exit status: 0 success, 2 usage error or unreadable input, 1 other errors.\n"
	    "Run 'embers help COMMAND' for the options of a command; see embers(1).\n");
}

void em_cli_print_cmd_help(FILE *out, const struct em_cmd *cmd)
{
	fprintf(out, "usage: embers %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help != NULL && cmd->help[0] != '\0')
		fprintf(out, "\n%s", cmd->help);
}

static int help_run(int argc, char **argv)
{
	static const struct em_opt table[] = { { NULL, 0, 0, 0 } };
	const struct em_cmd *cmd;
	const char *name = NULL;
	struct em_opts st;
	int r;

	em_opts_init(&st, &em_cmd_help, table, argc, argv);
	while ((r = em_opts_next(&st)) != EM_OPTS_END) {
		if (r == EM_OPTS_ERROR)
			return EM_EXIT_USAGE;
		if (r == EM_OPTS_HELP) {
			em_cli_print_cmd_help(stdout, &em_cmd_help);
			return EM_EXIT_OK;
		}
		if (name != NULL)
			return em_cli_usage_error(&em_cmd_help, "too many arguments");
		name = st.arg;
	}
	if (name == NULL) {
		em_cli_print_main_help(stdout);
		return EM_EXIT_OK;
	}
	cmd = em_cmd_find(name);
	if (cmd == NULL)
		return em_cli_usage_error(&em_cmd_help, "unknown command '%s'", name);
	em_cli_print_cmd_help(stdout, cmd);
	return EM_EXIT_OK;
}

const struct em_cmd em_cmd_help = {
	"help",
	"help [COMMAND]",
	"show the commands, or the options of one command",
	"",
	help_run,
};

/* main.c - embers entry point: --help, --version, then dispatch to a
 * command from the table in src/cli/help.c.
 *
 * `embers FILE` (no command) goes to the TUI when the build has one
 * (EMBERS_HAVE_TUI) and standard output is a terminal; otherwise, as in
 * `embers FILE | less`, it prints `embers top FILE`. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* `embers [options] FILE`: what runs when argv[1] is not a command. */
static int default_main(int argc, char **argv)
{
#ifdef EMBERS_HAVE_TUI
	/* --keys-man (hidden) prints the man page KEYS section from the TUI's
	 * action table, usually into a file */
	if (isatty(STDOUT_FILENO) || strcmp(argv[1], "--keys-man") == 0)
		return em_tui_main(argc, argv);
#endif
	return em_cmd_top.run(argc, argv);
}

int main(int argc, char **argv)
{
	const struct em_cmd *cmd;

	if (argc < 2) {
#ifdef EMBERS_HAVE_TUI
		return em_tui_main(argc, argv);
#else
		return em_cli_usage_error(NULL, "no profile file given");
#endif
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("embers %s\n", em_cli_version());
		return fflush(stdout) == 0 ? EM_EXIT_OK : EM_EXIT_FAIL;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		em_cli_print_main_help(stdout);
		return fflush(stdout) == 0 ? EM_EXIT_OK : EM_EXIT_FAIL;
	}
#ifdef EMBERS_HAVE_TUI
	/* like `embers FILE`: a terminal gets the viewer, a pipe the table */
	if (strcmp(argv[1], "diff") == 0 && isatty(STDOUT_FILENO))
		return em_tui_diff_main(argc - 1, argv + 1);
#endif
	cmd = em_cmd_find(argv[1]);
	if (cmd != NULL)
		return cmd->run(argc - 1, argv + 1);
	return default_main(argc, argv);
}

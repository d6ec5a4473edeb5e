/* cli.h - the command line: one struct em_cmd per subcommand, the table of
 * commands, and the option parser and helpers the commands share.
 *
 * A command lives in its own file (src/cli/top.c, export.c, ...) and exports
 * a const struct em_cmd; help.c lists them in em_cmds[]. Adding a command is
 * one new file, one extern line below and one table entry. */
#ifndef EMBERS_CLI_H
#define EMBERS_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "embers/error.h"
#include "embers/profile.h"

/* Exit statuses (documented in doc/embers.1). */
#define EM_EXIT_OK 0
#define EM_EXIT_FAIL 1  /* anything else: write errors, out of memory, ... */
#define EM_EXIT_USAGE 2 /* bad command line or unreadable input */

struct em_cmd {
	const char *name;    /* "top" */
	const char *usage;   /* "top [options] FILE" (after "embers ") */
	const char *summary; /* one line for `embers --help` */
	const char *help;    /* the options, one per line, for `embers help NAME` */
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

extern const struct em_cmd em_cmd_top;
extern const struct em_cmd em_cmd_diff;
extern const struct em_cmd em_cmd_export;
extern const struct em_cmd em_cmd_query;
extern const struct em_cmd em_cmd_source;
extern const struct em_cmd em_cmd_help;

/* NULL-terminated table of every command, in the order help lists them. */
extern const struct em_cmd *const em_cmds[];
const struct em_cmd *em_cmd_find(const char *name);

/* Usage and help text. */
void em_cli_print_main_help(FILE *out);
void em_cli_print_cmd_help(FILE *out, const struct em_cmd *cmd);
const char *em_cli_version(void);

/* When the build has a TUI it defines EMBERS_HAVE_TUI and this function,
 * which main.c runs for `embers [options] FILE` and for plain `embers`. */
#ifdef EMBERS_HAVE_TUI
int em_tui_main(int argc, char **argv);
/* `embers diff` with a terminal on stdout and no --format: the diff view. */
int em_tui_diff_main(int argc, char **argv);
#endif

/* ---- option parsing (opts.c) -----------------------------------------
 * Long options take "--name=value" or "--name value"; short ones "-o value"
 * or "-ovalue". Options and operands may be mixed; "--" ends the options
 * and a lone "-" is an operand (stdin). The parser keeps all of its state
 * in struct em_opts, so nothing global survives between calls. */

enum { EM_OPT_NOARG = 0, EM_OPT_ARG = 1 };

struct em_opt {
	const char *name; /* long name without "--", or NULL */
	int short_name;   /* 'o', or 0 */
	int has_arg;      /* EM_OPT_NOARG or EM_OPT_ARG */
	int id;           /* returned by em_opts_next; must be > 0 */
};

/* em_opts_next results besides an option's id. */
#define EM_OPTS_END 0      /* no more arguments */
#define EM_OPTS_OPERAND -1 /* st->arg is an operand (file name) */
#define EM_OPTS_HELP -2    /* --help or -h: print the command help */
#define EM_OPTS_ERROR -3   /* message printed; exit EM_EXIT_USAGE */

struct em_opts {
	const struct em_cmd *cmd; /* for the usage hint */
	const struct em_opt *table; /* ends with a {NULL, 0, 0, 0} entry */
	int argc;
	char **argv;
	int i;             /* next argv index */
	int only_operands; /* after "--" */
	const char *shorts; /* rest of a "-abc" cluster being parsed */
	const char *arg;   /* value of the option, or the operand */
	char optname[64];  /* "--limit" or "-o", for messages */
};

void em_opts_init(struct em_opts *st, const struct em_cmd *cmd,
    const struct em_opt *table, int argc, char **argv);
int em_opts_next(struct em_opts *st);

/* "embers: " + message on stderr, as one line. */
void em_cli_error(const char *fmt, ...) EM_PRINTF(1, 2);
/* The error line plus "usage: embers <usage>"; returns EM_EXIT_USAGE. */
int em_cli_usage_error(const struct em_cmd *cmd, const char *fmt, ...) EM_PRINTF(2, 3);

/* Parse a whole decimal integer in [min, max] (no atoi: junk, empty strings
 * and overflow are errors). 0, or -1 after printing a usage error. */
int em_cli_parse_int(const struct em_cmd *cmd, const char *optname,
    const char *s, long long min, long long max, long long *out);

/* Read FILE ("-" = stdin). NULL after printing the reader's error. */
em_profile *em_cli_load(const char *path);
/* Resolve --sample-type (name or index; NULL = the profile's default).
 * -1 after printing the error, which lists the available types. */
int em_cli_sample_type(const em_profile *p, const char *path, const char *want,
    uint32_t *out);

/* Write a name with its exact length (names may hold NUL bytes). */
static inline size_t em_name_len(const em_profile *p, em_str s)
{
	return em_strtab_len(p->strs, s);
}

#endif

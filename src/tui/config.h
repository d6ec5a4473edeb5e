/* config.h - the user's configuration file for the terminal UI.
 *
 * $XDG_CONFIG_HOME/embers/config.yaml (else ~/.config/embers/config.yaml),
 * a YAML mapping. Keys read here:
 *   theme: NAME      the theme used when --theme is not given
 * Unknown keys are ignored so that newer files work with older builds,
 * and so are the sections that the server settings (servers:) and the
 * source lookup (github:) read from the same file. */
#ifndef EMBERS_TUI_CONFIG_H
#define EMBERS_TUI_CONFIG_H

#include <stddef.h>

#include "embers/error.h"

struct em_config {
	char theme[128]; /* "" when not set */
};

/* Path of the config file into buf; -1 when no home is known. */
int em_config_path(char *buf, size_t n);
/* Load path (a missing file is not an error: c stays empty). 0 or -1 with
 * err ("'PATH': line 3: ..."). */
int em_config_load(struct em_config *c, const char *path, em_error *err);
/* Parse YAML text; 0 or -1 with err. */
int em_config_parse(struct em_config *c, const char *name, const char *text, size_t len,
    em_error *err);

#endif

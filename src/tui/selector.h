/* selector.h - label selectors as the server viewer edits them.
 *
 * A selector is Prometheus' metric selector that Pyroscope takes:
 * {name op "value", ...} with op one of = != =~ !~. The viewer parses
 * what the user typed into matchers, adds or replaces one when a label
 * filter is picked, and prints the list back, every value quoted with
 * Go escapes so that quotes, backslashes and control bytes in label
 * values survive. No I/O, no curses. */
#ifndef EMBERS_TUI_SELECTOR_H
#define EMBERS_TUI_SELECTOR_H

#include <stddef.h>

#include "embers/error.h"

enum em_match_op { EM_OP_EQ, EM_OP_NE, EM_OP_RE, EM_OP_NRE, EM_OP_COUNT };

struct em_matcher {
	char *name;
	int op;      /* enum em_match_op */
	char *value;
};

struct em_selector {
	struct em_matcher *m;
	size_t n, cap;
};

/* "=", "!=", "=~", "!~". */
const char *em_match_op_str(int op);

void em_sel_init(struct em_selector *s);
void em_sel_free(struct em_selector *s);
/* Parse text ("", "{}", '{a="b", c!~"d.*"}', a leading metric name
 * becomes __name__) into s, replacing what s held. -1 with err and s
 * unchanged on a syntax error. */
int em_sel_parse(struct em_selector *s, const char *text, em_error *err);
/* Set name op value: replaces the matcher with the same name and op, else
 * appends. -1 on out of memory. */
int em_sel_set(struct em_selector *s, const char *name, int op, const char *value);
/* Drop every matcher of name; returns how many. */
size_t em_sel_remove(struct em_selector *s, const char *name);
/* The value of the matcher name op, NULL when none. */
const char *em_sel_get(const struct em_selector *s, const char *name, int op);
/* The selector as text ({} when empty), malloc'd; NULL on out of memory. */
char *em_sel_format(const struct em_selector *s);

/* A label value (or a quoted name) as a double-quoted Go string into buf:
 * returns the length it needs (like snprintf). */
size_t em_sel_quote(char *buf, size_t n, const char *value);

/* Convenience: text with name op value set, malloc'd (NULL with err when
 * text does not parse). */
char *em_sel_with(const char *text, const char *name, int op, const char *value,
    em_error *err);

#endif

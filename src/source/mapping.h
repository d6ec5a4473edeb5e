/* mapping.h - `.pyroscope.yaml` (version v1): parsing, validation and the
 * longest-prefix match that picks a mapping for a (file path, function
 * name) pair, as Pyroscope's pkg/frontend/vcs/config does.
 *
 *   version: v1            ("" counts as v1; anything else is invalid)
 *   source_code:
 *     mappings:
 *       - path: [{prefix: P}, ...]           matched against the file path
 *         function_name: [{prefix: P}, ...]  matched against the function
 *         language: go|java|python|javascript
 *         source: {local: {path: D}} | {github: {owner, repo, ref, path}}
 *
 * Any invalid mapping makes the whole file invalid: the caller ignores it
 * with a warning and resolves as if there were no file. */
#ifndef EMBERS_SOURCE_MAPPING_H
#define EMBERS_SOURCE_MAPPING_H

#include <stddef.h>

#include "embers/error.h"

typedef enum em_lang {
	EM_LANG_UNKNOWN = 0,
	EM_LANG_GO,
	EM_LANG_JAVA,
	EM_LANG_PYTHON,
	EM_LANG_JAVASCRIPT
} em_lang;

typedef struct em_mapping {
	char **path_prefix;
	size_t npath;
	char **func_prefix;
	size_t nfunc;
	em_lang lang;
	int github;          /* 1: github source, 0: local source */
	char *local_path;    /* local: directory under the service root */
	char *owner, *repo, *ref, *path; /* github */
} em_mapping;

typedef struct em_mapconf {
	em_mapping *maps;
	size_t n;
} em_mapconf;

/* The largest file accepted, and the most mappings and prefixes. */
#define EM_MAPCONF_MAX_BYTES (1024 * 1024)
#define EM_MAPCONF_MAX_ENTRIES 100000

/* Parse and validate. -1 with err ("mapping[1]: language 'rust'
 * unsupported, ...") for YAML errors and invalid files; c is then empty. */
int em_mapconf_parse(em_mapconf *c, const char *buf, size_t n, em_error *err);
void em_mapconf_free(em_mapconf *c);

/* The mapping's score for (path, func): the length of its longest prefix
 * that path (for path prefixes) or func (for function_name prefixes)
 * starts with; -1 when none does. An empty prefix scores 0. */
long em_mapping_match(const em_mapping *m, const char *path, const char *func);
/* The mapping with the highest score (ties: the first in the file), or
 * NULL when none matches. *score gets its score when not NULL. */
const em_mapping *em_mapconf_find(const em_mapconf *c, const char *path,
    const char *func, long *score);

const char *em_lang_name(em_lang l);
/* The language of a file by its extension when no mapping decides:
 * .go/.s Go, .py Python, .js/.mjs/.cjs/.ts/.jsx/.tsx JavaScript. */
em_lang em_lang_of_path(const char *path);

#endif

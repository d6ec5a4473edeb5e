/* golang.h - the Go rules for turning a pprof file path into a file in a
 * repository, after Pyroscope's pkg/frontend/vcs/source/golang:
 * standard library detection (with the Go version taken from the path),
 * vendored code, module-cache paths resolved through go.mod and gopkg.in,
 * vanity import paths, and module version -> git ref. No I/O here: the
 * resolver fetches go.mod and go-get pages and passes the bytes in.
 * Returned strings are malloc'd. */
#ifndef EMBERS_SOURCE_GOLANG_H
#define EMBERS_SOURCE_GOLANG_H

#include <stddef.h>

#include "embers/error.h"

/* 1 when path is in the standard library: *rel gets the path under
 * golang/go's src/ and *version the Go version ("" when the path has
 * none). 0 when not, -1 on OOM. Rules in order: toolchain module paths
 * (golang.org/toolchain@v0.0.1-go1.24.6.linux-amd64/src/...), versioned
 * install directories (.../go/1.21.3/.../src/...), then $GOROOT/src/ or
 * /usr/local/go/src/ stripped and the directory looked up in the list of
 * standard packages (or under the std vendor/ tree). */
int em_go_stdlib(const char *path, char **rel, char **version);
/* 1 when dir (e.g. "net/http") is a standard library package. */
int em_go_std_package(const char *dir, size_t len);

/* The part of path from "/vendor/" on, or NULL (no OOM distinction: the
 * caller treats NULL as "not vendored" only after checking strstr). */
char *em_go_vendor_path(const char *path);

/* A module in the module cache, from a path holding "@v" once:
 * .../pkg/mod/github.com/!f!zambia/eagle@v0.0.2/eagle.go gives
 * {path "github.com/!f!zambia/eagle", version "v0.0.2", file "eagle.go"}. */
typedef struct em_gomodule {
	char *path;
	char *version;
	char *file;
} em_gomodule;

/* 1 parsed, 0 not a module-cache path, -1 OOM. */
int em_gomodule_parse(em_gomodule *m, const char *path);
void em_gomodule_free(em_gomodule *m);
/* Undo the module cache's case escaping ("!f" -> "F") in m->path; -1 when
 * the escaping is invalid or on OOM. */
int em_gomodule_unescape(em_gomodule *m);

/* A parsed go.mod: the module line, require and replace directives. */
typedef struct em_gomod_dep {
	char *path;
	char *version;     /* "" when none */
	char *new_path;    /* replace only */
	char *new_version; /* replace only, "" when none */
} em_gomod_dep;

typedef struct em_gomod {
	char *module;
	em_gomod_dep *req;
	size_t nreq;
	em_gomod_dep *rep;
	size_t nrep;
} em_gomod;

int em_gomod_parse(em_gomod *g, const char *buf, size_t n, em_error *err);
void em_gomod_free(em_gomod *g);

/* Apply go.mod to m: a require entry for m->path sets the version, a
 * replace entry swaps path and version, and a "./" replacement is taken
 * inside the main module (main_module, at ref service_ref). 0 or -1 OOM. */
int em_gomodule_apply(em_gomodule *m, const em_gomod *g, const char *main_module,
    const char *service_ref);

/* gopkg.in/pkg.vN -> github.com/go-pkg/pkg, gopkg.in/user/pkg.vN ->
 * github.com/user/pkg. 1 rewritten, 0 not gopkg.in, -1 invalid or OOM. */
int em_gomodule_gopkgin(em_gomodule *m);

/* From a go-get=1 HTML page: the repository of module path mod, preferring
 * a go-source tag pointing at github.com, else a git go-import tag. 1 when
 * *new_path was set (repository URL without scheme, plus the sub-path of
 * mod below the tag's import prefix), 0 when none fits, -1 OOM. */
int em_go_vanity(const char *html, size_t n, const char *mod, char **new_path);

/* Remove major-version elements ("/v2") from m->path. */
int em_gomodule_strip_major(em_gomodule *m);

/* The git ref of a module version: the commit of a pseudo-version, the
 * canonical vX.Y.Z of a semantic version, else the version itself; "" in
 * gives dflt. */
char *em_go_version_ref(const char *version, const char *dflt);

/* For github.com/OWNER/REPO/SUB...: owner, repository, ref and the file
 * path SUB/FILE. 0, or -1 with err when m is not a GitHub module. */
int em_gomodule_github(const em_gomodule *m, char **owner, char **repo,
    char **ref, char **path, em_error *err);
/* For go.googlesource.com/PROJECT/SUB...: the ?format=TEXT URL of the file
 * (base URL given, normally https://go.googlesource.com). NULL with err. */
char *em_gomodule_googlesource_url(const em_gomodule *m, const char *base,
    em_error *err);

#endif

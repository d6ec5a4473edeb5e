/* resolve.c - the lookup of one function's source file, after Pyroscope's
 * FileFinder (pkg/frontend/vcs/source/find*.go): load .pyroscope.yaml once,
 * pick the winning mapping, dispatch on its language (or on the file
 * extension without one), and the Java, Python and JavaScript rules. The
 * Go rules are in golookup.c. Where we differ from Pyroscope it is said
 * next to the code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/fetch.h"
#include "source/lang.h"
#include "source/session.h"

/* ---- .pyroscope.yaml --------------------------------------------------- */

/* Read <root>/.pyroscope.yaml (or the repository's) once per repository.
 * Missing is normal; unreadable or invalid leaves a warning. */
static void load_conf(struct find *f)
{
	em_source *s = f->s;
	char *path, *body = NULL;
	size_t len = 0;
	em_error err;
	int r;

	if (s->conf_loaded)
		return;
	path = s->root[0] ? em_path_join(s->root, ".pyroscope.yaml") : em_strdup(".pyroscope.yaml");
	if (path == NULL)
		return;
	r = em_store_service_raw(f, path, &body, &len);
	if (r == EM_FAILED && f->cancel != NULL && *f->cancel) {
		free(path);
		return; /* try again next time */
	}
	s->conf_loaded = 1;
	if (r == EM_FAILED)
		snprintf(s->conf_warning, sizeof(s->conf_warning), "%s", f->why.msg);
	if (r == EM_GOT) {
		err.msg[0] = '\0';
		if (em_mapconf_parse(&s->conf, body, len, &err) == 0)
			s->have_conf = 1;
		else
			snprintf(s->conf_warning, sizeof(s->conf_warning),
			    "'%.200s': %.250s; file ignored", path, err.msg);
	}
	free(body);
	free(path);
}

/* ---- fetching through mappings and the service root ------------------ */

/* Pyroscope's fetchRepoFile: <root>/<path> in the service repository. */
int em_find_repo_file(struct find *f, const char *path)
{
	char *p;
	int escapes, r;

	p = em_repo_file_path(f->s->root, path, &escapes);
	if (p == NULL && escapes)
		return em_error_set(&f->why, "'%s': not a file inside the repository", path);
	if (p == NULL)
		return em_error_set(&f->why, "out of memory");
	r = em_store_service(f, p);
	free(p);
	return r;
}

/* Pyroscope's fetchMappingFile. A local path must stay inside the
 * repository: an absolute path or one with ".." is refused (Pyroscope
 * accepts them and lets filepath.Join clean them). */
int em_find_mapping_file(struct find *f, const em_mapping *m, const char *rel)
{
	const char *dir = m->github ? m->path : m->local_path;
	char *path;
	int r;

	if (!m->github && (dir[0] == '/' || em_path_has_dotdot(dir)))
		return em_error_set(&f->why, "'.pyroscope.yaml': local path '%s' leaves the repository", dir);
	path = dir[0] ? em_path_join(dir, rel) : em_strdup(rel);
	if (path == NULL)
		return em_error_set(&f->why, "out of memory");
	if (m->github)
		r = em_store_github(f, m->owner, m->repo, m->ref[0] ? m->ref : "HEAD", path);
	else
		r = em_find_repo_file(f, path);
	free(path);
	return r;
}

/* The file path with the mapping's score cut off the front, then leading
 * '/' (the score may come from a function-name prefix: then the cut can
 * be wrong, as in Pyroscope, and a score beyond the path skips it). */
static int mapping_with_prefix_cut(struct find *f, const em_mapping *m)
{
	long pos = em_mapping_match(m, f->path, f->func);
	const char *rel;

	if (pos < 0 || (size_t)pos > strlen(f->path))
		return em_error_set(&f->why, "'%s': mapping prefix longer than the path", f->path),
		    EM_MISSING;
	for (rel = f->path + pos; *rel == '/'; rel++)
		;
	return em_find_mapping_file(f, m, rel);
}

static int cancelled(const struct find *f)
{
	return f->cancel != NULL && *f->cancel;
}

/* ---- Java, Python, JavaScript ------------------------------------------ */

/* Only through a mapping: the class's file under the mapping's path. */
static int find_java(struct find *f, const em_mapping *m)
{
	char *p = em_java_path(f->func);
	int r;

	if (p == NULL)
		return em_error_set(&f->why, "out of memory");
	r = em_find_mapping_file(f, m, p);
	free(p);
	return r;
}

/* Standard library first, then the mapping, then the path under the
 * service root. */
static int find_python(struct find *f, const em_mapping *m)
{
	char *rel, *ver, *lib;
	int r = em_python_stdlib(f->path, &rel, &ver);

	if (r < 0)
		return em_error_set(&f->why, "out of memory");
	if (r == 1) {
		lib = em_path_join("Lib", rel);
		r = lib ? em_store_github(f, "python", "cpython", ver[0] ? ver : "main", lib) :
		    em_error_set(&f->why, "out of memory");
		free(lib);
		free(rel);
		free(ver);
		return r;
	}
	if (m != NULL && (r = mapping_with_prefix_cut(f, m)) == EM_GOT)
		return r;
	if (cancelled(f))
		return EM_FAILED;
	return em_find_repo_file(f, f->path);
}

static int find_javascript(struct find *f, const em_mapping *m)
{
	int r;

	if (m != NULL && (r = mapping_with_prefix_cut(f, m)) == EM_GOT)
		return r;
	if (cancelled(f))
		return EM_FAILED;
	return em_find_repo_file(f, f->path);
}

static int by_language(struct find *f, em_lang lang, const em_mapping *m)
{
	switch (lang) {
	case EM_LANG_GO:
		return em_find_go(f, m);
	case EM_LANG_JAVA:
		return m ? find_java(f, m) : em_find_repo_file(f, f->path);
	case EM_LANG_PYTHON:
		return find_python(f, m);
	case EM_LANG_JAVASCRIPT:
		return find_javascript(f, m);
	default:
		return em_find_repo_file(f, f->path);
	}
}

/* ---- the lookup -------------------------------------------------------- */

static void file_init(em_source_file *out)
{
	memset(out, 0, sizeof(*out));
}

int em_source_find(em_source *s, const char *func, const char *path,
    volatile int *cancel, em_source_file *out)
{
	struct find f;
	const em_mapping *m = NULL;
	int r;

	file_init(out);
	memset(&f, 0, sizeof(f));
	f.s = s;
	f.func = func ? func : "";
	f.path = path ? path : "";
	f.cancel = cancel;
	f.out = out;
	if (f.path[0] == '\0' && f.func[0] == '\0') {
		snprintf(out->why, sizeof(out->why), "no file name in the profile");
		return -1;
	}
	pthread_mutex_lock(&s->mu);
	load_conf(&f);
	snprintf(out->warning, sizeof(out->warning), "%s", s->conf_warning);
	f.why.msg[0] = '\0';
	if (s->have_conf)
		m = em_mapconf_find(&s->conf, f.path, f.func, NULL);
	if (m != NULL)
		r = by_language(&f, m->lang, m);
	else if (f.path[0] == '\0')
		r = em_error_set(&f.why, "no file name in the profile for '%s'", f.func);
	else
		r = by_language(&f, em_lang_of_path(f.path), NULL);
	pthread_mutex_unlock(&s->mu);
	if (r == EM_GOT)
		return 0;
	free(out->data);
	free(out->origin);
	out->data = out->origin = NULL;
	out->len = 0;
	snprintf(out->why, sizeof(out->why), "%s",
	    cancel != NULL && *cancel ? "cancelled" : f.why.msg[0] ? f.why.msg : "not found");
	return -1;
}

void em_source_file_free(em_source_file *f)
{
	free(f->data);
	free(f->origin);
	free(f->line_off);
	file_init(f);
}

/* Line starts; a last line without '\n' counts, an empty tail does not
 * (as bufio line reading in pprof). */
static int index_lines(em_source_file *f)
{
	size_t n = 0, i, k = 0;

	for (i = 0; i < f->len; i++)
		n += f->data[i] == '\n';
	if (f->len > 0 && f->data[f->len - 1] != '\n')
		n++;
	f->line_off = malloc((n + 1) * sizeof(*f->line_off));
	if (f->line_off == NULL)
		return -1;
	f->line_off[k++] = 0;
	for (i = 0; i < f->len && k <= n; i++)
		if (f->data[i] == '\n')
			f->line_off[k++] = i + 1;
	f->nlines = n;
	return 0;
}

const char *em_source_file_line(em_source_file *f, int64_t n, size_t *len)
{
	size_t a, b;

	if (f->data == NULL || n < 1)
		return NULL;
	if (f->line_off == NULL && index_lines(f) < 0)
		return NULL;
	if ((uint64_t)n > f->nlines)
		return NULL;
	a = f->line_off[n - 1];
	b = (size_t)n < f->nlines ? f->line_off[n] - 1 : f->len;
	if (b > a && f->data[b - 1] == '\n')
		b--;
	if (b > a && f->data[b - 1] == '\r')
		b--;
	*len = b - a;
	return f->data + a;
}

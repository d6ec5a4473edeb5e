/* loader.c - the loading thread: read, choose the sample type, build the
 * ui. Progress and cancel go through atomics and the reader's flag. */
#include <stdio.h>
#include <string.h>

#include "embers/reader.h"
#include "loader.h"

int em_pick_type(const em_profile *p, const char *path, const char *want, em_error *err)
{
	char list[256] = "";
	size_t off = 0;
	int t;

	if (want == NULL)
		return (int)p->default_type;
	t = em_profile_find_type(p, want);
	if (t >= 0)
		return t;
	for (uint32_t i = 0; i < p->ntypes; i++) {
		int r = snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
		    em_profile_cstr(p, p->types[i].type));
		if (r < 0 || (size_t)r >= sizeof(list) - off)
			break;
		off += (size_t)r;
	}
	return em_error_set(err, "'%s': no sample type '%s' (it has: %s)", path, want, list);
}

static void on_progress(void *ctx, double fraction)
{
	struct em_loader *l = ctx;
	int pm = (int)(fraction * 1000 + 0.5);

	if (pm < 0)
		pm = 0;
	if (pm > 1000)
		pm = 1000;
	atomic_store(&l->permille, pm);
}

static void *run(void *arg)
{
	struct em_loader *l = arg;
	em_read_opts opts;
	em_profile *p;
	int type;

	memset(&opts, 0, sizeof(opts));
	opts.progress = on_progress;
	opts.ctx = l;
	opts.cancel = &l->cancel;
	p = em_read_file(l->path, &opts, &l->err);
	if (p != NULL) {
		type = em_pick_type(p, l->path, l->type_name, &l->err);
		if (type < 0) {
			em_profile_free(p);
		} else if (l->cancel) {
			em_error_set(&l->err, "'%s': cancelled", l->path);
			em_profile_free(p);
		} else if (em_ui_init(l->ui, p, l->title, type, l->theme, &l->err) < 0) {
			em_profile_free(p);
		} else {
			l->ok = 1;
		}
	}
	atomic_store(&l->done, 1);
	return NULL;
}

int em_loader_start(struct em_loader *l, struct em_ui *ui, const char *path,
    const char *title, const char *type_name, const struct em_theme *theme,
    em_error *err)
{
	memset(l, 0, sizeof(*l));
	l->ui = ui;
	l->path = path;
	l->title = title;
	l->type_name = type_name;
	l->theme = theme;
	atomic_init(&l->permille, -1);
	atomic_init(&l->done, 0);
	if (pthread_create(&l->thread, NULL, run, l) != 0)
		return em_error_set(err, "cannot start the loading thread");
	l->started = 1;
	return 0;
}

void em_loader_cancel(struct em_loader *l)
{
	l->cancel = 1;
}

int em_loader_done(struct em_loader *l)
{
	return atomic_load(&l->done);
}

double em_loader_progress(struct em_loader *l)
{
	int pm = atomic_load(&l->permille);

	return pm < 0 ? -1.0 : pm / 1000.0;
}

int em_loader_join(struct em_loader *l, em_error *err)
{
	if (l->started) {
		pthread_join(l->thread, NULL);
		l->started = 0;
	}
	if (!l->ok) {
		if (err != NULL)
			*err = l->err;
		return -1;
	}
	return 0;
}

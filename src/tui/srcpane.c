/* srcpane.c - the function details pane's state and keys: opening it on a
 * frame or table row (per-line figures from em_lines, the same as `embers
 * source`), the source lookup on its own thread (start, poll, cancel, and
 * again after the repository or ref was edited), cursor moves, hot-line
 * jumps and paging. Drawing is in srcpane_draw.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "srcpane.h"
#include "ui_int.h"

static struct em_srcpane *pane(struct em_ui *ui)
{
	if (ui->sp == NULL)
		ui->sp = calloc(1, sizeof(*ui->sp));
	return ui->sp;
}

int em_srcpane_is_open(const struct em_ui *ui)
{
	return ui->sp != NULL && ui->sp->open;
}

/* --- helpers shared with the drawing ------------------------------------- */

const em_func_lines *em_srcpane_entry(const struct em_srcpane *sp)
{
	if (!sp->have_lines || sp->entry >= sp->lines.nfuncs)
		return NULL;
	return &sp->lines.funcs[sp->entry];
}

int em_srcpane_has_source(const struct em_srcpane *sp)
{
	return sp->have_file && sp->file.data != NULL;
}

int64_t em_srcpane_nlines(const struct em_srcpane *sp)
{
	return em_srcpane_has_source(sp) ? (int64_t)sp->file.nlines : 0;
}

int em_srcpane_heat(const struct em_srcpane *sp, const em_line_row *r)
{
	const em_func_lines *e = em_srcpane_entry(sp);
	double share;

	if (r == NULL || e == NULL || e->total <= 0 || (r->total <= 0 && r->self <= 0))
		return 0;
	share = (double)r->total / (double)e->total;
	return share >= 0.5 ? 3 : share >= 0.1 ? 2 : 1;
}

/* --- settings and the lookup --------------------------------------------- */

/* Wait for a running lookup (after cancelling it) and throw its result
 * away: only when the pane goes for good. */
static void reap_job(struct em_srcpane *sp)
{
	em_source_file f;

	if (sp->job == NULL)
		return;
	em_source_job_cancel(sp->job);
	em_source_job_finish(sp->job, &f);
	em_source_file_free(&f);
	sp->job = NULL;
}

int em_srcpane_settings(struct em_ui *ui, em_source_opts *o)
{
	struct em_srcpane *sp = pane(ui);

	if (sp == NULL)
		return -1;
	reap_job(sp);
	if (sp->src != NULL) {
		em_source_free(sp->src);
		sp->src = NULL;
	}
	if (sp->have_opts)
		em_source_opts_free(&sp->opts);
	sp->opts = *o;
	memset(o, 0, sizeof(*o));
	sp->have_opts = 1;
	sp->labels_done = 0;
	return 0;
}

/* Settings as given, then the profile's service_* labels for what is still
 * unset (once). */
static int ensure_opts(struct em_ui *ui, struct em_srcpane *sp)
{
	em_error err;

	if (!sp->have_opts) {
		/* the viewer always hands settings over; tests may not. A
		 * broken config file still leaves the defaults filled in. */
		(void)em_source_opts_init(&sp->opts, &err);
		sp->have_opts = 1;
	}
	if (!sp->labels_done) {
		if (em_source_opts_from_labels(&sp->opts, ui->p) < 0)
			return -1;
		sp->labels_done = 1;
	}
	return 0;
}

/* Forget the file shown; a running lookup is cancelled and its result
 * will be dropped. */
static void drop_lookup(struct em_srcpane *sp)
{
	if (sp->job != NULL) {
		em_source_job_cancel(sp->job);
		sp->job_stale = 1;
	}
	sp->restart = 0;
	if (sp->have_file)
		em_source_file_free(&sp->file);
	sp->have_file = 0;
	sp->why[0] = '\0';
}

/* The em_source for the settings. A repository it refuses (say a GitLab
 * one from the profile's labels) must not cost the local checkout: then
 * it goes without, and the pane warns. */
static int new_source(struct em_srcpane *sp, em_error *err)
{
	em_source_opts o;
	em_error err2;

	sp->repo_changed = 0;
	sp->note[0] = '\0';
	sp->src = em_source_new(&sp->opts, err);
	if (sp->src != NULL || sp->opts.repo == NULL)
		return sp->src != NULL ? 0 : -1;
	o = sp->opts;
	o.repo = NULL;
	sp->src = em_source_new(&o, &err2);
	if (sp->src == NULL)
		return -1;
	snprintf(sp->note, sizeof(sp->note), "looking without the repository: %s", err->msg);
	return 0;
}

static void start_lookup(struct em_ui *ui, struct em_srcpane *sp)
{
	em_error err;

	if (sp->job != NULL) {
		/* an em_source serves one lookup at a time: go when it ends */
		em_source_job_cancel(sp->job);
		sp->job_stale = 1;
		sp->restart = 1;
		return;
	}
	sp->restart = 0;
	sp->why[0] = '\0';
	err.msg[0] = '\0';
	if (sp->src != NULL && sp->repo_changed) {
		sp->repo_changed = 0;
		sp->note[0] = '\0';
		if (em_source_set_repo(sp->src, sp->opts.repo, sp->opts.ref, &err) < 0) {
			snprintf(sp->why, sizeof(sp->why), "%s", err.msg);
			return;
		}
	}
	if (sp->src == NULL && new_source(sp, &err) < 0) {
		snprintf(sp->why, sizeof(sp->why), "%s", err.msg);
		return;
	}
	sp->job = em_source_job_start(sp->src, em_func_name(ui->p, sp->func),
	    sp->path ? sp->path : "", &err);
	if (sp->job == NULL)
		snprintf(sp->why, sizeof(sp->why), "%s", err.msg);
	sp->job_stale = 0;
	sp->spin = 0;
}

int em_srcpane_fd(const struct em_ui *ui)
{
	return ui->sp != NULL && ui->sp->job != NULL ? em_source_job_fd(ui->sp->job) : -1;
}

int em_srcpane_tick(struct em_ui *ui)
{
	struct em_srcpane *sp = ui->sp;
	em_source_file f;
	size_t len;

	if (sp == NULL || sp->job == NULL)
		return 0;
	sp->spin++;
	if (!em_source_job_done(sp->job))
		return sp->open; /* the spinner moves */
	em_source_job_finish(sp->job, &f);
	sp->job = NULL;
	if (sp->job_stale) {
		em_source_file_free(&f);
		sp->job_stale = 0;
		if (sp->restart && sp->open)
			start_lookup(ui, sp);
		return sp->open;
	}
	sp->file = f;
	sp->have_file = 1;
	if (sp->file.data != NULL)
		(void)em_source_file_line(&sp->file, 1, &len); /* index the lines */
	sp->want_center = 1;
	return sp->open;
}

/* --- opening ---------------------------------------------------------------- */

/* The entry to show first: of the files the function's name is defined
 * in, the one with most weight. A "no file" entry is shown only alone, as
 * `embers source` (and pprof) list it. */
static void choose_entry(struct em_srcpane *sp)
{
	const em_lines *l = &sp->lines;

	sp->first_entry = l->nfuncs > 1 && l->funcs[0].file == 0 ? 1 : 0;
	sp->entry = sp->first_entry;
	for (uint32_t i = sp->first_entry; i < l->nfuncs; i++)
		if (l->funcs[i].total > l->funcs[sp->entry].total)
			sp->entry = i;
}

static int set_path(struct em_ui *ui, struct em_srcpane *sp)
{
	const em_func_lines *e = em_srcpane_entry(sp);
	em_str file = e != NULL ? e->file : ui->p->funcs[sp->func].file;
	char *p = strdup(em_profile_cstr(ui->p, file));

	if (p == NULL)
		return -1;
	free(sp->path);
	sp->path = p;
	return 0;
}

/* The cursor's first line: the hottest, else where the function starts. */
static void initial_cursor(struct em_ui *ui, struct em_srcpane *sp)
{
	const em_func_lines *e = em_srcpane_entry(sp);
	const em_line_row *hot = e != NULL ? em_lines_hottest(&sp->lines, e) : NULL;
	int64_t start = em_profile_start_line(ui->p, sp->func,
	    e != NULL ? e->file : ui->p->funcs[sp->func].file);

	if (hot != NULL)
		sp->cur = hot->line;
	else if (e != NULL && e->n > 0 && sp->lines.rows[e->first].line > 0)
		sp->cur = sp->lines.rows[e->first].line;
	else
		sp->cur = start > 0 ? start : 1;
	sp->top = 1;
	sp->ltop = 0;
	sp->want_center = 1;
}

static int build_lines(struct em_ui *ui, struct em_srcpane *sp, em_func_id f)
{
	em_lines l;
	em_error err;

	err.msg[0] = '\0';
	if (em_lines_build_func(&l, ui->p, ui->type, f, &err) < 0) {
		em_ui_msg(ui, 1, "%s", err.msg[0] ? err.msg : "out of memory");
		return -1;
	}
	if (sp->have_lines)
		em_lines_free(&sp->lines);
	sp->lines = l;
	sp->have_lines = 1;
	return 0;
}

/* The frame or row the keys act on: its function, and the frame when the
 * flame graph has the focus. */
static em_func_id focused(const struct em_ui *ui, em_node *node)
{
	*node = EM_NODE_NONE;
	if (ui->focus == EM_PANE_TABLE)
		return em_table_func(&ui->table);
	if (ui->sel.kind != EM_SPAN_NODE || ui->sel.node == 0 || ui->sel.node >= ui->tree.n)
		return EM_FUNC_NONE;
	*node = ui->sel.node;
	return ui->tree.func[ui->sel.node];
}

static void set_occurrence(struct em_ui *ui, struct em_srcpane *sp, em_node node)
{
	sp->node = node;
	sp->occ_self = node != EM_NODE_NONE ? em_tree_self(&ui->tree, node) : 0;
	sp->occ_total = node != EM_NODE_NONE ? ui->tree.total[node] : 0;
}

int em_srcpane_open(struct em_ui *ui)
{
	struct em_srcpane *sp;
	em_node node;
	em_func_id f = focused(ui, &node);

	if (f == EM_FUNC_NONE || f >= ui->p->nfuncs) {
		em_ui_msg(ui, 1, "select a function first (the root and + groups have no details)");
		return -1;
	}
	sp = pane(ui);
	if (sp == NULL || ensure_opts(ui, sp) < 0) {
		em_ui_msg(ui, 1, "out of memory");
		return -1;
	}
	if (build_lines(ui, sp, f) < 0)
		return -1;
	drop_lookup(sp);
	sp->func = f;
	set_occurrence(ui, sp, node);
	choose_entry(sp);
	if (set_path(ui, sp) < 0) {
		em_ui_msg(ui, 1, "out of memory");
		return -1;
	}
	initial_cursor(ui, sp);
	sp->open = 1;
	start_lookup(ui, sp);
	return 0;
}

void em_srcpane_close(struct em_ui *ui)
{
	struct em_srcpane *sp = ui->sp;

	if (sp == NULL)
		return;
	sp->open = 0;
	if (sp->job != NULL) {
		/* it ends on its own thread; em_srcpane_tick reaps it */
		em_source_job_cancel(sp->job);
		sp->job_stale = 1;
		sp->restart = 0;
	}
}

void em_srcpane_free(struct em_ui *ui)
{
	struct em_srcpane *sp = ui->sp;

	if (sp == NULL)
		return;
	reap_job(sp);
	if (sp->have_file)
		em_source_file_free(&sp->file);
	if (sp->have_lines)
		em_lines_free(&sp->lines);
	free(sp->path);
	if (sp->src != NULL)
		em_source_free(sp->src);
	if (sp->have_opts)
		em_source_opts_free(&sp->opts);
	free(sp);
	ui->sp = NULL;
}

/* --- editing repository and ref ------------------------------------------- */

const char *em_srcpane_current(const struct em_ui *ui, int prompt)
{
	const struct em_srcpane *sp = ui->sp;
	const char *v;

	if (sp == NULL)
		return "";
	v = prompt == EM_PROMPT_REPO ? sp->opts.repo : sp->opts.ref;
	return v != NULL ? v : "";
}

void em_srcpane_edit(struct em_ui *ui, int prompt, const char *value)
{
	struct em_srcpane *sp = ui->sp;
	char **field;

	if (sp == NULL || !sp->open)
		return;
	field = prompt == EM_PROMPT_REPO ? &sp->opts.repo : &sp->opts.ref;
	if (strcmp(*field ? *field : "", value) == 0)
		return;
	if (em_source_opts_set(field, value) < 0) {
		em_ui_msg(ui, 1, "out of memory");
		return;
	}
	sp->repo_changed = 1;
	drop_lookup(sp);
	start_lookup(ui, sp);
	em_ui_msg(ui, 0, "%s set to '%s'; looking the source up again",
	    prompt == EM_PROMPT_REPO ? "repository" : "ref",
	    value[0] ? value : prompt == EM_PROMPT_REPO ? "(none)" : "HEAD");
}

/* --- moving around ----------------------------------------------------------- */

/* Index of the row of line ln in e, or of the first row after it (n when
 * none). */
static size_t row_at(const em_lines *l, const em_func_lines *e, int64_t ln)
{
	size_t lo = 0, hi = e->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->rows[e->first + mid].line < ln)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Without the file the cursor walks the rows of the per-line table. */
static void move_rows(struct em_srcpane *sp, long delta)
{
	const em_func_lines *e = em_srcpane_entry(sp);
	long i, n;

	if (e == NULL || e->n == 0)
		return;
	n = (long)e->n;
	i = (long)row_at(&sp->lines, e, sp->cur);
	if (i >= n)
		i = n - 1;
	i += delta;
	i = i < 0 ? 0 : i >= n ? n - 1 : i;
	sp->cur = sp->lines.rows[e->first + (size_t)i].line;
}

static void move_lines(struct em_srcpane *sp, int64_t delta)
{
	int64_t n = em_srcpane_nlines(sp);

	sp->cur += delta;
	if (sp->cur > n)
		sp->cur = n;
	if (sp->cur < 1)
		sp->cur = 1;
}

static void move(struct em_srcpane *sp, long delta)
{
	if (em_srcpane_has_source(sp))
		move_lines(sp, delta);
	else
		move_rows(sp, delta);
}

static void page(struct em_srcpane *sp, const struct em_srcpane_geom *g, int dir)
{
	if (em_srcpane_has_source(sp)) {
		int64_t h = g->src_h > 1 ? g->src_h - 1 : 1;
		sp->top += dir * h;
		move_lines(sp, dir * h);
	} else {
		long rows = g->tab_h > 2 ? g->tab_h - 2 : 1;
		move_rows(sp, dir * rows * (g->cols > 0 ? g->cols : 1));
	}
}

static void go_end(struct em_srcpane *sp, int last)
{
	if (em_srcpane_has_source(sp))
		sp->cur = last ? em_srcpane_nlines(sp) : 1;
	else
		move_rows(sp, last ? 1L << 30 : -(1L << 30));
}

/* The next (dir 1) or previous (-1) line with weight. */
static void hot_step(struct em_ui *ui, struct em_srcpane *sp, int dir)
{
	const em_func_lines *e = em_srcpane_entry(sp);
	const em_line_row *rows;
	size_t i;

	if (e == NULL) {
		em_ui_msg(ui, 1, "no line has samples");
		return;
	}
	rows = sp->lines.rows + e->first;
	i = row_at(&sp->lines, e, sp->cur);
	if (dir > 0) {
		if (i < e->n && rows[i].line == sp->cur)
			i++;
		for (; i < e->n && rows[i].line < 1; i++)
			;
		if (i >= e->n) {
			em_ui_msg(ui, 0, "no hot line below line %lld", (long long)sp->cur);
			return;
		}
	} else {
		if (i == 0 || rows[i - 1].line < 1) {
			em_ui_msg(ui, 0, "no hot line above line %lld", (long long)sp->cur);
			return;
		}
		i--;
	}
	sp->cur = rows[i].line;
	sp->want_center = -1; /* centre only when off screen */
}

static void hottest(struct em_ui *ui, struct em_srcpane *sp)
{
	const em_func_lines *e = em_srcpane_entry(sp);
	const em_line_row *r = e != NULL ? em_lines_hottest(&sp->lines, e) : NULL;

	if (r == NULL) {
		em_ui_msg(ui, 1, "the profile has no line numbers for this function");
		return;
	}
	sp->cur = r->line;
	sp->want_center = -1;
}

/* The next file the function's name is defined in. */
static void next_file(struct em_ui *ui, struct em_srcpane *sp)
{
	uint32_t n = sp->lines.nfuncs - sp->first_entry;

	if (!sp->have_lines || n < 2) {
		em_ui_msg(ui, 0, "the function is defined in one file");
		return;
	}
	sp->entry = sp->first_entry + (sp->entry - sp->first_entry + 1) % n;
	if (set_path(ui, sp) < 0) {
		em_ui_msg(ui, 1, "out of memory");
		return;
	}
	initial_cursor(ui, sp);
	drop_lookup(sp);
	start_lookup(ui, sp);
}

/* Another sample type: the figures change, the file stays. */
static void retype(struct em_ui *ui, struct em_srcpane *sp, uint32_t type)
{
	em_str file = em_srcpane_entry(sp) ? em_srcpane_entry(sp)->file : 0;
	em_node node = EM_NODE_NONE;

	if (em_ui_set_type(ui, type) < 0 || build_lines(ui, sp, sp->func) < 0)
		return;
	choose_entry(sp);
	for (uint32_t i = sp->first_entry; i < sp->lines.nfuncs; i++)
		if (sp->lines.funcs[i].file == file)
			sp->entry = i;
	if (sp->node != EM_NODE_NONE && focused(ui, &node) != sp->func)
		node = EM_NODE_NONE;
	set_occurrence(ui, sp, node);
	if (em_srcpane_entry(sp) == NULL)
		return;
	if (strcmp(sp->path ? sp->path : "", em_profile_cstr(ui->p, em_srcpane_entry(sp)->file))) {
		if (set_path(ui, sp) == 0) {
			drop_lookup(sp);
			start_lookup(ui, sp);
		}
	}
}

/* Keys the pane does not bind: help, redraw, quit and the sample type. */
static int global_key(struct em_ui *ui, struct em_srcpane *sp, int key)
{
	switch (em_action_for_key(key)) {
	case EM_ACT_HELP:
		ui->help = 1;
		ui->help_top = 0;
		return 0;
	case EM_ACT_REDRAW:
		return EM_UI_CLEAR;
	case EM_ACT_QUIT:
		return EM_UI_QUIT;
	case EM_ACT_TYPE_NEXT:
	case EM_ACT_TYPE_PREV:
		if (ui->p->ntypes < 2)
			em_ui_msg(ui, 0, "the profile has one sample type");
		else
			retype(ui, sp, (ui->type + (em_action_for_key(key) == EM_ACT_TYPE_NEXT ? 1 :
			    ui->p->ntypes - 1)) % ui->p->ntypes);
		return 0;
	default:
		return 0;
	}
}

int em_srcpane_key(struct em_ui *ui, int key)
{
	struct em_srcpane *sp = ui->sp;
	enum em_action a = em_action_for_key_in(key, EM_CTX_SOURCE);
	struct em_srcpane_geom g;

	if (a == EM_ACT_NONE) {
		if (em_ui_too_small(ui))
			return em_action_for_key(key) == EM_ACT_QUIT ? EM_UI_QUIT : 0;
		return global_key(ui, sp, key);
	}
	if (em_ui_too_small(ui) && a != EM_ACT_SRC_CLOSE)
		return 0;
	em_srcpane_geom(ui, &g);
	switch (a) {
	case EM_ACT_SRC_DOWN:
	case EM_ACT_SRC_UP:
		move(sp, a == EM_ACT_SRC_DOWN ? 1 : -1);
		break;
	case EM_ACT_SRC_PAGE_DOWN:
	case EM_ACT_SRC_PAGE_UP:
		page(sp, &g, a == EM_ACT_SRC_PAGE_DOWN ? 1 : -1);
		break;
	case EM_ACT_SRC_TOP:
	case EM_ACT_SRC_BOTTOM:
		go_end(sp, a == EM_ACT_SRC_BOTTOM);
		break;
	case EM_ACT_SRC_HOT_NEXT:
	case EM_ACT_SRC_HOT_PREV:
		hot_step(ui, sp, a == EM_ACT_SRC_HOT_NEXT ? 1 : -1);
		break;
	case EM_ACT_SRC_HOTTEST:
		hottest(ui, sp);
		break;
	case EM_ACT_SRC_REPO:
		em_ui_prompt(ui, EM_PROMPT_REPO);
		break;
	case EM_ACT_SRC_REF:
		em_ui_prompt(ui, EM_PROMPT_REF);
		break;
	case EM_ACT_SRC_FILE:
		next_file(ui, sp);
		break;
	case EM_ACT_SRC_CLOSE:
		if (key == EM_KEY_ESC && sp->job != NULL && !sp->job_stale) {
			em_source_job_cancel(sp->job);
			em_ui_msg(ui, 0, "lookup cancelled");
		} else {
			em_srcpane_close(ui);
		}
		break;
	default:
		break;
	}
	return 0;
}

void em_srcpane_mouse(struct em_ui *ui, int ev, int x, int y)
{
	struct em_srcpane *sp = ui->sp;
	struct em_srcpane_geom g;

	em_srcpane_geom(ui, &g);
	if (ev == EM_MOUSE_WHEEL_UP || ev == EM_MOUSE_WHEEL_DOWN) {
		int d = ev == EM_MOUSE_WHEEL_UP ? -3 : 3;
		sp->top += d;
		move(sp, d);
		return;
	}
	if (g.src_h > 0 && y >= g.src_y && y < g.src_y + g.src_h) {
		int64_t ln = sp->top + (y - g.src_y);
		if (ln <= em_srcpane_nlines(sp))
			sp->cur = ln;
		return;
	}
	if (y > g.tab_y && y < g.tab_y + g.tab_h) {
		const em_func_lines *e = em_srcpane_entry(sp);
		int64_t r = sp->ltop + (y - g.tab_y - 1);
		int64_t c = x / (g.colw + 3);
		int64_t i = r * g.cols + c;
		if (e != NULL && c < g.cols && i >= 0 && i < (int64_t)e->n) {
			sp->cur = sp->lines.rows[e->first + (size_t)i].line;
			sp->want_center = -1;
		}
	}
}

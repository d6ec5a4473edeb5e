/* ui.c - the state of the interactive view: sample type (call tree,
 * parents, heights, function index, top table), zoom history, layout and
 * selection, pane geometry. Search is in ui_search.c, keys and mouse in
 * ui_input.c, drawing in ui_draw.c. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "embers/units.h"
#include "embers/vec.h"
#include "sandwich_view.h"
#include "srcpane.h"
#include "ui.h"
#include "ui_int.h"

void em_ui_msg(struct em_ui *ui, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
	va_end(ap);
	ui->msg_error = error;
}

/* --- sample type: tree, heights, top ----------------------------------- */

/* What a type needs besides the tree and the top table. */
static int build_index(const em_profile *p, struct em_built *b, em_error *err)
{
	if (em_tree_heights(&b->tree, &b->height) < 0 ||
	    em_tree_parents(&b->tree, &b->parent) < 0 ||
	    em_func_index_build(&b->fix, &b->tree, p->nfuncs) < 0)
		return em_error_set(err, "out of memory");
	return 0;
}

/* The rest, once b->tree is there: a tree given whole (a server flame
 * graph) is small, and walking it beats walking the samples. */
static int build_rest(const em_profile *p, struct em_built *b, em_error *err)
{
	if (build_index(p, b, err) < 0 || em_top_from_tree(&b->top, p, &b->tree, err) < 0) {
		em_ui_built_free(b);
		return -1;
	}
	return 0;
}

/* The top table from the samples, on a second thread while the tree is
 * built: it needs only the profile, and the two are most of a first frame. */
struct topjob {
	const em_profile *p;
	uint32_t type;
	em_top top;
	em_error err;
	int rc;
};

static void *top_job(void *arg)
{
	struct topjob *j = arg;

	j->rc = em_top_build(&j->top, j->p, j->type, &j->err);
	return NULL;
}

/* Runs on the type job's thread too (ui_typejob.c): it only reads p. */
int em_ui_build_type(const em_profile *p, uint32_t type, struct em_built *b, em_error *err)
{
	struct topjob tj = { .p = p, .type = type };
	pthread_t th;
	int threaded, rc;

	memset(b, 0, sizeof(*b));
	threaded = pthread_create(&th, NULL, top_job, &tj) == 0;
	rc = em_tree_build(&b->tree, p, type, err) < 0 ? -1 : build_index(p, b, err);
	if (threaded)
		pthread_join(th, NULL);
	else
		top_job(&tj);
	if (rc == 0 && tj.rc < 0) {
		*err = tj.err;
		rc = -1;
	}
	if (rc < 0) {
		if (tj.rc == 0)
			em_top_free(&tj.top);
		em_ui_built_free(b);
		return -1;
	}
	b->top = tj.top;
	return 0;
}

void em_ui_built_free(struct em_built *b)
{
	em_tree_free(&b->tree);
	free(b->height);
	free(b->parent);
	em_func_index_free(&b->fix);
	em_top_free(&b->top);
	memset(b, 0, sizeof(*b));
}

/* --- zoom history ------------------------------------------------------- */

static void zoom_free(struct em_zoom *z)
{
	free(z->path);
	free(z->members);
	memset(z, 0, sizeof(*z));
}

/* The functions on the path from the root (excluded) to node. */
static int node_path(const em_tree *t, em_node node, em_func_id **path, uint32_t *depth)
{
	uint32_t d = em_tree_depth(t, node);
	em_func_id *fp = malloc((d ? d : 1) * sizeof(*fp));

	if (fp == NULL)
		return -1;
	for (uint32_t i = d; i-- > 0;) {
		fp[i] = t->func[node];
		node = em_tree_parent(t, node);
	}
	*path = fp;
	*depth = d;
	return 0;
}

/* Follow a path of functions from the root; *full is 0 when it stopped
 * early at the deepest node that exists. */
static em_node path_find(const struct em_ui *ui, const em_func_id *path, uint32_t depth,
    int *full)
{
	em_node n = 0;

	*full = 1;
	for (uint32_t i = 0; i < depth; i++) {
		em_node c = em_tree_find_child(&ui->tree, ui->p, n, path[i]);
		if (c == EM_NODE_NONE) {
			*full = 0;
			break;
		}
		n = c;
	}
	return n;
}

/* Find hist[pos] in the current tree. Returns 0 when all of it exists. */
static int zoom_resolve(struct em_ui *ui)
{
	const struct em_zoom *z = &ui->hist[ui->hist_pos];
	int full;

	ui->zoom_node = path_find(ui, z->path, z->depth, &full);
	ui->zoom_nmembers = 0;
	if (full && z->nmembers > 0 &&
	    EM_VEC_RESERVE(ui->zoom_members, ui->zoom_members_cap, z->nmembers) == 0) {
		for (uint32_t i = 0; i < z->nmembers; i++) {
			em_node c = em_tree_find_child(&ui->tree, ui->p, ui->zoom_node, z->members[i]);
			if (c != EM_NODE_NONE)
				ui->zoom_members[ui->zoom_nmembers++] = c;
		}
	}
	ui->fl_dirty = 1;
	ui->ftop = 0;
	return full ? 0 : -1;
}

static int zoom_is_root(const struct em_zoom *z)
{
	return z->depth == 0 && z->nmembers == 0;
}

/* Push a zoom on node (with a group of its children when members != NULL)
 * and show it; the steps after the current one are dropped. */
int em_ui_zoom_push(struct em_ui *ui, em_node node, const em_node *members, uint32_t nm)
{
	struct em_zoom z;

	memset(&z, 0, sizeof(z));
	if (node_path(&ui->tree, node, &z.path, &z.depth) < 0)
		return -1;
	if (nm > 0) {
		z.members = malloc(nm * sizeof(*z.members));
		if (z.members == NULL) {
			zoom_free(&z);
			return -1;
		}
		for (uint32_t i = 0; i < nm; i++)
			z.members[i] = ui->tree.func[members[i]];
		z.nmembers = nm;
	}
	while (ui->nhist > ui->hist_pos + 1)
		zoom_free(&ui->hist[--ui->nhist]);
	if (EM_VEC_RESERVE(ui->hist, ui->hist_cap, ui->nhist + 1) < 0) {
		zoom_free(&z);
		return -1;
	}
	ui->hist[ui->nhist++] = z;
	ui->hist_pos = ui->nhist - 1;
	zoom_resolve(ui);
	ui->sel.kind = nm > 0 ? EM_SPAN_ZOOMAGG : EM_SPAN_NODE;
	ui->sel.node = node;
	ui->sel.k = 0;
	ui->want_visible = 1;
	return 0;
}

void em_ui_zoom_step(struct em_ui *ui, int forward)
{
	em_node was = ui->zoom_node;
	int was_group = ui->zoom_nmembers > 0;

	if (forward ? ui->hist_pos + 1 >= ui->nhist : ui->hist_pos == 0) {
		em_ui_msg(ui, 0, forward ? "no later zoom step" : "no earlier zoom step");
		return;
	}
	if (forward)
		ui->hist_pos++;
	else
		ui->hist_pos--;
	zoom_resolve(ui);
	/* keep the frame we came from selected: it is still on screen */
	ui->sel.kind = was_group ? EM_SPAN_AGG : EM_SPAN_NODE;
	ui->sel.node = was;
	ui->sel.k = 0;
	if (forward) {
		ui->sel.kind = ui->zoom_nmembers > 0 ? EM_SPAN_ZOOMAGG : EM_SPAN_NODE;
		ui->sel.node = ui->zoom_node;
	}
	ui->want_visible = 1;
}

void em_ui_zoom_reset(struct em_ui *ui)
{
	if (!zoom_is_root(&ui->hist[ui->hist_pos])) {
		em_ui_zoom_push(ui, 0, NULL, 0);
		return;
	}
	if (ui->search.kind != EM_SEARCH_NONE) {
		em_search_clear(&ui->search);
		ui->gen++;
		em_ui_msg(ui, 0, "search cleared");
	}
}

/* --- layout and selection ----------------------------------------------- */

static int maxcrumbs(const struct em_ui *ui)
{
	int m = ui->rflame.h / 4;

	return m < 1 ? 1 : m;
}

static long zoom_row_span(const struct em_ui *ui)
{
	if (ui->fl.nrows <= ui->fl.ncrumbs)
		return -1;
	return (long)ui->fl.row_first[ui->fl.ncrumbs];
}

static void sel_from_span(struct em_ui *ui, long i)
{
	const struct em_span *s;

	ui->sel_i = i;
	if (i < 0)
		return;
	s = &ui->fl.spans[i];
	ui->sel.kind = s->kind == EM_SPAN_CRUMB ? EM_SPAN_NODE : s->kind;
	ui->sel.node = s->node;
	ui->sel.k = s->k;
}

void em_ui_resolve_sel(struct em_ui *ui)
{
	const struct em_flame_layout *l = &ui->fl;
	long i = -1;

	switch (ui->sel.kind) {
	case EM_SPAN_NODE:
		i = em_layout_find_node(l, &ui->tree, ui->sel.node);
		if (i < 0)
			i = em_layout_find_hidden(l, &ui->tree, ui->sel.node);
		break;
	case EM_SPAN_AGG:
		i = em_layout_find_agg(l, ui->sel.node, ui->sel.k);
		if (i < 0)
			i = em_layout_find_node(l, &ui->tree, ui->sel.node);
		break;
	case EM_SPAN_MORE:
		for (uint32_t r = 0; r < l->ncrumbs && i < 0; r++)
			if (em_layout_row(l, r)->kind == EM_SPAN_MORE)
				i = (long)l->row_first[r];
		break;
	default:
		break;
	}
	if (i < 0)
		i = zoom_row_span(ui);
	sel_from_span(ui, i);
}

static void scroll_to_sel(struct em_ui *ui)
{
	const struct em_flame_layout *l = &ui->fl;
	uint32_t vis, ncontent, r;

	if (l->nrows == 0)
		return;
	ncontent = l->nrows - l->ncrumbs;
	vis = ui->rflame.h > (int)l->ncrumbs ? (uint32_t)ui->rflame.h - l->ncrumbs : 1;
	if (ui->want_visible && ui->sel_i >= 0) {
		r = em_layout_span_row(l, (size_t)ui->sel_i);
		if (r >= l->ncrumbs) {
			r -= l->ncrumbs;
			if (r < ui->ftop)
				ui->ftop = r;
			else if (r >= ui->ftop + vis)
				ui->ftop = r - vis + 1;
		}
	}
	ui->want_visible = 0;
	if (ncontent <= vis)
		ui->ftop = 0;
	else if (ui->ftop > ncontent - vis)
		ui->ftop = ncontent - vis;
}

void em_ui_layout(struct em_ui *ui)
{
	if (ui->fl_dirty) {
		struct em_zoom_view z = { ui->zoom_node, ui->zoom_members, ui->zoom_nmembers };
		int w = ui->rflame.w > 0 ? ui->rflame.w : (ui->w > 0 ? ui->w : 1);

		if (em_flame_layout_build(&ui->fl, &ui->tree, ui->height, &z, w, maxcrumbs(ui)) < 0)
			em_ui_msg(ui, 1, "out of memory laying out the flame graph");
		ui->fl_dirty = 0;
		ui->gen++;
		em_ui_resolve_sel(ui);
	} else if (ui->sel_i < 0 || (size_t)ui->sel_i >= ui->fl.nspans) {
		em_ui_resolve_sel(ui);
	}
	scroll_to_sel(ui);
}

em_node em_ui_sel_node(const struct em_ui *ui)
{
	return ui->sel.kind == EM_SPAN_NODE || ui->sel.kind == EM_SPAN_MORE ? ui->sel.node
	    : EM_NODE_NONE;
}

void em_ui_select_span(struct em_ui *ui, long i)
{
	if (i < 0)
		return;
	sel_from_span(ui, i);
	ui->want_visible = 1;
}

/* --- init ---------------------------------------------------------------- */

/* Styles are worked out as frames are first drawn (0: not yet): a screen
 * shows a few hundred functions of a profile's thousands, and the first
 * frame should not wait for the rest. */
static int init_styles(struct em_ui *ui)
{
	ui->func_style = calloc(ui->p->nfuncs ? ui->p->nfuncs : 1, sizeof(*ui->func_style));
	return ui->func_style ? 0 : -1;
}

uint16_t em_ui_func_style(const struct em_ui *ui, em_func_id f)
{
	if (ui->func_style[f] == 0) {
		const char *name = em_func_name(ui->p, f);

		ui->func_style[f] = em_flame_style(ui->theme, name, strlen(name));
	}
	return ui->func_style[f];
}

int em_ui_init(struct em_ui *ui, em_profile *p, const char *title, int type,
    const struct em_theme *theme, em_error *err)
{
	return em_ui_init_tree(ui, p, NULL, title, type, theme, err);
}

int em_ui_init_tree(struct em_ui *ui, em_profile *p, em_tree *tree, const char *title,
    int type, const struct em_theme *theme, em_error *err)
{
	struct em_built b;

	memset(ui, 0, sizeof(*ui));
	if (p->ntypes == 0)
		return em_error_set(err, "'%s': the profile has no sample types", title);
	if (type < 0)
		type = (int)p->default_type;
	if ((uint32_t)type >= p->ntypes)
		return em_error_set(err, "'%s': no sample type %d", title, type);
	if (tree != NULL && tree->n > 0 && tree->type == (uint32_t)type) {
		memset(&b, 0, sizeof(b));
		b.tree = *tree;
		memset(tree, 0, sizeof(*tree));
		if (build_rest(p, &b, err) < 0)
			return -1;
	} else if (em_ui_build_type(p, (uint32_t)type, &b, err) < 0) {
		return -1;
	}
	ui->p = p;
	ui->theme = theme;
	snprintf(ui->title, sizeof(ui->title), "%s", title);
	ui->type = (uint32_t)type;
	ui->tree = b.tree;
	ui->height = b.height;
	ui->parent = b.parent;
	ui->fix = b.fix;
	ui->top = b.top;
	if (init_styles(ui) < 0 ||
	    EM_VEC_RESERVE(ui->hist, ui->hist_cap, 1) < 0) {
		ui->p = NULL; /* the caller still owns p on failure */
		em_ui_free(ui);
		return em_error_set(err, "out of memory");
	}
	memset(&ui->hist[0], 0, sizeof(ui->hist[0]));
	ui->nhist = 1;
	ui->hist_pos = 0;
	ui->zoom_node = 0;
	ui->sel.kind = EM_SPAN_NODE;
	ui->sel.node = 0;
	ui->sel_i = -1;
	ui->fl_dirty = 1;
	ui->mode = EM_LAYOUT_BOTH;
	ui->focus = EM_PANE_FLAME;
	ui->utf8 = 1;
	em_table_init(&ui->table, p, &ui->top);
	em_ui_resize(ui, 80, 24);
	return 0;
}

void em_ui_free(struct em_ui *ui)
{
	em_ui_typejob_free(ui);
	em_srcpane_free(ui);
	em_sw_free(ui);
	em_tree_free(&ui->tree);
	em_top_free(&ui->top);
	free(ui->height);
	free(ui->parent);
	em_func_index_free(&ui->fix);
	free(ui->func_style);
	for (size_t i = 0; i < ui->nhist; i++)
		zoom_free(&ui->hist[i]);
	free(ui->hist);
	free(ui->zoom_members);
	free(ui->gm_cache);
	em_flame_layout_free(&ui->fl);
	em_search_free(&ui->search);
	em_table_free(&ui->table);
	if (ui->p != NULL)
		em_profile_free(ui->p);
	memset(ui, 0, sizeof(*ui));
}

/* --- geometry ------------------------------------------------------------ */

int em_ui_too_small(const struct em_ui *ui)
{
	return ui->w < EM_MIN_W || ui->h < EM_MIN_H;
}

void em_ui_resize(struct em_ui *ui, int w, int h)
{
	int bh = h - 2; /* two status lines */
	struct em_rect none = { 0, 0, 0, 0 };
	int oldw = ui->rflame.w, oldh = ui->rflame.h;

	ui->w = w;
	ui->h = h;
	ui->rflame = ui->rtable = none;
	if (em_ui_too_small(ui))
		return;
	if (ui->mode == EM_LAYOUT_FLAME) {
		ui->rflame = (struct em_rect){ 0, 0, w, bh };
	} else if (ui->mode == EM_LAYOUT_TABLE) {
		ui->rtable = (struct em_rect){ 0, 0, w, bh };
	} else if (w >= 150) {
		/* side by side: the figures take 36 columns, so the table needs
		 * about 70 for names to be readable; the flame graph keeps 80+ */
		int tw = w * 2 / 5;
		if (tw < 70)
			tw = 70;
		if (tw > 100)
			tw = 100;
		ui->rflame = (struct em_rect){ 0, 0, w - tw - 1, bh };
		ui->rtable = (struct em_rect){ w - tw, 0, tw, bh };
	} else {
		int fh = bh * 3 / 5;
		ui->rflame = (struct em_rect){ 0, 0, w, fh };
		ui->rtable = (struct em_rect){ 0, fh, w, bh - fh };
	}
	if (ui->rflame.w != oldw || ui->rflame.h != oldh)
		ui->fl_dirty = 1;
	ui->want_visible = 1;
}

int em_ui_table_rows(const struct em_ui *ui)
{
	return ui->rtable.h > 1 ? ui->rtable.h - 1 : 1;
}

/* --- sample types -------------------------------------------------------- */

int em_ui_set_type(struct em_ui *ui, uint32_t type)
{
	struct em_built b;
	em_error err;

	if (type >= ui->p->ntypes)
		return -1;
	if (type == ui->type)
		return 0;
	if (em_ui_build_type(ui->p, type, &b, &err) < 0) {
		em_ui_msg(ui, 1, "%s", err.msg);
		return -1;
	}
	em_ui_apply_type(ui, type, &b);
	return 0;
}

/* Show b (built for type) instead of the current tree, keeping the zoom
 * and the selection where their paths exist. Takes b's contents. */
void em_ui_apply_type(struct em_ui *ui, uint32_t type, struct em_built *b)
{
	em_func_id *sel_path = NULL;
	uint32_t sel_depth = 0;
	struct em_sel sel = ui->sel;
	int zoom_full, sel_full = 1;
	const char *name;

	if (sel.kind == EM_SPAN_NODE || sel.kind == EM_SPAN_AGG)
		(void)node_path(&ui->tree, sel.node, &sel_path, &sel_depth);
	em_tree_free(&ui->tree);
	free(ui->height);
	free(ui->parent);
	em_func_index_free(&ui->fix);
	em_top_free(&ui->top);
	ui->tree = b->tree;
	ui->height = b->height;
	ui->parent = b->parent;
	ui->fix = b->fix;
	ui->top = b->top;
	memset(b, 0, sizeof(*b));
	ui->type = type;
	if (ui->search.kind != EM_SEARCH_NONE &&
	    em_search_apply(&ui->search, &ui->tree, ui->parent, &ui->fix) < 0)
		em_search_clear(&ui->search);
	em_table_set_top(&ui->table, &ui->top);
	zoom_full = zoom_resolve(ui) == 0;
	if (sel_path != NULL) {
		em_node n = path_find(ui, sel_path, sel_depth, &sel_full);
		ui->sel.node = n;
		if (!sel_full)
			ui->sel.kind = EM_SPAN_NODE;
		free(sel_path);
	}
	ui->want_visible = 1;
	name = em_profile_cstr(ui->p, ui->p->types[type].type);
	if (!zoom_full)
		em_ui_msg(ui, 1, "%s: the zoomed path has no %s; showing the nearest frame",
		    name, name);
	else
		em_ui_msg(ui, 0, "sample type %s", name);
}


/* --- function details pane (srcpane.c) ----------------------------------- */

int em_ui_source_settings(struct em_ui *ui, em_source_opts *o)
{
	return em_srcpane_settings(ui, o);
}

int em_ui_details(struct em_ui *ui)
{
	em_ui_layout(ui);
	return em_srcpane_open(ui);
}

int em_ui_wait_fd(const struct em_ui *ui)
{
	int fd = em_ui_typejob_fd(ui);

	/* one fd at a time: the 100 ms timeout picks the other one up */
	return fd >= 0 ? fd : em_srcpane_fd(ui);
}

int em_ui_tick(struct em_ui *ui)
{
	int r = em_ui_typejob_tick(ui);

	return em_srcpane_tick(ui) | r;
}

/* ui_swap.c - moving the view onto another profile of the same query.
 *
 * The server viewer replaces its profile while the user looks at it: the
 * full pprof after the flame graph, a flame graph re-queried for a zoomed
 * call site, a new time range. Function ids differ between profiles, so
 * everything the user set up is carried over by function name: zoom
 * history, selection, search, table sort, filter and cursor, layout and
 * focus. Part of the ui module (it uses ui_int.h). */
#include <stdlib.h>
#include <string.h>

#include "srv.h"
#include "ui_int.h"

void em_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The function names from the root (excluded) down to node. */
static int node_names(const struct em_ui *ui, em_node node, char ***out, size_t *nout)
{
	uint32_t d = node == EM_NODE_NONE ? 0 : em_tree_depth(&ui->tree, node);
	char **v = calloc(d ? d : 1, sizeof(*v));

	if (v == NULL)
		return -1;
	for (uint32_t i = d; i-- > 0;) {
		v[i] = strdup(em_tree_name(&ui->tree, ui->p, node));
		if (v[i] == NULL) {
			em_names_free(v, d);
			return -1;
		}
		node = em_tree_parent(&ui->tree, node);
	}
	*out = v;
	*nout = d;
	return 0;
}

int em_ui_zoom_names(const struct em_ui *ui, char ***names, size_t *n)
{
	return node_names(ui, ui->zoom_node, names, n);
}

static em_func_id func_by_name(const em_profile *p, const char *name)
{
	return em_profile_find_func(p, name, strlen(name));
}

/* Follow names from the root; the deepest node found and its depth. */
static em_node find_names(const struct em_ui *ui, char *const *names, size_t n, size_t *depth)
{
	em_node node = 0;
	size_t d;

	for (d = 0; d < n; d++) {
		em_func_id f = func_by_name(ui->p, names[d]);
		em_node c = f == EM_FUNC_NONE ? EM_NODE_NONE
		    : em_tree_find_child(&ui->tree, ui->p, node, f);
		if (c == EM_NODE_NONE)
			break;
		node = c;
	}
	*depth = d;
	return node;
}

size_t em_ui_zoom_to_names(struct em_ui *ui, char *const *names, size_t n)
{
	size_t d;
	em_node node = find_names(ui, names, n, &d);

	if (d > 0 && node != ui->zoom_node)
		em_ui_zoom_push(ui, node, NULL, 0);
	return d;
}

int em_ui_zoom_holds(const struct em_ui *ui, const char *name)
{
	em_func_id f = func_by_name(ui->p, name);

	if (f == EM_FUNC_NONE || f >= ui->fix.nfuncs)
		return 0;
	for (uint32_t i = ui->fix.off[f]; i < ui->fix.off[f + 1]; i++) {
		em_node n = ui->fix.nodes[i];

		for (em_node a = n; a != EM_NODE_NONE; a = em_tree_parent(&ui->tree, a)) {
			if (a == ui->zoom_node && ui->zoom_nmembers == 0)
				return 1;
			for (uint32_t m = 0; m < ui->zoom_nmembers; m++)
				if (a == ui->zoom_members[m])
					return 1;
		}
	}
	return 0;
}

/* --- carrying a zoom step over ------------------------------------------ */

static char *func_name_dup(const em_profile *p, em_func_id f)
{
	return strdup(f < p->nfuncs ? em_func_name(p, f) : "");
}

/* Push old's history entry z onto nu, as deep as nu's tree allows. */
static void push_step(struct em_ui *nu, const struct em_ui *old, const struct em_zoom *z)
{
	char **names = calloc(z->depth ? z->depth : 1, sizeof(*names));
	em_node node, *members = NULL;
	uint32_t nm = 0;
	size_t d;

	if (names == NULL)
		return;
	for (uint32_t i = 0; i < z->depth; i++)
		if ((names[i] = func_name_dup(old->p, z->path[i])) == NULL)
			goto out;
	node = find_names(nu, names, z->depth, &d);
	if (d == z->depth && z->nmembers > 0) {
		members = malloc(z->nmembers * sizeof(*members));
		for (uint32_t i = 0; members != NULL && i < z->nmembers; i++) {
			em_func_id f = func_by_name(nu->p, em_func_name(old->p, z->members[i]));
			em_node c = f == EM_FUNC_NONE ? EM_NODE_NONE
			    : em_tree_find_child(&nu->tree, nu->p, node, f);
			if (c != EM_NODE_NONE)
				members[nm++] = c;
		}
	}
	em_ui_zoom_push(nu, node, nm > 0 ? members : NULL, nm);
	free(members);
out:
	em_names_free(names, z->depth);
}

static void carry_zoom(struct em_ui *nu, const struct em_ui *old)
{
	size_t back;

	for (size_t i = 1; i < old->nhist; i++)
		push_step(nu, old, &old->hist[i]);
	back = old->nhist - 1 - old->hist_pos;
	while (back-- > 0 && nu->hist_pos > 0)
		em_ui_zoom_step(nu, 0);
}

static void carry_selection(struct em_ui *nu, const struct em_ui *old)
{
	char **names;
	size_t n, d;
	em_node node;

	if (old->sel.kind != EM_SPAN_NODE && old->sel.kind != EM_SPAN_AGG)
		return;
	if (old->sel.node >= old->tree.n || node_names(old, old->sel.node, &names, &n) < 0)
		return;
	node = find_names(nu, names, n, &d);
	em_names_free(names, n);
	nu->sel.kind = EM_SPAN_NODE;
	nu->sel.node = node;
	nu->sel.k = 0;
	nu->sel_i = -1;
	nu->want_visible = 1;
}

static void carry_search(struct em_ui *nu, const struct em_ui *old)
{
	em_func_id f, cur = em_table_func(&old->table);

	if (old->search.kind == EM_SEARCH_REGEX) {
		em_ui_search(nu, old->search.text);
	} else if (old->search.kind == EM_SEARCH_FUNC && old->search.func < old->p->nfuncs) {
		f = func_by_name(nu->p, em_func_name(old->p, old->search.func));
		if (f != EM_FUNC_NONE)
			em_ui_highlight_func(nu, f);
	}
	em_table_sort(&nu->table, old->table.sort, old->table.reverse);
	if (old->table.has_filter)
		em_ui_filter(nu, old->table.filter_text);
	if (cur != EM_FUNC_NONE && cur < old->p->nfuncs) {
		f = func_by_name(nu->p, em_func_name(old->p, cur));
		if (f != EM_FUNC_NONE)
			em_table_find(&nu->table, f, em_ui_table_rows(nu));
	}
}

struct em_ui *em_ui_swap(struct em_ui *old, struct em_ui *nu)
{
	if (old == NULL)
		return nu;
	nu->utf8 = old->utf8;
	nu->mono = old->mono;
	nu->mode = old->mode;
	nu->focus = old->focus;
	em_ui_resize(nu, old->w, old->h);
	carry_zoom(nu, old);
	carry_selection(nu, old);
	carry_search(nu, old);
	nu->help = old->help;
	nu->help_top = old->help_top;
	nu->msg[0] = '\0';
	em_ui_free(old);
	free(old);
	return nu;
}

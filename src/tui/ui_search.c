/* ui_search.c - search from the ui: as-you-type regex search, the matched
 * share report, next/previous match among the frames on screen, and
 * showing a table row's function in the flame graph. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "embers/units.h"
#include "ui.h"
#include "ui_int.h"

/* --- search -------------------------------------------------------------- */

void em_ui_search_report(struct em_ui *ui)
{
	char pct[32];

	if (ui->search.kind == EM_SEARCH_NONE)
		return;
	if (ui->search.frames == 0) {
		em_ui_msg(ui, 1, "'%s': no match", ui->search.text);
		return;
	}
	em_ui_msg(ui, 0, "'%s': %u frames in %u functions, %s of total", ui->search.text,
	    ui->search.frames, ui->search.funcs_matched,
	    em_fmt_pct(pct, sizeof(pct), ui->search.share, ui->tree.total[0]));
}

/* Select the next (dir 1) or previous (-1) visible matching frame after
 * the selection; from_self includes the selection itself; quiet leaves
 * the message line alone. */
int em_ui_search_step(struct em_ui *ui, int dir, int from_self, int quiet)
{
	const struct em_flame_layout *l = &ui->fl;
	long n = (long)l->nspans, start = ui->sel_i < 0 ? 0 : ui->sel_i;

	if (ui->search.kind == EM_SEARCH_NONE) {
		if (!quiet)
			em_ui_msg(ui, 1, "no search: / searches");
		return -1;
	}
	for (long step = from_self ? 0 : 1; n > 0 && step <= n; step++) {
		long i = ((start + dir * step) % n + n) % n;
		const struct em_span *s = &l->spans[i];
		if ((s->kind == EM_SPAN_NODE || s->kind == EM_SPAN_CRUMB) &&
		    em_search_node(&ui->search, &ui->tree, s->node)) {
			em_ui_select_span(ui, i);
			return 0;
		}
	}
	if (quiet)
		return -1;
	if (ui->search.frames > 0)
		em_ui_msg(ui, 1, "'%s': the matches are in + groups or outside the zoom",
		    ui->search.text);
	else
		em_ui_msg(ui, 1, "'%s': no match", ui->search.text);
	return -1;
}

int em_ui_search(struct em_ui *ui, const char *pattern)
{
	em_error err;

	ui->gen++;
	if (pattern == NULL || *pattern == '\0') {
		em_search_clear(&ui->search);
		return 0;
	}
	if (em_search_regex(&ui->search, ui->p, pattern, &err) < 0) {
		em_ui_msg(ui, 1, "%s", err.msg);
		return -1;
	}
	if (em_search_apply(&ui->search, &ui->tree, ui->parent, &ui->fix) < 0) {
		em_search_clear(&ui->search);
		em_ui_msg(ui, 1, "out of memory");
		return -1;
	}
	em_ui_search_report(ui);
	return 0;
}

int em_ui_filter(struct em_ui *ui, const char *pattern)
{
	em_error err;

	if (em_table_filter(&ui->table, pattern, &err) < 0) {
		em_ui_msg(ui, 1, "%s", err.msg);
		return -1;
	}
	if (ui->table.has_filter)
		em_ui_msg(ui, 0, "table: %u of %u functions match '%s'", ui->table.n, ui->top.n,
		    ui->table.filter_text);
	return 0;
}

int em_ui_highlight_func(struct em_ui *ui, em_func_id f)
{
	em_error err;

	ui->gen++;
	if (em_search_func(&ui->search, ui->p, f, &err) < 0 ||
	    em_search_apply(&ui->search, &ui->tree, ui->parent, &ui->fix) < 0) {
		em_search_clear(&ui->search);
		em_ui_msg(ui, 1, "%s", "cannot highlight the function");
		return -1;
	}
	em_ui_search_report(ui);
	return 0;
}

/* The node of function f with the largest total under the zoom (or in the
 * whole tree when in_zoom is 0). */
static em_node best_node(const struct em_ui *ui, em_func_id f, int in_zoom)
{
	const em_tree *t = &ui->tree;
	em_node best = EM_NODE_NONE;
	uint32_t nroots = in_zoom && ui->zoom_nmembers ? ui->zoom_nmembers : 1;

	for (uint32_t r = 0; r < nroots; r++) {
		em_node lo = 0, hi;
		if (in_zoom)
			lo = ui->zoom_nmembers ? ui->zoom_members[r] : ui->zoom_node;
		hi = lo + 1;
		/* a subtree's level is one contiguous range of BFS numbers */
		while (lo < hi) {
			for (em_node n = lo; n < hi; n++)
				if (t->func[n] == f && (best == EM_NODE_NONE || t->total[n] > t->total[best]))
					best = n;
			lo = t->child[lo];
			hi = t->child[hi];
		}
	}
	return best;
}

/* Show function f in the flame graph: highlight it and select its biggest
 * frame, zooming out or in when that frame is not on screen. */
void em_ui_show_func(struct em_ui *ui, em_func_id f)
{
	em_node n;

	if (f == EM_FUNC_NONE || em_ui_highlight_func(ui, f) < 0)
		return;
	n = best_node(ui, f, 1);
	if (n == EM_NODE_NONE) {
		n = best_node(ui, f, 0);
		if (n == EM_NODE_NONE)
			return;
		em_ui_zoom_push(ui, 0, NULL, 0);
	}
	if (ui->mode == EM_LAYOUT_TABLE) {
		ui->mode = EM_LAYOUT_BOTH;
		em_ui_resize(ui, ui->w, ui->h);
	}
	ui->focus = EM_PANE_FLAME;
	em_ui_layout(ui);
	if (em_layout_find_node(&ui->fl, &ui->tree, n) < 0)
		em_ui_zoom_push(ui, n, NULL, 0);
	ui->sel.kind = EM_SPAN_NODE;
	ui->sel.node = n;
	ui->want_visible = 1;
	em_ui_layout(ui);
	em_ui_resolve_sel(ui);
	/* the status line has the share; the info line describes the frame */
	if (!ui->msg_error)
		ui->msg[0] = '\0';
}

/* ui_input.c - keys and mouse: the action table dispatched on the focused
 * pane, the / and f prompts, the help screen's keys, and mouse hits on the
 * flame graph and the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "embers/units.h"
#include "sandwich_view.h"
#include "srcpane.h"
#include "ui.h"
#include "ui_int.h"

/* --- actions ------------------------------------------------------------- */

static void flame_parent(struct em_ui *ui)
{
	uint32_t r;

	if (ui->sel_i < 0)
		return;
	r = em_layout_span_row(&ui->fl, (size_t)ui->sel_i);
	if (r > 0)
		em_ui_select_span(ui, em_layout_at(&ui->fl, r - 1, ui->fl.spans[ui->sel_i].x));
}

static void flame_child(struct em_ui *ui)
{
	uint32_t r;

	if (ui->sel_i < 0)
		return;
	r = em_layout_span_row(&ui->fl, (size_t)ui->sel_i);
	/* children start at their parent's first cell */
	if (r + 1 < ui->fl.nrows)
		em_ui_select_span(ui, em_layout_at(&ui->fl, r + 1, ui->fl.spans[ui->sel_i].x));
}

static void flame_sibling(struct em_ui *ui, int dir)
{
	uint32_t r;
	long i;

	if (ui->sel_i < 0)
		return;
	r = em_layout_span_row(&ui->fl, (size_t)ui->sel_i);
	i = ui->sel_i + dir;
	if (i >= (long)ui->fl.row_first[r] && i < (long)ui->fl.row_first[r + 1])
		em_ui_select_span(ui, i);
}

static void flame_zoom(struct em_ui *ui)
{
	const struct em_span *s;

	if (ui->sel_i < 0)
		return;
	s = &ui->fl.spans[ui->sel_i];
	switch (s->kind) {
	case EM_SPAN_NODE:
	case EM_SPAN_CRUMB:
	case EM_SPAN_MORE:
		if (s->node == ui->zoom_node && ui->zoom_nmembers == 0)
			return;
		em_ui_zoom_push(ui, s->node, NULL, 0);
		break;
	case EM_SPAN_AGG: {
		uint32_t nm = s->mcount;
		em_node parent = s->node;
		em_node *m = malloc((nm ? nm : 1) * sizeof(*m));
		if (m == NULL)
			return;
		memcpy(m, ui->fl.members + s->mfirst, nm * sizeof(*m));
		if (nm == 1)
			em_ui_zoom_push(ui, m[0], NULL, 0);
		else
			em_ui_zoom_push(ui, parent, m, nm);
		free(m);
		break;
	}
	default:
		break;
	}
}

static void start_prompt(struct em_ui *ui, int kind)
{
	ui->prompt = kind;
	ui->plen = 0;
	ui->pbuf[0] = '\0';
	if (kind == EM_PROMPT_REPO || kind == EM_PROMPT_REF) {
		/* the current value, to edit rather than retype */
		snprintf(ui->pbuf, sizeof(ui->pbuf), "%s", em_srcpane_current(ui, kind));
		ui->plen = strlen(ui->pbuf);
	} else if (kind == EM_PROMPT_SEARCH) {
		snprintf(ui->prev_search, sizeof(ui->prev_search), "%s", ui->search.text);
		ui->prev_search_kind = ui->search.kind;
		ui->prev_search_func = ui->search.func;
	} else {
		snprintf(ui->prev_search, sizeof(ui->prev_search), "%s", ui->table.filter_text);
	}
}

void em_ui_prompt(struct em_ui *ui, int kind)
{
	start_prompt(ui, kind);
}

static em_func_id focused_func(const struct em_ui *ui)
{
	if (ui->focus == EM_PANE_TABLE)
		return em_table_func(&ui->table);
	if (ui->sel.kind == EM_SPAN_NODE && ui->sel.node != 0 && ui->sel.node < ui->tree.n)
		return ui->tree.func[ui->sel.node];
	return EM_FUNC_NONE;
}

static void set_mode(struct em_ui *ui, int mode)
{
	ui->mode = mode;
	if (mode == EM_LAYOUT_FLAME)
		ui->focus = EM_PANE_FLAME;
	else if (mode == EM_LAYOUT_TABLE)
		ui->focus = EM_PANE_TABLE;
	em_ui_resize(ui, ui->w, ui->h);
}

static int do_action(struct em_ui *ui, enum em_action a)
{
	int table = ui->focus == EM_PANE_TABLE;
	int page = table ? em_ui_table_rows(ui) - 1 : ui->rflame.h - (int)ui->fl.ncrumbs - 1;

	if (page < 1)
		page = 1;
	em_ui_layout(ui);
	switch (a) {
	case EM_ACT_PARENT:
		if (table)
			em_table_move(&ui->table, -1, em_ui_table_rows(ui));
		else
			flame_parent(ui);
		break;
	case EM_ACT_CHILD:
		if (table)
			em_table_move(&ui->table, 1, em_ui_table_rows(ui));
		else
			flame_child(ui);
		break;
	case EM_ACT_PREV:
	case EM_ACT_NEXT:
		if (!table)
			flame_sibling(ui, a == EM_ACT_NEXT ? 1 : -1);
		break;
	case EM_ACT_PAGE_UP:
	case EM_ACT_PAGE_DOWN:
		if (table) {
			em_table_move(&ui->table, a == EM_ACT_PAGE_UP ? -page : page, em_ui_table_rows(ui));
		} else if (a == EM_ACT_PAGE_UP) {
			ui->ftop = ui->ftop > (uint32_t)page ? ui->ftop - (uint32_t)page : 0;
		} else {
			ui->ftop += (uint32_t)page;
		}
		break;
	case EM_ACT_FIRST:
		if (table)
			em_table_goto(&ui->table, 0, em_ui_table_rows(ui));
		else if (ui->fl.nrows > 0)
			em_ui_select_span(ui, 0);
		break;
	case EM_ACT_LAST:
		if (table && ui->table.n > 0)
			em_table_goto(&ui->table, ui->table.n - 1, em_ui_table_rows(ui));
		break;
	case EM_ACT_ZOOM:
		if (table)
			em_ui_show_func(ui, em_table_func(&ui->table));
		else
			flame_zoom(ui);
		break;
	case EM_ACT_BACK:
	case EM_ACT_FORWARD:
		em_ui_zoom_step(ui, a == EM_ACT_FORWARD);
		break;
	case EM_ACT_RESET:
		em_ui_zoom_reset(ui);
		break;
	case EM_ACT_SEARCH:
		start_prompt(ui, EM_PROMPT_SEARCH);
		break;
	case EM_ACT_FILTER:
		start_prompt(ui, EM_PROMPT_FILTER);
		break;
	case EM_ACT_SEARCH_NEXT:
	case EM_ACT_SEARCH_PREV:
		em_ui_search_step(ui, a == EM_ACT_SEARCH_NEXT ? 1 : -1, 0, 0);
		break;
	case EM_ACT_SEARCH_WORD: {
		em_func_id f = focused_func(ui);
		if (f != EM_FUNC_NONE)
			em_ui_highlight_func(ui, f);
		break;
	}
	case EM_ACT_LAYOUT:
		set_mode(ui, (ui->mode + 1) % 3);
		break;
	case EM_ACT_FOCUS:
		if (ui->mode == EM_LAYOUT_BOTH)
			ui->focus = table ? EM_PANE_FLAME : EM_PANE_TABLE;
		break;
	case EM_ACT_TYPE_NEXT:
	case EM_ACT_TYPE_PREV:
		if (ui->p->ntypes < 2)
			em_ui_msg(ui, 0, "the profile has one sample type");
		else
			em_ui_set_type_async(ui, (ui->type + (a == EM_ACT_TYPE_NEXT ? 1 :
			    ui->p->ntypes - 1)) % ui->p->ntypes);
		break;
	case EM_ACT_SORT:
		em_table_sort(&ui->table, ui->table.sort == EM_SORT_SELF ? EM_SORT_TOTAL :
		    ui->table.sort == EM_SORT_TOTAL ? EM_SORT_NAME : EM_SORT_SELF, 0);
		break;
	case EM_ACT_SORT_REVERSE:
		em_table_sort(&ui->table, ui->table.sort, !ui->table.reverse);
		break;
	case EM_ACT_DETAILS:
		em_srcpane_open(ui);
		break;
	case EM_ACT_SANDWICH:
		em_sw_open(ui);
		break;
	case EM_ACT_HELP:
		ui->help = 1;
		ui->help_top = 0;
		break;
	case EM_ACT_REDRAW:
		return EM_UI_CLEAR;
	case EM_ACT_QUIT:
		return EM_UI_QUIT;
	default:
		break;
	}
	return 0;
}

/* --- prompt -------------------------------------------------------------- */

static void prompt_apply(struct em_ui *ui, int kind)
{
	if (kind == EM_PROMPT_SEARCH)
		em_ui_search(ui, ui->pbuf);
	else
		em_ui_filter(ui, ui->pbuf);
}

static void prompt_cancel(struct em_ui *ui)
{
	if (ui->prompt == EM_PROMPT_REPO || ui->prompt == EM_PROMPT_REF) {
		/* nothing was applied */
	} else if (ui->prompt == EM_PROMPT_SEARCH) {
		if (ui->prev_search_kind == EM_SEARCH_FUNC)
			em_ui_highlight_func(ui, ui->prev_search_func);
		else
			em_ui_search(ui, ui->prev_search);
	} else {
		em_ui_filter(ui, ui->prev_search);
	}
	ui->prompt = EM_PROMPT_NONE;
	ui->msg[0] = '\0';
}

static int prompt_key(struct em_ui *ui, int key)
{
	switch (key) {
	case EM_KEY_ENTER:
	case '\n': {
		int kind = ui->prompt;
		ui->prompt = EM_PROMPT_NONE;
		if (kind == EM_PROMPT_REPO || kind == EM_PROMPT_REF) {
			em_srcpane_edit(ui, kind, ui->pbuf);
			return 0;
		}
		/* typing already applied it; again only to bring back the report */
		if (kind == EM_PROMPT_SEARCH && ui->search.kind == EM_SEARCH_REGEX &&
		    strcmp(ui->search.text, ui->pbuf) == 0)
			em_ui_search_report(ui);
		else
			prompt_apply(ui, kind);
		if (kind == EM_PROMPT_SEARCH && ui->search.kind != EM_SEARCH_NONE && !ui->msg_error) {
			/* select the first match from the selection on */
			em_ui_layout(ui);
			if (em_ui_search_step(ui, 1, 1, 1) < 0 && ui->search.frames > 0) {
				size_t n = strlen(ui->msg);
				snprintf(ui->msg + n, sizeof(ui->msg) - n, "%s",
				    " (in + groups or outside the zoom)");
			}
		}
		return 0;
	}
	case EM_KEY_ESC:
	case EM_KEY_CTRL_C:
		prompt_cancel(ui);
		return 0;
	case EM_KEY_BACKSPACE:
	case 8:
		/* drop one UTF-8 character */
		while (ui->plen > 0 && ((unsigned char)ui->pbuf[ui->plen - 1] & 0xc0) == 0x80)
			ui->plen--;
		if (ui->plen > 0)
			ui->plen--;
		break;
	case 21: /* Ctrl-U */
		ui->plen = 0;
		break;
	default:
		if (key < 32 || key == 127 || key > 255)
			return 0;
		if (ui->plen + 1 < sizeof(ui->pbuf))
			ui->pbuf[ui->plen++] = (char)key;
		break;
	}
	ui->pbuf[ui->plen] = '\0';
	/* search as you type; a pattern that does not compile yet keeps the
	 * last good result. A repository or ref applies on Enter only. */
	ui->msg[0] = '\0';
	if (ui->prompt == EM_PROMPT_SEARCH || ui->prompt == EM_PROMPT_FILTER)
		prompt_apply(ui, ui->prompt);
	return 0;
}

/* --- input --------------------------------------------------------------- */

static int help_key(struct em_ui *ui, int key)
{
	switch (em_action_for_key(key)) {
	case EM_ACT_CHILD:
		ui->help_top++;
		break;
	case EM_ACT_PARENT:
		if (ui->help_top > 0)
			ui->help_top--;
		break;
	case EM_ACT_PAGE_DOWN:
		ui->help_top += ui->h / 2;
		break;
	case EM_ACT_PAGE_UP:
		ui->help_top = ui->help_top > ui->h / 2 ? ui->help_top - ui->h / 2 : 0;
		break;
	default:
		ui->help = 0;
		break;
	}
	return 0;
}

int em_ui_key(struct em_ui *ui, int key)
{
	enum em_action a;

	if (key == EM_KEY_RESIZE || key == EM_KEY_NONE)
		return 0;
	if (em_ui_building(ui))
		return em_ui_typejob_key(ui, key);
	if (ui->prompt != EM_PROMPT_NONE)
		return prompt_key(ui, key);
	ui->msg[0] = '\0';
	if (!ui->help && em_srcpane_is_open(ui))
		return em_srcpane_key(ui, key);
	if (!ui->help && !em_ui_too_small(ui) && em_sw_is_open(ui))
		return em_sw_key(ui, key);
	a = em_action_for_key(key);
	if (a == EM_ACT_QUIT && !ui->help)
		return EM_UI_QUIT;
	if (em_ui_too_small(ui))
		return 0;
	if (ui->help)
		return help_key(ui, key);
	return a == EM_ACT_NONE ? 0 : do_action(ui, a);
}

/* --- mouse --------------------------------------------------------------- */

static int in_rect(const struct em_rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

static long flame_hit(struct em_ui *ui, int x, int y)
{
	int line = y - ui->rflame.y;
	uint32_t row;

	em_ui_layout(ui);
	if ((uint32_t)line < ui->fl.ncrumbs)
		row = (uint32_t)line;
	else
		row = ui->fl.ncrumbs + ui->ftop + (uint32_t)line - ui->fl.ncrumbs;
	return em_layout_at(&ui->fl, row, x - ui->rflame.x);
}

int em_ui_mouse(struct em_ui *ui, enum em_mouse ev, int x, int y)
{
	int wheel = ev == EM_MOUSE_WHEEL_UP ? -3 : ev == EM_MOUSE_WHEEL_DOWN ? 3 : 0;

	if (em_ui_too_small(ui) || ui->prompt != EM_PROMPT_NONE || em_ui_building(ui))
		return 0;
	if (ui->help) {
		if (wheel)
			ui->help_top = ui->help_top + wheel < 0 ? 0 : ui->help_top + wheel;
		else
			ui->help = 0;
		return 0;
	}
	ui->msg[0] = '\0';
	if (em_srcpane_is_open(ui)) {
		em_srcpane_mouse(ui, ev, x, y);
		return 0;
	}
	if (em_sw_is_open(ui)) {
		em_sw_mouse(ui, ev, x, y);
		return 0;
	}
	if (in_rect(&ui->rflame, x, y)) {
		long i;
		if (wheel) {
			ui->ftop = wheel < 0 && ui->ftop < 3 ? 0 : ui->ftop + (uint32_t)wheel;
			em_ui_layout(ui);
			return 0;
		}
		i = flame_hit(ui, x, y);
		ui->focus = EM_PANE_FLAME;
		if (i < 0)
			return 0;
		em_ui_select_span(ui, i);
		if (ev == EM_MOUSE_DOUBLE)
			flame_zoom(ui);
		return 0;
	}
	if (in_rect(&ui->rtable, x, y)) {
		long r;
		if (wheel) {
			em_table_move(&ui->table, wheel, em_ui_table_rows(ui));
			return 0;
		}
		ui->focus = EM_PANE_TABLE;
		r = em_table_row_at(&ui->table, y - ui->rtable.y - 1);
		if (r < 0)
			return 0;
		em_table_goto(&ui->table, (uint32_t)r, em_ui_table_rows(ui));
		if (ev == EM_MOUSE_DOUBLE)
			em_ui_show_func(ui, em_table_func(&ui->table));
	}
	return 0;
}

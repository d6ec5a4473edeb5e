/* ui_typejob.c - switching the sample type on a thread (the t key).
 *
 * Building the call tree and top table of another type of a big profile
 * takes around a second; on the event loop's thread that froze the
 * screen. The job builds a struct em_built from the profile, which no one
 * writes while the ui lives, and writes a byte to a pipe when it ends;
 * the loop wakes on that fd (em_ui_wait_fd) and em_ui_tick swaps the new
 * tree in. Until then the old view stays up with a spinner, help and quit
 * work and Esc cancels. The model has no cancel hook, so a cancelled build
 * runs to its end and is thrown away. Part of the ui module. */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions.h"
#include "ui.h"
#include "ui_int.h"

struct em_typejob {
	const em_profile *p;
	uint32_t type;
	pthread_t thread;
	int pipe[2];
	atomic_int done;
	int cancelled;   /* Esc: throw the result away */
	int ok;
	struct em_built b;
	em_error err;
	double t0;
	unsigned spin;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
	struct em_typejob *j = arg;
	char c = 1;
	ssize_t w;

	j->ok = em_ui_build_type(j->p, j->type, &j->b, &j->err) == 0;
	atomic_store(&j->done, 1);
	/* wakes the loop at once; if the write failed, its 100 ms tick
	 * (it polls with a timeout while the job exists) still sees done */
	w = write(j->pipe[1], &c, 1);
	(void)w;
	return NULL;
}

static const char *type_name(const struct em_ui *ui, uint32_t type)
{
	return em_profile_cstr(ui->p, ui->p->types[type].type);
}

static void show_spinner(struct em_ui *ui)
{
	static const char spin[] = "|/-\\";
	struct em_typejob *j = ui->tj;

	em_ui_msg(ui, 0, "%c building the %s call tree (%.1f s); Esc cancels",
	    spin[j->spin % 4], type_name(ui, j->type), now_s() - j->t0);
}

static void job_free(struct em_typejob *j)
{
	pthread_join(j->thread, NULL);
	close(j->pipe[0]);
	close(j->pipe[1]);
	if (j->ok)
		em_ui_built_free(&j->b);
	free(j);
}

int em_ui_building(const struct em_ui *ui)
{
	return ui->tj != NULL && !ui->tj->cancelled;
}

int em_ui_set_type_async(struct em_ui *ui, uint32_t type)
{
	struct em_typejob *j = ui->tj;

	if (type >= ui->p->ntypes)
		return -1;
	if (j != NULL) {
		/* a cancelled build still running: take it back if it is the one */
		if (j->type != type) {
			em_ui_msg(ui, 1, "still stopping the %s build", type_name(ui, j->type));
			return -1;
		}
		j->cancelled = 0;
		show_spinner(ui);
		return 0;
	}
	if (type == ui->type)
		return 0;
	j = calloc(1, sizeof(*j));
	if (j == NULL || pipe(j->pipe) < 0) {
		free(j);
		em_ui_msg(ui, 1, "cannot start building the %s call tree", type_name(ui, type));
		return -1;
	}
	fcntl(j->pipe[0], F_SETFL, O_NONBLOCK);
	j->p = ui->p;
	j->type = type;
	j->t0 = now_s();
	atomic_init(&j->done, 0);
	if (pthread_create(&j->thread, NULL, run, j) != 0) {
		close(j->pipe[0]);
		close(j->pipe[1]);
		free(j);
		em_ui_msg(ui, 1, "cannot start building the %s call tree", type_name(ui, type));
		return -1;
	}
	ui->tj = j;
	show_spinner(ui);
	return 0;
}

/* Keys while building: the tree under the view is about to change, so
 * only what does not depend on it runs; the rest is dropped with a word. */
int em_ui_typejob_key(struct em_ui *ui, int key)
{
	enum em_action a = em_action_for_key(key);

	if (ui->help && a != EM_ACT_QUIT) {
		/* any key closes help, as usual; scrolling keys scroll it */
		if (a == EM_ACT_CHILD || a == EM_ACT_PAGE_DOWN)
			ui->help_top += a == EM_ACT_CHILD ? 1 : ui->h / 2;
		else if (a == EM_ACT_PARENT || a == EM_ACT_PAGE_UP)
			ui->help_top = ui->help_top > 0 ? ui->help_top - 1 : 0;
		else
			ui->help = 0;
		show_spinner(ui);
		return 0;
	}
	if (key == EM_KEY_ESC) {
		ui->tj->cancelled = 1;
		em_ui_msg(ui, 0, "cancelled: still showing %s", type_name(ui, ui->type));
		return 0;
	}
	if (a == EM_ACT_QUIT || key == EM_KEY_CTRL_C)
		return EM_UI_QUIT;
	if (a == EM_ACT_HELP) {
		ui->help = 1;
		ui->help_top = 0;
	} else if (a == EM_ACT_REDRAW) {
		show_spinner(ui);
		return EM_UI_CLEAR;
	}
	show_spinner(ui);
	return 0;
}

int em_ui_typejob_fd(const struct em_ui *ui)
{
	return ui->tj != NULL ? ui->tj->pipe[0] : -1;
}

int em_ui_typejob_tick(struct em_ui *ui)
{
	struct em_typejob *j = ui->tj;
	char c;

	if (j == NULL)
		return 0;
	if (!atomic_load(&j->done)) {
		j->spin++;
		if (!j->cancelled)
			show_spinner(ui);
		return !j->cancelled;
	}
	while (read(j->pipe[0], &c, 1) > 0)
		continue;
	ui->tj = NULL;
	if (!j->cancelled && !j->ok)
		em_ui_msg(ui, 1, "%s", j->err.msg);
	if (!j->cancelled && j->ok) {
		em_ui_apply_type(ui, j->type, &j->b);
		j->ok = 0;
	}
	job_free(j);
	return 1;
}

void em_ui_typejob_free(struct em_ui *ui)
{
	if (ui->tj != NULL) {
		job_free(ui->tj);
		ui->tj = NULL;
	}
}

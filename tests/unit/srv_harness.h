/* srv_harness.h - what the server viewer's unit tests share (header
 * only): a loopback port that accepts and never answers, a monotonic
 * clock, letting finished jobs in, and keys followed by a frame (the test
 * defines draw()). */
#ifndef EMBERS_SRV_HARNESS_H
#define EMBERS_SRV_HARNESS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../../src/tui/actions.h"
#include "../../src/tui/srv.h"

/* A listening loopback socket nobody answers on: its port, or -1. */
__attribute__((unused))
static int silent_port(int *fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	*fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(*fd, 16) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	return ntohs(a.sin_port);
}

__attribute__((unused))
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Let finished jobs in until nothing is in flight or secs passed: 1 when
 * nothing is. */
__attribute__((unused))
static int wait_jobs(struct em_srv *s, double secs)
{
	double end = now_s() + secs;
	int fd;

	while ((fd = em_srv_wake_fd(s)) >= 0 && now_s() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		poll(&p, 1, 50);
		em_srv_dispatch(s);
	}
	return em_srv_wake_fd(s) < 0;
}

/* Each test draws its own way (a virtual screen it keeps). */
static void draw(struct em_srv *s);

/* Keys as typed ('\n' is Enter), then a frame. */
__attribute__((unused))
static void keys(struct em_srv *s, const char *k)
{
	for (; *k; k++)
		em_srv_key(s, *k == '\n' ? EM_KEY_ENTER : (unsigned char)*k);
	draw(s);
}

__attribute__((unused))
static void key(struct em_srv *s, int k)
{
	em_srv_key(s, k);
	draw(s);
}

#endif

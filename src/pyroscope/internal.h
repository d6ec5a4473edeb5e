/* internal.h - what the files of src/pyroscope share but nobody else needs. */
#ifndef EMBERS_PYRO_INTERNAL_H
#define EMBERS_PYRO_INTERNAL_H

#include "embers/pyroscope.h"

/* What the client learnt about the server's gaps, so that a fallback is
 * tried once per client rather than on every call. */
enum {
	EM_QUIRK_NO_MERGE_PROFILE = 1,  /* SelectMergeProfile is gone: pprof format */
	EM_QUIRK_FG_NO_CALL_SITE = 2,   /* flame graphs ignore stack trace selectors */
	EM_QUIRK_NO_DIFF = 4            /* no Diff RPC: two flame graphs */
};
unsigned *em_pyro_client_quirks(em_pyro_client *cl);

#endif

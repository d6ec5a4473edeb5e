/* profile.h - the in-memory profile every reader fills and every view reads.
 *
 * Layout is flat arrays so that a profile with millions of frames costs a
 * few bytes per frame:
 *   functions   unique by name (granularity "functions", as go tool pprof)
 *   func_files  the other files a function's name is defined in
 *               (JavaScript and Python reuse names across files)
 *   lines       (function, file, line number); a location owns a run of them
 *   locations   a run of lines, ROOT FIRST (caller, then what was inlined
 *               into it), plus the address and mapping for unsymbolized code
 *   maps        the memory mappings of the profiled process, in pprof order
 *   samples     a run of location indexes, ROOT FIRST, one value per sample
 *               type, and a run of labels
 * Readers build a profile with the em_profile_add_* functions; nothing here
 * does I/O. */
#ifndef EMBERS_PROFILE_H
#define EMBERS_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/strtab.h"

typedef uint32_t em_func_id;
#define EM_FUNC_NONE UINT32_MAX

typedef struct em_function {
	em_str name;
	em_str system_name;
	em_str file;
	int64_t start_line;
} em_function;

/* A definition of a function's name in a file other than its own (pprof
 * lists each (name, file) separately). file 0: a definition without file
 * of a function that has one. */
typedef struct em_func_file {
	em_func_id func;
	em_str file;
	int64_t start_line;
} em_func_file;

/* em_line.file when the frame has no file although its function has one
 * (another definition of the name has). */
#define EM_LINE_NO_FILE EM_STR_NONE

/* A frame. file is the file of the definition the frame belongs to; 0
 * means its function's own file (readers without files leave it 0). The
 * file sits in what would be padding: 16 bytes either way. */
typedef struct em_line {
	em_func_id func;
	em_str file;
	int64_t line;
} em_line;

typedef struct em_location {
	uint32_t first_line; /* index into profile->lines */
	uint32_t nlines;     /* >= 1: every location names at least one frame */
	uint64_t address;
	em_str mapping_file; /* 0 when unknown; the file of its map if any */
	uint32_t map;        /* 1 + index into profile->maps, 0 = none */
} em_location;

/* A memory mapping (pprof Mapping): the binary or library code lies in. */
typedef struct em_memmap {
	uint64_t memory_start, memory_limit, file_offset;
	em_str file;
	em_str build_id;
	unsigned char has_functions, has_filenames, has_line_numbers,
	    has_inline_frames;
} em_memmap;

typedef struct em_sample_type {
	em_str type; /* e.g. "alloc_space" */
	em_str unit; /* e.g. "bytes" */
} em_sample_type;

typedef struct em_label {
	em_str key;
	em_str str; /* 0 for a numeric label */
	int64_t num;
	em_str num_unit;
} em_label;

typedef struct em_profile {
	em_strtab *strs;

	em_function *funcs;
	uint32_t nfuncs;
	size_t funcs_cap;
	uint32_t *func_by_name; /* open-addressing index: name -> func id */
	size_t func_by_name_cap;

	em_func_file *func_files;
	uint32_t nfunc_files;
	size_t func_files_cap;
	uint32_t *func_file_slots; /* hash (func, file) -> index + 1, 0 = empty */
	size_t func_file_nslots;   /* 0 or a power of two */

	em_line *lines;
	uint32_t nlines;
	size_t lines_cap;

	em_location *locs;
	uint32_t nlocs;
	size_t locs_cap;
	uint32_t *loc_of_func; /* single-frame location per function (folded/json readers) */
	size_t loc_of_func_cap;

	em_memmap *maps;
	uint32_t nmaps;
	size_t maps_cap;

	em_sample_type *types;
	uint32_t ntypes;
	uint32_t default_type; /* index into types */

	/* samples */
	size_t nsamples;
	uint32_t *stack;       /* location indexes, root first, all samples */
	size_t nstack, stack_cap;
	uint64_t *sample_off;  /* nsamples + 1 offsets into stack */
	size_t sample_off_cap;
	int64_t *values;       /* nsamples * ntypes */
	size_t values_cap;
	em_label *labels;
	size_t nlabels, labels_cap;
	uint64_t *label_off;   /* nsamples + 1 offsets into labels, or NULL when none */
	size_t label_off_cap;

	/* metadata */
	int64_t time_nanos;
	int64_t duration_nanos;
	int64_t period;
	em_sample_type period_type;
	em_str *comments;
	uint32_t ncomments;
	const char *format;    /* "pprof", "folded", "flamebearer", ... (static) */
} em_profile;

em_profile *em_profile_new(void);
void em_profile_free(em_profile *p);

/* Intern a string; EM_STR_NONE when out of memory. */
em_str em_profile_str(em_profile *p, const char *s, size_t len);
static inline const char *em_profile_cstr(const em_profile *p, em_str id)
{
	return em_strtab_str(p->strs, id);
}

/* The function named name, created when new (other fields kept from the
 * first definition, filled in when they were empty). EM_FUNC_NONE on OOM. */
em_func_id em_profile_func(em_profile *p, em_str name, em_str system_name,
    em_str file, int64_t start_line);
/* Lookup only; EM_FUNC_NONE when absent. */
em_func_id em_profile_find_func(const em_profile *p, const char *name, size_t len);
static inline const char *em_func_name(const em_profile *p, em_func_id f)
{
	return em_strtab_str(p->strs, p->funcs[f].name);
}

/* Record that f's name is also defined in file (0: without a file) with
 * that start line. Nothing happens when file is f's own file or already
 * recorded (the first definition wins, as for functions). 0 or -1 on OOM. */
int em_profile_add_func_file(em_profile *p, em_func_id f, em_str file,
    int64_t start_line);
/* Index into func_files of (f, file), or UINT32_MAX when not recorded. */
uint32_t em_profile_find_func_file(const em_profile *p, em_func_id f, em_str file);
/* The start line of f's definition in file (0 when unknown). */
int64_t em_profile_start_line(const em_profile *p, em_func_id f, em_str file);
/* The file of a frame: its own, else its function's; 0 when none. */
static inline em_str em_line_file(const em_profile *p, const em_line *ln)
{
	if (ln->file == 0)
		return p->funcs[ln->func].file;
	return ln->file == EM_LINE_NO_FILE ? 0 : ln->file;
}

/* Add a sample type; returns its index or -1 on OOM. */
int em_profile_add_type(em_profile *p, const char *type, const char *unit);
/* Index of the type named name, or of the decimal index name; -1 if none. */
int em_profile_find_type(const em_profile *p, const char *name);

/* Add a location whose lines are given ROOT FIRST. Returns its index, or
 * UINT32_MAX on OOM or nlines == 0. A line's file that is not a string of
 * the profile counts as 0; a file other than its function's is recorded
 * with em_profile_add_func_file (start line 0) unless it already is. */
uint32_t em_profile_add_location(em_profile *p, const em_line *lines,
    uint32_t nlines, uint64_t address, em_str mapping_file);
/* The same in mapping map (1 + index into p->maps, 0 = none); the
 * location's mapping_file is the mapping's file. */
uint32_t em_profile_add_mapped_location(em_profile *p, const em_line *lines,
    uint32_t nlines, uint64_t address, uint32_t map);

/* Append a mapping; returns 1 + its index (what em_location.map holds), or
 * 0 on OOM. */
uint32_t em_profile_add_map(em_profile *p, const em_memmap *m);
/* The one-line location for function f (created once, then reused). */
uint32_t em_profile_func_location(em_profile *p, em_func_id f);

/* Append a sample. locs are ROOT FIRST; values has p->ntypes entries
 * (types must all be added before the first sample). Returns 0 or -1. */
int em_profile_add_sample(em_profile *p, const uint32_t *locs, size_t nlocs,
    const int64_t *values, const em_label *labels, size_t nlabels);

/* Sample accessors. */
static inline size_t em_sample_depth(const em_profile *p, size_t s)
{
	return (size_t)(p->sample_off[s + 1] - p->sample_off[s]);
}
static inline const uint32_t *em_sample_locs(const em_profile *p, size_t s)
{
	return p->stack + p->sample_off[s];
}
static inline int64_t em_sample_value(const em_profile *p, size_t s, uint32_t type)
{
	return p->values[s * p->ntypes + type];
}

/* Sum of a type's values over all samples; -1 and an error on overflow. */
int em_profile_total(const em_profile *p, uint32_t type, int64_t *out, em_error *err);

/* Bytes held by the profile's arrays (for memory reports). */
size_t em_profile_bytes(const em_profile *p);

#endif

/* profile.c - building a profile: functions, the other files of their
 * names, mappings, locations, sample types and samples appended into flat
 * arrays. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "embers/profile.h"
#include "embers/vec.h"

/* Locations and lines are the bulk of a big profile: a file or mapping
 * index must not make them grow. */
_Static_assert(sizeof(em_line) == 16, "em_line grew");
_Static_assert(sizeof(em_location) == 24, "em_location grew");

em_profile *em_profile_new(void)
{
	em_profile *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->strs = em_strtab_new();
	p->sample_off = calloc(1, sizeof(*p->sample_off));
	p->sample_off_cap = 1;
	/* never NULL, so em_sample_locs of an empty stack is a valid pointer */
	p->stack = malloc(16 * sizeof(*p->stack));
	p->stack_cap = 16;
	if (p->strs == NULL || p->sample_off == NULL || p->stack == NULL) {
		em_profile_free(p);
		return NULL;
	}
	p->format = "";
	return p;
}

void em_profile_free(em_profile *p)
{
	if (p == NULL)
		return;
	em_strtab_free(p->strs);
	free(p->funcs);
	free(p->func_by_name);
	free(p->func_files);
	free(p->func_file_slots);
	free(p->maps);
	free(p->lines);
	free(p->locs);
	free(p->loc_of_func);
	free(p->types);
	free(p->stack);
	free(p->sample_off);
	free(p->values);
	free(p->labels);
	free(p->label_off);
	free(p->comments);
	free(p);
}

em_str em_profile_str(em_profile *p, const char *s, size_t len)
{
	return em_strtab_intern(p->strs, s, len);
}

/* func_by_name is indexed by the name's string id and holds func id + 1. */
em_func_id em_profile_func(em_profile *p, em_str name, em_str system_name,
    em_str file, int64_t start_line)
{
	em_function *f;
	size_t old = p->func_by_name_cap;

	if (name == EM_STR_NONE)
		return EM_FUNC_NONE;
	if (name < old && p->func_by_name[name]) {
		f = &p->funcs[p->func_by_name[name] - 1];
		if (f->file == 0 && file != 0 && file != EM_STR_NONE) {
			f->file = file;
			f->start_line = start_line;
		}
		if (f->system_name == 0 && system_name != EM_STR_NONE)
			f->system_name = system_name;
		return p->func_by_name[name] - 1;
	}
	if (p->nfuncs == EM_FUNC_NONE - 1 ||
	    EM_VEC_RESERVE(p->func_by_name, p->func_by_name_cap, (size_t)name + 1) < 0 ||
	    EM_VEC_RESERVE(p->funcs, p->funcs_cap, (size_t)p->nfuncs + 1) < 0)
		return EM_FUNC_NONE;
	if (p->func_by_name_cap > old)
		memset(p->func_by_name + old, 0,
		    (p->func_by_name_cap - old) * sizeof(*p->func_by_name));
	f = &p->funcs[p->nfuncs];
	f->name = name;
	f->system_name = system_name == EM_STR_NONE ? 0 : system_name;
	f->file = file == EM_STR_NONE ? 0 : file;
	f->start_line = start_line;
	p->func_by_name[name] = p->nfuncs + 1;
	return p->nfuncs++;
}

em_func_id em_profile_find_func(const em_profile *p, const char *name, size_t len)
{
	em_str s = em_strtab_find(p->strs, name, len);

	if (s == EM_STR_NONE || s >= p->func_by_name_cap || p->func_by_name[s] == 0)
		return EM_FUNC_NONE;
	return p->func_by_name[s] - 1;
}

/* ---- other files of a function's name --------------------------------- */

static size_t hash_func_file(em_func_id f, em_str file)
{
	uint64_t h = ((uint64_t)f << 32 | file) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ h >> 29);
}

/* The slot of (f, file): where it is, or the empty slot it would take. */
static size_t func_file_slot(const em_profile *p, em_func_id f, em_str file)
{
	size_t mask = p->func_file_nslots - 1, h = hash_func_file(f, file) & mask;

	while (p->func_file_slots[h] != 0) {
		const em_func_file *ff = &p->func_files[p->func_file_slots[h] - 1];

		if (ff->func == f && ff->file == file)
			break;
		h = (h + 1) & mask;
	}
	return h;
}

/* Keep the table at most half full. */
static int grow_func_file_slots(em_profile *p)
{
	size_t n = p->func_file_nslots ? p->func_file_nslots * 2 : 64, i;
	uint32_t *old = p->func_file_slots, *slots;

	if (n > SIZE_MAX / sizeof(*slots) || (slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	p->func_file_slots = slots;
	p->func_file_nslots = n;
	for (i = 0; i < p->nfunc_files; i++) {
		const em_func_file *ff = &p->func_files[i];

		p->func_file_slots[func_file_slot(p, ff->func, ff->file)] = (uint32_t)i + 1;
	}
	free(old);
	return 0;
}

uint32_t em_profile_find_func_file(const em_profile *p, em_func_id f, em_str file)
{
	size_t h;

	if (p->func_file_nslots == 0)
		return UINT32_MAX;
	h = func_file_slot(p, f, file);
	return p->func_file_slots[h] ? p->func_file_slots[h] - 1 : UINT32_MAX;
}

int em_profile_add_func_file(em_profile *p, em_func_id f, em_str file,
    int64_t start_line)
{
	em_func_file *ff;

	if (f >= p->nfuncs || file == EM_STR_NONE)
		return -1;
	if (file == p->funcs[f].file || em_profile_find_func_file(p, f, file) != UINT32_MAX)
		return 0;
	if (p->nfunc_files >= UINT32_MAX / 4)
		return -1;
	if (((size_t)p->nfunc_files + 1) * 2 > p->func_file_nslots &&
	    grow_func_file_slots(p) < 0)
		return -1;
	if (EM_VEC_RESERVE(p->func_files, p->func_files_cap, (size_t)p->nfunc_files + 1) < 0)
		return -1;
	ff = &p->func_files[p->nfunc_files];
	ff->func = f;
	ff->file = file;
	ff->start_line = start_line;
	p->func_file_slots[func_file_slot(p, f, file)] = ++p->nfunc_files;
	return 0;
}

int64_t em_profile_start_line(const em_profile *p, em_func_id f, em_str file)
{
	uint32_t i;

	if (f >= p->nfuncs)
		return 0;
	if (file == p->funcs[f].file)
		return p->funcs[f].start_line;
	i = em_profile_find_func_file(p, f, file);
	return i == UINT32_MAX ? 0 : p->func_files[i].start_line;
}

/* ---- sample types -------------------------------------------------------- */

int em_profile_add_type(em_profile *p, const char *type, const char *unit)
{
	em_sample_type *nt;
	em_str t = em_profile_str(p, type, strlen(type));
	em_str u = em_profile_str(p, unit, strlen(unit));

	if (t == EM_STR_NONE || u == EM_STR_NONE || p->nsamples > 0 || p->ntypes >= 1024)
		return -1;
	nt = realloc(p->types, (p->ntypes + 1) * sizeof(*nt));
	if (nt == NULL)
		return -1;
	p->types = nt;
	p->types[p->ntypes].type = t;
	p->types[p->ntypes].unit = u;
	return (int)p->ntypes++;
}

int em_profile_find_type(const em_profile *p, const char *name)
{
	char *end;
	long v;
	uint32_t i;

	for (i = 0; i < p->ntypes; i++)
		if (strcmp(em_profile_cstr(p, p->types[i].type), name) == 0)
			return (int)i;
	if (*name < '0' || *name > '9')
		return -1;
	errno = 0;
	v = strtol(name, &end, 10);
	if (errno || *end != '\0' || v < 0 || v >= (long)p->ntypes)
		return -1;
	return (int)v;
}

/* ---- mappings and locations --------------------------------------------- */

uint32_t em_profile_add_map(em_profile *p, const em_memmap *m)
{
	if (p->nmaps >= UINT32_MAX - 1 ||
	    EM_VEC_RESERVE(p->maps, p->maps_cap, (size_t)p->nmaps + 1) < 0)
		return 0;
	p->maps[p->nmaps] = *m;
	if (m->file == EM_STR_NONE)
		p->maps[p->nmaps].file = 0;
	if (m->build_id == EM_STR_NONE)
		p->maps[p->nmaps].build_id = 0;
	return ++p->nmaps;
}

/* Check the files of the lines just copied in: a bad id is 0, and every
 * (function, file) other than the function's own is recorded. The common
 * case (no file, or the function's own) costs one comparison. */
static int note_line_files(em_profile *p, em_line *ln, uint32_t n)
{
	uint32_t nstr = em_strtab_count(p->strs), i;

	for (i = 0; i < n; i++) {
		em_str file = ln[i].file;

		if (file == 0 || ln[i].func >= p->nfuncs)
			continue;
		if (file != EM_LINE_NO_FILE && file >= nstr) {
			ln[i].file = 0;
			continue;
		}
		if (em_line_file(p, &ln[i]) != p->funcs[ln[i].func].file &&
		    em_profile_add_func_file(p, ln[i].func, em_line_file(p, &ln[i]), 0) < 0)
			return -1;
	}
	return 0;
}

uint32_t em_profile_add_mapped_location(em_profile *p, const em_line *lines,
    uint32_t nlines, uint64_t address, uint32_t map)
{
	em_location *l;

	if (nlines == 0 || p->nlocs == UINT32_MAX - 1 || map > p->nmaps ||
	    (size_t)p->nlines + nlines >= UINT32_MAX ||
	    EM_VEC_RESERVE(p->lines, p->lines_cap, (size_t)p->nlines + nlines) < 0 ||
	    EM_VEC_RESERVE(p->locs, p->locs_cap, (size_t)p->nlocs + 1) < 0)
		return UINT32_MAX;
	memcpy(p->lines + p->nlines, lines, nlines * sizeof(*lines));
	if (note_line_files(p, p->lines + p->nlines, nlines) < 0)
		return UINT32_MAX;
	l = &p->locs[p->nlocs];
	l->first_line = p->nlines;
	l->nlines = nlines;
	l->address = address;
	l->mapping_file = map ? p->maps[map - 1].file : 0;
	l->map = map;
	p->nlines += nlines;
	return p->nlocs++;
}

uint32_t em_profile_add_location(em_profile *p, const em_line *lines,
    uint32_t nlines, uint64_t address, em_str mapping_file)
{
	uint32_t loc = em_profile_add_mapped_location(p, lines, nlines, address, 0);

	if (loc != UINT32_MAX)
		p->locs[loc].mapping_file = mapping_file == EM_STR_NONE ? 0 : mapping_file;
	return loc;
}

/* loc_of_func holds location + 1 so that zeroed memory means "none yet". */
uint32_t em_profile_func_location(em_profile *p, em_func_id f)
{
	size_t old = p->loc_of_func_cap;
	em_line line;
	uint32_t loc;

	if (f >= p->nfuncs)
		return UINT32_MAX;
	if (f < old && p->loc_of_func[f])
		return p->loc_of_func[f] - 1;
	if (EM_VEC_RESERVE(p->loc_of_func, p->loc_of_func_cap, (size_t)f + 1) < 0)
		return UINT32_MAX;
	if (p->loc_of_func_cap > old)
		memset(p->loc_of_func + old, 0,
		    (p->loc_of_func_cap - old) * sizeof(*p->loc_of_func));
	line.func = f;
	line.file = 0;
	line.line = 0;
	loc = em_profile_add_location(p, &line, 1, 0, 0);
	if (loc != UINT32_MAX)
		p->loc_of_func[f] = loc + 1;
	return loc;
}

static int add_labels(em_profile *p, const em_label *labels, size_t nlabels)
{
	size_t s = p->nsamples;

	if (p->label_off == NULL) {
		if (nlabels == 0)
			return 0;
		/* first labelled sample: earlier samples had none */
		if (EM_VEC_RESERVE(p->label_off, p->label_off_cap, s + 2) < 0)
			return -1;
		memset(p->label_off, 0, (s + 1) * sizeof(*p->label_off));
	}
	if (EM_VEC_RESERVE(p->label_off, p->label_off_cap, s + 2) < 0 ||
	    EM_VEC_RESERVE(p->labels, p->labels_cap, p->nlabels + nlabels) < 0)
		return -1;
	if (nlabels)
		memcpy(p->labels + p->nlabels, labels, nlabels * sizeof(*labels));
	p->nlabels += nlabels;
	p->label_off[s + 1] = p->nlabels;
	return 0;
}

int em_profile_add_sample(em_profile *p, const uint32_t *locs, size_t nlocs,
    const int64_t *values, const em_label *labels, size_t nlabels)
{
	size_t s = p->nsamples, i;

	if (p->ntypes == 0 || s >= SIZE_MAX / p->ntypes - 1)
		return -1;
	for (i = 0; i < nlocs; i++)
		if (locs[i] >= p->nlocs)
			return -1;
	if (EM_VEC_RESERVE(p->stack, p->stack_cap, p->nstack + nlocs) < 0 ||
	    EM_VEC_RESERVE(p->sample_off, p->sample_off_cap, s + 2) < 0 ||
	    EM_VEC_RESERVE(p->values, p->values_cap, (s + 1) * p->ntypes) < 0 ||
	    add_labels(p, labels, nlabels) < 0)
		return -1;
	if (nlocs)
		memcpy(p->stack + p->nstack, locs, nlocs * sizeof(*locs));
	p->nstack += nlocs;
	p->sample_off[s + 1] = p->nstack;
	memcpy(p->values + s * p->ntypes, values, p->ntypes * sizeof(*values));
	p->nsamples++;
	return 0;
}

int em_profile_total(const em_profile *p, uint32_t type, int64_t *out, em_error *err)
{
	int64_t sum = 0;
	size_t s;

	for (s = 0; s < p->nsamples; s++)
		if (__builtin_add_overflow(sum, em_sample_value(p, s, type), &sum))
			return em_error_set(err, "sample values overflow a 64-bit total");
	*out = sum;
	return 0;
}

size_t em_profile_bytes(const em_profile *p)
{
	return em_strtab_bytes(p->strs) + p->funcs_cap * sizeof(*p->funcs) +
	    p->func_by_name_cap * 4 + p->func_files_cap * sizeof(*p->func_files) +
	    p->func_file_nslots * 4 + p->maps_cap * sizeof(*p->maps) +
	    p->lines_cap * sizeof(*p->lines) +
	    p->locs_cap * sizeof(*p->locs) + p->stack_cap * 4 +
	    p->sample_off_cap * 8 + p->values_cap * 8 +
	    p->labels_cap * sizeof(*p->labels) + p->label_off_cap * 8;
}

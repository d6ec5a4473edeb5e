/* strtab.h - interned strings.
 *
 * Every name in a profile is stored once and referred to by a 32-bit id.
 * Id 0 is always the empty string. Strings may hold any bytes, NUL
 * included; em_strtab_len gives the length. */
#ifndef EMBERS_STRTAB_H
#define EMBERS_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t em_str;
#define EM_STR_NONE UINT32_MAX

typedef struct em_strtab em_strtab;

em_strtab *em_strtab_new(void);
void em_strtab_free(em_strtab *t);
/* Id of s[0..len), adding it when new; EM_STR_NONE when out of memory. */
em_str em_strtab_intern(em_strtab *t, const char *s, size_t len);
/* Id of s when present, else EM_STR_NONE. */
em_str em_strtab_find(const em_strtab *t, const char *s, size_t len);
/* NUL-terminated text of id (embedded NULs possible: see len). */
const char *em_strtab_str(const em_strtab *t, em_str id);
size_t em_strtab_len(const em_strtab *t, em_str id);
uint32_t em_strtab_count(const em_strtab *t);
size_t em_strtab_bytes(const em_strtab *t);

#endif

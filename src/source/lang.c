/* lang.c - Java class name -> source file, Python standard library
 * detection. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "source/lang.h"
#include "source/path.h"

char *em_java_path(const char *func)
{
	const char *last = strrchr(func, '/');
	size_t cut, len;
	char *out;

	last = last ? last + 1 : func;
	cut = strcspn(last, ".$");
	len = last[cut] != '\0' && cut > 0 ? (size_t)(last - func) + cut : strlen(func);
	out = malloc(len + 6);
	if (out == NULL)
		return NULL;
	memcpy(out, func, len);
	memcpy(out + len, ".java", 6);
	return out;
}

/* "pythonD+.D{1,2}/" at s: the length of the match, 0 when none; the
 * version is s[6 .. len-1). */
static size_t python_dir(const char *s)
{
	size_t n = 6, a = 0, b = 0;

	if (strncmp(s, "python", 6) != 0)
		return 0;
	while (isdigit((unsigned char)s[n + a]))
		a++;
	if (a == 0 || s[n + a] != '.')
		return 0;
	n += a + 1;
	while (b < 2 && isdigit((unsigned char)s[n + b]))
		b++;
	if (b == 0 || s[n + b] != '/')
		return 0;
	return n + b + 1;
}

int em_python_stdlib(const char *path, char **rel, char **version)
{
	const char *s, *best = NULL;
	size_t best_len = 0;

	*rel = *version = NULL;
	for (s = strstr(path, "python"); s != NULL; ) {
		size_t n = python_dir(s);

		if (n > 0) {
			best = s;
			best_len = n;
			s = strstr(s + n, "python");
		} else {
			s = strstr(s + 1, "python");
		}
	}
	if (best == NULL || best[best_len] == '\0')
		return 0;
	if (em_has_prefix(best + best_len, "site-packages/") ||
	    em_has_prefix(best + best_len, "dist-packages/"))
		return 0;
	*version = em_strndup(best + 6, best_len - 7);
	*rel = em_strdup(best + best_len);
	if (*version == NULL || *rel == NULL) {
		free(*version);
		free(*rel);
		*rel = *version = NULL;
		return -1;
	}
	return 1;
}

/* config.c - reading config.yaml with libyaml: the viewer's keys are
 * scalars at the top level; the nested sections other parts read
 * (servers:, github:) are skipped; anything else is an error with a line
 * number. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config.h"

#define CONFIG_MAX_BYTES (256 * 1024)

int em_config_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int r;

	if (xdg != NULL && *xdg == '/')
		r = snprintf(buf, n, "%s/embers/config.yaml", xdg);
	else if (home != NULL && *home != '\0')
		r = snprintf(buf, n, "%s/.config/embers/config.yaml", home);
	else
		return -1;
	return r > 0 && (size_t)r < n ? 0 : -1;
}

static int set_key(struct em_config *c, const char *key, const char *val, size_t vlen)
{
	if (strcmp(key, "theme") == 0) {
		if (vlen == 0 || vlen >= sizeof(c->theme))
			return -1;
		memcpy(c->theme, val, vlen);
		c->theme[vlen] = '\0';
	}
	return 0; /* unknown keys: ignored */
}

int em_config_parse(struct em_config *c, const char *name, const char *text, size_t len,
    em_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	char key[64] = "";
	int depth = 0, have_key = 0, r = 0, done = 0;
	int skip = 0; /* depth of a nested value being skipped */

	memset(c, 0, sizeof(*c));
	if (!yaml_parser_initialize(&parser))
		return em_error_set(err, "'%s': out of memory", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			r = em_error_set(err, "'%s': line %lu: %s", name,
			    (unsigned long)parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "bad YAML");
			break;
		}
		if (skip > 0) {
			/* the nested value of a key read elsewhere (servers:,
			 * github:): not ours */
			if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT)
				skip++;
			else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT)
				skip--;
			yaml_event_delete(&ev);
			continue;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth == 1 && have_key && strcmp(key, "theme") != 0) {
				skip = 1;
				have_key = 0;
			} else if (ev.type == YAML_SEQUENCE_START_EVENT) {
				r = em_error_set(err, "'%s': line %lu: a list is not a setting", name,
				    (unsigned long)ev.start_mark.line + 1);
			} else if (++depth > 1) {
				r = em_error_set(err, "'%s': line %lu: nested mappings are not used", name,
				    (unsigned long)ev.start_mark.line + 1);
			}
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			if (depth != 1) {
				r = em_error_set(err, "'%s': expected 'key: value' lines", name);
			} else if (!have_key) {
				snprintf(key, sizeof(key), "%s", (const char *)ev.data.scalar.value);
				have_key = 1;
			} else {
				if (set_key(c, key, (const char *)ev.data.scalar.value,
				    ev.data.scalar.length) < 0)
					r = em_error_set(err, "'%s': line %lu: bad value for '%s'", name,
					    (unsigned long)ev.start_mark.line + 1, key);
				have_key = 0;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (r < 0)
			break;
	}
	yaml_parser_delete(&parser);
	return r;
}

int em_config_load(struct em_config *c, const char *path, em_error *err)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t len;
	int r;

	memset(c, 0, sizeof(*c));
	if (f == NULL)
		return errno == ENOENT ? 0 : em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
	text = malloc(CONFIG_MAX_BYTES + 1);
	if (text == NULL) {
		fclose(f);
		return em_error_set(err, "'%s': out of memory", path);
	}
	len = fread(text, 1, CONFIG_MAX_BYTES + 1, f);
	r = ferror(f);
	fclose(f);
	if (r)
		r = em_error_set(err, "'%s': read error", path);
	else if (len > CONFIG_MAX_BYTES)
		r = em_error_set(err, "'%s': file too large", path);
	else
		r = em_config_parse(c, path, text, len, err);
	free(text);
	return r;
}

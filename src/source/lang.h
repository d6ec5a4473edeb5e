/* lang.h - the Java and Python rules (Pyroscope's find_java.go and
 * find_python.go). No I/O; returned strings are malloc'd. */
#ifndef EMBERS_SOURCE_LANG_H
#define EMBERS_SOURCE_LANG_H

/* org/example/App$Inner.run -> org/example/App.java: the last element is
 * cut at its first '.' or '$' (when that is not its first byte). */
char *em_java_path(const char *func);

/* The Python standard library: the last "pythonX.Y/" in path gives the
 * version (the ref in python/cpython) and *rel the file under Lib/.
 * 1 found, 0 not, -1 OOM. Files under site-packages/ or dist-packages/
 * are third-party code and do not count (Pyroscope sends them to
 * python/cpython, where they cannot be). */
int em_python_stdlib(const char *path, char **rel, char **version);

#endif

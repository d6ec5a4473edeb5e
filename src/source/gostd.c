/* gostd.c - the Go standard library's package directories, to tell a
 * standard library file without a version in its path ("fmt/print.go",
 * "/usr/local/go/src/net/http/server.go") from user code.
 *
 * The list is the union of `go list std` of Go 1.19 (which still has
 * runtime/internal/... and crypto/internal/nistec) and the packages
 * pkg.go.dev/std lists for current Go (internal/runtime/..., iter, unique,
 * crypto/internal/fips140/...), so paths from old and new toolchains both
 * count. Pyroscope keeps only the current list; the old directories are
 * an addition. Sorted bytewise for bsearch. */
#include <stdlib.h>
#include <string.h>

#include "source/golang.h"

static const char *const std_packages[] = {
	"archive/tar", "archive/zip", "bufio", "builtin", "bytes", "cmp",
	"compress/bzip2", "compress/flate", "compress/gzip", "compress/lzw",
	"compress/zlib", "container/heap", "container/list", "container/ring",
	"context", "crypto", "crypto/aes", "crypto/cipher", "crypto/des",
	"crypto/dsa", "crypto/ecdh", "crypto/ecdsa", "crypto/ed25519",
	"crypto/elliptic", "crypto/fips140", "crypto/hkdf", "crypto/hmac",
	"crypto/hpke", "crypto/internal/boring", "crypto/internal/boring/bbig",
	"crypto/internal/boring/bcache", "crypto/internal/boring/sig",
	"crypto/internal/constanttime", "crypto/internal/cryptotest",
	"crypto/internal/edwards25519", "crypto/internal/edwards25519/field",
	"crypto/internal/entropy", "crypto/internal/entropy/v1.0.0",
	"crypto/internal/fips140", "crypto/internal/fips140/aes",
	"crypto/internal/fips140/aes/gcm", "crypto/internal/fips140/alias",
	"crypto/internal/fips140/bigmod", "crypto/internal/fips140/check",
	"crypto/internal/fips140/check/checktest", "crypto/internal/fips140/drbg",
	"crypto/internal/fips140/ecdh", "crypto/internal/fips140/ecdsa",
	"crypto/internal/fips140/ed25519", "crypto/internal/fips140/edwards25519",
	"crypto/internal/fips140/edwards25519/field",
	"crypto/internal/fips140/hkdf", "crypto/internal/fips140/hmac",
	"crypto/internal/fips140/mldsa", "crypto/internal/fips140/mlkem",
	"crypto/internal/fips140/nistec", "crypto/internal/fips140/nistec/fiat",
	"crypto/internal/fips140/pbkdf2", "crypto/internal/fips140/rsa",
	"crypto/internal/fips140/sha256", "crypto/internal/fips140/sha3",
	"crypto/internal/fips140/sha512", "crypto/internal/fips140/ssh",
	"crypto/internal/fips140/subtle", "crypto/internal/fips140/tls12",
	"crypto/internal/fips140/tls13", "crypto/internal/fips140cache",
	"crypto/internal/fips140deps", "crypto/internal/fips140deps/byteorder",
	"crypto/internal/fips140deps/cpu", "crypto/internal/fips140deps/godebug",
	"crypto/internal/fips140deps/time", "crypto/internal/fips140hash",
	"crypto/internal/fips140only", "crypto/internal/impl",
	"crypto/internal/nistec", "crypto/internal/nistec/fiat",
	"crypto/internal/rand", "crypto/internal/randutil",
	"crypto/internal/subtle", "crypto/internal/sysrand",
	"crypto/internal/sysrand/internal/seccomp", "crypto/md5", "crypto/mlkem",
	"crypto/mlkem/mlkemtest", "crypto/pbkdf2", "crypto/rand", "crypto/rc4",
	"crypto/rsa", "crypto/sha1", "crypto/sha256", "crypto/sha3",
	"crypto/sha512", "crypto/subtle", "crypto/tls",
	"crypto/tls/internal/fips140tls", "crypto/x509",
	"crypto/x509/internal/macos", "crypto/x509/pkix", "database/sql",
	"database/sql/driver", "debug/buildinfo", "debug/dwarf", "debug/elf",
	"debug/gosym", "debug/macho", "debug/pe", "debug/plan9obj", "embed",
	"embed/internal/embedtest", "encoding", "encoding/ascii85", "encoding/asn1",
	"encoding/base32", "encoding/base64", "encoding/binary", "encoding/csv",
	"encoding/gob", "encoding/hex", "encoding/json", "encoding/json/jsontext",
	"encoding/json/v2", "encoding/pem", "encoding/xml", "errors", "expvar",
	"flag", "fmt", "go/ast", "go/build", "go/build/constraint", "go/constant",
	"go/doc", "go/doc/comment", "go/format", "go/importer",
	"go/internal/gccgoimporter", "go/internal/gcimporter",
	"go/internal/scannerhooks", "go/internal/srcimporter",
	"go/internal/typeparams", "go/parser", "go/printer", "go/scanner",
	"go/token", "go/types", "go/version", "hash", "hash/adler32", "hash/crc32",
	"hash/crc64", "hash/fnv", "hash/maphash", "html", "html/template", "image",
	"image/color", "image/color/palette", "image/draw", "image/gif",
	"image/internal/imageutil", "image/jpeg", "image/png", "index/suffixarray",
	"internal/abi", "internal/asan", "internal/bisect", "internal/buildcfg",
	"internal/bytealg", "internal/byteorder", "internal/cfg",
	"internal/cgrouptest", "internal/chacha8rand", "internal/coverage",
	"internal/coverage/calloc", "internal/coverage/cfile",
	"internal/coverage/cformat", "internal/coverage/cmerge",
	"internal/coverage/decodecounter", "internal/coverage/decodemeta",
	"internal/coverage/encodecounter", "internal/coverage/encodemeta",
	"internal/coverage/pods", "internal/coverage/rtcov",
	"internal/coverage/slicereader", "internal/coverage/slicewriter",
	"internal/coverage/stringtab", "internal/coverage/uleb128", "internal/cpu",
	"internal/dag", "internal/diff", "internal/exportdata",
	"internal/filepathlite", "internal/fmtsort", "internal/fuzz",
	"internal/goarch", "internal/godebug", "internal/godebugs",
	"internal/goexperiment", "internal/goos", "internal/goroot",
	"internal/gover", "internal/goversion", "internal/intern", "internal/itoa",
	"internal/lazyregexp", "internal/lazytemplate", "internal/msan",
	"internal/nettrace", "internal/obscuretestdata", "internal/oserror",
	"internal/pkgbits", "internal/platform", "internal/poll",
	"internal/profile", "internal/profilerecord", "internal/race",
	"internal/reflectlite", "internal/routebsd", "internal/runtime/atomic",
	"internal/runtime/cgobench", "internal/runtime/cgroup",
	"internal/runtime/exithook", "internal/runtime/gc",
	"internal/runtime/gc/internal/gen", "internal/runtime/gc/scan",
	"internal/runtime/maps", "internal/runtime/math",
	"internal/runtime/pprof/label", "internal/runtime/startlinetest",
	"internal/runtime/sys", "internal/runtime/syscall/linux",
	"internal/runtime/syscall/windows", "internal/safefilepath",
	"internal/saferio", "internal/singleflight", "internal/strconv",
	"internal/stringslite", "internal/sync", "internal/synctest",
	"internal/syscall/execenv", "internal/syscall/unix",
	"internal/syscall/windows", "internal/syscall/windows/registry",
	"internal/syscall/windows/sysdll", "internal/sysinfo", "internal/syslist",
	"internal/testenv", "internal/testhash", "internal/testlog",
	"internal/testpty", "internal/trace", "internal/trace/internal/testgen",
	"internal/trace/internal/tracev1", "internal/trace/raw",
	"internal/trace/testtrace", "internal/trace/tracev2",
	"internal/trace/traceviewer", "internal/trace/traceviewer/format",
	"internal/trace/version", "internal/txtar", "internal/types/errors",
	"internal/unsafeheader", "internal/xcoff", "internal/zstd", "io", "io/fs",
	"io/ioutil", "iter", "log", "log/internal", "log/slog", "log/slog/internal",
	"log/slog/internal/benchmarks", "log/slog/internal/buffer", "log/syslog",
	"maps", "math", "math/big", "math/big/internal/asmgen", "math/bits",
	"math/cmplx", "math/rand", "math/rand/v2", "mime", "mime/multipart",
	"mime/quotedprintable", "net", "net/http", "net/http/cgi",
	"net/http/cookiejar", "net/http/fcgi", "net/http/httptest",
	"net/http/httptrace", "net/http/httputil", "net/http/internal",
	"net/http/internal/ascii", "net/http/internal/httpcommon",
	"net/http/internal/testcert", "net/http/pprof", "net/internal/cgotest",
	"net/internal/socktest", "net/mail", "net/netip", "net/rpc",
	"net/rpc/jsonrpc", "net/smtp", "net/textproto", "net/url", "os", "os/exec",
	"os/exec/internal/fdtest", "os/signal", "os/signal/internal/pty", "os/user",
	"path", "path/filepath", "plugin", "reflect", "reflect/internal/example1",
	"reflect/internal/example2", "regexp", "regexp/syntax", "runtime",
	"runtime/cgo", "runtime/coverage", "runtime/debug",
	"runtime/internal/atomic", "runtime/internal/math", "runtime/internal/sys",
	"runtime/internal/syscall", "runtime/metrics", "runtime/pprof",
	"runtime/race", "runtime/race/internal/amd64v1", "runtime/secret",
	"runtime/trace", "simd/archsimd", "slices", "sort", "strconv", "strings",
	"structs", "sync", "sync/atomic", "syscall", "syscall/js", "testing",
	"testing/cryptotest", "testing/fstest", "testing/internal/testdeps",
	"testing/iotest", "testing/quick", "testing/slogtest", "testing/synctest",
	"text/scanner", "text/tabwriter", "text/template", "text/template/parse",
	"time", "time/tzdata", "unicode", "unicode/utf16", "unicode/utf8", "unique",
	"unsafe", "vendor/golang.org/x/crypto/chacha20",
	"vendor/golang.org/x/crypto/chacha20poly1305",
	"vendor/golang.org/x/crypto/cryptobyte",
	"vendor/golang.org/x/crypto/cryptobyte/asn1",
	"vendor/golang.org/x/crypto/curve25519",
	"vendor/golang.org/x/crypto/curve25519/internal/field",
	"vendor/golang.org/x/crypto/hkdf",
	"vendor/golang.org/x/crypto/internal/poly1305",
	"vendor/golang.org/x/crypto/internal/subtle",
	"vendor/golang.org/x/net/dns/dnsmessage",
	"vendor/golang.org/x/net/http/httpguts",
	"vendor/golang.org/x/net/http/httpproxy",
	"vendor/golang.org/x/net/http2/hpack", "vendor/golang.org/x/net/idna",
	"vendor/golang.org/x/net/nettest", "vendor/golang.org/x/sys/cpu",
	"vendor/golang.org/x/text/secure/bidirule",
	"vendor/golang.org/x/text/transform",
	"vendor/golang.org/x/text/unicode/bidi",
	"vendor/golang.org/x/text/unicode/norm", "weak",
};

struct key {
	const char *s;
	size_t n;
};

static int cmp_pkg(const void *k, const void *e)
{
	const struct key *key = k;
	const char *name = *(const char *const *)e;
	size_t ln = strlen(name);
	int c = memcmp(key->s, name, key->n < ln ? key->n : ln);

	return c ? c : (key->n > ln) - (key->n < ln);
}

int em_go_std_package(const char *dir, size_t len)
{
	struct key k = { dir, len };

	return bsearch(&k, std_packages, sizeof(std_packages) / sizeof(std_packages[0]),
	    sizeof(std_packages[0]), cmp_pkg) != NULL;
}

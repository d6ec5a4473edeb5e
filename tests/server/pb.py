"""pb.py - protobuf binary and Connect JSON (protojson) codecs for the few
Pyroscope messages the fake server and its tests need (stdlib only).

Messages are plain dicts keyed by the proto field names; repeated fields
are lists, nested messages are dicts. One schema table drives both codecs,
so the binary and the JSON form of a message always agree. Field numbers,
types and JSON names follow api/querier/v1/querier.proto, api/types/v1/
types.proto and api/google/v1/profile.proto of grafana/pyroscope (see
../../proto/querier.proto, which the C client is generated from).
"""
import base64
import math
import struct

# (number, name, type, repeated, json name or None = lowerCamel of name)
# type: a scalar name or the name of another message in SCHEMA
SCHEMA = {
    # ---- types.v1
    "LabelPair": [(1, "name", "string", 0, None), (2, "value", "string", 0, None)],
    "ProfileType": [(1, "ID", "string", 0, "ID"), (2, "name", "string", 0, None),
                    (4, "sample_type", "string", 0, None),
                    (5, "sample_unit", "string", 0, None),
                    (6, "period_type", "string", 0, None),
                    (7, "period_unit", "string", 0, None)],
    "Labels": [(1, "labels", "LabelPair", 1, None)],
    "Series": [(1, "labels", "LabelPair", 1, None), (2, "points", "Point", 1, None)],
    "Point": [(1, "value", "double", 0, None), (2, "timestamp", "int64", 0, None),
              (3, "annotations", "ProfileAnnotation", 1, None)],
    "ProfileAnnotation": [(1, "key", "string", 0, None), (2, "value", "string", 0, None)],
    "LabelValuesRequest": [(1, "name", "string", 0, None),
                           (2, "matchers", "string", 1, None),
                           (3, "start", "int64", 0, None), (4, "end", "int64", 0, None)],
    "LabelValuesResponse": [(1, "names", "string", 1, None)],
    "LabelNamesRequest": [(1, "matchers", "string", 1, None),
                          (2, "start", "int64", 0, None), (3, "end", "int64", 0, None)],
    "LabelNamesResponse": [(1, "names", "string", 1, None)],
    "StackTraceSelector": [(1, "call_site", "SelectorLocation", 1, None),
                           (2, "go_pgo", "GoPGO", 0, None)],
    "SelectorLocation": [(1, "name", "string", 0, None)],
    "GoPGO": [(1, "keep_locations", "uint32", 0, None),
              (2, "aggregate_callees", "bool", 0, None)],
    "GetProfileStatsRequest": [],
    "GetProfileStatsResponse": [(1, "data_ingested", "bool", 0, None),
                                (2, "oldest_profile_time", "int64", 0, None),
                                (3, "newest_profile_time", "int64", 0, None)],
    # ---- querier.v1
    "ProfileTypesRequest": [(1, "start", "int64", 0, None), (2, "end", "int64", 0, None)],
    "ProfileTypesResponse": [(1, "profile_types", "ProfileType", 1, None)],
    "SeriesRequest": [(1, "matchers", "string", 1, None),
                      (2, "label_names", "string", 1, None),
                      (3, "start", "int64", 0, None), (4, "end", "int64", 0, None)],
    "SeriesResponse": [(2, "labels_set", "Labels", 1, None)],
    "SelectMergeStacktracesRequest": [
        (1, "profile_typeID", "string", 0, "profileTypeID"),
        (2, "label_selector", "string", 0, None),
        (3, "start", "int64", 0, None), (4, "end", "int64", 0, None),
        (5, "max_nodes", "int64", 0, None), (6, "format", "enum:ProfileFormat", 0, None),
        (7, "stack_trace_selector", "StackTraceSelector", 0, None),
        (8, "profile_id_selector", "string", 1, None)],
    "SelectMergeStacktracesResponse": [
        (1, "flamegraph", "FlameGraph", 0, None), (2, "tree", "bytes", 0, None),
        (3, "dot", "string", 0, None), (5, "pprof", "PprofProfile", 0, None)],
    "PprofProfile": [(1, "profile", "Profile", 0, None)],
    "DiffRequest": [(1, "left", "SelectMergeStacktracesRequest", 0, None),
                    (2, "right", "SelectMergeStacktracesRequest", 0, None)],
    "DiffResponse": [(1, "flamegraph", "FlameGraphDiff", 0, None)],
    "FlameGraph": [(1, "names", "string", 1, None), (2, "levels", "Level", 1, None),
                   (3, "total", "int64", 0, None), (4, "max_self", "int64", 0, None)],
    "FlameGraphDiff": [(1, "names", "string", 1, None), (2, "levels", "Level", 1, None),
                       (3, "total", "int64", 0, None), (4, "max_self", "int64", 0, None),
                       (5, "leftTicks", "int64", 0, "leftTicks"),
                       (6, "rightTicks", "int64", 0, "rightTicks")],
    "Level": [(1, "values", "int64", 1, None)],
    "SelectMergeProfileRequest": [
        (1, "profile_typeID", "string", 0, "profileTypeID"),
        (2, "label_selector", "string", 0, None),
        (3, "start", "int64", 0, None), (4, "end", "int64", 0, None),
        (5, "max_nodes", "int64", 0, None),
        (6, "stack_trace_selector", "StackTraceSelector", 0, None),
        (7, "profile_id_selector", "string", 1, None)],
    "SelectSeriesRequest": [
        (1, "profile_typeID", "string", 0, "profileTypeID"),
        (2, "label_selector", "string", 0, None),
        (3, "start", "int64", 0, None), (4, "end", "int64", 0, None),
        (5, "group_by", "string", 1, None), (6, "step", "double", 0, None),
        (7, "aggregation", "enum:TimeSeriesAggregationType", 0, None),
        (8, "stack_trace_selector", "StackTraceSelector", 0, None),
        (9, "limit", "int64", 0, None), (10, "exemplar_type", "enum:ExemplarType", 0, None)],
    "SelectSeriesResponse": [(1, "series", "Series", 1, None)],
    "VersionRequest": [],
    "VersionResponse": [(1, "QuerierAPI", "uint64", 0, "QuerierAPI")],
    # ---- google.v1 (pprof)
    "Profile": [(1, "sample_type", "ValueType", 1, None), (2, "sample", "Sample", 1, None),
                (3, "mapping", "Mapping", 1, None), (4, "location", "Location", 1, None),
                (5, "function", "Function", 1, None), (6, "string_table", "string", 1, None),
                (7, "drop_frames", "int64", 0, None), (8, "keep_frames", "int64", 0, None),
                (9, "time_nanos", "int64", 0, None), (10, "duration_nanos", "int64", 0, None),
                (11, "period_type", "ValueType", 0, None), (12, "period", "int64", 0, None),
                (13, "comment", "int64", 1, None),
                (14, "default_sample_type", "int64", 0, None)],
    "ValueType": [(1, "type", "int64", 0, None), (2, "unit", "int64", 0, None)],
    "Sample": [(1, "location_id", "uint64", 1, None), (2, "value", "int64", 1, None),
               (3, "label", "Label", 1, None)],
    "Label": [(1, "key", "int64", 0, None), (2, "str", "int64", 0, None),
              (3, "num", "int64", 0, None), (4, "num_unit", "int64", 0, None)],
    "Mapping": [(1, "id", "uint64", 0, None), (2, "memory_start", "uint64", 0, None),
                (3, "memory_limit", "uint64", 0, None), (4, "file_offset", "uint64", 0, None),
                (5, "filename", "int64", 0, None), (6, "build_id", "int64", 0, None),
                (7, "has_functions", "bool", 0, None), (8, "has_filenames", "bool", 0, None),
                (9, "has_line_numbers", "bool", 0, None),
                (10, "has_inline_frames", "bool", 0, None)],
    "Location": [(1, "id", "uint64", 0, None), (2, "mapping_id", "uint64", 0, None),
                 (3, "address", "uint64", 0, None), (4, "line", "Line", 1, None),
                 (5, "is_folded", "bool", 0, None)],
    "Line": [(1, "function_id", "uint64", 0, None), (2, "line", "int64", 0, None)],
    "Function": [(1, "id", "uint64", 0, None), (2, "name", "int64", 0, None),
                 (3, "system_name", "int64", 0, None), (4, "filename", "int64", 0, None),
                 (5, "start_line", "int64", 0, None)],
}

ENUMS = {
    "ProfileFormat": ["PROFILE_FORMAT_UNSPECIFIED", "PROFILE_FORMAT_FLAMEGRAPH",
                      "PROFILE_FORMAT_TREE", "PROFILE_FORMAT_DOT", "PROFILE_FORMAT_PPROF"],
    "TimeSeriesAggregationType": ["TIME_SERIES_AGGREGATION_TYPE_SUM",
                                  "TIME_SERIES_AGGREGATION_TYPE_AVERAGE"],
    "ExemplarType": ["EXEMPLAR_TYPE_UNSPECIFIED", "EXEMPLAR_TYPE_NONE",
                     "EXEMPLAR_TYPE_INDIVIDUAL", "EXEMPLAR_TYPE_SPAN"],
}

VARINT = {"int64", "uint64", "int32", "uint32", "bool"}


class DecodeError(ValueError):
    pass


def _camel(name):
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def _fields(msg):
    return [(num, name, typ, rep, js or _camel(name))
            for num, name, typ, rep, js in SCHEMA[msg]]


def default(typ):
    if typ in ("string",):
        return ""
    if typ == "bytes":
        return b""
    if typ == "double":
        return 0.0
    if typ == "bool":
        return False
    if typ in VARINT or typ.startswith("enum:"):
        return 0
    return None


# ---- binary --------------------------------------------------------------

def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7f) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def read_varint(buf, i):
    shift = 0
    v = 0
    while True:
        if i >= len(buf):
            raise DecodeError("truncated varint")
        b = buf[i]
        i += 1
        v |= (b & 0x7f) << shift
        if b < 0x80:
            return v, i
        shift += 7
        if shift >= 70:
            raise DecodeError("varint too long")


def iter_fields(buf):
    """(number, wire type, value) for each field; value is an int or bytes."""
    i = 0
    n = len(buf)
    while i < n:
        key, i = read_varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = read_varint(buf, i)
        elif wt == 1:
            if i + 8 > n:
                raise DecodeError("truncated fixed64")
            v = buf[i:i + 8]
            i += 8
        elif wt == 2:
            ln, i = read_varint(buf, i)
            if i + ln > n:
                raise DecodeError("truncated field")
            v = buf[i:i + ln]
            i += ln
        elif wt == 5:
            if i + 4 > n:
                raise DecodeError("truncated fixed32")
            v = buf[i:i + 4]
            i += 4
        else:
            raise DecodeError("bad wire type %d" % wt)
        yield num, wt, v


def _signed(v, typ):
    if typ in ("int64", "int32") and v >= 1 << 63:
        return v - (1 << 64)
    return v


def _scalar_from_wire(typ, wt, v):
    if typ == "string":
        if wt != 2:
            raise DecodeError("string with wire type %d" % wt)
        return bytes(v).decode("utf-8", "surrogateescape")
    if typ == "bytes":
        return bytes(v)
    if typ == "double":
        if wt != 1:
            raise DecodeError("double with wire type %d" % wt)
        return struct.unpack("<d", bytes(v))[0]
    if typ == "bool":
        return bool(v)
    return _signed(v, typ)


def decode(msg, buf):
    """Bytes into a dict of msg (unknown fields skipped, both packed and
    unpacked repeated scalars accepted)."""
    by_num = {f[0]: f for f in _fields(msg)}
    out = {}
    for num, wt, v in iter_fields(memoryview(buf)):
        f = by_num.get(num)
        if f is None:
            continue
        _, name, typ, rep, _ = f
        if typ in SCHEMA:
            if wt != 2:
                raise DecodeError("message field %s with wire type %d" % (name, wt))
            val = decode(typ, bytes(v))
            if rep:
                out.setdefault(name, []).append(val)
            else:
                out[name] = val
            continue
        if rep and wt == 2 and typ not in ("string", "bytes"):
            items = out.setdefault(name, [])
            j = 0
            raw = bytes(v)
            if typ == "double":
                items.extend(struct.unpack("<%dd" % (len(raw) // 8), raw))
                continue
            while j < len(raw):
                x, j = read_varint(raw, j)
                items.append(_signed(x, typ) if typ != "bool" else bool(x))
            continue
        val = _scalar_from_wire(typ, wt, v)
        if rep:
            out.setdefault(name, []).append(val)
        else:
            out[name] = val
    return out


def _key(num, wt):
    return varint((num << 3) | wt)


def _ld(num, payload):
    return _key(num, 2) + varint(len(payload)) + payload


def encode(msg, d):
    """A dict into bytes (defaults omitted, repeated scalars packed)."""
    out = bytearray()
    for num, name, typ, rep, _ in _fields(msg):
        if name not in d:
            continue
        v = d[name]
        if typ in SCHEMA:
            if rep:
                for item in v:
                    out += _ld(num, encode(typ, item))
            elif v is not None:
                out += _ld(num, encode(typ, v))
            continue
        if rep:
            if not v:
                continue
            if typ == "string":
                for s in v:
                    out += _ld(num, s.encode("utf-8", "surrogateescape"))
            elif typ == "bytes":
                for s in v:
                    out += _ld(num, s)
            elif typ == "double":
                out += _ld(num, struct.pack("<%dd" % len(v), *v))
            else:
                out += _ld(num, b"".join(varint(int(x)) for x in v))
            continue
        if v == default(typ) or v is None:
            continue
        if typ == "string":
            out += _ld(num, v.encode("utf-8", "surrogateescape"))
        elif typ == "bytes":
            out += _ld(num, v)
        elif typ == "double":
            out += _key(num, 1) + struct.pack("<d", v)
        else:
            out += _key(num, 0) + varint(int(v))
    return bytes(out)


# ---- protojson -------------------------------------------------------------

def _json_scalar(typ, v):
    if typ in ("int64", "uint64"):
        return str(int(v))  # 64-bit integers are JSON strings
    if typ.startswith("enum:"):
        names = ENUMS[typ[5:]]
        return names[v] if 0 <= v < len(names) else v
    if typ == "bytes":
        return base64.b64encode(v).decode("ascii")
    if typ == "double":
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    return v


def to_json(msg, d):
    """A dict into a protojson object (defaults omitted)."""
    out = {}
    for _, name, typ, rep, js in _fields(msg):
        if name not in d:
            continue
        v = d[name]
        if typ in SCHEMA:
            if rep:
                if v:
                    out[js] = [to_json(typ, x) for x in v]
            elif v is not None:
                out[js] = to_json(typ, v)
            continue
        if rep:
            if v:
                out[js] = [_json_scalar(typ, x) for x in v]
            continue
        if v is None or v == default(typ):
            continue
        out[js] = _json_scalar(typ, v)
    return out


def _from_json_scalar(typ, v, name):
    try:
        if typ == "string":
            if not isinstance(v, str):
                raise TypeError
            return v
        if typ == "bytes":
            return base64.b64decode(v + "=" * (-len(v) % 4))
        if typ == "bool":
            if not isinstance(v, bool):
                raise TypeError
            return v
        if typ == "double":
            if isinstance(v, str):
                return float(v)
            return float(v)
        if typ.startswith("enum:"):
            names = ENUMS[typ[5:]]
            if isinstance(v, str):
                return names.index(v)
            return int(v)
        if isinstance(v, bool) or isinstance(v, float) and v != int(v):
            raise TypeError
        return int(v)  # int64 as number or string
    except (TypeError, ValueError):
        raise DecodeError("invalid value for field %s" % name)


def from_json(msg, obj):
    """A protojson object into a dict; unknown keys are ignored, both the
    JSON name and the proto name are accepted."""
    if not isinstance(obj, dict):
        raise DecodeError("expected a JSON object for %s" % msg)
    out = {}
    for _, name, typ, rep, js in _fields(msg):
        key = js if js in obj else name if name in obj else None
        if key is None or obj[key] is None:
            continue
        v = obj[key]
        if rep:
            if not isinstance(v, list):
                raise DecodeError("field %s must be a list" % name)
            out[name] = [from_json(typ, x) if typ in SCHEMA
                         else _from_json_scalar(typ, x, name) for x in v]
        elif typ in SCHEMA:
            out[name] = from_json(typ, v)
        else:
            out[name] = _from_json_scalar(typ, v, name)
    return out


def get(d, name, msg):
    """Field value or its default."""
    if name in d:
        return d[name]
    for _, fname, typ, rep, _ in _fields(msg):
        if fname == name:
            return [] if rep else default(typ)
    raise KeyError(name)

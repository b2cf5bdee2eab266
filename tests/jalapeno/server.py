#!/usr/bin/env python3
"""A Jalapeño-compatible API server for tests and benchmarks.

Standard library only (runs under any python3), listens on 127.0.0.1 only, and
serves one graph collection from a topology JSON file with the response shapes
of cisco-open/jalapeno's API (../../../shared/jalapeno-api.md):

  GET /api/v1/graphs/{c}/shortest_path/load        load-weighted shortest path;
                                                   adds 10 to `load` on its edges
  GET /api/v1/graphs/{c}/shortest_path/best-paths  up to `limit` paths by hop count
  GET /api/v1/graphs/{c}/shortest_path/next-best-path
  GET /api/v1/graphs/{c}/topology[?include_all_fields=false]
  GET /api/v1/graphs/{c}                           404 for an unknown collection

Quirks kept on purpose: an unknown collection answers 500 {"detail":""}; a bad
load direction answers 500 {"detail":""}; found:false comes with HTTP 200; FastAPI's
422 with a `detail` array for missing or non-integer parameters; 404
{"detail":"Not Found"} for unknown paths; srv6_data as process_path_data builds it
(including its {"error":...} form). Loads: an edge's weight is its `load`, 1 when
missing or null, 0 when 0; ties go to fewer hops, then to edge order in the file.
Unlike the real server, one load call is atomic (no lost increments).

Test control (not part of the API), GET or POST with query parameters:
  /_test/fault?mode=M[&endpoint=E][&destination=V][&times=N][...]
      fail matching API requests. endpoint: load, best-paths, next-best-path,
      topology or * (default); destination: a vertex id (default: any).
      mode=status  status=S (default 500) body=B (default {"detail":""})
      mode=garbage answer 200 with bytes that are neither JSON nor UTF-8
      mode=truncate answer 200 announcing the full length, send half, close
      mode=close   close the connection without answering
      mode=delay   seconds=S, then answer normally
      mode=huge    answer 200 with bytes=N bytes of a JSON string (default 64 MiB)
      times=N: only the next N matching requests (default: all)
  /_test/clear   drop every fault
  /_test/reset   loads back to the file's, faults dropped, counters zeroed
  /_test/stats   {"requests": {endpoint: count}, "load_applied": n, "faults_hit": n}
  /_test/answers [{endpoint, source, destination, sid_lists}] for every path
                 answer given (load and best-paths), in order
  /_test/edges   {"_key": load} for every edge (what load calls did)
  /_test/stop    shut the server down

Usage:
  server.py TOPOLOGY.json [--port N] [--port-file F] [--collection C]
            [--delay-ms MS] [--serial] [--fault SPEC]... [--tls-cert F --tls-key F]
            [--netns NAME]...
Prints "listening on http://127.0.0.1:PORT/api/v1" once it accepts connections;
--port 0 (the default) picks a free port, written to --port-file when given.
--delay-ms adds a fixed service time to every API request (a stand-in for the
database round trips a real Jalapeño makes; benchmarks say which they use).
--serial answers one API request at a time (delay included), as the real server
does: its handlers are `async def` but call ArangoDB synchronously, so its one
uvicorn worker blocks on each request in turn.
--fault takes the fault query string, e.g. "mode=status&status=503&times=1".
--netns NAME also listens on 127.0.0.1:PORT inside that network namespace
(root only), so hosts in test namespaces share one server and one load state.
"""

import argparse
import contextlib
import copy
import ctypes
import heapq
import json
import os
import socket
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

API = "/api/v1"
LOAD_INCREMENT = 10
PYDANTIC = "https://errors.pydantic.dev/2.4/v/"


def dumps(obj):
    """Starlette's JSONResponse rendering: compact, raw UTF-8, no NaN."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


class ApiError(Exception):
    """An HTTP error answer with FastAPI's {"detail": ...} body."""

    def __init__(self, status, detail):
        super().__init__(status)
        self.status = status
        self.detail = detail


# --- parameters, validated as FastAPI does --------------------------------------------

def params(query, spec):
    """spec: [(name, kind, default)], kind "str", "int" or "bool"; default None = required."""
    given = {}
    for k, v in parse_qsl(query, keep_blank_values=True):
        given[k] = v  # the last one wins, as in starlette
    out, errors = {}, []
    for name, kind, default in spec:
        if name not in given:
            if default is None:
                errors.append({"type": "missing", "loc": ["query", name], "msg": "Field required",
                               "input": None, "url": PYDANTIC + "missing"})
            out[name] = default
            continue
        raw = given[name]
        if kind == "int":
            text = raw.strip()
            digits = text[1:] if text[:1] in "+-" else text
            if not digits.isdigit() or not digits.isascii():
                errors.append({"type": "int_parsing", "loc": ["query", name],
                               "msg": "Input should be a valid integer, unable to parse string as an integer",
                               "input": raw, "url": PYDANTIC + "int_parsing"})
                continue
            out[name] = int(text)
        elif kind == "bool":
            low = raw.strip().lower()
            if low in ("1", "true", "t", "yes", "y", "on"):
                out[name] = True
            elif low in ("0", "false", "f", "no", "n", "off"):
                out[name] = False
            else:
                errors.append({"type": "bool_parsing", "loc": ["query", name],
                               "msg": "Input should be a valid boolean, unable to interpret input",
                               "input": raw, "url": PYDANTIC + "bool_parsing"})
        else:
            out[name] = raw
    if errors:
        raise ApiError(422, errors)
    return out


# --- process_path_data: how Jalapeño derives srv6_data from a path ----------------------

def srv6_data(path, algo):
    """The API's srv6_data for a path (list of {"vertex": ...}), errors included."""
    try:
        locators = []
        for node in path[1:]:  # the source's own SIDs are never used
            if "vertex" not in node or "sids" not in node["vertex"]:
                continue
            entries = node["vertex"]["sids"]
            if not isinstance(entries, list) or not entries:
                continue
            sid = None
            for entry in entries:
                if not isinstance(entry, dict):
                    continue
                if ("srv6_endpoint_behavior" in entry and "algo" in entry["srv6_endpoint_behavior"]
                        and entry["srv6_endpoint_behavior"]["algo"] == algo):
                    sid = entry.get("srv6_sid")
                    break
                if "srv6_endpoint_behavior" not in entry and sid is None:
                    sid = entry.get("srv6_sid")  # algo-agnostic, but a match later wins
            if sid:
                locators.append(sid)
        block = "fc00:0:"
        if locators:
            parts = locators[0].split(":")
            if len(parts) >= 3:
                block = "%s:%s:" % (parts[0], parts[1])
        usids = [sid.split(block)[1].split(":")[0] for sid in locators if sid and block in sid]
        return {"srv6_sid_list": locators, "srv6_usid": block + ":".join(usids) + "::",
                "usid_block": block, "algo": algo}
    except Exception as exc:  # pylint: disable=broad-except
        return {"error": str(exc), "srv6_sid_list": [], "srv6_usid": ""}


# --- the graph ------------------------------------------------------------------------

VERTEX_LOAD_KEYS = ("_id", "_key", "router_id", "ipv4_address", "ipv6_address", "prefix",
                    "prefix_len", "name", "sids")
EDGE_LOAD_KEYS = ("_id", "_key", "_from", "_to", "latency", "percent_util_out", "load")


def project(doc, keys):
    """An AQL object literal over doc: every key present, null when missing."""
    doc = doc if isinstance(doc, dict) else {}
    return {k: doc.get(k) for k in keys}


def weight(edge):
    """ArangoDB's weightAttribute 'load' with defaultWeight 1."""
    w = edge.get("load")
    if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0:
        return 1
    return w


class Graph:
    def __init__(self, topo, collection=None):
        if not isinstance(topo, dict) or not isinstance(topo.get("edges"), list) \
                or not isinstance(topo.get("vertices"), dict):
            raise ValueError("topology: need {\"edges\": [...], \"vertices\": {...}}")
        self.vertices = {}
        for vid, doc in topo["vertices"].items():
            doc = dict(doc)
            doc.setdefault("_id", vid)
            doc.setdefault("_key", vid.split("/", 1)[-1])
            self.vertices[vid] = doc
        self.edges = []
        for i, e in enumerate(topo["edges"]):
            e = dict(e)
            if "_from" not in e or "_to" not in e:
                raise ValueError("topology: edge %d has no _from/_to" % i)
            e.setdefault("_key", "%s_%s" % (e["_from"].split("/")[-1], e["_to"].split("/")[-1]))
            self.edges.append(e)
        ids = [e.get("_id", "") for e in self.edges if "/" in e.get("_id", "")]
        self.collection = collection or (ids[0].split("/")[0] if ids else "network_topology")
        for e in self.edges:
            e.setdefault("_id", "%s/%s" % (self.collection, e["_key"]))
        self.by_key = {e["_key"]: e for e in self.edges}
        if len(self.by_key) != len(self.edges):
            raise ValueError("topology: edge _key values are not unique")
        self.out, self.inn = {}, {}
        for e in self.edges:
            self.out.setdefault(e["_from"], []).append(e)
            self.inn.setdefault(e["_to"], []).append(e)
        self.initial_loads = {e["_key"]: copy.deepcopy(e.get("load", ...)) for e in self.edges}
        # Vertices with a single neighbour (hosts on one leaf) can end a simple path
        # but never be inside one: searches skip them unless they are the target.
        neighbours = {}
        for e in self.edges:
            neighbours.setdefault(e["_from"], set()).add(e["_to"])
            neighbours.setdefault(e["_to"], set()).add(e["_from"])
        self.stubs = {v for v, n in neighbours.items() if len(n) == 1}

    def reset(self):
        for key, load in self.initial_loads.items():
            e = self.by_key[key]
            if load is ...:
                e.pop("load", None)
            else:
                e["load"] = copy.deepcopy(load)

    def steps(self, v, direction):
        """(edge, next vertex) pairs leaving v in the AQL direction."""
        if direction in ("outbound", "any"):
            for e in self.out.get(v, ()):
                yield e, e["_to"]
        if direction in ("inbound", "any"):
            for e in self.inn.get(v, ()):
                yield e, e["_from"]

    def weighted_path(self, src, dst, direction):
        """Load-weighted shortest path as [(vertex id, entering edge or None)], or []."""
        if src not in self.vertices or dst not in self.vertices:
            return []
        best = {src: (0, 0)}
        prev = {src: None}
        heap = [(0, 0, 0, src)]
        seq = 0
        while heap:
            cost, hops, _, v = heapq.heappop(heap)
            if (cost, hops) != best[v]:
                continue
            if v == dst:
                break
            for e, w in self.steps(v, direction):
                if w in self.stubs and w != dst:
                    continue
                cand = (cost + weight(e), hops + 1)
                if w not in best or cand < best[w]:
                    best[w] = cand
                    prev[w] = (v, e)
                    seq += 1
                    heapq.heappush(heap, (cand[0], cand[1], seq, w))
        if dst not in best:
            return []
        path, v = [], dst
        while prev[v] is not None:
            u, e = prev[v]
            path.append((v, e))
            v = u
        path.append((src, None))
        return path[::-1]

    def distances_to(self, dst, direction):
        """Hops from every vertex to dst moving in direction."""
        back = {"outbound": "inbound", "inbound": "outbound", "any": "any"}[direction]
        dist, frontier = {dst: 0}, [dst]
        while frontier:
            nxt = []
            for v in frontier:
                for _, w in self.steps(v, back):
                    if w not in dist:
                        dist[w] = dist[v] + 1
                        nxt.append(w)
            frontier = nxt
        return dist

    def walks(self, src, dst, direction, length, limit, simple):
        """Up to limit walks of exactly `length` edges from src to dst, as
        [(vertex, edge)] lists; simple: no vertex twice, else no edge twice."""
        dist = self.distances_to(dst, direction)
        found = []
        if src not in self.vertices or src not in dist or limit <= 0:
            return found

        def extend(v, walk, used):
            if len(found) >= limit:
                return
            left = length - (len(walk) - 1)
            if left == 0:
                if v == dst:
                    found.append(list(walk))
                return
            for e, w in self.steps(v, direction):
                d = dist.get(w)
                if d is None or d > left - 1 or (w in self.stubs and w != dst):
                    continue
                key = w if simple else e["_key"]
                if key in used:
                    continue
                used.add(key)
                walk.append((w, e))
                extend(w, walk, used)
                walk.pop()
                used.discard(key)
                if len(found) >= limit:
                    return

        extend(src, [(src, None)], {src} if simple else set())
        return found

    def simple_paths_by_hops(self, src, dst, direction, limit):
        """k_shortest_paths with uniqueVertices "path", no weight: by hop count."""
        dist = self.distances_to(dst, direction)
        if src not in self.vertices or dst not in self.vertices or src not in dist:
            return []
        found = []
        for length in range(dist[src], len(self.vertices)):
            if len(found) >= limit:
                break
            found += self.walks(src, dst, direction, length, limit - len(found), True)
        return found


# --- the API handlers -----------------------------------------------------------------

class Api:
    def __init__(self, graph):
        self.g = graph
        self.lock = threading.Lock()
        self.load_applied = 0

    def check_collection(self, c):
        if c != self.g.collection:
            # HTTPException(404) caught by the handler's `except Exception` and
            # re-raised as 500 with str(exc), which is "" in starlette 0.27.
            raise ApiError(500, "")

    def load(self, c, query):
        p = params(query, [("source", "str", None), ("destination", "str", None),
                           ("direction", "str", "outbound"), ("algo", "int", 0)])
        with self.lock:
            self.check_collection(c)
            direction = p["direction"].lower()
            if direction not in ("outbound", "inbound", "any"):
                raise ApiError(500, "")
            found = self.g.weighted_path(p["source"], p["destination"], direction)
            if not found:
                return {"found": False, "message": "No path found between specified nodes"}
            algo = p["algo"]
            verts = [self.g.vertices.get(v) for v, _ in found]
            if algo == 0:
                # path[i].edge enters path[i].vertex
                path = [{"vertex": project(verts[i], VERTEX_LOAD_KEYS),
                         "edge": project(e, EDGE_LOAD_KEYS) if e else None}
                        for i, (_, e) in enumerate(found)]
            else:
                # K_SHORTEST_PATHS form: path[i].edge leaves path[i].vertex
                leaving = [e for _, e in found[1:]] + [None]
                path = [{"vertex": project(verts[i], VERTEX_LOAD_KEYS),
                         "edge": project(leaving[i], EDGE_LOAD_KEYS) if leaving[i] else None}
                        for i in range(len(found))]
            loads = [el["edge"]["load"] for el in path if el["edge"] is not None]
            numeric = [x for x in loads if isinstance(x, (int, float)) and not isinstance(x, bool)]
            average = None
            if numeric:
                average = sum(numeric) / len(numeric)
                if average == int(average) and abs(average) < 2 ** 53:
                    average = int(average)
            answer = {
                "found": True, "path": path, "hopcount": len(path) - 1,
                "vertex_count": len(path), "source_info": path[0]["vertex"],
                "destination_info": path[-1]["vertex"], "direction": p["direction"],
                "average_load": average, "algo": algo,
            }
            answer["srv6_data"] = srv6_data(path, algo)
            answer["load_data"] = self.apply_load(path)
            self.load_applied += 1
            return answer

    def apply_load(self, path):
        """process_load_data: +10 on each edge, then re-read (not atomic there)."""
        try:
            updated, highest, highest_key = [], 0, None
            for el in path:
                if el.get("edge") and el["edge"].get("_key"):
                    doc = self.g.by_key.get(el["edge"]["_key"])
                    if doc:
                        new = doc.get("load", 0) + LOAD_INCREMENT
                        if new > highest:
                            highest, highest_key = new, doc["_key"]
                        doc["load"] = new
                        updated.append(doc["_key"])
            total, count, loads = 0, 0, []
            for el in path:
                if el.get("edge") and el["edge"].get("_key"):
                    doc = self.g.by_key.get(el["edge"]["_key"])
                    if doc:
                        cur = doc.get("load", 0)
                        total += cur
                        count += 1
                        loads.append({"edge_key": doc["_key"], "load": cur})
            return {"updated_edges": updated, "edge_loads": loads,
                    "average_load": total / count if count else 0, "total_load": total,
                    "edge_count": count,
                    "highest_load": {"edge_key": highest_key, "load_value": highest}}
        except Exception as exc:  # pylint: disable=broad-except
            return {"error": str(exc), "updated_edges": [], "edge_loads": [], "average_load": 0,
                    "total_load": 0, "edge_count": 0,
                    "highest_load": {"edge_key": None, "load_value": 0}}

    @staticmethod
    def aql_direction(direction):
        if direction.lower() not in ("outbound", "inbound", "any"):
            raise ApiError(500, "[HTTP 400][ERR 1501] AQL: syntax error, unexpected identifier "
                                "near '%s' (while parsing)" % direction[:40])
        return direction.lower()

    def best_paths(self, c, query):
        p = params(query, [("source", "str", None), ("destination", "str", None),
                           ("limit", "int", 4), ("direction", "str", "outbound"),
                           ("algo", "int", 0)])
        with self.lock:
            self.check_collection(c)
            direction = self.aql_direction(p["direction"])
            if p["limit"] < 0:
                raise ApiError(500, "[HTTP 400][ERR 1501] AQL: syntax error, unexpected '-' "
                                    "(while parsing)")
            walks = self.g.simple_paths_by_hops(p["source"], p["destination"], direction,
                                                p["limit"])
            if not walks:
                return {"found": False, "message": "No paths found between specified nodes"}
            paths = []
            for walk in walks:
                path = [{"vertex": project(self.g.vertices.get(v), ("_id", "_key", "name", "sids"))}
                        for v, _ in walk]
                countries = []
                for _, e in walk[1:]:
                    codes = e.get("country_codes")
                    countries.append(list(codes) if isinstance(codes, list) else [])
                paths.append({
                    "path": path, "hopcount": len(walk) - 1, "vertex_count": len(walk),
                    "source_info": self.g.vertices.get(walk[0][0]),
                    "destination_info": self.g.vertices.get(walk[-1][0]),
                    "countries_traversed": countries,
                    "srv6_data": srv6_data(path, p["algo"]),
                })
            return {"found": True, "total_paths_found": len(paths),
                    "direction": p["direction"], "algo": p["algo"], "paths": paths}

    def next_best_path(self, c, query):
        p = params(query, [("source", "str", None), ("destination", "str", None),
                           ("same_hop_limit", "int", 4), ("plus_one_limit", "int", 8),
                           ("direction", "str", "outbound"), ("algo", "int", 0)])
        with self.lock:
            self.check_collection(c)
            direction = self.aql_direction(p["direction"])
            algo = p["algo"]
            # 1. unweighted shortest path (edge enters vertex)
            shortest = self.g.walks(p["source"], p["destination"], direction,
                                    self.shortest_hops(p["source"], p["destination"], direction),
                                    1, True) if p["source"] in self.g.vertices else []
            walk = shortest[0] if shortest else []
            path = [{"vertex": project(self.g.vertices.get(v),
                                       ("_id", "_key", "router_id", "prefix", "name", "sids")),
                     "edge": project(e, ("_id", "_key", "_from", "_to", "latency",
                                         "percent_util_out", "country_codes", "load")) if e else None}
                    for v, e in walk]
            hops = len(path) - 1
            if hops < 0:
                raise ApiError(500, "[HTTP 400][ERR 1501] invalid traversal depth "
                                    "(while instantiating plan)")

            def alternatives(length, limit):
                out = []
                for w in self.g.walks(p["source"], p["destination"], direction, length, limit, False):
                    alt = [{"vertex": self.g.vertices.get(v)} for v, _ in w]
                    out.append({"path": alt, "hopcount": len(alt) - 1,
                                "srv6_data": srv6_data(alt, algo)})
                return out

            same = alternatives(hops, p["same_hop_limit"])
            plus = alternatives(hops + 1, p["plus_one_limit"])
            return {
                "found": True, "algo": algo,
                "shortest_path": {"path": path, "hopcount": hops, "srv6_data": srv6_data(path, algo)},
                "same_hopcount_paths": same, "plus_one_hopcount_paths": plus,
                "summary": {"base_hopcount": hops, "same_hopcount_alternatives": len(same),
                            "plus_one_hopcount_alternatives": len(plus)},
            }

    def shortest_hops(self, src, dst, direction):
        dist = self.g.distances_to(dst, direction)
        return dist.get(src, -1)

    def topology(self, c, query):
        p = params(query, [("include_all_fields", "bool", True)])
        with self.lock:
            self.check_collection(c)
            full = p["include_all_fields"]
            edges, ids = [], []
            for e in self.g.edges:
                edges.append(copy.deepcopy(e) if full else {"_from": e["_from"], "_to": e["_to"]})
                for v in (e["_from"], e["_to"]):
                    if v not in ids:
                        ids.append(v)
            vertices = {}
            for vid in ids:
                doc = self.g.vertices.get(vid)
                if doc is None:
                    continue  # dangling edge: the vertex is silently left out
                if full:
                    vertices[vid] = copy.deepcopy(doc)
                    continue
                sids = doc.get("sids", [])
                if sids is None:
                    continue  # iterating None raises: the vertex is dropped
                detail = {"collection": vid.split("/")[0], "name": doc.get("name"),
                          "prefix": doc.get("prefix"), "protocol": doc.get("protocol"),
                          "sids": [s.get("srv6_sid") for s in sids
                                   if isinstance(s, dict) and "srv6_sid" in s],
                          "asn": doc.get("asn")}
                vertices[vid] = {k: v for k, v in detail.items() if v is not None}
            return {"edges": edges, "vertices": vertices, "total_edges": len(edges),
                    "total_vertices": len(vertices), "include_all_fields": full}

    def graph_info(self, c, _query):
        if c != self.g.collection:
            raise ApiError(404, "Graph collection %s not found" % c)
        return {"name": c, "type": 3, "status": 3, "count": len(self.g.edges)}


# --- faults ----------------------------------------------------------------------------

class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.hits = 0

    def add(self, query):
        rule = dict(parse_qsl(query, keep_blank_values=True))
        mode = rule.get("mode")
        if mode not in ("status", "garbage", "truncate", "close", "delay", "huge"):
            raise ValueError("fault: mode must be status, garbage, truncate, close, delay or huge")
        rule.setdefault("endpoint", "*")
        rule["times"] = int(rule["times"]) if "times" in rule else -1
        with self.lock:
            self.rules.append(rule)
        return rule

    def clear(self):
        with self.lock:
            self.rules = []

    def match(self, endpoint, destination):
        with self.lock:
            for rule in self.rules:
                if rule["endpoint"] not in ("*", endpoint):
                    continue
                if "destination" in rule and rule["destination"] != destination:
                    continue
                if rule["times"] == 0:
                    continue
                if rule["times"] > 0:
                    rule["times"] -= 1
                self.hits += 1
                return dict(rule)
        return None


# --- HTTP --------------------------------------------------------------------------------

ROUTES = {
    ("shortest_path", "load"): ("load", Api.load),
    ("shortest_path", "best-paths"): ("best-paths", Api.best_paths),
    ("shortest_path", "next-best-path"): ("next-best-path", Api.next_best_path),
    ("topology",): ("topology", Api.topology),
    (): ("graph", Api.graph_info),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as uvicorn
    server_version = "uvicorn"
    sys_version = ""
    # Headers and body leave in one segment; without this, Nagle and the client's
    # delayed ACK would add 40 ms to every answer on a kept-alive connection.
    disable_nagle_algorithm = True

    def log_message(self, *args):  # quiet: tests read stdout
        pass

    def send(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self._headers_buffer.append(b"\r\n" + body)  # one write for headers and body
        self.flush_headers()

    def do_GET(self):  # noqa: N802
        self.dispatch("GET")

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.dispatch("POST")

    def dispatch(self, method):
        srv = self.server.state
        url = urlsplit(self.path)
        if url.path.startswith("/_test/"):
            return self.control(url.path[len("/_test/"):], url.query)
        prefix = API + "/graphs/"
        if not url.path.startswith(prefix):
            return self.send(404, dumps({"detail": "Not Found"}))
        rest = [unquote(x) for x in url.path[len(prefix):].split("/")]
        if not rest[0]:
            return self.send(404, dumps({"detail": "Not Found"}))
        collection, tail = rest[0], tuple(rest[1:])
        route = ROUTES.get(tail)
        if route is None:
            return self.send(404, dumps({"detail": "Not Found"}))
        if method != "GET":
            return self.send(405, dumps({"detail": "Method Not Allowed"}))
        endpoint, fn = route
        with srv.stats_lock:
            srv.requests[endpoint] = srv.requests.get(endpoint, 0) + 1
        destination = dict(parse_qsl(url.query, keep_blank_values=True)).get("destination")
        fault = srv.faults.match(endpoint, destination)
        if fault and self.inject(fault):
            return None
        with srv.serial or contextlib.nullcontext():
            if srv.delay:
                time.sleep(srv.delay)
            try:
                answer = fn(srv.api, collection, url.query)
                srv.record(endpoint, url.query, answer)
                body, status = dumps(answer), 200
            except ApiError as err:
                body, status = dumps({"detail": err.detail}), err.status
            except Exception:  # pylint: disable=broad-except
                return self.send(500, b"Internal Server Error", "text/plain; charset=utf-8")
        return self.send(status, body)

    def inject(self, fault):
        """Apply a fault; True when the answer was sent (or withheld)."""
        mode = fault["mode"]
        if mode == "delay":
            time.sleep(float(fault.get("seconds", "5")))
            return False
        if mode == "status":
            body = fault.get("body", '{"detail":""}').encode()
            self.send(int(fault.get("status", "500")), body)
        elif mode == "garbage":
            self.send(200, b"\xff\xfe<html>\x80 not json \xc3\x28")
        elif mode == "truncate":
            body = b'{"found":true,"path":[{"vertex":{"_id":"hosts/x"}}],"hopcount":0}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif mode == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif mode == "huge":
            size = int(fault.get("bytes", str(64 << 20)))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(size))
            self.end_headers()
            try:
                self.wfile.write(b'"')
                chunk = b"x" * 65536
                left = size - 2
                while left > 0:
                    self.wfile.write(chunk[:min(left, len(chunk))])
                    left -= len(chunk)
                self.wfile.write(b'"')
            except OSError:
                pass  # the client gave up at its size cap
            self.close_connection = True
        return True

    def control(self, what, query):
        srv = self.server.state
        if what == "fault":
            try:
                rule = srv.faults.add(query)
            except ValueError as err:
                return self.send(400, dumps({"detail": str(err)}))
            return self.send(200, dumps({"fault": rule}))
        if what == "clear":
            srv.faults.clear()
            return self.send(200, dumps({"cleared": True}))
        if what == "reset":
            with srv.api.lock:
                srv.api.g.reset()
                srv.api.load_applied = 0
            srv.faults.clear()
            with srv.stats_lock:
                srv.requests = {}
                srv.answers = []
            srv.faults.hits = 0
            return self.send(200, dumps({"reset": True}))
        if what == "stats":
            with srv.stats_lock:
                stats = {"requests": dict(srv.requests), "load_applied": srv.api.load_applied,
                         "faults_hit": srv.faults.hits}
            return self.send(200, dumps(stats))
        if what == "answers":
            with srv.stats_lock:
                answers = list(srv.answers)
            return self.send(200, dumps(answers))
        if what == "edges":
            with srv.api.lock:
                loads = {e["_key"]: e.get("load") for e in srv.api.g.edges}
            return self.send(200, dumps(loads))
        if what == "stop":
            self.send(200, dumps({"stopping": True}))
            srv.stop.set()
            return None
        return self.send(404, dumps({"detail": "Not Found"}))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


class State:
    """What every listener shares: the graph, faults, counters."""

    def __init__(self, graph, delay, serial):
        self.api = Api(graph)
        self.faults = Faults()
        self.delay = delay
        self.serial = threading.Lock() if serial else None
        self.requests = {}
        self.stats_lock = threading.Lock()
        self.stop = threading.Event()
        self.answers = []

    def record(self, endpoint, query, answer):
        """Keep the SID lists each path answer gave, for tests to compare with."""
        if endpoint not in ("load", "best-paths") or not answer.get("found"):
            return
        q = dict(parse_qsl(query, keep_blank_values=True))
        paths = [answer] if endpoint == "load" else answer.get("paths", [])
        with self.stats_lock:
            self.answers.append({
                "endpoint": endpoint, "source": q.get("source"),
                "destination": q.get("destination"),
                "sid_lists": [p["srv6_data"].get("srv6_sid_list") for p in paths]})


def socket_in_netns(name, port):
    """A listening socket on 127.0.0.1:port inside network namespace `name`
    (/run/netns/NAME, as `ip netns add` makes): processes there reach this server
    on their own loopback. Needs CAP_SYS_ADMIN; only this thread switches."""
    libc = ctypes.CDLL(None, use_errno=True)
    clone_newnet = 0x40000000
    with open("/proc/thread-self/ns/net", "rb") as own, \
            open(os.path.join("/run/netns", name), "rb") as target:
        if libc.setns(target.fileno(), clone_newnet) != 0:
            raise OSError(ctypes.get_errno(), "setns into netns %s" % name)
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))
            sock.listen(1024)
        finally:
            if libc.setns(own.fileno(), clone_newnet) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    return sock


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("topology", help="topology JSON (the /topology answer's shape)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--collection", help="collection name (default: from the edges' _id)")
    ap.add_argument("--delay-ms", type=float, default=0.0)
    ap.add_argument("--serial", action="store_true",
                    help="serve one API request at a time, as Jalapeño's single uvicorn "
                         "worker does (its async handlers block on ArangoDB)")
    ap.add_argument("--fault", action="append", default=[])
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--netns", action="append", default=[],
                    help="also listen on 127.0.0.1:PORT inside this network namespace")
    args = ap.parse_args(argv)

    with open(args.topology, encoding="utf-8") as f:
        graph = Graph(json.load(f), args.collection)
    state = State(graph, args.delay_ms / 1000.0, args.serial)
    for spec in args.fault:
        state.faults.add(spec)
    servers = [Server(("127.0.0.1", args.port), Handler)]
    port = servers[0].server_address[1]
    for name in args.netns:
        srv = Server(("127.0.0.1", port), Handler, bind_and_activate=False)
        srv.socket.close()
        srv.socket = socket_in_netns(name, port)
        servers.append(srv)
    scheme = "http"
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        for srv in servers:
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        scheme = "https"
    for srv in servers:
        srv.state = state
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2},
                         daemon=True).start()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("listening on %s://127.0.0.1:%d%s (collection %s%s)" % (
        scheme, port, API, graph.collection,
        ", also in netns " + " ".join(args.netns) if args.netns else ""), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: state.stop.set())
    try:
        while not state.stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    for srv in servers:
        srv.shutdown()
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

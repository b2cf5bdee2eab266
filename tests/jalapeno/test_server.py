#!/usr/bin/env python3
"""Self-test of the Jalapeño test server: shapes, quirks and load semantics.

  python3 tests/jalapeno/test_server.py      (standard library only)

Runs the server in-process on 127.0.0.1 with the 4x4 leaf-spine fixture and
checks it against shared/jalapeno-api.md, so the tests that rely on it keep
testing against the real server's behaviour.
"""
import http.client
import json
import os
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import server  # noqa: E402

FIXTURE = os.path.join(HERE, "fixtures", "leafspine-4x4.json")
C = "/api/v1/graphs/network_topology"


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(FIXTURE, encoding="utf-8") as f:
            graph = server.Graph(json.load(f))
        cls.state = server.State(graph, 0.0, False)
        cls.srv = server.Server(("127.0.0.1", 0), server.Handler)
        cls.srv.state = cls.state
        cls.thread = threading.Thread(target=cls.srv.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()

    def setUp(self):
        self.get("/_test/reset")

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.server_address[1], timeout=10)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, resp.getheader("content-type"), body

    def json(self, path, status=200):
        code, ctype, body = self.get(path)
        self.assertEqual(code, status, body[:200])
        self.assertEqual(ctype, "application/json")
        self.assertNotIn(b" ", body[:2])  # compact rendering
        return json.loads(body)

    def load(self, src="host00", dst="host05", **extra):
        q = "source=hosts/%s&destination=hosts/%s&direction=outbound" % (src, dst)
        for k, v in extra.items():
            q += "&%s=%s" % (k, v)
        return self.json(C + "/shortest_path/load?" + q)

    def test_load_answer_shape(self):
        a = self.load()
        self.assertEqual(list(a), ["found", "path", "hopcount", "vertex_count", "source_info",
                                   "destination_info", "direction", "average_load", "algo",
                                   "srv6_data", "load_data"])
        self.assertTrue(a["found"])
        self.assertEqual(a["hopcount"], 4)
        self.assertEqual(a["vertex_count"], 5)
        self.assertIsNone(a["path"][0]["edge"])
        for el in a["path"]:
            self.assertEqual(list(el["vertex"]), list(server.VERTEX_LOAD_KEYS))
        for el in a["path"][1:]:
            self.assertEqual(list(el["edge"]), list(server.EDGE_LOAD_KEYS))
            self.assertEqual(el["edge"]["_to"], el["vertex"]["_id"], "edge enters its vertex")
        self.assertIsNone(a["source_info"]["router_id"])
        self.assertEqual(a["destination_info"]["_id"], "hosts/host05")
        self.assertEqual(a["srv6_data"]["srv6_sid_list"],
                         ["fc00:0:2000::", "fc00:0:1000::", "fc00:0:2002::", "fc00:0:e005::"])
        self.assertEqual(a["srv6_data"]["srv6_usid"], "fc00:0:2000:1000:2002:e005::")
        self.assertEqual(a["srv6_data"]["usid_block"], "fc00:0:")
        self.assertEqual(a["average_load"], 0, "pre-increment, nulls ignored, int when integral")
        self.assertEqual(a["load_data"]["edge_count"], 4)
        self.assertEqual(a["load_data"]["total_load"], 40)
        self.assertEqual(a["load_data"]["average_load"], 10.0)

    def test_load_adds_ten_and_steers(self):
        spines = []
        for _ in range(5):
            spines.append(self.load()["srv6_data"]["srv6_sid_list"][1])
        self.assertEqual(spines[:4], ["fc00:0:1000::", "fc00:0:1001::", "fc00:0:1002::",
                                      "fc00:0:1003::"], "each call loads its path: the next avoids it")
        edges = self.json("/_test/edges")
        self.assertEqual(edges["leaf00_spine00"], 20)
        self.assertEqual(edges["host00_leaf00"], 50, "a missing load counts from 0")
        self.assertEqual(self.json("/_test/stats")["load_applied"], 5)

    def test_load_zero_weighs_zero(self):
        # All fabric edges at 0: the host edges (no load, weight 1) set the cost.
        a = self.load("host00", "host01")
        self.assertEqual(a["hopcount"], 2)
        self.assertEqual(a["srv6_data"]["srv6_usid"], "fc00:0:2000:e001::")

    def test_not_found_is_200(self):
        a = self.load("host00", "nobody")
        self.assertEqual(a, {"found": False, "message": "No path found between specified nodes"})

    def test_unknown_collection_is_500_with_empty_detail(self):
        for path in ("/shortest_path/load?source=a&destination=b",
                     "/shortest_path/best-paths?source=a&destination=b", "/topology",
                     "/shortest_path/next-best-path?source=a&destination=b"):
            self.assertEqual(self.json("/api/v1/graphs/nope" + path, 500), {"detail": ""})
        self.assertEqual(self.json("/api/v1/graphs/nope", 404),
                         {"detail": "Graph collection nope not found"})

    def test_bad_direction_on_load_is_500(self):
        self.assertEqual(self.json(C + "/shortest_path/load?source=hosts/host00&destination=hosts/host01"
                                   "&direction=sideways", 500), {"detail": ""})

    def test_validation_is_422_with_an_array(self):
        d = self.json(C + "/shortest_path/load?destination=x&algo=one", 422)["detail"]
        self.assertEqual([x["type"] for x in d], ["missing", "int_parsing"])
        self.assertEqual(d[0]["loc"], ["query", "source"])
        self.assertEqual(d[0]["msg"], "Field required")

    def test_unknown_paths_are_404(self):
        self.assertEqual(self.json("/api/v1/nothing", 404), {"detail": "Not Found"})
        self.assertEqual(self.json(C + "/shortest_path/fastest", 404), {"detail": "Not Found"})

    def test_best_paths(self):
        a = self.json(C + "/shortest_path/best-paths?source=hosts/host00&destination=hosts/host05&limit=6")
        self.assertEqual(list(a), ["found", "total_paths_found", "direction", "algo", "paths"])
        self.assertEqual(a["total_paths_found"], 6)
        p = a["paths"][0]
        self.assertEqual(list(p), ["path", "hopcount", "vertex_count", "source_info",
                                   "destination_info", "countries_traversed", "srv6_data"])
        self.assertNotIn("edge", p["path"][0])
        self.assertIn("_rev", p["destination_info"], "full documents")
        self.assertEqual([x["hopcount"] for x in a["paths"]], [4, 4, 4, 4, 6, 6])
        self.assertEqual(len({x["srv6_data"]["srv6_usid"] for x in a["paths"][:4]}), 4)
        same_leaf = self.json(C + "/shortest_path/best-paths?source=hosts/host00&destination=hosts/host01&limit=1")
        self.assertEqual(same_leaf["total_paths_found"], 1)
        none = self.json(C + "/shortest_path/best-paths?source=hosts/host00&destination=hosts/host05&limit=0")
        self.assertEqual(none, {"found": False, "message": "No paths found between specified nodes"})
        self.assertEqual(self.json("/_test/stats")["load_applied"], 0, "best-paths is read-only")

    def test_next_best_path(self):
        a = self.json(C + "/shortest_path/next-best-path?source=hosts/host00&destination=hosts/host05")
        self.assertEqual(a["summary"], {"base_hopcount": 4, "same_hopcount_alternatives": 4,
                                        "plus_one_hopcount_alternatives": 0})
        self.assertNotIn("ipv6_address", a["shortest_path"]["path"][0]["vertex"])
        d = self.json(C + "/shortest_path/next-best-path?source=hosts/host00&destination=hosts/nobody", 500)
        self.assertIn("invalid traversal depth", d["detail"])

    def test_topology(self):
        t = self.json(C + "/topology")
        self.assertEqual(t["total_vertices"], 16)
        self.assertEqual(t["total_edges"], 48)
        self.assertTrue(t["include_all_fields"])
        slim = self.json(C + "/topology?include_all_fields=false")
        self.assertEqual(set(slim["edges"][0]), {"_from", "_to"})
        self.assertEqual(slim["vertices"]["hosts/host00"]["sids"], ["fc00:0:e000::"])
        self.assertEqual(slim["vertices"]["hosts/host00"]["collection"], "hosts")

    def test_srv6_data_quirks(self):
        def path(*sids):
            return [{"vertex": {"sids": s}} for s in ((),) + sids]
        ok = server.srv6_data(path([{"srv6_sid": "fc00:0:1::"}], [{"srv6_sid": "fc00:1:2::",
                              "srv6_endpoint_behavior": {"algo": 0}}]), 0)
        self.assertEqual(ok["srv6_usid"], "fc00:0:1::", "another block is dropped from srv6_usid")
        self.assertEqual(ok["srv6_sid_list"], ["fc00:0:1::", "fc00:1:2::"])
        empty = server.srv6_data(path(), 0)
        self.assertEqual(empty["srv6_usid"], "fc00:0:::")
        err = server.srv6_data(path([{"srv6_sid": "fc00:0:1::"}], [{"srv6_sid": 7}]), 0)
        self.assertEqual(err, {"error": "argument of type 'int' is not iterable",
                               "srv6_sid_list": [], "srv6_usid": ""})

    def test_faults(self):
        self.json("/_test/fault?destination=hosts/host05&mode=status&status=503&times=1")
        code, _, body = self.get(C + "/shortest_path/load?source=hosts/host00&destination=hosts/host05")
        self.assertEqual((code, body), (503, b'{"detail":""}'))
        self.load()  # the fault applied once
        self.json("/_test/fault?mode=garbage&endpoint=best-paths")
        code, _, body = self.get(C + "/shortest_path/best-paths?source=hosts/host00&destination=hosts/host05")
        self.assertEqual(code, 200)
        self.assertRaises(UnicodeDecodeError, body.decode)
        self.load()  # other endpoints unaffected
        self.assertEqual(self.json("/_test/stats")["faults_hit"], 2)


if __name__ == "__main__":
    unittest.main()

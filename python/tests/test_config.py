import socket
import unittest

import support  # noqa: F401
from srv6_bpf.config import Options


class OptionsTest(unittest.TestCase):
    def test_defaults(self):
        o = Options(env={})
        self.assertEqual(o.interface, "net1")
        self.assertEqual(o.source, "topology")
        self.assertFalse(o.strict)
        self.assertFalse(o.dry_run)
        self.assertEqual(o.family, "both")
        self.assertEqual(o.families, (socket.AF_INET6, socket.AF_INET))
        self.assertEqual(o.sync_flags(), ["--source", "topology", "--family", "both"])

    def test_family(self):
        o = Options(env={"SRV6_BPF_FAMILY": "4"})
        self.assertEqual((o.family, o.families), ("4", (socket.AF_INET,)))
        self.assertEqual(o.sync_flags()[2:4], ["--family", "4"])
        self.assertEqual(o.to_env()["SRV6_BPF_FAMILY"], "4")
        o = Options(env={"SRV6_BPF_FAMILY": "4"}, family="6")
        self.assertEqual(o.families, (socket.AF_INET6,), "the keyword wins")
        self.assertNotIn("SRV6_BPF_FAMILY", Options(env={}).to_env())

    def test_env_then_keywords(self):
        env = {"BACKEND_INTERFACE": "eth9", "SRV6_BPF_SOURCE": "jalapeno-best-paths",
               "SRV6_BPF_PATHS": "4", "SRV6_BPF_STRICT": "yes", "SRV6_BPF_ADDRESS": "2001:DB8::1",
               "SRV6_BPF_SYNC_ARGS": "--cacert '/etc/my ca.pem'"}
        o = Options(env=env)
        self.assertEqual((o.interface, o.source, o.paths, o.strict, o.address),
                         ("eth9", "jalapeno-best-paths", 4, True, "2001:db8::1"))
        self.assertEqual(o.sync_args, ("--cacert", "/etc/my ca.pem"))
        o = Options(env=env, interface="net2", strict=False, paths=2)
        self.assertEqual((o.interface, o.strict, o.paths), ("net2", False, 2))

    def test_sync_flags(self):
        o = Options(env={}, api_endpoint="http://127.0.0.1:1/api/v1", collection="fabric_graph",
                    dest_function="e006", source="jalapeno-best-paths", paths=3, dry_run=True,
                    sync_args=["--retries", "0"])
        self.assertEqual(o.sync_flags(), [
            "--source", "jalapeno-best-paths", "--family", "both", "--endpoint", "http://127.0.0.1:1/api/v1",
            "--collection", "fabric_graph", "--dest-function", "e006", "--paths", "3",
            "--dry-run", "--retries", "0"])
        o = Options(env={}, topology_file="/tmp/t.json")
        self.assertEqual(o.sync_flags(), ["--source", "topology", "--family", "both",
                                          "--topology-file", "/tmp/t.json"])

    def test_invalid(self):
        for kwargs, text in (({"source": "ecmp"}, "use one of"), ({"paths": 9}, "1-8"),
                             ({"paths": "x"}, "1-8"), ({"address": "host00"}, "not an IP"),
                             ({"timeout": 0}, "seconds"), ({"strict": "maybe"}, "give 1 or 0"),
                             ({"source": "jalapeno-load", "topology_file": "t.json"},
                              "topology file"), ({"family": "ipv6"}, "use one of both, 6, 4"),
                             ({"family": "6", "address": "192.0.2.1"},
                              "192.0.2.1 is not of family 6"),
                             ({"address": "192.0.2.1,192.0.2.2"}, "one address a family"),
                             ({"address": "2001:db8::1,"}, "not an IP address")):
            with self.assertRaises(ValueError) as cm:
                Options(env={}, **kwargs)
            self.assertIn(text, str(cm.exception), kwargs)
        with self.assertRaises(ValueError) as cm:
            Options(env={"SRV6_BPF_SOURCE": "nope"})
        self.assertIn("SRV6_BPF_SOURCE", str(cm.exception))
        with self.assertRaises(TypeError):
            Options(env={}, interfce="net1")

    def test_to_env_round_trip(self):
        o = Options(env={}, api_endpoint="http://x/api/v1", source="jalapeno-load",
                    interface="eth1", bpffs="/tmp/bpf", loader="/opt/srv6-bpf", strict=True,
                    dry_run=True, timeout=12.5, sync_args=["--header", "X-Token: a b"],
                    address="192.0.2.7", collection="c", dest_function="e006")
        env = o.to_env()
        self.assertEqual(env["JALAPENO_API_ENDPOINT"], "http://x/api/v1")
        self.assertEqual(env["SRV6_BPF_BPFFS"], "/tmp/bpf")
        back = Options(env=env)
        for name in ("source", "interface", "loader", "strict", "dry_run", "timeout",
                     "sync_args", "address"):
            self.assertEqual(getattr(back, name), getattr(o, name), name)


if __name__ == "__main__":
    unittest.main()

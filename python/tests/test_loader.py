import os
import stat
import unittest

import support
from srv6_bpf.config import Options
from srv6_bpf.loader import Loader, LoaderError, find_loader


class FindLoader(unittest.TestCase):
    def setUp(self):
        self.fake = support.FakeLoader()
        self.addCleanup(self.fake.cleanup)

    def test_env_names_it(self):
        self.assertEqual(find_loader(self.fake.path, {}), self.fake.path)

    def test_on_path(self):
        self.assertEqual(find_loader(None, {"PATH": self.fake.dir}), self.fake.path)

    def test_not_found_says_what_to_do(self):
        with self.assertRaises(LoaderError) as cm:
            find_loader(None, {"PATH": "/nonexistent"})
        self.assertIn("SRV6_BPF=", str(cm.exception))
        os.chmod(self.fake.path, stat.S_IRUSR)
        with self.assertRaises(LoaderError) as cm:
            find_loader(self.fake.path, {})
        self.assertIn("not an executable", str(cm.exception))


class Commands(unittest.TestCase):
    def setUp(self):
        self.fake = support.FakeLoader()
        self.addCleanup(self.fake.cleanup)
        self.hosts = os.path.join(self.fake.dir, "hosts")
        with open(self.hosts, "w") as f:
            f.write("a 0 2001:db8::1\nb 1 2001:db8::2\n")

    def loader(self, env=None, **options):
        base = support.package_env(self.fake.env())
        base.update(env or {})
        return Loader(Options(env=base, **options), base)

    def test_load(self):
        self.loader(interface="eth3").load()
        self.loader(interface="eth3", bpffs="/tmp/x").load()
        calls = self.fake.calls("load")
        self.assertEqual([c["argv"] for c in calls],
                         [["load", "eth3"], ["--bpffs", "/tmp/x", "load", "eth3"]])

    def test_bpffs_env_reaches_the_loader(self):
        self.loader({"SRV6_BPF_BPFFS": "/tmp/bpffs-test"}).load()
        call = self.fake.calls("load")[0]
        self.assertEqual(call["argv"], ["load", "net1"])
        self.assertEqual(call["env"]["SRV6_BPF_BPFFS"], "/tmp/bpffs-test")

    def test_sync(self):
        self.loader({"DEST_FUNCTION": "e006", "MASTER_ADDR": "2001:db8::1"},
                    api_endpoint="http://127.0.0.1:9/api/v1").sync(self.hosts, "b")
        call = self.fake.calls("sync")[0]
        self.assertEqual(call["argv"], ["sync", "dev", "net1", "--hosts-file", self.hosts,
                                        "--source", "topology", "--family", "both",
                                        "--endpoint", "http://127.0.0.1:9/api/v1"])
        self.assertEqual(call["hosts"], "a 0 2001:db8::1\nb 1 2001:db8::2\n")
        self.assertEqual(call["env"]["HOSTNAME"], "b")  # who the loader runs on
        self.assertEqual(call["env"]["DEST_FUNCTION"], "e006")
        self.assertEqual(call["env"]["MASTER_ADDR"], "2001:db8::1")

    def test_error_is_the_last_stderr_line(self):
        loader = self.loader(self.fake.env(fail="sync:3:srv6-bpf: sync: hosts/b: API down"))
        with self.assertRaises(LoaderError) as cm:
            loader.sync(self.hosts, "b")
        self.assertEqual(str(cm.exception), "srv6-bpf: sync: hosts/b: API down")
        self.assertEqual(cm.exception.returncode, 3)

    def test_silent_failure(self):
        loader = self.loader(self.fake.env(fail="load:4:"))
        with self.assertRaises(LoaderError) as cm:
            loader.load()
        self.assertIn("exited with status 4", str(cm.exception))

    def test_timeout(self):
        loader = self.loader(self.fake.env(delay="sync:30"), timeout=0.5)
        with self.assertRaises(LoaderError) as cm:
            loader.sync(self.hosts, "a")
        self.assertIn("did not finish within 0.5 s", str(cm.exception))

    def test_is_loaded(self):
        self.assertFalse(self.loader().is_loaded())
        self.loader().load()
        self.assertTrue(self.loader().is_loaded())
        self.assertFalse(self.loader(bpffs="/tmp/other").is_loaded())
        self.assertFalse(self.loader(interface="eth2").is_loaded())
        self.assertEqual(self.fake.calls("show")[0]["argv"], ["show", "dev", "net1"])

    def test_needs_load(self):
        self.assertTrue(self.loader().needs_load())
        self.assertFalse(self.loader({"ROUTE_PLATFORM": "linux"}).needs_load())
        self.assertFalse(self.loader(dry_run=True).needs_load())


if __name__ == "__main__":
    unittest.main()

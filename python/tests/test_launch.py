import contextlib
import io
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

import support
from srv6_bpf import launch

STUB_TORCH = os.path.join(support.HERE, "stub_torch")

TRAIN = textwrap.dedent("""\
    import sys
    import torch.distributed as dist
    dist.init_process_group("gloo", init_method="tcp://192.0.2.1:29500", rank=0, world_size=1)
    print("training goes on", flush=True)
    """)


class Arguments(unittest.TestCase):
    def parse(self, argv, env=None):
        return launch.parse(argv, support.package_env(env))

    def usage_error(self, argv, env=None):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as cm:
            self.parse(argv, env)
        self.assertEqual(cm.exception.code, 2)
        return err.getvalue()

    def test_options_then_double_dash(self):
        opts, cmd, level = self.parse(["--source", "jalapeno-load", "--strict", "--log-level",
                                       "debug", "--", "torchrun", "--nproc-per-node", "2", "t.py"])
        self.assertEqual(cmd, ["torchrun", "--nproc-per-node", "2", "t.py"])
        self.assertEqual((opts.source, opts.strict, level), ("jalapeno-load", True, "DEBUG"))

    def test_without_double_dash_the_first_word_starts_the_command(self):
        opts, cmd, _ = self.parse(["--interface", "eth1", "python", "t.py", "--source", "x",
                                   "--", "y"])
        self.assertEqual(cmd, ["python", "t.py", "--source", "x", "--", "y"])
        self.assertEqual((opts.interface, opts.source), ("eth1", "topology"))

    def test_all_options(self):
        opts, _, _ = self.parse([
            "--endpoint", "http://127.0.0.1:8/api/v1", "--topology-file", "/t.json",
            "--collection", "c", "--dest-function", "e006", "--paths", "2", "--interface", "e",
            "--bpffs", "/b", "--loader", "/l", "--address", "2001:db8::7", "--dry-run",
            "--family", "6", "--timeout", "9", "--sync-arg=--retries", "--sync-arg=0", "--", "x"])
        self.assertEqual(opts.sync_flags(), [
            "--source", "topology", "--family", "6", "--topology-file", "/t.json", "--endpoint",
            "http://127.0.0.1:8/api/v1", "--collection", "c", "--dest-function", "e006",
            "--paths", "2", "--dry-run", "--retries", "0"])
        self.assertEqual((opts.interface, opts.bpffs, opts.loader, opts.address, opts.timeout),
                         ("e", "/b", "/l", "2001:db8::7", 9.0))

    def test_environment_is_the_default(self):
        opts, _, _ = self.parse(["--", "x"], {"SRV6_BPF_SOURCE": "jalapeno-best-paths",
                                              "BACKEND_INTERFACE": "eth7"})
        self.assertEqual((opts.source, opts.interface), ("jalapeno-best-paths", "eth7"))

    def test_usage_errors(self):
        self.assertIn("no command", self.usage_error([]))
        self.assertIn("no command", self.usage_error(["--strict", "--"]))
        self.assertIn("invalid choice", self.usage_error(["--source", "ecmp", "--", "x"]))
        self.assertIn("1-8 paths", self.usage_error(["--paths", "9", "--", "x"]))
        self.assertIn("SRV6_BPF_SOURCE", self.usage_error(["--", "x"], {"SRV6_BPF_SOURCE": "?"}))

    def test_child_env(self):
        opts, _, _ = self.parse(["--endpoint", "http://e/api/v1", "--bpffs", "/b", "--", "x"])
        env = launch.child_env(opts, {"PYTHONPATH": "/a:/b", "KEEP": "1"}, "DEBUG")
        self.assertEqual(env["PYTHONPATH"], os.pathsep.join([launch.BOOT_DIR, "/a", "/b"]))
        self.assertEqual((env["SRV6_BPF_LAUNCH"], env["KEEP"], env["SRV6_BPF_LOG_LEVEL"]),
                         ("1", "1", "DEBUG"))
        self.assertEqual((env["JALAPENO_API_ENDPOINT"], env["SRV6_BPF_BPFFS"]),
                         ("http://e/api/v1", "/b"))
        again = launch.child_env(opts, env)  # a launcher inside a launcher: one boot dir
        self.assertEqual(again["PYTHONPATH"], env["PYTHONPATH"])
        # Neither socket variable set: both on the backend interface; one set: it stands.
        self.assertEqual((env["GLOO_SOCKET_IFNAME"], env["NCCL_SOCKET_IFNAME"]),
                         (opts.interface, opts.interface))
        mine = launch.child_env(opts, {"NCCL_SOCKET_IFNAME": "ib0"})
        self.assertEqual((mine.get("GLOO_SOCKET_IFNAME"), mine["NCCL_SOCKET_IFNAME"]),
                         (None, "ib0"))
        self.assertTrue(os.path.isfile(os.path.join(launch.BOOT_DIR, "sitecustomize.py")))


class Running(unittest.TestCase):
    """The launcher as users run it, around a script that knows nothing of srv6-bpf."""

    def setUp(self):
        self.fake = support.FakeLoader()
        self.addCleanup(self.fake.cleanup)
        self.dir = tempfile.mkdtemp(prefix="srv6-bpf-py-launch-")
        self.addCleanup(subprocess.call, ["rm", "-rf", self.dir])
        self.train = os.path.join(self.dir, "train.py")
        with open(self.train, "w") as f:
            f.write(TRAIN)

    def launch(self, args, env=None, torch_stub=True):
        extra = {"PATH": self.fake.dir + os.pathsep + os.environ.get("PATH", ""),
                 "FAKE_SRV6_BPF_LOG": self.fake.log, "HOSTNAME": "solo",
                 "SRV6_BPF_ADDRESS": "192.0.2.1", "GLOO_SOCKET_IFNAME": "lo"}
        extra.update(env or {})
        full = support.package_env(extra)
        if env and "PYTHONPATH" in env:
            full["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], support.PYTHON_DIR])
        if torch_stub:
            full["PYTHONPATH"] = STUB_TORCH + os.pathsep + full["PYTHONPATH"]
        return subprocess.run([sys.executable, "-m", "srv6_bpf.launch"] + args, env=full,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=120)

    def test_socket_interface_defaults_to_the_backend_interface(self):
        show = [sys.executable, "-c", "import os; print(os.environ.get('GLOO_SOCKET_IFNAME'), "
                "os.environ.get('NCCL_SOCKET_IFNAME'))"]
        out = self.launch(["--interface", "net7", "--"] + show, {"GLOO_SOCKET_IFNAME": ""})
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.split(), ["net7", "net7"])
        self.assertIn("GLOO_SOCKET_IFNAME and NCCL_SOCKET_IFNAME unset: both set to net7",
                      out.stderr)
        out = self.launch(["--interface", "net7", "--"] + show)  # GLOO_SOCKET_IFNAME=lo
        self.assertEqual(out.stdout.split(), ["lo", "None"])
        self.assertNotIn("unset", out.stderr)

    def test_programs_around_an_unmodified_script(self):
        p = self.launch(["--interface", "eth5", "--", sys.executable, self.train])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("stub init_process_group gloo tcp://192.0.2.1:29500\ntraining goes on",
                      p.stdout)
        self.assertEqual([c["argv"][:3] for c in self.fake.calls()],
                         [["show", "dev", "eth5"], ["load", "eth5"], ["sync", "dev", "eth5"]])
        sync = self.fake.calls("sync")[0]
        self.assertEqual(sync["hosts"], "# srv6-bpf job membership: name rank address...\n"
                                        "solo 0 192.0.2.1\n")
        # the master address came from the script's init_method: IPv4 job
        self.assertEqual(sync["env"]["MASTER_ADDR"], "192.0.2.1")
        self.assertIn("srv6-bpf INFO rank 0: 1 host programmed; training traffic is steered", p.stderr)

    def test_failure_is_logged_and_training_goes_on(self):
        p = self.launch(["--", sys.executable, self.train],
                        {"FAKE_SRV6_BPF_FAIL": "sync:2:srv6-bpf: sync: API down"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("training goes on", p.stdout)
        self.assertIn("srv6-bpf ERROR rank 0: solo: srv6-bpf failed: srv6-bpf: sync: API down",
                      p.stderr)
        self.assertIn("training continues unsteered", p.stderr)

    def test_strict_failure_stops_the_script(self):
        p = self.launch(["--strict", "--", sys.executable, self.train],
                        {"FAKE_SRV6_BPF_FAIL": "sync:2:srv6-bpf: sync: API down"})
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn("training goes on", p.stdout)
        self.assertIn("SRv6Error: srv6-bpf failed on 1 of 1 host (solo: srv6-bpf: sync: API "
                      "down)", p.stderr)

    def test_loader_resolved_once_for_the_job(self):
        script = os.path.join(self.dir, "env.py")
        with open(script, "w") as f:
            f.write("import os\nprint(os.environ['SRV6_BPF'])\n")
        p = self.launch(["--", sys.executable, script])
        self.assertEqual(p.stdout.strip(), self.fake.path)

    def test_loader_missing(self):
        path = "/nonexistent:" + os.path.dirname(sys.executable)
        p = self.launch(["--", sys.executable, self.train], {"PATH": path})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("srv6-bpf not found on PATH", p.stderr)
        self.assertIn("training goes on", p.stdout)
        p = self.launch(["--strict", "--", sys.executable, self.train], {"PATH": path})
        self.assertEqual(p.returncode, 1)
        self.assertNotIn("training goes on", p.stdout)

    def test_command_not_found(self):
        p = self.launch(["--", os.path.join(self.dir, "no-such-command")])
        self.assertEqual(p.returncode, 127)
        self.assertIn("cannot run", p.stderr)

    def test_hidden_sitecustomize_still_runs(self):
        other = os.path.join(self.dir, "other")
        os.mkdir(other)
        with open(os.path.join(other, "sitecustomize.py"), "w") as f:
            f.write("print('their sitecustomize', flush=True)\n")
        p = self.launch(["--", sys.executable, self.train], {"PYTHONPATH": other})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("their sitecustomize", p.stdout)
        self.assertEqual(len(self.fake.calls("sync")), 1)

    def test_hook_is_inert_outside_the_launcher(self):
        env = support.package_env({"PYTHONPATH": os.pathsep.join(
            [launch.BOOT_DIR, STUB_TORCH, support.PYTHON_DIR])})
        code = "import torch.distributed as d; print(hasattr(d.init_process_group, '_srv6_bpf'))"
        p = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        self.assertEqual(p.stdout.strip(), "False")
        env["SRV6_BPF_LAUNCH"] = "1"
        p = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        self.assertEqual(p.stdout.strip(), "True")


if __name__ == "__main__":
    unittest.main()

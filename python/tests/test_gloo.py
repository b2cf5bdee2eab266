"""Real multi-process gloo jobs on loopback with the fake loader (needs torch: run with
/usr/bin/python3 and python3-torch; skipped otherwise)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

import support

WORKER = os.path.join(support.HERE, "gloo_worker.py")
JOB_TIMEOUT = 300  # a hang guard, not a measurement


@support.needs_torch
class GlooJob(unittest.TestCase):
    def setUp(self):
        self.fake = support.FakeLoader()
        self.addCleanup(self.fake.cleanup)
        self.out = tempfile.mkdtemp(prefix="srv6-bpf-py-gloo-")
        self.addCleanup(shutil.rmtree, self.out, True)

    def base_env(self, master="127.0.0.1", extra=None):
        family = socket.AF_INET6 if ":" in master else socket.AF_INET
        env = support.package_env(self.fake.env())
        env.update({"MASTER_ADDR": master, "MASTER_PORT": str(support.free_port(family)),
                    "GLOO_SOCKET_IFNAME": "lo", "BACKEND_INTERFACE": "lo",
                    "WORKER_OUT": self.out, "WORKER_MODE": "plugin"})
        env.update(extra or {})
        return env

    def run_ranks(self, envs, prefix=()):
        procs = []
        try:
            for env in envs:
                procs.append(subprocess.Popen(list(prefix) + [sys.executable, WORKER], env=env,
                                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                              universal_newlines=True))
            outputs = [p.communicate(timeout=JOB_TIMEOUT)[0] for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
        for p, out in zip(procs, outputs):
            self.assertEqual(p.returncode, 0, out)
        return self.records(), outputs

    def records(self):
        recs = {}
        for name in os.listdir(self.out):
            if not (name.startswith("rank") and name.endswith(".json")):
                continue
            with open(os.path.join(self.out, name)) as f:
                rec = json.load(f)
            recs[rec["rank"]] = rec
        return [recs[r] for r in sorted(recs)]

    def check_training(self, records):
        world = len(records)
        total = float(sum(range(1, world + 1)))
        for rec in records:
            self.assertEqual(rec["sum"], [total] * 4)
            self.assertEqual(rec["from_left"], float((rec["rank"] - 1) % world))

    def test_two_hosts_two_workers_ipv4(self):
        base = self.base_env("127.0.0.1", {"FAKE_SRV6_BPF_DELAY": "sync@nodeB:1.5"})
        envs = []
        for rank in range(4):
            env = dict(base, RANK=str(rank), WORLD_SIZE="4", LOCAL_RANK=str(rank % 2),
                       HOSTNAME="node" + "AB"[rank // 2],
                       SRV6_BPF_ADDRESS="127.0.0.%d" % (rank // 2 + 1))
            envs.append(env)
        records, _ = self.run_ranks(envs)
        self.assertEqual(len(records), 4)
        self.check_training(records)
        expected = [["nodeA", 0, "127.0.0.1", ["127.0.0.1"]],
                    ["nodeB", 2, "127.0.0.2", ["127.0.0.2"]]]
        for rec in records:
            self.assertIs(rec["returned"], True)
            self.assertEqual(rec["hosts"], expected)  # every rank, the same membership
        self.assertEqual([r["programmed_here"] for r in records], [True, False, True, False])
        syncs = self.fake.calls("sync")
        self.assertEqual(sorted(c["env"]["HOSTNAME"] for c in syncs), ["nodeA", "nodeB"])
        self.assertEqual(len(self.fake.calls("load")), 2)
        text = ("# srv6-bpf job membership: name rank address...\n"
                "nodeA 0 127.0.0.1\nnodeB 2 127.0.0.2\n")
        self.assertEqual([c["hosts"] for c in syncs], [text, text])
        # each host's loader ran in its LOCAL_RANK 0 process
        by_pid = {r["pid"]: r for r in records}
        for c in syncs + self.fake.calls("load"):
            self.assertEqual(by_pid[c["ppid"]]["local_rank"], "0")
        # the barrier: no rank went on before the slowest host was programmed
        last = max(c["end"] for c in syncs)
        for rec in records:
            self.assertGreater(rec["at"], last)

    def test_ipv6_master_is_bracketed_and_picks_ipv6_addresses(self):
        base = self.base_env("::1")
        envs = [dict(base, RANK=str(r), WORLD_SIZE="2", SRV6_BPF_ADDRESS="2001:db8::%d" % (r + 1))
                for r in range(2)]
        records, outputs = self.run_ranks(envs)
        self.check_training(records)
        for rec in records:
            self.assertIs(rec["returned"], True)
            self.assertEqual(rec["hosts"], [["host00", 0, "2001:db8::1", ["2001:db8::1"]],
                                            ["host01", 1, "2001:db8::2", ["2001:db8::2"]]])
        self.assertIn("init tcp://[::1]:%s" % base["MASTER_PORT"], outputs[0])
        self.assertEqual({c["env"]["MASTER_ADDR"] for c in self.fake.calls("sync")}, {"::1"})

    def test_processes_sharing_an_address_are_one_host(self):
        base = self.base_env("::1")
        envs = [dict(base, RANK=str(r), WORLD_SIZE="2") for r in range(2)]
        records, _ = self.run_ranks(envs)
        for rec in records:
            self.assertEqual(rec["hosts"], [["host00", 0, "::1", support.lo_addresses()]])
        self.assertEqual(len(self.fake.calls("sync")), 1)

    def test_failure_returns_false_everywhere_and_training_goes_on(self):
        base = self.base_env("127.0.0.1", self.fake.env(fail="sync@host01:1:srv6-bpf: API down"))
        envs = [dict(base, RANK=str(r), WORLD_SIZE="2", SRV6_BPF_ADDRESS="127.0.0.%d" % (r + 1))
                for r in range(2)]
        records, outputs = self.run_ranks(envs)
        self.check_training(records)
        self.assertEqual([r["returned"] for r in records], [False, False])
        self.assertIn("rank 1: host01: srv6-bpf failed: srv6-bpf: API down", outputs[1])

    def test_strict_raises_everywhere(self):
        base = self.base_env("127.0.0.1", self.fake.env(fail="sync@host01:1:srv6-bpf: API down"))
        base["WORKER_STRICT"] = "1"
        envs = [dict(base, RANK=str(r), WORLD_SIZE="2", SRV6_BPF_ADDRESS="127.0.0.%d" % (r + 1))
                for r in range(2)]
        records, _ = self.run_ranks(envs)
        for rec in records:
            self.assertNotIn("returned", rec)
            self.assertEqual(rec["raised"],
                             "srv6-bpf failed on 1 of 2 hosts (host01: srv6-bpf: API down)")

    def test_launcher_around_a_plain_script(self):
        base = self.base_env("127.0.0.1", {"WORKER_MODE": "plain"})
        envs = [dict(base, RANK=str(r), WORLD_SIZE="2", SRV6_BPF_ADDRESS="127.0.0.%d" % (r + 1))
                for r in range(2)]
        launcher = [sys.executable, "-m", "srv6_bpf.launch", "--source", "jalapeno-load", "--"]
        records, _ = self.run_ranks(envs, prefix=launcher)
        self.check_training(records)
        syncs = self.fake.calls("sync")
        self.assertEqual(sorted(c["env"]["HOSTNAME"] for c in syncs), ["host00", "host01"])
        for c in syncs:
            self.assertIn("jalapeno-load", c["argv"])
        last = max(c["end"] for c in syncs)
        self.assertTrue(all(rec["at"] > last for rec in records))

    def test_launcher_around_torchrun(self):
        env = self.base_env("127.0.0.1", {"WORKER_MODE": "plain", "HOSTNAME": "solo"})
        for key in ("MASTER_ADDR", "MASTER_PORT"):
            del env[key]
        port = support.free_port()
        # --redirects/--tee 1: Debian 12's torch 1.13 parses the default "0" to None under
        # Python 3.11 (Std.from_str) and torchrun fails before starting any worker.
        cmd = [sys.executable, "-m", "srv6_bpf.launch", "--", sys.executable, "-m",
               "torch.distributed.run", "--redirects", "1", "--tee", "1",
               "--log_dir", os.path.join(self.out, "torchrun-logs"),
               "--nnodes", "1", "--nproc_per_node", "2",
               "--master_addr", "127.0.0.1", "--master_port", str(port), WORKER]
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=JOB_TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stdout)
        records = self.records()
        self.check_training(records)
        syncs = self.fake.calls("sync")
        self.assertEqual(len(syncs), 1)  # two workers, one host: programmed once
        self.assertEqual(syncs[0]["hosts"], "# srv6-bpf job membership: name rank address...\n"
                                            "solo 0 %s\n" % " ".join(support.lo_addresses()))
        by_pid = {r["pid"]: r for r in records}
        self.assertEqual(by_pid[syncs[0]["ppid"]]["local_rank"], "0")
        self.assertTrue(all(rec["at"] > syncs[0]["end"] for rec in records))


SINGLE = """\
import os, sys
import torch.distributed as dist
from srv6_bpf import SRv6Error, SRv6Plugin
os.environ["MASTER_PORT"] = "not-a-port"
print("bad port:", SRv6Plugin().init_process_group())
try:
    SRv6Plugin(strict=True).init_process_group()
except SRv6Error as exc:
    print("strict:", exc)
os.environ["MASTER_PORT"] = sys.argv[1]
dist.init_process_group("gloo", init_method="tcp://127.0.0.1:%s" % sys.argv[1], rank=0,
                        world_size=1)
plugin = SRv6Plugin()
print("initialised already:", plugin.init_process_group(), plugin.hosts)
"""


@support.needs_torch
class PluginInit(unittest.TestCase):
    def test_init_failure_and_an_existing_process_group(self):
        fake = support.FakeLoader()
        self.addCleanup(fake.cleanup)
        env = support.package_env(fake.env())
        env.update({"MASTER_ADDR": "127.0.0.1", "RANK": "0", "WORLD_SIZE": "1",
                    "BACKEND_INTERFACE": "lo", "GLOO_SOCKET_IFNAME": "lo", "HOSTNAME": "one"})
        p = subprocess.run([sys.executable, "-c", SINGLE, str(support.free_port())], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=JOB_TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], "bad port: False")
        self.assertTrue(lines[1].startswith("strict: torch.distributed initialisation failed"),
                        lines[1])
        self.assertEqual(lines[2], "initialised already: True [Host(name='one', rank=0, "
                                   "address='127.0.0.1', addresses=%r)]" % support.lo_addresses())
        self.assertIn("torch.distributed initialisation failed", p.stderr)
        self.assertEqual(len(fake.calls("sync")), 1)


if __name__ == "__main__":
    unittest.main()

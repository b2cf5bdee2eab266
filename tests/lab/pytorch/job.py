"""One rank of the lab's gloo job (tests/kernel/test_pytorch.sh, bench/pytorch/run.sh).

Run in a host's namespace with Debian's python3 (torch) and PYTHONPATH=python:

  JOB_MODE=plugin  SRv6Plugin(strict=JOB_STRICT).init_process_group(backend='gloo'), with
                   the plugin's environment (RANK, WORLD_SIZE, MASTER_ADDR/PORT,
                   BACKEND_INTERFACE, HOSTNAME, JALAPENO_API_ENDPOINT, SRV6_BPF, ...);
  JOB_MODE=plain   torch.distributed.init_process_group('gloo') from the same variables
                   (the ECMP baseline: no srv6-bpf).

Then, unless the plugin refused (False or SRv6Error, recorded and the job ends there,
after a small all_reduce that shows the process group still works), the job:
JOB_WARMUP + JOB_STEPS all_reduces of JOB_NUMEL float32 (rank r holds
(i mod 1000) * (r + 1), so the sum is (i mod 1000) * world*(world+1)/2, exact in float32),
each started together after a barrier and timed, then one ring of send/recv of
(r + 1) * JOB_RING_NUMEL float32 from rank r to rank r+1 (values r + 1 + (i mod 7); the
sizes differ so that every flow's bytes tell it apart on the links). Every result is
checked element by element.

Under torchrun (several processes a host: RANK, LOCAL_RANK, LOCAL_WORLD_SIZE and
GROUP_RANK from torchrun) the same, each process with its own rank. JOB_LOG=1: the
process writes its own output (stdout and stderr) to JOB_DIR/rankN.log, as the
harness does for a rank it starts itself (torchrun's workers share its output).

rankN.json records what the harness checks: returned (or raised), the job's hosts, and
with the plugin programmed_here (this process ran the loader for its host), the
socket interfaces torch saw (GLOO_SOCKET_IFNAME, NCCL_SOCKET_IFNAME after
init_process_group), local_rank, and rank_hosts (every rank's HOSTNAME, rank order).
JOB_PEERS_AT_RETURN=1: also peers_at_return, the peers srv6-bpf had on
BACKEND_INTERFACE the moment init_process_group returned (SRV6_BPF -j route show).

JOB_DIR: where rank N writes rankN.json. With JOB_PAUSE=1 the job pauses twice so
that the harness can read counters while no job traffic flows: rank 0 creates
JOB_DIR/ready and waits for JOB_DIR/go before the job, creates JOB_DIR/done and waits
for JOB_DIR/finish after it (the other ranks wait in a barrier).
"""

import json
import os
import subprocess
import sys
import time

import torch
import torch.distributed as dist

env = os.environ
out_dir = env["JOB_DIR"]
record = {"rank": int(env.get("RANK", "0")), "host": env.get("HOSTNAME"),
          "local_rank": int(env.get("LOCAL_RANK", "0"))}
if env.get("JOB_LOG") == "1":
    log_fd = os.open(os.path.join(out_dir, "rank%d.log" % record["rank"]),
                     os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for fd in (1, 2):
        os.dup2(log_fd, fd)
    os.close(log_fd)


def write():
    with open(os.path.join(out_dir, "rank%d.json" % record["rank"]), "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)


def pause(signal_name, wait_name):
    """Rank 0 tells the harness (a file) and waits for its answer; everybody waits for
    rank 0 in a barrier. No job traffic flows meanwhile."""
    dist.barrier()
    if dist.get_rank() == 0:
        open(os.path.join(out_dir, signal_name), "w").close()
        wait = os.path.join(out_dir, wait_name)
        deadline = time.monotonic() + 300
        while not os.path.exists(wait):
            if time.monotonic() > deadline:
                raise SystemExit("job: no %s from the harness within 300 s" % wait_name)
            time.sleep(0.02)
    dist.barrier()


def check_equal(what, got, want):
    if not torch.equal(got, want):
        bad = (got != want).nonzero()
        i = int(bad[0][0])
        raise SystemExit("job: rank %d: %s: %d of %d values wrong, first at %d: %r, want %r"
                         % (record["rank"], what, bad.shape[0], want.numel(), i,
                            float(got[i]), float(want[i])))


if env.get("JOB_MODE") == "plugin":
    from srv6_bpf import SRv6Error, SRv6Plugin

    plugin = SRv6Plugin(strict=env.get("JOB_STRICT") == "1")
    try:
        record["returned"] = plugin.init_process_group(backend="gloo")
    except SRv6Error as exc:
        record["raised"] = "SRv6Error: %s" % exc
        write()
        sys.exit(3)
    if env.get("JOB_PEERS_AT_RETURN") == "1":
        shown = subprocess.run([env["SRV6_BPF"], "--bpffs", env["SRV6_BPF_BPFFS"], "-j", "route",
                                "show", "dev", env["BACKEND_INTERFACE"]],
                               stdout=subprocess.PIPE, text=True, check=True)
        record["peers_at_return"] = sorted(r["peer"] for r in json.loads(shown.stdout))
    record["hosts"] = [list(h) for h in plugin.hosts]
    record["programmed_here"] = bool(plugin.result and plugin.result.programmed_here)
else:
    master = env["MASTER_ADDR"].strip("[]")
    dist.init_process_group("gloo", init_method="tcp://%s:%s" % (
        "[%s]" % master if ":" in master else master, env["MASTER_PORT"]),
        rank=int(env["RANK"]), world_size=int(env["WORLD_SIZE"]))
    record["returned"] = None

rank, world = dist.get_rank(), dist.get_world_size()
record["socket_ifname"] = {v: env.get(v) for v in ("GLOO_SOCKET_IFNAME", "NCCL_SOCKET_IFNAME")}
rank_hosts = [None] * world
dist.all_gather_object(rank_hosts, record["host"])
record["rank_hosts"] = rank_hosts
if record.get("returned") is False:
    # The documented behaviour: training may go on, unsteered.
    t = torch.full((8,), float(rank + 1))
    dist.all_reduce(t)
    check_equal("all_reduce after False", t, torch.full((8,), float(world * (world + 1) // 2)))
    record["unsteered_all_reduce_ok"] = True
    write()
    dist.destroy_process_group()
    sys.exit(0)

numel = int(env.get("JOB_NUMEL", "2000000"))
ring_numel = int(env.get("JOB_RING_NUMEL", "1000000"))
steps = int(env.get("JOB_STEPS", "1"))
warmup = int(env.get("JOB_WARMUP", "0"))
base = torch.arange(numel, dtype=torch.int64).remainder(1000).to(torch.float32)
want = base * float(world * (world + 1) // 2)
record.update(numel=numel, ring_numel=ring_numel, world=world, steps=steps, warmup=warmup)

if env.get("JOB_PAUSE") == "1":
    pause("ready", "go")
durations = []
for step in range(warmup + steps):
    t = base * float(rank + 1)
    dist.barrier()
    start = time.perf_counter()
    dist.all_reduce(t)
    durations.append(time.perf_counter() - start)
    check_equal("all_reduce step %d" % step, t, want)
record["all_reduce_ok"] = True

right, left = (rank + 1) % world, (rank - 1) % world


def ring_pattern(r):
    n = ring_numel * (r + 1)
    return torch.arange(n, dtype=torch.int64).remainder(7).to(torch.float32) + float(r + 1)


got = torch.zeros(ring_numel * (left + 1))
dist.barrier()
start = time.perf_counter()
req = dist.isend(ring_pattern(rank), right)
dist.recv(got, left)
req.wait()
record["ring_seconds"] = time.perf_counter() - start
check_equal("ring from rank %d" % left, got, ring_pattern(left))
record["ring_ok"] = True

# Each step's time is the slowest rank's.
slowest = torch.tensor(durations, dtype=torch.float64)
dist.all_reduce(slowest, op=dist.ReduceOp.MAX)
record["all_reduce_seconds"] = slowest.tolist()[warmup:]
record["warmup_seconds"] = slowest.tolist()[:warmup]
record["all_reduce_bytes"] = numel * 4
record["ring_bytes"] = ring_numel * 4  # rank r sends r + 1 times this
if env.get("JOB_PAUSE") == "1":
    pause("done", "finish")
write()
dist.destroy_process_group()

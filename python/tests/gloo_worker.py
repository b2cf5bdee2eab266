"""One rank of the real gloo tests. WORKER_MODE=plugin uses SRv6Plugin; plain is an
unmodified training script (as run under the launcher). Writes WORKER_OUT/rankN.json."""

import json
import os
import sys
import time

import torch
import torch.distributed as dist

record = {"pid": os.getpid(), "local_rank": os.environ.get("LOCAL_RANK")}
if os.environ.get("WORKER_MODE") == "plugin":
    from srv6_bpf import SRv6Error, SRv6Plugin

    plugin = SRv6Plugin(strict=os.environ.get("WORKER_STRICT") == "1")
    try:
        record["returned"] = plugin.init_process_group()
    except SRv6Error as exc:
        record["raised"] = str(exc)
    if plugin.result is not None:
        record["hosts"] = [list(h) for h in plugin.hosts]
        record["programmed_here"] = plugin.result.programmed_here
else:
    dist.init_process_group("gloo")
record["at"] = time.monotonic()  # after the barrier
rank, world = dist.get_rank(), dist.get_world_size()
record["rank"] = rank
# the process group still works: an all_reduce and a ring of send/recv
t = torch.full((4,), float(rank + 1))
dist.all_reduce(t)
record["sum"] = t.tolist()
got = torch.zeros(1)
if rank % 2 == 0:
    dist.send(torch.tensor([float(rank)]), (rank + 1) % world)
    dist.recv(got, (rank - 1) % world)
else:
    dist.recv(got, (rank - 1) % world)
    dist.send(torch.tensor([float(rank)]), (rank + 1) % world)
record["from_left"] = got.item()
dist.destroy_process_group()
with open(os.path.join(os.environ["WORKER_OUT"], "rank%d.json" % rank), "w") as f:
    json.dump(record, f)
sys.exit(0)

"""A one-rank torch.distributed with only what srv6_bpf calls (tests only)."""

_backend = None


class GroupMember:
    WORLD = None


def init_process_group(backend=None, init_method=None, world_size=-1, rank=-1, **kwargs):
    global _backend
    _backend = backend or "gloo"
    GroupMember.WORLD = object()
    print("stub init_process_group %s %s" % (_backend, init_method), flush=True)


def is_initialized():
    return GroupMember.WORLD is not None


def get_rank():
    return 0


def get_world_size():
    return 1


def get_backend():
    return _backend


def is_gloo_available():
    return True


def new_group(backend=None):
    return None


def all_gather_object(out, obj, group=None):
    out[0] = obj

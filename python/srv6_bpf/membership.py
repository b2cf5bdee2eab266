"""Job membership: one entry per host, derived from every rank's node info.

Every rank runs these functions on the same gathered list, so every rank reaches the same
hosts, the same hosts file and the same choice of who programs each host, without talking.
A host is its backend addresses, one a family (IPv6 and IPv4 by default): processes that
share them (torchrun's several workers per machine) are one host, programmed once by the
lowest LOCAL_RANK (then the lowest rank). Its peers program every one of its addresses.
"""

import collections
import os
import re

from . import netinfo

# address: the one the host is named by (MASTER_ADDR's family where it has one);
# addresses: all of them, IPv6 first.
Host = collections.namedtuple("Host", "name rank address addresses")

# The loader's rule for a host name (it is also the vertex hosts/NAME).
_NAME = re.compile(r"[A-Za-z0-9._-]{1,63}\Z")


def local_host_name(rank, env=None):
    """HOSTNAME, else HOSTNAME_PREFIX (default 'host') + the node's number as two digits:
    torchrun's GROUP_RANK (the node rank) when set, else this process's rank. With one
    process per host this is the plugin's HOSTNAME_PREFIX + RANK."""
    env = os.environ if env is None else env
    name = env.get("HOSTNAME", "")
    if name:
        return name
    number = env.get("GROUP_RANK", "")
    number = int(number) if number.isdigit() else rank
    return "%s%02d" % (env.get("HOSTNAME_PREFIX", "") or "host", number)


def local_rank(env=None):
    env = os.environ if env is None else env
    text = env.get("LOCAL_RANK", "")
    return int(text) if text.isdigit() else 0


def host_addresses(options, master_family):
    """(the address this host is named by, [every address of it, IPv6 first]).

    The interface's best address of each of options.families, or the explicit ones
    (SRV6_BPF_ADDRESS; the interface is not read). The loader may still add a family
    the hosts file does not give from its path source (its rule: family by family)."""
    if options.address:
        found = {netinfo.family_of(a): a for a in options.addresses
                 if netinfo.family_of(a) in options.families}
    else:
        found = netinfo.backend_addresses(options.interface, options.families)
    named = found.get(master_family) or next(iter(found.values()))
    ordered = [found[f] for f in netinfo.FAMILY_ORDER if f in found]
    return named, ordered


def node_info(rank, options, master_family, env=None):
    """What this process tells the others: a dict of plain values (picklable, JSON-able).
    A failure to find the address is reported in 'error' rather than raised, so that this
    rank still takes part in the collective that follows."""
    info = {"rank": rank, "local_rank": local_rank(env), "hostname": None, "address": None,
            "addresses": [], "error": None}
    try:
        info["hostname"] = local_host_name(rank, env)
        if not _NAME.match(info["hostname"]):
            raise ValueError("host name %r is not valid: use 1-63 letters, digits, '.', '-' "
                             "or '_' (set HOSTNAME)" % info["hostname"])
        info["address"], info["addresses"] = host_addresses(options, master_family)
    except (netinfo.NetInfoError, ValueError, OSError) as exc:
        info["error"] = str(exc)
    return info


def host_key(addresses):
    """What makes processes one host: the same backend addresses."""
    return tuple(addresses)


def group_hosts(nodes):
    """(hosts sorted by rank, {host_key: rank of the process that programs it}).

    A host's rank is the lowest rank on it and its name that rank's host name; nodes must
    carry no 'error'. ValueError when two hosts share an address (two interfaces
    configured alike, or a wrong SRV6_BPF_ADDRESS): the loader would refuse the job."""
    by_key = collections.OrderedDict()
    for node in sorted(nodes, key=lambda n: n["rank"]):
        by_key.setdefault(host_key(node["addresses"]), []).append(node)
    hosts, programmers, owner = [], {}, {}
    for key, members in by_key.items():
        first = members[0]
        for address in key:
            if address in owner:
                raise ValueError("ranks %d and %d share the address %s but not the others "
                                 "(%s and %s)" % (owner[address][0], first["rank"], address,
                                                  " ".join(owner[address][1]), " ".join(key)))
            owner[address] = (first["rank"], key)
        hosts.append(Host(first["hostname"], first["rank"], first["address"], list(key)))
        programmers[key] = min(members, key=lambda n: (n["local_rank"], n["rank"]))["rank"]
    hosts.sort(key=lambda h: h.rank)
    return hosts, programmers


def hosts_file_text(hosts):
    """The loader's --hosts-file: one 'name rank address...' a line, in rank order."""
    lines = ["# srv6-bpf job membership: name rank address..."]
    lines += [" ".join([h.name, str(h.rank)] + h.addresses) for h in hosts]
    return "\n".join(lines) + "\n"

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The pyroute2 calls OpenStack's agents make for veth pairs (neutron's
ip_lib: IPRoute.link('add', kind='veth', peer={'ifname': ..., 'net_ns_fd':
...}), then link('set', net_ns_fd=...) to move an end, addresses, routes,
MTU, up) and what pyroute2 reads back, as 'NAME<TAB>VALUE' lines.
    pyroute2_veth.py setup | teardown | serve
Namespaces ct-pr1 and ct-pr2 exist beforehand (made by pyroute2.sh)."""
import os
import sys
import traceback

from pyroute2 import IPRoute, NetNS


def say(name, value, want=None):
    """One observation; with want, also an expectation (failures go to the
    file $CT_FAILS, as tests/containers/lib.sh's expect does)."""
    print("%s\t%s" % (name, value), flush=True)
    if want is not None and str(value) != str(want):
        with open(os.environ.get("CT_FAILS", "/dev/stderr"), "a") as f:
            f.write('FAIL\t%s\twanted "%s", got "%s"\n' % (name, want, value))


def step(name, fn, *args, want="ok", **kwargs):
    """Runs one netlink request; says "ok" or "error ERRNO", expected want."""
    try:
        fn(*args, **kwargs)
        res = "ok"
    except Exception as e:  # NetlinkError and OSError carry the errno.
        res = "error %s" % (getattr(e, "code", None) or type(e).__name__)
    say(name, res, want)


def describe(prefix, ipr, ifname):
    """What pyroute2 reads back of a link (no ifindex, MAC or nsid value)."""
    links = ipr.get_links(ifname=ifname) if ipr.link_lookup(ifname=ifname) else []
    if not links:
        say(prefix, "absent", "present")
        return
    link = links[0]
    info = link.get_attr("IFLA_LINKINFO")
    say(prefix + ".kind", info.get_attr("IFLA_INFO_KIND") if info else "-", "veth")
    for attr in ("IFLA_MTU", "IFLA_MIN_MTU", "IFLA_MAX_MTU", "IFLA_OPERSTATE", "IFLA_CARRIER",
                 "IFLA_NUM_TX_QUEUES", "IFLA_NUM_RX_QUEUES", "IFLA_TXQLEN", "IFLA_GSO_MAX_SIZE",
                 "IFLA_GSO_MAX_SEGS", "IFLA_GRO_MAX_SIZE", "IFLA_QDISC"):
        say("%s.%s" % (prefix, attr[5:].lower()), link.get_attr(attr))
    say(prefix + ".peer_in_other_netns", link.get_attr("IFLA_LINK_NETNSID") is not None, True)
    say(prefix + ".flags_up", bool(link["flags"] & 1), True)
    say(prefix + ".mtu_set", link.get_attr("IFLA_MTU"), 1450)


def setup():
    ipr = IPRoute()
    # Pair A, as neutron's add_veth does it: the peer made in its netns.
    step("a.add", ipr.link, "add", ifname="pra0", kind="veth",
         peer={"ifname": "pra1", "net_ns_fd": "ct-pr1"})
    # Pair B: both ends here, then one moved (neutron's set_netns).
    step("b.add", ipr.link, "add", ifname="prb0", kind="veth", peer="prb1")
    idx = ipr.link_lookup(ifname="prb1")
    say("b.peer_made_here", bool(idx), True)
    if idx:
        step("b.move", ipr.link, "set", index=idx[0], net_ns_fd="ct-pr2")
    # A name taken: the kernel's answer, as pyroute2 reports it.
    step("a.add_again", ipr.link, "add", ifname="pra0", kind="veth", peer="prx1", want="error 17")
    for ifname, addr in (("pra0", "10.66.1.1"), ("prb0", "10.66.2.1")):
        idx = ipr.link_lookup(ifname=ifname)
        if not idx:
            say(ifname + ".present", False, True)
            continue
        step(ifname + ".set_mtu", ipr.link, "set", index=idx[0], mtu=1450)
        step(ifname + ".add_addr", ipr.addr, "add", index=idx[0], address=addr, prefixlen=24)
        step(ifname + ".set_up", ipr.link, "set", index=idx[0], state="up")
    for ns, ifname, addr, gw in (("ct-pr1", "pra1", "10.66.1.2", "10.66.1.1"),
                                 ("ct-pr2", "prb1", "10.66.2.2", "10.66.2.1")):
        nsr = NetNS(ns)
        try:
            idx = nsr.link_lookup(ifname=ifname)
            say("%s.%s.present" % (ns, ifname), bool(idx), True)
            if idx:
                step(ifname + ".set_mtu", nsr.link, "set", index=idx[0], mtu=1450)
                step(ifname + ".add_addr", nsr.addr, "add", index=idx[0], address=addr, prefixlen=24)
                step(ifname + ".set_up", nsr.link, "set", index=idx[0], state="up")
                lo = nsr.link_lookup(ifname="lo")
                step(ns + ".lo_up", nsr.link, "set", index=lo[0], state="up")
                step(ns + ".default_route", nsr.route, "add", dst="0.0.0.0/0", gateway=gw)
            describe("%s.%s" % (ns, ifname), nsr, ifname)
        finally:
            nsr.close()
    for ifname in ("pra0", "prb0"):
        describe(ifname, ipr, ifname)
    ipr.close()


def teardown():
    ipr = IPRoute()
    for ifname in ("pra0", "prb0"):
        idx = ipr.link_lookup(ifname=ifname)
        if idx:
            step(ifname + ".del", ipr.link, "del", index=idx[0])
        else:
            say(ifname + ".del", "absent", "ok")
        say(ifname + ".after_del", "present" if ipr.link_lookup(ifname=ifname) else "absent", "absent")
    # Deleting one end took the other, in its namespace.
    for ns, ifname in (("ct-pr1", "pra1"), ("ct-pr2", "prb1")):
        nsr = NetNS(ns)
        try:
            say("%s.%s.after_del" % (ns, ifname), "present" if nsr.link_lookup(ifname=ifname) else "absent", "absent")
        finally:
            nsr.close()
    ipr.close()


def serve():
    """Runs the steps named on stdin, a line each, as they come: one Python
    start (pyroute2's import alone takes seconds in the debug VM) for the
    whole scenario. After each step a line "#done RC" (RC 0, or 1 with the
    traceback on stderr)."""
    for line in sys.stdin:
        rc = 0
        try:
            STEPS[line.strip()]()
        except Exception:  # The caller reads the failure from RC.
            traceback.print_exc()
            rc = 1
        print("#done %d" % rc, flush=True)


STEPS = {"setup": setup, "teardown": teardown}

if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve()
    else:
        STEPS[sys.argv[1]]()

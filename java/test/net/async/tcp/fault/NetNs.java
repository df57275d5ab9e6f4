/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A private host for one test: a network namespace joined to this one by a veth pair, on a /30
 * of 10.200.0.0/16 that exists only between the two ends.
 *
 * <pre>
 *   test JVM (host)                         namespace nfx-&lt;pid&gt;-&lt;n&gt;
 *   nfx&lt;pid&gt;h&lt;n&gt;  10.200.X.Y+1/30  ─veth─  nfx&lt;pid&gt;n&lt;n&gt;  10.200.X.Y+2/30, lo up
 * </pre>
 *
 * A blackhole route for the /30, behind the link's own route, keeps the subnet in this box: while
 * the host end is down its route is gone, and without the blackhole the kernel would send the
 * client's packets for the namespace to the default gateway.
 *
 * <p>Every name carries the creating JVM's pid in hex (the route: in its metric), so
 * {@link #removeStale()} deletes only what a JVM that no longer runs left behind. Deleting the
 * namespace deletes the veth end inside it, which deletes the pair. Needs root (CAP_NET_ADMIN,
 * CAP_SYS_ADMIN).
 */
final class NetNs implements AutoCloseable {
    private static final String PREFIX = "nfx";
    private static final long METRIC_BASE = 100_000_000; // + pid: ours, and far behind any real route

    final String name;
    final String hostLink;
    final String hostAddress;
    final String nsAddress;
    private final String nsLink;
    private final String subnet;
    private final String metric;

    private NetNs(String tag, int subnet) {
        String pid = String.format("%06x", ProcessHandle.current().pid());
        this.name = PREFIX + "-" + pid + "-" + tag;
        this.hostLink = PREFIX + pid + "h" + tag;
        this.nsLink = PREFIX + pid + "n" + tag;
        int third = subnet >> 6;
        int fourth = (subnet & 0x3f) << 2;
        this.hostAddress = "10.200." + third + "." + (fourth + 1);
        this.nsAddress = "10.200." + third + "." + (fourth + 2);
        this.subnet = "10.200." + third + "." + fourth + "/30";
        this.metric = Long.toString(METRIC_BASE + ProcessHandle.current().pid());
    }

    /**
     * Creates the namespace and the link, both up.
     *
     * @throws AssertionError naming what failed when this machine cannot make namespaces
     */
    static NetNs create() {
        removeStale();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        NetNs ns = new NetNs(String.format("%02x", random.nextInt(256)), random.nextInt(1 << 14));
        try {
            Shell.run("ip", "route", "add", "blackhole", ns.subnet, "metric", ns.metric);
            Shell.run("ip", "netns", "add", ns.name);
            Shell.run("ip", "link", "add", ns.hostLink, "type", "veth", "peer", "name", ns.nsLink);
            Shell.run("ip", "link", "set", ns.nsLink, "netns", ns.name);
            Shell.run("ip", "addr", "add", ns.hostAddress + "/30", "dev", ns.hostLink);
            Shell.run("ip", "link", "set", ns.hostLink, "up");
            ns.inside("ip", "addr", "add", ns.nsAddress + "/30", "dev", ns.nsLink);
            ns.inside("ip", "link", "set", ns.nsLink, "up");
            ns.inside("ip", "link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw new AssertionError("cannot create a network namespace with a veth pair; this test needs "
                    + "root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2, as in CI: " + e.getMessage(), e);
        }
    }

    /** The command prefix that runs a program inside the namespace. */
    List<String> exec() {
        return List.of("ip", "netns", "exec", name);
    }

    /** {@code ip link set <host end> down}: the link goes dark, packets vanish, nobody gets a RST. */
    void cut() {
        Shell.run("ip", "link", "set", hostLink, "down");
        Shell.Result route = Shell.tryRun("ip", "route", "get", nsAddress);
        if (route.exitCode() == 0) { // the blackhole makes this fail; anything else leaves the box
            heal();
            throw new IllegalStateException("with the link down, " + nsAddress + " routes elsewhere: " + route.output());
        }
    }

    /** {@code ip link set <host end> up}: the link and its route come back. */
    void heal() {
        Shell.run("ip", "link", "set", hostLink, "up");
    }

    /**
     * The namespace's end of the link goes down: packets to it vanish and nothing answers, not
     * even with a refusal, while the host end still routes to it: a black-holed host.
     */
    void darken() {
        inside("ip", "link", "set", nsLink, "down");
    }

    private void inside(String... command) {
        List<String> full = new ArrayList<>(exec());
        full.addAll(List.of(command));
        Shell.run(full.toArray(new String[0]));
    }

    /** Deletes the namespace (and with it the veth pair) and, if left over, the host end. */
    @Override
    public void close() {
        Shell.tryRun("ip", "netns", "delete", name);
        if (Shell.tryRun("ip", "link", "show", hostLink).exitCode() == 0) {
            Shell.tryRun("ip", "link", "delete", hostLink);
        }
        Shell.tryRun("ip", "route", "delete", "blackhole", subnet, "metric", metric);
    }

    /** Deletes namespaces and links of ours whose creating JVM is gone. */
    static void removeStale() {
        for (String line : Shell.run("ip", "netns", "list").split("\n")) {
            String ns = line.split(" ")[0];
            if (ns.startsWith(PREFIX + "-") && ownerGone(ns.substring(PREFIX.length() + 1, PREFIX.length() + 7))) {
                Shell.tryRun("ip", "netns", "delete", ns);
            }
        }
        for (String line : Shell.run("ip", "-o", "link", "show").split("\n")) {
            String[] fields = line.split(":\\s+|@");
            if (fields.length > 1 && fields[1].startsWith(PREFIX) && fields[1].length() == PREFIX.length() + 9
                    && ownerGone(fields[1].substring(PREFIX.length(), PREFIX.length() + 6))) {
                Shell.tryRun("ip", "link", "delete", fields[1]);
            }
        }
        for (String line : Shell.run("ip", "route", "show", "type", "blackhole").split("\n")) {
            String[] fields = line.trim().split("\\s+"); // blackhole 10.200.X.Y/30 metric M
            if (fields.length >= 4 && fields[1].startsWith("10.200.") && fields[2].equals("metric")) {
                long owner = Long.parseLong(fields[3]) - METRIC_BASE;
                if (owner > 0 && owner < (1 << 22) && ownerGone(Long.toHexString(owner))) {
                    Shell.tryRun("ip", "route", "delete", "blackhole", fields[1], "metric", fields[3]);
                }
            }
        }
    }

    private static boolean ownerGone(String pidHex) {
        try {
            return ProcessHandle.of(Long.parseLong(pidHex, 16)).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name + " (" + hostLink + " " + hostAddress + " <-> " + nsAddress + ")";
    }
}

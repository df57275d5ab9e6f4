/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.EventLoop;
import net.async.tcp.EventLoopOptions;
import net.async.tcp.Tcp;

/**
 * The server side of {@link ManyConnections}, in a JVM of its own so that its resident memory is
 * its connections' alone and each process stays under the file-descriptor limit. On an event
 * loop of {@code THREADS} threads (default 1) it echoes every message, net.async ({@code async}: a
 * user's {@code take!}/{@code put!} callbacks) or raw Netty ({@code netty}).
 *
 * <pre>
 * args:   async|netty [THREADS]
 * stdout: ready PORT RSS_KIB HEAP_KIB      after binding
 * stdin:  measure  → stdout: rss RSS_KIB HEAP_KIB
 * stdin:  quit or end of input → exit
 * </pre>
 *
 * <h3>Threading</h3>
 * The main thread talks to the parent; the echo callbacks run on core.async's threads.
 */
public final class ConnServer {
    private static int port;

    private ConnServer() {
    }

    public static void main(String[] args) throws Exception {
        // never closed: the exit closes every socket, and closing 10,000 one by one is not measured
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Object server = "async".equals(args[0]) ? asyncServer(threads) : nettyServer(threads);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + port + " " + memory());
        for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
            if (line.equals("measure")) {
                System.out.println("rss " + memory());
            }
        }
        System.exit(server != null ? 0 : 1);
    }

    private static Object asyncServer(int threads) throws Exception {
        EventLoop loop = Tcp.eventLoop(EventLoopOptions.builder().threads(threads).build());
        AcceptSocket server = Tcp.accept(loop, "127.0.0.1", 0, AcceptOptions.defaults());
        port = server.port();
        acceptNext(server.acceptChan());
        return loop;
    }

    private static void acceptNext(Object acceptChan) {
        Async.takeAsync(acceptChan, socket -> {
            if (socket != null) {
                echoNext(Async.readChan(socket), Async.writeChan(socket));
                acceptNext(acceptChan);
            }
        });
    }

    private static void echoNext(Object readChan, Object writeChan) {
        Async.takeAsync(readChan, value -> {
            if (value instanceof byte[]) {
                Async.putAsync(writeChan, value, ok -> echoNext(readChan, writeChan));
            } else if (value == net.async.tcp.impl.chan.Keywords.CONNECTED) {
                echoNext(readChan, writeChan);
            }
        });
    }

    private static Object nettyServer(int threads) {
        EventLoopGroup group = RawNetty.group("bench-netty-server", threads);
        Channel server = RawNetty.server(group, 0, RawNetty::echo);
        port = RawNetty.port(server);
        return server;
    }

    /**
     * Resident set size from /proc/self/status and heap in use, both after a GC and in KiB. The
     * parent starts this JVM with a fixed, pre-touched heap, so the RSS difference is the memory
     * outside the Java heap and the heap difference is the rest.
     */
    private static String memory() throws Exception {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
        return rssKib() + " " + heap;
    }

    /** {@return this process's resident set size in KiB (VmRSS from /proc/self/status), or -1 where there is none} */
    static long rssKib() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst().orElse(-1);
    }
}

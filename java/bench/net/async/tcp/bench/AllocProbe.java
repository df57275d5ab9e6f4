/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import clojure.java.api.Clojure;
import clojure.lang.AFunction;
import clojure.lang.IFn;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes allocated per request-reply round trip (issue 23), by thread group, for the plain Clojure
 * program of the clojure programs step: a client doing {@code >!!} then {@code <!!} on default
 * channels, an echo server thread doing {@code <!!} then {@code >!!}, 128 B messages.
 *
 * <pre>
 *   java -Xms2g -Xmx2g -cp … net.async.tcp.bench.AllocProbe [warm-up [round trips [runs]]]
 * </pre>
 *
 * Prints, per run, the bytes per round trip of the event-loop threads ({@code net-async-tcp-*}),
 * the client thread, the echo thread and every other thread, from HotSpot's per-thread counters
 * read just before and just after the measured round trips. Self-contained: the program is here,
 * as Clojure source, so that it does not move with the rest of the bench.
 *
 * <h2>Threading</h2>
 * The main thread is the client; the echo runs on a core.async {@code thread}.
 */
public final class AllocProbe {
    private static final String PROGRAM = """
            (ns net.async.tcp.bench.alloc-probe
              (:require [clojure.core.async :refer [>!! <!! thread]]))
            (use 'net.async.tcp)
            (defn request-reply [size warmup round-trips on-phase echo-thread]
              (let [server-loop (event-loop)
                    client-loop (event-loop)]
                (try
                  (let [acceptor (accept server-loop {:host "127.0.0.1" :port 0})
                        _        (thread
                                   (echo-thread (Thread/currentThread))
                                   (when-let [server (<!! (:accept-chan acceptor))]
                                     (loop []
                                       (when-let [msg (<!! (:read-chan server))]
                                         (when (bytes? msg)
                                           (>!! (:write-chan server) msg))
                                         (recur)))))
                        client   (connect client-loop {:host "127.0.0.1" :port (:port acceptor)})
                        _        (<!! (:read-chan client))]
                    (dotimes [i (+ warmup round-trips)]
                      (when (= i warmup)
                        (on-phase :measure))
                      (>!! (:write-chan client) (byte-array size))
                      (let [reply (<!! (:read-chan client))]
                        (when-not (bytes? reply)
                          (throw (IllegalStateException. (str "round trip " i ": got " reply))))))
                    (on-phase :done))
                  (finally
                    (shutdown! client-loop)
                    (shutdown! server-loop)))))
            """;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocProbe() {
    }

    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Clojure.var("clojure.core", "load-string").invoke(PROGRAM);
        IFn requestReply = Clojure.var("net.async.tcp.bench.alloc-probe", "request-reply");
        for (int run = 1; run <= runs; run++) {
            long[] echo = new long[1];
            Map<Long, Long> before = new HashMap<>();
            Map<String, Long> groups = new TreeMap<>();
            long[] nanos = new long[1];
            requestReply.invoke(128, warmup, count, new AFunction() {
                @Override
                public Object invoke(Object phase) {
                    if (phase.toString().equals(":measure")) {
                        System.err.println("measuring from " + java.time.Instant.now()); // for JFR
                        before.putAll(snapshot());
                        nanos[0] = System.nanoTime();
                    } else {
                        nanos[0] = System.nanoTime() - nanos[0];
                        System.err.println("measured until " + java.time.Instant.now());
                        snapshot().forEach((id, bytes) -> groups.merge(group(id, echo[0]),
                                bytes - before.getOrDefault(id, 0L), Long::sum));
                    }
                    return null;
                }
            }, new AFunction() {
                @Override
                public Object invoke(Object thread) {
                    echo[0] = ((Thread) thread).getId();
                    return null;
                }
            });
            long total = groups.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder line = new StringBuilder();
            groups.forEach((group, bytes) -> line.append(String.format(Locale.ROOT, " %s %d", group, bytes / count)));
            System.out.printf(Locale.ROOT, "run %d: %d B per round trip (%.1f us each):%s%n", run, total / count,
                    nanos[0] / 1e3 / count, line);
        }
        System.exit(0);
    }

    private static Map<Long, Long> snapshot() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byId = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                byId.put(ids[i], bytes[i]);
            }
        }
        return byId;
    }

    private static String group(long id, long echo) {
        if (id == Thread.currentThread().getId()) {
            return "client";
        }
        if (id == echo) {
            return "echo";
        }
        java.lang.management.ThreadInfo info = THREADS.getThreadInfo(id);
        String name = info == null ? "gone" : info.getThreadName();
        return name.startsWith("net-async-tcp") ? "loops" : "other(" + name.replaceAll("-?\\d+$", "") + ")";
    }
}

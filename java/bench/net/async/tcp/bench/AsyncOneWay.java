/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import net.async.tcp.impl.chan.Chans;

/**
 * One-way throughput of net.async as a user sees it: a writer thread puts {@code byte[]} on the
 * client's write-chan with {@code >!!}, the reader (the caller) takes them from the accepted
 * connection's read-chan with {@code <!!} and checks count and order. Client and server each have
 * their own event loop, as two processes would. With {@code session} both ends run in session
 * mode, so every message is kept until the server's acknowledgement frees it.
 *
 * <h3>Threading</h3>
 * {@link #run} blocks the caller and starts one writer thread; a {@link Watchdog} shuts the loops
 * down if a run overstays, which unblocks both threads.
 */
final class AsyncOneWay {
    private AsyncOneWay() {
    }

    /** Messages per second for at most {@code count} messages or {@code maxNanos}, in plain mode. */
    static double run(int size, int chanSlots, long count, long maxNanos) throws Exception {
        return run(size, chanSlots, count, maxNanos, false);
    }

    /** Messages per second for at most {@code count} messages or {@code maxNanos}; {@code session} at both ends. */
    static double run(int size, int chanSlots, long count, long maxNanos, boolean session) throws Exception {
        AcceptOptions.Builder accept = AcceptOptions.builder().session(session);
        ConnectOptions.Builder connect = ConnectOptions.builder().session(session);
        if (chanSlots > 0) {
            accept.readChanFactory(() -> Chans.chan(chanSlots));
            connect.writeChan(Chans.chan(chanSlots));
        }
        AcceptOptions acceptOptions = accept.build();
        ConnectOptions connectOptions = connect.build();
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop();
             Watchdog watchdog = Watchdog.after(maxNanos, serverLoop, clientLoop)) {
            AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, acceptOptions);
            watchdog.alsoClose(() -> Chans.close(server.acceptChan()));
            ClientSocket client = Tcp.connect(clientLoop, "127.0.0.1", server.port(), connectOptions);
            Object readChan = Async.readChan(Async.take(server.acceptChan()));
            long start = System.nanoTime();
            long deadline = start + maxNanos;
            Thread writer = new Thread(() -> {
                for (int seq = 0; seq < count && (seq % 1024 != 0 || System.nanoTime() < deadline); seq++) {
                    if (!Async.put(client.writeChan(), Messages.make(size, seq))) {
                        return;
                    }
                }
                Async.put(client.writeChan(), Messages.end(size));
            }, "bench-async-writer");
            writer.setDaemon(true);
            writer.start();
            long received = 0;
            while (true) {
                byte[] message = Async.takeBytes(readChan);
                if (message == null) {
                    throw new IllegalStateException("read-chan closed after " + received + " messages");
                }
                if (Messages.isEnd(message)) {
                    break;
                }
                Messages.check(message, received++);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            writer.join(1000);
            return received / seconds;
        }
    }
}

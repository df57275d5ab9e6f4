/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The JeroMQ reference (pure-Java ZeroMQ) over loopback TCP with its default high-water marks:
 * one-way throughput from PUSH to PULL, and request-reply latency from REQ to a REP echo. Every
 * message is one ZeroMQ frame holding the same bytes as net.async's.
 *
 * <h3>Threading</h3>
 * A ZeroMQ socket belongs to one thread at a time. {@link #oneWay} blocks the caller, who owns the
 * PULL socket; its writer thread owns the PUSH socket until the caller joins it. A
 * {@link #latencyClient}'s REQ socket is its user thread's; its REP socket is the echo thread's,
 * which closes it when {@code close()} terminates the context or after {@value #IDLE_MILLIS} ms idle.
 */
final class JeroMq {
    private static final String LOOPBACK = "tcp://127.0.0.1";
    private static final int IDLE_MILLIS = 10_000;
    private static final int REPLY_MILLIS = 5_000;

    private JeroMq() {
    }

    /** Messages per second for at most {@code count} messages or {@code maxNanos}. */
    static double oneWay(int size, long count, long maxNanos) throws Exception {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket pull = socket(context, SocketType.PULL);
            pull.setReceiveTimeOut(IDLE_MILLIS);
            int port = pull.bindToRandomPort(LOOPBACK);
            ZMQ.Socket push = socket(context, SocketType.PUSH);
            if (size >= 1024 * 1024) { // default high-water marks of 1,000 messages a side are 2 GiB here
                pull.setRcvHWM(ClojurePrograms.slots(size));
                push.setSndHWM(ClojurePrograms.slots(size));
            }
            // a writer whose reader has given up stops too, so that it is out of send() when the context closes
            push.setSendTimeOut(IDLE_MILLIS);
            push.connect(LOOPBACK + ":" + port);
            long start = System.nanoTime();
            long deadline = start + maxNanos;
            Thread writer = new Thread(() -> {
                for (int seq = 0; seq < count && (seq % 1024 != 0 || System.nanoTime() < deadline); seq++) {
                    if (!push.send(Messages.make(size, seq))) {
                        return;
                    }
                }
                push.send(Messages.end(size));
            }, "bench-jeromq-writer");
            writer.setDaemon(true);
            writer.start();
            try {
                long received = 0;
                while (true) {
                    byte[] message = pull.recv();
                    if (message == null) {
                        throw new IllegalStateException("nothing for " + IDLE_MILLIS + " ms after " + received
                                + " messages");
                    }
                    if (Messages.isEnd(message)) {
                        break;
                    }
                    Messages.check(message, received++);
                }
                return received / ((System.nanoTime() - start) / 1e9);
            } finally {
                // closing the context closes the writer's socket too: not while the writer is in send()
                writer.join(IDLE_MILLIS + 1000);
            }
        }
    }

    /** A REQ client of a REP echo thread; {@code roundTrip} waits at most {@value #REPLY_MILLIS} ms for a reply. */
    static Latency.Client latencyClient(int size) throws Exception {
        ZContext context = new ZContext();
        // Not managed by the context, whose close() would close it from the caller's thread while the echo
        // thread is in recv(): term() fails that recv() with ETERM instead and the echo thread closes it.
        ZMQ.Socket rep = context.getContext().socket(SocketType.REP);
        ZMQ.Socket req;
        try {
            rep.setLinger(0);
            rep.setReceiveTimeOut(IDLE_MILLIS);
            int port = rep.bindToRandomPort(LOOPBACK);
            req = socket(context, SocketType.REQ);
            req.setReceiveTimeOut(REPLY_MILLIS);
            req.connect(LOOPBACK + ":" + port);
        } catch (RuntimeException e) {
            rep.close();
            context.close();
            throw e;
        }
        Thread echo = new Thread(() -> {
            try (rep) {
                for (byte[] request; (request = rep.recv()) != null; ) {
                    rep.send(request);
                }
            } catch (ZMQException e) {
                if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) {
                    throw e;
                }
            }
        }, "bench-jeromq-echo");
        echo.setDaemon(true);
        echo.start();
        return new Latency.Client() {
            @Override
            public void roundTrip(int seq) {
                req.send(Messages.make(size, seq));
                byte[] reply = req.recv();
                if (reply == null) {
                    throw new IllegalStateException("no reply in " + REPLY_MILLIS + " ms");
                }
                Messages.check(reply, seq);
            }

            @Override
            public void close() {
                // closes req, then term() fails the echo thread's recv() with ETERM and returns once it has closed rep
                context.close();
            }
        };
    }

    private static ZMQ.Socket socket(ZContext context, SocketType type) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(0);
        return socket;
    }
}

/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;

/**
 * The chaos steps' server: takes each new session from accept-chan, pausing {@code pauseMillis}
 * after each as a busy server takes new clients only when it has room (the soak's slow accept
 * loop; 0 takes at once), and echoes it ({@link EchoSession}). A session that ends while its
 * client had not closed it, before the step stops, is a session lost.
 *
 * <h3>Threading</h3>
 * One thread of its own takes from accept-chan; the maps are concurrent, read by the step's thread.
 */
final class EchoAcceptor implements AutoCloseable {
    private final AcceptSocket acceptor;
    private final Payloads payloads;
    private final Tally tally;
    private final long pauseMillis;
    private final Thread thread;
    private final Map<Integer, EchoSession> byStream = new ConcurrentHashMap<>();
    private final Set<Integer> closing = ConcurrentHashMap.newKeySet(); // clients that close by agreement
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean running = true;

    EchoAcceptor(AcceptSocket acceptor, Payloads payloads, Tally tally, long pauseMillis) {
        this.acceptor = acceptor;
        this.payloads = payloads;
        this.tally = tally;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::acceptAll, "chaos-acceptor");
        thread.setDaemon(true);
        thread.start();
    }

    long accepted() {
        return accepted.get();
    }

    /** Client {@code stream} is closing by agreement: its session's end is no loss. */
    void closing(int stream) {
        closing.add(stream);
    }

    /** {@return the server session of {@code stream}, once it has said message 0; forgotten after} */
    EchoSession take(int stream) {
        return byStream.remove(stream);
    }

    EchoSession get(int stream) {
        return byStream.get(stream);
    }

    private void acceptAll() {
        while (running) {
            ClientSocket socket = acceptor.accept(Duration.ofMillis(100));
            if (socket == null) {
                continue;
            }
            accepted.incrementAndGet();
            EchoSession[] session = new EchoSession[1];
            session[0] = new EchoSession(socket, payloads, tally, stream -> byStream.put(stream, session[0]));
            session[0].closed().thenRun(() -> ended(session[0]));
            session[0].start();
            if (pauseMillis > 0) {
                try {
                    TimeUnit.MILLISECONDS.sleep(pauseMillis); // the workload: a server with little room for new clients
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void ended(EchoSession session) {
        if (running && !closing.contains(session.stream())) {
            tally.sessionsLost.incrementAndGet();
            tally.violation("server session " + session.stream() + " ended, its client had not closed it");
        }
    }

    /** Stops taking new sessions; what ends after this is the shutdown's doing, not a loss. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }

    /** Waits for the server session of a client that closed by agreement and checks it took every message. */
    CompletableFuture<Void> verifyClosed(EchoClient client) {
        EchoSession session = take(client.id());
        if (session == null) {
            if (client.sent() > 0) {
                tally.violation("client " + client.id() + " closed, its server session never said message 0");
                tally.lost.addAndGet(client.sent());
            }
            return CompletableFuture.completedFuture(null);
        }
        return session.closed().thenAccept(received -> {
            if (received != client.sent()) {
                tally.lost.addAndGet(Math.max(0, client.sent() - received));
                tally.violation("client " + client.id() + " sent " + client.sent() + ", its session took " + received);
            }
        });
    }
}

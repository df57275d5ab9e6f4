/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.concurrent.CompletableFuture;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;
import net.async.tcp.fault.Fault;
import net.async.tcp.impl.chan.Chans;
import org.HdrHistogram.Histogram;

/**
 * The client end of one chaos pair: streams numbered {@link Payloads} with at most {@code window}
 * unechoed (and, when paced, no more than its credits), checks every echo is the next one, and
 * times each cut of its links ({@link CutClock}). Closing is by agreement: it stops writing, waits
 * for every echo, then closes its write-chan and waits for {@code :closed}.
 *
 * <h3>Threading</h3>
 * Its state is guarded by its lock: events and write completions come on core.async's threads,
 * cuts on the proxy's thread, credits and closing from the step's thread.
 */
final class EchoClient {
    private final int id;
    private final ClientSocket socket;
    private final Payloads payloads;
    private final int window;
    private final boolean paced;
    private final Tally tally;
    private final Histogram outages; // :disconnected → next message, microseconds; synchronized
    private final CutClock clock;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private long sent;
    private long echoed;
    private long credits;
    private boolean putting;
    private boolean closing;
    private boolean stopped;
    private boolean writeChanClosed;

    EchoClient(int id, ClientSocket socket, Payloads payloads, int window, boolean paced, Tally tally,
               Recoveries recoveries, Histogram outages) {
        this.id = id;
        this.socket = socket;
        this.payloads = payloads;
        this.window = window;
        this.paced = paced;
        this.tally = tally;
        this.outages = outages;
        this.clock = new CutClock(recoveries);
        this.credits = paced ? 1 : 0; // message 0 goes at once: every server session learns its stream
    }

    int id() {
        return id;
    }

    ClientSocket socket() {
        return socket;
    }

    void start() {
        ChanReader.read(socket.readChan(), this::event);
        pump();
    }

    synchronized void cut(Fault kind) {
        if (!closing) {
            clock.cut(kind);
        }
    }

    /** Paced pairs may write {@code n} more messages. */
    void credit(long n) {
        synchronized (this) {
            credits = Math.min(credits + n, window);
        }
        pump();
    }

    /** Writes no more, so that a step can wait for every echo. */
    synchronized void stopWriting() {
        stopped = true;
    }

    /** Stops writing; once every echo is back, closes the write-chan. {@return completes at :closed} */
    CompletableFuture<Void> closeByAgreement() {
        synchronized (this) {
            closing = true;
        }
        closeIfDrained();
        return closed;
    }

    synchronized long sent() {
        return sent;
    }

    synchronized long echoed() {
        return echoed;
    }

    synchronized int openCuts() {
        return clock.open();
    }

    private boolean event(Object value) {
        Event event = Event.of(value);
        switch (event.kind()) {
            case CONNECTED -> {
                tally.connected.incrementAndGet();
                synchronized (this) {
                    clock.connected();
                }
            }
            case DISCONNECTED -> {
                synchronized (this) {
                    clock.disconnected();
                }
            }
            case SESSION_LOST -> {
                tally.sessionsLost.incrementAndGet();
                tally.violation("client " + id + ": :session-lost");
            }
            case CLOSED -> {
                closed.complete(null);
                return false;
            }
            case MESSAGE -> {
                echo(event.payload());
                pump();
                closeIfDrained();
            }
        }
        return true;
    }

    private void echo(byte[] payload) {
        long outage;
        synchronized (this) {
            long next = tally.order("client " + id, echoed, Payloads.seqOf(payload));
            if (next == echoed + 1 && !payloads.matches(payload, id, echoed)) {
                tally.corrupt.incrementAndGet();
                tally.violation("client " + id + ": echo #" + echoed + " not as sent (" + payload.length + " bytes)");
            }
            if (next != echoed) {
                tally.echoed.incrementAndGet();
            }
            echoed = Math.max(echoed, next);
            outage = clock.delivered();
        }
        if (outage > 0) {
            outages.recordValue(Math.max(1, outage / 1000));
        }
    }

    /** Writes what the window and credits allow: offer! while taken at once, then one put! whose completion goes on. */
    private void pump() {
        while (true) {
            byte[] message;
            synchronized (this) {
                if (putting || closing || stopped || sent - echoed >= window || (paced && credits <= 0)) {
                    return;
                }
                message = payloads.message(id, sent);
                sent++;
                credits--;
                tally.sent.incrementAndGet();
                if (!Chans.offer(socket.writeChan(), message)) {
                    putting = true;
                    Chans.put(socket.writeChan(), message, ok -> {
                        synchronized (this) {
                            putting = false;
                        }
                        if (ok) {
                            pump();
                        }
                    });
                    return;
                }
            }
        }
    }

    private void closeIfDrained() {
        synchronized (this) {
            if (!closing || writeChanClosed || putting || echoed < sent) {
                return;
            }
            writeChanClosed = true;
        }
        socket.close();
    }
}

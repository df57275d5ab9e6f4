/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;
import net.async.tcp.impl.chan.Chans;

/**
 * The server end of one chaos pair: checks that its client's {@link Payloads} arrive each once
 * and in order (the stream named by message 0) and echoes every one, in order. A session that
 * ends before its client closed it counts as lost.
 *
 * <h3>Threading</h3>
 * Its state is guarded by its lock: events and write completions come on core.async's threads.
 */
final class EchoSession {
    private final ClientSocket socket;
    private final Payloads payloads;
    private final Tally tally;
    private final java.util.function.IntConsumer named; // told the stream once message 0 names it
    private final ArrayDeque<byte[]> toEcho = new ArrayDeque<>();
    private final CompletableFuture<Long> closed = new CompletableFuture<>();
    private int stream = -1;
    private long received;
    private boolean putting;

    EchoSession(ClientSocket socket, Payloads payloads, Tally tally, java.util.function.IntConsumer named) {
        this.socket = socket;
        this.payloads = payloads;
        this.tally = tally;
        this.named = named;
    }

    void start() {
        ChanReader.read(socket.readChan(), this::event);
    }

    /** {@return completes with the messages received once the session has ended} */
    CompletableFuture<Long> closed() {
        return closed;
    }

    synchronized int stream() {
        return stream;
    }

    synchronized long received() {
        return received;
    }

    private boolean event(Object value) {
        Event event = Event.of(value);
        if (event.kind() == Event.Kind.CLOSED) {
            synchronized (this) {
                closed.complete(received);
            }
            return false;
        }
        if (event.isMessage()) {
            receive(event.payload());
            pump();
        }
        return true;
    }

    private synchronized void receive(byte[] payload) {
        if (stream < 0) {
            stream = Payloads.streamOf(payload);
            if (stream < 0) {
                tally.violation("a server session began with a message other than #0 (" + payload.length + " bytes)");
                tally.lost.incrementAndGet();
                return;
            }
            named.accept(stream);
        }
        long next = tally.order("server session " + stream, received, Payloads.seqOf(payload));
        if (next == received) {
            return; // a repeat: not echoed, so the client sees only the first
        }
        if (next == received + 1 && !payloads.matches(payload, stream, received)) {
            tally.corrupt.incrementAndGet();
            tally.violation("server session " + stream + ": #" + received + " not as sent");
        }
        received = next;
        tally.received.incrementAndGet();
        toEcho.add(payload);
    }

    /** Echoes in order: {@code offer!} while taken at once, then one {@code put!} whose completion goes on. */
    private void pump() {
        while (true) {
            synchronized (this) {
                if (putting || toEcho.isEmpty()) {
                    return;
                }
                byte[] echo = toEcho.poll();
                if (!Chans.offer(socket.writeChan(), echo)) {
                    putting = true;
                    Chans.put(socket.writeChan(), echo, ok -> {
                        synchronized (this) {
                            putting = false;
                            if (!ok) {
                                toEcho.clear(); // the session has ended
                            }
                        }
                        pump();
                    });
                    return;
                }
            }
        }
    }
}

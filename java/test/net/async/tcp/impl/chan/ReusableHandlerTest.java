/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.async.tcp.Chan;
import org.junit.jupiter.api.Test;

/**
 * One {@link ReusableHandler} for take after take, and put after put, on real core.async
 * channels, with a hand-run loop: each operation is committed once, its result reaches the loop
 * once, and a handler is never armed while its last operation is outstanding.
 */
class ReusableHandlerTest {
    private final ManualLoop loop = new ManualLoop();
    private final List<Object> results = new ArrayList<>();
    private final ReusableHandler handler = new ReusableHandler(loop, results::add);

    @Test
    void aTakeThatWaitsGetsItsValueOnTheLoopOnceAndNotAgainWhenTheChannelCloses() {
        Object chan = Chans.chan();
        assertSame(ReusableHandler.PENDING, Chans.take(chan, handler));
        assertTrue(Chan.offer(chan, "a"), "the waiting take takes it");
        loop.runNext();
        assertEquals(List.of("a"), results);
        Chans.close(chan);
        assertTrue(loop.isIdle(), "a committed take is off the channel's queue: close! does not call it back");
        assertNull(Chans.take(chan, handler), "closed and drained, at once");
    }

    @Test
    void armingAgainWhileAnOperationIsOutstandingFails() {
        Object chan = Chans.chan();
        assertSame(ReusableHandler.PENDING, Chans.take(chan, handler));
        assertThrows(IllegalStateException.class, () -> Chans.take(chan, handler));
        Chans.close(chan); // the waiting take sees the close
        loop.runNext();
        assertEquals(java.util.Collections.singletonList(null), results);
    }

    @Test
    void tenThousandTakesOfOneHandlerSeeEveryValueOnceInOrder() throws InterruptedException {
        int count = 10_000;
        Object chan = Chans.chan();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                Chans.blockingPut(chan, i);
            }
            Chans.close(chan);
        });
        writer.setDaemon(true); // never outlives a failed test
        writer.start();
        List<Object> seen = new ArrayList<>();
        while (true) {
            Object value = Chans.take(chan, handler);
            if (value == ReusableHandler.PENDING) {
                loop.runNext();
                value = results.remove(0);
            }
            if (value == null) {
                break;
            }
            seen.add(value);
        }
        writer.join(Chan.WAIT.toMillis());
        assertEquals(count, seen.size());
        for (int i = 0; i < count; i++) {
            assertEquals(i, seen.get(i));
        }
        assertTrue(loop.isIdle(), "every result reached the loop once");
    }

    @Test
    void aPutDoneAtOnceSaysTrueOneThatWaitsIsAnsweredOnTheLoopAndAClosedChannelSaysFalse() {
        Object chan = Chans.chan(1);
        assertEquals(Boolean.TRUE, Chans.put(chan, "buffered", handler));
        assertSame(ReusableHandler.PENDING, Chans.put(chan, "waits", handler));
        assertEquals("buffered", Chan.poll(chan)); // makes room: the waiting put completes
        loop.runNext();
        assertEquals(List.of(Boolean.TRUE), results);
        Chans.close(chan);
        assertEquals(Boolean.FALSE, Chans.put(chan, "late", handler));
        assertEquals("waits", Chan.poll(chan));
        assertTrue(loop.isIdle());
    }
}

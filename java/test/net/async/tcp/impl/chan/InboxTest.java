/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.async.tcp.Chan;
import org.junit.jupiter.api.Test;

/**
 * {@link Inbox} against real core.async channels, with a hand-run loop: offer first, then a single
 * pending put with the valve (auto-read) closed, order kept, valve reopened once the user caught up.
 */
class InboxTest {
    private final ManualLoop loop = new ManualLoop();
    private final List<Boolean> valve = new ArrayList<>();
    private final List<Object> dropped = new ArrayList<>();

    private Inbox inboxOn(Object chan) {
        return new Inbox(chan, loop, valve::add, dropped::add);
    }

    @Test
    void offersStraightIntoAChannelWithRoomAndLeavesTheValveOpen() {
        Object chan = Chan.chan(2);
        Inbox inbox = inboxOn(chan);
        inbox.deliver("a");
        inbox.deliver("b");
        assertEquals(List.of(), valve);
        assertFalse(inbox.isBackedUp());
        assertEquals("a", Chan.poll(chan));
        assertEquals("b", Chan.poll(chan));
    }

    @Test
    void backlogClosesTheValveKeepsTheOrderAndReopensTheValveOnceTaken() {
        Object chan = Chan.chan(); // unbuffered, and nobody is taking yet
        Inbox inbox = inboxOn(chan);
        for (int i = 1; i <= 3; i++) {
            inbox.deliver(i);
        }
        assertEquals(List.of(false), valve);
        assertTrue(inbox.isBackedUp());
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, Chan.take(chan));
            loop.runNext(); // the put's callback, hopped onto the loop
        }
        assertEquals(List.of(false, true), valve);
        assertFalse(inbox.isBackedUp());
        assertTrue(loop.isIdle(), "one pending put at a time: no callback left over");
    }

    @Test
    void stagedValuesWaitForTheFlushAndKeepTheirPlaceBeforeLaterEvents() {
        Object chan = Chan.chan(8);
        Inbox inbox = inboxOn(chan);
        inbox.stage(Chan.bytes("a"));
        inbox.stage(Chan.bytes("b"));
        assertNull(Chan.poll(chan), "nothing reaches the channel before the read batch ends");
        inbox.flush();
        inbox.stage(Chan.bytes("c"));
        inbox.deliver("event"); // an event after a staged value flushes it first
        inbox.stage(Chan.bytes("d"));
        inbox.closeWhenDrained(); // and so does closing
        for (String expected : List.of("a", "b", "c", "event", "d")) {
            assertEquals(expected, Chan.take(chan)); // take reads byte[] as UTF-8
        }
        assertNull(Chan.take(chan), "closed once drained");
        assertEquals(List.of(), valve);
    }

    @Test
    void aFlushThatOverflowsTheChannelBacklogsTheRestInOrder() {
        Object chan = Chan.chan(1);
        Inbox inbox = inboxOn(chan);
        for (int i = 1; i <= 3; i++) {
            inbox.stage(Chan.bytes("m" + i));
        }
        inbox.flush();
        assertEquals(List.of(false), valve);
        for (int i = 1; i <= 3; i++) {
            assertEquals("m" + i, Chan.take(chan)); // take reads byte[] as UTF-8
            if (i < 3) {
                loop.runNext();
            }
        }
        assertEquals(List.of(false, true), valve);
    }

    @Test
    void stagingFlushesByItselfOnce16KiBAreHeldSoThatAFullChannelStopsTheReadsEarly() {
        Object chan = Chan.chan(1);
        Inbox inbox = inboxOn(chan);
        for (int i = 0; i < 15; i++) {
            inbox.stage(new byte[1024]);
        }
        assertNull(Chan.poll(chan), "under 16 KiB staged: still waiting for the end of the read batch");
        assertEquals(List.of(), valve);
        inbox.stage(new byte[1024]);
        assertEquals(List.of(false), valve, "the 16th KiB flushes, the channel is full, the valve closes");
        assertTrue(inbox.isBackedUp());
    }

    @Test
    void closeWhenDrainedClosesTheChannelOnlyAfterTheBacklogIsTaken() {
        Object chan = Chan.chan(1);
        Inbox inbox = inboxOn(chan);
        inbox.deliver("a");
        inbox.deliver("b");
        inbox.closeWhenDrained();
        assertEquals("a", Chan.take(chan));
        loop.runNext();
        assertEquals("b", Chan.take(chan));
        assertNull(Chan.take(chan), "closed once drained");
        assertEquals(List.of(false, true), valve);
    }

    @Test
    void valuesDeliveredAfterCloseWhenDrainedAreDropped() {
        Object chan = Chan.chan();
        Inbox inbox = inboxOn(chan);
        inbox.closeWhenDrained();
        inbox.deliver("late");
        assertEquals(List.of("late"), dropped);
        assertNull(Chan.take(chan));
    }

    @Test
    void channelClosedByTheUserDropsTheBacklogAndReopensTheValve() {
        Object chan = Chan.chan();
        Chan.close(chan);
        Inbox inbox = inboxOn(chan);
        inbox.deliver("x");
        inbox.deliver("y");
        loop.runNext(); // put! on a closed channel answers false at once
        assertEquals(List.of("x", "y"), dropped);
        assertEquals(List.of(false, true), valve);
        inbox.deliver("z");
        assertEquals(List.of("x", "y", "z"), dropped);
    }
}

/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.async.tcp.impl.link.SessionSettings;
import net.async.tcp.impl.wire.SessionId;
import org.junit.jupiter.api.Test;

/** The positions of a session, counted in one place each way, and when they make an ack. */
class SessionCountersTest {
    private static final int OVERHEAD = ReplayBuffer.MESSAGE_OVERHEAD_BYTES;

    @Test
    void theReplayBufferNumbersKeepsAndForgetsInOrder() {
        ReplayBuffer buffer = new ReplayBuffer(1000);
        byte[] a = {1};
        byte[] b = {2, 2};
        byte[] c = {3, 3, 3};
        buffer.retain(a);
        buffer.retain(new byte[0]); // a heartbeat: not a message
        buffer.retain(b);
        buffer.retain(c);
        assertEquals(3, buffer.sent());
        assertEquals(6 + 3 * OVERHEAD, buffer.bytes());
        assertNull(buffer.onWritten(3), "the socket taking it frees nothing");
        assertTrue(buffer.ackTo(2));
        assertArrayEquals(new byte[][] {c}, buffer.toResend());
        assertTrue(buffer.ackTo(1), "an older ack changes nothing");
        assertEquals(1, buffer.size());
        assertFalse(buffer.ackTo(4), "an ack beyond what was sent is corruption");
        assertEquals(3 + OVERHEAD, buffer.bytes());
    }

    @Test
    void theBufferIsFullOnceItsBytesReachTheCapacityAndNotBefore() {
        ReplayBuffer buffer = new ReplayBuffer(2 * (10 + OVERHEAD));
        buffer.retain(new byte[10]);
        assertTrue(buffer.mayTake(true));
        buffer.retain(new byte[10]);
        assertFalse(buffer.mayTake(true));
        assertFalse(buffer.mayTake(false), "linked or not");
        buffer.ackTo(1);
        assertTrue(buffer.mayTake(false));
    }

    @Test
    void aNewSessionRenumbersWhatWasNotAcknowledged() {
        Session session = client();
        for (int i = 0; i < 5; i++) {
            session.outbound().retain(new byte[] {(byte) i});
        }
        session.outbound().ackTo(3);
        SessionId old = session.id();
        session.restart();
        assertNotEquals(old, session.id(), "a new session, a new id");
        assertFalse(session.hello().resume(), "it is opened, not resumed");
        assertEquals(2, session.outbound().sent(), "messages 4 and 5 are the new session's 1 and 2");
        assertEquals(0, session.outbound().acked());
    }

    @Test
    void anEarlierSessionsMessagesStillInTheInboxAreNotAcknowledgedInTheNextOne() {
        Session session = client();
        session.countReceived();
        session.countReceived();
        session.countReceived();
        session.delivered(new byte[1]);
        session.ack();
        session.restart(); // two of the old session still wait in the inbox
        session.welcomed(4096);
        session.delivered(new byte[1]);
        session.delivered(new byte[1]);
        assertFalse(session.ackPending(), "those two were not the new session's");
        session.countReceived();
        session.delivered(new byte[1]);
        assertTrue(session.ackPending());
        assertEquals(1, session.ack().delivered());
    }

    @Test
    void anAckIsDueAtOnceAfterAQuarterOfThePeersWindow() {
        Session session = new Session(new SessionSettings(1000, 4096), SessionId.random());
        session.welcomed(4 * (100 + OVERHEAD) * 3);
        boolean due = false;
        for (int i = 0; i < 3; i++) {
            session.countReceived();
            due = session.delivered(new byte[100]);
            assertEquals(i == 2, due, "message " + i);
        }
        assertEquals(3, session.ack().delivered());
        assertFalse(session.ackPending());
        session.countReceived();
        assertFalse(session.delivered(new byte[100]), "counting starts again after an ack");
    }

    @Test
    void theHelloOpensUntilTheServerWelcomedTheSessionThenResumesWhereTheClientIs() {
        Session session = new Session(new SessionSettings(1000, 4096), SessionId.random());
        SessionId id = session.id();
        assertFalse(session.hello().resume(), "not welcomed yet: open it (again, if a WELCOME was lost)");
        assertEquals(id, session.hello().id());
        session.welcomed(100);
        session.countReceived();
        assertTrue(session.hello().resume());
        assertEquals(id, session.hello().id());
        assertEquals(1, session.hello().received());
        assertEquals(4096, session.hello().window());
    }

    private static Session client() {
        Session session = new Session(new SessionSettings(1000, 4096), SessionId.random());
        session.welcomed(4096);
        return session;
    }
}

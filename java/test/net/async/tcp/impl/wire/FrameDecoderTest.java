/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import net.async.tcp.Frames;
import org.junit.jupiter.api.Test;

/** What comes after a bad length in the same read: it must never be decoded, not even on close. */
class FrameDecoderTest {
    @Test
    void aWholeFrameAfterAnOversizeOneIsNotDeliveredOnClose() {
        assertNothingAfter(Frames.concat(Frames.frame(1), Frames.frame(2000), Frames.frame(3)));
    }

    @Test
    void aWholeFrameAfterAnOversizeHeaderIsNotDelivered() {
        // the decoder is discarding the 5000 announced bytes; the frame inside them is not a frame
        assertNothingAfter(Frames.concat(Frames.frame(1), Frames.header(5000), Frames.frame(3)));
    }

    private static void assertNothingAfter(byte[] stream) {
        List<Object> seen = ControlFrameTest.decode(false, stream);
        assertEquals(2, seen.size(), "the first frame, then the failure, then nothing: " + seen);
        assertInstanceOf(byte[].class, seen.get(0));
        assertInstanceOf(TooLongFrameException.class, seen.get(1));
    }
}

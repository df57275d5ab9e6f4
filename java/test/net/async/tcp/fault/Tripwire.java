/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import net.async.tcp.fault.FaultProxy.Direction;

/**
 * A {@link FaultProxy}'s watch for a pattern of bytes going one way: the next {@code times}
 * chunks that carry it trip it, and their links are reset instead of relayed.
 *
 * <h2>Threading</h2>
 * Set from the test's thread, checked on the proxy's loop; what is left to fire is atomic.
 */
final class Tripwire {
    /** Watches nothing. */
    static final Tripwire NONE = new Tripwire(new byte[0], Direction.UPSTREAM, 0);

    private final byte[] pattern;
    private final Direction direction;
    private final AtomicInteger left;

    Tripwire(byte[] pattern, Direction direction, int times) {
        this.pattern = pattern.clone();
        this.direction = direction;
        this.left = new AtomicInteger(times);
    }

    /** {@return whether {@code chunk}, going {@code way}, carries the pattern while the wire has trips left; uses one} */
    boolean trips(Direction way, ByteBuf chunk) {
        if (way != direction || left.get() <= 0) {
            return false;
        }
        byte[] bytes = ByteBufUtil.getBytes(chunk);
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return left.getAndDecrement() > 0;
            }
        }
        return false;
    }

    /** {@return how many trips are left} */
    int left() {
        return Math.max(0, left.get());
    }
}

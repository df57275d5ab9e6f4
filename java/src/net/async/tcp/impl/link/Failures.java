/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.net.ConnectException;
import javax.net.ssl.SSLException;
import net.async.tcp.Stats;
import net.async.tcp.impl.wire.SessionMismatchException;
import org.slf4j.Logger;

/**
 * Logs a failure at the level it deserves. Network trouble is routine and becomes a state change
 * ({@code :disconnected}, {@code :closed}); bad input from a peer is worth a warning; anything
 * else is a bug and keeps its stack trace.
 *
 * <h2>Threading</h2>
 * Stateless.
 */
public final class Failures {
    private Failures() {
    }

    public static void log(Logger log, Object connection, Throwable cause) {
        if (cause instanceof ConnectException) {
            log.debug("{} cannot connect: {}", connection, cause.getMessage());
        } else if (cause instanceof IOException) {
            log.debug("{} connection lost: {}", connection, cause.getMessage());
        } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            log.debug("{} TLS failure: {}", connection, reason(cause));
        } else if (cause instanceof SessionMismatchException) {
            log.warn("{} session mode mismatch, dropping the connection: {}", connection, cause.getMessage());
        } else if (cause instanceof DecoderException) {
            log.warn("{} bad frame from peer, dropping the connection: {}", connection, reason(cause));
        } else {
            log.warn("{} unexpected failure, dropping the connection", connection, cause);
        }
    }

    /** {@return why a link went down, for the numbers: what this failure means for it} */
    static Stats.Cause cause(Throwable cause) {
        if (cause instanceof SSLException || cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            return Stats.Cause.TLS;
        }
        return cause instanceof DecoderException ? Stats.Cause.BAD_FRAME : Stats.Cause.RESET;
    }

    /** The innermost cause, as {@code SimpleName: message}, without the wrapping layers. */
    public static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}

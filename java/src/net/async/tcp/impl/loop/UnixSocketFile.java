/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.loop;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file of a Unix domain socket an acceptor is about to bind. A process that dies without
 * closing its listening socket leaves the file behind, and binding over it fails; so, as servers
 * usually do, a leftover socket nobody listens on is removed first. A socket somebody still
 * listens on, or a file that is not a socket, is left alone and the bind fails, naming the path.
 *
 * <h2>Threading</h2>
 * Stateless; runs on the thread that calls {@code accept}.
 */
public final class UnixSocketFile {
    private UnixSocketFile() {
    }

    /** Makes way for a listening socket at {@code path}, or says why there can be none. */
    public static void clearStale(Path path) throws BindException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absent) {
            return; // nothing there: the usual case
        }
        if (!attributes.isOther()) {
            throw new BindException("Cannot bind unix:" + path + ": a file that is not a socket is in the way");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException nobodyListens) {
            delete(path);
            return;
        } catch (IOException e) {
            throw bindFailure(path, e);
        }
        throw new BindException("Address already in use: unix:" + path + " (a process is listening on it)");
    }

    /** Removes the socket's file once its listener is closed; a file already gone is fine. */
    public static void delete(Path path) throws BindException {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw bindFailure(path, e);
        }
    }

    private static BindException bindFailure(Path path, IOException cause) {
        BindException bind = new BindException("Cannot bind unix:" + path + " (" + cause.getMessage() + ")");
        bind.initCause(cause);
        return bind;
    }
}

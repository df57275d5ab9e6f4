/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.security.Principal;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS for a link: builds the {@code SslHandler} and reads the peer's identity after the
 * handshake. A client always verifies that the server's certificate names the host it dialed.
 *
 * <h2>Threading</h2>
 * Stateless; called on the channel's event loop.
 */
public final class Tls {
    private Tls() {
    }

    /** The client side: SNI and hostname verification for {@code host}. */
    static SslHandler clientHandler(SslContext context, ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = context.newHandler(alloc, host, port);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return handler;
    }

    /**
     * The client side over a Unix domain socket: there is no host name to check the certificate
     * against (Netty's client contexts check one by default), only its trust chain.
     */
    static SslHandler clientHandlerWithoutHost(SslContext context, ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(""); // the JDK keeps the old value for null
        engine.setSSLParameters(parameters);
        return handler;
    }

    public static Principal peerPrincipal(Channel channel) {
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        if (handler == null) {
            return null;
        }
        try {
            return handler.engine().getSession().getPeerPrincipal();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return null;
        }
    }
}

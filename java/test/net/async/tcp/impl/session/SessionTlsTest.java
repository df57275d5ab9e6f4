/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import static net.async.tcp.Chan.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.Chan;
import net.async.tcp.ClientSocket;
import net.async.tcp.EventLoop;
import net.async.tcp.Sockets;
import net.async.tcp.Streams;
import net.async.tcp.Tcp;
import net.async.tcp.TestCertificates;
import net.async.tcp.fault.Fault;
import net.async.tcp.fault.FaultProxy;
import net.async.tcp.fault.Plan;
import net.async.tcp.impl.wire.ControlFrame;
import net.async.tcp.impl.wire.ControlFrame.Hello;
import net.async.tcp.impl.wire.ControlFrame.Refused;
import net.async.tcp.impl.wire.ControlFrame.Welcome;
import net.async.tcp.impl.wire.FrameDecoder;
import net.async.tcp.impl.wire.SessionId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions over mutual TLS: resumes through broken links, and a session is its client certificate's alone. */
class SessionTlsTest {
    private static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates(@TempDir Path dir) throws Exception {
        certificates = new TestCertificates(dir);
        certificates.create("server", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        certificates.create("client", "CN=session-client", "dns:client.test");
        certificates.create("other", "CN=other-client", "dns:other.test");
    }

    @Test
    void aSessionOverTlsResumesThroughResetLinksAndLosesNothing() throws Exception {
        int total = 3_000;
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().session(true)
                    .sslContext(certificates.server("server", "client")).build());
            try (FaultProxy proxy = FaultProxy.start(server.port(), Plan.of(30, 80, System.nanoTime(), Fault.RESET))) {
                // a loaded machine may need longer than 80 ms for a TLS handshake: after 30 resets
                // the stream finishes, rather than every new link dying before it carries anything
                proxy.faultLimit(30);
                ClientSocket client = Tcp.connect(loop, "localhost", proxy.port(), Sockets.fastClient().session(true)
                        .sslContext(certificates.client("client", "server")).build());
                Object socket = Chan.takeRaw(server.acceptChan(), Chan.WAIT);
                ClientSocket accepted = ClientSocket.of((java.util.Map<?, ?>) socket);
                assertEquals("CN=session-client", accepted.peerPrincipal().getName());
                Thread writer = Streams.write(client, "tls", total);
                List<Integer> got = Streams.readUntil(accepted, "tls", n -> n == total - 1);
                assertEquals(Streams.range(0, total - 1), got, "through " + proxy);
                writer.join(Chan.WAIT.toMillis());
                assertTrue(proxy.faults() > 0, "links were reset: " + proxy);
            }
        }
    }

    @Test
    void aLinkWithAnotherClientCertificateCannotHaveTheSession() throws Exception {
        SslContext serverTls = certificates.server("server", "client", "other");
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, AcceptOptions.builder().session(true)
                     .sslContext(serverTls).build());
             TlsPeer owner = TlsPeer.connect(server.port(), certificates.client("client", "server"));
             TlsPeer other = TlsPeer.connect(server.port(), certificates.client("other", "server"));
             TlsPeer ownerAgain = TlsPeer.connect(server.port(), certificates.client("client", "server"))) {
            SessionId id = SessionId.random();
            owner.send(new Hello(1, id, false, 0, 4096));
            assertEquals(id, ((Welcome) owner.next()).id());
            ClientSocket session = ClientSocket.of((java.util.Map<?, ?>) Chan.takeRaw(server.acceptChan(), Chan.WAIT));
            assertEquals(CONNECTED, Chan.take(session.readChan()));

            other.send(new Hello(1, id, true, 0, 4096));
            assertEquals(new Refused(Refused.UNKNOWN_SESSION), other.next(), "not its session, whatever id it knows");
            ownerAgain.send(new Hello(1, id, true, 0, 4096));
            assertTrue(((Welcome) ownerAgain.next()).existed(), "the same certificate may resume it");
        }
    }

    /** A TLS link that speaks session frames by hand, through Netty with the library's own decoder. */
    static final class TlsPeer implements AutoCloseable {
        private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
        private final Channel channel;

        private TlsPeer(int port, SslContext tls) {
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port),
                                    new FrameDecoder(1024, true), new SimpleChannelInboundHandler<Object>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
                                            frames.add(frame);
                                        }
                                    });
                        }
                    })
                    .connect(Sockets.HOST, port).syncUninterruptibly().channel();
        }

        static TlsPeer connect(int port, SslContext tls) {
            return new TlsPeer(port, tls);
        }

        void send(ControlFrame frame) {
            ByteBuf bytes = frame.encode(channel.alloc());
            channel.writeAndFlush(bytes).syncUninterruptibly();
        }

        /** The next frame, within {@link Chan#WAIT}. */
        Object next() throws InterruptedException {
            Object frame = frames.poll(Chan.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + Chan.WAIT);
            }
            return frame;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }
}

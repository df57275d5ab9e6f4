/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.wire.FrameDecoder;
import net.async.tcp.impl.wire.FrameEncoder;

/**
 * Builds the pipeline every connection uses, with named handlers that tests look up:
 *
 * <pre>
 *  socket ⇄ ["tls"] ⇄ "idle" ⇄ "frame-decoder" ⇄ "frame-encoder" ⇄ "heartbeat" ⇄ "connection"
 * </pre>
 *
 * "idle" comes right after TLS so that every frame read, heartbeats included, proves the link
 * alive. An accepted session link first has a "handshake" before "heartbeat", so that a link that
 * never says HELLO is refused with a reason rather than dropped; the connection it resumes then
 * takes its place at the end.
 *
 * <h2>Threading</h2>
 * Stateless; called on the channel's event loop from a {@code ChannelInitializer}.
 */
public final class Pipeline {
    private Pipeline() {
    }

    static void install(ChannelPipeline pipeline, Settings settings, SslHandler tls, ChannelHandler connection,
                        Counters counters) {
        installCodec(pipeline, settings, tls);
        attach(pipeline, connection, counters);
    }

    /** An accepted session link whose HELLO found its connection: the handshake gives way to it. */
    static void attachAfterHello(ChannelPipeline pipeline, ChannelHandler handshake, ChannelHandler connection,
                                 Counters counters) {
        pipeline.remove(handshake);
        attach(pipeline, connection, counters);
    }

    // the connection goes last, and the heartbeats the link reads and writes count for it
    private static void attach(ChannelPipeline pipeline, ChannelHandler connection, Counters counters) {
        countInto(pipeline, counters);
        pipeline.addLast("connection", connection);
    }

    private static void countInto(ChannelPipeline pipeline, Counters counters) {
        ((FrameDecoder) pipeline.get("frame-decoder")).countInto(counters);
        ((HeartbeatHandler) pipeline.get("heartbeat")).countInto(counters);
    }

    /** An accepted session link, until its HELLO: no "connection" yet. */
    public static void installAwaitingHello(ChannelPipeline pipeline, Settings settings, SslHandler tls,
                                     ChannelHandler handshake) {
        installCodec(pipeline, settings, tls);
        pipeline.addBefore("heartbeat", "handshake", handshake);
    }

    /** A link about to move to another thread: its idle timers belong to this one, and must not fire on the way. */
    static void stopIdle(ChannelPipeline pipeline) {
        pipeline.remove("idle");
    }

    /** A link that moved to another thread: its idle timers start again there, right after TLS. */
    static void startIdle(ChannelPipeline pipeline, Settings settings) {
        if (pipeline.get("tls") != null) {
            pipeline.addAfter("tls", "idle", idle(settings));
        } else {
            pipeline.addFirst("idle", idle(settings));
        }
    }

    private static IdleTimers idle(Settings settings) {
        return new IdleTimers(settings.heartbeatTimeoutMillis(), settings.heartbeatPeriodMillis());
    }

    private static void installCodec(ChannelPipeline pipeline, Settings settings, SslHandler tls) {
        if (tls != null) {
            pipeline.addLast("tls", tls);
        }
        pipeline.addLast("idle", idle(settings));
        pipeline.addLast("frame-decoder", new FrameDecoder(settings.maxFrameSize(), settings.session() != null));
        pipeline.addLast("frame-encoder", FrameEncoder.INSTANCE);
        pipeline.addLast("heartbeat", new HeartbeatHandler());
    }
}

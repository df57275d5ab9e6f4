/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
/**
 * The wire format: a 4-byte big-endian length, then the bytes; a 0-length frame is a heartbeat;
 * in session mode, control frames (HELLO, WELCOME, ACK, BYE, REFUSED) whose header a plain peer
 * reads as a negative length. The decoder and encoder, and the session id a HELLO carries.
 *
 * <p>Threading: the codecs run on their channel's event loop, one instance per link; the frames
 * and ids are immutable.
 *
 * <p>Uses: {@code stats} (the decoder counts bad frames), the root {@code impl} package.
 */
package net.async.tcp.impl.wire;

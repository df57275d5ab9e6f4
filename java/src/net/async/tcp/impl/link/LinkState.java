/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import java.util.Locale;

/**
 * The states of a {@link Connection}, which changes them in one place, its {@code moveTo}.
 *
 * <pre>
 *              link ready                      link lost / stuck / bad frame
 * CONNECTING ──(TCP, then TLS)──▶ CONNECTED ─────────────────────────────────▶ DISCONNECTED
 *   │    ▲          │ session: HELLO  ▲ WELCOME                                     │
 *   │    │          └──▶ HANDSHAKING ─┘                                            │
 *   │    └───────────────── reconnect-period elapsed (clients only) ───────────────┘
 *   └── dial failed ──▶ DISCONNECTED │
 *                                    │ write-chan closed: flush, then shut down output (FIN);
 *                                    │ session: first every message acknowledged, then BYE
 *                                    ▼
 *                                 CLOSING ── peer closed ──▶ CLOSED
 *
 * accepted connections: link lost ──▶ CLOSED;   any state: shutdown ──▶ CLOSED
 * accepted sessions:    link lost ──▶ DISCONNECTED ── the client resumes ──▶ CONNECTED
 *                                                 └─ session-expiry, eviction ──▶ CLOSED
 * </pre>
 *
 * <h2>Threading</h2>
 * Immutable.
 */
enum LinkState {
    CONNECTING, HANDSHAKING, CONNECTED, DISCONNECTED, CLOSING, CLOSED;

    /** {@return the name {@link net.async.tcp.Stats#state()} gives it} */
    String statsName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command end to end: spawned JVMs talking over loopback. */
class NetAsyncCommandTest {
    // a fresh JVM loads Clojure and core.async from source first
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void connectSendsStdinLinesToAnEchoingListenerAndPrintsTheReplies() throws Exception {
        try (CommandProcess listen = new CommandProcess("listen", "127.0.0.1:0", "--echo")) {
            String listening = listen.awaitErr(line -> line.startsWith("listening on"), START);
            String port = listening.substring(listening.lastIndexOf(':') + 1);
            try (CommandProcess connect = new CommandProcess("connect", "127.0.0.1:" + port)) {
                connect.awaitOut(line -> line.endsWith(":connected"), START);
                try (OutputStream stdin = connect.stdin()) {
                    stdin.write("hello\n\u0001\u0002\n".getBytes(StandardCharsets.UTF_8));
                }
                connect.awaitOut(line -> line.endsWith(" \"hello\""), WAIT);
                connect.awaitOut(line -> line.endsWith(" 0x0102"), WAIT);
                connect.awaitOut(line -> line.endsWith(":closed"), WAIT);
                assertEquals(0, connect.exitCode(WAIT, "connect after end of input"));
            }
            listen.awaitOut(line -> line.contains("127.0.0.1:") && line.endsWith(":connected"), WAIT);
            listen.awaitOut(line -> line.endsWith(" \"hello\""), WAIT);
            listen.awaitOut(line -> line.endsWith(":closed"), WAIT);
        }
    }

    @Test
    void badArgumentsPrintOneLineAndExitWithTwo() throws Exception {
        assertFails("bad port '70000'", "listen", "70000");
        assertFails("unknown host 'no-such-host.invalid'", "connect", "no-such-host.invalid:80");
        assertFails("expected HOST:PORT", "connect", "8080");
        assertFails("unknown command 'frobnicate'", "frobnicate");
        try (ServerSocket taken = new ServerSocket(0)) {
            assertFails("cannot listen on *:" + taken.getLocalPort(), "listen", String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void helpExitsWithZero() throws Exception {
        try (CommandProcess help = new CommandProcess("connect", "--help")) {
            help.awaitOut(line -> line.startsWith("usage: net-async connect HOST:PORT"), START);
            assertEquals(0, help.exitCode(WAIT, "connect --help"));
        }
    }

    private static void assertFails(String expected, String... args) throws Exception {
        try (CommandProcess command = new CommandProcess(args)) {
            assertEquals(2, command.exitCode(START, String.join(" ", args)));
            String stderr = command.stderr();
            assertTrue(stderr.startsWith("net-async: ") && stderr.contains(expected), stderr);
            assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), "no stack trace: " + stderr);
        }
    }
}

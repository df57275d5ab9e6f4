/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command end to end: spawned JVMs talking over loopback. */
class NetAsyncCommandTest {
    // a fresh JVM loads Clojure and core.async from source first: seconds idle, a minute or more loaded
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    @Timeout(300)
    void connectSendsStdinLinesToAnEchoingListenerAndPrintsTheReplies() throws Exception {
        try (CommandProcess listen = new CommandProcess("listen", "127.0.0.1:0", "--echo", "--stats")) {
            String listening = listen.awaitErr(line -> line.startsWith("listening on"), START);
            String port = listening.substring(listening.lastIndexOf(':') + 1);
            // two servers, the first refusing: the command, like connect, goes on to the one that answers
            String refusing = "127.0.0.1:" + net.async.tcp.Sockets.freePort();
            try (CommandProcess connect = new CommandProcess("connect", refusing, "127.0.0.1:" + port, "--wait", "5000",
                    "--stats")) {
                connect.awaitOut(line -> line.contains("] on ") && line.endsWith("/127.0.0.1:" + port + " :connected"), START);
                try (OutputStream stdin = connect.stdin()) {
                    stdin.write("hello\n\u0001\u0002\n".getBytes(StandardCharsets.UTF_8));
                }
                connect.awaitOut(line -> line.endsWith(" \"hello\""), WAIT);
                connect.awaitOut(line -> line.endsWith(" 0x0102"), WAIT);
                connect.awaitOut(line -> line.endsWith(":closed"), WAIT);
                assertEquals(0, connect.exitCode(WAIT, "connect after end of input"));
                assertTrue(connect.stderr().lines().anyMatch(line -> line.contains(" stats state=")
                        && line.contains(" messages-out=2 ") && line.contains(" messages-in=2 ")), connect.stderr());
            }
            listen.awaitOut(line -> line.contains("127.0.0.1:") && line.endsWith(":connected"), WAIT);
            listen.awaitOut(line -> line.endsWith(" \"hello\""), WAIT);
            listen.awaitOut(line -> line.endsWith(":closed"), WAIT);
            // a line a second: one comes after the connection ended, counting what it did
            listen.awaitErr(line -> line.contains(" stats state=accepting connections=0 connects=1 ")
                    && line.contains(" messages-in=2 ") && line.contains(" accepted=1 "), WAIT);
        }
    }

    @Test
    @Timeout(300)
    void overAUnixSocketWithSessionsConnectAndListenTalkAndCloseTheSession(@TempDir Path dir) throws Exception {
        String socket = "unix:" + dir.resolve("cli.sock");
        try (CommandProcess listen = new CommandProcess("listen", socket, "--echo", "--session")) {
            listen.awaitErr(line -> line.equals("listening on " + socket), START);
            try (CommandProcess connect = new CommandProcess("connect", socket, "--session")) {
                connect.awaitOut(line -> line.endsWith(":connected"), START);
                try (OutputStream stdin = connect.stdin()) {
                    stdin.write("in a session\n".getBytes(StandardCharsets.UTF_8));
                }
                connect.awaitOut(line -> line.endsWith(" \"in a session\""), WAIT);
                connect.awaitOut(line -> line.endsWith(":closed"), WAIT);
                assertEquals(0, connect.exitCode(WAIT, "connect after end of input"));
            }
            listen.awaitOut(line -> line.endsWith(" \"in a session\""), WAIT);
            listen.awaitOut(line -> line.endsWith(":closed"), WAIT);
        }
    }

    @Test
    @Timeout(300)
    void aSpawnedCommandWithABadPortExitsWithTwoAndNoStackTrace() throws Exception {
        try (CommandProcess command = new CommandProcess("listen", "70000")) {
            assertEquals(2, command.exitCode(START, "listen 70000"));
            assertEquals("net-async: bad port '70000': expected a number in 0..65535", command.stderr());
        }
    }

    @Test
    void badArgumentsPrintOneLineAndExitWithTwo() throws Exception {
        assertFails("unknown host 'no-such-host.invalid'", "connect", "no-such-host.invalid:80");
        assertFails("expected HOST:PORT", "connect", "8080");
        assertFails("bad --wait 'soon'", "connect", "localhost:1", "--wait", "soon");
        assertFails("unknown command 'frobnicate'", "frobnicate");
        assertFails("missing [HOST:]PORT", "listen");
        assertFails("expected unix:PATH, got 'unix:'", "listen", "unix:");
        try (ServerSocket taken = new ServerSocket(0)) {
            assertFails("cannot listen on *:" + taken.getLocalPort(), "listen", String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void helpExitsWithZero() {
        assertEquals(0, InProcess.run("connect", "--help").code());
        assertTrue(InProcess.run("listen", "--help").out().startsWith("usage: net-async listen [HOST:]PORT"));
        assertEquals(2, InProcess.run().code(), "no command at all is a usage error");
    }

    /** In this JVM, for speed: run() is exactly what main passes to System.exit. */
    private static void assertFails(String expected, String... args) {
        InProcess result = InProcess.run(args);
        assertEquals(2, result.code(), String.join(" ", args));
        assertTrue(result.err().startsWith("net-async: ") && result.err().contains(expected), result.err());
        assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), "no stack trace: " + result.err());
    }

    private record InProcess(int code, String out, String err) {
        static synchronized InProcess run(String... args) {
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
            ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            try {
                int code = NetAsyncCommand.run(args);
                return new InProcess(code, capturedOut.toString(StandardCharsets.UTF_8),
                        capturedErr.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
        }
    }
}

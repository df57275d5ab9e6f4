/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The threading contract, checked: a method whose name ends in {@code OnLoop} must run on its
 * event loop, and says so with {@code assert ….inEventLoop()} (surefire runs with assertions on,
 * so every test that reaches one checks the thread it runs on); one that may run elsewhere has
 * another name.
 *
 * <h2>Threading</h2>
 * Reads the sources on the test's thread.
 */
class ThreadingContractTest {
    private static final Path SOURCES = Path.of("java/src/net/async/tcp");
    // a method declaration with a body: modifiers, a return type, a name ending in OnLoop, then {
    private static final Pattern ON_LOOP = Pattern.compile(
            "^\\s+(?:@\\w+\\s+)*(?:(?:public|private|protected|static|final|synchronized|default)\\s+)*"
                    + "[\\w<>\\[\\], ?.]+\\s+(\\w+OnLoop)\\([^)]*\\)\\s*(?:throws [\\w., ]+)?\\{",
            Pattern.MULTILINE);

    @Test
    void everyOnLoopMethodAssertsItsThread() throws IOException {
        List<String> unchecked = new ArrayList<>();
        int methods = 0;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher method = ON_LOOP.matcher(source);
                while (method.find()) {
                    methods++;
                    if (!body(source, method.end()).contains("inEventLoop()")) {
                        unchecked.add(SOURCES.relativize(file) + ": " + method.group(1));
                    }
                }
            }
        }
        assertTrue(methods > 50, "found the …OnLoop methods (" + methods + "); has the source tree moved?");
        assertEquals(List.of(), unchecked, "…OnLoop methods that do not assert their thread");
    }

    /** {@return the body of the method whose opening brace ends at {@code start}} */
    private static String body(String source, int start) {
        int depth = 1;
        int i = start;
        while (depth > 0) {
            char c = source.charAt(i++);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
        }
        return source.substring(start, i - 1);
    }
}

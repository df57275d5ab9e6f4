/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import clojure.lang.Keyword;
import clojure.lang.Var;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.MultipleFailuresError;

/**
 * Runs every clojure.test {@code deftest} under {@code test-clj} as its own JUnit test: one
 * container per {@code *_test.clj} namespace, one dynamic test per var with {@code :test}
 * metadata, in source order. Each var runs through {@code net.async.junit/run-var} (with its
 * namespace's fixtures); a {@code :fail} becomes an {@link AssertionFailedError}, an
 * {@code :error} rethrows its throwable.
 *
 * <p>The namespaces are found on the test classpath, in the directory that holds
 * {@value #ANCHOR}, so adding a {@code *_test.clj} file is all it takes.
 *
 * <h3>Threading</h3>
 * Each test runs on a thread of its own under {@link #TIMEOUT}, which interrupts it when time is
 * up (JUnit's {@code @Timeout} on a factory does not cover the dynamic tests).
 */
class ClojureSuiteTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ANCHOR = "net/async/junit.clj";
    private static final String SUFFIX = "_test.clj";

    private static final Keyword TYPE = Keyword.intern("type");
    private static final Keyword FAIL = Keyword.intern("fail");
    private static final Keyword MESSAGE = Keyword.intern("message");
    private static final Keyword EXPECTED = Keyword.intern("expected");
    private static final Keyword ACTUAL = Keyword.intern("actual");
    private static final Keyword THROWABLE = Keyword.intern("throwable");

    private static final IFn REQUIRE = Clojure.var("clojure.core", "require");

    @TestFactory
    Stream<DynamicNode> clojureTests() throws IOException, URISyntaxException {
        REQUIRE.invoke(Clojure.read("net.async.junit"));
        IFn deftestVars = Clojure.var("net.async.junit", "deftest-vars");
        IFn runVar = Clojure.var("net.async.junit", "run-var");
        return testFiles().stream().map(file -> namespace(file, deftestVars, runVar));
    }

    /** The {@code *_test.clj} files under the test-clj root, as paths relative to it, sorted. */
    private static List<String> testFiles() throws IOException, URISyntaxException {
        URL anchor = ClojureSuiteTest.class.getClassLoader().getResource(ANCHOR);
        if (anchor == null || !"file".equals(anchor.getProtocol())) {
            throw new IllegalStateException("expected " + ANCHOR + " in a directory on the test classpath, got " + anchor);
        }
        Path root = Path.of(anchor.toURI());
        for (int i = ANCHOR.split("/").length; i > 0; i--) {
            root = root.getParent();
        }
        Path top = root;
        try (Stream<Path> files = Files.walk(top)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .map(p -> top.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** Requires the namespace once; a namespace that does not load is one failing test. */
    private static DynamicNode namespace(String file, IFn deftestVars, IFn runVar) {
        String ns = file.substring(0, file.length() - ".clj".length()).replace('/', '.').replace('_', '-');
        URI source = URI.create("classpath:/" + file);
        List<DynamicTest> tests = new ArrayList<>();
        try {
            REQUIRE.invoke(Clojure.read(ns));
            for (Object v : (Iterable<?>) deftestVars.invoke(ns)) {
                Var var = (Var) v;
                Object line = ((Map<?, ?>) var.meta()).get(Keyword.intern("line"));
                URI at = line == null ? source : URI.create(source + "?line=" + line);
                tests.add(DynamicTest.dynamicTest(var.sym.getName(), at,
                        () -> assertTimeoutPreemptively(TIMEOUT, () -> run(var, runVar))));
            }
        } catch (RuntimeException | Error e) {
            tests.add(DynamicTest.dynamicTest("(require '" + ns + ")", source, () -> {
                throw e;
            }));
        }
        return DynamicContainer.dynamicContainer(ns, source, tests.stream());
    }

    private static void run(Var var, IFn runVar) throws Throwable {
        List<Throwable> failures = new ArrayList<>();
        for (Object r : (Iterable<?>) runVar.invoke(var)) {
            Map<?, ?> result = (Map<?, ?>) r;
            if (FAIL.equals(result.get(TYPE))) {
                failures.add(new AssertionFailedError((String) result.get(MESSAGE),
                        result.get(EXPECTED), result.get(ACTUAL)));
            } else {
                failures.add((Throwable) result.get(THROWABLE));
            }
        }
        if (failures.size() == 1) {
            throw failures.get(0);
        }
        if (!failures.isEmpty()) {
            throw new MultipleFailuresError(var.toString(), failures);
        }
    }
}

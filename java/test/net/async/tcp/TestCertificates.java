/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made at test time with the JDK's keytool, and Netty contexts over them.
 * Each identity's own certificate is the only one its peer trusts.
 */
public final class TestCertificates {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final Path dir;

    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes {@code name}.p12 holding a key pair whose certificate has the given subject and SANs. */
    public void create(String name, String subject, String subjectAltNames) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", subject, "-ext", "SAN=" + subjectAltNames, "-validity", "2",
                "-keystore", store(name).toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    /** A server context for {@code identity}; with trusted clients, it requires a certificate of one of them. */
    public SslContext server(String identity, String... trustedClients) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forServer(keys(identity));
        if (trustedClients != null && trustedClients.length > 0 && trustedClients[0] != null) {
            builder.trustManager(trust(trustedClients)).clientAuth(ClientAuth.REQUIRE);
        }
        return builder.build();
    }

    public SslContext client(String identity, String trustedServer) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forClient().trustManager(trust(trustedServer));
        if (identity != null) {
            builder.keyManager(keys(identity));
        }
        return builder.build();
    }

    private KeyManagerFactory keys(String name) throws Exception {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(load(name), PASSWORD);
        return factory;
    }

    private TrustManagerFactory trust(String... names) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (String name : names) {
            trusted.setCertificateEntry(name, load(name).getCertificate(name));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        return factory;
    }

    private KeyStore load(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store(name))) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private Path store(String name) {
        return dir.resolve(name + ".p12");
    }
}

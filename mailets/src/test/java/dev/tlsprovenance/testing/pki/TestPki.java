package dev.tlsprovenance.testing.pki;

import java.security.cert.X509CRL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One ready-made PKI shared by every test in the JVM, built lazily and cached so a test class pays
 * for key generation once:
 *
 * <pre>
 * Test Root CA (root)
 *  \_ Test Intermediate CA (intermediate)
 *      \_ server: localhost, mx.james.test, 127.0.0.1
 *      \_ peer(host), client(name), expired(name), notYetValid(name), revoked(name)
 * Unknown Test Root CA (unknownRoot)
 *  \_ signedByUnknownCa(name)
 * selfSigned(name)
 * </pre>
 *
 * {@link #crl()} is the intermediate's CRL listing every {@code revoked(...)} leaf made so far;
 * {@link #crls()} adds the root's (empty) CRL, which full-chain revocation checking also needs.
 */
public final class TestPki {
    public static final String SERVER_HOST = "mx.james.test";
    private static final TestPki SHARED = new TestPki();

    private TestCertificate root;
    private TestCertificate intermediate;
    private TestCertificate unknownRoot;
    private TestCertificate server;
    private TestTls serverTls;
    private TestTls trustingRoot;
    private final Map<String, TestCertificate> peers = new HashMap<>();
    private final Map<String, TestCertificate> clients = new HashMap<>();
    private final Map<String, TestTls> clientTls = new HashMap<>();
    private final Map<String, TestCertificate> expired = new HashMap<>();
    private final Map<String, TestCertificate> notYetValid = new HashMap<>();
    private final Map<String, TestCertificate> selfSigned = new HashMap<>();
    private final Map<String, TestCertificate> unknownCa = new HashMap<>();
    private final Map<String, TestCertificate> revoked = new HashMap<>();

    private TestPki() {
    }

    public static TestPki shared() {
        return SHARED;
    }

    public synchronized TestCertificate root() {
        if (root == null) {
            root = TestCertificate.builder().commonName("Test Root CA").organization("TLS Provenance Tests")
                .certificateAuthority(1).build();
        }
        return root;
    }

    public synchronized TestCertificate intermediate() {
        if (intermediate == null) {
            intermediate = TestCertificate.builder().commonName("Test Intermediate CA")
                .organization("TLS Provenance Tests").certificateAuthority(0).signedBy(root()).build();
        }
        return intermediate;
    }

    /** A CA nobody trusts. */
    public synchronized TestCertificate unknownRoot() {
        if (unknownRoot == null) {
            unknownRoot = TestCertificate.builder().commonName("Unknown Test Root CA").organization("Elsewhere")
                .certificateAuthority(1).build();
        }
        return unknownRoot;
    }

    /** The James under test: {@code localhost}, {@value #SERVER_HOST} and {@code 127.0.0.1}. */
    public synchronized TestCertificate server() {
        if (server == null) {
            server = TestCertificate.builder().commonName(SERVER_HOST).addSubjectAlternativeName("localhost")
                .addSubjectAlternativeName(SERVER_HOST).addSubjectAlternativeName("127.0.0.1")
                .signedBy(intermediate()).build();
        }
        return server;
    }

    /** A server leaf for {@code hostName}, also naming {@code localhost} so tests can connect by it. */
    public synchronized TestCertificate peer(String hostName) {
        return cached(peers, hostName, name -> leaf(name).addSubjectAlternativeName("localhost")
            .signedBy(intermediate()).build());
    }

    /** A client-authentication-only leaf. */
    public synchronized TestCertificate client(String name) {
        return cached(clients, name, n -> leaf(n).clientAuth().signedBy(intermediate()).build());
    }

    public synchronized TestCertificate expired(String name) {
        return cached(expired, name, n -> leaf(n).expired().signedBy(intermediate()).build());
    }

    public synchronized TestCertificate notYetValid(String name) {
        return cached(notYetValid, name, n -> leaf(n).notYetValid().signedBy(intermediate()).build());
    }

    public synchronized TestCertificate selfSigned(String name) {
        return cached(selfSigned, name, n -> leaf(n).build());
    }

    public synchronized TestCertificate signedByUnknownCa(String name) {
        return cached(unknownCa, name, n -> leaf(n).signedBy(unknownRoot()).build());
    }

    /** A leaf signed by the intermediate and listed in {@link #crl()}. */
    public synchronized TestCertificate revoked(String name) {
        return cached(revoked, name, n -> leaf(n).signedBy(intermediate()).build());
    }

    /** The intermediate's CRL listing every revoked leaf made so far (fresh each call). */
    public synchronized X509CRL crl() {
        return intermediate().revocationList(revoked.values().toArray(new TestCertificate[0]));
    }

    /** The root's CRL (listing nothing). */
    public synchronized X509CRL rootCrl() {
        return root().revocationList();
    }

    /** Both CRLs a full-chain revocation check of an intermediate-signed leaf needs. */
    public synchronized List<X509CRL> crls() {
        return List.of(crl(), rootCrl());
    }

    /** The James side: {@link #server()} with its chain, trusting the root (for client certificates). */
    public synchronized TestTls serverTls() {
        if (serverTls == null) {
            serverTls = TestTls.builder().identity(server()).trust(root()).build();
        }
        return serverTls;
    }

    /** A client presenting {@link #client(String)} and trusting the root. */
    public synchronized TestTls clientTls(String name) {
        return cached(clientTls, name, n -> TestTls.builder().identity(client(n)).trust(root()).build());
    }

    /** No identity, trusts the root: what an ordinary client or a verifying sender holds. */
    public synchronized TestTls trustingRoot() {
        if (trustingRoot == null) {
            trustingRoot = TestTls.builder().trust(root()).build();
        }
        return trustingRoot;
    }

    private static TestCertificate.Builder leaf(String name) {
        return TestCertificate.builder().commonName(name).addSubjectAlternativeName(name);
    }

    // Not computeIfAbsent: building may call back into this (synchronized, re-entrant) object.
    private static <T> T cached(Map<String, T> cache, String name, Function<String, T> build) {
        T value = cache.get(name);
        if (value == null) {
            value = build.apply(name);
            cache.put(name, value);
        }
        return value;
    }
}

package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.ClientIdentity;
import dev.tlsprovenance.policy.OutboundPolicy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS material of one policy row, built once and shared by every connection made under that row: one
 * SSLContext (so TLS sessions are resumed across connections), the protocol versions at or above the row's
 * minimum, the client certificate for mutual TLS, and the {@link ServerCertificateCheck}.
 */
public final class OutboundTls {
    private static final List<String> PROTOCOLS_NEWEST_FIRST = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");

    private final SSLSocketFactory socketFactory;
    private final String[] protocols;
    private final ServerCertificateCheck check;
    private final boolean presentsClientCertificate;

    private OutboundTls(SSLSocketFactory socketFactory, String[] protocols, ServerCertificateCheck check,
                        boolean presentsClientCertificate) {
        this.socketFactory = socketFactory;
        this.protocols = protocols;
        this.check = check;
        this.presentsClientCertificate = presentsClientCertificate;
    }

    /**
     * @throws IOException naming the file when the row's CA bundle or client key store cannot be read
     */
    public static OutboundTls forPolicy(OutboundPolicy policy, Clock clock) throws IOException {
        TrustMaterial trust = policy.trustAnchors().isPresent()
            ? TrustMaterial.privateCa(policy.trustAnchors().get())
            : TrustMaterial.jvmDefault();
        if (policy.revocationLists().isPresent()) {
            trust = trust.withRevocationLists(policy.revocationLists().get());
        }
        try {
            KeyManager[] keyManagers = policy.clientIdentity().isPresent()
                ? keyManagers(policy.clientIdentity().get()) : null;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {new DecideAfterHandshake()}, null);
            String[] protocols = protocolsFrom(policy.minProtocol(), context.getDefaultSSLParameters().getProtocols());
            ServerCertificateCheck check = new ServerCertificateCheck(trust, policy.matchNames(), policy.pinsSha256(), clock);
            return new OutboundTls(context.getSocketFactory(), protocols, check, keyManagers != null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for policy " + policy + ": " + e.getMessage(), e);
        }
    }

    private static KeyManager[] keyManagers(ClientIdentity identity) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(identity.keyStore())) {
            store.load(in, identity.password().toCharArray());
        } catch (IOException e) {
            throw new IOException("cannot read client key store " + identity.keyStore() + ": " + e.getMessage(), e);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, identity.password().toCharArray());
        return factory.getKeyManagers();
    }

    /** The supported versions no older than {@code minimum}, newest first; "TLSv1.2" keeps TLSv1.3 and TLSv1.2. */
    static String[] protocolsFrom(String minimum, String[] supported) {
        int floor = PROTOCOLS_NEWEST_FIRST.indexOf(minimum);
        if (floor < 0) {
            throw new IllegalArgumentException("unknown minimum protocol '" + minimum + "' (expected one of "
                + String.join(", ", PROTOCOLS_NEWEST_FIRST) + ")");
        }
        List<String> supportedList = List.of(supported);
        List<String> enabled = new ArrayList<>();
        for (String protocol : PROTOCOLS_NEWEST_FIRST.subList(0, floor + 1)) {
            if (supportedList.contains(protocol)) {
                enabled.add(protocol);
            }
        }
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("no TLS version at or above " + minimum + " is enabled in this JVM");
        }
        return enabled.toArray(new String[0]);
    }

    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    public String[] protocols() {
        return protocols.clone();
    }

    public ServerCertificateCheck check() {
        return check;
    }

    public boolean presentsClientCertificate() {
        return presentsClientCertificate;
    }

    /**
     * Accepts any server chain during the handshake: the chain is judged by {@link ServerCertificateCheck} right
     * after, before anything else is sent, so the decision can be explained and recorded. Extended so that the JDK
     * does not wrap it with checks of its own.
     */
    private static final class DecideAfterHandshake extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

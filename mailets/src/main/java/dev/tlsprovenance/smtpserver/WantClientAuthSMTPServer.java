package dev.tlsprovenance.smtpserver;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.lib.SslConfig;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AbstractSSLAwareChannelPipelineFactory;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SmtpMetrics;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;

/**
 * An SMTP listener that <em>asks</em> for a client certificate without demanding one ("want"), which
 * James 3.8.1's own configuration cannot express (any {@code <clientAuth>} means "need"). Enabled per
 * listener with an attribute of the {@code tls} element in {@code smtpserver.xml}:
 * <pre>
 * &lt;tls socketTLS="false" startTLS="true" wantClientAuth="true"&gt;
 *   &lt;keystore&gt;file://conf/keystore.p12&lt;/keystore&gt;
 *   &lt;keystoreType&gt;PKCS12&lt;/keystoreType&gt;
 *   &lt;secret&gt;changeit&lt;/secret&gt;
 * &lt;/tls&gt;
 * </pre>
 * Every sender still gets in; a presented certificate is accepted by the handshake <em>unverified</em>
 * and judged per namespace by {@code RequireTlsForNamespacesHook} against the policy row
 * ({@code inbound=require-verified-client-cert}, {@code client-ca}, {@code client-crl}, names, pins),
 * the way Postfix's {@code smtpd_tls_ask_ccert} works. The session carries
 * {@value #CLIENT_AUTH_SESSION_VALUE} = {@value #WANT_UNVERIFIED} so recorders know the listener did not
 * verify it. Installed by {@link WantClientAuthSmtpModule} (a server assembly override, not an
 * {@code extensions.properties} module).
 *
 * <p>Every listener of this server, asking or not, also answers commands pipelined after {@code STARTTLS} with one
 * reply and one WARN line instead of James's ERROR stack traces ({@link StartTlsPipeliningRefusal}).
 */
public class WantClientAuthSMTPServer extends SMTPServer {
    /** {@link SSLSession} value name telling how the listener treated the client certificate. */
    public static final String CLIENT_AUTH_SESSION_VALUE = "dev.tlsprovenance.listener.clientAuth";
    public static final String WANT_UNVERIFIED = "want-unverified";
    static final String WANT_ATTRIBUTE = "tls.[@wantClientAuth]";

    private final FileSystem fileSystem;
    private boolean wantClientAuth;
    private SslConfig sslConfig;

    public WantClientAuthSMTPServer(SmtpMetrics smtpMetrics, FileSystem fileSystem) {
        super(smtpMetrics);
        this.fileSystem = fileSystem;
    }

    @Override
    public void doConfigure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        super.doConfigure(configuration);
        wantClientAuth = configuration.getBoolean(WANT_ATTRIBUTE, false);
        if (!wantClientAuth) {
            return;
        }
        sslConfig = SslConfig.parse(configuration);
        if (!sslConfig.useStartTLS() && !sslConfig.useSSL()) {
            throw new ConfigurationException("wantClientAuth=\"true\" needs startTLS=\"true\" or socketTLS=\"true\" on <tls>");
        }
        if (sslConfig.getClientAuth() == ClientAuth.NEED) {
            throw new ConfigurationException("wantClientAuth=\"true\" and <clientAuth> (need) exclude each other on one <tls>");
        }
        if (sslConfig.getKeystore() == null) {
            throw new ConfigurationException("wantClientAuth=\"true\" needs <keystore> in <tls> (PEM <privateKey> is not supported)");
        }
    }

    /** James's pipeline (same handlers, same order) with {@link StartTlsPipeliningRefusal} just before the core handler. */
    @Override
    protected AbstractChannelPipelineFactory createPipelineFactory() {
        return new AbstractSSLAwareChannelPipelineFactory<SocketChannel>(getTimeout(), connectionLimit, connPerIP,
            proxyRequired, this::getEncryption, getFrameHandlerFactory(), getExecutorGroup()) {

            @Override
            public void initChannel(SocketChannel channel) throws Exception {
                super.initChannel(channel);
                channel.pipeline().addBefore(HandlerConstants.CORE_HANDLER, StartTlsPipeliningRefusal.NAME,
                    StartTlsPipeliningRefusal.INSTANCE);
            }

            @Override
            protected ChannelInboundHandlerAdapter createHandler() {
                return createCoreHandler();
            }
        };
    }

    @Override
    protected void buildSSLContext() throws Exception {
        super.buildSSLContext();
        if (!wantClientAuth) {
            return;
        }
        KeyStore keyStore = KeyStore.getInstance(sslConfig.getKeystoreType());
        char[] secret = sslConfig.getSecret() == null ? new char[0] : sslConfig.getSecret().toCharArray();
        try (InputStream in = Files.newInputStream(fileSystem.getFile(sslConfig.getKeystore()).toPath())) {
            keyStore.load(in, secret);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, secret);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), new TrustManager[] {new AskingTrustManager()}, null);
        encryption = sslConfig.useStartTLS()
            ? Encryption.createStartTls(context, sslConfig.getEnabledCipherSuites(), sslConfig.getEnabledProtocols(), ClientAuth.WANT)
            : Encryption.createTls(context, sslConfig.getEnabledCipherSuites(), sslConfig.getEnabledProtocols(), ClientAuth.WANT);
    }

    /**
     * Accepts whatever client certificate is offered, so the handshake never fails on it; the policy
     * decides later, per namespace. Never used for server certificates (this context only serves).
     */
    private static final class AskingTrustManager extends X509ExtendedTrustManager {
        private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            SSLSession handshake = engine.getHandshakeSession();
            if (handshake != null) {
                handshake.putValue(CLIENT_AUTH_SESSION_VALUE, WANT_UNVERIFIED);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // Netty uses SSLEngine; a socket-based server would get the same leniency
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // as above
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("server-side context");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("server-side context");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server-side context");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return NO_ISSUERS;
        }
    }
}

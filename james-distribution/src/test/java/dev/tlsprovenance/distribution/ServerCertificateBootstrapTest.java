package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First-start certificates: generated only where the configuration points at nothing, for the hello name. */
class ServerCertificateBootstrapTest {
    @TempDir
    Path home;

    @AfterEach
    void clearProperty() {
        System.clearProperty("test.hostname");
    }

    @Test
    void missingPkcs12KeystoreIsGeneratedSelfSignedForTheTemplatedHelloName() throws Exception {
        System.setProperty("test.hostname", "mx.example.test");
        writeSmtpServer("""
            <tls socketTLS="false" startTLS="true">
                <keystore>file://conf/keystore.p12</keystore><keystoreType>PKCS12</keystoreType><secret>s3cret</secret>
            </tls>""");

        List<Path> generated = new ServerCertificateBootstrap(home).generateMissing(ListenerConfiguration.read(home.resolve("conf")));

        assertThat(generated).containsExactly(home.resolve("conf/keystore.p12"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(generated.get(0))) {
            store.load(in, "s3cret".toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate(ServerCertificateBootstrap.ALIAS);
        assertThat(store.isKeyEntry(ServerCertificateBootstrap.ALIAS)).isTrue();
        assertThat(certificate.getSubjectX500Principal().getName()).startsWith("CN=mx.example.test");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        List<Object> names = certificate.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList();
        assertThat(names).containsExactly("mx.example.test", "localhost");
    }

    @Test
    void missingPemKeyAndChainAreGenerated() throws Exception {
        writeSmtpServer("""
            <tls socketTLS="true" startTLS="false">
                <privateKey>file://conf/private.key</privateKey><certificates>file://conf/chain.pem</certificates>
            </tls>""");

        new ServerCertificateBootstrap(home).generateMissing(ListenerConfiguration.read(home.resolve("conf")));

        assertThat(Files.readString(home.resolve("conf/private.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        try (InputStream in = Files.newInputStream(home.resolve("conf/chain.pem"))) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            assertThat(certificate.getSubjectX500Principal().getName()).startsWith("CN=localhost");
        }
    }

    @Test
    void existingKeystoreIsNeverTouched() throws Exception {
        writeSmtpServer("""
            <tls socketTLS="false" startTLS="true"><keystore>file://conf/keystore.p12</keystore><secret>x</secret></tls>""");
        Files.writeString(home.resolve("conf/keystore.p12"), "the administrator's");

        List<Path> generated = new ServerCertificateBootstrap(home).generateMissing(ListenerConfiguration.read(home.resolve("conf")));

        assertThat(generated).isEmpty();
        assertThat(Files.readString(home.resolve("conf/keystore.p12"))).isEqualTo("the administrator's");
    }

    @Test
    void portsAndBindAddressFollowTheSystemPropertyTemplates() throws Exception {
        System.setProperty("test.hostname", "mx.example.test");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/smtpserver.xml"), """
            <smtpservers><smtpserver>
                <jmxName>mx</jmxName><bind>${sys:test.bind:-0.0.0.0}:${sys:test.hostname.port:-25}</bind>
            </smtpserver></smtpservers>""");

        ConfiguredListener listener = ListenerConfiguration.read(home.resolve("conf")).get(0);

        assertThat(listener.bindHost()).isEqualTo("0.0.0.0");
        assertThat(listener.port()).isEqualTo(25);
        assertThat(listener.usesTls()).isFalse();
    }

    private void writeSmtpServer(String tls) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/smtpserver.xml"), """
            <smtpservers><smtpserver>
                <jmxName>mx</jmxName><bind>127.0.0.1:2525</bind>
                <helloName autodetect="false">${sys:test.hostname:-localhost}</helloName>
                %s
            </smtpserver></smtpservers>""".formatted(tls));
    }
}

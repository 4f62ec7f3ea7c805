package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsPolicyFileParserTest {
    private static final String PIN = "3d95e4a1c0b7f00d3d95e4a1c0b7f00d3d95e4a1c0b7f00d3d95e4a1c0b7f00d";

    @TempDir
    Path conf;

    @Test
    void unknownOutboundLevelNamesLineAndAcceptedLevels() {
        assertRejected("# comment\n\ndefault outbound=may\na.test outbound=verfy",
                4, "unknown outbound level 'verfy' (expected one of none, may, dane, encrypt, dane-only, verify, secure, fingerprint)");
        assertThatThrownBy(() -> parse("a.test outbound=verfy"))
                .hasMessage("tls-policy.conf line 1: unknown outbound level 'verfy' "
                        + "(expected one of none, may, dane, encrypt, dane-only, verify, secure, fingerprint)");
    }

    @Test
    void unknownInboundRule() {
        assertRejected("a.test inbound=required", 1,
                "unknown inbound rule 'required' (expected one of none, require, require-verified-client-cert)");
    }

    @Test
    void unknownKey() {
        assertRejected("a.test inbund=require", 1, "unknown key 'inbund' (expected one of inbound, "
                + "require-tls-from-senders, cleartext-reply, client-ca, client-crl, client-names, client-pins, outbound, match, pins, ca, crl, "
                + "min-protocol, client-cert, client-cert-password, route)");
    }

    @Test
    void tokenWithoutEquals() {
        assertRejected("a.test require", 1, "expected key=value but got 'require'");
    }

    @Test
    void emptyValue() {
        assertRejected("a.test outbound=", 1, "key 'outbound' has an empty value");
    }

    @Test
    void keyTwiceInOneRowEvenAcrossContinuationLines() {
        assertRejected("a.test outbound=may\n   outbound=verify", 2,
                "key 'outbound' given twice for namespace 'a.test' (first at line 1)");
    }

    @Test
    void duplicateNamespaceRows() {
        assertRejected("a.test inbound=require\nA.TEST. outbound=verify", 2,
                "duplicate namespace 'A.TEST.' (already defined at line 1)");
        assertRejected(".a.test inbound=require\n*.a.test outbound=verify", 2,
                "duplicate namespace '*.a.test' (already defined at line 1)");
        assertRejected("* inbound=none\ndefault inbound=none", 2,
                "duplicate namespace 'default' (already defined at line 1)");
    }

    @Test
    void invalidNamespaces() {
        String expected = "' (expected a domain, .parent.domain, *.parent.domain, * or default)";
        assertRejected("user@a.test inbound=require", 1, "invalid namespace 'user@a.test" + expected);
        assertRejected("a..test inbound=require", 1, "invalid namespace 'a..test" + expected);
        assertRejected("a.*.test inbound=require", 1, "invalid namespace 'a.*.test" + expected);
        assertRejected("a!.test inbound=require", 1, "invalid namespace 'a!.test" + expected);
    }

    @Test
    void continuationLineWithoutRow() {
        assertRejected("  inbound=require", 1,
                "indented line continues no row (a row starts with its namespace in column 1)");
    }

    @Test
    void pinsMustBeSha256() {
        assertRejected("a.test outbound=fingerprint pins=abcd", 1,
                "pins: 'abcd' is not a SHA-256 fingerprint (64 hex characters, colons allowed)");
        assertRejected("a.test outbound=fingerprint pins=" + PIN.replace('d', 'x'), 1,
                "pins: '" + PIN.replace('d', 'x') + "' is not a SHA-256 fingerprint (64 hex characters, colons allowed)");
    }

    @Test
    void pinsAcceptOpensslColonFormAndNormalise() throws Exception {
        String colonForm = PIN.toUpperCase().replaceAll("(..)(?!$)", "$1:");
        NamespacePolicy row = parse("a.test outbound=fingerprint pins=" + colonForm).lookup("a.test");
        assertThat(row.outbound().pinsSha256()).containsExactly(PIN);
    }

    @Test
    void fingerprintNeedsPins() {
        assertRejected("a.test\n  outbound=fingerprint", 2, "outbound=fingerprint needs pins=<sha256>[,<sha256>...]");
    }

    @Test
    void pinsAndMatchOnlyWhereTheyHaveAnEffect() {
        assertRejected("a.test outbound=verify pins=" + PIN, 1, "pins= only applies to outbound=fingerprint (level is 'verify')");
        assertRejected("a.test outbound=encrypt match=mx.a.test", 1,
                "match= only applies to outbound=verify or outbound=secure (level is 'encrypt')");
        assertRejected("a.test match=mx.a.test", 1,
                "match= only applies to outbound=verify or outbound=secure (level is 'may')");
        assertRejected("a.test inbound=require client-names=mx.a.test", 1,
                "client-names= only applies to inbound=require-verified-client-cert");
    }

    @Test
    void secureWithoutMatchUsesTheNextHopName() throws Exception {
        assertThat(parse("a.test outbound=secure").lookup("a.test").outbound().matchNames()).isEmpty();
    }

    @Test
    void filesMustExist() {
        Path missing = conf.resolve("missing-ca.pem");
        assertRejected("a.test inbound=require-verified-client-cert client-ca=missing-ca.pem", 1,
                "client-ca file '" + missing + "' does not exist");
        assertRejected("a.test outbound=verify\n  ca=missing-ca.pem", 2, "ca file '" + missing + "' does not exist");
        assertRejected("a.test client-cert=missing.p12", 1, "client-cert file '" + conf.resolve("missing.p12") + "' does not exist");
    }

    @Test
    void filesMustHoldWhatTheySay() throws Exception {
        PolicyTestFiles.pkcs12(conf.resolve("client.p12"), "secret");
        PolicyTestFiles.pemBundle(conf.resolve("ca.pem"));
        assertThatThrownBy(() -> parse("a.test outbound=verify ca=client.p12"))
                .hasMessageStartingWith("tls-policy.conf line 1: ca file '" + conf.resolve("client.p12") + "' ");
        assertThatThrownBy(() -> parse("a.test client-cert=client.p12 client-cert-password=wrong"))
                .hasMessageStartingWith("tls-policy.conf line 1: client-cert file '" + conf.resolve("client.p12")
                        + "' cannot be opened as PKCS#12 with client-cert-password");
        assertRejected("a.test client-cert-password=secret", 1, "client-cert-password= without client-cert=");
    }

    @Test
    void completeRowWithFiles() throws Exception {
        Path ca = PolicyTestFiles.pemBundle(conf.resolve("partner-ca.pem"));
        Path p12 = PolicyTestFiles.pkcs12(conf.resolve("client.p12"), "changeit");
        TlsPolicyTable table = parse(String.join("\n",
                "partner.test  inbound=require-verified-client-cert  client-ca=partner-ca.pem",
                "              client-names=mx.partner.test,*.Relay.Partner.test  client-pins=" + PIN,
                "              require-tls-from-senders=no",
                "              outbound=secure  match=mx.partner.test  ca=" + ca + "  min-protocol=tlsv1.3",
                "              client-cert=client.p12  client-cert-password=changeit",
                "              route=[relay1.partner.test]:2525,smtps:relay2.partner.test  # comment"));
        NamespacePolicy row = table.lookup("partner.test");
        assertThat(row.source()).isEqualTo("tls-policy.conf:1");
        assertThat(row.inbound()).isEqualTo(InboundRule.REQUIRE_VERIFIED_CLIENT_CERT);
        assertThat(row.requireTlsFromSenders()).isFalse();
        assertThat(row.clientCertificate().trustAnchors()).contains(ca);
        assertThat(row.clientCertificate().expectedNames()).containsExactlyInAnyOrder("mx.partner.test", "*.relay.partner.test");
        assertThat(row.clientCertificate().pinsSha256()).containsExactly(PIN);
        OutboundPolicy outbound = row.outbound();
        assertThat(outbound.level()).isEqualTo(OutboundLevel.SECURE);
        assertThat(outbound.matchNames()).containsExactly("mx.partner.test");
        assertThat(outbound.trustAnchors()).contains(ca);
        assertThat(outbound.minProtocol()).isEqualTo("TLSv1.3");
        assertThat(outbound.clientIdentity()).contains(ClientIdentity.of(p12, "changeit"));
        assertThat(outbound.clientIdentity().orElseThrow().toString()).doesNotContain("changeit");
        assertThat(outbound.routes()).containsExactly(Smarthost.of("relay1.partner.test", 2525, false),
                Smarthost.of("relay2.partner.test", 465, true));
    }

    @Test
    void clientCrlMustBeAPemCrlFile() throws Exception {
        PolicyTestFiles.pemBundle(conf.resolve("ca.pem"));
        assertThatThrownBy(() -> parse("a.test inbound=require-verified-client-cert client-crl=ca.pem"))
                .hasMessageStartingWith("tls-policy.conf line 1: client-crl file '" + conf.resolve("ca.pem") + "' ");
        assertRejected("a.test inbound=require client-crl=ca.pem", 1,
                "client-crl= only applies to inbound=require-verified-client-cert");
        assertRejected("a.test inbound=require-verified-client-cert client-crl=none.crl", 1,
                "client-crl file '" + conf.resolve("none.crl") + "' does not exist");
    }

    @Test
    void outboundCrlIsAPemCrlFileForVerifyAndSecure() throws Exception {
        Path crl = PolicyTestFiles.crl(conf.resolve("partner.crl"));
        Path ca = PolicyTestFiles.pemBundle(conf.resolve("ca.pem"));
        TlsPolicyTable table = parse("a.test outbound=verify ca=ca.pem crl=partner.crl\n"
                + "b.test outbound=secure\n  crl=" + crl + "\n"
                + "c.test outbound=verify");
        assertThat(table.lookup("a.test").outbound().revocationLists()).contains(crl);
        assertThat(table.lookup("a.test").outbound().trustAnchors()).contains(ca);
        assertThat(table.lookup("b.test").outbound().revocationLists()).contains(crl);
        assertThat(table.lookup("c.test").outbound().revocationLists()).isEmpty();
    }

    @Test
    void outboundCrlFileMustExist() {
        assertRejected("a.test outbound=verify\n  crl=missing.crl", 2,
                "crl file '" + conf.resolve("missing.crl") + "' does not exist");
    }

    @Test
    void outboundCrlFileMustHoldACrl() throws Exception {
        PolicyTestFiles.pemBundle(conf.resolve("ca.pem"));
        java.nio.file.Files.writeString(conf.resolve("empty.crl"), "# nothing here\n");
        assertThatThrownBy(() -> parse("a.test outbound=verify crl=ca.pem"))
                .isInstanceOfSatisfying(PolicyFileException.class, e -> assertThat(e.line()).isEqualTo(1))
                .hasMessageStartingWith("tls-policy.conf line 1: crl file '" + conf.resolve("ca.pem") + "' ");
        assertThatThrownBy(() -> parse("a.test outbound=secure crl=empty.crl"))
                .hasMessageStartingWith("tls-policy.conf line 1: crl file '" + conf.resolve("empty.crl") + "' ");
    }

    @Test
    void outboundCrlOnlyWhereAChainIsVerified() throws Exception {
        PolicyTestFiles.crl(conf.resolve("partner.crl"));
        assertRejected("a.test outbound=encrypt\n  crl=partner.crl", 2,
                "crl= only applies to outbound=verify or outbound=secure (level is 'encrypt')");
        assertRejected("a.test crl=partner.crl", 1,
                "crl= only applies to outbound=verify or outbound=secure (level is 'may')");
        assertRejected("a.test outbound=fingerprint pins=" + PIN + " crl=partner.crl", 1,
                "crl= only applies to outbound=verify or outbound=secure (level is 'fingerprint')");
        assertRejected("a.test inbound=require-verified-client-cert crl=partner.crl", 1,
                "crl= only applies to outbound=verify or outbound=secure (level is 'may')");
    }

    @Test
    void caBundlesHoldCertificatesOnlyCrlsGoInTheirOwnFile() throws Exception {
        Path ca = PolicyTestFiles.pemBundle(conf.resolve("ca.pem"));
        Path crl = PolicyTestFiles.crl(conf.resolve("partner.crl"));
        java.nio.file.Files.writeString(conf.resolve("ca-and-crl.pem"),
                java.nio.file.Files.readString(ca) + java.nio.file.Files.readString(crl));
        String problem = "ca file '" + conf.resolve("ca-and-crl.pem") + "' holds a CRL (-----BEGIN X509 CRL-----);"
                + " CA bundles hold certificates only, CRLs go in their own file named by crl= (outbound) or client-crl= (inbound)";
        assertRejected("a.test outbound=verify ca=ca-and-crl.pem", 1, problem);
        assertRejected("a.test inbound=require-verified-client-cert client-ca=ca-and-crl.pem", 1, "client-" + problem);
    }

    @Test
    void unknownMinProtocol() {
        assertRejected("a.test min-protocol=SSLv3", 1, "unknown min-protocol 'SSLv3' (expected one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)");
    }

    @Test
    void badRoutes() {
        assertRejected("a.test route=[relay.a.test:25", 1, "route '[relay.a.test:25' has '[' without ']'");
        assertRejected("a.test route=relay.a.test:smtp", 1, "route 'relay.a.test:smtp' has a bad port 'smtp'");
        assertRejected("a.test route=relay.a.test:0", 1, "route 'relay.a.test:0': port 0 out of range 1-65535");
        assertRejected("a.test route=relay.a.test,,b.test", 1, "route: empty item in 'relay.a.test,,b.test'");
    }

    @Test
    void senderRuleIsYesOrNo() {
        assertRejected("a.test require-tls-from-senders=maybe", 1, "require-tls-from-senders must be yes or no, not 'maybe'");
    }

    @Test
    void senderRuleFollowsInboundUnlessGiven() throws Exception {
        TlsPolicyTable table = parse("a.test inbound=require\nb.test inbound=none\nc.test require-tls-from-senders=yes");
        assertThat(table.lookup("a.test").requireTlsFromSenders()).isTrue();
        assertThat(table.lookup("b.test").requireTlsFromSenders()).isFalse();
        assertThat(table.lookup("c.test").requireTlsFromSenders()).isTrue();
        assertThat(table.lookup("c.test").inbound()).isEqualTo(InboundRule.NONE);
    }

    @Test
    void aRowWithoutKeysIsASyntaxErrorNamingItsLine() {
        String problem = "namespace 'partner.test' has no key=value settings (a row needs at least one, e.g. inbound=none;"
                + " was the file cut short?)";
        assertRejected("a.test inbound=require\npartner.test\n", 2, problem);
        assertRejected("a.test inbound=require\npartner.test", 2, problem);
        assertRejected("# partners\n\npartner.test   # keys follow\n", 3, problem);
        assertRejected("default\n", 1, "namespace 'default' has no key=value settings (a row needs at least one,"
                + " e.g. inbound=none; was the file cut short?)");
    }

    @Test
    void cleartextReplyIsTemporaryOrPermanentOnRowsThatRefuseCleartext() throws Exception {
        TlsPolicyTable table = parse("a.test inbound=require\nb.test inbound=require cleartext-reply=permanent\n"
                + "c.test inbound=require-verified-client-cert cleartext-reply=TEMPORARY\n"
                + "d.test inbound=none require-tls-from-senders=yes cleartext-reply=permanent\n");
        assertThat(table.lookup("a.test").cleartextReply()).isEqualTo(CleartextReply.TEMPORARY);
        assertThat(table.lookup("b.test").cleartextReply()).isEqualTo(CleartextReply.PERMANENT);
        assertThat(table.lookup("c.test").cleartextReply()).isEqualTo(CleartextReply.TEMPORARY);
        assertThat(table.lookup("d.test").cleartextReply()).isEqualTo(CleartextReply.PERMANENT);
        assertThat(table.lookup("other.test").cleartextReply()).isEqualTo(CleartextReply.TEMPORARY);

        assertRejected("a.test inbound=require\n    cleartext-reply=later\n", 2,
                "unknown cleartext-reply 'later' (expected temporary or permanent)");
        String noEffect = "cleartext-reply= only applies to a row that refuses cleartext (inbound=require,"
                + " inbound=require-verified-client-cert or require-tls-from-senders=yes)";
        assertRejected("a.test inbound=require\ndefault inbound=none cleartext-reply=permanent\n", 2, noEffect);
        assertRejected("b.test outbound=verify\n  cleartext-reply=temporary", 2, noEffect);
        assertRejected("c.test inbound=require require-tls-from-senders=no\nd.test inbound=none"
                + " require-tls-from-senders=no cleartext-reply=permanent\n", 2, noEffect);
    }

    @Test
    void theSampleFileParsesAsShippedAndWithItsHostedServiceExamplesPutInForce() throws Exception {
        Path sample = Path.of("..", "conf", "tls-policy.conf");
        String shipped = java.nio.file.Files.readString(sample);
        TlsPolicyTable asShipped = TlsPolicyTable.parse("tls-policy.conf", new StringReader(shipped),
                PolicyPathResolver.relativeTo(sample.getParent()));
        assertThat(asShipped.lookup("contoso1.microsoftonline.com").isDefault()).isTrue();

        // What the file tells an administrator to do: drop the "#" in front of the example rows.
        String uncommented = shipped.replaceAll("(?m)^#(contoso1\\.microsoftonline\\.com|\\.microsoftonline\\.com|    route=)", "$1");
        TlsPolicyTable table = TlsPolicyTable.parse("tls-policy.conf", new StringReader(uncommented),
                PolicyPathResolver.relativeTo(sample.getParent()));
        assertThat(table.lookup("contoso1.microsoftonline.com").outbound().routes())
                .containsExactly(Smarthost.of("smarthost.contoso.test", 25, false));
        assertThat(table.lookup("contoso2.microsoftonline.com").outbound().level()).isEqualTo(OutboundLevel.VERIFY);
        assertThat(table.lookup("example.test").isDefault()).isTrue();
    }

    private TlsPolicyTable parse(String text) throws PolicyFileException {
        return TlsPolicyTable.parse("tls-policy.conf", new StringReader(text), PolicyPathResolver.relativeTo(conf));
    }

    private void assertRejected(String text, int line, String problem) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOfSatisfying(PolicyFileException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.source()).isEqualTo("tls-policy.conf");
                    assertThat(e.getMessage()).isEqualTo("tls-policy.conf line " + line + ": " + problem);
                });
    }
}

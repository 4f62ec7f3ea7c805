package dev.tlsprovenance.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.policy.ClientCertificateVerifier;
import dev.tlsprovenance.policy.InboundDecision;
import dev.tlsprovenance.policy.InboundRule;
import dev.tlsprovenance.policy.InboundTlsEnforcer;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.PolicyPathResolver;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * {@code /tls/policy/check} for generated rows: every outbound level x inbound rule x cleartext-reply (unset,
 * temporary, permanent) x namespace form (exact, {@code .suffix}), each in a table with a default row and a decoy row.
 * The row the check names is the one the inbound enforcer decides with (and the delivery mailet's lookup), and each
 * sentence names the level or rule and its consequence (reply code, queued/bounced).
 */
class PolicyCheckSentencesTest {
    private static final InboundTlsEnforcer ENFORCER = new InboundTlsEnforcer(new ClientCertificateVerifier(Clock.systemUTC()));
    private static final String PIN = "ab".repeat(32);

    @Test
    void everyGeneratedRowIsFoundAsTheEnforcerFindsItAndExplainedWithItsConsequence() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        int cases = 0;
        for (OutboundLevel level : OutboundLevel.values()) {
            for (InboundRule rule : InboundRule.values()) {
                for (String reply : List.of("unset", "temporary", "permanent")) {
                    for (boolean suffix : List.of(false, true)) {
                        cases++;
                        check(softly, level, rule, reply, suffix);
                    }
                }
            }
        }
        softly.assertAll();
        assertThat(cases).isEqualTo(8 * 3 * 3 * 2);
    }

    private static void check(SoftAssertions softly, OutboundLevel level, InboundRule rule, String reply, boolean suffix)
            throws Exception {
        String namespace = suffix ? ".tenant.test" : "tenant.test";
        String domain = suffix ? "mx.eu.tenant.test" : "tenant.test";
        String row = namespace + " inbound=" + rule.token() + " outbound=" + level.token()
            + (level == OutboundLevel.FINGERPRINT ? " pins=" + PIN : "")
            + (reply.equals("unset") ? "" : " cleartext-reply=" + reply + (rule.requiresTls() ? "" : " require-tls-from-senders=yes"));
        String file = "default inbound=none outbound=may\nother.test inbound=require outbound=secure\n" + row + "\n";
        TlsPolicyTable table = TlsPolicyTable.parse("tls-policy.conf", new StringReader(file), PolicyPathResolver.relativeTo(
            java.nio.file.Path.of("")));
        String label = row + " for " + domain;

        Map<String, Object> check = PolicyRoutes.check(table, domain);
        InboundDecision enforced = ENFORCER.forRecipient(table, domain, false, List::<X509Certificate>of);
        NamespacePolicy found = enforced.row();
        softly.assertThat(check.get("row")).as(label).isEqualTo(found.source()).isEqualTo("tls-policy.conf:3");
        softly.assertThat(check.get("namespace")).as(label).isEqualTo(found.namespace()).isEqualTo(namespace);
        softly.assertThat(table.lookup(domain)).as(label + " (delivery lookup)").isEqualTo(found);

        @SuppressWarnings("unchecked")
        Map<String, Object> inbound = (Map<String, Object>) check.get("inbound");
        String inboundSays = (String) inbound.get("says");
        softly.assertThat(inbound.get("rule")).as(label).isEqualTo(rule.token());
        softly.assertThat(inboundSays).as(label).startsWith("mail from outside to " + domain + " ")
            .endsWith("(row tls-policy.conf:3, namespace " + namespace + ").");
        String code = reply.equals("permanent") ? "530" : "450";
        String consequence = reply.equals("permanent") ? "(the sender bounces it)" : "(the sender keeps the mail and retries)";
        if (rule.requiresTls()) {
            softly.assertThat(inboundSays).as(label).contains("must arrive over TLS")
                .contains("over cleartext it is refused with " + code + " " + code.charAt(0) + ".7.0 " + consequence);
            // the sentence tells the reply the enforcer really gives a cleartext session
            softly.assertThat(enforced.accepted()).as(label).isFalse();
            softly.assertThat(inboundSays).as(label).contains(enforced.replyCode() + " " + enforced.enhancedCode());
        } else {
            softly.assertThat(inboundSays).as(label).contains("is accepted over TLS or cleartext (inbound rule none)");
            softly.assertThat(enforced.accepted()).as(label).isTrue();
        }
        softly.assertThat(inboundSays.contains("550 5.7.1")).as(label).isEqualTo(rule.requiresClientCertificate());
        softly.assertThat(inboundSays.contains("mail whose sender is in " + domain + " must arrive over TLS too, else "
            + code + " " + code.charAt(0) + ".7.10")).as(label).isEqualTo(rule.requiresTls() || !reply.equals("unset"));

        @SuppressWarnings("unchecked")
        Map<String, Object> outbound = (Map<String, Object>) check.get("outbound");
        String outboundSays = (String) outbound.get("says");
        softly.assertThat(outbound.get("level")).as(label).isEqualTo(level.token());
        softly.assertThat(outboundSays).as(label).startsWith("mail to someone@" + domain + " ")
            .contains("(level " + level.token() + ")")
            .contains("next hop: the MX hosts of " + domain)
            .endsWith("(row tls-policy.conf:3, namespace " + namespace + ").");
        List<String> consequences = new ArrayList<>();
        switch (level) {
            case NONE:
                consequences.add("is delivered in cleartext, never over TLS");
                break;
            case MAY:
                consequences.add("in cleartext otherwise");
                break;
            case DANE:
                consequences.add("goes over TLS authenticated by DANE when the next hop publishes DNSSEC-signed TLSA records");
                consequences.add("as at level may otherwise");
                consequences.add("keeps it queued (4.7.5), never cleartext");
                break;
            case DANE_ONLY:
                consequences.add("goes only over TLS authenticated by DANE");
                consequences.add("it stays queued (4.7.5) and is retried");
                break;
            default:
                consequences.add("must go over TLS (at least TLSv1.2)");
                consequences.add("else it stays queued (4.7.10 when the next hop offers no TLS");
                consequences.add("and it bounces (5.7.x) once the retries are exhausted");
        }
        softly.assertThat(outboundSays).as(label).contains(consequences);
        softly.assertThat(outboundSays.contains("4.7.5 when the certificate check fails")).as(label)
            .isEqualTo(level.verifiesPeer());
        if (level == OutboundLevel.SECURE) {
            softly.assertThat(outboundSays).as(label).contains("verified against the JVM's default trust store and matching"
                + " the next hop's host name");
        }
        if (level == OutboundLevel.FINGERPRINT) {
            softly.assertThat(outboundSays).as(label).contains("one of the 1 pinned fingerprints");
        }
    }

    @Test
    void aDomainWithoutRowAndWithoutDefaultRowGetsTheBuiltInDefaultAndNoRow() throws Exception {
        TlsPolicyTable table = TlsPolicyTable.parse("tls-policy.conf", new StringReader("tenant.test inbound=require\n"));

        Map<String, Object> check = PolicyRoutes.check(table, "elsewhere.test");

        assertThat(check.get("row")).isNull();
        assertThat(check.get("namespace")).isEqualTo("*");
        @SuppressWarnings("unchecked")
        Map<String, Object> outbound = (Map<String, Object>) check.get("outbound");
        assertThat(outbound.get("says")).isEqualTo("mail to someone@elsewhere.test goes over TLS when the next hop offers"
            + " STARTTLS, without checking its certificate, and in cleartext otherwise (level may); next hop: the MX hosts"
            + " of elsewhere.test (default row built-in default).");
    }
}

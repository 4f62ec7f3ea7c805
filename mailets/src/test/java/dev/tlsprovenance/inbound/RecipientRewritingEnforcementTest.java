package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.james.RecipientRewriteTableProbe;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * A namespace rule follows the final recipients: through a real James 3.8.1, every mapping type of its recipient
 * rewrite table that leads to a protected address is refused in cleartext at RCPT with the direct address's reply,
 * is delivered over STARTTLS, and a mapping that appears after RCPT is caught after James's
 * {@code RecipientRewriteTable} mailet (bounce with 5.7.10, never dropped). The mailet container has the shipped
 * order: {@code RecipientRewriteTable}, then {@code EnforceInboundTlsPolicy}.
 */
class RecipientRewritingEnforcementTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String ALICE = "alice@coexist.test";
    private static final String SENDER = "sender@other.test";
    /** Never rewritten, never protected: shows a transaction went through while the other recipient was refused. */
    private static final String SENTINEL = "sentinel@other.test";
    private static final String CLEARTEXT_REFUSAL = "4.7.0 Must issue a STARTTLS command first";
    private static final String POLICY = String.join("\n",
        "coexist.test   inbound=require",
        ".p.test        inbound=require",
        "default        inbound=none",
        "");

    @RegisterExtension
    static JamesTestServer james = withLocalDomains(JamesTestServer.builder())
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withCoreHandlersPackage("dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers")
        .withHook("dev.tlsprovenance.inbound.RequireTlsForNamespacesHook")
        .withConfFile("tls-policy.conf", POLICY)
        .withMailetContainer(mailetContainer())
        .build();

    @AfterEach
    void clear() throws Exception {
        james.rewriteTable().removeAll();
        james.clearDelivered();
    }

    /** The mapping kinds of James 3.8.1 that lead to an address, each installed from {@code source} to {@code target}. */
    enum Kind {
        ALIAS {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                rrt.addAlias("alias@" + sourceDomain, target);
                return "alias@" + sourceDomain;
            }
        },
        FORWARD {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                rrt.addForward("forward@" + sourceDomain, target);
                return "forward@" + sourceDomain;
            }
        },
        FORWARD_KEEPING_A_LOCAL_COPY {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                String source = "keeper@" + sourceDomain;
                rrt.addForward(source, source);
                rrt.addForward(source, target);
                return source;
            }
        },
        GROUP_OF_SEVERAL {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                String group = "team@" + sourceDomain;
                rrt.addGroupMember(group, "bob@other.test");
                rrt.addGroupMember(group, target);
                rrt.addGroupMember(group, "carol@other.test");
                return group;
            }
        },
        DOMAIN_ALIAS {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                rrt.addDomainAlias(sourceDomain, domainOf(target));
                return localPartOf(target) + "@" + sourceDomain;
            }
        },
        DOMAIN_MAPPING {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                rrt.addDomainMapping(sourceDomain, domainOf(target));
                return localPartOf(target) + "@" + sourceDomain;
            }
        },
        REGEX {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                rrt.addRegex("rx@" + sourceDomain, "rx@(.*):" + target);
                return "rx@" + sourceDomain;
            }
        },
        ADDRESS {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                rrt.addAddress("address@" + sourceDomain, target);
                return "address@" + sourceDomain;
            }
        },
        /** Two hops: the protected address is in the middle, the final recipient is elsewhere. */
        ALIAS_THEN_FORWARD {
            @Override
            String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception {
                rrt.addAlias("chain@" + sourceDomain, target);
                rrt.addForward(target, "dave@other.test");
                return "chain@" + sourceDomain;
            }
        };

        /** @return the address to give in RCPT TO */
        abstract String install(RecipientRewriteTableProbe rrt, String sourceDomain, String target) throws Exception;

        /** A local domain of its own for this kind's source, protected by {@code .p.test} or not. */
        String sourceDomain(boolean protectedSource, boolean protectedTarget) {
            return name().toLowerCase(Locale.ROOT).replace('_', '-') + "-to-" + (protectedTarget ? "p" : "u")
                + (protectedSource ? ".p.test" : ".u.test");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void cleartextRcptReachingTheProtectedNamespaceGetsTheDirectAddressReplyAndNothingIsDelivered(Kind kind) throws Exception {
        String rcpt = kind.install(james.rewriteTable(), kind.sourceDomain(false, true), ALICE);
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("edge.partner.test");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            SmtpReply direct = client.rcptTo(ALICE);
            SmtpReply rewritten = client.rcptTo(rcpt);
            assertThat(rewritten.code()).as(rcpt).isEqualTo(450);
            assertThat(rewritten.text()).isEqualTo(CLEARTEXT_REFUSAL);
            assertThat(rewritten.rawLines()).isEqualTo(direct.rawLines());
            assertThat(client.rcptTo(SENTINEL).code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple(SENDER, SENTINEL, kind.name())).code()).isEqualTo(250);
        }
        assertOnlyTheSentinelWasDelivered();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void overStartTlsTheRewrittenRecipientIsDelivered(Kind kind) throws Exception {
        String rcpt = kind.install(james.rewriteTable(), kind.sourceDomain(false, true), ALICE);
        try (SmtpTestClient client = startTls()) {
            assertThat(client.send(SENDER, List.of(rcpt), TestMessages.simple(SENDER, rcpt, kind.name())).code()).isEqualTo(250);
        }
        List<String> finals = james.awaitDeliveredMails(1).stream()
            .flatMap(mail -> mail.recipients().stream()).collect(Collectors.toList());
        assertThat(finals).contains(kind == Kind.ALIAS_THEN_FORWARD ? "dave@other.test" : ALICE);
    }

    @Test
    void theIssuesDomainAliasAliasdomTestIsRefusedInCleartext() throws Exception {
        james.rewriteTable().addDomainAlias("aliasdom.test", "coexist.test");
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("edge.partner.test");
            client.mailFrom(SENDER);
            SmtpReply refused = client.rcptTo("alice@aliasdom.test");
            assertThat(refused.code()).isEqualTo(450);
            assertThat(refused.text()).isEqualTo(CLEARTEXT_REFUSAL);
        }
    }

    @Test
    void aMappingAddedBetweenRcptAndDataIsCaughtAfterRecipientRewriteTableAndBounced() throws Exception {
        String late = "late@other.test";
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("edge.partner.test");
            client.mailFrom(SENDER);
            assertThat(client.rcptTo(late).code()).as("not yet an alias").isEqualTo(250);
            james.rewriteTable().addAlias(late, ALICE);
            assertThat(client.data(TestMessages.simple(SENDER, late, "late alias")).code()).isEqualTo(250);
        }
        DeliveredMail dsn = james.awaitDeliveredMails(1).get(0);
        assertThat(dsn.recipients()).containsExactly(SENDER);
        assertThat(dsn.sender()).isEmpty();
        assertThat(dsn.body())
            .contains("Final-Recipient: rfc822; " + ALICE)
            .contains("Status: 550 5.7.10 Encryption needed: namespace coexist.test (tls-policy.conf:1) "
                + "requires TLS but the mail was received in cleartext from 127.0.0.1");
        assertThat(james.deliveredMails()).noneMatch(mail -> mail.recipients().contains(ALICE));
    }

    @Test
    void aLateMappingToARemoteProtectedAddressIsCaughtOnTheCopyRewritingRequeues() throws Exception {
        String late = "late-remote@other.test";
        String remote = "frank@remote.p.test";
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("edge.partner.test");
            client.mailFrom(SENDER);
            assertThat(client.rcptTo(late).code()).isEqualTo(250);
            james.rewriteTable().addForward(late, remote);
            assertThat(client.data(TestMessages.simple(SENDER, late, "late remote forward")).code()).isEqualTo(250);
        }
        DeliveredMail dsn = james.awaitDeliveredMails(1).get(0);
        assertThat(dsn.recipients()).containsExactly(SENDER);
        assertThat(dsn.body())
            .contains("Final-Recipient: rfc822; " + remote)
            .contains("Status: 550 5.7.10 Encryption needed: namespace .p.test (tls-policy.conf:2) "
                + "requires TLS but the mail was received in cleartext from 127.0.0.1");
        assertThat(james.deliveredMails()).noneMatch(mail -> mail.recipients().contains(remote));
    }

    /**
     * Every kind x where the protection is (alias side / final side / both / neither) x (cleartext / STARTTLS):
     * refused with the exact reply iff cleartext and some side is protected, else delivered to the final recipient.
     */
    @TestFactory
    Stream<DynamicTest> everyKindEverySideBothTransports() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (boolean protectedSource : new boolean[] {false, true}) {
                for (boolean protectedTarget : new boolean[] {false, true}) {
                    for (boolean tls : new boolean[] {false, true}) {
                        String name = kind + " source " + (protectedSource ? "protected" : "open") + ", target "
                            + (protectedTarget ? "protected" : "open") + ", " + (tls ? "STARTTLS" : "cleartext");
                        tests.add(dynamicTest(name, () -> runCase(kind, protectedSource, protectedTarget, tls)));
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void runCase(Kind kind, boolean protectedSource, boolean protectedTarget, boolean tls) throws Exception {
        try {
            String target = "erin@final." + (protectedTarget ? "p" : "u") + ".test";
            String rcpt = kind.install(james.rewriteTable(), kind.sourceDomain(protectedSource, protectedTarget), target);
            boolean refused = !tls && (protectedSource || protectedTarget);
            try (SmtpTestClient client = tls ? startTls() : cleartext()) {
                assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
                SmtpReply reply = client.rcptTo(rcpt);
                if (refused) {
                    assertThat(reply.code()).as(rcpt).isEqualTo(450);
                    assertThat(reply.text()).isEqualTo(CLEARTEXT_REFUSAL);
                    assertThat(client.rcptTo(SENTINEL).code()).isEqualTo(250);
                } else {
                    assertThat(reply.code()).as(rcpt).isEqualTo(250);
                }
                assertThat(client.data(TestMessages.simple(SENDER, rcpt, kind.name())).code()).isEqualTo(250);
            }
            if (refused) {
                assertOnlyTheSentinelWasDelivered();
            } else {
                List<String> finals = james.awaitDeliveredMails(1).stream()
                    .flatMap(mail -> mail.recipients().stream()).collect(Collectors.toList());
                assertThat(finals).contains(kind == Kind.ALIAS_THEN_FORWARD ? "dave@other.test" : target);
            }
        } finally {
            james.rewriteTable().removeAll();
            james.clearDelivered();
        }
    }

    private static void assertOnlyTheSentinelWasDelivered() {
        List<DeliveredMail> delivered = james.awaitDeliveredMails(1);
        assertThat(delivered).singleElement()
            .satisfies(mail -> assertThat(mail.recipients()).containsExactly(SENTINEL));
    }

    private static SmtpTestClient cleartext() throws Exception {
        SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort());
        client.ehlo("edge.partner.test");
        return client;
    }

    private static SmtpTestClient startTls() throws Exception {
        SmtpTestClient client = cleartext();
        client.startTls(PKI.trustingRoot());
        client.ehlo("edge.partner.test");
        return client;
    }

    private static String domainOf(String address) {
        return address.substring(address.indexOf('@') + 1);
    }

    private static String localPartOf(String address) {
        return address.substring(0, address.indexOf('@'));
    }

    private static JamesTestServer.Builder withLocalDomains(JamesTestServer.Builder builder) {
        List<String> domains = new ArrayList<>(List.of("coexist.test", "aliasdom.test", "other.test", "final.p.test",
            "final.u.test"));
        for (Kind kind : Kind.values()) {
            for (boolean protectedSource : new boolean[] {false, true}) {
                for (boolean protectedTarget : new boolean[] {false, true}) {
                    domains.add(kind.sourceDomain(protectedSource, protectedTarget));
                }
            }
        }
        domains.forEach(builder::withLocalDomain);
        return builder;
    }

    /** The shipped conf/mailetcontainer.xml's order, in memory: RecipientRewriteTable, then the second enforcement line. */
    private static String mailetContainer() {
        return "<?xml version=\"1.0\"?>\n<mailetcontainer>\n"
            + "  <context><postmaster>postmaster@other.test</postmaster></context>\n"
            + "  <spooler><threads>2</threads><errorRepository>" + JamesTestServer.ERROR + "</errorRepository></spooler>\n"
            + "  <processors>\n"
            + "    <processor state=\"root\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\"/>\n"
            + "      <mailet match=\"All\" class=\"ToProcessor\"><processor>transport</processor></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"error\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + JamesTestServer.ERROR + "</repositoryPath></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"transport\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"RemoveMimeHeader\"><name>bcc</name></mailet>\n"
            + "      <mailet match=\"All\" class=\"RecipientRewriteTable\"><errorProcessor>error</errorProcessor></mailet>\n"
            + "      <mailet match=\"All\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\">\n"
            + "        <onViolation>bounce</onViolation>\n"
            + "        <bounceProcessor>bounces</bounceProcessor>\n"
            + "      </mailet>\n"
            + "      <mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"bounces\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"DSNBounce\">\n"
            + "        <passThrough>false</passThrough>\n"
            + "      </mailet>\n"
            + "    </processor>\n"
            + "  </processors>\n</mailetcontainer>\n";
    }
}

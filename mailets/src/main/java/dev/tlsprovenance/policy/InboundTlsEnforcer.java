package dev.tlsprovenance.policy;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Fingerprints;

/**
 * Applies the inbound column of the policy table to an SMTP session: a recipient in a namespace whose
 * rule is {@code require} needs TLS ({@code 450 4.7.0} or, with {@code cleartext-reply=permanent}, RFC 3207's
 * {@code 530 5.7.0 Must issue a STARTTLS command first}); a sender in a namespace with
 * {@code require-tls-from-senders} needs TLS ({@code 450 4.7.10} / {@code 530 5.7.10});
 * {@code require-verified-client-cert} also needs a client certificate that passes the row's checks
 * ({@code 550 5.7.1} naming the check).
 * <p>
 * A recipient counts with every address recipient rewriting (aliases, forwards, groups, domain aliases, regex and
 * address mappings) makes of it: the first of them whose row refuses the session decides, so an alias cannot carry
 * cleartext into a protected namespace. Pure: the adapter supplies whether the session is encrypted, the client's
 * chain and the rewritten addresses.
 */
public final class InboundTlsEnforcer {
    public static final String STARTTLS_FIRST = "Must issue a STARTTLS command first";

    private final ClientCertificateVerifier verifier;

    public InboundTlsEnforcer(ClientCertificateVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * @param clientChain the client's certificates, leaf first (empty if none); only asked for when a
     *                    row needs it
     */
    public InboundDecision forRecipient(TlsPolicyTable table, String recipientDomain, boolean encrypted,
                                        Supplier<List<X509Certificate>> clientChain) {
        NamespacePolicy row = table.lookup(recipientDomain);
        InboundRule rule = row.inbound();
        if (!rule.requiresTls()) {
            return InboundDecision.accept(row, "inbound rule none");
        }
        if (!encrypted) {
            CleartextReply reply = row.cleartextReply();
            return InboundDecision.refuse(row, reply.replyCode(), reply.enhanced("7.0"), STARTTLS_FIRST,
                    "recipient namespace " + row.namespace() + " requires TLS and the session is cleartext");
        }
        return checkClientCertificate(row, "recipient", clientChain);
    }

    /**
     * Judges an RCPT address together with the addresses recipient rewriting makes of it.
     *
     * @param recipient   the address as given in RCPT TO, {@code local@domain}
     * @param rewrittenTo every address the rewriting reaches from it, intermediate hops and final recipients; read
     *                    only when some row could still refuse the session
     * @return the decision for {@code recipient} itself when it refuses, else that of the first rewritten address
     *         whose row refuses (its reply, its row, a reason naming both addresses), else acceptance
     */
    public InboundDecision forRewrittenRecipient(TlsPolicyTable table, String recipient, Supplier<List<String>> rewrittenTo,
                                                 boolean encrypted, Supplier<List<X509Certificate>> clientChain) {
        Supplier<List<X509Certificate>> chainReadOnce = memoize(clientChain);
        InboundDecision direct = forRecipient(table, domainOf(recipient), encrypted, chainReadOnce);
        if (!direct.accepted() || !couldRefuseSomeRecipient(table, encrypted)) {
            return direct;
        }
        for (String address : rewrittenTo.get()) {
            if (address.equalsIgnoreCase(recipient)) {
                continue;
            }
            InboundDecision reached = forRecipient(table, domainOf(address), encrypted, chainReadOnce);
            if (!reached.accepted()) {
                return reached.because(recipient + " is rewritten to " + address + " and " + reached.reason());
            }
        }
        return direct;
    }

    /** Over TLS only a client-certificate row can still refuse; in cleartext any row demanding TLS. */
    static boolean couldRefuseSomeRecipient(TlsPolicyTable table, boolean encrypted) {
        return encrypted ? table.hasClientCertificateRequirements() : table.hasRecipientTlsRequirements();
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }

    public InboundDecision forSender(TlsPolicyTable table, String senderDomain, boolean encrypted,
                                     Supplier<List<X509Certificate>> clientChain) {
        NamespacePolicy row = table.lookup(senderDomain);
        if (!row.requireTlsFromSenders()) {
            return InboundDecision.accept(row, "no TLS requirement for senders");
        }
        if (!encrypted) {
            CleartextReply reply = row.cleartextReply();
            return InboundDecision.refuse(row, reply.replyCode(), reply.enhanced("7.10"),
                    "TLS required for sender namespace " + row.namespace() + ": " + STARTTLS_FIRST,
                    "sender namespace " + row.namespace() + " requires TLS and the session is cleartext");
        }
        return checkClientCertificate(row, "sender", clientChain);
    }

    /** For the record: which row vouched, and by which of its expected names and pins. */
    private static String whatMatched(NamespacePolicy row, X509Certificate leaf) {
        ClientCertificateConstraints constraints = row.clientCertificate();
        StringBuilder matched = new StringBuilder("namespace ").append(row.namespace());
        if (!constraints.expectedNames().isEmpty()) {
            ClientCertificateVerifier.namesOf(leaf).stream()
                .filter(name -> constraints.namesMatch(List.of(name)))
                .findFirst()
                .ifPresent(name -> matched.append(", name ").append(name));
        }
        String certificatePin = Fingerprints.certificateSha256(leaf);
        String publicKeyPin = Fingerprints.publicKeySha256(leaf);
        if (constraints.pinsSha256().contains(certificatePin)) {
            matched.append(", certificate pin ").append(certificatePin);
        } else if (constraints.pinsSha256().contains(publicKeyPin)) {
            matched.append(", public-key pin ").append(publicKeyPin);
        }
        return matched.toString();
    }

    /** SMTP reply lines are limited to 512 octets (RFC 5321 section 4.5.3.1.5). */
    private static String clip(String text) {
        int limit = 400;
        return text.length() <= limit ? text : text.substring(0, limit) + "...";
    }

    private InboundDecision checkClientCertificate(NamespacePolicy row, String role,
                                                   Supplier<List<X509Certificate>> clientChain) {
        if (!row.inbound().requiresClientCertificate()) {
            return InboundDecision.accept(row, "TLS in use");
        }
        List<X509Certificate> chain = clientChain.get();
        ClientCertificateVerdict verdict = verifier.verify(chain, row.clientCertificate());
        if (verdict.passed()) {
            return InboundDecision.acceptVerified(row, "TLS in use, client certificate verified against " + verdict.trust(),
                CertificateVerification.verified(verdict.trust(), whatMatched(row, chain.get(0))));
        }
        String check = verdict.failedCheck().orElseThrow().label();
        return InboundDecision.refuse(row, "550", "5.7.1",
                clip("Client certificate check failed (" + check + ") for " + role + " namespace " + row.namespace()
                        + ": " + verdict.reason()),
                "client certificate check failed (" + check + "): " + verdict.reason());
    }
}

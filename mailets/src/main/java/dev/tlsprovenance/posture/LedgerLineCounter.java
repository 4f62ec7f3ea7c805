package dev.tlsprovenance.posture;

import dev.tlsprovenance.ledger.InboundLedgerLine;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Adds one ledger line to a {@link Tally}, read with the ledger's own readers ({@link InboundLedgerLine#parse},
 * {@link OutboundLedgerLine#parse}): one vocabulary for writer and reader.
 * <p>
 * Inbound, per mail and per (recipient domain, row) of its recipients: {@code messages} 1, {@code recipients} how
 * many; {@code tls}/{@code cleartext}/{@code unknown} and {@code transport} by the hop's transport; protocol, cipher
 * and {@code verify} (the client certificate) only for a TLS hop; {@code client-certificates} when the client
 * presented one; {@code accepted} when all those recipients were accepted, else {@code refused} and one
 * {@code reasons} word per distinct reason. Outbound, per attempt (line): {@code attempts} 1, {@code level},
 * {@code policy-source} (what decided the level: {@code row}, {@code dane}, {@code sts}, {@code default}), the
 * ledger's {@code result-type} (RFC 8460) when something the policy demanded failed, recipients by result
 * ({@code delivered}, {@code deferred}, {@code failed}), the attempt by transport
 * ({@code tls}, {@code cleartext}, {@code none}), protocol and cipher for a TLS attempt, {@code verify} unless the
 * attempt was cleartext, one {@code failures} word unless all were delivered ({@link ReasonWords}), and
 * {@code refused} when nothing was sent for a TLS reason.
 */
final class LedgerLineCounter {
    private LedgerLineCounter() {
    }

    /** @return false when the line is older than {@code firstKept} (not counted) */
    static boolean countInbound(JsonNode json, Tally tally, LocalDate firstKept) throws MalformedProvenanceException {
        InboundLedgerLine line = InboundLedgerLine.parse(json);
        TlsProvenance hop = line.record();
        LocalDate day = LocalDate.ofInstant(hop.time(), ZoneOffset.UTC);
        if (day.isBefore(firstKept)) {
            return false;
        }
        Map<List<String>, List<InboundLedgerLine.Recipient>> groups = new LinkedHashMap<>();
        for (InboundLedgerLine.Recipient recipient : line.recipients()) {
            groups.computeIfAbsent(List.of(Domains.ofAddress(recipient.address()), recipient.row()), k -> new ArrayList<>())
                .add(recipient);
        }
        Transport transport = hop.transport();
        for (Map.Entry<List<String>, List<InboundLedgerLine.Recipient>> group : groups.entrySet()) {
            Bucket bucket = tally.bucket(day, group.getKey().get(0), group.getKey().get(1));
            bucket.add("messages", 1);
            bucket.add("recipients", group.getValue().size());
            bucket.add(transport.isEncrypted() ? "tls" : transport == Transport.CLEARTEXT ? "cleartext" : "unknown", 1);
            bucket.count("transport", transport.token());
            if (transport.isEncrypted()) {
                hop.protocol().ifPresent(protocol -> bucket.count("protocols", protocol));
                hop.cipherSuite().ifPresent(cipher -> bucket.count("ciphers", cipher));
                bucket.count("verify", hop.peerVerification().status().token());
            }
            if (hop.peerCertificate().isPresent()) {
                bucket.add("client-certificates", 1);
            }
            Set<String> reasons = new LinkedHashSet<>();
            for (InboundLedgerLine.Recipient recipient : group.getValue()) {
                if (recipient.decision() != InboundLedgerLine.Decision.ACCEPTED) {
                    reasons.add(ReasonWords.refusalOf(recipient.reason()));
                }
            }
            bucket.add(reasons.isEmpty() ? "accepted" : "refused", 1);
            reasons.forEach(reason -> bucket.count("reasons", reason));
            countFlags(bucket, hop);
        }
        return true;
    }

    static boolean countOutbound(JsonNode json, Tally tally, LocalDate firstKept) throws MalformedProvenanceException {
        OutboundLedgerLine line = OutboundLedgerLine.parse(json);
        TlsProvenance attempt = line.record();
        LocalDate day = LocalDate.ofInstant(attempt.time(), ZoneOffset.UTC);
        if (day.isBefore(firstKept)) {
            return false;
        }
        String domain = Domains.normalise(attempt.recipientDomain().orElseGet(() -> line.recipients().isEmpty()
            ? "" : Domains.ofAddress(line.recipients().get(0).address())));
        Bucket bucket = tally.bucket(day, domain, line.row());
        bucket.add("attempts", 1);
        bucket.count("level", attempt.policyLevel().orElse("unknown"));
        bucket.count("policy-source", line.policy().source().token());
        for (OutboundLedgerLine.Recipient recipient : line.recipients()) {
            switch (recipient.result()) {
                case DELIVERED:
                    bucket.add("delivered", 1);
                    break;
                case DEFERRED:
                    bucket.add("deferred", 1);
                    break;
                default:
                    bucket.add("failed", 1);
            }
        }
        Transport transport = attempt.transport();
        bucket.add(transport.isEncrypted() ? "tls" : transport == Transport.NONE ? "none" : "cleartext", 1);
        bucket.count("transport", transport.token());
        if (transport.isEncrypted()) {
            attempt.protocol().ifPresent(protocol -> bucket.count("protocols", protocol));
            attempt.cipherSuite().ifPresent(cipher -> bucket.count("ciphers", cipher));
        }
        if (transport != Transport.CLEARTEXT) {
            bucket.count("verify", attempt.peerVerification().status().token());
        }
        ReasonWords.failureOf(line).ifPresent(failure -> {
            bucket.count("failures", failure);
            if (transport == Transport.NONE && ReasonWords.TLS_FAILURES.contains(failure)) {
                bucket.add("refused", 1);
            }
        });
        line.resultType().ifPresent(type -> bucket.count("result-type", type));
        countFlags(bucket, attempt);
        return true;
    }

    private static void countFlags(Bucket bucket, TlsProvenance hop) {
        if (hop.fellBackToCleartext()) {
            bucket.add("fallbacks", 1);
        }
        if (hop.requireTls()) {
            bucket.add("requiretls", 1);
        }
    }
}

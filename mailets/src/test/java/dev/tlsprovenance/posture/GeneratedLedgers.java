package dev.tlsprovenance.posture;

import dev.tlsprovenance.ledger.InboundLedgerLine;
import dev.tlsprovenance.ledger.MailIdentity;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.ledger.PolicyFacts;
import dev.tlsprovenance.policy.PolicySource;
import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Random ledger lines (transports, verification, results, rows, days, domains, failure and refusal texts as this
 * extension writes them) and the counts they must give, kept by the generator from what it chose, not by reading
 * the lines back. {@link #expected} renders the model in the form of {@code GET /tls/posture}.
 */
final class GeneratedLedgers {
    static final List<String> INBOUND_FIELDS = List.of("messages", "recipients", "tls", "cleartext", "unknown",
        "client-certificates", "accepted", "refused", "fallbacks", "requiretls");
    static final List<String> INBOUND_MAPS = List.of("transport", "protocols", "ciphers", "verify", "reasons");
    static final List<String> INBOUND_DAY = List.of("messages", "tls", "cleartext");
    static final List<String> OUTBOUND_FIELDS = List.of("attempts", "delivered", "deferred", "failed", "tls",
        "cleartext", "none", "refused", "fallbacks", "requiretls");
    static final List<String> OUTBOUND_MAPS = List.of("level", "policy-source", "transport", "protocols", "ciphers", "verify",
        "failures", "result-type");
    static final List<String> OUTBOUND_DAY = List.of("attempts", "tls", "cleartext", "none");
    static final List<String> VERIFY_WORDS = List.of("verified", "not-presented", "not-checked", "failed");

    static final CertificateSummary CERTIFICATE = new CertificateSummary("CN=client.partner.test", "CN=Test Root",
        List.of("DNS:client.partner.test"), "1f", "ab:cd", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));

    /** Sentences of RecordedInboundCheck and the word each must give. */
    static final Map<String, String> REFUSALS = new LinkedHashMap<>();
    /** transport-reason, enhanced status, certificate failed?, expected failure word. */
    static final List<String[]> NOTHING_SENT = new ArrayList<>();

    static {
        String ns = "namespace partner.test (tls-policy.conf:3) requires TLS";
        String cert = "namespace partner.test (tls-policy.conf:3) requires a verified client certificate";
        REFUSALS.put(ns + " but the mail was received in cleartext from 192.0.2.9", "cleartext-refused");
        REFUSALS.put(ns + " but the mail carries no inbound TLS record", "no-record");
        REFUSALS.put(ns + " but the mail's inbound TLS record is not believed (seal does not match)", "record-not-believed");
        REFUSALS.put(cert + " but the sender presented none", "client-certificate-missing");
        REFUSALS.put(cert + " but it was not verified (failed: certificate expired 2026-01-01)", "client-certificate-not-verified");
        REFUSALS.put(cert + " but its names [client.evil.test] match none of the expected [client.partner.test]",
            "client-certificate-name-mismatch");
        REFUSALS.put(cert + " but its fingerprint matches none of the pins", "client-certificate-pin-mismatch");
        REFUSALS.put("refused by mx.evil.test for reasons of its own", "other");
        NOTHING_SENT.add(new String[] {"server did not offer STARTTLS", "4.7.10", "no", "starttls-not-supported",
            "starttls-not-supported"});
        NOTHING_SENT.add(new String[] {"STARTTLS refused: 454 4.7.0 TLS not available", "4.7.10", "no",
            "starttls-refused", "starttls-refused"});
        NOTHING_SENT.add(new String[] {"cannot connect to mx.partner.test:25: Connection refused", "4.4.1", "no",
            "connection-failed", ""});
        NOTHING_SENT.add(new String[] {"connection to mx.partner.test:25 lost: Connection reset", "4.4.1", "no",
            "connection-failed", ""});
        NOTHING_SENT.add(new String[] {"temporary DNS failure looking up MX of partner.test", "4.4.1", "no",
            "dns-failure", ""});
        NOTHING_SENT.add(new String[] {"no next hop found for partner.test", "4.4.1", "no", "dns-failure", ""});
        NOTHING_SENT.add(new String[] {"certificate expired 2026-01-01T00:00:00Z", "4.7.5", "yes",
            "certificate-expired", "certificate-expired"});
        NOTHING_SENT.add(new String[] {"name mismatch: got [DNS:mx.other.test], expected mx.partner.test", "4.7.5",
            "yes", "certificate-host-mismatch", "certificate-host-mismatch"});
        NOTHING_SENT.add(new String[] {"certificate not trusted: issuer CN=Other is not a trust anchor", "4.7.5", "yes",
            "certificate-not-trusted", "certificate-not-trusted"});
        NOTHING_SENT.add(new String[] {"self-signed certificate not trusted: CN=mx.partner.test", "4.7.5", "yes",
            "certificate-not-trusted", "certificate-not-trusted"});
        NOTHING_SENT.add(new String[] {"revocation status unknown: no CRL", "4.7.5", "yes", "validation-failure",
            "validation-failure"});
        NOTHING_SENT.add(new String[] {"TLS handshake failed: Received fatal alert: handshake_failure", "4.7.5", "no",
            "validation-failure", "handshake-failed"});
        NOTHING_SENT.add(new String[] {"mail for partner.test loops back to myself (127.0.0.1:25)", "5.4.6", "no",
            "routing-loop", ""});
        NOTHING_SENT.add(new String[] {"something unforeseen", "4.0.0", "no", "other", ""});
    }

    static final Set<String> TLS_FAILURES = Set.of("starttls-not-supported", "certificate-host-mismatch",
        "certificate-expired", "certificate-not-trusted", "validation-failure", "starttls-refused");

    /** The model: direction -> day -> domain -> row -> counters (scalar name -> n, "map/word" -> n). */
    private final Map<Direction, TreeMap<LocalDate, Map<String, Map<String, Map<String, Long>>>>> model = new LinkedHashMap<>();
    private final Random random;
    private final List<String> domains;
    private final List<String> rows;
    private final Instant start;
    private final int days;
    private int serial;

    GeneratedLedgers(long seed, List<String> domains, List<String> rows, Instant start, int days) {
        this.random = new Random(seed);
        this.domains = domains;
        this.rows = rows;
        this.start = start;
        this.days = days;
        model.put(Direction.INBOUND, new TreeMap<>());
        model.put(Direction.OUTBOUND, new TreeMap<>());
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private Instant time() {
        return start.plusSeconds(random.nextInt(days * 86400));
    }

    private Map<String, Long> counters(Direction direction, Instant time, String domain, String row) {
        return model.get(direction).computeIfAbsent(LocalDate.ofInstant(time, ZoneOffset.UTC), d -> new TreeMap<>())
            .computeIfAbsent(domain, d -> new TreeMap<>()).computeIfAbsent(row, r -> new TreeMap<>());
    }

    private static void add(Map<String, Long> counters, String name) {
        counters.merge(name, 1L, Long::sum);
    }

    /** One received mail for 1-3 recipients. */
    InboundLedgerLine inbound() {
        Instant time = time();
        Transport transport = pick(List.of(Transport.STARTTLS, Transport.STARTTLS, Transport.IMPLICIT_TLS,
            Transport.CLEARTEXT, Transport.UNKNOWN));
        TlsProvenance.Builder hop = TlsProvenance.builder(Direction.INBOUND).transport(transport).localHost("mx.example.org")
            .remoteAddress("192.0.2." + random.nextInt(250)).heloName("client.partner.test").sessionId("s" + serial).time(time);
        String protocol = pick(List.of("TLSv1.3", "TLSv1.2"));
        String cipher = pick(List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        boolean certificate = transport.isEncrypted() && random.nextBoolean();
        CertificateVerification verification = CertificateVerification.notPresented();
        if (transport.isEncrypted()) {
            hop.protocol(protocol).cipherSuite(cipher);
        }
        if (certificate) {
            verification = pick(List.of(CertificateVerification.verified("private-ca:conf/ca.pem"),
                CertificateVerification.notChecked(), CertificateVerification.failed("private-ca:conf/ca.pem", "expired")));
            hop.peerCertificate(CERTIFICATE).peerVerification(verification);
        } else if (transport == Transport.UNKNOWN) {
            hop.peerVerification(CertificateVerification.failed("record", "seal does not match"));
        }
        boolean fallback = transport == Transport.CLEARTEXT && random.nextInt(4) == 0;
        boolean requireTls = transport.isEncrypted() && random.nextInt(5) == 0;
        hop.fellBackToCleartext(fallback).requireTls(requireTls);
        List<InboundLedgerLine.Recipient> recipients = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        Map<List<String>, List<String[]>> groups = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String domain = pick(domains);
            String row = pick(rows);
            boolean refused = random.nextInt(4) == 0;
            String reason = refused ? pick(new ArrayList<>(REFUSALS.keySet())) : "";
            InboundLedgerLine.Decision decision = refused ? pick(List.of(InboundLedgerLine.Decision.BOUNCED,
                InboundLedgerLine.Decision.QUARANTINED)) : InboundLedgerLine.Decision.ACCEPTED;
            recipients.add(new InboundLedgerLine.Recipient("user" + i + "@" + domain, row, "require", decision, reason));
            groups.computeIfAbsent(List.of(domain.toLowerCase(java.util.Locale.ROOT), row), k -> new ArrayList<>())
                .add(new String[] {refused ? REFUSALS.get(reason) : null});
        }
        for (Map.Entry<List<String>, List<String[]>> group : groups.entrySet()) {
            Map<String, Long> c = counters(Direction.INBOUND, time, group.getKey().get(0), group.getKey().get(1));
            add(c, "messages");
            c.merge("recipients", (long) group.getValue().size(), Long::sum);
            add(c, transport.isEncrypted() ? "tls" : transport == Transport.CLEARTEXT ? "cleartext" : "unknown");
            add(c, "transport/" + transport.token());
            if (transport.isEncrypted()) {
                add(c, "protocols/" + protocol);
                add(c, "ciphers/" + cipher);
                add(c, "verify/" + verification.status().token());
            }
            if (certificate) {
                add(c, "client-certificates");
            }
            Set<String> words = new LinkedHashSet<>();
            group.getValue().forEach(word -> {
                if (word[0] != null) {
                    words.add(word[0]);
                }
            });
            add(c, words.isEmpty() ? "accepted" : "refused");
            words.forEach(word -> add(c, "reasons/" + word));
            if (fallback) {
                add(c, "fallbacks");
            }
            if (requireTls) {
                add(c, "requiretls");
            }
        }
        serial++;
        return new InboundLedgerLine(hop.build(), transport != Transport.UNKNOWN,
            new MailIdentity("Mail" + serial, Optional.of("<m" + serial + "@partner.test>"), "carol@partner.test"), recipients);
    }

    /** One delivery attempt to one domain. */
    OutboundLedgerLine outbound() {
        Instant time = time();
        String domain = pick(domains);
        String row = pick(rows);
        String level = pick(List.of("may", "encrypt", "verify", "secure"));
        int kind = random.nextInt(4);
        Transport transport = kind == 0 ? Transport.NONE : kind == 1 ? Transport.CLEARTEXT
            : pick(List.of(Transport.STARTTLS, Transport.IMPLICIT_TLS));
        TlsProvenance.Builder attempt = TlsProvenance.builder(Direction.OUTBOUND).transport(transport).localHost("mx.example.org")
            .remoteAddress("192.0.2.7").remoteHost("mx." + domain).recipientDomain(domain).nextHop("mx." + domain + ":25")
            .policyLevel(level).attempt(1 + random.nextInt(3)).time(time);
        String protocol = pick(List.of("TLSv1.3", "TLSv1.2"));
        String cipher = pick(List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"));
        CertificateVerification verification = CertificateVerification.notPresented();
        Optional<String> nothingSent = Optional.empty();
        String failure = null;
        String nothingSentType = "";
        List<OutboundLedgerLine.Recipient> recipients = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        Map<String, Long> c = counters(Direction.OUTBOUND, time, domain.toLowerCase(java.util.Locale.ROOT), row);
        if (transport == Transport.NONE) {
            String[] why = pick(NOTHING_SENT);
            nothingSent = Optional.of(why[0]);
            verification = why[2].equals("yes") ? CertificateVerification.failed("private-ca:conf/ca.pem", why[0])
                : CertificateVerification.notPresented();
            failure = why[3];
            nothingSentType = why[4];
            boolean last = random.nextBoolean();
            for (int i = 0; i < count; i++) {
                recipients.add(new OutboundLedgerLine.Recipient("r" + i + "@" + domain,
                    last ? OutboundLedgerLine.Result.FAILED : OutboundLedgerLine.Result.DEFERRED, 0,
                    last ? "5" + why[1].substring(1) : why[1], "", why[0]));
                add(c, last ? "failed" : "deferred");
            }
            attempt.outcome(why[1] + " " + why[0]);
        } else {
            if (transport.isEncrypted()) {
                attempt.protocol(protocol).cipherSuite(cipher);
                verification = level.equals("may") || level.equals("encrypt") ? CertificateVerification.notChecked()
                    : CertificateVerification.verified("private-ca:conf/ca.pem");
                attempt.peerCertificate(CERTIFICATE);
            }
            for (int i = 0; i < count; i++) {
                int outcome = random.nextInt(6);
                if (outcome == 0) {
                    recipients.add(new OutboundLedgerLine.Recipient("r" + i + "@" + domain, OutboundLedgerLine.Result.DEFERRED,
                        450, "4.2.0", "450 4.2.0 mailbox busy", ""));
                    add(c, "deferred");
                    failure = failure == null ? "peer-temporary" : failure;
                } else if (outcome == 1) {
                    recipients.add(new OutboundLedgerLine.Recipient("r" + i + "@" + domain, OutboundLedgerLine.Result.FAILED,
                        550, "5.1.1", "550 5.1.1 no such user", ""));
                    add(c, "failed");
                    failure = failure == null ? "peer-permanent" : failure;
                } else {
                    recipients.add(new OutboundLedgerLine.Recipient("r" + i + "@" + domain, OutboundLedgerLine.Result.DELIVERED,
                        250, "2.0.0", "250 2.0.0 Ok", ""));
                    add(c, "delivered");
                }
            }
            attempt.outcome("250 2.0.0 Ok");
        }
        attempt.peerVerification(verification);
        boolean fallback = transport == Transport.CLEARTEXT && random.nextBoolean();
        boolean requireTls = transport != Transport.CLEARTEXT && random.nextInt(5) == 0;
        attempt.fellBackToCleartext(fallback).requireTls(requireTls);
        // what decided the level, and for an MTA-STS destination sometimes a policy that could not be had
        PolicySource source = pick(List.of(PolicySource.values()));
        Optional<String> policyResult = source == PolicySource.STS && random.nextBoolean()
            ? Optional.of("sts-policy-fetch-error") : Optional.empty();
        PolicyFacts facts = source == PolicySource.DANE ? PolicyFacts.of(source, "secure", List.of("3 1 1 " + "ab".repeat(32)))
            : source == PolicySource.STS ? PolicyFacts.of(source).withSts(source, Optional.of("enforce"), Optional.of("id" + serial),
                List.of("version: STSv1", "mode: enforce", "mx: mx." + domain, "max_age: 86400"), policyResult)
            : PolicyFacts.of(source);
        add(c, "policy-source/" + source.token());
        Optional<String> resultType = nothingSentType.isEmpty() ? policyResult : Optional.of(nothingSentType);
        resultType.ifPresent(type -> add(c, "result-type/" + type));
        add(c, "attempts");
        add(c, "level/" + level);
        add(c, transport.isEncrypted() ? "tls" : transport == Transport.NONE ? "none" : "cleartext");
        add(c, "transport/" + transport.token());
        if (transport.isEncrypted()) {
            add(c, "protocols/" + protocol);
            add(c, "ciphers/" + cipher);
        }
        if (transport != Transport.CLEARTEXT) {
            add(c, "verify/" + verification.status().token());
        }
        if (failure != null) {
            add(c, "failures/" + failure);
            if (transport == Transport.NONE && TLS_FAILURES.contains(failure)) {
                add(c, "refused");
            }
        }
        if (fallback) {
            add(c, "fallbacks");
        }
        if (requireTls) {
            add(c, "requiretls");
        }
        serial++;
        return new OutboundLedgerLine(attempt.build(), nothingSent,
            new MailIdentity("Mail" + serial, Optional.of("<m" + serial + "@example.org>"), "alice@example.org"), row, facts,
            recipients);
    }

    /** The model's answer: the "inbound" or "outbound" array for days first..last and the domains the filter keeps. */
    ArrayNode expected(Direction direction, LocalDate first, LocalDate last, Predicate<String> domainFilter) {
        boolean inbound = direction == Direction.INBOUND;
        List<String> fields = inbound ? INBOUND_FIELDS : OUTBOUND_FIELDS;
        List<String> maps = inbound ? INBOUND_MAPS : OUTBOUND_MAPS;
        List<String> dayFields = inbound ? INBOUND_DAY : OUTBOUND_DAY;
        Map<String, Map<String, Map<String, Long>>> totals = new TreeMap<>();
        Map<String, Map<String, Map<LocalDate, Map<String, Long>>>> perDay = new TreeMap<>();
        model.get(direction).subMap(first, true, last, true).forEach((day, byDomain) -> byDomain.forEach((domain, byRow) -> {
            if (!domainFilter.test(domain)) {
                return;
            }
            byRow.forEach((row, counters) -> {
                Map<String, Long> total = totals.computeIfAbsent(domain, d -> new TreeMap<>()).computeIfAbsent(row, r -> new TreeMap<>());
                counters.forEach((name, n) -> total.merge(name, n, Long::sum));
                Map<String, Long> oneDay = perDay.computeIfAbsent(domain, d -> new TreeMap<>()).computeIfAbsent(row, r -> new TreeMap<>())
                    .computeIfAbsent(day, d -> new TreeMap<>());
                counters.forEach((name, n) -> oneDay.merge(name, n, Long::sum));
            });
        }));
        ObjectMapper json = new ObjectMapper();
        ArrayNode list = json.createArrayNode();
        totals.forEach((domain, byRow) -> byRow.forEach((row, total) -> {
            ObjectNode entry = list.addObject();
            entry.put("domain", domain);
            entry.put("row", row);
            fields.forEach(field -> entry.put(field, total.getOrDefault(field, 0L)));
            for (String map : maps) {
                ObjectNode words = entry.putObject(map);
                if (map.equals("verify")) {
                    VERIFY_WORDS.forEach(word -> words.put(word, 0L));
                }
                total.forEach((name, n) -> {
                    if (name.startsWith(map + "/")) {
                        words.put(name.substring(map.length() + 1), n);
                    }
                });
            }
            ArrayNode dayList = entry.putArray("days");
            perDay.get(domain).get(row).forEach((day, counters) -> {
                ObjectNode oneDay = dayList.addObject();
                oneDay.put("day", day.toString());
                dayFields.forEach(field -> oneDay.put(field, counters.getOrDefault(field, 0L)));
            });
        }));
        return list;
    }
}

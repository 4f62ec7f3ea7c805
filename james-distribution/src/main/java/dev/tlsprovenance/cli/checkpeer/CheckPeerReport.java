package dev.tlsprovenance.cli.checkpeer;

import java.io.PrintWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.ledger.PolicyFacts;
import dev.tlsprovenance.outbound.CertificateNames;
import dev.tlsprovenance.provenance.CipherSuites;
import dev.tlsprovenance.provenance.TlsProvenance.Fields;

/**
 * check-peer's output: readable text (as posttls-finger prints a session) or JSON with stable names, the ledger's
 * words where the ledger holds the same fact ({@code transport}, {@code protocol}, {@code cipher}, {@code bits},
 * {@code addr}, {@code host}, {@code verify}, {@code trust}, {@code reason}, {@code level}, {@code next-hop},
 * {@code policy-source}, {@code sts-mode}, {@code sts-id}) and {@code result-type} for the failure word
 * ({@code tls-failures} metric / RFC 8460).
 */
public final class CheckPeerReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckPeerReport() {
    }

    public static String toJson(CheckPeerResult result) {
        try {
            return JSON.writeValueAsString(tree(result)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode tree(CheckPeerResult result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("target", result.target());
        result.domain().ifPresent(domain -> root.put(Fields.RECIPIENT_DOMAIN, domain));
        root.put("row", result.row());
        root.put(Fields.POLICY_LEVEL, result.level().token());
        root.put("level-source", result.levelSource());
        root.put("hops-from", result.hopsFrom());
        result.dnsNote().ifPresent(note -> root.put("dns", note));
        root.put(PolicyFacts.POLICY_SOURCE, result.policySource());
        result.sts().ifPresent(sts -> root.set("sts", sts(sts)));
        root.put("result", result.outcome().token());
        result.resultType().ifPresent(type -> root.put("result-type", type));
        ArrayNode hops = root.putArray("hops");
        for (HopCheck hop : result.hops()) {
            hops.add(hop(hop));
        }
        return root;
    }

    private static ObjectNode hop(HopCheck hop) {
        PeerObservation seen = hop.observation();
        ObjectNode node = JSON.createObjectNode();
        node.put(Fields.NEXT_HOP, hop.nextHop());
        node.put(Fields.REMOTE_HOST, hop.host());
        node.put(Fields.REMOTE_ADDRESS, seen.address());
        node.put("result", hop.outcome().token());
        hop.resultType().ifPresent(type -> node.put("result-type", type));
        node.put(Fields.TRANSPORT, hop.transport());
        node.put("starttls", seen.startTls().token());
        seen.protocol().ifPresent(protocol -> node.put(Fields.PROTOCOL, protocol));
        seen.cipher().ifPresent(cipher -> {
            node.put(Fields.CIPHER, cipher);
            node.put(Fields.BITS, Integer.toString(CipherSuites.strengthBits(cipher)));
        });
        node.put(Fields.PEER_VERIFICATION, hop.verification().status().token());
        if (!hop.verification().trust().isEmpty()) {
            node.put(Fields.VERIFICATION_TRUST, hop.verification().trust());
        }
        node.put(Fields.VERIFICATION_REASON, hop.reason());
        seen.failure().ifPresent(failure -> node.put("session", failure));
        ArrayNode ehlo = node.putArray("ehlo");
        seen.ehloKeywords().forEach(ehlo::add);
        ArrayNode chain = node.putArray("chain");
        for (X509Certificate certificate : seen.chain()) {
            chain.add(certificate(certificate));
        }
        hop.tlsa().ifPresent(tlsa -> {
            ObjectNode t = node.putObject("tlsa");
            t.put("query", tlsa.queryName());
            t.put("dnssec", tlsa.status().name().toLowerCase(java.util.Locale.ROOT));
            t.put("answer", tlsa.outcome().name().toLowerCase(java.util.Locale.ROOT));
            if (!tlsa.reason().isEmpty()) {
                t.put(Fields.VERIFICATION_REASON, tlsa.reason());
            }
            ArrayNode records = t.putArray("records");
            for (TlsaRecord record : tlsa.records()) {
                ObjectNode r = records.addObject();
                r.put("record", record.presentation());
                r.put("usable", record.isUsable());
                String match = TlsaCheck.matchIn(record, seen.chain());
                r.put("matched", !match.equals("no match"));
                r.put("match", match);
            }
        });
        hop.sts().ifPresent(sts -> {
            ObjectNode s = node.putObject("sts");
            s.put(PolicyFacts.STS_MODE, sts.mode());
            s.put("mx-allowed", sts.mxAllowed());
            sts.certificateMatches().ifPresent(matches -> s.put("certificate-matches", matches));
        });
        hop.dane().ifPresent(dane -> {
            ObjectNode d = node.putObject("dane");
            d.put("status", dane.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            dane.matchedRecord().ifPresent(record -> d.put("matched-record", record.presentation()));
            d.put("detail", dane.detail());
        });
        return node;
    }

    private static ObjectNode sts(StsSummary sts) {
        ObjectNode node = JSON.createObjectNode();
        node.put("policy", sts.kind());
        sts.mode().ifPresent(mode -> node.put(PolicyFacts.STS_MODE, mode));
        sts.id().ifPresent(id -> node.put(PolicyFacts.STS_ID, id));
        sts.maxAgeSeconds().ifPresent(maxAge -> node.put("max_age", maxAge));
        ArrayNode patterns = node.putArray("mx");
        sts.mxPatterns().forEach(patterns::add);
        sts.source().ifPresent(source -> node.put("from", source));
        sts.resultType().ifPresent(type -> node.put(PolicyFacts.RESULT_TYPE, type));
        if (!sts.reason().isEmpty()) {
            node.put(Fields.VERIFICATION_REASON, sts.reason());
        }
        ArrayNode allowed = node.putArray("mx-allowed");
        sts.allowed().forEach(allowed::add);
        ArrayNode excluded = node.putArray("mx-excluded");
        sts.excluded().forEach(excluded::add);
        return node;
    }

    private static ObjectNode certificate(X509Certificate certificate) {
        ObjectNode node = JSON.createObjectNode();
        node.put("subject", certificate.getSubjectX500Principal().getName());
        ArrayNode sans = node.putArray("san");
        CertificateNames.dnsNames(certificate).forEach(sans::add);
        node.put("issuer", certificate.getIssuerX500Principal().getName());
        node.put("not-before", certificate.getNotBefore().toInstant().toString());
        node.put("not-after", certificate.getNotAfter().toInstant().toString());
        node.put("sha256", sha256(encoded(certificate)));
        node.put("spki-sha256", sha256(certificate.getPublicKey().getEncoded()));
        return node;
    }

    public static void printText(PrintWriter out, CheckPeerResult result) {
        out.println("check-peer " + result.target() + result.domain().map(d -> d.equals(result.target()) ? "" : " (" + d + ")").orElse(""));
        out.println("  policy row: " + result.row() + "; level " + result.level().token() + " (" + result.levelSource() + ")");
        out.println("  next hops from " + result.hopsFrom() + result.dnsNote().map(note -> ": " + note).orElse(""));
        out.println("  policy source: " + result.policySource());
        result.sts().ifPresent(sts -> printSts(out, sts));
        for (HopCheck hop : result.hops()) {
            printHop(out, hop);
        }
        out.println();
        out.println("Result: " + verdictSentence(result));
        out.flush();
    }

    private static void printSts(PrintWriter out, StsSummary sts) {
        if (!sts.kind().equals("policy")) {
            out.println("  MTA-STS: " + sts.kind() + sts.resultType().map(t -> " [" + t + "]").orElse("")
                + (sts.reason().isEmpty() ? "" : ": " + sts.reason()) + " (delivered as the default says)");
            return;
        }
        out.println("  MTA-STS: policy " + sts.id().orElse("") + ", mode " + sts.mode().orElse("") + ", max_age "
            + sts.maxAgeSeconds().map(String::valueOf).orElse("") + ", mx " + String.join(", ", sts.mxPatterns()) + "; "
            + (sts.source().filter("cached"::equals).isPresent() ? "from the server's cache"
                : "fetched now (check-peer does not write the server's cache)")
            + sts.resultType().map(t -> "; refresh failed [" + t + "]: " + sts.reason()).orElse(""));
        if (sts.applies()) {
            out.println("    MX allowed: " + (sts.allowed().isEmpty() ? "none" : String.join(", ", sts.allowed()))
                + "; excluded: " + (sts.excluded().isEmpty() ? "none" : String.join(", ", sts.excluded()))
                + (sts.mode().filter("testing"::equals).isPresent() && !sts.excluded().isEmpty() ? " (mode testing: tried all the same)" : ""));
        } else {
            out.println("    mode none: delivered as the default says");
        }
    }

    private static String verdictSentence(CheckPeerResult result) {
        String level = "level " + result.level().token();
        switch (result.outcome()) {
            case DELIVER:
                Optional<String> recorded = result.hops().stream().filter(h -> h.outcome() == Outcome.DELIVER)
                    .findFirst().flatMap(HopCheck::resultType);
                return "delivery at " + level + " would succeed" + recorded.map(t -> " (MTA-STS testing: " + t
                    + " recorded, delivered all the same)").orElse("");
            case DEFER:
                return "delivery at " + level + " would be deferred" + result.resultType().map(t -> " (" + t + ")").orElse("");
            default:
                return "delivery at " + level + " would be refused" + result.resultType().map(t -> " (" + t + ")").orElse("");
        }
    }

    private static void printHop(PrintWriter out, HopCheck hop) {
        PeerObservation seen = hop.observation();
        out.println();
        out.println("  " + hop.nextHop() + (seen.address().isEmpty() ? "" : " [" + seen.address() + "]"));
        if (!seen.greeting().isEmpty()) {
            out.println("    greeting: " + seen.greeting());
        }
        if (!seen.ehloKeywords().isEmpty()) {
            out.println("    EHLO: " + String.join(" ", seen.ehloKeywords()));
        }
        if (seen.connected()) {
            out.println("    TLS: " + seen.startTls().token() + seen.failure().map(f -> " (" + f + ")").orElse("")
                + seen.protocol().map(p -> ", " + p).orElse("") + seen.cipher().map(c -> ", " + c).orElse(""));
        } else {
            out.println("    session ended: " + seen.failure().orElse("")
                + seen.protocol().map(p -> " (after a " + p + " handshake)").orElse(""));
        }
        for (int i = 0; i < seen.chain().size(); i++) {
            X509Certificate certificate = seen.chain().get(i);
            out.println("    certificate " + i + ": " + certificate.getSubjectX500Principal().getName());
            out.println("      names: " + String.join(", ", CertificateNames.dnsNames(certificate)));
            out.println("      issuer: " + certificate.getIssuerX500Principal().getName());
            out.println("      valid: " + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant());
            out.println("      sha256: " + sha256(encoded(certificate)));
            out.println("      spki sha256: " + sha256(certificate.getPublicKey().getEncoded()));
        }
        hop.tlsa().ifPresent(tlsa -> {
            out.println("    TLSA " + tlsa.queryName() + ": " + tlsa.status().name().toLowerCase(java.util.Locale.ROOT) + " "
                + tlsa.outcome().name().toLowerCase(java.util.Locale.ROOT) + (tlsa.reason().isEmpty() ? "" : " (" + tlsa.reason() + ")"));
            for (TlsaRecord record : tlsa.records()) {
                out.println("      " + record.presentation() + ": " + (record.isUsable() ? TlsaCheck.matchIn(record, seen.chain())
                    : "unusable (" + record.usability().description() + ")"));
            }
        });
        hop.sts().ifPresent(sts -> out.println("    MTA-STS " + sts.mode() + ": mx pattern " + (sts.mxAllowed() ? "allows" : "excludes")
            + " this host" + sts.certificateMatches().map(m -> "; certificate " + (m ? "names" : "does not name") + " a pattern").orElse("")));
        hop.dane().ifPresent(dane -> out.println("    DANE: " + dane.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + dane.detail()));
        out.println("    verify: " + hop.verification().status().token()
            + (hop.verification().trust().isEmpty() ? "" : " (" + hop.verification().trust() + ")"));
        out.println("    => " + hop.outcome().token() + hop.resultType().map(t -> " [" + t + "]").orElse("") + ": " + hop.reason());
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            return new byte[0];
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}

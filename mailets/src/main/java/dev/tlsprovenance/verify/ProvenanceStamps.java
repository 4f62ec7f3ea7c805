package dev.tlsprovenance.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.VerificationStatus;

/**
 * Our own {@code X-TLS-Provenance} stamps, matched to the Received hops they describe. An inbound stamp
 * describes the hop its {@code by} host recorded; it is matched to the Received hop with that by-host whose
 * time is closest (ties and missing times: the newest). A stamp replaces the Received line's TLS claims
 * only when that hop is trusted: a stamp that arrived from outside is just another claim.
 */
public final class ProvenanceStamps {
    /** Our stamp and our Received line are written within seconds; anything further apart is another visit. */
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private ProvenanceStamps() {
    }

    /** Readable inbound stamps among the header values; unreadable ones are skipped, never fatal. */
    public static List<TlsProvenance> parseInbound(List<String> headerValues) {
        List<TlsProvenance> stamps = new ArrayList<>();
        for (String value : headerValues) {
            try {
                TlsProvenance stamp = ProvenanceHeaderCodec.parse(value);
                if (stamp.direction() == Direction.INBOUND) {
                    stamps.add(stamp);
                }
            } catch (MalformedProvenanceException | RuntimeException e) {
                // A damaged or foreign stamp proves nothing; the Received line still speaks for the hop.
            }
        }
        return stamps;
    }

    /** @param oldestFirst hops already marked trusted or not */
    public static List<Hop> merge(List<Hop> oldestFirst, List<TlsProvenance> stamps) {
        List<Hop> result = new ArrayList<>(oldestFirst);
        for (TlsProvenance stamp : stamps) {
            int index = matchingHop(result, stamp);
            if (index >= 0 && result.get(index).trusted() && result.get(index).source() == HopSource.RECEIVED) {
                result.set(index, applyStamp(result.get(index), stamp));
            }
        }
        return result;
    }

    private static int matchingHop(List<Hop> hops, TlsProvenance stamp) {
        int best = -1;
        long bestSkew = Long.MAX_VALUE;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Hop hop = hops.get(i);
            if (!hop.byHost().map(by -> by.equalsIgnoreCase(stamp.localHost())).orElse(false)) {
                continue;
            }
            long skew = hop.time().map(t -> Math.abs(Duration.between(t.toInstant(), stampTime(stamp)).getSeconds()))
                .orElse(MAX_SKEW.getSeconds());
            if (skew <= MAX_SKEW.getSeconds() && skew < bestSkew) {
                best = i;
                bestSkew = skew;
            }
        }
        return best;
    }

    private static Instant stampTime(TlsProvenance stamp) {
        return stamp.time();
    }

    static Hop applyStamp(Hop hop, TlsProvenance stamp) {
        Hop.Builder b = hop.toBuilder().source(HopSource.PROVENANCE).applicable(true);
        if (!stamp.isEncrypted()) {
            return b.tls(TlsStatus.NO).protocol(null).protocolLabel(null).cipher(null).cipherIana(null).bits(0)
                .weak(false).clientCertificate(CertificateClaim.UNKNOWN).build();
        }
        String label = stamp.protocol().orElse(null);
        String protocol = label == null ? null : TlsNames.normaliseProtocol(label).orElse(null);
        String cipher = stamp.cipherSuite().orElse(null);
        String iana = cipher == null ? null : TlsNames.ianaName(cipher).orElse(null);
        int bits = stamp.cipherBits() > 0 ? stamp.cipherBits() : TlsNames.strengthBits(iana != null ? iana : cipher);
        return b.tls(TlsStatus.YES).protocolLabel(label).protocol(protocol).cipher(cipher).cipherIana(iana).bits(bits)
            .weak(TlsNames.isWeak(iana != null ? iana : cipher, bits, protocol))
            .clientCertificate(claim(stamp))
            .build();
    }

    private static CertificateClaim claim(TlsProvenance stamp) {
        VerificationStatus status = stamp.peerVerification().status();
        switch (status) {
            case VERIFIED:
                return CertificateClaim.VERIFIED;
            case FAILED:
                return CertificateClaim.FAILED;
            case NOT_PRESENTED:
                return CertificateClaim.NOT_PRESENTED;
            case NOT_CHECKED:
                return CertificateClaim.PRESENTED_NOT_VERIFIED;
            default:
                return CertificateClaim.UNKNOWN;
        }
    }
}

package dev.tlsprovenance.outbound;

import dev.tlsprovenance.dane.DaneCertificateVerifier;
import dev.tlsprovenance.dane.DaneVerdict;
import dev.tlsprovenance.dane.TlsaRecordSet;
import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.provenance.CertificateVerification;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A next hop's DNSSEC-secure TLSA records and reference identifiers: the check that replaces the row's certificate
 * check for a DANE-authenticated hop (RFC 7672 section 3). A failure reads {@code DANE <result-type>: <detail>}, so
 * the ledger, the log line and the metrics take the RFC 8460 word from the verdict itself.
 */
public final class DaneAuthentication {
    /** The {@code trust} of a record whose certificate was judged by TLSA records. */
    public static final String TRUST = "dane";

    private final TlsaRecordSet records;
    private final List<String> referenceNames;

    public DaneAuthentication(TlsaRecordSet records, List<String> referenceNames) {
        this.records = Objects.requireNonNull(records);
        this.referenceNames = List.copyOf(referenceNames);
    }

    public TlsaRecordSet records() {
        return records;
    }

    public List<String> referenceNames() {
        return referenceNames;
    }

    public CertificateVerification check(X509Certificate[] chain, Clock clock) {
        DaneVerdict verdict = new DaneCertificateVerifier(clock).verify(Arrays.asList(chain), records, referenceNames);
        if (verdict.isAuthenticated()) {
            return CertificateVerification.verified(TRUST, verdict.detail());
        }
        return CertificateVerification.failed(TRUST, TlsMetricNames.DANE_FAILURE_PREFIX
            + verdict.resultType().orElse("validation-failure") + ": " + verdict.detail());
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof DaneAuthentication)) {
            return false;
        }
        DaneAuthentication that = (DaneAuthentication) other;
        return records.policyStrings().equals(that.records.policyStrings()) && referenceNames.equals(that.referenceNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(records.policyStrings(), referenceNames);
    }

    @Override
    public String toString() {
        return "DANE " + records.policyStrings() + " for " + referenceNames;
    }
}

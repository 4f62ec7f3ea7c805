package dev.tlsprovenance.sts;

/**
 * Why no fresh MTA-STS policy could be had, as RFC 8460 section 4.3.2 names the result types a TLS-RPT report
 * carries. The same word goes to the log, the ledger and the report.
 */
public enum StsResultType {
    /** The policy host could not be reached, or answered without a policy (not HTTP 200, a redirect, a timeout). */
    STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
    /** A response came but is not a valid policy: its grammar, its media type, its size. */
    STS_POLICY_INVALID("sts-policy-invalid"),
    /** The policy host's certificate failed PKIX validation (untrusted, expired, not naming the host). */
    STS_WEBPKI_INVALID("sts-webpki-invalid");

    private final String word;

    StsResultType(String word) {
        this.word = word;
    }

    /** The RFC 8460 result-type string. */
    public String word() {
        return word;
    }

    @Override
    public String toString() {
        return word;
    }
}

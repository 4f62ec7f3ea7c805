package dev.tlsprovenance.dane;

/**
 * Why DANE did not authenticate a hop, in RFC 8460 section 4.3 result types so a TLS-RPT report can use them as is.
 * The order is how far verification got: when several records fail, the verdict reports the one that got furthest
 * (a name mismatch after a good chain says more to the domain's administrator than "no record matched").
 */
public enum DaneFailure {
    /** No record of the RRset is usable (RFC 8460: "none of the records in the RRset were found to be valid"). */
    TLSA_INVALID("tlsa-invalid"),
    /** No usable record matched the chain, or no valid path led from the leaf to a matched trust anchor. */
    VALIDATION_FAILURE("validation-failure"),
    /** A DANE-TA(2) path was found, but a certificate on it (the trust anchor included) has expired. */
    CERTIFICATE_EXPIRED("certificate-expired"),
    /** A valid DANE-TA(2) path, but the leaf names none of the reference identifiers (RFC 7672 section 3.2.3). */
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch");

    private final String resultType;

    DaneFailure(String resultType) {
        this.resultType = resultType;
    }

    /** The RFC 8460 {@code result-type} string. */
    public String resultType() {
        return resultType;
    }
}

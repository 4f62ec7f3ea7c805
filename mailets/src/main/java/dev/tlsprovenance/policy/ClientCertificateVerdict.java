package dev.tlsprovenance.policy;

import java.util.Optional;

import dev.tlsprovenance.provenance.CertificateVerification;

/** Outcome of checking a client certificate against a row's {@link ClientCertificateConstraints}. */
public final class ClientCertificateVerdict {
    /** The checks in the order they are made; the first failing one is reported. */
    public enum Check {
        PRESENTED("certificate presented"),
        VALIDITY("validity dates"),
        TRUST("chain to trust anchors"),
        REVOCATION("revocation"),
        NAMES("expected names"),
        PINS("pinned fingerprints");

        private final String label;

        Check(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Optional<Check> failedCheck;
    private final String trust;
    private final String reason;

    private ClientCertificateVerdict(Optional<Check> failedCheck, String trust, String reason) {
        this.failedCheck = failedCheck;
        this.trust = trust;
        this.reason = reason;
    }

    public static ClientCertificateVerdict passed(String trust) {
        return new ClientCertificateVerdict(Optional.empty(), trust, "");
    }

    public static ClientCertificateVerdict failed(Check check, String trust, String reason) {
        return new ClientCertificateVerdict(Optional.of(check), trust, reason);
    }

    public boolean passed() {
        return failedCheck.isEmpty();
    }

    public Optional<Check> failedCheck() {
        return failedCheck;
    }

    /** What the chain was checked against: {@code private-ca:/path} or {@code jvm-default}. */
    public String trust() {
        return trust;
    }

    /** Empty when passed; otherwise one human sentence naming the failed check. */
    public String reason() {
        return reason;
    }

    /** The same outcome in the provenance record's terms. */
    public CertificateVerification toVerification() {
        if (passed()) {
            return CertificateVerification.verified(trust);
        }
        if (failedCheck.get() == Check.PRESENTED) {
            return CertificateVerification.notPresented();
        }
        return CertificateVerification.failed(trust, reason);
    }

    @Override
    public String toString() {
        return passed() ? "passed (" + trust + ")" : "failed " + failedCheck.get().label() + ": " + reason;
    }
}

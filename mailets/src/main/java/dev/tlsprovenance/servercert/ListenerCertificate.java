package dev.tlsprovenance.servercert;

import java.util.Objects;
import java.util.Optional;

/** One listener and what a client saw of its certificate, or why no handshake was possible. */
public final class ListenerCertificate {
    private final ListenerEndpoint listener;
    private final Optional<CertificateAssessment> assessment;
    private final Optional<String> error;

    private ListenerCertificate(ListenerEndpoint listener, Optional<CertificateAssessment> assessment, Optional<String> error) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.assessment = assessment;
        this.error = error;
    }

    public static ListenerCertificate assessed(ListenerEndpoint listener, CertificateAssessment assessment) {
        return new ListenerCertificate(listener, Optional.of(assessment), Optional.empty());
    }

    public static ListenerCertificate unreachable(ListenerEndpoint listener, String error) {
        return new ListenerCertificate(listener, Optional.empty(), Optional.of(error));
    }

    public ListenerEndpoint listener() {
        return listener;
    }

    public Optional<CertificateAssessment> assessment() {
        return assessment;
    }

    /** Why no certificate could be seen (connect refused, STARTTLS refused, handshake failed, timeout). */
    public Optional<String> error() {
        return error;
    }

    @Override
    public String toString() {
        return listener + ": " + assessment.map(Object::toString).orElse(error.orElse(""));
    }
}

package dev.tlsprovenance.cli.checkpeer;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What one SMTP session with a peer showed, up to and including the TLS handshake (nothing is ever sent after it
 * but QUIT): the address reached, the greeting, the EHLO keywords before TLS, what became of STARTTLS, and the
 * negotiated protocol, cipher and certificate chain. {@code failure} says why the session stopped early, in the
 * delivery's words ({@code server did not offer STARTTLS}, {@code STARTTLS refused: ...}, {@code TLS handshake
 * failed: ...}, {@code cannot connect to ...}).
 */
public record PeerObservation(String address, String greeting, List<String> ehloKeywords, StartTls startTls,
                              Optional<String> protocol, Optional<String> cipher, List<X509Certificate> chain,
                              Optional<String> failure) {

    /** What became of TLS on the session. */
    public enum StartTls {
        /** TLS was not tried (level {@code none}), or the session ended before mail could be sent (see failure). */
        NOT_TRIED,
        /** EHLO did not list STARTTLS. */
        NOT_OFFERED,
        /** STARTTLS was answered with something else than 220. */
        REFUSED,
        /** The handshake failed. */
        HANDSHAKE_FAILED,
        /** TLS from the first byte (SMTPS), handshake completed. */
        IMPLICIT,
        /** STARTTLS and the handshake completed. */
        ESTABLISHED;

        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public PeerObservation {
        ehloKeywords = List.copyOf(ehloKeywords);
        chain = List.copyOf(chain);
    }

    public boolean encrypted() {
        return startTls == StartTls.ESTABLISHED || startTls == StartTls.IMPLICIT;
    }

    /**
     * False when the session ended where no level could send mail: no connection, a refused greeting or EHLO, a
     * failed implicit-TLS handshake, a TLS session that broke right after its handshake.
     */
    public boolean connected() {
        return startTls != StartTls.NOT_TRIED || failure.isEmpty();
    }

    static PeerObservation unreachable(String address, String failure) {
        return new PeerObservation(address, "", List.of(), StartTls.NOT_TRIED, Optional.empty(), Optional.empty(),
            List.of(), Optional.of(failure));
    }
}

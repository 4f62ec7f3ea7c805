package dev.tlsprovenance.cli.checkpeer;

import java.util.Optional;

import dev.tlsprovenance.policy.DomainNames;
import dev.tlsprovenance.policy.Smarthost;

/**
 * What check-peer was asked to test, in Postfix's syntax: a domain (its policy row, then its route or MX hosts, as
 * the server would resolve it), or a bracketed {@code [host]:port} / {@code [host]} (exactly that host, no MX
 * lookup; {@code smtps:[host]:465} for implicit TLS). An unbracketed {@code host:port} is a host as well.
 */
public record PeerTarget(String text, Optional<String> domain, Optional<Smarthost> host) {

    /** @throws IllegalArgumentException naming what is wrong with {@code text} */
    public static PeerTarget parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty destination: give a domain or [host]:port");
        }
        if (trimmed.contains("[") || trimmed.contains(":")) {
            return new PeerTarget(trimmed, Optional.empty(), Optional.of(Smarthost.parse(trimmed)));
        }
        Optional<String> domain = DomainNames.strictCanonical(trimmed);
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("'" + trimmed + "' is neither a domain name nor [host]:port");
        }
        return new PeerTarget(trimmed, domain, Optional.empty());
    }

    public boolean isDomain() {
        return domain.isPresent();
    }
}

package dev.tlsprovenance.cli.checkpeer;

import java.util.Optional;

/**
 * One MX host under a destination's MTA-STS policy: its {@code mode}, whether an {@code mx} pattern allows the host,
 * and whether the certificate it presented has a SAN DNS-ID matching a pattern (empty: no certificate seen).
 */
public record StsHop(String mode, boolean mxAllowed, Optional<Boolean> certificateMatches) {
}

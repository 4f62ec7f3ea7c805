package dev.tlsprovenance.sts;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The two questions delivery asks of an MTA-STS policy, as pure functions (RFC 8461 sections 4 and 5):
 * which MX hosts may be used, and whether an MX's certificate names what the policy allows.
 *
 * <p>MX selection: in {@code enforce} mode only the MX hosts matched by an {@code mx} pattern may be used (none
 * matching: the mail is not delivered); in {@code testing} and {@code none} every MX may be used, and the ones not
 * matched are what {@code testing} records and reports. The MX order (preference) is kept.
 *
 * <p>Certificate: the certificate must be PKIX-valid (the caller's trust manager decides that) and have a
 * subject alternative name DNS-ID matching one of the policy's {@code mx} patterns, as Postfix's STS MX patterns
 * do, rather than only the MX host name that a forged, unsigned MX answer chose. Names are matched by the project's
 * one RFC 6125 rule ({@code CertificateIdentities.matches}); unlike the rows' {@code match=} check, the subject CN
 * is never a fallback here: RFC 8461 section 4.2 requires a subject alternative name DNS-ID.
 */
public final class StsMxSelection {
    private final StsPolicy policy;
    private final List<String> matching;
    private final List<String> notMatching;

    private StsMxSelection(StsPolicy policy, List<String> matching, List<String> notMatching) {
        this.policy = policy;
        this.matching = List.copyOf(matching);
        this.notMatching = List.copyOf(notMatching);
    }

    /** Sorts {@code mxHosts} (in preference order, as DNS gave them; trailing dots allowed) by the policy. */
    public static StsMxSelection select(StsPolicy policy, List<String> mxHosts) {
        Objects.requireNonNull(policy, "policy");
        List<String> matching = new ArrayList<>();
        List<String> notMatching = new ArrayList<>();
        for (String host : mxHosts) {
            (policy.allowsMx(host) ? matching : notMatching).add(host);
        }
        return new StsMxSelection(policy, matching, notMatching);
    }

    /** The MX hosts delivery may try, in order: the matching ones in enforce mode, all of them otherwise. */
    public List<String> usable() {
        if (policy.mode() == StsMode.ENFORCE) {
            return matching;
        }
        List<String> all = new ArrayList<>(matching.size() + notMatching.size());
        all.addAll(matching);
        all.addAll(notMatching);
        return List.copyOf(all);
    }

    /** The MX hosts an {@code mx} pattern matches, in order. */
    public List<String> matching() {
        return matching;
    }

    /** The MX hosts no pattern matches: refused in enforce mode, recorded in testing mode. */
    public List<String> notMatching() {
        return notMatching;
    }

    /**
     * The reference identities an MX certificate must match one of: the policy's {@code mx} patterns (a wildcard
     * pattern matches a certificate name one label below its domain, or the same wildcard).
     */
    public static List<MxPattern> certificateNames(StsPolicy policy) {
        return policy.mx();
    }

    /** Whether one of the certificate's DNS-IDs matches one of the policy's {@code mx} patterns. */
    public static boolean certificateMatches(StsPolicy policy, Collection<String> dnsIds) {
        for (MxPattern pattern : policy.mx()) {
            for (String id : dnsIds) {
                if (pattern.matchesCertificateName(id)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@link #certificateMatches(StsPolicy, Collection)} over the leaf's subject alternative DNS names. */
    public static boolean certificateMatches(StsPolicy policy, X509Certificate leaf) {
        return certificateMatches(policy, dnsIds(leaf));
    }

    /** The DNS-type subject alternative names of a certificate (empty when it has none or they cannot be read). */
    public static List<String> dnsIds(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String) {
                        names.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        return "matching=" + matching + " notMatching=" + notMatching;
    }
}

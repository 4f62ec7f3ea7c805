package dev.tlsprovenance.servercert;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import dev.tlsprovenance.policy.CertificateIdentities;

/**
 * What a client makes of one listener's certificate chain: who it names, who issued it, how long it has left,
 * whether it chains to the trust store (the JDK's default one, as a hosted service's verifying client would use),
 * and whether it covers the host name the listener greets with (RFC 6125, {@link CertificateIdentities}). Pure: the
 * caller passes the chain, the host name, the anchors and the time.
 */
public final class CertificateAssessment {
    /** Under this many days left a certificate is {@link Severity#DEGRADED}: time to renew. */
    public static final long RENEW_WITHIN_DAYS = 30;
    public static final String TRUSTED = "trusted";
    public static final String SELF_SIGNED = "self-signed";
    public static final String UNTRUSTED_PREFIX = "untrusted: ";

    /** How bad a finding is for the health check. */
    public enum Severity {
        HEALTHY, DEGRADED, UNHEALTHY
    }

    private final String subject;
    private final List<String> subjectAltNames;
    private final String issuer;
    private final Instant notAfter;
    private final long daysLeft;
    private final String chainStatus;
    private final String hostName;
    private final boolean hostNameMatches;

    private CertificateAssessment(String subject, List<String> subjectAltNames, String issuer, Instant notAfter,
                                  long daysLeft, String chainStatus, String hostName, boolean hostNameMatches) {
        this.subject = subject;
        this.subjectAltNames = List.copyOf(subjectAltNames);
        this.issuer = issuer;
        this.notAfter = notAfter;
        this.daysLeft = daysLeft;
        this.chainStatus = chainStatus;
        this.hostName = hostName;
        this.hostNameMatches = hostNameMatches;
    }

    /**
     * @param chain    leaf first, as presented in the handshake; not empty
     * @param hostName the name clients connect to (the listener's hello name)
     */
    public static CertificateAssessment of(List<X509Certificate> chain, String hostName, Set<TrustAnchor> anchors, Instant now) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate to assess");
        }
        X509Certificate leaf = chain.get(0);
        Instant notAfter = leaf.getNotAfter().toInstant();
        long daysLeft = Math.floorDiv(Duration.between(now, notAfter).getSeconds(), 86_400L);
        boolean matches = CertificateIdentities.matchesAny(CertificateIdentities.dnsIdentities(leaf),
                List.of(CertificateIdentities.normalise(hostName)));
        return new CertificateAssessment(leaf.getSubjectX500Principal().getName(), subjectAltNames(leaf),
                leaf.getIssuerX500Principal().getName(), notAfter, daysLeft, chainStatus(chain, anchors, now), hostName, matches);
    }

    /** The anchors of the JDK's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore} when set). */
    public static Set<TrustAnchor> defaultTrustAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    for (X509Certificate issuer : ((X509TrustManager) manager).getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(issuer, null));
                    }
                }
            }
            return anchors;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JDK's default trust store: " + e, e);
        }
    }

    private static String chainStatus(List<X509Certificate> chain, Set<TrustAnchor> anchors, Instant now) {
        X509Certificate leaf = chain.get(0);
        Optional<String> failure = pkixFailure(chain, anchors, now);
        if (failure.isEmpty()) {
            return TRUSTED;
        }
        if (chain.size() == 1 && isSelfSigned(leaf)) {
            return SELF_SIGNED;
        }
        return UNTRUSTED_PREFIX + failure.get();
    }

    private static Optional<String> pkixFailure(List<X509Certificate> chain, Set<TrustAnchor> anchors, Instant now) {
        if (anchors.isEmpty()) {
            return Optional.of("the trust store is empty");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> path = new ArrayList<>(chain);
            // A root sent along with the chain is not part of the path: the anchor stands for it.
            if (path.size() > 1 && isSelfSigned(path.get(path.size() - 1))) {
                path.remove(path.size() - 1);
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
            return Optional.empty();
        } catch (CertPathValidatorException e) {
            return Optional.of(reason(e, chain));
        } catch (GeneralSecurityException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static String reason(CertPathValidatorException e, List<X509Certificate> chain) {
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return "a certificate of the chain has expired";
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return "a certificate of the chain is not valid yet";
        }
        if (reason == java.security.cert.PKIXReason.NO_TRUST_ANCHOR) {
            return "issuer " + chain.get(chain.size() - 1).getIssuerX500Principal().getName()
                    + " is not in the trust store";
        }
        return e.getMessage();
    }

    /** Issued by itself and signed with its own key (a name match alone is not enough). */
    public static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> subjectAltNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        Collection<List<?>> entries;
        try {
            entries = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return names;
        }
        if (entries == null) {
            return names;
        }
        for (List<?> entry : entries) {
            int type = (Integer) entry.get(0);
            Object value = entry.get(1);
            if (type == 2) {
                names.add("DNS:" + value);
            } else if (type == 7) {
                names.add("IP:" + value);
            } else if (type == 1) {
                names.add("email:" + value);
            } else if (type == 6) {
                names.add("URI:" + value);
            }
        }
        return names;
    }

    /** The health finding: unhealthy when expired or not naming the host, degraded within {@value #RENEW_WITHIN_DAYS} days. */
    public Severity severity() {
        if (daysLeft < 0 || !hostNameMatches) {
            return Severity.UNHEALTHY;
        }
        return daysLeft < RENEW_WITHIN_DAYS ? Severity.DEGRADED : Severity.HEALTHY;
    }

    /** What is wrong, in words, for the health check message; empty when nothing is. */
    public Optional<String> problem() {
        List<String> problems = new ArrayList<>();
        if (daysLeft < 0) {
            problems.add("expired on " + notAfter);
        } else if (daysLeft < RENEW_WITHIN_DAYS) {
            problems.add("expires in " + daysLeft + " days (" + notAfter + "): renew it");
        }
        if (!hostNameMatches) {
            problems.add("does not name the host name " + hostName + " (names: " + String.join(", ", subjectAltNames)
                    + (subjectAltNames.isEmpty() ? subject : "") + ")");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    public String subject() {
        return subject;
    }

    /** Typed: {@code DNS:mx.example.org}, {@code IP:192.0.2.1}. */
    public List<String> subjectAltNames() {
        return subjectAltNames;
    }

    public String issuer() {
        return issuer;
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** Whole days until {@link #notAfter()}; negative once expired. */
    public long daysLeft() {
        return daysLeft;
    }

    /** {@code trusted}, {@code self-signed} or {@code untrusted: <why>}. */
    public String chainStatus() {
        return chainStatus;
    }

    public String hostName() {
        return hostName;
    }

    public boolean hostNameMatches() {
        return hostNameMatches;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CertificateAssessment)) {
            return false;
        }
        CertificateAssessment other = (CertificateAssessment) o;
        return subject.equals(other.subject) && subjectAltNames.equals(other.subjectAltNames) && issuer.equals(other.issuer)
                && notAfter.equals(other.notAfter) && daysLeft == other.daysLeft && chainStatus.equals(other.chainStatus)
                && hostName.equals(other.hostName) && hostNameMatches == other.hostNameMatches;
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, subjectAltNames, issuer, notAfter, daysLeft, chainStatus, hostName, hostNameMatches);
    }

    @Override
    public String toString() {
        return subject + " (" + chainStatus + ", " + daysLeft + " days left, host name " + hostName
                + (hostNameMatches ? " matches" : " does not match") + ")";
    }
}

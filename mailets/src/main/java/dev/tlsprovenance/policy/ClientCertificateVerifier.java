package dev.tlsprovenance.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import dev.tlsprovenance.policy.ClientCertificateVerdict.Check;
import dev.tlsprovenance.provenance.Fingerprints;

/**
 * Checks a client certificate chain against a namespace row: presented, within its dates, chained to
 * the row's CA bundle (or the JVM's default anchors), not revoked by the row's CRL file, carrying an
 * expected name, matching a pin. The first failing check is reported in one sentence. CA bundles and
 * CRL files are read once and re-read when they change on disk. Pure Java; thread-safe.
 */
public final class ClientCertificateVerifier {
    public static final String JVM_DEFAULT_TRUST = "jvm-default";

    private final Clock clock;
    private final Map<Path, LoadedFile<Set<TrustAnchor>>> anchors = new ConcurrentHashMap<>();
    private final Map<Path, LoadedFile<Collection<? extends CRL>>> crls = new ConcurrentHashMap<>();
    /** The JVM's cacerts, read on first need (reading them takes milliseconds). */
    private volatile Set<TrustAnchor> jvmDefaultAnchors;

    public ClientCertificateVerifier(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param presentedChain the client's chain, leaf first, as {@code SSLSession.getPeerCertificates()} gives it;
     *                       empty when no certificate was presented
     */
    public ClientCertificateVerdict verify(List<X509Certificate> presentedChain, ClientCertificateConstraints constraints) {
        String trust = constraints.trustAnchors().map(path -> "private-ca:" + path).orElse(JVM_DEFAULT_TRUST);
        if (presentedChain.isEmpty()) {
            return ClientCertificateVerdict.failed(Check.PRESENTED, trust, "no client certificate was presented");
        }
        X509Certificate leaf = presentedChain.get(0);
        String subject = leaf.getSubjectX500Principal().getName();
        Date now = Date.from(clock.instant());
        try {
            leaf.checkValidity(now);
        } catch (CertificateExpiredException e) {
            return ClientCertificateVerdict.failed(Check.VALIDITY, trust,
                    "client certificate " + subject + " expired on " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            return ClientCertificateVerdict.failed(Check.VALIDITY, trust,
                    "client certificate " + subject + " is not valid before " + leaf.getNotBefore().toInstant());
        }
        ClientCertificateVerdict chainVerdict = validateChain(presentedChain, constraints, trust, subject, now);
        if (!chainVerdict.passed()) {
            return chainVerdict;
        }
        List<String> names = namesOf(leaf);
        if (!constraints.namesMatch(names)) {
            return ClientCertificateVerdict.failed(Check.NAMES, trust, "client certificate names " + names
                    + " match none of the expected " + constraints.expectedNames());
        }
        if (!constraints.pinsMatch(Fingerprints.certificateSha256(leaf), Fingerprints.publicKeySha256(leaf))) {
            return ClientCertificateVerdict.failed(Check.PINS, trust, "client certificate " + subject
                    + " (sha256 " + Fingerprints.certificateSha256(leaf) + ") matches none of the pinned fingerprints");
        }
        return ClientCertificateVerdict.passed(trust);
    }

    /**
     * The certificate's DNS identities by RFC 6125 ({@link CertificateIdentities}): its dNSName SANs, or its single
     * subject CN when it has no dNSName.
     */
    public static List<String> namesOf(X509Certificate certificate) {
        return CertificateIdentities.dnsIdentities(certificate);
    }

    private ClientCertificateVerdict validateChain(List<X509Certificate> presentedChain, ClientCertificateConstraints constraints,
                                                   String trust, String subject, Date now) {
        try {
            Set<TrustAnchor> trustAnchors = constraints.trustAnchors().isPresent()
                    ? load(anchors, constraints.trustAnchors().get(), ClientCertificateVerifier::readAnchors)
                    : jvmDefaultAnchorsCached();
            PKIXParameters parameters = new PKIXParameters(trustAnchors);
            parameters.setDate(now);
            parameters.setRevocationEnabled(false);
            if (constraints.revocationLists().isPresent()) {
                Collection<? extends CRL> revocationLists = load(crls, constraints.revocationLists().get(), ClientCertificateVerifier::readCrls);
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(revocationLists)));
                PKIXRevocationChecker revocation = (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
                revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                        PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
                parameters.addCertPathChecker(revocation);
            }
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(withoutSelfSignedTail(presentedChain));
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
            return ClientCertificateVerdict.passed(trust);
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                return ClientCertificateVerdict.failed(Check.REVOCATION, trust, "client certificate " + subject + " is revoked");
            }
            if (e.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
                return ClientCertificateVerdict.failed(Check.REVOCATION, trust, "revocation status of client certificate "
                        + subject + " is unknown: " + e.getMessage());
            }
            if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return ClientCertificateVerdict.failed(Check.VALIDITY, trust, "a CA certificate in the chain of "
                        + subject + " is outside its validity dates");
            }
            String why = e.getReason() == PKIXReason.NO_TRUST_ANCHOR ? "does not chain to " + trust : e.getMessage();
            return ClientCertificateVerdict.failed(Check.TRUST, trust, "client certificate " + subject + " is not trusted: " + why);
        } catch (GeneralSecurityException | IOException e) {
            return ClientCertificateVerdict.failed(Check.TRUST, trust, "cannot check client certificate " + subject
                    + " against " + trust + ": " + e.getMessage());
        }
    }

    /** A client may send the root too; PKIX wants the path without the anchor. */
    private static List<X509Certificate> withoutSelfSignedTail(List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1) {
            X509Certificate last = path.get(path.size() - 1);
            if (!last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                break;
            }
            path.remove(path.size() - 1);
        }
        return path;
    }

    private Set<TrustAnchor> jvmDefaultAnchorsCached() throws GeneralSecurityException {
        Set<TrustAnchor> cached = jvmDefaultAnchors;
        if (cached == null) {
            cached = jvmDefaultAnchors();
            jvmDefaultAnchors = cached;
        }
        return cached;
    }

    private static Set<TrustAnchor> jvmDefaultAnchors() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        Set<TrustAnchor> result = new HashSet<>();
        for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager) {
                for (X509Certificate issuer : ((X509TrustManager) manager).getAcceptedIssuers()) {
                    result.add(new TrustAnchor(issuer, null));
                }
            }
        }
        return result;
    }

    private static Set<TrustAnchor> readAnchors(InputStream in) throws GeneralSecurityException {
        Set<TrustAnchor> result = new HashSet<>();
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            result.add(new TrustAnchor((X509Certificate) certificate, null));
        }
        if (result.isEmpty()) {
            throw new GeneralSecurityException("no certificate in the CA bundle");
        }
        return result;
    }

    private static Collection<? extends CRL> readCrls(InputStream in) throws GeneralSecurityException {
        return CertificateFactory.getInstance("X.509").generateCRLs(in);
    }

    private static <T> T load(Map<Path, LoadedFile<T>> cache, Path file, Reader<T> reader)
            throws IOException, GeneralSecurityException {
        long modified = Files.getLastModifiedTime(file).toMillis();
        long size = Files.size(file);
        LoadedFile<T> loaded = cache.get(file);
        if (loaded != null && loaded.modified == modified && loaded.size == size) {
            return loaded.content;
        }
        try (InputStream in = Files.newInputStream(file)) {
            T content = reader.read(in);
            cache.put(file, new LoadedFile<>(modified, size, content));
            return content;
        }
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(InputStream in) throws GeneralSecurityException, IOException;
    }

    private static final class LoadedFile<T> {
        private final long modified;
        private final long size;
        private final T content;

        LoadedFile(long modified, long size, T content) {
            this.modified = modified;
            this.size = size;
            this.content = content;
        }
    }
}

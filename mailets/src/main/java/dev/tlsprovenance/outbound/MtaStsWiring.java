package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.sts.MtaSts;
import dev.tlsprovenance.sts.StsConfiguration;
import dev.tlsprovenance.sts.StsDecision;
import dev.tlsprovenance.sts.StsPolicyCache;
import dev.tlsprovenance.sts.StsPolicyFetcher;

/**
 * {@code conf/mta-sts.properties} made into what the delivery asks MTA-STS with: the resolver
 * ({@link MtaSts#resolve}: TXT through the DNSSEC lookups, the HTTPS fetcher, the policy cache) and the trust that
 * judges policy hosts and MX certificates ({@code sts.trustAnchors}). One construction for the server
 * ({@code TlsPolicyRemoteDelivery}, which owns the cache) and for {@code tls-provenance check-peer} (which only reads
 * it: {@link StsPolicyCache#readOnly}), so both resolve a domain the same way.
 */
public final class MtaStsWiring {
    private final StsPolicyCache cache;
    private final TrustMaterial trust;
    private final MtaSts sts;

    private MtaStsWiring(StsPolicyCache cache, TrustMaterial trust, MtaSts sts) {
        this.cache = cache;
        this.trust = trust;
        this.sts = sts;
    }

    /**
     * @param cache    the server's policy cache directory ({@code sts.cacheDirectory} resolved), as the server's own
     *                 ({@code new StsPolicyCache}) or a reader's ({@link StsPolicyCache#readOnly})
     * @throws IOException              when the {@code sts.trustAnchors} bundle cannot be read
     * @throws GeneralSecurityException when it holds no usable CA certificate
     */
    public static MtaStsWiring of(StsConfiguration configuration, StsPolicyCache cache, DnssecLookups.Settings dnssec,
                                  Clock clock) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(cache, "cache");
        TrustMaterial trust = configuration.trustAnchors().isPresent()
            ? TrustMaterial.privateCa(configuration.trustAnchors().get()) : TrustMaterial.jvmDefault();
        SSLContext context = configuration.trustAnchors().isPresent() ? sslContext(trust) : SSLContext.getDefault();
        StsPolicyFetcher fetcher = new StsPolicyFetcher(configuration.fetcherSettings().sslContext(context).build());
        DnssecLookups lookups = new DnssecLookups(dnssec);
        return new MtaStsWiring(cache, trust, new MtaSts(lookups::txt, fetcher, cache, clock, configuration.failureBackoff()));
    }

    /** {@code sts.cacheDirectory} as the server resolves it: relative to its base directory. */
    public static Path cacheDirectory(StsConfiguration configuration, Path baseDirectory) {
        Path written = Path.of(configuration.cacheDirectory());
        return written.isAbsolute() ? written : baseDirectory.resolve(written).normalize();
    }

    /** What MTA-STS says about a domain, for {@link DaneRouting#forDestination}. */
    public Function<String, StsDecision> resolver() {
        return sts::resolve;
    }

    /** Who vouches for the MX certificates of an {@code enforce} or {@code testing} policy. */
    public TrustMaterial trust() {
        return trust;
    }

    public StsPolicyCache cache() {
        return cache;
    }

    private static SSLContext sslContext(TrustMaterial trust) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (TrustAnchor anchor : trust.anchors()) {
            store.setCertificateEntry("anchor-" + i++, anchor.getTrustedCert());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}

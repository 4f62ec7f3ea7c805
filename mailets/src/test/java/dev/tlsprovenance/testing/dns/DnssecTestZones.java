package dev.tlsprovenance.testing.dns;

import java.time.Duration;
import java.time.Instant;

/**
 * The standard test namespace: one zone per DNSSEC shape under a signed {@code test.} below the test root, each
 * with the same records so that a test can ask the same question of every shape.
 *
 * <pre>
 * shape            zone                  what a validator must say
 * secure           secure.test.          SECURE
 * insecure         insecure.test.        INSECURE (unsigned, the parent's NSEC proves there is no DS)
 * bogus            bogus.test.           BOGUS (every RRSIG but the DNSKEY's is corrupted)
 * expired          expired.test.         BOGUS (signatures expired yesterday)
 * wrong DS         wrong-ds.test.        BOGUS (the DS in test. matches no key of the zone)
 * SERVFAIL         servfail.test.        INDETERMINATE (every question below it gets SERVFAIL)
 * secure->insecure chain.test.           INSECURE (signed CNAMEs into insecure.test.)
 * </pre>
 * Records in every shape zone except chain.test. (names relative to the zone):
 * <pre>
 * &#64;                     MX    10 mx
 * mx                    A     192.0.2.25          AAAA 2001:db8::25
 * _25._tcp.mx           TLSA  3 1 1 {@link #TLSA_MX}
 * alias                 CNAME mx                  (A, AAAA and TLSA-base-domain tests)
 * mail-alias            CNAME &#64;                  (MX via CNAME)
 * _25._tcp.tlsa-alias   CNAME _25._tcp.mx         (TLSA via CNAME)
 * v4only                A     192.0.2.26          (AAAA: NODATA; TLSA: NXDOMAIN)
 * original              CNAME plain               plain A 192.0.2.27, TLSA only at _25._tcp.original
 * big                   A     198.51.100.1 ... .80 (an answer too large for UDP)
 * *.wild                MX 10 mx, A, AAAA and TLSA as mx has (any name below wild., _25._tcp.x.wild. included)
 * </pre>
 * chain.test. has {@code alias}, {@code mail-alias}, {@code _25._tcp.tlsa-alias} and {@code mx} as CNAMEs to the
 * corresponding names of insecure.test. (and {@code @ MX 10 mx}).
 */
public final class DnssecTestZones {

    public static final String TLSA_MX = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    public static final String TLSA_ORIGINAL = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
    public static final long TTL = 300;
    /** {@code big} has this many A records: with signatures, more than 1,280 bytes, so it comes over TCP. */
    public static final int BIG_RRSET_SIZE = 80;

    private DnssecTestZones() {
    }

    public static TestDnsNamespace standard() {
        Instant now = Instant.now();
        return TestDnsNamespace.builder()
                .zone(TestZone.signed("test"))
                .zone(shape(TestZone.signed("secure.test")))
                .zone(shape(TestZone.unsigned("insecure.test")))
                .zone(shape(TestZone.signed("bogus.test").brokenSignatures()))
                .zone(shape(TestZone.signed("expired.test")
                        .signatureValidity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))))
                .zone(shape(TestZone.signed("wrong-ds.test").dsMatchingNoKey()))
                .zone(TestZone.signed("chain.test")
                        .record("@", TTL, "MX", "10 mx")
                        .record("mx", TTL, "CNAME", "mx.insecure.test.")
                        .record("alias", TTL, "CNAME", "mx.insecure.test.")
                        .record("mail-alias", TTL, "CNAME", "insecure.test.")
                        .record("_25._tcp.tlsa-alias", TTL, "CNAME", "_25._tcp.mx.insecure.test."))
                .servfail("servfail.test")
                .build();
    }

    /** The records every shape zone has (see the class comment). */
    public static TestZone.Builder shape(TestZone.Builder zone) {
        for (int i = 1; i <= BIG_RRSET_SIZE; i++) {
            zone.record("big", TTL, "A", "198.51.100." + i);
        }
        return zone.record("@", TTL, "MX", "10 mx")
                .record("mx", TTL, "A", "192.0.2.25")
                .record("mx", TTL, "AAAA", "2001:db8::25")
                .record("_25._tcp.mx", TTL, "TLSA", "3 1 1 " + TLSA_MX)
                .record("alias", TTL, "CNAME", "mx")
                .record("mail-alias", TTL, "CNAME", zone.build().origin().toString())
                .record("_25._tcp.tlsa-alias", TTL, "CNAME", "_25._tcp.mx")
                .record("v4only", TTL, "A", "192.0.2.26")
                .record("original", TTL, "CNAME", "plain")
                .record("plain", TTL, "A", "192.0.2.27")
                .record("_25._tcp.original", TTL, "TLSA", "3 1 1 " + TLSA_ORIGINAL)
                .record("*.wild", TTL, "MX", "10 mx")
                .record("*.wild", TTL, "A", "192.0.2.25")
                .record("*.wild", TTL, "AAAA", "2001:db8::25")
                .record("*.wild", TTL, "TLSA", "3 1 1 " + TLSA_MX);
    }
}

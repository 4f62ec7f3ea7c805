package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.utils.base16;

import dev.tlsprovenance.dane.DnssecAnswer.Outcome;
import dev.tlsprovenance.testing.dns.DnssecTestZones;
import dev.tlsprovenance.testing.dns.TestDnssecServer;

/**
 * {@link DnssecLookups} against the standard test namespace ({@link DnssecTestZones}), signed at test time and
 * served on loopback: every record type x zone shape x query name form, denials, and the RFC 7672 TLSA base domain.
 */
class DnssecLookupsTest {

    private static TestDnssecServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = TestDnssecServer.start(DnssecTestZones.standard());
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    /** A fresh instance (empty caches) trusting the test root. */
    static DnssecLookups lookups() {
        return new DnssecLookups(DnssecLookups.Settings.builder(dns.address())
                .trustAnchors(dns.namespace().trustAnchor()).build());
    }

    /** The zone shapes of {@link DnssecTestZones} and what every answer from them must be. */
    enum Shape {
        SECURE("secure.test", DnssecStatus.SECURE),
        INSECURE("insecure.test", DnssecStatus.INSECURE),
        BROKEN_SIGNATURES("bogus.test", DnssecStatus.BOGUS),
        EXPIRED_SIGNATURES("expired.test", DnssecStatus.BOGUS),
        DS_MATCHING_NO_KEY("wrong-ds.test", DnssecStatus.BOGUS),
        SERVFAIL("servfail.test", DnssecStatus.INDETERMINATE),
        /** Signed CNAMEs into insecure.test.: only the CNAME form applies. */
        SECURE_CNAME_TO_INSECURE("chain.test", DnssecStatus.INSECURE);

        final String zone;
        final DnssecStatus status;

        Shape(String zone, DnssecStatus status) {
            this.zone = zone;
            this.status = status;
        }

        /** The zone holding the records a CNAME of this shape ends at. */
        String targetZone() {
            return this == SECURE_CNAME_TO_INSECURE ? "insecure.test" : zone;
        }
    }

    /** The record types, with the name asked in each form, the lookup, and the records the zone holds. */
    enum RecordType {
        MX("", "mail-alias.") {
            @Override
            DnssecAnswer<?> lookup(DnssecLookups lookups, String name) {
                return lookups.mx(name);
            }

            @Override
            List<String> expected(String zone) {
                return List.of("10 mx." + zone);
            }

            @Override
            String owner(String name) {
                return name;
            }
        },
        A("mx.", "alias.") {
            @Override
            DnssecAnswer<?> lookup(DnssecLookups lookups, String name) {
                return lookups.a(name);
            }

            @Override
            List<String> expected(String zone) {
                return List.of("192.0.2.25");
            }

            @Override
            String owner(String name) {
                return name;
            }
        },
        AAAA("mx.", "alias.") {
            @Override
            DnssecAnswer<?> lookup(DnssecLookups lookups, String name) {
                return lookups.aaaa(name);
            }

            @Override
            List<String> expected(String zone) {
                return List.of("2001:db8:0:0:0:0:0:25");
            }

            @Override
            String owner(String name) {
                return name;
            }
        },
        TLSA("mx.", "tlsa-alias.") {
            @Override
            DnssecAnswer<?> lookup(DnssecLookups lookups, String name) {
                return lookups.tlsa(name);
            }

            @Override
            List<String> expected(String zone) {
                return List.of("3 1 1 " + DnssecTestZones.TLSA_MX);
            }

            @Override
            String owner(String name) {
                return "_25._tcp." + name;
            }
        };

        final String exactPrefix;
        final String cnamePrefix;

        RecordType(String exactPrefix, String cnamePrefix) {
            this.exactPrefix = exactPrefix;
            this.cnamePrefix = cnamePrefix;
        }

        abstract DnssecAnswer<?> lookup(DnssecLookups lookups, String name);

        abstract List<String> expected(String zone);

        /** The DNS name a lookup of {@code name} asks (TLSA: under {@code _25._tcp}). */
        abstract String owner(String name);
    }

    /** How the query name is written: as in the zone, through a CNAME, or matched by a wildcard; in each case. */
    enum NameForm {
        EXACT_LOWER(Via.EXACT, s -> s),
        EXACT_UPPER(Via.EXACT, s -> s.toUpperCase(Locale.ROOT)),
        EXACT_MIXED(Via.EXACT, DnssecLookupsTest::mixedCase),
        CNAME_LOWER(Via.CNAME, s -> s),
        CNAME_UPPER(Via.CNAME, s -> s.toUpperCase(Locale.ROOT)),
        CNAME_MIXED(Via.CNAME, DnssecLookupsTest::mixedCase),
        WILDCARD_LOWER(Via.WILDCARD, s -> s),
        WILDCARD_MIXED(Via.WILDCARD, DnssecLookupsTest::mixedCase);

        enum Via { EXACT, CNAME, WILDCARD }

        final Via via;
        final boolean viaCname;
        final UnaryOperator<String> letterCase;

        NameForm(Via via, UnaryOperator<String> letterCase) {
            this.via = via;
            this.viaCname = via == Via.CNAME;
            this.letterCase = letterCase;
        }

        String prefix(RecordType type) {
            return via == Via.EXACT ? type.exactPrefix : via == Via.CNAME ? type.cnamePrefix : "any-host.wild.";
        }
    }

    static String mixedCase(String s) {
        return IntStream.range(0, s.length())
                .mapToObj(i -> i % 2 == 0 ? s.substring(i, i + 1).toUpperCase(Locale.ROOT) : s.substring(i, i + 1))
                .collect(Collectors.joining());
    }

    static List<String> presentation(DnssecAnswer<?> answer) {
        List<String> out = new ArrayList<>();
        for (Object r : answer.records()) {
            if (r instanceof MXRecord) {
                MXRecord mx = (MXRecord) r;
                out.add(mx.getPriority() + " " + mx.getTarget().toString(true).toLowerCase(Locale.ROOT));
            } else if (r instanceof InetAddress) {
                out.add(((InetAddress) r).getHostAddress());
            } else {
                TLSARecord t = (TLSARecord) r;
                out.add(t.getCertificateUsage() + " " + t.getSelector() + " " + t.getMatchingType() + " "
                        + base16.toString(t.getCertificateAssociationData()).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> everyTypeShapeAndNameFormGetsTheShapesStatusAndRecords() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Shape shape : Shape.values()) {
            for (RecordType type : RecordType.values()) {
                for (NameForm form : NameForm.values()) {
                    if (shape == Shape.SECURE_CNAME_TO_INSECURE && !form.viaCname) {
                        continue;
                    }
                    String name = form.letterCase.apply(form.prefix(type) + shape.zone);
                    tests.add(dynamicTest(type + " " + name + " (" + shape + ", " + form + ")",
                            () -> assertShape(shape, type, form, name)));
                }
            }
        }
        return tests;
    }

    private static void assertShape(Shape shape, RecordType type, NameForm form, String name) {
        DnssecAnswer<?> answer = type.lookup(lookups(), name);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(shape.status);
        assertThat(answer.queryName()).isEqualTo(type.owner(name).toLowerCase(Locale.ROOT));
        assertThat(answer.type()).isEqualTo(type.name());
        if (shape.status.isFailure()) {
            assertThat(answer.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(answer.records()).isEmpty();
            assertThat(answer.reason()).as("reason").isNotBlank();
            if (shape == Shape.SERVFAIL) {
                assertThat(answer.reason()).contains("answered SERVFAIL");
            }
            return;
        }
        assertThat(answer.outcome()).as(answer.toString()).isEqualTo(Outcome.RECORDS);
        assertThat(presentation(answer)).isEqualTo(type.expected(shape.targetZone()));
        String target = form.via == NameForm.Via.WILDCARD ? answer.queryName()
                : type.owner(type.exactPrefix + shape.targetZone());
        assertThat(answer.canonicalName()).isEqualTo(target);
        assertThat(answer.cnameChain()).hasSize(form.viaCname ? 2 : 1);
        assertThat(answer.ttl().getSeconds()).isEqualTo(DnssecTestZones.TTL);
    }

    /** A denial: type, name relative to the zone, what the zone proves. */
    static final class Denial {
        final RecordType type;
        final String relativeName;
        final Outcome outcome;

        Denial(RecordType type, String relativeName, Outcome outcome) {
            this.type = type;
            this.relativeName = relativeName;
            this.outcome = outcome;
        }
    }

    static final List<Denial> DENIALS = List.of(
            new Denial(RecordType.AAAA, "v4only.", Outcome.NODATA),
            new Denial(RecordType.TLSA, "v4only.", Outcome.NXDOMAIN),
            new Denial(RecordType.TLSA, "plain.", Outcome.NXDOMAIN),
            new Denial(RecordType.A, "no-such-host.", Outcome.NXDOMAIN),
            new Denial(RecordType.MX, "mx.", Outcome.NODATA),
            // _tcp.mx exists only as the parent of _25._tcp.mx: an empty non-terminal, NODATA not NXDOMAIN.
            new Denial(RecordType.A, "_tcp.mx.", Outcome.NODATA),
            // A CNAME whose target has no record of the type: NODATA at the target.
            new Denial(RecordType.AAAA, "original.", Outcome.NODATA));

    @TestFactory
    List<DynamicTest> denialsAreAnswersWithTheShapesStatus() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Shape shape : List.of(Shape.SECURE, Shape.INSECURE, Shape.BROKEN_SIGNATURES, Shape.DS_MATCHING_NO_KEY,
                Shape.SERVFAIL)) {
            for (Denial denial : DENIALS) {
                String name = denial.relativeName + shape.zone;
                tests.add(dynamicTest(denial.type + " " + name + " (" + shape + ")", () -> {
                    DnssecAnswer<?> answer = denial.type.lookup(lookups(), name);
                    assertThat(answer.status()).as(answer.toString()).isEqualTo(shape.status);
                    assertThat(answer.records()).isEmpty();
                    if (shape.status.isFailure()) {
                        assertThat(answer.outcome()).isEqualTo(Outcome.FAILED);
                        return;
                    }
                    assertThat(answer.outcome()).as(answer.toString()).isEqualTo(denial.outcome);
                    assertThat(answer.isSecureDenial()).isEqualTo(shape == Shape.SECURE);
                    assertThat(answer.ttl().getSeconds()).as("negative TTL: the SOA minimum").isEqualTo(300);
                }));
            }
        }
        return tests;
    }

    /** RFC 7672 section 2.2.2 cases: host, expected status, TLSA base domain used, records. */
    @TestFactory
    List<DynamicTest> tlsaForHostUsesTheBaseDomainRfc7672Names() {
        List<Object[]> cases = List.of(
                new Object[] {"mx.secure.test", DnssecStatus.SECURE, "_25._tcp.mx.secure.test",
                        List.of("3 1 1 " + DnssecTestZones.TLSA_MX)},
                // Secure CNAME expansion: the expanded name is the base domain.
                new Object[] {"alias.secure.test", DnssecStatus.SECURE, "_25._tcp.mx.secure.test",
                        List.of("3 1 1 " + DnssecTestZones.TLSA_MX)},
                // Secure expansion without TLSA at the expanded name: the original name is tried next.
                new Object[] {"original.secure.test", DnssecStatus.SECURE, "_25._tcp.original.secure.test",
                        List.of("3 1 1 " + DnssecTestZones.TLSA_ORIGINAL)},
                new Object[] {"ORIGINAL.Secure.Test", DnssecStatus.SECURE, "_25._tcp.original.secure.test",
                        List.of("3 1 1 " + DnssecTestZones.TLSA_ORIGINAL)},
                // Secure denial: no TLSA, DANE does not apply.
                new Object[] {"v4only.secure.test", DnssecStatus.SECURE, "_25._tcp.v4only.secure.test", List.of()},
                // Insecure addresses: TLSA are not even looked up, although insecure.test. has (unsigned) ones.
                new Object[] {"mx.insecure.test", DnssecStatus.INSECURE, "_25._tcp.mx.insecure.test", List.of()},
                // A secure CNAME into an insecure zone: the addresses are insecure, so no DANE.
                new Object[] {"alias.chain.test", DnssecStatus.INSECURE, "_25._tcp.alias.chain.test", List.of()},
                new Object[] {"mx.bogus.test", DnssecStatus.BOGUS, "_25._tcp.mx.bogus.test", List.of()},
                new Object[] {"alias.wrong-ds.test", DnssecStatus.BOGUS, "_25._tcp.alias.wrong-ds.test", List.of()},
                new Object[] {"mx.servfail.test", DnssecStatus.INDETERMINATE, "_25._tcp.mx.servfail.test",
                        List.of()});
        List<DynamicTest> tests = new ArrayList<>();
        for (Object[] c : cases) {
            tests.add(dynamicTest((String) c[0] + " -> " + c[1] + " at " + c[2], () -> {
                DnssecAnswer<TLSARecord> answer = lookups().tlsaForHost((String) c[0], 25);
                assertThat(answer.status()).as(answer.toString()).isEqualTo(c[1]);
                assertThat(answer.queryName()).isEqualTo(c[2]);
                assertThat(presentation(answer)).isEqualTo(c[3]);
                if (answer.status() == DnssecStatus.INSECURE) {
                    assertThat(answer.reason()).contains("TLSA not looked up (RFC 7672 section 2.2.2)");
                }
            }));
        }
        return tests;
    }

    @Test
    void anAnswerTooLargeForUdpComesOverTcpAndValidates() {
        int tcpBefore = dns.tcpQueryCount();

        DnssecAnswer<InetAddress> answer = lookups().a("big.secure.test");

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).hasSize(DnssecTestZones.BIG_RRSET_SIZE);
        assertThat(dns.tcpQueryCount()).isGreaterThan(tcpBefore);
    }

    @Test
    void oneSharedInstanceGivesEveryConcurrentLookupItsOwnStatus() throws Exception {
        // No cache: every lookup goes to the resolver, so SERVFAIL and BOGUS answers interleave with secure ones
        // and the upstream-failure bookkeeping must keep them apart.
        DnssecLookups shared = new DnssecLookups(DnssecLookups.Settings.builder(dns.address())
                .trustAnchors(dns.namespace().trustAnchor()).cacheSize(0).build());
        List<Shape> shapes = new ArrayList<>();
        for (int round = 0; round < 12; round++) {
            for (Shape shape : Shape.values()) {
                shapes.add(shape);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<DnssecStatus>> results = new ArrayList<>();
            for (Shape shape : shapes) {
                results.add(pool.submit(() -> shared.a("alias." + shape.zone).status()));
            }
            for (int i = 0; i < shapes.size(); i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS))
                        .as(shapes.get(i).toString()).isEqualTo(shapes.get(i).status);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

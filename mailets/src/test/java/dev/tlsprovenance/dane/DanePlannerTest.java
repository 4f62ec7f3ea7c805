package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;

/**
 * The RFC 7672 section 2.2 decision as a function of the DNSSEC answers, generated over every combination of MX
 * answer x address answer x TLSA answer x level, each checked against a small model of the RFC written here.
 */
class DanePlannerTest {
    private static final String DOMAIN = "d.test";
    private static final byte[] DIGEST = new byte[32];

    enum MxShape { SECURE_RECORDS, SECURE_NODATA, INSECURE_RECORDS, INSECURE_NODATA, BOGUS, INDETERMINATE }

    enum AddressShape { SECURE, INSECURE, BOGUS, INDETERMINATE, SECURE_NONE }

    enum TlsaShape { USABLE, UNUSABLE, SECURE_DENIAL, INSECURE, BOGUS, INDETERMINATE }

    @Test
    void everyCombinationOfAnswersGivesTheModelsDecision() throws Exception {
        int cases = 0;
        for (MxShape mx : MxShape.values()) {
            for (AddressShape address : AddressShape.values()) {
                for (TlsaShape tlsa : TlsaShape.values()) {
                    for (boolean daneOnly : new boolean[] {false, true}) {
                        String label = mx + " x " + address + " x " + tlsa + (daneOnly ? " dane-only" : " dane");
                        FakeDns dns = new FakeDns().mx(DOMAIN, mx, "mx." + DOMAIN);
                        String host = mx == MxShape.SECURE_RECORDS || mx == MxShape.INSECURE_RECORDS ? "mx." + DOMAIN : DOMAIN;
                        dns.host(host, address, tlsa);
                        DanePlan plan = new DanePlanner(dns).plan(DOMAIN, daneOnly);
                        check(label, plan, mx, address, tlsa, daneOnly, host, dns);
                        cases++;
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(6 * 5 * 6 * 2);
    }

    private static void check(String label, DanePlan plan, MxShape mx, AddressShape address, TlsaShape tlsa, boolean daneOnly,
                              String host, FakeDns dns) {
        if (mx == MxShape.BOGUS || mx == MxShape.INDETERMINATE) {
            assertThat(plan.hosts()).as(label).isEmpty();
            assertThat(plan.deferralResultType()).as(label).contains("dnssec-invalid");
            assertThat(plan.deferral().orElseThrow()).as(label).startsWith("DNSSEC " + mx.name().toLowerCase() + " answer for the MX");
            assertThat(dns.addressLookups).as(label + ": nothing asked after a failed MX").isZero();
            return;
        }
        boolean secureMx = mx == MxShape.SECURE_RECORDS || mx == MxShape.SECURE_NODATA;
        if (!secureMx && daneOnly) {
            assertThat(plan.hosts()).as(label).isEmpty();
            assertThat(plan.deferralResultType()).as(label).contains("dane-required");
            assertThat(plan.weakestStatus()).as(label).isEqualTo(DnssecStatus.INSECURE);
            return;
        }
        assertThat(plan.hosts()).as(label).hasSize(1);
        DaneHostPlan hostPlan = plan.hosts().get(0);
        assertThat(hostPlan.host()).as(label).isEqualTo(host);
        DaneHostPlan.Mode expected = expectedMode(secureMx, address, tlsa, daneOnly);
        assertThat(hostPlan.mode()).as(label).isEqualTo(expected);
        boolean tlsaAsked = secureMx && address == AddressShape.SECURE;
        assertThat(dns.tlsaLookups).as(label + ": TLSA asked only below secure MX and addresses").isEqualTo(tlsaAsked ? 1 : 0);
        assertThat(hostPlan.dnssec()).as(label).isEqualTo(expectedStatus(mx, address, tlsa));
        assertThat(plan.weakestStatus()).as(label).isEqualTo(expectedStatus(mx, address, tlsa));
        if (expected.isTried()) {
            assertThat(plan.deferral()).as(label).isEmpty();
            assertThat(plan.triedHosts()).as(label).containsExactly(hostPlan);
            assertThat(hostPlan.addresses()).as(label).hasSize(1);
        } else {
            assertThat(plan.deferral()).as(label).isPresent();
            assertThat(plan.deferralResultType()).as(label).isEqualTo(expected == DaneHostPlan.Mode.DNSSEC_FAILED
                ? Optional.of("dnssec-invalid") : expected == DaneHostPlan.Mode.REFUSED ? Optional.of("dane-required") : Optional.empty());
        }
        if (expected == DaneHostPlan.Mode.AUTHENTICATED || expected == DaneHostPlan.Mode.ENCRYPT) {
            assertThat(hostPlan.tlsa().policyStrings()).as(label).hasSize(1);
            assertThat(plan.daneApplies()).as(label).isTrue();
            assertThat(hostPlan.referenceNames()).as(label).contains(DOMAIN, host);
        } else {
            assertThat(hostPlan.tlsa().records()).as(label).isEmpty();
            assertThat(plan.daneApplies()).as(label).isFalse();
        }
    }

    /** The model: RFC 7672 section 2.2 in a few lines. */
    private static DaneHostPlan.Mode expectedMode(boolean secureMx, AddressShape address, TlsaShape tlsa, boolean daneOnly) {
        DaneHostPlan.Mode noDane = daneOnly ? DaneHostPlan.Mode.REFUSED : DaneHostPlan.Mode.MAY;
        switch (address) {
            case BOGUS:
            case INDETERMINATE:
                return DaneHostPlan.Mode.DNSSEC_FAILED;
            case SECURE_NONE:
                return DaneHostPlan.Mode.NO_ADDRESS;
            case INSECURE:
                return noDane;
            default:
                break;
        }
        if (!secureMx) {
            return noDane;
        }
        switch (tlsa) {
            case USABLE:
                return DaneHostPlan.Mode.AUTHENTICATED;
            case UNUSABLE:
                return DaneHostPlan.Mode.ENCRYPT;
            case BOGUS:
            case INDETERMINATE:
                return DaneHostPlan.Mode.DNSSEC_FAILED;
            default:
                return noDane;
        }
    }

    private static DnssecStatus expectedStatus(MxShape mx, AddressShape address, TlsaShape tlsa) {
        DnssecStatus status = mx.name().startsWith("SECURE") ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
        DnssecStatus addressStatus = address == AddressShape.SECURE_NONE ? DnssecStatus.SECURE : DnssecStatus.valueOf(address.name());
        status = DanePlanner.weaker(status, addressStatus);
        if (status == DnssecStatus.SECURE && address == AddressShape.SECURE) {
            DnssecStatus tlsaStatus = tlsa == TlsaShape.USABLE || tlsa == TlsaShape.UNUSABLE || tlsa == TlsaShape.SECURE_DENIAL
                ? DnssecStatus.SECURE : DnssecStatus.valueOf(tlsa.name());
            status = DanePlanner.weaker(status, tlsaStatus);
        }
        return status;
    }

    @Test
    void aHostThatCannotBeTriedGivesWayToTheNextMxAndOnlyAllFailingDefers() throws Exception {
        List<TlsaShape> shapes = List.of(TlsaShape.values());
        for (TlsaShape first : shapes) {
            for (TlsaShape second : shapes) {
                for (boolean daneOnly : new boolean[] {false, true}) {
                    FakeDns dns = new FakeDns().mx(DOMAIN, MxShape.SECURE_RECORDS, "mx1." + DOMAIN, "mx2." + DOMAIN);
                    dns.host("mx1." + DOMAIN, AddressShape.SECURE, first).host("mx2." + DOMAIN, AddressShape.SECURE, second);
                    DanePlan plan = new DanePlanner(dns).plan(DOMAIN, daneOnly);
                    String label = first + " then " + second + (daneOnly ? " dane-only" : " dane");
                    List<String> expectedTried = new ArrayList<>();
                    if (expectedMode(true, AddressShape.SECURE, first, daneOnly).isTried()) {
                        expectedTried.add("mx1." + DOMAIN);
                    }
                    if (expectedMode(true, AddressShape.SECURE, second, daneOnly).isTried()) {
                        expectedTried.add("mx2." + DOMAIN);
                    }
                    assertThat(plan.triedHosts()).as(label).extracting(DaneHostPlan::host).containsExactlyElementsOf(expectedTried);
                    assertThat(plan.deferral().isPresent()).as(label).isEqualTo(expectedTried.isEmpty());
                    if (expectedTried.isEmpty()) {
                        boolean dnssecFailure = first == TlsaShape.BOGUS || first == TlsaShape.INDETERMINATE
                            || second == TlsaShape.BOGUS || second == TlsaShape.INDETERMINATE;
                        assertThat(plan.deferralResultType()).as(label).contains(dnssecFailure ? "dnssec-invalid" : "dane-required");
                        assertThat(plan.deferral().get()).as(label).startsWith(dnssecFailure ? "DNSSEC " : "DANE required");
                    }
                }
            }
        }
    }

    @Test
    void routesAreJudgedByTheirOwnTlsaRecordsAndAddressLiteralsHaveNone() throws Exception {
        FakeDns dns = new FakeDns().host("relay.d.test", AddressShape.SECURE, TlsaShape.USABLE);
        DanePlan plan = new DanePlanner(dns).planRoutes(DOMAIN, List.of(new DanePlanner.Route("relay.d.test", 2525),
            new DanePlanner.Route("[192.0.2.9]", 25)), false);
        assertThat(dns.mxLookups).as("a route needs no MX lookup").isZero();
        assertThat(dns.tlsaPorts).containsExactly(2525);
        assertThat(plan.hosts()).extracting(DaneHostPlan::mode)
            .containsExactly(DaneHostPlan.Mode.AUTHENTICATED, DaneHostPlan.Mode.MAY);
        assertThat(plan.hosts().get(0).referenceNames()).containsExactly("relay.d.test");
        assertThat(plan.hosts().get(1).addresses()).containsExactly(InetAddress.getByName("192.0.2.9"));
        DanePlan only = new DanePlanner(dns).planRoutes(DOMAIN, List.of(new DanePlanner.Route("[192.0.2.9]", 25)), true);
        assertThat(only.deferralResultType()).contains("dane-required");
    }

    @Test
    void aNullMxIsNeverTriedAndIsToldApartFromAMissingAddress() throws Exception {
        for (MxShape shape : List.of(MxShape.SECURE_RECORDS, MxShape.INSECURE_RECORDS)) {
            for (boolean daneOnly : new boolean[] {false, true}) {
                String label = shape + (daneOnly ? " dane-only" : " dane");
                FakeDns dns = new FakeDns().mx(DOMAIN, shape, "");
                DanePlan plan = new DanePlanner(dns).plan(DOMAIN, daneOnly);
                if (shape == MxShape.INSECURE_RECORDS && daneOnly) {
                    assertThat(plan.isNullMx()).as(label + ": refused before the hosts are looked at").isFalse();
                    assertThat(plan.deferralResultType()).as(label).contains("dane-required");
                    continue;
                }
                assertThat(plan.isNullMx()).as(label).isTrue();
                assertThat(plan.triedHosts()).as(label).isEmpty();
                assertThat(plan.deferral()).as(label).hasValueSatisfying(d -> assertThat(d).contains("null MX (RFC 7505)"));
                assertThat(dns.addressLookups + dns.tlsaLookups).as(label + ": nothing looked up for the root").isZero();
            }
        }
        FakeDns noAddress = new FakeDns().mx(DOMAIN, MxShape.SECURE_RECORDS, "mx." + DOMAIN)
            .host("mx." + DOMAIN, AddressShape.SECURE_NONE, TlsaShape.USABLE);
        assertThat(new DanePlanner(noAddress).plan(DOMAIN, false).isNullMx()).isFalse();
        FakeDns nullAmongOthers = new FakeDns().mx(DOMAIN, MxShape.SECURE_RECORDS, "", "mx." + DOMAIN)
            .host("mx." + DOMAIN, AddressShape.SECURE, TlsaShape.USABLE);
        assertThat(new DanePlanner(nullAmongOthers).plan(DOMAIN, false).isNullMx())
            .as("a null MX beside real ones (RFC 7505 forbids it) is not a null-MX domain: the real host is tried").isFalse();
    }

    @Test
    void theMxPortNamesTheTlsaRecordsAsked() throws Exception {
        FakeDns dns = new FakeDns().mx(DOMAIN, MxShape.SECURE_RECORDS, "mx." + DOMAIN).host("mx." + DOMAIN, AddressShape.SECURE, TlsaShape.USABLE);
        new DanePlanner(dns, 2525).plan(DOMAIN, false);
        assertThat(dns.tlsaPorts).containsExactly(2525);
    }

    /** Answers made up per name; counts what was asked. */
    private static final class FakeDns implements DanePlanner.Dns {
        private final Map<String, DnssecAnswer<MXRecord>> mx = new HashMap<>();
        private final Map<String, DnssecAnswer<InetAddress>> addresses = new HashMap<>();
        private final Map<String, DnssecAnswer<TLSARecord>> tlsa = new HashMap<>();
        int mxLookups;
        int addressLookups;
        int tlsaLookups;
        final List<Integer> tlsaPorts = new ArrayList<>();

        FakeDns mx(String domain, MxShape shape, String... hosts) throws TextParseException {
            List<MXRecord> records = new ArrayList<>();
            for (int i = 0; i < hosts.length; i++) {
                records.add(new MXRecord(Name.fromString(domain + "."), DClass.IN, 300, 10 + i, Name.fromString(hosts[i] + ".")));
            }
            switch (shape) {
                case SECURE_RECORDS:
                    mx.put(domain, answer(domain, "MX", DnssecAnswer.Outcome.RECORDS, records, DnssecStatus.SECURE));
                    break;
                case INSECURE_RECORDS:
                    mx.put(domain, answer(domain, "MX", DnssecAnswer.Outcome.RECORDS, records, DnssecStatus.INSECURE));
                    break;
                case SECURE_NODATA:
                    mx.put(domain, answer(domain, "MX", DnssecAnswer.Outcome.NODATA, List.of(), DnssecStatus.SECURE));
                    break;
                case INSECURE_NODATA:
                    mx.put(domain, answer(domain, "MX", DnssecAnswer.Outcome.NODATA, List.of(), DnssecStatus.INSECURE));
                    break;
                default:
                    mx.put(domain, DnssecAnswer.failed(domain, "MX", DnssecStatus.valueOf(shape.name()), "test says " + shape));
            }
            return this;
        }

        FakeDns host(String host, AddressShape address, TlsaShape shape) throws Exception {
            List<InetAddress> found = List.of(InetAddress.getByName("192.0.2.1"));
            switch (address) {
                case SECURE_NONE:
                    addresses.put(host, answer(host, "A", DnssecAnswer.Outcome.NODATA, List.of(), DnssecStatus.SECURE));
                    break;
                case SECURE:
                case INSECURE:
                    addresses.put(host, answer(host, "A", DnssecAnswer.Outcome.RECORDS, found, DnssecStatus.valueOf(address.name())));
                    break;
                default:
                    addresses.put(host, DnssecAnswer.failed(host, "A", DnssecStatus.valueOf(address.name()), "test says " + address));
            }
            String name = "_25._tcp." + host;
            Name owner = Name.fromString(name + ".");
            switch (shape) {
                case USABLE:
                    tlsa.put(host, answer(name, "TLSA", DnssecAnswer.Outcome.RECORDS,
                        List.of(new TLSARecord(owner, DClass.IN, 300, 3, 1, 1, DIGEST)), DnssecStatus.SECURE));
                    break;
                case UNUSABLE:
                    tlsa.put(host, answer(name, "TLSA", DnssecAnswer.Outcome.RECORDS,
                        List.of(new TLSARecord(owner, DClass.IN, 300, 1, 1, 1, DIGEST)), DnssecStatus.SECURE));
                    break;
                case SECURE_DENIAL:
                    tlsa.put(host, answer(name, "TLSA", DnssecAnswer.Outcome.NXDOMAIN, List.of(), DnssecStatus.SECURE));
                    break;
                case INSECURE:
                    tlsa.put(host, answer(name, "TLSA", DnssecAnswer.Outcome.RECORDS,
                        List.of(new TLSARecord(owner, DClass.IN, 300, 3, 1, 1, DIGEST)), DnssecStatus.INSECURE));
                    break;
                default:
                    tlsa.put(host, DnssecAnswer.failed(name, "TLSA", DnssecStatus.valueOf(shape.name()), "test says " + shape));
            }
            return this;
        }

        private static <T> DnssecAnswer<T> answer(String name, String type, DnssecAnswer.Outcome outcome, List<T> records,
                                                  DnssecStatus status) {
            return DnssecAnswer.answered(name, type, outcome, records, status, "", Duration.ofSeconds(300), List.of(name));
        }

        @Override
        public DnssecAnswer<MXRecord> mx(String domain) {
            mxLookups++;
            return mx.get(domain);
        }

        @Override
        public DnssecAnswer<InetAddress> addresses(String host) {
            addressLookups++;
            return addresses.get(host);
        }

        @Override
        public DnssecAnswer<TLSARecord> tlsaForHost(String host, int port) {
            tlsaLookups++;
            tlsaPorts.add(port);
            return tlsa.get(host);
        }
    }
}

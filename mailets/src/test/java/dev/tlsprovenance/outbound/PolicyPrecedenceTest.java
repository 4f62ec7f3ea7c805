package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.dane.DanePlan;
import dev.tlsprovenance.dane.DanePlanner;
import dev.tlsprovenance.dane.DnssecAnswer;
import dev.tlsprovenance.dane.DnssecStatus;
import dev.tlsprovenance.ledger.PolicyFacts;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.PolicySource;
import dev.tlsprovenance.sts.MtaSts;
import dev.tlsprovenance.sts.StsDecision;
import dev.tlsprovenance.sts.StsFetchResult;
import dev.tlsprovenance.sts.StsPolicy;
import dev.tlsprovenance.sts.StsPolicyCache;
import dev.tlsprovenance.sts.StsResultType;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

/**
 * Precedence per destination (issue 13): a row, then DANE, then MTA-STS, then the default, generated over
 * (row / no row) x (DANE: secure usable TLSA / secure unusable TLSA / secure denial / insecure zone / bogus) x
 * (STS: enforce / testing / none / fetch failure / absent / off) x (the MX host matching the policy's mx or not),
 * each checked against the rule written here: the policy source, the level and check of every hop, the skipped
 * hosts, the deferral, and whether MTA-STS was consulted at all. The real {@link MtaSts} resolves, over a fake TXT
 * lookup and policy source.
 */
class PolicyPrecedenceTest {
    private static final String DOMAIN = "d.test";
    private static final String MX = "mx.d.test";

    enum Dane { USABLE_TLSA, UNUSABLE_TLSA, SECURE_DENIAL, INSECURE, BOGUS }

    enum Sts { ENFORCE, TESTING, MODE_NONE, FETCH_FAILURE, ABSENT, OFF }

    @TempDir
    Path cacheRoot;

    @Test
    void everyCombinationFollowsRowThenDaneThenStsThenDefault() throws Exception {
        int cases = 0;
        for (boolean row : new boolean[] {true, false}) {
            for (Dane dane : Dane.values()) {
                for (Sts sts : Sts.values()) {
                    for (boolean mxMatches : new boolean[] {true, false}) {
                        check(row, dane, sts, mxMatches, cacheRoot.resolve("c" + cases));
                        cases++;
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(2 * 5 * 6 * 2);
    }

    private void check(boolean row, Dane dane, Sts sts, boolean mxMatches, Path cache) throws Exception {
        String label = (row ? "row" : "no row") + " x " + dane + " x " + sts + (mxMatches ? " x mx matches" : " x mx does not match");
        DanePlan plan = new DanePlanner(dns(dane)).plan(DOMAIN, false);
        List<NextHop> base = new ArrayList<>();
        plan.hosts().forEach(h -> base.add(NextHop.of(h.host(), 25, false)));
        AtomicInteger asked = new AtomicInteger();
        Optional<Function<String, StsDecision>> lookup = sts == Sts.OFF ? Optional.empty()
            : Optional.of(mtaSts(sts, mxMatches, cache, asked)::resolve);

        DaneRouting routing = DaneRouting.of(plan, OutboundLevel.DANE, row, base, lookup, TrustMaterial.jvmDefault());

        boolean daneDecides = dane == Dane.USABLE_TLSA || dane == Dane.UNUSABLE_TLSA;
        boolean stsConsulted = !row && sts != Sts.OFF && !daneDecides && dane != Dane.BOGUS;
        assertThat(asked.get() > 0).as(label + ": MTA-STS consulted").isEqualTo(stsConsulted);
        assertThat(routing.sts().isPresent()).as(label).isEqualTo(stsConsulted);

        if (dane == Dane.BOGUS) {
            assertThat(routing.hops()).as(label).isEmpty();
            assertThat(routing.deferral().orElseThrow().enhancedStatus()).as(label).isEqualTo("4.7.5");
            assertThat(routing.deferral().get().diagnostic()).as(label).startsWith("DNSSEC bogus");
            assertThat(routing.factsFor(Optional.empty()).source()).as(label).isEqualTo(row ? PolicySource.ROW : PolicySource.DANE);
            return;
        }
        PolicyFacts facts = routing.factsFor(Optional.of(MX + ":25"));
        NextHop hop = routing.hops().isEmpty() ? null : routing.hops().get(0);
        boolean stsDecides = stsConsulted && (sts == Sts.ENFORCE || sts == Sts.TESTING);
        String mode = sts == Sts.TESTING ? "testing" : "enforce";
        assertThat(facts.stsPolicy()).as(label + ": the policy lines (a TLS report's policy-string) only when it decided")
            .isEqualTo(stsDecides ? List.of("version: STSv1", "mode: " + mode, "mx: " + (mxMatches ? "*.d.test" : "mx.elsewhere.test"),
                "max_age: 86400") : List.of());
        assertThat(routing.factsFor(Optional.empty()).stsPolicy()).as(label).isEqualTo(facts.stsPolicy());
        if (row || daneDecides || !stsConsulted) {
            PolicySource expected = row ? PolicySource.ROW : daneDecides ? PolicySource.DANE : PolicySource.DEFAULT;
            assertThat(facts.source()).as(label).isEqualTo(expected);
            assertThat(facts.stsMode()).as(label).isEmpty();
            assertThat(facts.stsResultType()).as(label).isEmpty();
            assertThat(routing.hops()).as(label).hasSize(1);
            assertThat(hop.sts()).as(label).isEmpty();
            OutboundLevel level = dane == Dane.USABLE_TLSA ? OutboundLevel.DANE : dane == Dane.UNUSABLE_TLSA ? OutboundLevel.ENCRYPT : OutboundLevel.MAY;
            assertThat(hop.level()).as(label).contains(level);
            assertThat(hop.dane().isPresent()).as(label).isEqualTo(dane == Dane.USABLE_TLSA);
            return;
        }
        switch (sts) {
            case ENFORCE:
                assertThat(facts.source()).as(label).isEqualTo(PolicySource.STS);
                assertThat(facts.stsMode()).as(label).contains("enforce");
                assertThat(facts.stsId()).as(label).contains("20260301");
                if (mxMatches) {
                    assertThat(routing.hops()).as(label).hasSize(1);
                    assertThat(hop.level()).as(label).contains(OutboundLevel.VERIFY);
                    assertThat(hop.sts().orElseThrow().enforced()).as(label).isTrue();
                    assertThat(hop.connectAddress()).as(label).isEqualTo("192.0.2.1");
                    assertThat(routing.stsSkipped()).as(label).isEmpty();
                    assertThat(routing.deferral()).as(label).isEmpty();
                } else {
                    assertThat(routing.hops()).as(label).isEmpty();
                    assertThat(routing.stsSkipped()).as(label).containsExactly(MX);
                    DeliveryFailure deferral = routing.deferral().orElseThrow();
                    assertThat(deferral.isTemporary()).as(label).isTrue();
                    assertThat(deferral.enhancedStatus()).as(label).isEqualTo("4.7.5");
                    assertThat(deferral.diagnostic()).as(label).startsWith("MTA-STS validation-failure: no MX host of d.test (mx.d.test)");
                }
                break;
            case TESTING:
                assertThat(facts.source()).as(label).isEqualTo(PolicySource.STS);
                assertThat(facts.stsMode()).as(label).contains("testing");
                assertThat(routing.hops()).as(label + ": testing tries every MX").hasSize(1);
                assertThat(hop.level()).as(label).contains(OutboundLevel.MAY);
                assertThat(hop.sts().orElseThrow().enforced()).as(label).isFalse();
                assertThat(routing.deferral()).as(label).isEmpty();
                break;
            case MODE_NONE:
                assertThat(facts.source()).as(label).isEqualTo(PolicySource.DEFAULT);
                assertThat(facts.stsMode()).as(label).contains("none");
                assertThat(hop.sts()).as(label).isEmpty();
                assertThat(hop.level()).as(label).contains(OutboundLevel.MAY);
                break;
            case FETCH_FAILURE:
                assertThat(facts.source()).as(label).isEqualTo(PolicySource.DEFAULT);
                assertThat(facts.stsMode()).as(label).isEmpty();
                assertThat(facts.stsResultType()).as(label).contains("sts-policy-fetch-error");
                assertThat(hop.sts()).as(label).isEmpty();
                assertThat(hop.level()).as(label).contains(OutboundLevel.MAY);
                break;
            case ABSENT:
                assertThat(facts.source()).as(label).isEqualTo(PolicySource.DEFAULT);
                assertThat(facts.stsMode()).as(label).isEmpty();
                assertThat(facts.stsResultType()).as(label).isEmpty();
                assertThat(hop.sts()).as(label).isEmpty();
                assertThat(hop.level()).as(label).contains(OutboundLevel.MAY);
                break;
            default:
                throw new AssertionError(label);
        }
    }

    private static MtaSts mtaSts(Sts sts, boolean mxMatches, Path cache, AtomicInteger asked) {
        String mx = mxMatches ? "*.d.test" : "mx.elsewhere.test";
        String text = sts == Sts.MODE_NONE ? "version: STSv1\nmode: none\nmax_age: 86400\n"
            : "version: STSv1\nmode: " + (sts == Sts.TESTING ? "testing" : "enforce") + "\nmx: " + mx + "\nmax_age: 86400\n";
        MtaSts.TxtLookup txt = name -> {
            asked.incrementAndGet();
            assertThat(name).isEqualTo("_mta-sts." + DOMAIN);
            if (sts == Sts.ABSENT) {
                return DnssecAnswer.answered(name, "TXT", DnssecAnswer.Outcome.NXDOMAIN, List.of(), DnssecStatus.INSECURE, "",
                    Duration.ofSeconds(300), List.of(name));
            }
            return DnssecAnswer.answered(name, "TXT", DnssecAnswer.Outcome.RECORDS, List.of(List.of("v=STSv1; id=20260301")),
                DnssecStatus.INSECURE, "", Duration.ofSeconds(300), List.of(name));
        };
        return new MtaSts(txt, domain -> {
            if (sts == Sts.FETCH_FAILURE) {
                return StsFetchResult.failed(StsResultType.STS_POLICY_FETCH_ERROR, "connection refused");
            }
            try {
                return StsFetchResult.fetched(StsPolicy.parse(text));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, new StsPolicyCache(cache, Clock.systemUTC()), Clock.systemUTC(), Duration.ofMinutes(5));
    }

    private static DanePlanner.Dns dns(Dane dane) {
        DnssecStatus zone = dane == Dane.INSECURE ? DnssecStatus.INSECURE : DnssecStatus.SECURE;
        return new DanePlanner.Dns() {
            @Override
            public DnssecAnswer<MXRecord> mx(String domain) {
                if (dane == Dane.BOGUS) {
                    return DnssecAnswer.failed(domain, "MX", DnssecStatus.BOGUS, "test says bogus");
                }
                try {
                    return answer(domain, "MX", DnssecAnswer.Outcome.RECORDS,
                        List.of(new MXRecord(Name.fromString(domain + "."), DClass.IN, 300, 10, Name.fromString(MX + "."))), zone);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public DnssecAnswer<InetAddress> addresses(String host) {
                try {
                    return answer(host, "A", DnssecAnswer.Outcome.RECORDS, List.of(InetAddress.getByName("192.0.2.1")), zone);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public DnssecAnswer<TLSARecord> tlsaForHost(String host, int port) {
                String name = "_" + port + "._tcp." + host;
                try {
                    Name owner = Name.fromString(name + ".");
                    switch (dane) {
                        case USABLE_TLSA:
                            return answer(name, "TLSA", DnssecAnswer.Outcome.RECORDS,
                                List.of(new TLSARecord(owner, DClass.IN, 300, 3, 1, 1, new byte[32])), zone);
                        case UNUSABLE_TLSA:
                            return answer(name, "TLSA", DnssecAnswer.Outcome.RECORDS,
                                List.of(new TLSARecord(owner, DClass.IN, 300, 1, 1, 1, new byte[32])), zone);
                        default:
                            return answer(name, "TLSA", DnssecAnswer.Outcome.NXDOMAIN, List.of(), zone);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
    }

    private static <T> DnssecAnswer<T> answer(String name, String type, DnssecAnswer.Outcome outcome, List<T> records,
                                              DnssecStatus status) {
        return DnssecAnswer.answered(name, type, outcome, records, status, "", Duration.ofSeconds(300), List.of(name));
    }
}

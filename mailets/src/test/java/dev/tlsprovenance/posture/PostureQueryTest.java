package dev.tlsprovenance.posture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PostureQueryTest {
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void sinceIsAnInstantOrADurationBackFromNowRoundedDownToItsUtcDay() {
        assertThat(PostureQuery.parse(null, null, null, NOW).since()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(PostureQuery.parse("7d", null, null, NOW).since()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(PostureQuery.parse("24h", null, null, NOW).since()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(PostureQuery.parse("90m", null, null, NOW).since()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(PostureQuery.parse("PT6H", null, null, NOW).since()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(PostureQuery.parse("P3D", null, null, NOW).since()).isEqualTo(Instant.parse("2026-11-29T00:00:00Z"));
        assertThat(PostureQuery.parse("2026-11-20T13:00:00Z", null, null, NOW).since()).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(PostureQuery.parse(null, null, null, NOW).until()).isEqualTo(NOW);
        assertThat(PostureQuery.parse("P30D", "2026-11-28T12:00:00Z", null, NOW).until()).isEqualTo(Instant.parse("2026-11-28T12:00:00Z"));
    }

    @Test
    void domainsAreExactOrSubdomainsInAnyCaseAndAsALabels() {
        assertThat(PostureQuery.parse(null, null, "Partner.TEST", NOW).domain()).isEqualTo(Optional.of("partner.test"));
        assertThat(PostureQuery.parse(null, null, ".partner.test", NOW).domain()).isEqualTo(Optional.of(".partner.test"));
        assertThat(PostureQuery.parse(null, null, "bücher.test", NOW).domain()).isEqualTo(Optional.of("xn--bcher-kva.test"));
        assertThat(PostureQuery.parse(null, null, "", NOW).domain()).isEmpty();
    }

    @Test
    void aBadParameterIsRefusedNamingIt() {
        String[][] bad = {
            {"since", "yesterday", null, null}, {"since", "-7d", null, null}, {"since", "P-1D", null, null},
            {"since", "2026-13-01T00:00:00Z", null, null}, {"since", "2026-12-03T00:00:00Z", null, null},
            {"until", null, "tomorrow", null}, {"until", null, "2026-12-01", null},
            {"domain", null, null, "a..b"}, {"domain", null, null, "exa mple.org"}, {"domain", null, null, "."},
            {"domain", null, null, "<script>"},
        };
        for (String[] parameters : bad) {
            assertThatThrownBy(() -> PostureQuery.parse(parameters[1], parameters[2], parameters[3], NOW))
                .as(String.join(" ", java.util.Arrays.asList(parameters).toString()))
                .isInstanceOfSatisfying(PostureQuery.BadParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo(parameters[0]);
                    assertThat(e.getMessage()).startsWith("Invalid parameter " + parameters[0] + ": ");
                });
        }
    }
}

package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReceivedCorpusTest {

    static List<ReceivedCorpus.Case> corpus() {
        return ReceivedCorpus.cases();
    }

    @Test
    void corpusIsLargeAndDiverseEnough() {
        List<ReceivedCorpus.Case> cases = corpus();
        long real = cases.stream().filter(c -> !c.synthetic()).count();
        Map<String, Long> families = cases.stream().filter(c -> !c.synthetic() && c.expected.containsKey("family"))
            .collect(Collectors.groupingBy(c -> c.expected.get("family"), Collectors.counting()));

        assertThat(real).isGreaterThanOrEqualTo(60);
        assertThat(families.keySet()).contains("postfix", "exim", "sendmail", "exchange", "gmail", "opensmtpd",
            "james-3.8", "qmail", "communigate", "microsoft-smtpsvc", "non-smtp");
        assertThat(cases.stream().map(c -> c.expected.get("tls")).distinct()).contains("yes", "no", "unknown");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void parsesLikeTheGroundTruth(ReceivedCorpus.Case c) {
        Hop hop = ReceivedLineParser.parse(c.received);
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, String> e : c.expected.entrySet()) {
            String want = e.getValue();
            switch (e.getKey()) {
                case "family":
                    softly.assertThat(hop.family().token()).as("family").isEqualTo(want);
                    break;
                case "tls":
                    softly.assertThat(hop.tls().token()).as("tls").isEqualTo(want);
                    break;
                case "applicable":
                    softly.assertThat(hop.applicable()).as("applicable").isEqualTo(Boolean.parseBoolean(want));
                    break;
                case "protocol":
                    softly.assertThat(hop.protocol()).as("protocol").isEqualTo(optional(want));
                    break;
                case "label":
                    softly.assertThat(hop.protocolLabel()).as("protocol label").isEqualTo(optional(want));
                    break;
                case "cipher":
                    softly.assertThat(hop.cipher()).as("cipher").isEqualTo(optional(want));
                    break;
                case "iana":
                    softly.assertThat(hop.cipherIana()).as("IANA name").isEqualTo(optional(want));
                    break;
                case "bits":
                    softly.assertThat(hop.bits()).as("bits").isEqualTo(Integer.parseInt(want));
                    break;
                case "cert":
                    softly.assertThat(hop.clientCertificate().token()).as("client certificate").isEqualTo(want);
                    break;
                case "weak":
                    softly.assertThat(hop.weak()).as("weak").isEqualTo(Boolean.parseBoolean(want));
                    break;
                case "from":
                    softly.assertThat(hop.fromHost()).as("from").isEqualTo(optional(want));
                    break;
                case "fromAddr":
                    softly.assertThat(hop.fromAddress()).as("from address").isEqualTo(optional(want));
                    break;
                case "by":
                    softly.assertThat(hop.byHost()).as("by").isEqualTo(optional(want));
                    break;
                case "byAddr":
                    softly.assertThat(hop.byAddress()).as("by address").isEqualTo(optional(want));
                    break;
                case "with":
                    softly.assertThat(hop.withKeyword()).as("with").isEqualTo(optional(want.replace('_', ' ')));
                    break;
                case "time":
                    softly.assertThat(hop.time()).as("time")
                        .isEqualTo(want.equals("-") ? Optional.empty() : Optional.of(OffsetDateTime.parse(want)));
                    break;
                default:
                    throw new IllegalArgumentException("unknown corpus key '" + e.getKey() + "' at line " + c.lineNumber);
            }
        }
        softly.assertAll();
    }

    private static Optional<String> optional(String value) {
        return value.equals("-") ? Optional.empty() : Optional.of(value);
    }
}

package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@link StsPolicyParser} over generated policies: every line ending, every field order, every required key
 * missing, duplicated and malformed (each error names its line and key), every mode, the max_age bounds.
 */
class StsPolicyParserTest {
    private static final List<String> GOOD = List.of("version: STSv1", "mode: enforce", "mx: mail.example.com",
            "mx: *.example.net", "max_age: 604800");

    static String join(List<String> lines, String eol, boolean finalEol) {
        return String.join(eol, lines) + (finalEol ? eol : "");
    }

    @Test
    void everyLineEndingAndFieldOrderGivesTheSamePolicy() throws Exception {
        int checked = 0;
        for (int rotation = 0; rotation < GOOD.size(); rotation++) {
            List<String> lines = new ArrayList<>(GOOD);
            java.util.Collections.rotate(lines, rotation);
            for (String eol : List.of("\n", "\r\n")) {
                for (boolean finalEol : List.of(true, false)) {
                    StsPolicy policy = StsPolicyParser.parse(join(lines, eol, finalEol));
                    assertThat(policy.mode()).isEqualTo(StsMode.ENFORCE);
                    assertThat(policy.maxAgeSeconds()).isEqualTo(604800);
                    assertThat(policy.mx()).extracting(MxPattern::text)
                            .containsExactlyInAnyOrder("mail.example.com", "*.example.net");
                    assertThat(policy.lines()).as("the RFC 8460 policy-string: the fields as fetched, in order")
                            .isEqualTo(lines);
                    checked++;
                }
            }
            StringBuilder mixed = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                mixed.append(lines.get(i)).append(i % 2 == 0 ? "\r\n" : "\n");
            }
            assertThat(StsPolicyParser.parse(mixed.toString()).mx()).hasSize(2);
            assertThat(StsPolicyParser.parse(mixed + "\r\n\n").lines()).isEqualTo(lines);
        }
        assertThat(checked).isEqualTo(GOOD.size() * 4);
    }

    @Test
    void eachMissingRequiredKeyIsNamed() {
        for (String key : List.of("version", "mode", "max_age", "mx")) {
            List<String> lines = new ArrayList<>(GOOD);
            lines.removeIf(l -> l.startsWith(key + ":"));
            for (String eol : List.of("\n", "\r\n")) {
                assertThatThrownBy(() -> StsPolicyParser.parse(join(lines, eol, true))).as(key)
                        .isInstanceOf(StsSyntaxException.class)
                        .satisfies(e -> {
                            StsSyntaxException s = (StsSyntaxException) e;
                            assertThat(s.key()).isEqualTo(key);
                            assertThat(s.line()).isZero();
                            assertThat(s.problem()).startsWith("missing");
                        });
            }
        }
    }

    @Test
    void eachDuplicatedSingleKeyIsNamedWithTheLineOfTheSecondOccurrence() {
        for (String line : List.of("version: STSv1", "mode: enforce", "max_age: 604800", "mode: testing",
                "max_age: 1")) {
            String key = line.substring(0, line.indexOf(':'));
            for (int position = 0; position <= GOOD.size(); position++) {
                List<String> lines = new ArrayList<>(GOOD);
                lines.add(position, line);
                int first = -1;
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).startsWith(key + ":")) {
                        if (first >= 0) {
                            int expectedLine = i + 1;
                            assertThatThrownBy(() -> StsPolicyParser.parse(join(lines, "\n", true)))
                                    .as(line + " at " + position).isInstanceOf(StsSyntaxException.class)
                                    .hasMessage("line " + expectedLine + ": key '" + key + "': appears twice");
                            break;
                        }
                        first = i;
                    }
                }
            }
        }
    }

    @Test
    void malformedValuesOfEveryKeyAreNamedWithLineAndKey() {
        Map<String, List<String>> bad = Map.of(
                "version", List.of("STSv2", "stsv1", "STSV1", "STSv1 x", "", "STSv1;"),
                "mode", List.of("Enforce", "ENFORCE", "enforcing", "", "enforce testing", "test"),
                "max_age", List.of("-1", "1e3", "", "0x10", "31557601", "12345678901", "99999999999", "1 2", "+5",
                        "1.5", "\u0661"),
                "mx", List.of("", "*", "*.", "a..b", "*.*.x", "mail.example.com x", "mx_1.example.com", "-mx.example",
                        "mail.*.com", "\u00e9.example.com"));
        int checked = 0;
        for (Map.Entry<String, List<String>> entry : bad.entrySet()) {
            String key = entry.getKey();
            for (String value : entry.getValue()) {
                for (int position = 0; position < GOOD.size(); position++) {
                    List<String> lines = new ArrayList<>(GOOD);
                    lines.removeIf(l -> l.startsWith(key + ":") && !key.equals("mx"));
                    lines.add(Math.min(position, lines.size()), key + ": " + value);
                    int expectedLine = lines.indexOf(key + ": " + value) + 1;
                    assertThatThrownBy(() -> StsPolicyParser.parse(join(lines, "\r\n", true)))
                            .as(key + ": [" + value + "]").isInstanceOf(StsSyntaxException.class)
                            .satisfies(e -> {
                                StsSyntaxException s = (StsSyntaxException) e;
                                assertThat(s.key()).isEqualTo(key);
                                assertThat(s.line()).isEqualTo(expectedLine);
                            });
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(150);
    }

    @Test
    void maxAgeBounds() throws Exception {
        for (String value : List.of("0", "1", "86400", "31557600", "0031557600", "0000000000")) {
            assertThat(parseWithMaxAge(value).maxAgeSeconds()).as(value).isEqualTo(Long.parseLong(value));
        }
        assertThatThrownBy(() -> parseWithMaxAge("31557601")).hasMessageContaining("more than the maximum 31557600");
        assertThatThrownBy(() -> parseWithMaxAge("00031557600")).hasMessageContaining("1 to 10 digits");
    }

    @Test
    void eachModeWithAndWithoutMx() throws Exception {
        for (StsMode mode : StsMode.values()) {
            List<String> withMx = List.of("version: STSv1", "mode: " + mode.word(), "mx: mx.example.com",
                    "max_age: 86400");
            assertThat(StsPolicyParser.parse(join(withMx, "\n", true)).mode()).isEqualTo(mode);
            List<String> withoutMx = List.of("version: STSv1", "mode: " + mode.word(), "max_age: 86400");
            if (mode == StsMode.NONE) {
                assertThat(StsPolicyParser.parse(join(withoutMx, "\n", true)).mx()).isEmpty();
            } else {
                assertThatThrownBy(() -> StsPolicyParser.parse(join(withoutMx, "\n", true))).as(mode.word())
                        .hasMessage("key 'mx': missing (mode " + mode.word() + " needs at least one)");
            }
        }
    }

    @Test
    void unknownWellFormedFieldsAreIgnoredAndSpacingFollowsTheGrammar() throws Exception {
        List<String> lines = new ArrayList<>(GOOD);
        lines.add(2, "x-y.z_1: some value with spaces");
        lines.add(0, "comment9: \u00e9t\u00e9 UTF-8 ok");
        lines.add("mode2: whatever");
        StsPolicy policy = StsPolicyParser.parse(join(lines, "\n", true));
        assertThat(policy.mx()).hasSize(2);
        assertThat(StsPolicyParser.parse("version:STSv1\nmode:\t enforce \t\nmx:mx.example.com   \nmax_age:1\n")
                .mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(StsPolicyParser.parse(join(GOOD, "\n", true) + "\n\r\n\n").mx()).as("trailing empty lines")
                .hasSize(2);

        Map<String, String> badLines = Map.of(
                " version: STSv1", " version",
                "version : STSv1", "version ",
                "version STSv1", "",
                ": STSv1", "",
                "_ext: 1", "_ext",
                "ext:", "ext",
                "ext: a\tb", "ext",
                "ext: a\rb", "ext",
                "", "",
                "e!xt: 1", "e!xt");
        for (Map.Entry<String, String> bad : badLines.entrySet()) {
            for (int position = 0; position < GOOD.size(); position++) {
                List<String> copy = new ArrayList<>(GOOD);
                copy.add(position, bad.getKey());
                int expectedLine = position + 1;
                assertThatThrownBy(() -> StsPolicyParser.parse(join(copy, "\n", true)))
                        .as("[" + bad.getKey() + "] at line " + expectedLine).isInstanceOf(StsSyntaxException.class)
                        .satisfies(e -> {
                            StsSyntaxException s = (StsSyntaxException) e;
                            assertThat(s.line()).isEqualTo(expectedLine);
                            assertThat(s.key()).isEqualTo(bad.getValue());
                        });
            }
        }
        assertThatThrownBy(() -> StsPolicyParser.parse("")).hasMessage("key 'version': missing");
    }

    @Test
    void thePolicyKeepsItsTextAndMatchesMx() throws Exception {
        String text = join(GOOD, "\r\n", true);
        StsPolicy policy = StsPolicyParser.parse(text);
        assertThat(policy.text()).isEqualTo(text);
        assertThat(policy.allowsMx("MAIL.example.com.")).isTrue();
        assertThat(policy.allowsMx("mx1.EXAMPLE.net")).isTrue();
        assertThat(policy.allowsMx("example.net")).isFalse();
        assertThat(policy.toString()).isEqualTo("mode=enforce mx=[mail.example.com, *.example.net] max_age=604800");
    }

    private static StsPolicy parseWithMaxAge(String value) throws StsSyntaxException {
        List<String> lines = new ArrayList<>(GOOD);
        lines.set(4, "max_age: " + value);
        return StsPolicyParser.parse(join(lines, "\n", false));
    }
}

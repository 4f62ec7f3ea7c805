package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * {@link MxPattern} over generated names: wildcards at every label position, every case form, trailing dots,
 * malformed labels at every position, and the RFC 8461 section 4.1 matching rules (the wildcard is exactly one
 * whole left-most label).
 */
class MxPatternTest {
    private static final List<List<String>> DOMAINS = List.of(
            List.of("example"), List.of("example", "com"), List.of("mx", "example", "com"),
            List.of("a1", "b-2", "example", "co", "uk"));

    @Test
    void everyWellFormedNameAndWildcardParsesToItsCanonicalForm() {
        int checked = 0;
        for (List<String> labels : DOMAINS) {
            String name = String.join(".", labels);
            for (String form : caseForms(name)) {
                for (String dot : List.of("", ".")) {
                    assertThat(MxPattern.parse(form + dot).text()).as(form + dot).isEqualTo(name);
                    assertThat(MxPattern.parse(form + dot).isWildcard()).isFalse();
                    assertThat(MxPattern.parse("*." + form + dot).text()).as("*." + form + dot)
                            .isEqualTo("*." + name);
                    assertThat(MxPattern.parse("*." + form + dot).isWildcard()).isTrue();
                    checked += 2;
                }
            }
        }
        assertThat(checked).isEqualTo(DOMAINS.size() * 3 * 2 * 2);
    }

    @Test
    void aWildcardAnywhereButTheWholeLeftMostLabelIsRefused() {
        for (List<String> labels : DOMAINS) {
            for (int position = 0; position < labels.size(); position++) {
                for (String wild : List.of("*", "x*", "*x", "**")) {
                    List<String> copy = new ArrayList<>(labels);
                    copy.set(position, wild);
                    String value = String.join(".", copy);
                    if (position == 0 && wild.equals("*") && labels.size() > 1) {
                        assertThat(MxPattern.parse(value).isWildcard()).as(value).isTrue();
                    } else {
                        assertThatThrownBy(() -> MxPattern.parse(value)).as(value)
                                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(value);
                    }
                    List<String> prefixed = new ArrayList<>(labels);
                    prefixed.set(position, wild);
                    String wildcardPlusInner = "*." + String.join(".", prefixed);
                    assertThatThrownBy(() -> MxPattern.parse(wildcardPlusInner)).as(wildcardPlusInner)
                            .isInstanceOf(IllegalArgumentException.class);
                }
            }
        }
        for (String bad : List.of("*", "*.", "*..", ".", "", "*.*", "*.*.example.com")) {
            assertThatThrownBy(() -> MxPattern.parse(bad)).as("'" + bad + "'")
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void malformedLabelsAtEveryPositionAreRefused() {
        List<String> base = List.of("mx", "example", "com");
        List<String> badLabels = List.of("", "-mx", "mx-", "-", "m_x", "m x", "m/x", "m:x", "m@x", "m\tx", "mé",
                "x".repeat(64));
        for (int position = 0; position < base.size(); position++) {
            for (String bad : badLabels) {
                if (bad.isEmpty() && position == base.size() - 1) {
                    continue; // "mx.example." is the allowed trailing dot
                }
                List<String> copy = new ArrayList<>(base);
                copy.set(position, bad);
                String value = String.join(".", copy);
                assertThatThrownBy(() -> MxPattern.parse(value)).as("'" + value + "'")
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(MxPattern.parse("mx.example.com").matches(value)).isFalse();
            }
        }
        assertThat(MxPattern.parse("x".repeat(63) + ".com").text()).startsWith("xxx");
        String longName = ("a".repeat(61) + ".").repeat(4) + "com"; // 4*62 + 3 = 251
        assertThat(MxPattern.parse(longName).text()).hasSize(251);
        assertThatThrownBy(() -> MxPattern.parse("abc." + longName)).hasMessageContaining("longer than 253");
        assertThatThrownBy(() -> MxPattern.parse("mx.example.com..")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactPatternsMatchTheSameNameInEveryCaseFormWithOrWithoutTrailingDot() {
        for (List<String> labels : DOMAINS) {
            String name = String.join(".", labels);
            for (String patternForm : caseForms(name)) {
                for (String hostForm : caseForms(name)) {
                    for (String dot : List.of("", ".")) {
                        assertThat(MxPattern.parse(patternForm).matches(hostForm + dot)).as(patternForm + " ~ "
                                + hostForm + dot).isTrue();
                        assertThat(MxPattern.parse(patternForm + dot).matches(hostForm)).isTrue();
                    }
                }
            }
            assertThat(MxPattern.parse(name).matches("x." + name)).isFalse();
            assertThat(MxPattern.parse(name).matches("x" + name)).isFalse();
            assertThat(MxPattern.parse(name).matches(name + ".x")).isFalse();
        }
    }

    @Test
    void aWildcardMatchesExactlyOneWholeLeftMostLabel() {
        MxPattern pattern = MxPattern.parse("*.Example.COM");
        for (String form : caseForms("mx.example.com")) {
            assertThat(pattern.matches(form)).as(form).isTrue();
            assertThat(pattern.matches(form + ".")).as(form + ".").isTrue();
        }
        for (String label : List.of("a", "mx1", "x-y", "0")) {
            assertThat(pattern.matches(label + ".example.com")).as(label).isTrue();
            assertThat(pattern.matches("b." + label + ".example.com")).as("two labels").isFalse();
        }
        for (String host : List.of("example.com", "example.com.", ".example.com", "xexample.com", "mx.example.co",
                "mx.example.com.evil", "mx.example.com..", "*.example.com", "mx.sub.example.com", "", "com")) {
            assertThat(pattern.matches(host)).as("'" + host + "'").isFalse();
        }
        assertThat(pattern.matches(null)).isFalse();
    }

    @Test
    void certificateNamesMatchPatternsAsReferenceIdentities() {
        MxPattern exact = MxPattern.parse("mx.example.com");
        MxPattern wild = MxPattern.parse("*.example.com");
        for (String form : caseForms("mx.example.com")) {
            assertThat(exact.matchesCertificateName(form)).as(form).isTrue();
            assertThat(wild.matchesCertificateName(form)).as(form).isTrue();
        }
        for (String form : caseForms("*.example.com")) {
            assertThat(exact.matchesCertificateName(form)).as("cert wildcard covers the exact pattern").isTrue();
            assertThat(wild.matchesCertificateName(form)).as("same wildcard").isTrue();
        }
        for (String cert : List.of("example.com", "a.mx.example.com", "*.mx.example.com", "*.com", "*",
                "mx.example.net", "*.example.com.evil", "")) {
            assertThat(exact.matchesCertificateName(cert)).as("exact vs '" + cert + "'").isFalse();
            assertThat(wild.matchesCertificateName(cert)).as("wild vs '" + cert + "'").isFalse();
        }
        for (String partial : List.of("m*.example.com", "*x.example.com")) {
            // the shared rule reads a partial wildcard as a literal label: never equal to an exact name, and one
            // label below the domain of a wildcard pattern (every name it could cover is inside the pattern)
            assertThat(exact.matchesCertificateName(partial)).as(partial).isFalse();
            assertThat(wild.matchesCertificateName(partial)).as(partial).isTrue();
        }
        assertThat(MxPattern.parse("*.mx.example.com").matchesCertificateName("*.example.com")).isFalse();
        assertThat(MxPattern.parse("example.com").matchesCertificateName("*.com")).as("no wildcard over a TLD")
                .isFalse();
        assertThat(MxPattern.parse("mx.example.com").matchesCertificateName("mx.example.com.")).isTrue();
    }

    static List<String> caseForms(String name) {
        StringBuilder mixed = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            mixed.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
        }
        return List.of(name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT), mixed.toString());
    }
}

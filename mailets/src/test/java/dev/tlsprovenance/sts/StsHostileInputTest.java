package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Malformed input of every shape, generated from a fixed seed: the parsers either accept or throw their syntax
 * exception (never another exception), in bounded time; and the media-type rule of the fetcher.
 */
class StsHostileInputTest {
    private static final String ALPHABET = "vV=STSv1;: \t\r\n*.-_idmodenforcetestingnonemxmax_age0123456789"
            + "\u0000\u007f\u00e9\ud83d\ude00\"\\/%";

    @Test
    void randomInputNeverThrowsAnythingButTheSyntaxException() {
        Random random = new Random(8461);
        long start = System.nanoTime();
        for (int i = 0; i < 5_000; i++) {
            String input = randomString(random, random.nextInt(120));
            try {
                StsPolicy policy = StsPolicyParser.parse(input);
                assertThat(policy.text()).isEqualTo(input);
            } catch (StsSyntaxException expected) {
                assertThat(expected.getMessage()).isNotEmpty();
            }
            try {
                StsTxtRecord.parse(input);
            } catch (StsSyntaxException expected) {
                assertThat(expected.getMessage()).isNotEmpty();
            }
            StsTxtRecord.select(List.of(input, "v=STSv1;" + input));
            try {
                MxPattern.parse(input);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).contains("not an MX pattern");
            }
            assertThat(MxPattern.parse("*.example.com").matches(input)).isIn(true, false);
            assertThat(MxPattern.parse("*.example.com").matchesCertificateName(input)).isIn(true, false);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms for 5,000 inputs (generous: a busy machine)")
                .isLessThan(30_000);
    }

    @Test
    void mutationsOfAValidPolicyAtEveryPositionParseOrFailWithALineNumberInRange() {
        String good = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 86400\r\n";
        int lines = 4;
        for (int position = 0; position < good.length(); position++) {
            for (String insert : List.of("", " ", "\t", ":", "\r", "\n", "\u0000", "*", ";", "x")) {
                String mutated = good.substring(0, position) + insert + good.substring(position + 1);
                try {
                    StsPolicyParser.parse(mutated);
                } catch (StsSyntaxException e) {
                    assertThat(e.line()).as(mutated).isBetween(0, lines + 2);
                }
            }
        }
    }

    @Test
    void onlyTextPlainIsAPolicyMediaType() {
        for (String ok : List.of("text/plain", "TEXT/PLAIN", "Text/Plain", "text/plain; charset=utf-8",
                "text/plain;charset=us-ascii", " text/plain ", "text/plain ; format=flowed", "text/plain;")) {
            assertThat(StsPolicyFetcher.isTextPlain(ok)).as("[" + ok + "]").isTrue();
        }
        for (String bad : List.of("", "text/html", "text/plain2", "text/plainx; charset=utf-8", "text/*", "*/*",
                "application/octet-stream", "text", "plain", "text / plain", "text/html; x=text/plain",
                "application/json")) {
            assertThat(StsPolicyFetcher.isTextPlain(bad)).as("[" + bad + "]").isFalse();
        }
    }

    private static String randomString(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}

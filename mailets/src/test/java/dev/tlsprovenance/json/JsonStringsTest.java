package dev.tlsprovenance.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonStringsTest {
    private static String json(String value) {
        StringBuilder out = new StringBuilder();
        JsonStrings.append(out, value);
        return out.toString();
    }

    @Test
    void controlCharactersBackslashesAndLoneSurrogatesAreEscaped() {
        assertThat(json("a\u0001\n\\\ud800")).isEqualTo("\"a\\u0001\\n\\\\\\ud800\"");
    }

    @Test
    void pairedSurrogatesAndQuotesStayReadable() {
        assertThat(json("say \"\ud83d\udd12\"\u2028")).isEqualTo("\"say \\\"\ud83d\udd12\\\"\\u2028\"");
    }

    @Test
    void nullIsTheJsonNull() {
        assertThat(json(null)).isEqualTo("null");
    }
}

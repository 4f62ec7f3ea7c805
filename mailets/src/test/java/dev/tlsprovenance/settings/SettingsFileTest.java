package dev.tlsprovenance.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsFileTest {
    private static final List<String> KEYS = List.of("a.one", "a.two", "a.three");

    @TempDir
    Path dir;

    /** Good lines, each with the value it must give for a.one. */
    private static final String[][] GOOD = {
        {"a.one=x", "x"}, {"a.one = x", "x"}, {"  a.one=x  ", "x"}, {"a.one: x", "x"}, {"a.one:x=y", "x=y"},
        {"a.one=x:y", "x:y"}, {"a.one=", ""}, {"a.one=127.0.0.1:53", "127.0.0.1:53"}, {"a.one=[::1]:53", "[::1]:53"},
    };

    /** Bad lines, each with what the message must say after "f.properties:N: ". */
    private static final String[][] BAD = {
        {"a.four=x", "unknown key 'a.four' (expected one of a.one, a.two, a.three)"},
        {"A.ONE=x", "unknown key 'A.ONE' (expected one of a.one, a.two, a.three)"},
        {"just words", "expected key=value, got 'just words'"},
        {"=x", "expected key=value, got '=x'"},
        {":x", "expected key=value, got ':x'"},
    };

    @Test
    void everyGoodFormAtEveryPositionReadsItsValue() throws Exception {
        for (String[] good : GOOD) {
            for (int position = 0; position < 3; position++) {
                List<String> lines = filler(position);
                lines.add(position, good[0]);
                SettingsFile file = SettingsFile.parse("f.properties", lines, KEYS);
                SettingsFile.Setting setting = file.get("a.one").orElseThrow();
                assertThat(setting.value()).as(good[0] + " at " + position).isEqualTo(good[1]);
                assertThat(setting.where()).as(good[0] + " at " + position).isEqualTo("f.properties:" + (position + 1));
                assertThat(file.get("a.three")).isEmpty();
            }
        }
    }

    @Test
    void everyBadFormAtEveryPositionIsNamedByItsLine() {
        for (String[] bad : BAD) {
            for (int position = 0; position < 3; position++) {
                List<String> lines = filler(position);
                lines.add(position, bad[0]);
                int line = position + 1;
                assertThatThrownBy(() -> SettingsFile.parse("f.properties", lines, KEYS)).as(bad[0] + " at " + position)
                    .isInstanceOf(SettingsFile.Invalid.class).hasMessage("f.properties:" + line + ": " + bad[1]);
            }
        }
    }

    @Test
    void aRepeatedKeyNamesBothLinesWhereverTheyAre() {
        for (int first = 0; first < 4; first++) {
            for (int second = first + 1; second < 5; second++) {
                List<String> lines = new ArrayList<>(List.of("# c", "", "! c", "a.two=1", "# c"));
                lines.set(first, "a.one=1");
                lines.set(second, "a.one: 2");
                if (first == 3 || second == 3) {
                    lines.add("a.two=1");
                }
                int f = first + 1;
                int s = second + 1;
                assertThatThrownBy(() -> SettingsFile.parse("f.properties", lines, KEYS)).as(first + "," + second)
                    .hasMessage("f.properties:" + s + ": a.one is already set at f.properties:" + f);
            }
        }
    }

    @Test
    void aValueThatCannotBeUsedNamesLineAndKey() throws Exception {
        SettingsFile file = SettingsFile.parse("f.properties", List.of("# c", "a.two=ten", "a.three=-1"), KEYS);
        assertThatThrownBy(() -> file.value("a.two", 0, Integer::parseInt))
            .hasMessage("f.properties:2: a.two: 'ten' is not a number");
        assertThatThrownBy(() -> file.get("a.three").get().apply(() -> {
            throw new IllegalArgumentException("must be positive");
        })).hasMessage("f.properties:3: a.three: must be positive");
        assertThat(file.value("a.one", 7, Integer::parseInt)).isEqualTo(7);
    }

    @Test
    void anUnreadableFileIsNamed() throws Exception {
        Path missing = dir.resolve("none.properties");
        assertThatThrownBy(() -> SettingsFile.read(missing, KEYS)).isInstanceOf(SettingsFile.Invalid.class)
            .hasMessageStartingWith(missing + ": cannot be read: ");
        Path file = dir.resolve("ok.properties");
        Files.writeString(file, "a.two=2\n");
        assertThat(SettingsFile.read(file, KEYS).name()).isEqualTo("ok.properties");
    }

    private static List<String> filler(int position) {
        List<String> lines = new ArrayList<>(List.of("# comment", "", "! also a comment"));
        return new ArrayList<>(lines.subList(0, Math.min(position, 3)));
    }
}

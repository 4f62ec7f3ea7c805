package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link StsTxtRecord} over generated records: every delimiter form, id length and character, bad field forms. */
class StsTxtRecordTest {
    private static final List<String> WSP = List.of("", " ", "\t", "  \t ");

    @Test
    void everyDelimiterSpacingWithAndWithoutTrailingSemicolonParses() throws Exception {
        int checked = 0;
        for (String before : WSP) {
            for (String after : WSP) {
                for (boolean trailing : List.of(true, false)) {
                    String d = before + ";" + after;
                    String record = "v=STSv1" + d + "id=20160831085700Z" + (trailing ? before + ";" + after : "");
                    if (!trailing || after.isEmpty()) {
                        assertThat(StsTxtRecord.parse(record).id()).as("[" + record + "]")
                                .isEqualTo("20160831085700Z");
                    } else {
                        assertThat(StsTxtRecord.parse(record).id()).as("trailing ; and white space").isEqualTo(
                                "20160831085700Z");
                    }
                    String withExtensions = "v=STSv1" + d + "ext1=a!b" + d + "id=abc" + d + "x_y-z.1=%41";
                    StsTxtRecord parsed = StsTxtRecord.parse(withExtensions);
                    assertThat(parsed.id()).isEqualTo("abc");
                    assertThat(parsed.extensions()).isEqualTo(Map.of("ext1", "a!b", "x_y-z.1", "%41"));
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(WSP.size() * WSP.size() * 2);
    }

    @Test
    void idLengthsOneToThirtyTwoAreAcceptedOthersRefused() throws Exception {
        for (int length = 0; length <= 40; length++) {
            String id = "a1B2c3D4e5".repeat(4).substring(0, length);
            String record = "v=STSv1; id=" + id + ";";
            if (length >= 1 && length <= 32) {
                assertThat(StsTxtRecord.parse(record).id()).isEqualTo(id);
            } else {
                assertThatThrownBy(() -> StsTxtRecord.parse(record)).as("length " + length)
                        .isInstanceOf(StsSyntaxException.class).hasMessageContaining("'id'");
            }
        }
    }

    @Test
    void aBadCharacterAtEveryPositionOfTheIdIsRefused() {
        String id = "0123456789";
        for (int position = 0; position < id.length(); position++) {
            for (char bad : new char[] {'-', '_', '.', '=', '!', '/', '\u00e9', '\u0000', '\u007f', '"'}) {
                String mutated = id.substring(0, position) + bad + id.substring(position + 1);
                assertThatThrownBy(() -> StsTxtRecord.parse("v=STSv1; id=" + mutated))
                        .as(mutated).isInstanceOf(StsSyntaxException.class)
                        .satisfies(e -> assertThat(((StsSyntaxException) e).key()).isIn("id", ""));
            }
        }
    }

    @Test
    void theVersionFieldMustOpenTheRecordExactly() {
        for (String version : List.of("V=STSv1", "v=stsv1", "v=STSV1", "v=STSv2", " v=STSv1", "v =STSv1", "v= STSv1",
                "v=STSv1x", "id=abc; v=STSv1", "")) {
            String record = version + "; id=abc;";
            assertThatThrownBy(() -> StsTxtRecord.parse(record)).as(record).isInstanceOf(StsSyntaxException.class);
            assertThat(StsTxtRecord.select(List.of(record)).record()).as(record).isEmpty();
        }
    }

    @Test
    void malformedFieldsAreRefusedWithTheirKey() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("v=STSv1;", ""),
                Map.entry("v=STSv1", "id"),
                Map.entry("v=STSv1; ID=abc", "id"),
                Map.entry("v=STSv1; id=abc; id=abc", "id"),
                Map.entry("v=STSv1; id=abc;; ext=1", ""),
                Map.entry("v=STSv1;; id=abc", ""),
                Map.entry("v=STSv1; id=abc ", ""),
                Map.entry("v=STSv1; id = abc", "id "),
                Map.entry("v=STSv1; id=abc; ext", ""),
                Map.entry("v=STSv1; id=abc; ext=", "ext"),
                Map.entry("v=STSv1; id=abc; ext=a=b", "ext"),
                Map.entry("v=STSv1; id=abc; ext=a b", "ext"),
                Map.entry("v=STSv1; id=abc; _ext=1", "_ext"),
                Map.entry("v=STSv1; id=abc; e!xt=1", "e!xt"),
                Map.entry("v=STSv1; id=abc; " + "e".repeat(33) + "=1", "e".repeat(33)),
                Map.entry("v=STSv1; id=abc; ext=\u00e9", "ext"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThatThrownBy(() -> StsTxtRecord.parse(c.getKey())).as("[" + c.getKey() + "]")
                    .isInstanceOf(StsSyntaxException.class)
                    .satisfies(e -> assertThat(((StsSyntaxException) e).key()).as(c.getKey()).isEqualTo(c.getValue()));
        }
    }

    @Test
    void selectionNeedsExactlyOneValidStsRecordAmongTheTxtRecords() {
        String good = "v=STSv1; id=20240101;";
        List<String> others = List.of("v=spf1 -all", "google-site-verification=abc", "v=STSv10; id=x", "");
        assertThat(StsTxtRecord.select(List.of()).reason()).contains("no TXT record");
        assertThat(StsTxtRecord.select(others).record()).isEmpty();
        for (int position = 0; position <= others.size(); position++) {
            List<String> records = new ArrayList<>(others);
            records.add(position, good);
            assertThat(StsTxtRecord.select(records).record()).as("at " + position).get()
                    .extracting(StsTxtRecord::id).isEqualTo("20240101");
            List<String> two = new ArrayList<>(records);
            two.add(position, "v=STSv1; id=other;");
            assertThat(StsTxtRecord.select(two).record()).as("two records").isEmpty();
            assertThat(StsTxtRecord.select(two).reason()).contains("2 TXT records");
            List<String> same = new ArrayList<>(records);
            same.add(position, good);
            assertThat(StsTxtRecord.select(same).record()).as("the same record twice is still two").isEmpty();
        }
        assertThat(StsTxtRecord.select(List.of("v=STSv1; id=bad-id")).reason()).startsWith("invalid TXT record");
        assertThat(StsTxtRecord.select(List.of("v=STSv1 ; id=abc")).record()).as("white space before ;").isPresent();
    }
}

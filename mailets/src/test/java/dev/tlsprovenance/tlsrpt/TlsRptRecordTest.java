package dev.tlsprovenance.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class TlsRptRecordTest {
    private static final String MAILTO = "mailto:tlsrpt@partner.test";
    private static final String HTTPS = "https://reports.partner.test/v1/tlsrpt";

    @Test
    void theRfcExamplesRead() {
        assertThat(uris("v=TLSRPTv1; rua=mailto:reports@example.com")).containsExactly("mailto:reports@example.com");
        assertThat(uris("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"))
            .containsExactly("https://reporting.example.com/v1/tlsrpt");
        assertThat(uris("v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt"))
            .containsExactly("mailto:reports@example.com", "https://reporting.example.com/v1/tlsrpt");
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:reports@example.com").get().destinations().get(0).mailbox())
            .isEqualTo("reports@example.com");
    }

    /** Every placement of optional white space, extensions before/after rua, and the optional trailing delimiter. */
    @Test
    void everyGrammaticalVariantReads() {
        List<String> spaces = List.of("", " ", "\t", "  \t ");
        List<String> extensions = List.of("", "ext=1", "x_y-z.w=a:b/c<d>", "A0123456789012345678901234567890=v");
        int count = 0;
        for (String before : spaces) {
            for (String after : spaces) {
                for (String extension : extensions) {
                    for (boolean extensionFirst : List.of(true, false)) {
                        for (boolean trailing : List.of(true, false)) {
                            for (String comma : List.of(",", " , ", "\t,")) {
                                String delimiter = before + ";" + after;
                                String rua = "rua=" + MAILTO + comma + HTTPS;
                                List<String> fields = new ArrayList<>();
                                if (!extension.isEmpty() && extensionFirst) {
                                    fields.add(extension);
                                }
                                fields.add(rua);
                                if (!extension.isEmpty() && !extensionFirst) {
                                    fields.add(extension);
                                }
                                String record = "v=TLSRPTv1" + delimiter + String.join(delimiter, fields) + (trailing ? delimiter : "");
                                assertThat(uris(record)).as(record).containsExactly(MAILTO, HTTPS);
                                count++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(count).isEqualTo(4 * 4 * 4 * 2 * 2 * 3);
    }

    /** Outside the grammar, at every position: a record that does not follow it is no record. */
    @Test
    void everyMalformedVariantIsNone() {
        String good = "v=TLSRPTv1; rua=" + MAILTO + "; ext=1";
        List<String> bad = new ArrayList<>();
        bad.add("V=TLSRPTv1; rua=" + MAILTO);          // %s: case-sensitive
        bad.add("v=tlsrptv1; rua=" + MAILTO);
        bad.add("v=TLSRPTv2; rua=" + MAILTO);
        bad.add(" v=TLSRPTv1; rua=" + MAILTO);         // nothing before the version
        bad.add("v=TLSRPTv1");                          // no field at all
        bad.add("v=TLSRPTv1;");
        bad.add("v=TLSRPTv1; ext=1");                   // no rua
        bad.add("v=TLSRPTv1; rua=" + MAILTO + "; rua=" + HTTPS); // rua twice
        bad.add("v=TLSRPTv1;; rua=" + MAILTO);          // empty field
        bad.add("v=TLSRPTv1; rua=");                    // empty rua
        bad.add("v=TLSRPTv1; rua=" + MAILTO + ",");     // dangling comma
        bad.add("v=TLSRPTv1; rua=,"+ MAILTO);
        bad.add("v=TLSRPTv1; rua=reports@partner.test"); // not a URI
        bad.add("v=TLSRPTv1; rua=" + MAILTO + "; ext=");      // empty extension value
        bad.add("v=TLSRPTv1; rua=" + MAILTO + "; -ext=1");    // name starts with a letter or digit
        bad.add("v=TLSRPTv1; rua=" + MAILTO + "; e" + "x".repeat(32) + "=1"); // name longer than 32
        bad.add("v=TLSRPTv1; rua=ftp://reports.partner.test/"); // no usable destination
        bad.add("v=TLSRPTv1; rua=mailto:"); 
        bad.add("v=TLSRPTv1; rua=https:///path");
        // a character outside the grammar at every position after the version; "=" is a URI character, so inside
        // the rua URI it is not outside the grammar
        int uriStart = good.indexOf("mailto:");
        int uriEnd = uriStart + MAILTO.length();
        for (int i = "v=TLSRPTv1".length(); i <= good.length(); i++) {
            for (String intruder : List.of("\u0000", "\r\n", "\u00e9", "=", ";;", " x")) {
                boolean insideUri = i > uriStart && i <= uriEnd;
                if (intruder.equals("=") && insideUri || intruder.equals(" x") && !insideUri) {
                    continue;
                }
                bad.add(good.substring(0, i) + intruder + good.substring(i));
            }
        }
        for (String record : bad) {
            assertThat(TlsRptRecord.parse(record)).as("[%s]", record.replace("\u0000", "\\0")).isEmpty();
        }
    }

    /** Random records from the grammar's own characters and a few others: never an exception, always quick. */
    @Test
    void randomInputNeverThrows() {
        java.util.Random random = new java.util.Random(8460);
        String alphabet = "v=TLSRPTv1;rua:mailto@https/,% \t\"\\\u0000\u00e9\ud800x.-_";
        long started = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder record = new StringBuilder(random.nextBoolean() ? "v=TLSRPTv1; rua=" : "");
            int length = random.nextInt(80);
            for (int j = 0; j < length; j++) {
                record.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Optional<TlsRptRecord> read = TlsRptRecord.parse(record.toString());
            read.ifPresent(r -> assertThat(r.destinations()).isNotEmpty());
            TlsRptRecord.select(List.of(record.toString(), record.toString()));
        }
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@b.test" + ", mailto:a@b.test".repeat(20_000))).isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void unknownSchemesAreIgnoredAndDuplicatesCountOnce() {
        assertThat(uris("v=TLSRPTv1; rua=ftp://x.test/,mailto:a@partner.test,mailto:a@partner.test"))
            .containsExactly("mailto:a@partner.test");
    }

    @Test
    void exactlyOneRecordWithTheVersionMustRemain() throws IOException {
        String record = "v=TLSRPTv1; rua=" + MAILTO;
        assertThat(TlsRptRecord.select(List.of(record, "v=spf1 -all", "google-site-verification=x"))).isPresent();
        assertThat(TlsRptRecord.select(List.of(record, "v=TLSRPTv1; rua=" + HTTPS))).isEmpty();
        assertThat(TlsRptRecord.select(List.of(record, "v=TLSRPTv1 ; rua=bad"))).isEmpty();
        assertThat(TlsRptRecord.select(List.of())).isEmpty();
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv10; rua=" + HTTPS, record))).isPresent();
        List<String> asked = new ArrayList<>();
        TxtLookup dns = name -> {
            asked.add(name);
            return List.of(record);
        };
        assertThat(TlsRptRecord.lookup(dns, "partner.test").map(r -> r.destinations().get(0).mailbox()))
            .contains("tlsrpt@partner.test");
        assertThat(asked).containsExactly("_smtp._tls.partner.test");
    }

    @Test
    void percentEncodedMailtoIsDecoded() {
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tls%2Drpt@partner.test?subject=x").get().destinations().get(0)
            .mailbox()).isEqualTo("tls-rpt@partner.test");
        // an encoded comma would be two addresses in one URI: not one mailbox
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@partner.test%2Cb@partner.test")).isEmpty();
    }

    private static List<String> uris(String record) {
        return TlsRptRecord.parse(record).map(r -> r.destinations().stream().map(Object::toString).collect(Collectors.toList()))
            .orElse(List.of());
    }
}

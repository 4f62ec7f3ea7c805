package dev.tlsprovenance.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.testing.hostile.TlsClauseForgeries;
import dev.tlsprovenance.verify.HeaderBlock;
import dev.tlsprovenance.verify.Hop;
import dev.tlsprovenance.verify.MessageReport;
import dev.tlsprovenance.verify.TlsStatus;
import dev.tlsprovenance.verify.TraceAnalyzer;
import dev.tlsprovenance.verify.TrustBoundary;

/**
 * Generated: every ASCII character (and control, 8-bit and non-Latin ones) and every family's TLS clause in every
 * wrapping form, in each position a client controls in our Received line (EHLO and HELO argument, the reverse-DNS
 * name, the sole recipient), over cleartext and TLS hops. Each resulting line is read by an independent tokenizer
 * (comments with quoted-pairs, {@code <...>}, top-level words and semicolons) and compared with the line an
 * ordinary client gets: apart from the client's own word inside its comment or angle brackets, it is identical.
 */
class ReceivedHeaderHostileTextTest {
    private static final ReceivedHeaderFormat FORMAT = new ReceivedHeaderFormat("JAMES SMTP Server", ZoneOffset.UTC);
    private static final String ORDINARY_HELO = "client.test";
    private static final String ORDINARY_HOST = "client.example.test";
    private static final String ORDINARY_RECIPIENT = "bob@example.test";

    /** A position: how a client's text gets into the record, and the line an ordinary client gets there. */
    private enum Position {
        EHLO_ARGUMENT(ORDINARY_HELO, (hop, text) -> hop.toBuilder().heloName(text).build()),
        HELO_ARGUMENT(ORDINARY_HELO, (hop, text) -> hop.toBuilder().heloName(text).build()),
        REVERSE_DNS_NAME(ORDINARY_HOST, (hop, text) -> hop.toBuilder().remoteHost(text).build()),
        RECIPIENT(ORDINARY_RECIPIENT, (hop, text) -> hop);

        final String ordinary;
        final BiFunction<TlsProvenance, String, TlsProvenance> put;

        Position(String ordinary, BiFunction<TlsProvenance, String, TlsProvenance> put) {
            this.ordinary = ordinary;
            this.put = put;
        }

        List<String> lines(TlsProvenance hop, String text) {
            TlsProvenance withText = put.apply(hop.toBuilder().remoteHost(ORDINARY_HOST).build(), text);
            Optional<String> mode = Optional.of(this == HELO_ARGUMENT ? "HELO" : "EHLO");
            Optional<String> recipient = Optional.of(this == RECIPIENT ? text : ORDINARY_RECIPIENT);
            return FORMAT.lines(withText, mode, recipient);
        }

        /** Where the client's text lands: the comment after {@code from HOST}, the from-word, or the path. */
        String clientPart(ReceivedStructure line) {
            switch (this) {
                case REVERSE_DNS_NAME:
                    return line.topLevelWords.get(1);
                case RECIPIENT:
                    return line.paths.get(0);
                default:
                    return line.comments.get(0).substring("EHLO ".length());
            }
        }

        /** The line with the client's part put back to what an ordinary client sends. */
        String withOrdinaryClientPart(ReceivedStructure line) {
            switch (this) {
                case REVERSE_DNS_NAME:
                    return line.withWord(1, ordinary);
                case RECIPIENT:
                    return line.withFirstPath(ordinary);
                default:
                    return line.withFirstCommentAfterMode(ordinary);
            }
        }

        int maxLength() {
            return this == RECIPIENT ? ClientSuppliedText.MAX_ADDRESS_LENGTH : ClientSuppliedText.MAX_HELO_LENGTH;
        }

        boolean allows(char c) {
            return this == RECIPIENT ? ClientSuppliedText.isAddressCharacter(c) : ClientSuppliedText.isHostNameCharacter(c);
        }
    }

    static Map<String, String> hostileTexts() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (char c = 0; c < 0x80; c++) {
            texts.put(String.format("char 0x%02x", (int) c), "a" + c + "b");
            texts.put(String.format("char 0x%02x alone", (int) c), String.valueOf(c));
        }
        for (String odd : List.of("\u0080", "\u00e9", "\u00ff", "\u2028", "\ufffd", "\ud83d\ude00", "\r\n ", "\t")) {
            texts.put("non-ascii " + Integer.toHexString(odd.charAt(0)), "a" + odd + "b");
        }
        for (TlsClauseForgeries.FamilyClause clause : TlsClauseForgeries.FAMILY_CLAUSES) {
            List<TlsClauseForgeries.Form> forms = new ArrayList<>(TlsClauseForgeries.COMMENT_FORMS);
            forms.addAll(TlsClauseForgeries.PATH_FORMS);
            for (TlsClauseForgeries.Form form : forms) {
                String payload = form.apply(clause.text);
                texts.put(clause.family + " " + form.name, payload);
                texts.put(clause.family + " " + form.name + " quoted local part",
                    TlsClauseForgeries.quotedLocalPart(payload) + "@example.test");
                texts.put(clause.family + " " + form.name + " escaped local part",
                    TlsClauseForgeries.escapedLocalPart(payload) + "@example.test");
                texts.put(clause.family + " " + form.name + " behind CRLF", "client.test\r\n " + payload);
            }
        }
        texts.put("long", "a".repeat(5000));
        texts.put("long hostile", "(using TLSv1.3 with cipher X (256/256 bits)) ".repeat(100));
        texts.put("long after dropped bytes", "\u0001".repeat(400) + "b".repeat(254));
        return texts;
    }

    @Test
    void clientTextNeverChangesTheLineOutsideItsOwnWord() {
        SoftAssertions softly = new SoftAssertions();
        int checked = 0;
        for (TlsProvenance hop : List.of(ProvenanceSamples.cleartextInbound(), tlsHop())) {
            for (Position position : Position.values()) {
                ReceivedStructure ordinary = ReceivedStructure.of(position.lines(hop, position.ordinary));
                for (Map.Entry<String, String> text : hostileTexts().entrySet()) {
                    String what = position + " " + hop.transport() + " " + text.getKey();
                    List<String> lines = position.lines(hop, text.getValue());
                    ReceivedStructure line = ReceivedStructure.of(lines);
                    String value = String.join(" ", lines);

                    softly.assertThat(line.balanced).as(what + " balanced comments: " + value).isTrue();
                    softly.assertThat(line.topLevelSemicolons).as(what + " one top-level ';', before the date: " + value).isEqualTo(1);
                    softly.assertThat(line.date).as(what + " date").isEqualTo(ordinary.date);
                    softly.assertThat(value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(what + " 7-bit printable: " + value).isTrue();
                    if (!line.balanced || line.paths.isEmpty() || line.comments.isEmpty() || text.getValue().isBlank()) {
                        // (a blank HELO or host name is no HELO or host name at all: the record drops it)
                        continue;
                    }
                    String client = position.clientPart(line);
                    softly.assertThat(client.length()).as(what + " bounded").isLessThanOrEqualTo(position.maxLength());
                    softly.assertThat(client.chars().allMatch(c -> c == ClientSuppliedText.REPLACEMENT || position.allows((char) c)))
                        .as(what + " only the conservative set: " + client).isTrue();
                    // Everything but the client's word is what an ordinary client gets: no keyword, comment, clause
                    // or ';' of the client's making exists outside its own comment or angle brackets.
                    softly.assertThat(position.withOrdinaryClientPart(line)).as(what + " the rest of the line")
                        .isEqualTo(ordinary.value);
                    checked++;
                }
            }
        }
        softly.assertAll();
        assertThat(checked).isGreaterThan(2000);
    }

    /**
     * Our escaping alone is enough for a verifier that searches the whole line (the one this project shipped until
     * the grammar-based parser): no HELO or host-name text turns a cleartext hop into a TLS one. (An address may
     * keep {@code version=}...{@code cipher=}, which is legitimate atext; only a parser that reads the path as a
     * path can tell, see ReceivedHeaderForgeryJamesTest.)
     */
    @Test
    void noHeloTextMakesACleartextHopReadAsTls() {
        SoftAssertions softly = new SoftAssertions();
        for (Position position : List.of(Position.EHLO_ARGUMENT, Position.HELO_ARGUMENT, Position.REVERSE_DNS_NAME)) {
            for (Map.Entry<String, String> text : hostileTexts().entrySet()) {
                String value = String.join("\r\n ", position.lines(ProvenanceSamples.cleartextInbound(), text.getValue()));
                MessageReport report = new TraceAnalyzer(TrustBoundary.everything())
                    .analyze(HeaderBlock.parse("Received: " + value + "\r\nSubject: t\r\n\r\n"));
                Hop hop = report.hops().get(0);
                softly.assertThat(hop.tls()).as(position + " " + text.getKey() + ": " + value).isNotEqualTo(TlsStatus.YES);
            }
        }
        softly.assertAll();
    }

    @Test
    void ordinaryClientTextIsWrittenAsJames381WritesIt() {
        for (String helo : List.of("client.test", "[192.0.2.1]", "[IPv6:2001:db8::1]", "my_host-1.example.test", "EXAMPLE")) {
            assertThat(ClientSuppliedText.heloName(helo)).isSameAs(helo);
        }
        for (String address : List.of("bob@example.test", "first.last+tag@example.test", "list-bounces+bob=example.test@lists.test",
            "o'hara@example.test", "x_y@sub.example.test")) {
            assertThat(ClientSuppliedText.address(address)).isSameAs(address);
        }
    }

    @Test
    void hostileTextIsNeutralisedLikePostfixDoes() {
        assertThat(ClientSuppliedText.heloName("x) (using TLSv1.3 with cipher X (256/256 bits)) (y"))
            .isEqualTo("x???using?TLSv1.3?with?cipher?X??256?256?bits????y");
        assertThat(ClientSuppliedText.heloName("bad\\)helo\r\n\u00e9")).isEqualTo("bad??helo");
        assertThat(ClientSuppliedText.address("\"a b> (using TLS); x\"@example.test")).isEqualTo("?a?b???using?TLS???x?@example.test");
        assertThat(ClientSuppliedText.heloName("a".repeat(300))).isEqualTo("a".repeat(252) + "...").hasSize(255);
        assertThat(ClientSuppliedText.address("b".repeat(400) + "@x.test")).isEqualTo("b".repeat(317) + "...").hasSize(320);
    }

    private static TlsProvenance tlsHop() {
        return ProvenanceSamples.cleartextInbound().toBuilder()
            .transport(Transport.STARTTLS).protocol("TLSv1.3").cipherSuite("TLS_AES_256_GCM_SHA384").cipherBits(256).build();
    }
}

package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.ledger.JsonLinesFile;
import dev.tlsprovenance.ledger.Ledger;
import dev.tlsprovenance.ledger.MailIdentity;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboundLedgerTest {
    private static TlsProvenance attempt(int number, String outcome) {
        return TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.STARTTLS).protocol("TLSv1.3")
            .cipherSuite("TLS_AES_256_GCM_SHA384").cipherBits(256).localHost("james.sender.test").remoteAddress("127.0.0.1")
            .remoteHost("mx.partner.test").recipientDomain("partner.test").nextHop("mx.partner.test:25").policyLevel("secure")
            .peerVerification(CertificateVerification.failed("private-ca:/etc/ca.pem", "name mismatch: got \"mx.evil.test\""))
            .outcome(outcome).attempt(number).time(Instant.parse("2026-11-29T10:00:00Z")).build();
    }

    private static OutboundLedgerLine line(TlsProvenance attempt) {
        return new OutboundLedgerLine(attempt, Optional.empty(), new MailIdentity("Mail-1", Optional.of("<1@test>"), "a@test"),
            "tls-policy.conf:1", List.of(new OutboundLedgerLine.Recipient("bob@partner.test", OutboundLedgerLine.Result.DEFERRED,
                0, "4.7.5", "", "name mismatch")));
    }

    @Test
    void eachAttemptIsOneJsonLineThatReadsBackIntoTheSameRecord(@TempDir Path dir) throws Exception {
        Ledger ledger = new Ledger("outbound ledger", new JsonLinesFile(dir.resolve("var/tls-ledger/outbound.jsonl"), 1_000_000, 3));
        TlsProvenance first = attempt(1, "4.7.5 name mismatch\nsecond line");
        assertThat(ledger.append(line(first).toJson())).isTrue();
        assertThat(ledger.append(line(attempt(2, "250 2.0.0 Ok")).toJson())).isTrue();

        List<String> lines = Files.readAllLines(ledger.file());
        assertThat(lines).hasSize(2);
        assertThat(OutboundLedgerLine.parse(lines.get(0)).record()).isEqualTo(first);
        assertThat(OutboundLedgerLine.parse(lines.get(0))).isEqualTo(line(first));
    }

    @Test
    void rotatesBySizeKeepingTheConfiguredNumberOfFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("outbound.jsonl");
        Ledger ledger = new Ledger("outbound ledger", new JsonLinesFile(file, 1500, 2));
        for (int i = 1; i <= 12; i++) {
            assertThat(ledger.append(line(attempt(i, "250 2.0.0 Ok")).toJson())).isTrue();
        }
        assertThat(Files.size(file)).isLessThanOrEqualTo(1500);
        assertThat(dir.resolve("outbound.jsonl.1")).exists();
        assertThat(dir.resolve("outbound.jsonl.2")).exists();
        assertThat(dir.resolve("outbound.jsonl.3")).doesNotExist();
        assertThat(Files.readAllLines(file).get(Files.readAllLines(file).size() - 1)).contains("\"attempt\":\"12\"");
    }
}

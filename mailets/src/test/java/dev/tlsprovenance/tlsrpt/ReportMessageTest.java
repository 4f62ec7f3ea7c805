package dev.tlsprovenance.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class ReportMessageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final TlsReport.Settings SETTINGS = new TlsReport.Settings("Example Org", "postmaster@example.org",
        "mx.example.org", Optional.empty());
    private static LoopbackReportServer trusted;
    private static LoopbackReportServer untrusted;

    @BeforeAll
    static void start() throws IOException {
        trusted = new LoopbackReportServer(true);
        untrusted = new LoopbackReportServer(false);
    }

    @AfterAll
    static void stop() {
        trusted.close();
        untrusted.close();
    }

    static TlsReport report() {
        GeneratedAttempts attempts = new GeneratedAttempts(7, List.of("partner.test"));
        TlsReport.Builder builder = new TlsReport.Builder(LocalDate.parse("2026-12-01"), SETTINGS);
        for (int i = 0; i < 200; i++) {
            var line = attempts.line(Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i));
            try {
                ReportedSession.of(dev.tlsprovenance.ledger.OutboundLedgerLine.parse(line), line).ifPresent(builder::add);
            } catch (dev.tlsprovenance.provenance.MalformedProvenanceException e) {
                throw new IllegalStateException(e);
            }
        }
        return builder.build().get("partner.test");
    }

    @Test
    void theMailIsAnRfc8460MultipartReportReadBackWithJavaxMail() throws Exception {
        TlsReport report = report();
        MimeMessage written = ReportMessage.mail(report, new InternetAddress("noreply-tlsrpt@mx.example.org"),
            new InternetAddress("tlsrpt@partner.test"), Instant.parse("2026-12-02T00:15:00Z"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        written.writeTo(bytes);
        MimeMessage read = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes.toByteArray()));

        assertThat(read.getSubject()).isEqualTo("Report Domain: partner.test Submitter: mx.example.org "
            + "Report-ID: <20261201.partner.test@mx.example.org>");
        assertThat(read.getHeader("TLS-Report-Domain")).containsExactly("partner.test");
        assertThat(read.getHeader("TLS-Report-Submitter")).containsExactly("mx.example.org");
        assertThat(read.getFrom()).extracting(Object::toString).containsExactly("noreply-tlsrpt@mx.example.org");
        assertThat(read.getAllRecipients()).extracting(Object::toString).containsExactly("tlsrpt@partner.test");
        assertThat(read.getSentDate().toInstant()).isEqualTo(Instant.parse("2026-12-02T00:15:00Z"));
        ContentType type = new ContentType(read.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("tlsrpt");

        Multipart parts = (Multipart) read.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        Part text = parts.getBodyPart(0);
        assertThat(new ContentType(text.getContentType()).getBaseType()).isEqualTo("text/plain");
        assertThat((String) text.getContent()).contains("mx.example.org").contains("partner.test")
            .contains(report.successfulSessions() + " successful and " + report.failedSessions() + " failed");
        Part file = parts.getBodyPart(1);
        assertThat(new ContentType(file.getContentType()).getBaseType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(file.getDisposition()).isEqualTo(Part.ATTACHMENT);
        // §5.3: sender "!" policy-domain "!" begin-timestamp "!" end-timestamp [ "!" unique-id ] "." extension
        assertThat(file.getFileName()).isEqualTo("mx.example.org!partner.test!1796083200!1796169599!" + report.uniqueId() + ".json.gz");
        assertThat(file.getFileName()).matches("[a-z0-9.-]+![a-z0-9.-]+![0-9]+![0-9]+![A-Za-z0-9]+\\.json\\.gz");
        try (InputStream in = file.getInputStream()) {
            assertThat(JSON.readTree(new GZIPInputStream(in))).isEqualTo(JSON.readTree(report.toJsonBytes()));
        }
        assertThat(Instant.ofEpochSecond(1796083200L)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void httpsPostCarriesTheGzippedReportWithItsMediaType() throws Exception {
        TlsReport report = report();
        new HttpsReportPoster(LoopbackReportServer.trustingClient()).post(trusted.uri("/v1/tlsrpt"), report);
        LoopbackReportServer.Received request = trusted.next();
        assertThat(request.method).isEqualTo("POST");
        assertThat(request.path).isEqualTo("/v1/tlsrpt");
        assertThat(request.contentType).isEqualTo("application/tlsrpt+gzip");
        assertThat(JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(request.body)))).isEqualTo(JSON.readTree(report.toJsonBytes()));
    }

    @Test
    void aNon2xxAnswerOrAnUntrustedServerIsAFailure() throws Exception {
        TlsReport report = report();
        trusted.answer(503);
        try {
            assertThatThrownBy(() -> new HttpsReportPoster(LoopbackReportServer.trustingClient()).post(trusted.uri("/r"), report))
                .isInstanceOf(IOException.class).hasMessageContaining("answered 503");
            assertThat(trusted.next()).isNotNull();
        } finally {
            trusted.answer(200);
        }
        assertThatThrownBy(() -> new HttpsReportPoster(LoopbackReportServer.trustingClient()).post(untrusted.uri("/r"), report))
            .isInstanceOf(IOException.class);
        assertThat(untrusted.pending()).isZero();
        assertThatThrownBy(() -> new HttpsReportPoster(LoopbackReportServer.trustingClient())
            .post(java.net.URI.create("http://127.0.0.1:1/r"), report)).hasMessageContaining("not an https");
    }
}

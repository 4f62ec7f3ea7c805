package dev.tlsprovenance.tlsrpt;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.MailetContext;

import com.google.common.base.Suppliers;

import dev.tlsprovenance.posture.LedgerLocations;
import dev.tlsprovenance.provenance.Direction;

/**
 * Builds the {@link TlsRptSender} of a running James: settings from {@value TlsRptSettings#FILE}, the outbound ledgers
 * the running {@code TlsPolicyRemoteDelivery} mailets registered ({@link LedgerLocations}), TXT lookups through
 * James's {@link DNSService}, report mail through the {@link MailetContext}, what was sent in
 * {@value #SENT_FILE}. Called once by {@code TlsProvenanceModule} (one sender per James); started by
 * {@code TlsReportRoutes} when WebAdmin starts.
 */
public final class JamesTlsRpt {
    public static final String SENT_FILE = "file://var/tls-rpt/sent.txt";

    private JamesTlsRpt() {
    }

    public static TlsRptSender sender(FileSystem fileSystem, MailetContext context, DNSService dns, LedgerLocations ledgers) {
        try {
            TlsRptSettings settings = TlsRptSettings.read(resolve(fileSystem, TlsRptSettings.FILE));
            // the postmaster is known once the mailet container is configured, after this is built
            Supplier<String> defaultSubmitter = () -> context.getPostmaster().getDomain().asString();
            Clock clock = Clock.systemUTC();
            return new TlsRptSender(settings.enabled(), settings.sendDelay(),
                Suppliers.memoize(() -> settings.reportSettings(defaultSubmitter.get(), context.getPostmaster().asString())),
                Suppliers.memoize(() -> settings.sender(defaultSubmitter.get())),
                () -> ledgers.of(Direction.OUTBOUND), txt(dns), TlsRptMail.submitter(context, clock),
                HttpsReportPoster.withDefaultTrust(), new SentReports(resolve(fileSystem, SENT_FILE)), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("TLS-RPT: cannot read " + TlsRptSettings.FILE + " or " + SENT_FILE, e);
        }
    }

    /** James's TXT lookup cannot tell "no record" from a failed lookup: both read as no record. */
    static TxtLookup txt(DNSService dns) {
        return name -> {
            List<String> records = new ArrayList<>();
            for (String presentation : dns.findTXTRecords(name)) {
                TxtPresentation.join(presentation).ifPresent(records::add);
            }
            return records;
        };
    }

    private static Path resolve(FileSystem fileSystem, String location) throws IOException {
        try {
            return fileSystem.getFile(location).toPath();
        } catch (FileNotFoundException e) {
            throw new IOException("cannot resolve " + location + " through the James file system", e);
        }
    }
}

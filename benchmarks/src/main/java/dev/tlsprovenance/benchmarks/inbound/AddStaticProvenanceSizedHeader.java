package dev.tlsprovenance.benchmarks.inbound;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Benchmark control, not a product mailet: adds one constant header exactly as long as the X-TLS-Provenance
 * header the inbound benchmark's B writes, the way James's own header mailets do (addHeader, saveChanges), and
 * nothing else. Run as B without our handlers ({@code -Dbench.b.coreHandlersPackage=
 * -Dbench.b.mailets=dev.tlsprovenance.benchmarks.inbound.AddStaticProvenanceSizedHeader}) it measures what any
 * mailet adding a header of that size costs stock James, to set against what AddTlsProvenanceHeaders costs.
 */
public class AddStaticProvenanceSizedHeader extends GenericMailet {

    static final String NAME = "X-Bench-Sized";
    static final String VALUE = "v=1; dir=inbound; transport=starttls; protocol=TLSv1.3;\r\n"
        + " cipher=TLS_AES_256_GCM_SHA384; bits=256; by=mx.james.test; addr=127.0.0.1;\r\n"
        + " host=localhost; helo=client.test; verify=not-presented; session=c66d4735;\r\n"
        + " time=2026-11-29T12:10:45.123456Z";

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        message.addHeader(NAME, VALUE);
        message.saveChanges();
    }
}

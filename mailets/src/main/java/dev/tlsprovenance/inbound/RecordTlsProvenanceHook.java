package dev.tlsprovenance.inbound;

import java.time.Clock;

import javax.inject.Inject;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;

import dev.tlsprovenance.mail.InboundRecords;
import dev.tlsprovenance.metrics.TlsMetrics;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * Attaches to every mail received over SMTP the TLS provenance of its session, as the attribute
 * {@code dev.tlsprovenance.inbound} (see {@code ProvenanceAttributes}); cleartext sessions get a CLEARTEXT
 * record, never nothing. On TLS sessions it also sets James 3.9's {@code org.apache.james.ssl.protocol} and
 * {@code org.apache.james.ssl.cipher} (strings), so mailets written for 3.9 work on 3.8.1.
 *
 * <p>Usually installed with {@link TlsProvenanceCoreHandlers}, which also makes {@code Received:} TLS-aware.
 * Alone (the stock Received header then stays TLS-blind), in {@code smtpserver.xml}:
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 *     <handler class="dev.tlsprovenance.inbound.RecordTlsProvenanceHook"/>
 * </handlerchain>
 * }</pre>
 * The record is sealed (HMAC-SHA256 under this deployment's key, see {@link InboundRecords}), so that nothing but
 * this hook can make a mail look as if it arrived over TLS; the key is bound by
 * {@code guice.extension.module=dev.tlsprovenance.guice.TlsProvenanceModule} (or, without it, built by Guice on
 * demand, the same single instance). It takes no parameters. It always returns {@link HookResult#DECLINED}: anything else would end the hook
 * chain and the mail would be acknowledged but never queued.
 */
public class RecordTlsProvenanceHook implements JamesMessageHook {

    private final InboundRecords records;
    private final Clock clock;
    private TlsMetrics metrics = TlsMetrics.NONE;

    @Inject
    public RecordTlsProvenanceHook(InboundRecords records) {
        this(records, Clock.systemDefaultZone());
    }

    RecordTlsProvenanceHook(InboundRecords records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    /** Counts each mail by transport and protocol (docs/posture.md, "Metrics"); Guice calls it. */
    @Inject
    public void setMetrics(TlsMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        TlsProvenance record = SmtpSessionProvenance.of(session, clock);
        records.record(mail, record);
        metrics.inboundMail(record);
        return HookResult.DECLINED;
    }
}

package dev.tlsprovenance.inbound;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;

import dev.tlsprovenance.headers.ReceivedHeaderFormat;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * James's {@code Received:} data-line filter, writing a TLS-aware header (see {@link ReceivedHeaderFormat}).
 *
 * <p>It replaces James's {@link ReceivedDataLineFilter}; it must not run next to it, or every hop would
 * get two {@code Received:} lines. James always loads its core handlers package, so adding this class as an
 * extra {@code <handler>} is wrong. Install it through {@link TlsProvenanceCoreHandlers}, the core handlers
 * package with this filter in place of the stock one:
 * <pre>{@code
 * <handlerchain coreHandlersPackage="dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers">
 *     <!-- your other handlers, if any -->
 * </handlerchain>
 * }</pre>
 *
 * <p>Why a filter and not a mailet that rewrites the top {@code Received:} line later: the filter streams the
 * header in while the message arrives (no second copy of the message), it holds the live SMTP session (so the
 * TLS facts are first-hand), and it cannot pick the wrong line when a client sent forged Received headers.
 * The trade-off: the admin sets one attribute on {@code <handlerchain>} (an admin who already has a custom core
 * package must combine the two by hand); in exchange a future James whose core package changes is followed
 * automatically, because the list is derived from James's own loader.
 */
public class TlsReceivedDataLineFilter extends ReceivedDataLineFilter {

    private final Clock clock;
    /** Kept across mails (it caches the date text of the current second); rebuilt if the software name changes. */
    private volatile ReceivedHeaderFormat format;

    public TlsReceivedDataLineFilter() {
        this(Clock.systemDefaultZone());
    }

    TlsReceivedDataLineFilter(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected Collection<Header> headers(SMTPSession session) {
        TlsProvenance hop = SmtpSessionProvenance.of(session, clock);
        ReceivedHeaderFormat received = format(session.getConfiguration().getSoftwareName());
        List<String> lines = received.lines(hop, SmtpSessionProvenance.heloMode(session), soleRecipient(session));
        Header header = new Header("Received", lines.get(0));
        lines.stream().skip(1).forEach(header::add);
        return List.of(header);
    }

    private ReceivedHeaderFormat format(String softwareName) {
        ReceivedHeaderFormat current = format;
        if (current == null || !current.softwareName().equals(softwareName)) {
            current = new ReceivedHeaderFormat(softwareName, clock.getZone());
            format = current;
        }
        return current;
    }

    private static Optional<String> soleRecipient(SMTPSession session) {
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).orElse(List.of());
        return recipients.size() == 1 ? Optional.of(recipients.get(0).toString()) : Optional.empty();
    }
}

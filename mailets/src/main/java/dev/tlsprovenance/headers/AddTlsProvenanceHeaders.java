package dev.tlsprovenance.headers;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.tlsprovenance.mail.InboundRecord;
import dev.tlsprovenance.mail.InboundRecords;
import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * Stamps the message with this server's record of how it arrived, as a structured header (default
 * {@code X-TLS-Provenance}, one header per hop, see {@link ProvenanceHeaderCodec}), read from the
 * {@code dev.tlsprovenance.inbound} attribute that {@code RecordTlsProvenanceHook} set.
 *
 * <p>Headers of that name that arrived with the message are claims made by someone else, so they are
 * removed (or renamed, {@code untrustedHeaders=rename}) unless the message came from a trusted relay: over TLS,
 * with a client certificate the listener VERIFIED, listed in {@code trustedRelays} by SHA-256 fingerprint or
 * host name (see {@link TrustedRelays}). That is RFC 8601's rule for Authentication-Results applied to TLS.
 * Kept relay headers stay below ours, so the newest hop is on top, as with {@code Received:}.
 * A mail without an inbound record (created by a mailet, say) gets no header of ours, and its copies are
 * still not trusted. A record this server did not seal (set by another mailet, or injected with a queue message)
 * is no record: the stamp then says {@code transport=unknown} and why, never TLS (see {@code InboundRecords}).
 *
 * <p>Sample configuration, early in the {@code root} processor of {@code mailetcontainer.xml}:
 * <pre>{@code
 * <mailet match="All" class="dev.tlsprovenance.headers.AddTlsProvenanceHeaders">
 *     <headerName>X-TLS-Provenance</headerName>
 *     <untrustedHeaders>rename</untrustedHeaders>
 *     <renameTo>X-TLS-Provenance-Untrusted</renameTo>
 *     <trustedRelays>relay.partner.test, 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</trustedRelays>
 * </mailet>
 * }</pre>
 * Parameters: {@code headerName} (default {@code X-TLS-Provenance}); {@code untrustedHeaders} {@code remove}
 * (default) or {@code rename}; {@code renameTo} (default {@code X-TLS-Provenance-Untrusted}, only with
 * {@code rename}); {@code trustedRelays} (default: none).
 * The record key comes from {@code InboundRecords} (bound by {@code TlsProvenanceModule}).
 */
public class AddTlsProvenanceHeaders extends GenericMailet {

    public static final String HEADER_NAME = "headerName";
    public static final String UNTRUSTED_HEADERS = "untrustedHeaders";
    public static final String RENAME_TO = "renameTo";
    public static final String TRUSTED_RELAYS = "trustedRelays";
    public static final String DEFAULT_RENAME_TO = "X-TLS-Provenance-Untrusted";

    /** RFC 5322 field name: printable US-ASCII except colon. */
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

    enum UntrustedHeaders { REMOVE, RENAME }

    private final InboundRecords records;
    private String headerName;
    private UntrustedHeaders untrustedHeaders;
    private String renameTo;
    private TrustedRelays trustedRelays;

    @Inject
    public AddTlsProvenanceHeaders(InboundRecords records) {
        this.records = records;
    }

    @Override
    public void init() throws MessagingException {
        headerName = fieldName(HEADER_NAME, getInitParameter(HEADER_NAME, ProvenanceHeaderCodec.DEFAULT_HEADER_NAME));
        untrustedHeaders = untrustedHeaders(getInitParameter(UNTRUSTED_HEADERS, "remove"));
        renameTo = fieldName(RENAME_TO, getInitParameter(RENAME_TO, DEFAULT_RENAME_TO));
        if (untrustedHeaders == UntrustedHeaders.RENAME && renameTo.equalsIgnoreCase(headerName)) {
            throw new MessagingException("Invalid value '" + renameTo + "' for parameter '" + RENAME_TO
                + "' of " + getClass().getSimpleName() + ": it must differ from " + HEADER_NAME + " '" + headerName + "'");
        }
        try {
            trustedRelays = TrustedRelays.parse(getInitParameter(TRUSTED_RELAYS, ""));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("Invalid value '" + getInitParameter(TRUSTED_RELAYS) + "' for parameter '"
                + TRUSTED_RELAYS + "' of " + getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        InboundRecord inbound = records.read(mail);
        Optional<TlsProvenance> hop = inbound.vouchedHop();
        MimeMessage message = mail.getMessage();
        String[] present = Optional.ofNullable(message.getHeader(headerName)).orElse(new String[0]);
        if (present.length == 0 && hop.isEmpty()) {
            return;
        }
        Optional<String> ours = hop.map(ProvenanceHeaderCodec::format);
        boolean keepArrived = inbound.trusted().map(trustedRelays::trusts).orElse(false);
        message.removeHeader(headerName);
        if (ours.isPresent()) {
            message.addHeader(headerName, ProvenanceHeaderFolding.fold(headerName, ours.get()));
        }
        for (String value : present) {
            if (ours.isPresent() && unfolded(value).equals(ours.get())) {
                continue; // our own stamp from an earlier pass through this mailet, already re-added above
            }
            if (keepArrived) {
                message.addHeader(headerName, value);
            } else if (untrustedHeaders == UntrustedHeaders.RENAME) {
                message.addHeader(renameTo, value);
            }
        }
        // No saveChanges(): James saves a changed message itself when it next writes it (MimeMessageWrapper.writeTo,
        // JAMES-1320; javax.mail's MimeMessage.writeTo likewise), and the transport's RemoveMimeHeader, which James
        // requires on every mail, changes it again anyway. Saving here made javax.mail's updateHeaders run twice per
        // mail; on multipart mail it parses every part (BENCHMARKS.md, "One saveChanges per mail, not two").
    }

    @Override
    public String getMailetInfo() {
        return "Adds the TLS provenance header of the inbound hop and distrusts forged copies";
    }

    private static String unfolded(String value) {
        return value.replace("\r\n", "").replace("\n", "");
    }

    private String fieldName(String parameter, String value) throws MessagingException {
        if (!FIELD_NAME.matcher(value).matches()) {
            throw new MessagingException("Invalid value '" + value + "' for parameter '" + parameter + "' of "
                + getClass().getSimpleName() + ": not a header field name");
        }
        return value;
    }

    private UntrustedHeaders untrustedHeaders(String value) throws MessagingException {
        try {
            return UntrustedHeaders.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("Invalid value '" + value + "' for parameter '" + UNTRUSTED_HEADERS + "' of "
                + getClass().getSimpleName() + ": expected 'remove' or 'rename'");
        }
    }
}

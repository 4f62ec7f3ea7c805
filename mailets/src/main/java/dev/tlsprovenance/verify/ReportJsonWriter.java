package dev.tlsprovenance.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import dev.tlsprovenance.json.JsonStrings;

/**
 * Streams reports as the JSON other tools consume:
 * <pre>{"messages":[{"messageId":...,"hops":[{"index":0,"from":...,"by":...,"date":...,"tls":"yes|no|unknown",
 * "protocol":...,"cipher":...,"bits":...,"clientCertVerified":...,"weak":...,"trusted":...,"source":"received|provenance"}],
 * "verdict":"tls-all-the-way|cleartext-hop|unknown-hop"}]}</pre>
 * {@code index} 0 is the first hop (the oldest Received line). {@code cipher} is the IANA name when known,
 * else the name as written; unknown values are {@code null}. Added fields, which consumers may ignore:
 * {@code protocolLabel}, {@code cipherOriginal}, {@code family}, {@code applicable}, {@code clientCertificate} and
 * {@code delaySeconds} (from the previous hop's date to this one's; null for the first hop or an unknown date) per hop, {@code note} per message. {@code clientCertificate} is one of {@code not-requested}, {@code not-presented},
 * {@code presented-not-verified}, {@code failed}, {@code verified} (null: the record does not say); the older
 * boolean {@code clientCertVerified} is deprecated, kept for existing consumers: it is false both for "no
 * certificate" and for "certificate failed".
 * Hand-written so the extension jar needs no JSON library.
 */
public final class ReportJsonWriter {
    private final Appendable out;
    private boolean firstMessage = true;

    public ReportJsonWriter(Appendable out) {
        this.out = out;
    }

    public static String toJson(List<MessageReport> reports) {
        StringBuilder sb = new StringBuilder();
        ReportJsonWriter writer = new ReportJsonWriter(sb);
        writer.begin();
        reports.forEach(writer::message);
        writer.end();
        return sb.toString();
    }

    public void begin() {
        raw("{\"messages\":[");
    }

    public void message(MessageReport report) {
        StringBuilder m = new StringBuilder(512);
        if (!firstMessage) {
            m.append(',');
        }
        firstMessage = false;
        m.append("{\"messageId\":");
        JsonStrings.append(m, report.messageId().orElse(null));
        m.append(",\"hops\":[");
        List<Hop> hops = report.hops();
        for (int i = 0; i < hops.size(); i++) {
            Hop hop = hops.get(i);
            if (i > 0) {
                m.append(',');
            }
            m.append("{\"index\":").append(i);
            m.append(",\"from\":");
            JsonStrings.append(m, hop.fromHost().orElse(null));
            m.append(",\"by\":");
            JsonStrings.append(m, hop.byHost().orElse(null));
            m.append(",\"date\":");
            JsonStrings.append(m, hop.time().map(Object::toString).orElse(null));
            m.append(",\"tls\":");
            JsonStrings.append(m, hop.tls().token());
            m.append(",\"protocol\":");
            JsonStrings.append(m, hop.protocol().orElse(null));
            m.append(",\"cipher\":");
            JsonStrings.append(m, hop.cipherIana().or(hop::cipher).orElse(null));
            m.append(",\"bits\":").append(hop.bits() > 0 ? Integer.toString(hop.bits()) : "null");
            Boolean verified = hop.clientCertificate().asVerifiedFlag();
            m.append(",\"clientCertVerified\":").append(verified == null ? "null" : verified.toString());
            m.append(",\"weak\":").append(hop.weak());
            m.append(",\"trusted\":").append(hop.trusted());
            m.append(",\"source\":");
            JsonStrings.append(m, hop.source().token());
            m.append(",\"protocolLabel\":");
            JsonStrings.append(m, hop.protocolLabel().orElse(null));
            m.append(",\"cipherOriginal\":");
            JsonStrings.append(m, hop.cipher().orElse(null));
            m.append(",\"family\":");
            JsonStrings.append(m, hop.family().token());
            m.append(",\"applicable\":").append(hop.applicable());
            m.append(",\"clientCertificate\":");
            JsonStrings.append(m, hop.clientCertificate().jsonToken());
            m.append(",\"delaySeconds\":").append(delaySeconds(i == 0 ? null : hops.get(i - 1), hop));
            m.append('}');
        }
        m.append("],\"verdict\":");
        JsonStrings.append(m, report.verdict().token());
        m.append(",\"note\":");
        JsonStrings.append(m, report.note());
        m.append('}');
        raw(m);
    }

    /** Seconds from the previous hop's date to this one's ("null" when either is unknown); negative means skewed clocks. */
    private static String delaySeconds(Hop previous, Hop hop) {
        if (previous == null || previous.time().isEmpty() || hop.time().isEmpty()) {
            return "null";
        }
        return Long.toString(Duration.between(previous.time().get(), hop.time().get()).getSeconds());
    }

    public void end() {
        raw("]}");
    }

    private void raw(CharSequence text) {
        try {
            out.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.tlsprovenance.verify;

/** The writer of a Received line, recognised from its wording; decides how silence about TLS is read. */
public enum MtaFamily {
    POSTFIX("postfix", true),
    EXIM("exim", true),
    SENDMAIL("sendmail", true),
    /** Exchange Server and Exchange Online ({@code with Microsoft SMTP Server}). */
    EXCHANGE("exchange", true),
    /** The old IIS SMTP service ({@code with Microsoft SMTPSVC}); it never records TLS. */
    MICROSOFT_SMTPSVC("microsoft-smtpsvc", false),
    GMAIL("gmail", true),
    OPENSMTPD("opensmtpd", true),
    /** James up to 3.8: its Received line never mentions TLS, so {@code with ESMTP} proves nothing. */
    JAMES_3_8("james-3.8", false),
    /** James 3.9+: {@code (using TLSv1.3 with cipher ...)} and {@code ESMTPS}. */
    JAMES_3_9("james-3.9", true),
    /** This project's own inbound stamp: {@code tls <suite>} clause (RFC 8314) and {@code ESMTPS}. */
    TLS_PROVENANCE("tls-provenance", true),
    /** qmail: unpatched qmail cannot do TLS; the TLS patch writes {@code with (<cipher> encrypted) SMTP}. */
    QMAIL("qmail", true),
    COMMUNIGATE("communigate", true),
    /** Mailbox-access and web submission hops: HTTP, MAPI, IMAP/POP fetches. */
    NON_SMTP("non-smtp", false),
    /** A hand-over inside one host by an unrecognised writer: local pickup, list expansion, a content filter re-injecting. */
    LOCAL("local", false),
    /** Anything else: RFC 3848 keywords are believed, nothing more. */
    OTHER("other", true);

    private final String token;
    private final boolean recordsTls;

    MtaFamily(String token, boolean recordsTls) {
        this.token = token;
        this.recordsTls = recordsTls;
    }

    public String token() {
        return token;
    }

    /** True when this writer would have recorded TLS had it been used, so silence means cleartext. */
    public boolean recordsTls() {
        return recordsTls;
    }
}

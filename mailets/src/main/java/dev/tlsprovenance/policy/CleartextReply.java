package dev.tlsprovenance.policy;

import java.util.Locale;

/**
 * How a row refuses a cleartext session ({@code cleartext-reply=} in {@code tls-policy.conf}). Both refuse: nothing
 * is ever accepted in cleartext for a protected namespace. They differ in what the sending MTA does next:
 * {@link #TEMPORARY} ({@code 450 4.7.0}, as Postfix's {@code reject_plaintext_session} with its default
 * {@code plaintext_reject_code}) keeps the mail in the sender's queue to be retried, over TLS once the hiccup is
 * gone; {@link #PERMANENT} ({@code 530 5.7.0}, RFC 3207) makes the sender bounce it now.
 */
public enum CleartextReply {
    /** {@code 450 4.7.0}: the sender keeps the mail and retries. The built-in default. */
    TEMPORARY("temporary", "450", '4'),
    /** {@code 530 5.7.0} (RFC 3207): the sender bounces the mail. */
    PERMANENT("permanent", "530", '5');

    private final String token;
    private final String replyCode;
    private final char statusClass;

    CleartextReply(String token, String replyCode, char statusClass) {
        this.token = token;
        this.replyCode = replyCode;
        this.statusClass = statusClass;
    }

    public static CleartextReply builtInDefault() {
        return TEMPORARY;
    }

    public String token() {
        return token;
    }

    /** The basic reply code: {@code 450} or {@code 530}. */
    public String replyCode() {
        return replyCode;
    }

    /** An enhanced status code of this reply's class: {@code enhanced("7.0")} is {@code 4.7.0} or {@code 5.7.0}. */
    public String enhanced(String subjectAndDetail) {
        return statusClass + "." + subjectAndDetail;
    }

    /**
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static CleartextReply parse(String token) {
        String wanted = token == null ? "" : token.trim().toLowerCase(Locale.ROOT);
        for (CleartextReply reply : values()) {
            if (reply.token.equals(wanted)) {
                return reply;
            }
        }
        throw new IllegalArgumentException("unknown cleartext-reply '" + token + "' (expected temporary or permanent)");
    }
}

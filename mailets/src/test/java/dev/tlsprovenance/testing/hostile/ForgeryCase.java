package dev.tlsprovenance.testing.hostile;

import java.util.ArrayList;
import java.util.List;

import dev.tlsprovenance.testing.hostile.TlsClauseForgeries.FamilyClause;
import dev.tlsprovenance.testing.hostile.TlsClauseForgeries.Form;

/**
 * One generated cleartext SMTP transaction carrying a forged TLS clause in one client-controlled position. Every
 * other part of the transaction is ordinary, so whatever the verifier reads as TLS came from that one position.
 */
public final class ForgeryCase {
    public static final String SENDER = "alice@sender.test";
    public static final String LOCAL_PART = "bob";

    /** The client-controlled places a payload can go. */
    public enum Position {
        EHLO_ARGUMENT, HELO_ARGUMENT,
        MAIL_LOCAL_QUOTED, MAIL_LOCAL_ESCAPED, MAIL_LOCAL_ATEXT, MAIL_LOCAL_RAW, MAIL_DOMAIN_RAW, MAIL_DOMAIN_HOSTNAME,
        RCPT_LOCAL_QUOTED, RCPT_LOCAL_ESCAPED, RCPT_LOCAL_ATEXT, RCPT_LOCAL_RAW, RCPT_DOMAIN_RAW, RCPT_DOMAIN_HOSTNAME,
        FROM_DISPLAY_QUOTED, FROM_DISPLAY_RAW, TO_DISPLAY_QUOTED, TO_DISPLAY_RAW
    }

    public final int number;
    public final Position position;
    public final String family;
    public final String form;
    public final String heloCommand;
    public final String mailFrom;
    public final String rcptTo;
    public final String fromHeader;
    public final String toHeader;

    private ForgeryCase(int number, Position position, FamilyClause clause, Form form, String recipientDomain) {
        this.number = number;
        this.position = position;
        this.family = clause.family;
        this.form = form.name;
        String payload = form.apply(clause.text);
        String recipient = LOCAL_PART + "@" + recipientDomain;
        this.heloCommand = position == Position.EHLO_ARGUMENT ? "EHLO " + payload
            : position == Position.HELO_ARGUMENT ? "HELO " + payload : "EHLO client.test";
        this.mailFrom = address(position, "MAIL_", payload, "alice", "sender.test", SENDER);
        this.rcptTo = address(position, "RCPT_", payload, LOCAL_PART, recipientDomain, recipient);
        this.fromHeader = display(position, "FROM_", payload, SENDER);
        this.toHeader = display(position, "TO_", payload, recipient);
    }

    private static String address(Position position, String prefix, String payload, String local, String domain, String ordinary) {
        String name = position.name();
        if (!name.startsWith(prefix)) {
            return ordinary;
        }
        switch (name.substring(prefix.length())) {
            case "LOCAL_QUOTED":
                return TlsClauseForgeries.quotedLocalPart(payload) + "@" + domain;
            case "LOCAL_ESCAPED":
                return TlsClauseForgeries.escapedLocalPart(payload) + "@" + domain;
            case "LOCAL_ATEXT":
                return TlsClauseForgeries.atextLocalPart(payload) + "@" + domain;
            case "LOCAL_RAW":
                return payload + "@" + domain;
            case "DOMAIN_RAW":
                return local + "@" + payload;
            case "DOMAIN_HOSTNAME":
                return local + "@" + TlsClauseForgeries.hostNameOf(payload);
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static String display(Position position, String prefix, String payload, String address) {
        String name = position.name();
        if (!name.startsWith(prefix)) {
            return "<" + address + ">";
        }
        return (name.endsWith("_QUOTED") ? TlsClauseForgeries.quotedLocalPart(payload) : payload) + " <" + address + ">";
    }

    /** The class a failure is reported under: position, family and form. */
    public String payloadClass() {
        return position + " " + family + " " + form;
    }

    public String subject() {
        return "forgery case " + number;
    }

    /** The message: only From/To may carry the payload; the subject names the case. */
    public String message() {
        return "From: " + fromHeader + "\r\n"
            + "To: " + toHeader + "\r\n"
            + "Subject: " + subject() + "\r\n"
            + "Message-ID: <forgery-" + number + "@client.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            + "\r\n"
            + "payload class " + payloadClass() + "\r\n";
    }

    @Override
    public String toString() {
        return "#" + number + " " + payloadClass();
    }

    /**
     * Every family clause in every position, with the forms that matter there: the comment-closing forms where the
     * text lands in a comment (HELO), the path-closing forms in a quoted local part, one form elsewhere.
     */
    public static List<ForgeryCase> generate(String recipientDomain) {
        List<ForgeryCase> cases = new ArrayList<>();
        for (FamilyClause clause : TlsClauseForgeries.FAMILY_CLAUSES) {
            for (Position position : Position.values()) {
                for (Form form : formsFor(position)) {
                    cases.add(new ForgeryCase(cases.size() + 1, position, clause, form, recipientDomain));
                }
            }
        }
        return cases;
    }

    /** Every clause in every EHLO form, plus in a quoted recipient: what a relay writing both (Postfix) is tested with. */
    public static List<ForgeryCase> generateHeloAndRecipient(String recipientDomain) {
        List<ForgeryCase> cases = new ArrayList<>();
        for (FamilyClause clause : TlsClauseForgeries.FAMILY_CLAUSES) {
            for (Form form : TlsClauseForgeries.COMMENT_FORMS) {
                cases.add(new ForgeryCase(cases.size() + 1, Position.EHLO_ARGUMENT, clause, form, recipientDomain));
            }
            cases.add(new ForgeryCase(cases.size() + 1, Position.RCPT_LOCAL_QUOTED, clause,
                TlsClauseForgeries.PATH_FORMS.get(0), recipientDomain));
        }
        return cases;
    }

    private static List<Form> formsFor(Position position) {
        switch (position) {
            case EHLO_ARGUMENT:
                return TlsClauseForgeries.COMMENT_FORMS;
            case MAIL_LOCAL_QUOTED:
            case RCPT_LOCAL_QUOTED:
                return TlsClauseForgeries.PATH_FORMS;
            case FROM_DISPLAY_RAW:
            case TO_DISPLAY_RAW:
                return TlsClauseForgeries.COMMENT_FORMS.subList(0, 2);
            default:
                return TlsClauseForgeries.COMMENT_FORMS.subList(0, 1);
        }
    }
}

package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One SMTP transaction on an open connection: MAIL FROM (with REQUIRETLS when the mail demands it), RCPT per
 * recipient with its own outcome, DATA only when at least one recipient was accepted, RSET after a failure so
 * that the connection can be reused.
 */
public final class MailTransaction {
    private MailTransaction() {
    }

    /**
     * @throws IOException when the connection broke; the caller must treat the recipients as not delivered
     *     (temporary) and discard the connection
     */
    public static List<RecipientOutcome> send(SmtpConnection connection, Envelope envelope, MessageContent content)
            throws IOException {
        SmtpClient client = connection.client();
        connection.countTransaction();
        String mailFrom = "MAIL FROM:<" + envelope.sender() + ">" + (envelope.requireTls() ? " REQUIRETLS" : "");
        SmtpReply mail = client.command(mailFrom);
        if (!mail.isPositive()) {
            return resetAndFailAll(client, envelope.recipients(), DeliveryFailure.remote(mail, "to MAIL FROM"));
        }
        List<RecipientOutcome> outcomes = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (String recipient : envelope.recipients()) {
            SmtpReply rcpt = client.command("RCPT TO:<" + recipient + ">");
            if (rcpt.isPositive()) {
                accepted.add(recipient);
            } else {
                outcomes.add(RecipientOutcome.failed(recipient, DeliveryFailure.remote(rcpt, "to RCPT TO:<" + recipient + ">")));
            }
        }
        if (accepted.isEmpty()) {
            client.command("RSET");
            return outcomes;
        }
        SmtpReply done = client.data(content);
        for (String recipient : accepted) {
            outcomes.add(done.isPositive()
                ? RecipientOutcome.delivered(recipient, done)
                : RecipientOutcome.failed(recipient, DeliveryFailure.remote(done, "to DATA")));
        }
        if (!done.isPositive()) {
            client.command("RSET");
        }
        return outcomes;
    }

    private static List<RecipientOutcome> resetAndFailAll(SmtpClient client, List<String> recipients,
                                                          DeliveryFailure failure) throws IOException {
        client.command("RSET");
        List<RecipientOutcome> outcomes = new ArrayList<>();
        recipients.forEach(recipient -> outcomes.add(RecipientOutcome.failed(recipient, failure)));
        return outcomes;
    }
}

package dev.tlsprovenance.testing.james;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.tlsprovenance.mail.ProvenanceAttributes;

/**
 * An attacker's mailet, for tests: placed before ours, it replaces the mail's {@code dev.tlsprovenance.inbound}
 * attribute as the forgery registered under the token in the mail's {@value #HEADER} header says (the header is
 * removed). A forgery is a function of the attribute the SMTP hook set (absent: {@code null}), so a test can copy
 * a record from elsewhere or alter the genuine one while keeping its seal.
 * <pre>{@code <mailet match="HasHeader=X-Test-Forge" class="dev.tlsprovenance.testing.james.ForgeInboundRecord"/>}</pre>
 */
public class ForgeInboundRecord extends GenericMailet {
    public static final String HEADER = "X-Test-Forge";
    private static final Map<String, UnaryOperator<AttributeValue<?>>> FORGERIES = new ConcurrentHashMap<>();

    /** Registers a forgery; the returned token goes into the {@value #HEADER} header of the mail to forge. */
    public static String register(String label, UnaryOperator<AttributeValue<?>> forgery) {
        String token = label.replaceAll("[^A-Za-z0-9.-]", "-") + "-" + System.nanoTime();
        FORGERIES.put(token, forgery);
        return token;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String[] tokens = mail.getMessage().getHeader(HEADER);
        if (tokens == null) {
            return;
        }
        UnaryOperator<AttributeValue<?>> forgery = FORGERIES.get(tokens[0].trim());
        if (forgery == null) {
            throw new MessagingException("no forgery registered as " + tokens[0]);
        }
        AttributeValue<?> genuine = mail.getAttribute(ProvenanceAttributes.INBOUND).map(Attribute::getValue).orElse(null);
        mail.setAttribute(new Attribute(ProvenanceAttributes.INBOUND, forgery.apply(genuine)));
        mail.getMessage().removeHeader(HEADER);
        mail.getMessage().saveChanges();
    }
}

package dev.tlsprovenance.smtpserver;

import org.apache.james.smtpserver.netty.SMTPServerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/**
 * Lets {@code smtpserver.xml} listeners request client certificates without demanding them
 * ({@code <tls ... wantClientAuth="true">}). It replaces James's SMTP server factory, so it must be an
 * override at server assembly, e.g. in a custom main:
 * <pre>
 * GuiceJamesServer.forConfiguration(configuration)
 *     .combineWith(MemoryJamesServerMain.SMTP_ONLY_MODULE, ...)
 *     .overrideWith(new WantClientAuthSmtpModule());
 * </pre>
 * It cannot be listed in {@code extensions.properties} (those modules only reach hooks and mailets). On a
 * stock James, use a dedicated partner listener with {@code <clientAuth>} (need) instead.
 */
public class WantClientAuthSmtpModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SMTPServerFactory.class).to(WantClientAuthSMTPServerFactory.class);
        bind(WantClientAuthSMTPServerFactory.class).in(Scopes.SINGLETON);
    }
}

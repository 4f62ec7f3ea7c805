package dev.tlsprovenance.inbound;

import java.lang.reflect.Field;
import java.util.Optional;

import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a listener's {@code <auth><requireSSL>} from a session's configuration. James 3.8.1 parses it into
 * {@code SMTPServer.AuthenticationConfiguration} but only uses it to hide AUTH from EHLO: neither
 * {@link SMTPConfiguration} nor {@link SMTPServer} has a getter (James's own later versions neither). The
 * configuration object a session carries is the server's inner {@code SMTPHandlerConfigurationDataImpl},
 * so the setting is reached through its enclosing server. When that shape is not found (another James
 * version, another server class), the answer is "required": refusing cleartext credentials on a listener
 * that allowed them is an inconvenience, reading them where TLS was required is a leak.
 */
final class ListenerAuthSettings {
    private static final Logger LOGGER = LoggerFactory.getLogger(ListenerAuthSettings.class);
    private static final Optional<Field> ENCLOSING_SERVER = field(SMTPServer.SMTPHandlerConfigurationDataImpl.class, "this$0");
    private static final Optional<Field> AUTHENTICATION = field(SMTPServer.class, "authenticationConfiguration");
    private static volatile boolean warned;

    private ListenerAuthSettings() {
    }

    /** Whether this listener demands TLS before AUTH ({@code auth.requireSSL}); true when it cannot be read. */
    static boolean requiresTlsForAuth(SMTPConfiguration configuration) {
        if (ENCLOSING_SERVER.isPresent() && AUTHENTICATION.isPresent()
            && configuration instanceof SMTPServer.SMTPHandlerConfigurationDataImpl) {
            try {
                Object server = ENCLOSING_SERVER.get().get(configuration);
                Object authentication = AUTHENTICATION.get().get(server);
                if (authentication instanceof SMTPServer.AuthenticationConfiguration) {
                    return ((SMTPServer.AuthenticationConfiguration) authentication).isRequireSSL();
                }
            } catch (IllegalAccessException | RuntimeException unreadable) {
                warnOnce(unreadable.toString());
                return true;
            }
        }
        warnOnce("configuration " + configuration.getClass().getName() + " does not expose auth.requireSSL");
        return true;
    }

    private static Optional<Field> field(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return Optional.of(field);
        } catch (NoSuchFieldException | RuntimeException notThisJamesVersion) {
            return Optional.empty();
        }
    }

    private static void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOGGER.warn("Cannot read the listener's auth.requireSSL ({}): AUTH is refused before TLS on every listener", why);
        }
    }
}

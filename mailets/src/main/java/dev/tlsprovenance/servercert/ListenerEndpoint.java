package dev.tlsprovenance.servercert;

import java.util.Locale;
import java.util.Objects;

/** One of our own TLS listeners as a client reaches it: protocol, where to connect, how TLS starts, the name it says hello with. */
public final class ListenerEndpoint {
    /** How a client gets TLS on the listener. */
    public enum Mode {
        /** Cleartext greeting, then STARTTLS (SMTP 25/587, IMAP 143). */
        STARTTLS("starttls"),
        /** TLS from the first byte (SMTPS 465, IMAPS 993). */
        IMPLICIT_TLS("implicit-tls");

        private final String token;

        Mode(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /** The protocol spoken before STARTTLS. */
    public enum Protocol {
        SMTP, IMAP;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Protocol protocol;
    private final String host;
    private final int port;
    private final Mode mode;
    private final String helloName;

    public ListenerEndpoint(Protocol protocol, String host, int port, Mode mode, String helloName) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.helloName = Objects.requireNonNull(helloName, "helloName");
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The address to connect to (loopback for a listener bound to every address). */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Mode mode() {
        return mode;
    }

    /** The name the listener greets with; its certificate must cover it (RFC 6125), and it is sent as SNI. */
    public String helloName() {
        return helloName;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ListenerEndpoint)) {
            return false;
        }
        ListenerEndpoint other = (ListenerEndpoint) o;
        return protocol == other.protocol && host.equals(other.host) && port == other.port && mode == other.mode
                && helloName.equals(other.helloName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, host, port, mode, helloName);
    }

    @Override
    public String toString() {
        return protocol.token() + " " + host + ":" + port + " (" + mode.token() + ", " + helloName + ")";
    }
}

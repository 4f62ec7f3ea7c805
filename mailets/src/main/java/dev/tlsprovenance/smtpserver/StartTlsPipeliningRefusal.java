package dev.tlsprovenance.smtpserver;

import java.nio.charset.StandardCharsets;

import org.apache.james.protocols.netty.CommandInjectionDetectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * Answers a client that sends commands after {@code STARTTLS} in the same packet with one reply and one WARN line.
 *
 * <p>James 3.8.1's line framer ({@code AllButStartTlsLineBasedChannelHandler}) refuses such input, as RFC 3207
 * section 4.2 asks (nothing sent in cleartext may be acted on after TLS starts), by throwing
 * {@code CommandInjectionDetectedException}. The exception reaches the core handler's {@code exceptionCaught}, which
 * logs "Unable to process request" at ERROR with a full stack trace, and a second time when the connection closes
 * (the framer re-reads the refused bytes). That logger also reports real failures, so it cannot be turned down.
 * This handler sits in front of the core handler and takes exactly that exception: it replies {@value #REPLY_TEXT},
 * closes the connection and logs one WARN line naming the client; every other exception goes on to James unchanged.
 * Installed on every listener of {@link WantClientAuthSMTPServer} (the distribution's SMTP server).
 */
@ChannelHandler.Sharable
public final class StartTlsPipeliningRefusal extends ChannelInboundHandlerAdapter {
    public static final String NAME = "tlsProvenanceStartTlsPipeliningRefusal";
    public static final StartTlsPipeliningRefusal INSTANCE = new StartTlsPipeliningRefusal();
    /** 4xx: a client that pipelined by mistake retries (one command per packet) instead of bouncing the mail. */
    static final String REPLY_TEXT = "451 4.5.0 STARTTLS must be the last command of a pipelined group (RFC 3207); connection closed";

    private static final Logger LOGGER = LoggerFactory.getLogger(StartTlsPipeliningRefusal.class);
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("dev.tlsprovenance.startTlsPipeliningRefused");
    private static final byte[] REPLY = (REPLY_TEXT + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private StartTlsPipeliningRefusal() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!isStartTlsPipelining(cause)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (ctx.channel().attr(REFUSED).setIfAbsent(Boolean.TRUE) != null) {
            return;
        }
        LOGGER.warn("Refused commands pipelined after STARTTLS from {}: replied \"{}\"", ctx.channel().remoteAddress(), REPLY_TEXT);
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(REPLY)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    static boolean isStartTlsPipelining(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CommandInjectionDetectedException) {
                return true;
            }
        }
        return false;
    }
}

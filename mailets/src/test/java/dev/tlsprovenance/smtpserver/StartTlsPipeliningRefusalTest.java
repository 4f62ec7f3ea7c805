package dev.tlsprovenance.smtpserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.protocols.netty.CommandInjectionDetectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

/**
 * The refusal takes exactly James's "commands after STARTTLS" exception, once per connection, and hands every other
 * exception on to the core handler behind it (James's, which logs real failures at ERROR).
 */
class StartTlsPipeliningRefusalTest {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final List<Throwable> reachedCoreHandler = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        log.start();
        ((Logger) LoggerFactory.getLogger(StartTlsPipeliningRefusal.class)).addAppender(log);
        channel = new EmbeddedChannel(StartTlsPipeliningRefusal.INSTANCE, new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                reachedCoreHandler.add(cause);
            }
        });
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(StartTlsPipeliningRefusal.class)).detachAppender(log);
        channel.finishAndReleaseAll();
    }

    @Test
    void refusedPipeliningIsAnsweredLoggedOnceAndClosed() {
        // as James's framer raises it (its second report, when the connection closes, is covered by QuietStopIT)
        channel.pipeline().fireExceptionCaught(new DecoderException(new CommandInjectionDetectedException()));

        ByteBuf reply = channel.readOutbound();
        assertThat(reply.toString(StandardCharsets.US_ASCII))
            .isEqualTo("451 4.5.0 STARTTLS must be the last command of a pipelined group (RFC 3207); connection closed\r\n");
        reply.release();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(reachedCoreHandler).isEmpty();
        assertThat(log.list).hasSize(1);
        assertThat(log.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(log.list.get(0).getFormattedMessage()).startsWith("Refused commands pipelined after STARTTLS from ");
        assertThat(log.list.get(0).getThrowableProxy()).isNull();
    }

    @Test
    void everyOtherExceptionGoesOnUnchanged() {
        List<Throwable> others = List.of(new IOException("Connection reset by peer"), new DecoderException("bad frame"),
            new IllegalStateException("a bug"), new DecoderException(new IllegalArgumentException("not an injection")));

        others.forEach(channel.pipeline()::fireExceptionCaught);

        assertThat(reachedCoreHandler).containsExactlyElementsOf(others);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
        assertThat(log.list).isEmpty();
    }
}

package dev.tlsprovenance.testing.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * The events of some loggers while a test runs (logback, as James ships it), readable from the test thread while
 * James's threads log. {@link #close()} detaches it.
 */
public final class CapturedLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final List<Logger> loggers;

    private CapturedLog(List<Logger> loggers) {
        this.loggers = loggers;
    }

    public static CapturedLog of(Class<?>... classes) {
        List<Logger> loggers = java.util.Arrays.stream(classes).map(c -> (Logger) LoggerFactory.getLogger(c)).collect(Collectors.toList());
        CapturedLog log = new CapturedLog(loggers);
        log.start();
        loggers.forEach(logger -> logger.addAppender(log));
        return log;
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        events.add(event);
    }

    /** "LEVEL logger-simple-name: message" of every captured event at that level. */
    public List<String> messages(Level level) {
        return events.stream().filter(e -> e.getLevel() == level)
            .map(e -> e.getLoggerName().substring(e.getLoggerName().lastIndexOf('.') + 1) + ": " + e.getFormattedMessage())
            .collect(Collectors.toList());
    }

    @Override
    public void close() {
        loggers.forEach(logger -> logger.detachAppender(this));
        stop();
    }
}

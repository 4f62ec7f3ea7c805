package dev.tlsprovenance.distribution;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.james.GuiceJamesServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Hooks;
import reactor.core.publisher.Operators;

/**
 * How the server stops on SIGTERM ({@code kill}, Ctrl-C, {@code systemctl stop}): queue delivery paused (mails being
 * processed or delivered finish and are acknowledged, the rest stays queued on disk; {@link InVmActiveMqBroker}), then
 * James's own stop (WebAdmin, listeners, spool, mailets, queues, broker, in that order), then the JVM ends with exit
 * code 0.
 *
 * <p>Exit code: a JVM ended by SIGTERM exits with 143 (128 + 15) even when every shutdown hook finished, so scripts and
 * supervisors cannot tell a clean stop from an interrupted one. Only this hook knows that the stop completed, so it
 * ends the JVM itself with {@code Runtime.halt(0)} once James has stopped; a stop that throws is logged and leaves the
 * JVM's 143. Mapping 143 to 0 in {@code bin/james-server} would need a shell that outlives Java (no {@code exec}) and
 * would report a half-done stop as clean. {@code halt} skips the JVM's {@code deleteOnExit} list and any hook still
 * running; nothing of the server relies on either (ActiveMQ's own hook is off, James deletes its temporary files on
 * dispose, logback writes each line through).
 *
 * <p>Quiet: James 3.8.1's spool cancels its dequeue subscription and then shuts down the thread blocked in ActiveMQ's
 * {@code receive()}; the interruption surfaces as an error the cancelled subscriber can no longer take, and Reactor's
 * default {@code onErrorDropped} logs it at ERROR with a stack trace on every stop. {@link #install} replaces that
 * default: an interruption dropped while stopping is logged at DEBUG, any other dropped error still at ERROR, under
 * Reactor's logger name.
 */
final class CleanStop {
    static final int EXIT_STOPPED = 0;

    private static final Logger LOGGER = LoggerFactory.getLogger(CleanStop.class);
    private static final Logger DROPPED = LoggerFactory.getLogger(Operators.class);
    private static final AtomicBoolean STOPPING = new AtomicBoolean();

    private CleanStop() {
    }

    /** Installs the dropped-error handler; call before James starts, so start-up errors are judged by it too. */
    static void install() {
        Hooks.onErrorDropped(CleanStop::dropped);
    }

    /** The shutdown hook: stops James, then ends the JVM with {@link #EXIT_STOPPED}. */
    static Thread hookFor(GuiceJamesServer server) {
        return new Thread(() -> stop(server), "james-shutdown");
    }

    private static void stop(GuiceJamesServer server) {
        STOPPING.set(true);
        long started = System.nanoTime();
        LOGGER.info("Stopping James TLS Provenance");
        ScheduledExecutorService receiveInterrupter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "james-shutdown-receive-interrupter");
            thread.setDaemon(true);
            return thread;
        });
        try {
            QueueDeliveryProbe queues = server.getProbe(QueueDeliveryProbe.class);
            queues.pauseDelivery();
            // threads that were busy with a mail at the pause reach their next receive during the stop
            receiveInterrupter.scheduleWithFixedDelay(queues::interruptWaitingReceivers, 100, 100, TimeUnit.MILLISECONDS);
            server.stop();
        } catch (Throwable e) {
            LOGGER.error("James did not stop cleanly; exiting without the clean-stop code", e);
            return;
        } finally {
            receiveInterrupter.shutdownNow();
        }
        LOGGER.info("James TLS Provenance stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        Runtime.getRuntime().halt(EXIT_STOPPED);
    }

    static void dropped(Throwable error) {
        if (STOPPING.get() && isInterruption(error)) {
            DROPPED.debug("Dropped while stopping (a dequeue interrupted by its thread pool's shutdown): {}", error.toString());
            return;
        }
        DROPPED.error("Operator called default onErrorDropped", error);
    }

    static boolean isInterruption(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }
}

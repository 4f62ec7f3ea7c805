package dev.tlsprovenance.tlsrpt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends yesterday's TLS-RPT reports once per UTC day: builds them from the outbound ledgers ({@link LedgerDay}),
 * looks up each policy domain's {@code _smtp._tls} record ({@link TlsRptRecord}) and hands each report to every
 * {@code rua} destination: {@code mailto:} through {@link MailSubmitter} (our own outbound), {@code https:} as a POST
 * ({@link HttpsReportPoster}). What was handed over is recorded ({@link SentReports}) before the next one goes, so a
 * restart sends only what had not gone yet. Pure of James: the adapter gives the mail submitter, the ledgers and the
 * DNS.
 * <p>
 * Schedule: {@link #start()} runs the day before at 00:00 UTC plus the send delay, every day; and once shortly after
 * start when that time has already passed today (a server that was down at midnight catches up). A destination
 * that failed is tried again at the next start (a failure is logged at WARN); the next day's run is about the next
 * day.
 */
public final class TlsRptSender implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(TlsRptSender.class);
    static final Duration CATCH_UP_DELAY = Duration.ofMinutes(1);

    /** Hands a report mail to our outbound, exempt from our TLS requirements (RFC 8460 §5.3). */
    @FunctionalInterface
    public interface MailSubmitter {
        void submit(TlsReport report, String from, String to) throws Exception;
    }

    private final boolean enabled;
    private final Duration sendDelay;
    private final Supplier<TlsReport.Settings> reportSettings;
    private final Supplier<String> reportSender;
    private final Supplier<List<Path>> ledgers;
    private final TxtLookup dns;
    private final MailSubmitter mail;
    private final HttpsReportPoster https;
    private final SentReports sent;
    private final Clock clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile ScheduledExecutorService scheduler;
    private volatile Duration catchUpDelay = CATCH_UP_DELAY;

    /**
     * @param reportSettings who we are in the reports; and {@code reportSender}, the From of report mail: asked at
     *                       each use (James knows its postmaster only once its mailet container is configured)
     */
    public TlsRptSender(boolean enabled, Duration sendDelay, Supplier<TlsReport.Settings> reportSettings, Supplier<String> reportSender,
                        Supplier<List<Path>> ledgers, TxtLookup dns, MailSubmitter mail, HttpsReportPoster https,
                        SentReports sent, Clock clock) {
        this.enabled = enabled;
        this.sendDelay = Objects.requireNonNull(sendDelay);
        this.reportSettings = Objects.requireNonNull(reportSettings);
        this.reportSender = Objects.requireNonNull(reportSender);
        this.ledgers = Objects.requireNonNull(ledgers);
        this.dns = Objects.requireNonNull(dns);
        this.mail = Objects.requireNonNull(mail);
        this.https = Objects.requireNonNull(https);
        this.sent = Objects.requireNonNull(sent);
        this.clock = Objects.requireNonNull(clock);
    }

    public boolean enabled() {
        return enabled;
    }

    public Clock clock() {
        return clock;
    }

    /** The reports of {@code day} as they stand (today: so far), one per policy domain. */
    public Map<String, TlsReport> reports(LocalDate day) throws IOException {
        return LedgerDay.reports(ledgers.get(), day, reportSettings.get(), Optional.of(reportSender.get()));
    }

    /** Sends the reports of {@code day} not sent before; what became of each destination, in order. */
    public synchronized List<Outcome> send(LocalDate day) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        for (TlsReport report : reports(day).values()) {
            String domain = report.policyDomain();
            if (sent.contains(day, domain, SentReports.NO_RECORD)) {
                continue;
            }
            Optional<TlsRptRecord> record;
            try {
                record = TlsRptRecord.lookup(dns, domain);
            } catch (IOException | RuntimeException e) {
                outcomes.add(new Outcome(domain, "", "failed", "TXT lookup of " + TlsRptRecord.LABEL + domain + ": " + e.getMessage()));
                continue;
            }
            if (record.isEmpty()) {
                sent.add(day, domain, SentReports.NO_RECORD);
                outcomes.add(new Outcome(domain, "", "no-record", ""));
                continue;
            }
            for (TlsRptRecord.Destination destination : record.get().destinations()) {
                String where = destination.uri().toString();
                if (sent.contains(day, domain, where)) {
                    outcomes.add(new Outcome(domain, where, "already-sent", ""));
                    continue;
                }
                try {
                    if (destination.kind() == TlsRptRecord.Destination.Kind.MAILTO) {
                        mail.submit(report, reportSender.get(), destination.mailbox());
                    } else {
                        https.post(destination.uri(), report);
                    }
                } catch (Exception e) {
                    outcomes.add(new Outcome(domain, where, "failed", String.valueOf(e.getMessage())));
                    continue;
                }
                sent.add(day, domain, where);
                outcomes.add(new Outcome(domain, where, "sent", ""));
            }
        }
        log(day, outcomes);
        return outcomes;
    }

    private static void log(LocalDate day, List<Outcome> outcomes) {
        long sentCount = outcomes.stream().filter(o -> o.result.equals("sent")).count();
        long noRecord = outcomes.stream().filter(o -> o.result.equals("no-record")).count();
        for (Outcome outcome : outcomes) {
            if (outcome.result.equals("failed")) {
                LOGGER.warn("TLS-RPT report of {} for {} not sent to {}: {}; tried again at the next start", day,
                    outcome.domain, outcome.destination.isEmpty() ? "its rua" : outcome.destination, outcome.detail);
            }
        }
        if (sentCount > 0) {
            LOGGER.info("TLS-RPT reports of {}: {} sent, {} domain(s) without a TLS-RPT record", day, sentCount, noRecord);
        }
    }

    /** Starts the daily schedule (once; nothing when sending is off). */
    public void start() {
        if (!enabled || !started.compareAndSet(false, true)) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-rpt-sender");
            thread.setDaemon(true);
            return thread;
        });
        LOGGER.info("TLS-RPT: the reports of each UTC day are sent at {} UTC the day after (send-delay of conf/tls-rpt.properties)",
            java.time.LocalTime.MIDNIGHT.plus(sendDelay));
        Instant now = clock.instant();
        Instant todaysRun = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant().plus(sendDelay);
        if (!now.isBefore(todaysRun)) {
            scheduler.schedule(this::runForYesterday, catchUpDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
        scheduleNext();
    }

    /** For tests: how long after {@link #start()} a missed run of today catches up (default one minute). */
    void catchUpAfter(Duration delay) {
        this.catchUpDelay = delay;
    }

    /** The next 00:00 UTC + delay strictly after now. */
    Instant nextRun(Instant now) {
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        Instant run = today.atStartOfDay(ZoneOffset.UTC).toInstant().plus(sendDelay);
        return now.isBefore(run) ? run : run.plus(Duration.ofDays(1));
    }

    private void scheduleNext() {
        ScheduledExecutorService current = scheduler;
        if (current == null || current.isShutdown()) {
            return;
        }
        long wait = Math.max(0, Duration.between(clock.instant(), nextRun(clock.instant())).toMillis());
        try {
            current.schedule(() -> {
                runForYesterday();
                scheduleNext();
            }, wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // closed meanwhile
        }
    }

    private void runForYesterday() {
        LocalDate yesterday = clock.instant().atZone(ZoneOffset.UTC).toLocalDate().minusDays(1);
        try {
            send(yesterday);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("TLS-RPT reports of {} could not be made: {}", yesterday, e.toString());
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService current = scheduler;
        if (current != null) {
            current.shutdownNow();
        }
    }

    /** What became of one report at one destination: {@code sent}, {@code already-sent}, {@code no-record}, {@code failed}. */
    public static final class Outcome {
        private final String domain;
        private final String destination;
        private final String result;
        private final String detail;

        Outcome(String domain, String destination, String result, String detail) {
            this.domain = domain;
            this.destination = destination;
            this.result = result;
            this.detail = detail;
        }

        public String domain() {
            return domain;
        }

        public String destination() {
            return destination;
        }

        public String result() {
            return result;
        }

        public String detail() {
            return detail;
        }

        @Override
        public String toString() {
            return domain + " " + (destination.isEmpty() ? "-" : destination) + " " + result + (detail.isEmpty() ? "" : ": " + detail);
        }
    }
}

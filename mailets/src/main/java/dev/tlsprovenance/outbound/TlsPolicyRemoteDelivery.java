package dev.tlsprovenance.outbound;

import dev.tlsprovenance.dane.DaneConfiguration;
import dev.tlsprovenance.dane.DanePlan;
import dev.tlsprovenance.dane.DanePlanner;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.sts.StsConfiguration;
import dev.tlsprovenance.sts.StsDecision;
import dev.tlsprovenance.sts.StsPolicyCache;
import dev.tlsprovenance.health.HealthSubjects;
import dev.tlsprovenance.ledger.PolicyFacts;
import dev.tlsprovenance.metrics.TlsMetrics;
import dev.tlsprovenance.ledger.JsonLinesFile;
import dev.tlsprovenance.ledger.Ledger;
import dev.tlsprovenance.ledger.MailIdentity;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.posture.LedgerLocations;
import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.PolicySource;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.tlsrpt.TlsRptMail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers remote mail under the per-namespace TLS policy ({@code conf/tls-policy.conf}): a drop-in for James's
 * {@code RemoteDelivery}. Recipients are split by domain; each domain's row gives the level
 * ({@code none, may, encrypt, verify, secure, fingerprint}), trust, pins, client certificate and route
 * (the row's smarthosts, else the domain's MX hosts). Mail waits in its own James MailQueue and is retried on the
 * {@code delays} schedule (with {@code directFirstAttempts} N &gt; 0, up to N first attempts at once run on the mailet
 * container's thread before any queue: the mail then passes one queue, the spool, instead of two); TLS failures are
 * temporary until {@code maxRetries} is spent, then the remaining recipients get an RFC 3464 DSN (5.7.10, 5.7.5, 5.7.30
 * or the peer's own code) naming the reason. Delivered recipients are never sent again. Every attempt is recorded on
 * the mail (attribute {@code dev.tlsprovenance.outbound}), logged on one line (logger
 * {@code dev.tlsprovenance.outbound.attempts}) and appended to the JSON-lines ledger ({@link OutboundLedgerLine}: mail,
 * Message-ID, sender, recipients and their outcome, policy row, TLS facts), including attempts that sent nothing
 * ({@code transport=none}: DNS failure, no connection, no STARTTLS). When the ledger cannot be written, recipients
 * whose row's level is {@code ledgerRequiredFrom} or stronger (default {@code encrypt}; {@code never} to switch it off)
 * are not sent: they wait in the queue ({@code 4.3.0}, without using up their retries) until it can, so that no
 * required-TLS delivery happens without its record; the others go on.
 * Mails for the same next hop share pooled TLS connections. A next hop that is
 * this server itself (one of its SMTP listeners, see {@link OwnServerHops}) is never connected to: its recipients
 * fail at once with 5.4.6 "mail for X loops back to myself" (to {@code loopProcessor} when given).
 * <pre>{@code
 * <processor state="transport" enableJmx="true">
 *   ...
 *   <mailet match="HostIsNotLocal" class="dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery">
 *     <outgoingQueue>outgoing-tls</outgoingQueue>
 *     <delays>5s, 1m, 5m, 30m</delays>
 *     <maxRetries>5</maxRetries>
 *     <heloName>mail.example.com</heloName>
 *     <connectionTimeout>30s</connectionTimeout>
 *     <readTimeout>2m</readTimeout>
 *     <deliveryThreads>4</deliveryThreads>
 *     <!-- up to N first attempts at once on the container's own threads, without the outgoing queue (default 0) -->
 *     <directFirstAttempts>4</directFirstAttempts>
 *     <maxIdleConnectionsPerHop>4</maxIdleConnectionsPerHop>
 *     <idleTimeout>30s</idleTimeout>
 *     <ledger>file://var/tls-ledger/outbound.jsonl</ledger>
 *     <ledgerMaxBytes>10485760</ledgerMaxBytes>
 *     <ledgerRequiredFrom>encrypt</ledgerRequiredFrom>
 *     <!-- optional: hand failures to a processor (e.g. with Rfc3464Bounce) instead of our own DSN -->
 *     <!-- <bounceProcessor>bounces</bounceProcessor> -->
 *     <!-- optional: where mail whose next hop is this server itself goes (5.4.6, never sent) -->
 *     <!-- <loopProcessor>loop</loopProcessor> -->
 *     <!-- optional: DANE, then MTA-STS, for destinations without a row (MTA-STS needs dane) -->
 *     <!-- <dane>file://conf/dane.properties</dane> -->
 *     <!-- <mtaSts>file://conf/mta-sts.properties</mtaSts> -->
 *   </mailet>
 * </processor>
 * }</pre>
 * <p>DANE (RFC 7672): with {@code <dane>file://conf/dane.properties</dane>} ({@link DaneConfiguration}: the DNSSEC
 * resolver and trust anchors) the rows at {@code outbound=dane} or {@code outbound=dane-only} are delivered as
 * {@link DanePlanner} decides from DNSSEC-validated MX, address and TLSA answers, and {@code dane} becomes the level
 * of destinations without a row (the built-in default; a {@code *} row of the file still wins). Without it, the
 * built-in default stays {@code may} and a {@code dane} row defers (4.7.5) saying DANE is not configured.
 * MTA-STS (RFC 8461): with {@code <mtaSts>file://conf/mta-sts.properties</mtaSts>} ({@link StsConfiguration}) and
 * {@code dane} configured, a destination without a row whose DANE plan neither applies nor defers follows its
 * MTA-STS policy ({@link DaneRouting}: enforce = only matching MX hosts, TLS, a PKIX-valid certificate naming an
 * {@code mx} pattern; testing = delivered as {@code may}, failures recorded).
 * {@code <smtpPort>} (default 25, Postfix's {@code smtp_tcp_port}) is the port of MX hosts.
 * Needs the Guice module {@code dev.tlsprovenance.guice.TlsProvenanceModule} (extensions.properties).
 */
public class TlsPolicyRemoteDelivery extends GenericMailet {
    /** Attempts made so far (int), kept on the queued mail. */
    public static final AttributeName RETRIES = AttributeName.of("dev.tlsprovenance.outbound.retries");
    /** First time the mail reached this mailet (epoch millis, long), for the DSN's Arrival-Date. */
    public static final AttributeName ARRIVAL = AttributeName.of("dev.tlsprovenance.outbound.arrival");
    /**
     * A fresh token (string) each time this mailet puts the mail into its queue: tells a rolled-back queue message
     * from the copy re-queued out of it, whatever the attempt count says.
     */
    public static final AttributeName QUEUED_AS = AttributeName.of("dev.tlsprovenance.outbound.queued-as");
    /** Last temporary failure, for operators inspecting the queue. */
    public static final AttributeName LAST_ERROR = AttributeName.of("dev.tlsprovenance.outbound.last-error");
    /** RFC 8689, named as James 3.9 names it. */
    public static final AttributeName REQUIRETLS = AttributeName.of("REQUIRETLS");
    /** Read by James's DSNBounce when a bounceProcessor is configured. */
    static final AttributeName DELIVERY_ERROR = FailedRecipientBounces.DELIVERY_ERROR;

    private static final Logger LOGGER = LoggerFactory.getLogger(TlsPolicyRemoteDelivery.class);
    private static final Logger ATTEMPTS = LoggerFactory.getLogger("dev.tlsprovenance.outbound.attempts");
    private static final int LOGGED_RECIPIENTS = 10;

    private final TlsPolicySource policies;
    private final MailQueueFactory<?> queueFactory;
    private final NextHopResolver mxResolver;
    private final FileSystem fileSystem;
    private final Clock clock;

    private DeliverySettings settings;
    private MailQueue queue;
    private ConnectionPool pool;
    private OutboundDelivery delivery;
    private Optional<Ledger> ledger;
    private Scheduler deliveryThreads;
    private Scheduler dequeueThread;
    private ScheduledExecutorService evictor;
    private Disposable dequeuer;
    private FailedRecipientBounces bounces;
    private java.util.function.Function<String, OwnServerHops> ownServerFactory = heloName -> OwnServerHops.NONE;
    private OwnServerHops ownServer = OwnServerHops.NONE;
    private ScheduledExecutorService heldItems;
    private final SettledRecipients settledRecipients = new SettledRecipients();
    /** Free slots for first attempts on the mailet container's threads; none unless directFirstAttempts says so. */
    private java.util.concurrent.Semaphore directAttempts = new java.util.concurrent.Semaphore(0);
    private TlsMetrics metrics = TlsMetrics.NONE;
    private Optional<HealthSubjects> healthSubjects = Optional.empty();
    private Optional<HealthSubjects.OutgoingQueue> waitingMail = Optional.empty();
    private Optional<LedgerLocations> ledgerLocations = Optional.empty();
    private java.util.function.Function<DnssecLookups.Settings, DanePlanner.Dns> daneDns =
        settings -> DanePlanner.Dns.of(new DnssecLookups(settings));
    private Optional<DanePlanner> danePlanner = Optional.empty();
    private Optional<DnssecLookups.Settings> dnssecSettings = Optional.empty();
    private Optional<java.util.function.Function<String, StsDecision>> mtaSts = Optional.empty();
    private TrustMaterial stsTrust;
    private String daneResolver = "";
    private final java.util.concurrent.atomic.AtomicBoolean dnssecIndeterminate = new java.util.concurrent.atomic.AtomicBoolean();

    @Inject
    public TlsPolicyRemoteDelivery(TlsPolicySource policies, MailQueueFactory<?> queueFactory, DNSService dns, FileSystem fileSystem) {
        this(policies, queueFactory, new DnsMxResolver(dns), fileSystem, Clock.systemUTC());
    }

    /** For tests and embedders: any next-hop resolver, any clock. */
    public TlsPolicyRemoteDelivery(TlsPolicySource policies, MailQueueFactory<?> queueFactory, NextHopResolver mxResolver,
                                   FileSystem fileSystem, Clock clock) {
        this.policies = policies;
        this.queueFactory = queueFactory;
        this.mxResolver = mxResolver;
        this.fileSystem = fileSystem;
        this.clock = clock;
    }

    /** Counters per attempt, and the outgoing queue for its health check (docs/posture.md); Guice calls it. */
    @Inject
    public void setObservers(TlsMetrics metrics, HealthSubjects subjects) {
        this.metrics = metrics;
        this.healthSubjects = Optional.of(subjects);
    }

    /** Where the ledger is told to the posture ({@code GET /tls/posture}) and the ledger health check; Guice calls it. */
    @Inject
    public void setLedgerLocations(LedgerLocations locations) {
        this.ledgerLocations = Optional.of(locations);
    }

    @Override
    public String getMailetInfo() {
        return "TLS policy remote delivery";
    }

    @Override
    public void init() throws MessagingException {
        settings = DeliverySettings.read(this::getInitParameter, this::defaultHeloName);
        ledger = settings.ledger().map(this::ledgerAt);
        danePlanner = settings.dane().isPresent() ? Optional.of(danePlanner(settings.dane().get())) : Optional.empty();
        mtaSts = settings.mtaSts().isPresent() ? mtaSts(settings.mtaSts().get()) : Optional.empty();
        ledger.ifPresent(l -> ledgerLocations.ifPresent(locations -> locations.register(Direction.OUTBOUND, l)));
        bounces = new FailedRecipientBounces(getMailetContext(), settings.heloName(), settings.bounceProcessor(),
            settings.loopProcessor(), clock);
        ownServer = ownServerFactory.apply(settings.heloName());
        queue = queueFactory.createQueue(MailQueueName.of(settings.outgoingQueue()));
        directAttempts = new java.util.concurrent.Semaphore(settings.directFirstAttempts());
        SmtpConnector connector = new SmtpConnector(settings.heloName(), settings.connectionTimeout(), settings.readTimeout(), clock);
        pool = new ConnectionPool(connector, settings.maxIdleConnectionsPerHop(), settings.idleTimeout());
        delivery = new OutboundDelivery(pool, new OutboundTlsCache(clock), clock);
        evictor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-delivery-idle-evictor");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(100, settings.idleTimeout().toMillis() / 2);
        evictor.scheduleWithFixedDelay(pool::evictIdle, every, every, TimeUnit.MILLISECONDS);
        heldItems = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-delivery-held-items");
            thread.setDaemon(true);
            return thread;
        });
        deliveryThreads = Schedulers.newBoundedElastic(settings.deliveryThreads(), 10_000, "tls-delivery");
        // A persistent queue (James's ActiveMQ/JMS queue) dequeues with a blocking receive on the subscribing thread:
        // before the first mail is taken: the queue health check follows the mail this delivery puts back to wait
        waitingMail = healthSubjects.map(subjects ->
            subjects.registerOutgoingQueue(settings.outgoingQueue(), settings.retrySchedule(), settings.maxRetries()));
        // subscribe on a thread of our own, or init() never returns and James never finishes starting.
        dequeueThread = Schedulers.newSingle("tls-delivery-dequeue", true);
        dequeuer = Flux.from(queue.deQueue())
            .subscribeOn(dequeueThread)
            .flatMap(item -> Mono.fromRunnable(() -> process(item)).subscribeOn(deliveryThreads), settings.deliveryThreads())
            .subscribe();
        LOGGER.info("TlsPolicyRemoteDelivery ready: queue={} directFirstAttempts={} delays={} maxRetries={} helo={} ledger={} ledgerRequiredFrom={}",
            settings.outgoingQueue(), settings.directFirstAttempts(), settings.retrySchedule().delays(), settings.maxRetries(), settings.heloName(),
            ledger.map(l -> l.file().toString()).orElse("none"), settings.ledgerRequiredFrom().map(OutboundLevel::token).orElse("never"));
    }

    private DanePlanner danePlanner(String location) throws MessagingException {
        Path file;
        try {
            file = location.startsWith("file://") || location.startsWith("classpath:")
                ? fileSystem.getFile(location).toPath() : Path.of(location);
        } catch (IOException e) {
            throw new MessagingException("Invalid value for parameter dane: cannot resolve '" + location + "': " + e.getMessage());
        }
        DaneConfiguration configuration;
        try {
            configuration = DaneConfiguration.read(file, clock);
        } catch (DaneConfiguration.Invalid e) {
            throw new MessagingException("Invalid DANE configuration (parameter dane): " + e.getMessage());
        }
        DanePlanner.Dns dns;
        try {
            dns = daneDns.apply(configuration.settings());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new MessagingException("Invalid DANE configuration " + file + ": " + e.getMessage());
        }
        daneResolver = String.valueOf(configuration.settings().resolver());
        dnssecSettings = Optional.of(configuration.settings());
        LOGGER.info("DANE on: DNSSEC resolver {} ({}), trust anchors {}; destinations without a row are delivered at level dane",
            configuration.settings().resolver(), configuration.resolverOrigin(), configuration.trustAnchorOrigin());
        return new DanePlanner(dns, settings.smtpPort());
    }

    /**
     * {@code conf/mta-sts.properties} ({@link StsConfiguration}): MTA-STS for destinations without a row and without
     * DANE. Its TXT lookups go through the DANE resolver, so it needs the {@code dane} parameter.
     */
    private Optional<java.util.function.Function<String, StsDecision>> mtaSts(String location) throws MessagingException {
        Path file = resolve("mtaSts", location);
        StsConfiguration configuration;
        try {
            configuration = StsConfiguration.read(file);
        } catch (StsConfiguration.Invalid e) {
            throw new MessagingException("Invalid MTA-STS configuration (parameter mtaSts): " + e.getMessage());
        }
        if (!configuration.enabled()) {
            LOGGER.info("MTA-STS off ({}: {}=false)", file, StsConfiguration.ENABLED);
            return Optional.empty();
        }
        if (dnssecSettings.isEmpty()) {
            throw new MessagingException("Invalid MTA-STS configuration " + file + ": " + StsConfiguration.ENABLED
                + "=true needs the parameter dane (conf/dane.properties): MTA-STS looks up _mta-sts TXT records through"
                + " the DANE resolver, and never overrides DANE (RFC 8461 section 2); set " + StsConfiguration.ENABLED + "=false or configure dane");
        }
        String cacheLocation = configuration.cacheDirectory();
        Path cacheDirectory = Path.of(cacheLocation).isAbsolute() ? Path.of(cacheLocation)
            : resolve(StsConfiguration.CACHE_DIRECTORY, "file://" + cacheLocation);
        StsPolicyCache cache;
        try {
            cache = new StsPolicyCache(cacheDirectory, clock);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("Invalid MTA-STS configuration " + file + ": " + StsConfiguration.CACHE_DIRECTORY + ": " + e.getMessage());
        }
        MtaStsWiring sts;
        try {
            sts = MtaStsWiring.of(configuration, cache, dnssecSettings.get(), clock);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new MessagingException("Invalid MTA-STS configuration " + file + ": " + StsConfiguration.TRUST_ANCHORS + ": " + e.getMessage());
        }
        stsTrust = sts.trust();
        LOGGER.info("MTA-STS on: policies cached in {} ({} cached), policy hosts and MX certificates trusted by {}; "
            + "destinations without a row and without DANE follow their MTA-STS policy", cacheDirectory, cache.size(), stsTrust.name());
        return Optional.of(sts.resolver());
    }

    private Path resolve(String parameter, String location) throws MessagingException {
        try {
            return location.startsWith("file://") || location.startsWith("classpath:")
                ? fileSystem.getFile(location).toPath() : Path.of(location);
        } catch (IOException e) {
            throw new MessagingException("Invalid value for " + parameter + ": cannot resolve '" + location + "': " + e.getMessage());
        }
    }

    /** For tests and embedders: how the DNSSEC lookups are made from the configured settings. Call before init(). */
    public void useDnssec(java.util.function.Function<DnssecLookups.Settings, DanePlanner.Dns> lookups) {
        this.daneDns = lookups;
    }

    private String defaultHeloName() {
        Object helo = getMailetContext().getAttribute("org.apache.james.HelloName");
        return helo == null ? "localhost" : helo.toString();
    }

    private Ledger ledgerAt(String location) {
        Path file;
        try {
            file = location.startsWith("file://") || location.startsWith("classpath:")
                ? fileSystem.getFile(location).toPath() : Path.of(location);
        } catch (IOException e) {
            throw new UncheckedIOException("ledger: cannot resolve '" + location + "'", e);
        }
        return new Ledger("outbound ledger", new JsonLinesFile(file, settings.ledgerMaxBytes(), JsonLinesFile.KEPT_ROTATIONS));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            return;
        }
        if (mail.getAttribute(ARRIVAL).isEmpty()) {
            mail.setAttribute(new Attribute(ARRIVAL, AttributeValue.of(clock.millis())));
        }
        if (directAttempts.tryAcquire()) {
            try {
                deliverDirectly(mail);
            } finally {
                directAttempts.release();
            }
            return;
        }
        enqueueForDelivery(mail);
    }

    /** Into the outgoing queue, taken by a delivery thread as soon as one is free. */
    private void enqueueForDelivery(Mail mail) throws MessagingException {
        markQueuedAs(mail, newQueueToken());
        queue.enQueue(mail);
        mail.setState(Mail.GHOST);
    }

    /**
     * The first attempt on the mailet container's own thread ({@code directFirstAttempts}): one queue hop instead of
     * two for mail that can go at once. The container acknowledges its spool message only after this returns, so the
     * guarantee is the queued path's: what is not delivered, bounced or re-queued (with its retry delay) by then is
     * still in the spool, and a crash sends it again (at least once). When the bounce or the re-queue cannot be
     * stored, the recipients not yet handled go into the outgoing queue as a fresh mail would; when that fails too,
     * the exception leaves the mail to James (its error processor, else the spool's own retry) with only those
     * recipients on it, so that no delivered recipient is sent again.
     */
    private void deliverDirectly(Mail mail) throws MessagingException {
        List<String> settled = new ArrayList<>();
        List<String> recipients = asStrings(new ArrayList<>(mail.getRecipients()));
        try {
            deliver(mail, 0, settled);
            mail.setState(Mail.GHOST);
            return;
        } catch (NextStateNotStoredException e) {
            LOGGER.warn("Mail {}: cannot {} after its first attempt: {}; putting the recipients not yet handled into queue {}",
                mail.getName(), e.step(), rootCause(e.getCause()), settings.outgoingQueue());
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("Unexpected failure in the first attempt for {}; putting the recipients not yet handled into queue {}",
                mail.getName(), settings.outgoingQueue(), e);
        }
        List<String> unsettled = new ArrayList<>(recipients);
        unsettled.removeAll(settled);
        if (unsettled.isEmpty()) {
            mail.setState(Mail.GHOST);
            return;
        }
        // the attempt count stays: an attempt that was made counts, and the queue's next one is the next attempt
        mail.setRecipients(toAddresses(unsettled));
        enqueueForDelivery(mail);
    }

    @Override
    public void destroy() {
        if (deliveryThreads != null) {
            // Deliveries under way finish and acknowledge their mail before the dequeuer is cancelled: cancelling
            // interrupts them mid-acknowledgement, and the mail is then sent again after the restart. Bounded, so a
            // stuck peer cannot hold the stop; whatever is still running after it is retried from the queue.
            deliveryThreads.disposeGracefully().timeout(Duration.ofSeconds(3)).onErrorResume(e -> Mono.empty()).block();
        }
        if (dequeuer != null) {
            dequeuer.dispose();
        }
        if (deliveryThreads != null) {
            deliveryThreads.dispose();
        }
        if (dequeueThread != null) {
            dequeueThread.dispose();
        }
        if (evictor != null) {
            evictor.shutdownNow();
        }
        if (heldItems != null) {
            // items waiting to be rolled back go back to their queue now, not when the broker notices the closed session
            heldItems.shutdownNow().forEach(Runnable::run);
        }
        if (pool != null) {
            pool.close();
        }
    }

    /**
     * Acknowledges the dequeued item only once the next state of every recipient is stored: delivered, bounced (the
     * DSN or the failed copy handed to the mailet container) or re-queued. Otherwise the item is rolled back into its
     * queue (after the wait of its next retry, so a full disk is not hammered) and the recipients already settled are
     * remembered, so that the message coming back is not sent to them again.
     */
    private void process(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        int attemptsSoFar = attemptsSoFar(mail);
        String queuedAs = mail.getAttribute(QUEUED_AS).flatMap(a -> a.getValue().valueAs(String.class)).orElse("");
        String queueMessage = SettledRecipients.queueMessage(mail.getName(), queuedAs);
        List<String> recipients = asStrings(new ArrayList<>(mail.getRecipients()));
        Duration retryDelay = retryDelay(attemptsSoFar);
        waitingMail.ifPresent(queue -> queue.taken(mail.getName()));
        List<String> settledNow = new ArrayList<>();
        boolean held = false;
        try {
            List<String> unsettled = settledRecipients.unsettled(queueMessage, recipients);
            if (unsettled.isEmpty()) {
                // handled by an earlier try whose acknowledgement failed; wait before acknowledging again, so that a
                // store that keeps failing is not retried in a tight loop
                LOGGER.info("Mail {}: every recipient was already handled; acknowledging it on queue {}", mail.getName(),
                    settings.outgoingQueue());
                finishLater(item, queueMessage, MailQueue.MailQueueItem.CompletionStatus.SUCCESS, retryDelay);
                held = true;
                return;
            }
            if (unsettled.size() < recipients.size()) {
                LOGGER.info("Mail {}: back in queue {} after a failed re-queue; not sending again to the recipients already handled, "
                    + "now trying {}", mail.getName(), settings.outgoingQueue(), unsettled);
                mail.setRecipients(toAddresses(unsettled));
            }
            deliver(mail, attemptsSoFar, settledNow);
            acknowledge(item, queueMessage, mail.getName(), recipients);
        } catch (NextStateNotStoredException e) {
            keepInQueue(item, queueMessage, recipients, attemptsSoFar, queuedAs, settledNow, retryDelay, e);
            held = true;
        } catch (Exception e) {
            LOGGER.error("Unexpected failure delivering {}; re-queueing it for a retry", mail.getName(), e);
            try {
                requeueWholeMail(mail, e, settledNow);
                acknowledge(item, queueMessage, mail.getName(), recipients);
            } catch (MessagingException | RuntimeException notStored) {
                keepInQueue(item, queueMessage, recipients, attemptsSoFar, queuedAs, settledNow, retryDelay,
                    new NextStateNotStoredException("re-queue", notStored));
                held = true;
            }
        } finally {
            if (!held) {
                // the queue keeps its own copy of a re-queued mail; this one holds message resources to release
                LifecycleUtil.dispose(mail);
            }
        }
    }

    private void acknowledge(MailQueue.MailQueueItem item, String queueMessage, String mailName, List<String> recipients) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            settledRecipients.forget(queueMessage);
        } catch (MailQueue.MailQueueException | RuntimeException e) {
            // Every recipient's next state is stored, but the queue still holds the item and will hand it out again:
            // then it is only acknowledged, never delivered a second time.
            settledRecipients.remember(queueMessage, recipients);
            LOGGER.error("Cannot acknowledge {} on queue {}: {}; its recipients are handled, so when the queue hands it out "
                + "again it is only acknowledged", mailName, settings.outgoingQueue(), rootCause(e), e);
        }
    }

    private void keepInQueue(MailQueue.MailQueueItem item, String queueMessage, List<String> recipients, int attemptsSoFar,
                             String queuedAs, List<String> settledNow, Duration delay, NextStateNotStoredException failure) {
        Mail mail = item.getMail();
        String mailName = mail.getName();
        settledRecipients.remember(queueMessage, settledNow);
        // as dequeued: a queue that re-enqueues this object on RETRY (James's in-memory queue) must get the original back
        try {
            mail.setRecipients(toAddresses(recipients));
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalStateException("recipient read from the queue no longer parses", e);
        }
        if (attemptsSoFar == 0) {
            mail.removeAttribute(RETRIES);
        } else {
            mail.setAttribute(new Attribute(RETRIES, AttributeValue.of(attemptsSoFar)));
        }
        markQueuedAs(mail, queuedAs);
        waiting(mail);
        LOGGER.error("Cannot {} {}: {}{}; kept in queue {}, retried in {}{}", failure.step(), mailName,
            rootCause(failure.getCause()), isStorageFailure(failure.getCause()) ? " (disk full?)" : "", settings.outgoingQueue(),
            delay.toString().substring(2).toLowerCase(Locale.ROOT), settledNow.isEmpty() ? "" : "; not sent again to the recipients already handled: " + settledNow);
        finishLater(item, queueMessage, MailQueue.MailQueueItem.CompletionStatus.RETRY, delay);
    }

    /**
     * Holds the item (unacknowledged: a crash or a stop returns it to the queue) and finishes it after {@code delay}.
     * James's ActiveMQ queue rolls a RETRY back at once and hands the message out again straight away, since its
     * next-delivery time has passed: the wait has to be here.
     */
    private void finishLater(MailQueue.MailQueueItem item, String queueMessage, MailQueue.MailQueueItem.CompletionStatus status,
                             Duration delay) {
        Runnable finish = () -> {
            try {
                item.done(status);
                if (status == MailQueue.MailQueueItem.CompletionStatus.SUCCESS) {
                    settledRecipients.forget(queueMessage);
                }
            } catch (MailQueue.MailQueueException | RuntimeException e) {
                LOGGER.error("Cannot finish {} ({}) on queue {}: {}; the queue hands it out again", queueMessage, status,
                    settings.outgoingQueue(), rootCause(e), e);
            } finally {
                LifecycleUtil.dispose(item.getMail());
            }
        };
        try {
            heldItems.schedule(finish, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            finish.run();
        }
    }

    private Duration retryDelay(int attemptsSoFar) {
        return settings.retrySchedule().delayBeforeRetry(attemptsSoFar + 1);
    }

    private static int attemptsSoFar(Mail mail) {
        return mail.getAttribute(RETRIES).flatMap(a -> a.getValue().valueAs(Integer.class)).orElse(0);
    }

    /**
     * Tries every recipient once; {@code settled} collects those whose next state is stored as it goes.
     *
     * @throws NextStateNotStoredException when the bounce or the re-queue failed: the mail must stay in its queue
     */
    private void deliver(Mail mail, int retries, List<String> settled) throws MessagingException, NextStateNotStoredException {
        int attempt = retries + 1;
        boolean retriesLeft = retries < settings.maxRetries();
        boolean requireTls = requiresTls(mail);
        MailIdentity identity = identityOf(mail);
        MessageContent content = out -> {
            try {
                mail.getMessage().writeTo(out);
            } catch (MessagingException e) {
                throw new IOException("cannot write message " + mail.getName() + ": " + e.getMessage(), e);
            }
        };
        List<MailAddress> retry = new ArrayList<>();
        List<MailAddress> waitingForLedger = new ArrayList<>();
        boolean attempted = false;
        Map<MailAddress, DeliveryStatusReport.FailedRecipient> failed = new LinkedHashMap<>();
        for (Map.Entry<String, List<MailAddress>> domain : byDomain(mail.getRecipients()).entrySet()) {
            NamespacePolicy looked = policies.current().lookup(domain.getKey());
            // Precedence: a row of the destination's own, then DANE, then MTA-STS, then the default. The file's default
            // row is that default (at dane, as shipped, DANE and then MTA-STS are asked first; at may, neither); without
            // one the built-in default is dane when DANE is configured.
            boolean fromRow = !looked.isDefault();
            // a TLS-RPT report goes out at may whatever the row or the DANE default says (RFC 8460 §5.3: despite any
            // TLS failure)
            NamespacePolicy row = TlsRptMail.policyFor(mail, looked);
            OutboundPolicy outbound = TlsRptMail.isReport(mail) ? row.outbound()
                : DaneRouting.outboundFor(row, danePlanner.isPresent());
            OutboundLevel level = SmtpConnector.effectiveLevel(outbound.level(), requireTls);
            // DANE and MTA-STS decide per destination what dane only promises as may: a destination they hold to
            // authenticated TLS needs its record as a verify row does
            Optional<DaneRouting> dane = outbound.level().isDane()
                ? Optional.of(daneRoute(domain.getKey(), outbound, fromRow)) : Optional.empty();
            OutboundLevel guaranteed = dane.map(d -> d.strongestGuarantee(level)).orElse(level);
            boolean recordRequired = ledgerRequired(guaranteed);
            if (recordRequired && !ledger.get().isWritable()) {
                DeliveryFailure deferred = DeliveryFailure.ledgerUnavailable("the outbound ledger " + ledger.get().file()
                    + " cannot be written and row " + row.source() + " (" + guaranteed.token()
                    + (guaranteed == level ? "" : ", as DANE or MTA-STS decided") + ") requires a record of every attempt");
                waitingForLedger.addAll(domain.getValue());
                mail.setAttribute(new Attribute(LAST_ERROR, AttributeValue.of(deferred.toString())));
                continue;
            }
            attempted = true;
            DomainDeliveryResult result;
            Envelope envelope = new Envelope(mail.getMaybeSender().asString(""),
                asStrings(domain.getValue()), requireTls);
            try {
                if (dane.isPresent() && dane.get().deferral().isPresent()) {
                    result = delivery.notAttempted(domain.getKey(), outbound, envelope, attempt, dane.get().deferral().get());
                } else {
                    List<NextHop> hops = dane.isPresent() ? ownServer.beforeSelf(domain.getKey(), dane.get().hops())
                        : route(domain.getKey(), row);
                    result = delivery.deliver(domain.getKey(), outbound, hops, envelope, content, attempt);
                }
            } catch (RoutingLoopException e) {
                result = delivery.notAttempted(domain.getKey(), outbound, envelope, attempt,
                    DeliveryFailure.routingLoop(e.getMessage()));
            } catch (IOException e) {
                result = delivery.notAttempted(domain.getKey(), outbound, envelope, attempt,
                    DeliveryFailure.network(e.getMessage()));
            }
            PolicyFacts rowFacts = PolicyFacts.of(fromRow ? PolicySource.ROW : PolicySource.DEFAULT);
            Optional<DaneRouting> daneFacts = dane;
            List<HopAttempt> hopAttempts = result.hopAttempts();
            for (int i = 0; i < hopAttempts.size(); i++) {
                boolean last = i == hopAttempts.size() - 1;
                // the last hop's line tells the recipients' fate in this attempt: delivered, deferred or bounced
                List<RecipientOutcome> outcomes = last ? result.outcomes() : hopAttempts.get(i).outcomes();
                HopAttempt hopAttempt = hopAttempts.get(i);
                PolicyFacts facts = daneFacts.map(d -> d.factsFor(hopAttempt.record().nextHop())).orElse(rowFacts);
                record(mail, identity, hopAttempt, row, facts, ledgerRecipients(outcomes, retriesLeft || !last), recordRequired);
            }
            Optional<String> lastHop = result.attempts().isEmpty() ? Optional.empty()
                : result.attempts().get(result.attempts().size() - 1).nextHop();
            for (RecipientOutcome outcome : result.outcomes()) {
                MailAddress recipient = new MailAddress(outcome.recipient());
                if (outcome.isDelivered()) {
                    settled.add(recipient.asString());
                    continue;
                }
                DeliveryFailure failure = outcome.failure().get();
                if (failure.isTemporary() && retriesLeft) {
                    retry.add(recipient);
                    mail.setAttribute(new Attribute(LAST_ERROR, AttributeValue.of(failure.toString())));
                } else {
                    failed.put(recipient, new DeliveryStatusReport.FailedRecipient(outcome.recipient(),
                        failure.isTemporary() ? failure.finalised() : failure, lastHop));
                }
            }
        }
        Optional<NextStateNotStoredException> notStored = Optional.empty();
        if (!failed.isEmpty()) {
            try {
                bounces.bounceOrHandToError(mail, failed);
                failed.keySet().forEach(recipient -> settled.add(recipient.asString()));
            } catch (MessagingException | RuntimeException e) {
                notStored = Optional.of(new NextStateNotStoredException("bounce", e));
            }
        }
        retry.addAll(waitingForLedger);
        if (!retry.isEmpty()) {
            mail.setRecipients(retry);
            // waiting for the ledger is not an attempt: it does not use up the mail's retries
            int attemptsMade = attempted ? attempt : retries;
            mail.setAttribute(new Attribute(RETRIES, AttributeValue.of(attemptsMade)));
            Duration delay = settings.retrySchedule().delayBeforeRetry(Math.max(1, attemptsMade));
            try {
                markQueuedAs(mail, newQueueToken());
                queue.enQueue(mail, delay);
                waiting(mail);
            } catch (MessagingException | RuntimeException e) {
                throw new NextStateNotStoredException("re-queue", e);
            }
            retry.forEach(recipient -> settled.add(recipient.asString()));
            if (!waitingForLedger.isEmpty()) {
                LOGGER.info("Mail {}: {} recipient(s) deferred (4.3.0) until the outbound ledger can be written; next try in {}",
                    mail.getName(), waitingForLedger.size(), delay);
            }
            if (waitingForLedger.size() < retry.size()) {
                LOGGER.info("Mail {}: {} recipient(s) to retry in {} (attempt {} of {})", mail.getName(),
                    retry.size() - waitingForLedger.size(), delay, attempt + 1, settings.maxRetries() + 1);
            }
        }
        if (notStored.isPresent()) {
            throw notStored.get();
        }
    }

    private boolean ledgerRequired(OutboundLevel level) {
        return ledger.isPresent() && settings.ledgerRequiredFrom().map(from -> level.compareTo(from) >= 0).orElse(false);
    }

    /** @param moreTriesLeft whether a temporary failure will be tried again (else it is bounced now, finalised) */
    private static List<OutboundLedgerLine.Recipient> ledgerRecipients(List<RecipientOutcome> outcomes, boolean moreTriesLeft) {
        List<OutboundLedgerLine.Recipient> recipients = new ArrayList<>();
        for (RecipientOutcome outcome : outcomes) {
            if (outcome.isDelivered()) {
                recipients.add(new OutboundLedgerLine.Recipient(outcome.recipient(), OutboundLedgerLine.Result.DELIVERED,
                    outcome.replyCode(), outcome.replyStatus(), outcome.reply().orElse(""), ""));
                continue;
            }
            DeliveryFailure failure = outcome.failure().get();
            DeliveryFailure reported = failure.isTemporary() && !moreTriesLeft ? failure.finalised() : failure;
            boolean ours = failure.remoteReply().isEmpty();
            recipients.add(new OutboundLedgerLine.Recipient(outcome.recipient(),
                reported.isTemporary() ? OutboundLedgerLine.Result.DEFERRED : OutboundLedgerLine.Result.FAILED,
                failure.remoteCode(), reported.enhancedStatus(), failure.remoteReply(), ours ? failure.diagnostic() : ""));
        }
        return recipients;
    }

    /** The first few recipients with their result; the ledger line has them all. */
    private static String loggedRecipients(List<OutboundLedgerLine.Recipient> recipients) {
        int shown = Math.min(recipients.size(), LOGGED_RECIPIENTS);
        String listed = recipients.subList(0, shown).stream().map(r -> r.address() + ":" + r.result().token())
            .collect(java.util.stream.Collectors.joining(","));
        return shown < recipients.size() ? listed + ",+" + (recipients.size() - shown) + "-more" : listed;
    }

    private static MailIdentity identityOf(Mail mail) {
        Optional<String> messageId;
        try {
            messageId = Optional.ofNullable(mail.getMessage() == null ? null : mail.getMessage().getMessageID());
        } catch (MessagingException | RuntimeException e) {
            messageId = Optional.empty();
        }
        return new MailIdentity(mail.getName(), messageId, mail.getMaybeSender().asString(""));
    }

    /** Never throws: a recording problem must not make us send a delivered recipient again. */
    private void record(Mail mail, MailIdentity identity, HopAttempt hopAttempt, NamespacePolicy row, PolicyFacts facts,
                        List<OutboundLedgerLine.Recipient> recipients, boolean recordRequired) {
        TlsProvenance attempt = hopAttempt.record();
        metrics.outboundAttempt(attempt, hopAttempt.nothingSentBecause(), recipients);
        try {
            ProvenanceAttributes.appendOutbound(mail, attempt);
        } catch (MalformedProvenanceException | RuntimeException e) {
            LOGGER.error("Mail {}: cannot record the attempt on the mail attribute {}", mail.getName(), ProvenanceAttributes.OUTBOUND, e);
        }
        ATTEMPTS.info("{} mail={} row={} rcpt={}", OutboundLogLine.format(attempt, facts, hopAttempt.nothingSentBecause()),
            mail.getName(), row.source(), loggedRecipients(recipients));
        ledger.ifPresent(l -> {
            OutboundLedgerLine line = new OutboundLedgerLine(attempt, hopAttempt.nothingSentBecause(), identity, row.source(),
                facts, recipients);
            if (!l.append(line.toJson()) && recordRequired) {
                // the probe passed and the write failed after the attempt (e.g. the disk filled up in between)
                LOGGER.warn("Mail {}: the ledger line of this attempt could not be written; it is kept here: {}",
                    mail.getName(), line);
            }
        });
    }

    /**
     * The DANE decision for a destination at {@code dane}/{@code dane-only}: over the row's routes (each judged by its
     * own TLSA records) or the DNSSEC-validated MX hosts. Without a configured resolver the destination waits.
     */
    private DaneRouting daneRoute(String domain, OutboundPolicy outbound, boolean fromRow) {
        DaneRouting routing = DaneRouting.forDestination(domain, outbound, fromRow, danePlanner, settings.smtpPort(), mtaSts, stsTrust);
        routing.plan().ifPresent(plan -> noteIndeterminate(domain, plan));
        routing.sts().ifPresent(decision -> noteSts(decision, routing));
        return routing;
    }

    /** Quiet when nothing is wrong: a policy that could not be had, or MX hosts an enforce policy skips, say so once per delivery. */
    private void noteSts(StsDecision decision, DaneRouting routing) {
        if (decision.failure().isPresent() || decision.refreshFailure().isPresent()) {
            LOGGER.info("MTA-STS: {}", decision);
        }
        if (!routing.stsSkipped().isEmpty()) {
            LOGGER.info("MTA-STS: {} enforce policy {}: MX host(s) {} not tried, no mx pattern {} matches", decision.domain(),
                decision.id().orElse(""), routing.stsSkipped(), decision.policy().map(p -> p.mx().toString()).orElse(""));
        }
    }

    /** One WARN when DNSSEC answers become indeterminate (resolver down?), one INFO when they are back: not per mail. */
    private void noteIndeterminate(String domain, DanePlan plan) {
        boolean indeterminate = plan.weakestStatus() == dev.tlsprovenance.dane.DnssecStatus.INDETERMINATE;
        if (indeterminate && dnssecIndeterminate.compareAndSet(false, true)) {
            LOGGER.warn("DNSSEC answers for {} are indeterminate ({}): is the resolver {} answering? Destinations at level dane or "
                + "dane-only wait (4.7.5) until it does; they are never sent in cleartext instead", domain,
                plan.deferral().orElse("some hosts skipped"), daneResolver);
        } else if (!indeterminate && dnssecIndeterminate.compareAndSet(true, false)) {
            LOGGER.info("DNSSEC answers are determinate again (for {}, resolver {})", domain, daneResolver);
        }
    }

    /** The row's routes, else the domain's MX hosts; never this server itself (see {@link OwnServerHops}). */
    private List<NextHop> route(String domain, NamespacePolicy row) throws IOException, RoutingLoopException {
        List<Smarthost> routes = row.outbound().routes();
        List<NextHop> hops = new ArrayList<>();
        if (!routes.isEmpty()) {
            routes.forEach(route -> hops.add(NextHop.of(route)));
        } else {
            for (NextHop hop : mxResolver.nextHops(domain)) {
                hops.add(settings.smtpPort() == NextHop.SMTP_PORT || hop.port() != NextHop.SMTP_PORT ? hop
                    : NextHop.of(hop.host(), settings.smtpPort(), hop.implicitTls()));
            }
        }
        return ownServer.beforeSelf(domain, hops);
    }

    /**
     * Guice: this server's bound SMTP listeners and its DNS, so that a next hop that is this server is recognised
     * ({@link OwnServerHops}); the hello name counts as one of our names.
     */
    @com.google.inject.Inject(optional = true)
    void recogniseOwnListeners(org.apache.james.smtpserver.netty.SMTPServerFactory smtpServers, DNSService dns) {
        ownServerFactory = heloName -> new OwnServerHops(() -> OwnListeners.boundAddresses(smtpServers), java.util.Set.of(heloName),
            host -> OwnListeners.addressesOf(dns, host), OwnServerHops::isAddressOfThisMachine);
    }

    /** For tests and embedders: which next hops are this server (default: none is recognised). Call before init(). */
    public void recogniseOwnServer(OwnServerHops ownServer) {
        ownServerFactory = heloName -> ownServer;
    }

    /**
     * A bug or an unreadable mail: retry its recipients not yet handled like a temporary failure, then hand it to the
     * error processor.
     *
     * @throws MessagingException when neither the re-queue nor the error processor took it
     */
    private void requeueWholeMail(Mail mail, Exception cause, List<String> settled) throws MessagingException {
        List<String> unsettled = new ArrayList<>(asStrings(new ArrayList<>(mail.getRecipients())));
        unsettled.removeAll(settled);
        if (unsettled.isEmpty()) {
            return;
        }
        mail.setRecipients(toAddresses(unsettled));
        int retries = attemptsSoFar(mail);
        mail.setAttribute(new Attribute(LAST_ERROR, AttributeValue.of(String.valueOf(cause))));
        if (retries >= settings.maxRetries()) {
            getMailetContext().sendMail(mail, Mail.ERROR);
            return;
        }
        mail.setAttribute(new Attribute(RETRIES, AttributeValue.of(retries + 1)));
        markQueuedAs(mail, newQueueToken());
        queue.enQueue(mail, settings.retrySchedule().delayBeforeRetry(retries + 1));
        waiting(mail);
    }

    /** Tells the queue health check that this mail is back in the queue, waiting. */
    private void waiting(Mail mail) {
        waitingMail.ifPresent(queue -> {
            Set<String> domains = new TreeSet<>();
            mail.getRecipients().forEach(recipient -> domains.add(recipient.getDomain().asString()));
            Instant arrival = mail.getAttribute(ARRIVAL).flatMap(a -> a.getValue().valueAs(Long.class)).map(Instant::ofEpochMilli)
                .orElseGet(clock::instant);
            Optional<String> lastError = mail.getAttribute(LAST_ERROR).flatMap(a -> a.getValue().valueAs(String.class));
            queue.waiting(new HealthSubjects.WaitingMail(mail.getName(), domains, arrival, lastError));
        });
    }

    private static String newQueueToken() {
        return java.util.UUID.randomUUID().toString();
    }

    private static void markQueuedAs(Mail mail, String token) {
        if (token.isEmpty()) {
            mail.removeAttribute(QUEUED_AS);
        } else {
            mail.setAttribute(new Attribute(QUEUED_AS, AttributeValue.of(token)));
        }
    }

    /** The innermost cause, as "Class: message": a full disk shows as "IOException: No space left on device". */
    static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static boolean isStorageFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static List<MailAddress> toAddresses(List<String> recipients) throws javax.mail.internet.AddressException {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return addresses;
    }

    /** The bounce or the re-queue of a dequeued mail did not reach the store; {@link #step()} says which. */
    private static final class NextStateNotStoredException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String step;

        NextStateNotStoredException(String step, Throwable cause) {
            super("cannot " + step + ": " + cause, cause);
            this.step = step;
        }

        String step() {
            return step;
        }
    }

    private static boolean requiresTls(Mail mail) {
        return mail.getAttribute(REQUIRETLS)
            .map(attribute -> attribute.getValue().value())
            .map(value -> Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(String.valueOf(value)))
            .orElse(false);
    }

    private static Map<String, List<MailAddress>> byDomain(java.util.Collection<MailAddress> recipients) {
        Map<String, List<MailAddress>> byDomain = new LinkedHashMap<>();
        for (MailAddress recipient : recipients) {
            byDomain.computeIfAbsent(recipient.getDomain().asString().toLowerCase(Locale.ROOT), d -> new ArrayList<>()).add(recipient);
        }
        return byDomain;
    }

    private static List<String> asStrings(List<MailAddress> addresses) {
        List<String> strings = new ArrayList<>();
        addresses.forEach(address -> strings.add(address.asString()));
        return strings;
    }

    /** Visible for tests: idle pooled connections right now. */
    int idleConnections() {
        return pool.idleConnections();
    }

}
